#!/usr/bin/env bats
# The wiring of src/ (issue 10): no include or call circle, util is the
# ground floor, nobody calls main. tests/layering.py reads the headers and
# the objects of the build under test (nm).

load helpers

# The object directory of the fanout under test: build-asan/fanout's own,
# or build/ for the copy at the top of the tree.
objdir() {
	local d
	d=$(dirname "$FANOUT")
	[ -e "$d/main.o" ] && { echo "$d"; return; }
	echo "$BATS_TEST_DIRNAME/../build"
}

@test "no include or call circle in src/, util calls nothing above it" {
	command -v nm >/dev/null || skip "no nm"
	[ -e "$(objdir)/main.o" ] || skip "no objects next to $FANOUT"
	run python3 "$BATS_TEST_DIRNAME/layering.py" "$BATS_TEST_DIRNAME/../src" "$(objdir)"
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
}

@test "the layering check sees a call circle and an include circle" {
	command -v nm >/dev/null || skip "no nm"
	mkdir s o
	printf '#include "b.h"\nvoid a(void);\n' >s/a.h
	printf '#include "a.h"\nvoid b(void);\n' >s/b.h
	# (the sources leave the headers out: without guards they never end)
	printf 'void b(void);\nvoid a(void) { b(); }\n' >s/a.c
	printf 'void a(void);\nvoid b(void) { a(); }\n' >s/b.c
	printf 'int main(void) { return 0; }\n' >s/main.c
	for f in a b main; do cc -c -o "o/$f.o" "s/$f.c"; done
	run python3 "$BATS_TEST_DIRNAME/layering.py" s o
	[ "$status" -eq 1 ]
	[[ "$output" == *"include cycle: a.h -> b.h -> a.h"* ]]
	[[ "$output" == *"call cycle: a -> b -> a"* ]]
}
