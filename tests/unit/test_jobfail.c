/*
 * test_jobfail.c - the line that names a failed job: each way a job fails,
 * the pid left out when none started, and the command cut to one short
 * line (at a line break, at the limit, never inside a UTF-8 character).
 */
#include "jobfail.h"

#include <signal.h>
#include <string.h>

#include "tap.h"

static struct strbuf sb = STRBUF_INIT;

static const char *line(const struct jobfail *f)
{
	strbuf_reset(&sb);
	jobfail_format(&sb, f);
	return sb.buf;
}

static const char *cmd(const char *c, size_t max)
{
	strbuf_reset(&sb);
	jobfail_cmd(&sb, c, max);
	return sb.buf;
}

int main(void)
{
	is_str(line(&(struct jobfail){ .seq = 3, .pid = 4242,
		     .cmd = "sh -n bad.sh", .exit_code = 2, .attempts = 1 }),
	       "job 3 [pid 4242]: 'sh -n bad.sh' exited with status 2",
	       "exit status");
	is_str(line(&(struct jobfail){ .seq = 4, .pid = 7, .cmd = "sleep 30",
		     .exit_code = -1, .signal = SIGTERM,
		     .timeout_ns = 1500000000, .attempts = 1 }),
	       "job 4 [pid 7]: 'sleep 30' timed out after 1.5s",
	       "a timeout is said as such, not as its signal");
	is_str(line(&(struct jobfail){ .seq = 5, .pid = 8, .cmd = "x",
		     .exit_code = -1, .signal = SIGKILL, .attempts = 1 }),
	       "job 5 [pid 8]: 'x' killed by signal 9 (SIGKILL)",
	       "signal with its name");
	is_str(line(&(struct jobfail){ .seq = 5, .pid = 8, .cmd = "x",
		     .exit_code = -1, .signal = SIGXCPU, .rlimit = "cpu=60",
		     .attempts = 1 }),
	       "job 5 [pid 8]: 'x' killed by signal 24 (SIGXCPU, --rlimit cpu=60)",
	       "the --rlimit that ended it");
	is_str(line(&(struct jobfail){ .seq = 5, .pid = 8, .cmd = "x",
		     .exit_code = -1, .signal = 63, .attempts = 1 }),
	       "job 5 [pid 8]: 'x' killed by signal 63",
	       "signal without a name");
	is_str(line(&(struct jobfail){ .seq = 6, .cmd = "false",
		     .exit_code = 1, .attempts = 3 }),
	       "job 6: 'false' exited with status 1 after 3 attempts",
	       "no pid; retried");
	is_str(line(&(struct jobfail){ .seq = 7, .pid = 10, .cmd = "oom",
		     .exit_code = 255, .attempts = 1,
		     .lost = { "h1", "3/h3" } }),
	       "job 7 [pid 10]: 'oom' lost its host on 2 hosts ('h1' and '3/h3'); "
	       "not run again",
	       "lost its host on two hosts: the hosts, not ssh's 255");
	is_str(line(&(struct jobfail){ .seq = 7, .pid = 10, .cmd = "oom",
		     .exit_code = 255, .attempts = 2,
		     .lost = { "h1", "h2" } }),
	       "job 7 [pid 10]: 'oom' lost its host on 2 hosts ('h1' and 'h2') "
	       "after 2 attempts; not run again",
	       "lost two hosts after a retry");
	is_str(line(&(struct jobfail){ .seq = 8, .pid = 11, .cmd = "pkill sshd",
		     .exit_code = 255, .attempts = 1,
		     .lost = { "2/h1", NULL }, .lost_times = 3 }),
	       "job 8 [pid 11]: 'pkill sshd' lost its host 3 times (on '2/h1'); "
	       "not run again",
	       "lost one host 3 times: the host and how often, not ssh's 255");
	is_str(line(&(struct jobfail){ .seq = 7, .pid = 9, .exit_code = 1,
		     .attempts = 1 }),
	       "job 7 [pid 9]: exited with status 1", "no command");

	is_str(cmd("echo hi", 80), "echo hi", "short: whole");
	is_str(cmd("echo 'a\nb'", 80), "echo 'a...", "cut at a line break");
	is_str(cmd("abcdefghij", 4), "abcd...", "cut at the limit");
	is_str(cmd("abcd", 4), "abcd", "exactly the limit: whole");
	/* "ab" then U+00E9 (2 bytes): 3 bytes would split it. */
	is_str(cmd("ab\xc3\xa9z", 3), "ab...", "never inside a UTF-8 character");
	is_str(cmd("ab\tc", 80), "ab...", "a tab ends it too");
	strbuf_release(&sb);
	return tap_done();
}
