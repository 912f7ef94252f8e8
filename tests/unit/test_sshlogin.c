/*
 * test_sshlogin.c - GNU parallel's sshlogin forms, parsed: N/ slots, user,
 * host, port, [IPv6]:port, ":" for this machine, comma lists with "\,",
 * entries with their own ssh command, files with comments; and every bad
 * form refused with a reason, hosts that ssh would take for options too.
 */
#include <stdlib.h>

#include "sshlogin.h"
#include "tap.h"

static void test_forms(void)
{
	struct sshlogins l = { 0 };

	is_str(sshlogin_parse(&l, "4/alice@h1:2222"), NULL, "N/user@host:port parses");
	is_int(l.v[0].slots, 4, "slots");
	is_str(l.v[0].user, "alice", "user");
	is_str(l.v[0].host, "h1", "host");
	is_str(l.v[0].port, "2222", "port");
	is_str(l.v[0].text, "alice@h1:2222", "the text keeps all but N/");
	ok(!l.v[0].local && !l.v[0].cmd, "remote, ssh's own command");
	sshlogins_free(&l);

	is_str(sshlogin_parse(&l, "h2,:,1/[::1]:22,fe80::1,2/h3"), NULL, "a list parses");
	is_int(l.n, 5, "five logins");
	is_str(l.v[0].host, "h2", "a bare host");
	ok(l.v[0].user == NULL && l.v[0].port == NULL && l.v[0].slots == 0,
	   "no user, port or slots");
	ok(l.v[1].local, "':' is this machine");
	is_str(l.v[2].host, "::1", "[addr]:port: the address");
	is_str(l.v[2].port, "22", "[addr]:port: the port");
	is_str(l.v[3].host, "fe80::1", "an IPv6 address without a port");
	ok(l.v[3].port == NULL, "has no port");
	is_int(l.v[4].slots, 2, "N/ in a later entry");
	sshlogins_free(&l);

	is_str(sshlogin_parse(&l, "ssh -p 2225 -o A\\,B=1 user@h9"), NULL,
	       "an entry with its own ssh command");
	ok(l.v[0].cmd && !strcmp(l.v[0].cmd[0], "ssh") &&
	   !strcmp(l.v[0].cmd[1], "-p") && !strcmp(l.v[0].cmd[2], "2225") &&
	   !strcmp(l.v[0].cmd[4], "A,B=1") && l.v[0].cmd[5] == NULL,
	   "its words, the escaped comma kept");
	is_str(l.v[0].host, "h9", "the last word is the host");
	is_str(l.v[0].user, "user", "with its user");
	sshlogins_free(&l);

	is_str(sshlogin_parse(&l, "123"), NULL, "a host made of digits");
	is_str(l.v[0].host, "123", "is not taken for N/");
	sshlogins_free(&l);
}

static void test_bad(void)
{
	static const char *bad[] = {
		"", "h1,,h2", "h1,", "0/h1", "5000/h1", "/h1", "@h1", "h1:",
		"h1:0", "h1:x", "h1:70000", "[::1", "[]:22", "[::1]x", "-oProxyCommand=x",
		"u@-p", "2/", "a/b",
	};
	struct sshlogins l = { 0 };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = sshlogin_parse(&l, bad[i]);

		ok(why != NULL, "'%s' is refused (%s)", bad[i], why ? why : "-");
	}
	sshlogins_free(&l);
	ok(l.n == 0 && l.v == NULL, "freed");
}

static void test_file(void)
{
	static const char text[] = "# hosts\n\n  2/h1\r\nh2,0/h3\n:\n";
	struct sshlogins l = { 0 };
	size_t line;

	ok(sshlogin_parse_file(&l, text, sizeof text - 1, &line) != NULL,
	   "a bad login in a file is refused");
	is_int(line, 4, "on its line, 4");
	sshlogins_free(&l);

	static const char good[] = "# hosts\n\n  2/h1\r\nh2,h3\n:";
	is_str(sshlogin_parse_file(&l, good, sizeof good - 1, &line), NULL,
	       "a file parses");
	is_int(l.n, 4, "comments and blank lines skipped, last line without newline");
	is_int(l.v[0].slots, 2, "CRLF line: slots");
	is_str(l.v[0].host, "h1", "CRLF line: host");
	ok(l.v[3].local, "':' on its own line");
	sshlogins_free(&l);
}

int main(void)
{
	test_forms();
	test_bad();
	test_file();
	return tap_done();
}
