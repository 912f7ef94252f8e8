/*
 * test_hostloss.c - a remote job fails once it has lost its host on two
 * different hosts: not on the first loss, not on the same host lost again
 * (told apart by the sshlogin's text, not by where it is kept).
 */
#include "hostloss.h"

#include "tap.h"

int main(void)
{
	const char *first = NULL;
	char h1[] = "h1", h1again[] = "h1", h2[] = "2/h2";

	ok(!hostloss_add(&first, h1), "the first host lost: run again");
	is_str(first, "h1", "the first host is kept");
	ok(!hostloss_add(&first, h1), "the same host again: run again");
	ok(!hostloss_add(&first, h1again),
	   "the same sshlogin, another copy of it: run again");
	ok(hostloss_add(&first, h2), "a second host: it fails");
	is_str(first, "h1", "the first host is still the first");

	first = NULL;
	ok(!hostloss_add(&first, h2), "another job: its own first host");
	ok(hostloss_add(&first, h1), "then another: it fails");
	return tap_done();
}
