/*
 * test_ptree.c - descendants in a process snapshot built by hand.
 *
 * The tree (pid <- parent):
 *   1 <- 0;  100 <- 1 (fanout);  101, 102, 150 <- 100;  201, 202 <- 101;
 *   301 <- 201;  500 <- 1 (unrelated);  501 <- 500.
 * Entries are given out of order, as readdir may return them.
 */
#include <stdlib.h>
#include <unistd.h>

#include "ptree.h"
#include "tap.h"
#include "util.h"

static void build(struct ptree *t)
{
	static const struct ptree_proc procs[] = {
		{ 501, 500, 500, 9 }, { 301, 201, 201, 8 }, { 100, 1, 100, 1 },
		{ 202, 101, 101, 7 }, { 1, 0, 1, 0 }, { 150, 100, 150, 6 },
		{ 102, 100, 102, 5 }, { 201, 101, 201, 4 }, { 101, 100, 101, 3 },
		{ 500, 1, 500, 2 },
	};
	size_t n = sizeof procs / sizeof procs[0];

	t->n = n;
	t->p = xmalloc(sizeof procs);
	for (size_t i = 0; i < n; i++)
		t->p[i] = procs[i];
	ptree_index(t);
}

static int has(const pid_t *v, size_t n, pid_t pid)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += v[i] == pid;
	return c;
}

static void test_find(void)
{
	struct ptree t;

	build(&t);
	ok(ptree_find(&t, 201) && ptree_find(&t, 201)->start == 4, "find 201");
	ok(ptree_find(&t, 999) == NULL, "no 999");
	ptree_release(&t);
}

static void test_descendants(void)
{
	struct ptree t;
	pid_t *v = xmalloc(sizeof *v);
	size_t n;

	build(&t);
	v[0] = 100;
	n = ptree_descendants(&t, &v, 1);
	is_int((int)n, 7, "100 and its six descendants");
	is_int(v[0], 100, "the root stays first");
	ok(has(v, n, 101) && has(v, n, 102) && has(v, n, 150) &&
	   has(v, n, 201) && has(v, n, 202) && has(v, n, 301),
	   "children, grandchildren, great-grandchild");
	ok(!has(v, n, 500) && !has(v, n, 501) && !has(v, n, 1),
	   "nothing outside the tree");
	/* Asking again adds nothing: all are marked. */
	is_int((int)ptree_descendants(&t, &v, n), 7, "no process twice");
	free(v);
	ptree_release(&t);
}

static void test_several_roots(void)
{
	struct ptree t;
	pid_t *v = xmalloc(3 * sizeof *v);
	size_t n;

	build(&t);
	/* A root inside another root's tree, and one that is gone. */
	v[0] = 201;
	v[1] = 101;
	v[2] = 777;
	n = ptree_descendants(&t, &v, 3);
	is_int((int)n, 5, "201, 101, 777, then 202 and 301");
	is_int(has(v, n, 201), 1, "201 once");
	ok(has(v, n, 202) && has(v, n, 301), "both subtrees");
	free(v);
	ptree_release(&t);
}

static void test_empty(void)
{
	struct ptree t = { 0 };
	pid_t *v = xmalloc(sizeof *v);

	ptree_index(&t);
	v[0] = 42;
	is_int((int)ptree_descendants(&t, &v, 1), 1, "empty snapshot: root only");
	ok(ptree_find(&t, 42) == NULL, "empty snapshot: nothing found");
	free(v);
	ptree_release(&t);
}

static void test_scan_self(void)
{
	struct ptree t;
	const struct ptree_proc *me;

	ok(ptree_scan(&t), "scan /proc");
	me = ptree_find(&t, getpid());
	ok(me && me->ppid == getppid(), "we are in it, with our parent");
	ptree_release(&t);
}

int main(void)
{
	test_find();
	test_descendants();
	test_several_roots();
	test_empty();
	test_scan_self();
	return tap_done();
}
