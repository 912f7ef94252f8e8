/*
 * test_remotecmd.c - a remote job's command line: every word in single
 * quotes exactly once (a quote inside as '\''), the stub's arguments in
 * their order, the grace in whole seconds rounded up. That sh reads it
 * back as the same words is remote_ssh.bats' (it runs it).
 */
#include <string.h>

#include "remotecmd.h"
#include "tap.h"

static const char *quoted(const char *s)
{
	static struct strbuf b = STRBUF_INIT;

	strbuf_reset(&b);
	remotecmd_quote(&b, s);
	return b.buf;
}

int main(void)
{
	struct remotecmd rc = { .workdir = "w d" };
	char *envs[] = { (char *)"A=x y" };
	char *argv[] = { (char *)"printf", (char *)"%s", (char *)"a; b'c", (char *)"", NULL };
	struct strbuf b = STRBUF_INIT;
	const char *tail;

	is_str(quoted("abc"), "'abc'", "a plain word is quoted too");
	is_str(quoted(""), "''", "the empty word");
	is_str(quoted("it's"), "'it'\\''s'", "a quote inside");
	is_str(quoted("$(x) `y` \"z\" \\"), "'$(x) `y` \"z\" \\'", "nothing else is special");

	remotecmd_grace(&rc, 1);
	is_str(rc.grace, "1", "a grace of 1 ns is 1 s");
	remotecmd_grace(&rc, 2000000000);
	is_str(rc.grace, "2", "2 s stays 2");
	remotecmd_grace(&rc, 0);
	is_str(rc.grace, "0", "no grace");

	rc.envs = envs;
	rc.nenvs = 1;
	remotecmd_build(&b, &rc, argv, 7, 3, "h1");
	ok(strncmp(b.buf, "exec sh -c '", 12) == 0, "runs the stub with sh");
	tail = strstr(b.buf, " fanout-remote ");
	ok(tail != NULL, "names \\$0 fanout-remote");
	is_str(tail, " fanout-remote '0' 'w d' 4 'FANOUT_SEQ=7' 'FANOUT_SLOT=3' "
	       "'FANOUT_HOST=h1' 'A=x y' 'printf' '%s' 'a; b'\\''c' ''",
	       "grace, workdir, count, assignments, then argv, each quoted once");
	strbuf_release(&b);
	return tap_done();
}
