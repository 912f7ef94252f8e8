/*
 * test_hostloss.c - a remote job fails once it has lost its host on two
 * different hosts (told apart by the sshlogin's text, not by where it is
 * kept), or 3 times on the same host: not on the first loss, nor on the
 * same host lost a second time.
 */
#include "hostloss.h"

#include "tap.h"

int main(void)
{
	struct hostloss l = { { NULL, NULL }, 0 };
	char h1[] = "h1", h1again[] = "h1", h2[] = "2/h2";

	ok(!hostloss_add(&l, h1), "the first host lost: run again");
	is_str(l.host[0], "h1", "the first host is kept");
	ok(l.host[1] == NULL, "no second host yet");
	ok(!hostloss_add(&l, h1again),
	   "the same sshlogin again, another copy of it: run again");
	ok(l.host[1] == NULL, "the same host is no second host");
	is_int(l.times, 2, "lost twice");
	ok(hostloss_add(&l, h1), "the same host a third time: it fails");
	is_int(l.times, HOSTLOSS_TIMES, "lost 3 times");
	is_str(l.host[0], "h1", "the one host it lost is named");
	ok(l.host[1] == NULL, "and no other");

	l = (struct hostloss){ { NULL, NULL }, 0 };
	ok(!hostloss_add(&l, h1), "another job: its own first host");
	ok(hostloss_add(&l, h2), "then another host: it fails at once");
	is_str(l.host[0], "h1", "the first host is still the first");
	is_str(l.host[1], "2/h2", "the second is named after it");

	l = (struct hostloss){ { NULL, NULL }, 0 };
	ok(!hostloss_add(&l, h2), "h2 lost once: run again");
	ok(!hostloss_add(&l, h2), "h2 again: run again");
	ok(hostloss_add(&l, h1), "then h1: a second host, it fails");
	is_str(l.host[0], "2/h2", "the host lost first comes first");
	is_str(l.host[1], "h1", "the other one second");
	is_int(l.times, 3, "3 losses in all");
	return tap_done();
}
