/*
 * test_template.c - replacement strings, batching, argv sizes and quoting.
 *
 * The expected values of the replacement strings were printed by GNU
 * parallel 20221122 (parallel -q printf '{}|{.}|{/}|{//}|{/.}' ::: REC).
 * Shell mode is checked by running the produced argv with /bin/sh on
 * hostile values, in a scratch directory where any injected "touch x"
 * would leave a trace.
 */
#include "template.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "scratch.h"
#include "tap.h"

#define MAXREC 64

static struct rec recs[MAXREC];

/* Point recs[] at STRS[0..N). */
static void set_recs(const char *const *strs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		recs[i].s = strs[i];
		recs[i].len = strlen(strs[i]);
	}
}

/* ARGV joined with '|', in a static buffer. */
static const char *joined(char **argv)
{
	static char buf[8192];
	size_t len = 0, i, n;

	buf[0] = '\0';
	for (i = 0; argv[i]; i++) {
		n = strlen(argv[i]);
		if (len + n + 2 > sizeof buf)
			return "(too long)";
		if (i)
			buf[len++] = '|';
		memcpy(buf + len, argv[i], n + 1);
		len += n;
	}
	return buf;
}

/* Compile MODE over the NULL-terminated WORDS; NULL on error. */
static const char *compile(struct tmpl *t, enum tmpl_mode mode,
			   const char *const *words, const char *repl)
{
	int argc = 0;

	while (words && words[argc])
		argc++;
	return tmpl_compile(t, mode, (char **)words, argc, repl);
}

/* Expand WORDS (direct mode) on records STRS and join the argv. */
static const char *direct(const char *const *words, const char *repl,
			  const char *const *strs, size_t n)
{
	static char buf[8192];
	struct tmpl t;
	struct argvbuf ab;
	const char *err;

	if ((err = compile(&t, TMPL_DIRECT, words, repl)))
		return err;
	argvbuf_init(&ab);
	set_recs(strs, n);
	snprintf(buf, sizeof buf, "%s",
		 joined(tmpl_expand(&t, &ab, recs, n, 7, 3)));
	argvbuf_release(&ab);
	tmpl_release(&t);
	return buf;
}

static void test_values(void)
{
	static const struct {
		const char *rec, *want;
	} cases[] = {
		{ ".bashrc", ".bashrc||.bashrc|.|" },
		{ "dir.x/file", "dir.x/file|dir.x/file|file|dir.x|file" },
		{ "a.b", "a.b|a|a.b|.|a" },
		{ "x.tar.gz", "x.tar.gz|x.tar|x.tar.gz|.|x.tar" },
		{ "a/b.c/d", "a/b.c/d|a/b.c/d|d|a/b.c|d" },
		{ "file", "file|file|file|.|file" },
		{ "/file", "/file|/file|file|/|file" },
		{ "a/b/", "a/b/|a/b/||a|" },
		{ "/", "/|/||/|" },
		{ "", "|||.|" },
		{ ".", ".||.|.|" },
		{ "..", "..|.|..|.|." },
		{ "a/.b", "a/.b|a/|.b|a|" },
		{ "a/b.", "a/b.|a/b|b.|a|b" },
		{ "a/b/.c", "a/b/.c|a/b/|.c|a/b|" },
		{ "/a", "/a|/a|a|/|a" },
		{ "//a", "//a|//a|a|/|a" },
		{ "a//b", "a//b|a//b|b|a|b" },
		{ "./x", "./x|./x|x|.|x" },
		{ "a/.", "a/.|a/|.|a|" },
		{ "..b", "..b|.|..b|.|." },
		{ "a..b", "a..b|a.|a..b|.|a." },
		{ "a/b//", "a/b//|a/b//||a|" },
		{ "a///", "a///|a///||.|" },
		{ "///", "///|///||/|" },
		{ "a//b//c", "a//b//c|a//b//c|c|a//b|c" },
		{ "ab/", "ab/|ab/||.|" },
		{ "x/y.z/", "x/y.z/|x/y.z/||x|" },
		{ "sp ace/f i.le", "sp ace/f i.le|sp ace/f i|f i.le|sp ace|f i" },
	};
	static const char *const words[] = { "p", "{}|{.}|{/}|{//}|{/.}", NULL };
	char want[256];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(want, sizeof want, "p|%s", cases[i].want);
		is_str(direct(words, NULL, &cases[i].rec, 1), want,
		       "values of '%s' as GNU parallel", cases[i].rec);
	}
}

static void test_direct(void)
{
	static const char *const one[] = { "src/a.tar.gz" };
	static const char *const three[] = { "a.c", "d/b.c", "c" };
	struct tmpl t;

	{
		static const char *const w[] = { "cp", "{}", "{.}.bak", NULL };
		is_str(direct(w, NULL, one, 1), "cp|src/a.tar.gz|src/a.tar.bak",
		       "substitution, embedded in a word");
	}
	{
		static const char *const w[] = { "x", "{}-{}-{/.}{/.}", "{}", NULL };
		is_str(direct(w, NULL, one, 1),
		       "x|src/a.tar.gz-src/a.tar.gz-a.tara.tar|src/a.tar.gz",
		       "several occurrences in a word and in the command");
	}
	{
		static const char *const w[] = { "x", "{}}", "{{}", "{", "}{", "{x}", NULL };
		is_str(direct(w, NULL, one, 1),
		       "x|src/a.tar.gz}|{src/a.tar.gz|{|}{|{x}",
		       "braces around placeholders stay literal");
	}
	{
		static const char *const w[] = {
			"echo", "XX", "{}", "{.}", "aXXb", "{/}", NULL,
		};
		is_str(direct(w, "XX", one, 1),
		       "echo|src/a.tar.gz|{}|src/a.tar|asrc/a.tar.gzb|a.tar.gz",
		       "-I XX: XX is the record, {} literal, {.} still works");
	}
	{
		static const char *const w[] = { "echo", "{/}", NULL };
		is_str(direct(w, "{/", one, 1), "echo|a.tar.gz",
		       "-I {/: the longer {/} still wins");
	}
	{
		static const char *const w[] = { "echo", "-n", NULL };
		is_str(direct(w, NULL, one, 1), "echo|-n|src/a.tar.gz",
		       "no replacement string: record appended");
		is_str(direct(w, NULL, three, 3), "echo|-n|a.c|d/b.c|c",
		       "no replacement string: batch appended");
	}
	{
		static const char *const w[] = { "echo", "{#}", "s{%}", NULL };
		is_str(direct(w, NULL, one, 1), "echo|7|s3",
		       "{#} and {%%}, no record appended (as parallel echo {#})");
		is_str(direct(w, NULL, three, 3), "echo|7|s3",
		       "{#} and {%%} do not repeat in a batch");
	}
	{
		static const char *const w[] = {
			"cmd", "-i", "{}", "-o", "pre{.}post", "{#}", NULL,
		};
		is_str(direct(w, NULL, three, 3),
		       "cmd|-i|a.c|d/b.c|c|-o|preapost|pred/bpost|precpost|7",
		       "batch: bare placeholder one arg each, embedded repeats");
	}
	{
		static const char *const w[] = { "x", "{}={/}#{#}", NULL };
		is_str(direct(w, NULL, three, 3),
		       "x|a.c=a.c#7|d/b.c=b.c#7|c=c#7",
		       "batch: context replace with {#} inside");
	}
	{
		static const char *const w[] = { "", "{}", "", NULL };
		is_str(direct(w, NULL, three, 1), "|a.c|",
		       "empty words stay empty arguments");
	}

	{
		static const char *const w[] = { "echo", "{}", NULL };
		ok(!compile(&t, TMPL_DIRECT, w, NULL) && t.has_placeholder &&
		   !t.cmd_varies, "echo {}: has_placeholder, fixed command");
		tmpl_release(&t);
	}
	{
		static const char *const w[] = { "{}", "x", NULL };
		ok(!compile(&t, TMPL_DIRECT, w, NULL) && t.cmd_varies,
		   "{} x: command varies");
		tmpl_release(&t);
	}
	{
		static const char *const w[] = { "run{#}", NULL };
		ok(!compile(&t, TMPL_DIRECT, w, NULL) && t.cmd_varies &&
		   t.has_placeholder, "run{#}: command varies per job");
		tmpl_release(&t);
	}
	{
		static const char *const w[] = { "echo", "x", NULL };
		ok(!compile(&t, TMPL_DIRECT, w, NULL) && !t.has_placeholder &&
		   !t.cmd_varies, "echo x: no placeholder");
		tmpl_release(&t);
	}
}

static void test_errors(void)
{
	static const char *const w[] = { "echo", NULL };
	struct tmpl t;
	const char *e;

	e = compile(&t, TMPL_DIRECT, NULL, NULL);
	ok(e && e[0] >= 'a' && e[0] <= 'z' && e[strlen(e) - 1] != '.',
	   "direct without command: '%s'", e ? e : "(none)");
	tmpl_release(&t);
	e = compile(&t, TMPL_SHELL, NULL, NULL);
	ok(e != NULL, "shell without command: '%s'", e ? e : "(none)");
	tmpl_release(&t);
	e = compile(&t, TMPL_DIRECT, w, "");
	ok(e != NULL, "empty -I: '%s'", e ? e : "(none)");
	tmpl_release(&t);
	ok(!compile(&t, TMPL_LINE, NULL, NULL), "line mode compiles");
	tmpl_release(&t);
}

static void test_line(void)
{
	static const char *const strs[] = { "echo a | tr a b", "exit 3", "x" };
	struct tmpl t;
	struct argvbuf ab;

	argvbuf_init(&ab);
	compile(&t, TMPL_LINE, NULL, NULL);
	set_recs(strs, 3);
	is_str(joined(tmpl_expand(&t, &ab, recs, 1, 1, 1)),
	       "/bin/sh|-c|echo a | tr a b", "line mode: one record");
	is_str(joined(tmpl_expand(&t, &ab, recs, 3, 1, 1)),
	       "/bin/sh|-c|echo a | tr a b\nexit 3\nx",
	       "line mode: batch joined by newlines");
	ok(!t.has_placeholder && !t.cmd_varies, "line mode: fixed command");
	tmpl_release(&t);
	argvbuf_release(&ab);
}

/* Expand shell template SCRIPT (one word) and join the argv. */
static const char *shell1(const char *script, const char *const *strs,
			  size_t n)
{
	static char buf[8192];
	const char *words[] = { script, NULL };
	struct tmpl t;
	struct argvbuf ab;
	const char *err;

	if ((err = compile(&t, TMPL_SHELL, words, NULL)))
		return err;
	argvbuf_init(&ab);
	set_recs(strs, n);
	snprintf(buf, sizeof buf, "%s",
		 joined(tmpl_expand(&t, &ab, recs, n, 7, 3)));
	argvbuf_release(&ab);
	tmpl_release(&t);
	return buf;
}

static void test_shell_text(void)
{
	static const char *const v[] = { "a.x", "b.y" };

	is_str(shell1("echo {}", v, 1), "/bin/sh|-c|echo \"${1}\"|sh|a.x",
	       "shell: unquoted reference");
	is_str(shell1("echo \"{}\"", v, 1), "/bin/sh|-c|echo \"${1}\"|sh|a.x",
	       "shell: reference in double quotes");
	is_str(shell1("echo '{}'", v, 1), "/bin/sh|-c|echo ''\"${1}\"''|sh|a.x",
	       "shell: reference in single quotes");
	is_str(shell1("echo {} {.} {}", v, 2),
	       "/bin/sh|-c|echo \"${1}\" \"${3}\" \"${2}\" \"${4}\" \"${1}\" \"${3}\""
	       "|sh|a.x|a|b.y|b", "shell: batch, one parameter per value");
	is_str(shell1("echo '<{}>' \"<{}>\"", v, 2),
	       "/bin/sh|-c|echo '<'\"${1} ${2}\"'>' \"<${1} ${2}>\"|sh|a.x|b.y",
	       "shell: batch in quotes stays one word");
	is_str(shell1("echo {#} '{%}'", v, 1), "/bin/sh|-c|echo 7 '3'|sh",
	       "shell: {#} {%%} inserted as digits, no record appended");
	is_str(shell1("echo hi;echo", v, 2),
	       "/bin/sh|-c|echo hi;echo \"${1}\" \"${2}\"|sh|a.x|b.y",
	       "shell: no replacement string: records appended");
	{
		static const char *const w[] = { "echo", "'a b'", "{}", NULL };
		struct tmpl t;
		struct argvbuf ab;

		argvbuf_init(&ab);
		compile(&t, TMPL_SHELL, w, NULL);
		set_recs(v, 1);
		is_str(joined(tmpl_expand(&t, &ab, recs, 1, 1, 1)),
		       "/bin/sh|-c|echo 'a b' \"${1}\"|sh|a.x",
		       "shell: words joined by spaces");
		ok(t.has_placeholder && !t.cmd_varies, "shell: flags");
		tmpl_release(&t);
		argvbuf_release(&ab);
	}
}

/* Run ARGV, capture its stdout into BUF; returns the length or -1. */
static long run(char **argv, char *buf, size_t cap)
{
	int fd[2], status;
	long len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fd) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf + len, cap - 1 - len)) > 0)
		len += n;
	close(fd[0]);
	waitpid(pid, &status, 0);
	buf[len] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return len;
}

static const char *const hostile[] = {
	"$(touch x)", "`touch x`", ";touch x", "';touch x;'", "\";touch x;\"",
	"'", "\"", "\\", "\\\\'", "a\\nb", "line1\nline2", "$HOME", "${HOME}",
	"$1", "${1}", "*", "  two  spaces  ", "", "-n", "}", "{}", "%s",
	"$(touch x)'\"`touch x`\"'", "x' \"$(touch x)\" '", "\\\"; touch x #",
	"a;b&c|d>e<f", "\t", "~", "!x", "#c",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

/*
 * Run every hostile value through SCRIPT (a one-word shell template); the
 * output must be PRE VALUE POST each time. ECHO skips values dash's echo
 * would rewrite (backslashes, a leading -n).
 */
static void check_shell(const char *dir, const char *script,
			const char *pre, const char *post, int echo)
{
	const char *words[] = { script, NULL };
	struct tmpl t;
	struct argvbuf ab;
	char want[512], got[512];
	const char *err;
	size_t i, bad = 0;

	if ((err = compile(&t, TMPL_SHELL, words, NULL))) {
		ok(0, "compile %s: %s", script, err);
		return;
	}
	argvbuf_init(&ab);
	for (i = 0; i < NHOSTILE; i++) {
		if (echo && (strchr(hostile[i], '\\') || hostile[i][0] == '-'))
			continue;
		set_recs(&hostile[i], 1);
		snprintf(want, sizeof want, "%s%s%s", pre, hostile[i], post);
		if (run(tmpl_expand(&t, &ab, recs, 1, 1, 1), got, sizeof got) < 0 ||
		    strcmp(got, want) != 0) {
			printf("#   %s: value '%s' gave '%s'\n", script,
			       hostile[i], got);
			bad++;
		}
	}
	/* keep the TAP line on one line */
	for (i = 0; script[i] && i < sizeof want - 1; i++)
		want[i] = script[i] == '\n' ? ' ' : script[i];
	want[i] = '\0';
	ok(bad == 0 && dir_clean(dir), "shell, hostile values: %s", want);
	tmpl_release(&t);
	argvbuf_release(&ab);
}

/* A batch of all hostile values through SCRIPT; SEP between values. */
static void check_shell_batch(const char *dir, const char *script,
			      const char *pre, const char *sep,
			      const char *post)
{
	const char *words[] = { script, NULL };
	struct tmpl t;
	struct argvbuf ab;
	char want[2048], got[2048];
	size_t i, len;

	compile(&t, TMPL_SHELL, words, NULL);
	argvbuf_init(&ab);
	len = (size_t)snprintf(want, sizeof want, "%s", pre);
	for (i = 0; i < NHOSTILE; i++)
		len += (size_t)snprintf(want + len, sizeof want - len, "%s%s",
					i ? sep : "", hostile[i]);
	snprintf(want + len, sizeof want - len, "%s", post);
	set_recs(hostile, NHOSTILE);
	run(tmpl_expand(&t, &ab, recs, NHOSTILE, 1, 1), got, sizeof got);
	is_str(got, want, "shell, batch of %zu hostile values: %s",
	       NHOSTILE, script);
	ok(dir_clean(dir), "nothing injected");
	tmpl_release(&t);
	argvbuf_release(&ab);
}

static void test_shell_run(const char *dir)
{
	static const struct {
		const char *script, *pre, *post;
		int echo;
	} cases[] = {
		{ "printf '%s\\n' {}", "", "\n", 0 },
		{ "printf '%s\\n' '{}'", "", "\n", 0 },
		{ "printf '%s\\n' \"{}\"", "", "\n", 0 },
		{ "printf '%s\\n' \"x{}y\"", "x", "y\n", 0 },
		{ "printf '%s\\n' 'a'{}'b'", "a", "b\n", 0 },
		{ "printf '%s\\n' a{}b", "a", "b\n", 0 },
		{ "printf '%s\\n' 'a{}b'", "a", "b\n", 0 },
		{ "printf '%s\\n' \"'{}'\"", "'", "'\n", 0 },
		{ "printf '%s\\n' '\"{}\"'", "\"", "\"\n", 0 },
		{ "printf '%s\\n' \"$(printf '%s' '{}')\"", "", "\n", 0 },
		{ "printf '%s\\n' \"$(printf '%s' \"{}\")\"", "", "\n", 0 },
		{ "printf '%s\\n' \"`printf '%s' '{}'`\"", "", "\n", 0 },
		{ "v=`printf '%s' {}`; printf '%s\\n' \"$v\"", "", "\n", 0 },
		{ "x={}; printf '%s\\n' \"$x\"", "", "\n", 0 },
		{ "printf '%s\\n' \"${UNSET_FANOUT_TEST:-{}}\"", "", "\n", 0 },
		{ "printf '%s\\n' {} # it's {} \"", "", "\n", 0 },
		{ "# it's\nprintf '%s\\n' '{}'", "", "\n", 0 },
		{ "printf '%s\\n' \\{}", "", "\n", 0 },
		{ "printf '%s\\n' \"\\{}\"", "\\", "\n", 0 },
		{ "printf '%s\\n' 'it'\\''s{}'", "it's", "\n", 0 },
		{ "printf '%s\\n' {#}{} '{%}'", "1", "\n1\n", 0 },
		{ "case {} in *) printf '%s\\n' {};; esac", "", "\n", 0 },
		{ "printf '%s\\n' \"$(case x in (x) printf '%s' '{}';; esac)\"",
		  "", "\n", 0 },
		{ "printf '%s\\n'", "", "\n", 0 },
		{ "echo {}", "", "\n", 1 },
		{ "echo '{}'", "", "\n", 1 },
		{ "echo \"{}\"", "", "\n", 1 },
		{ "echo \"x{}y\"", "x", "y\n", 1 },
		{ "echo 'a'{}'b'", "a", "b\n", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_shell(dir, cases[i].script, cases[i].pre, cases[i].post,
			    cases[i].echo);
	check_shell_batch(dir, "printf '<%s>' {}", "<", "><", ">");
	check_shell_batch(dir, "printf '<%s>' \"{}\"", "<", " ", ">");
	check_shell_batch(dir, "printf '<%s>' '{}'", "<", " ", ">");
	check_shell_batch(dir, "printf '<%s>' 'a'{}'b'", "<a", "><", "b>");
	check_shell_batch(dir, "printf '%s\\n' \"$(printf '<%s>' '{}')\"",
			  "<", " ", ">\n");
	{
		/* positional parameters past 9 need the braces */
		static const char *const many[] = {
			"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		};
		const char *words[] = { "printf '%s,' {}", NULL };
		struct tmpl t;
		struct argvbuf ab;
		char got[256];

		compile(&t, TMPL_SHELL, words, NULL);
		argvbuf_init(&ab);
		set_recs(many, 12);
		run(tmpl_expand(&t, &ab, recs, 12, 1, 1), got, sizeof got);
		is_str(got, "1,2,3,4,5,6,7,8,9,10,11,12,",
		       "shell: 12 records reach ${10} and beyond");
		tmpl_release(&t);
		argvbuf_release(&ab);
	}
	{
		static const char *const v[] = { "d ir/f'$(touch x).tar.gz", "q/.\"r" };
		const char *words[] = {
			"printf '%s|' {} '{.}' \"{/}\" {//} {/.}", NULL,
		};
		struct tmpl t;
		struct argvbuf ab;
		char got[512];

		compile(&t, TMPL_SHELL, words, NULL);
		argvbuf_init(&ab);
		set_recs(v, 2);
		run(tmpl_expand(&t, &ab, recs, 1, 1, 1), got, sizeof got);
		is_str(got, "d ir/f'$(touch x).tar.gz|d ir/f'$(touch x).tar|"
		       "f'$(touch x).tar.gz|d ir|f'$(touch x).tar|",
		       "shell: every replacement string");
		run(tmpl_expand(&t, &ab, recs, 2, 1, 1), got, sizeof got);
		is_str(got, "d ir/f'$(touch x).tar.gz|q/.\"r|"
		       "d ir/f'$(touch x).tar q/|"
		       "f'$(touch x).tar.gz .\"r|d ir|q|f'$(touch x).tar||",
		       "shell: every replacement string, batch of 2");
		ok(dir_clean(dir), "nothing injected");
		tmpl_release(&t);
		argvbuf_release(&ab);
	}
}

/*
 * Bytes ARGV really takes (strings with NULs and the pointers); *JOINED the
 * size of argv[JOIN] (JOIN < 0: none), *LONGEST of the longest other one.
 */
static size_t argv_bytes(char **argv, int join, size_t *joined,
			 size_t *longest)
{
	size_t n = 0, i, l;

	*joined = *longest = 0;
	for (i = 0; argv[i]; i++) {
		l = strlen(argv[i]) + 1;
		n += l + sizeof(char *);
		if ((int)i == join)
			*joined = l;
		else if (l > *longest)
			*longest = l;
	}
	return n + sizeof(char *);
}

/* Whether tmpl_costs() bounds what T makes of N records (case C). */
static bool costs_hold(const struct tmpl *t, struct argvbuf *ab, size_t n,
		       size_t c)
{
	struct batch_costs k;
	size_t line, join, arg = sizeof "/bin/sh";     /* the fixed words */
	size_t real, joined, longest, i;
	int jix = t->mode == TMPL_DIRECT ? -1 : 2;      /* sh -c ARG */

	tmpl_costs(t, &k);
	line = k.line_base;
	join = k.join_base;
	for (i = 0; i < n; i++) {
		size_t l = recs[i].len, nc = recs[i].ncol ? recs[i].ncol : 1;

		line += k.line_byte * l + k.line_rec + k.line_col * nc;
		join += k.join_byte * l + k.join_rec + k.join_col * nc;
		if (k.arg_byte * l + k.arg_rec > arg)
			arg = k.arg_byte * l + k.arg_rec;
	}
	real = argv_bytes(tmpl_expand(t, ab, recs, n, UINT64_MAX, ~0u), jix,
			  &joined, &longest);
	if (real > line || joined > join || longest > arg) {
		printf("#   case %zu, %zu records: line %zu, bound %zu; "
		       "joined %zu, bound %zu; longest %zu, bound %zu\n",
		       c, n, real, line, joined, join, longest, arg);
		return false;
	}
	/* the bound should not be wildly loose either */
	if (line > 4 * real + 256 || join > 4 * joined + 256) {
		printf("#   case %zu: loose bound %zu for %zu, %zu for %zu\n",
		       c, line, real, join, joined);
		return false;
	}
	return true;
}

static size_t word_count(const char *const *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	return n;
}

static void test_costs(void)
{
	static const struct {
		enum tmpl_mode mode;
		const char *words[6];
	} cases[] = {
		{ TMPL_LINE, { NULL } },
		{ TMPL_DIRECT, { "echo", NULL } },
		{ TMPL_DIRECT, { "cp", "{}", "{//}/{/.}.{#}.{%}", "--", NULL } },
		{ TMPL_DIRECT, { "{}{}{}", "x{.}{/}", NULL } },
		{ TMPL_SHELL, { "echo {} '{}' \"{/}\" {#}", NULL } },
		{ TMPL_SHELL, { "true", NULL } },
		{ TMPL_SHELL, { "echo '{//}{//}{//}' {%}", NULL } },
	};
	static const char *const strs[] = {
		"", "a", "dir/file.ext", "/", "x.y.z/w", "a b c d e f g h",
		"''''''''''", "0123456789012345678901234567890123456789",
	};
	struct argvbuf ab;
	size_t c, n, bad = 0;

	argvbuf_init(&ab);
	set_recs(strs, 8);
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct tmpl t;

		compile(&t, cases[c].mode, cases[c].words, NULL);
		for (n = 1; n <= 8; n++)
			if (!costs_hold(&t, &ab, n, c))
				bad++;
		tmpl_release(&t);
	}
	ok(bad == 0, "costs bound the line, the joined and any other argument");
	/* -m cuts a word at each record: more arguments, no more bytes */
	bad = 0;
	for (c = 1; c <= 3; c++) {
		struct tmpl t;
		struct tmpl_conf conf = { .multi = true };

		if (tmpl_compile_conf(&t, TMPL_DIRECT,
				      (char **)cases[c].words,
				      (int)word_count(cases[c].words), &conf))
			bad++;
		for (n = 1; n <= 8; n++)
			if (!costs_hold(&t, &ab, n, c))
				bad++;
		tmpl_release(&t);
	}
	ok(bad == 0, "-m: costs bound the line and every argument");
	argvbuf_release(&ab);
}

/* Growing records through one argvbuf: contents right every time. */
static void test_reuse(void)
{
	static const char *const w[] = { "x", "{}", "<{/}>", NULL };
	struct tmpl t;
	struct argvbuf ab;
	char *big = malloc(40000), *want = malloc(40010);
	size_t i, bad = 0;
	char **av;

	compile(&t, TMPL_DIRECT, w, NULL);
	argvbuf_init(&ab);
	for (i = 0; i < 2000; i++) {
		size_t n = (i * 37) % 39000;

		memset(big, 'a' + (int)(i % 26), n);
		big[n] = '\0';
		recs[0].s = big;
		recs[0].len = n;
		recs[1].s = "d/e";
		recs[1].len = 3;
		av = tmpl_expand(&t, &ab, recs, 1 + i % 2, i, 1);
		snprintf(want, 40010, "<%s>", big);
		if (strcmp(av[0], "x") || strcmp(av[1], big) ||
		    (i % 2 ? strcmp(av[2], "d/e") || strcmp(av[3], want) ||
		     strcmp(av[4], "<e>") || av[5] :
		     strcmp(av[2], want) || av[3]))
			bad++;
	}
	ok(bad == 0, "2000 expansions of growing size through one argvbuf");
	ok(ab.strcap < 4 * 40000, "string space grew to what was needed (%zu)",
	   ab.strcap);
	tmpl_release(&t);
	argvbuf_release(&ab);
	free(big);
	free(want);
}

static void test_render(void)
{
	static const char *const a1[] = { "echo", "a-b_c.d/e:f,g@h%i+j=k", NULL };
	static const char *const a2[] = {
		"echo", "", "a b", "it's", "$x", "~", "*", NULL,
	};
	static const char *const a3[] = { NULL };
	static const char *const hostile_argv[] = {
		"/usr/bin/printf", "[%s]", "'", "''", "a'b\"c", "$(touch x)",
		"", "\n", "\\", "`x`", "\t!", NULL,
	};
	char *s, *line, got[256];
	char sh0[] = "/bin/sh", sh1[] = "-c";
	char *sh[] = { sh0, sh1, NULL, NULL };
	struct strbuf b = STRBUF_INIT;

	s = shquote_argv((char *const *)a1);
	is_str(s, "echo a-b_c.d/e:f,g@h%i+j=k", "render: safe characters bare");
	free(s);
	s = shquote_argv((char *const *)a2);
	is_str(s, "echo '' 'a b' 'it'\\''s' '$x' '~' '*'",
	       "render: others single-quoted");
	free(s);
	s = shquote_argv((char *const *)a3);
	is_str(s, "", "render: empty argv");
	free(s);

	shquote_append(&b, "a", 1);
	shquote_append(&b, "'b'", 3);
	is_str(b.buf, "a''\\''b'\\'''", "shquote_append appends");
	ok(b.len == strlen(b.buf), "shquote_append keeps the length");
	strbuf_release(&b);

	/* what is rendered must read back as the same argv */
	line = shquote_argv((char *const *)hostile_argv);
	sh[2] = line;
	run(sh, got, sizeof got);
	is_str(got, "['][''][a'b\"c][$(touch x)][][\n][\\][`x`][\t!]",
	       "render: sh reads it back unchanged");
	free(line);
}

int main(void)
{
	char tmpl[] = "/tmp/fanout-test-template.XXXXXX";
	char *dir, cwd[4096];

	/* every command runs in a scratch directory that must stay empty */
	if (!getcwd(cwd, sizeof cwd) || !(dir = mkdtemp(tmpl)) ||
	    chdir(dir) < 0) {
		ok(0, "scratch directory");
		return tap_done();
	}
	setenv("HOME", "/home-of-test", 1);
	test_values();
	test_direct();
	test_errors();
	test_line();
	test_shell_text();
	test_shell_run(dir);
	test_costs();
	test_reuse();
	test_render();
	ok(dir_clean(dir), "nothing was injected anywhere");
	ok(chdir(cwd) == 0 && rmdir(dir) == 0, "scratch directory removed");
	return tap_done();
}
