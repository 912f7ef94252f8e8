/*
 * quiet.h - for the fuzz harnesses: fanout's messages (a refusal, a NUL
 * warning) go nowhere, so that libFuzzer's own output stays readable and
 * millions of runs do not spend their time writing to stderr.
 */
#ifndef FANOUT_FUZZ_QUIET_H
#define FANOUT_FUZZ_QUIET_H

#include "util.h"

static int quiet_write(void *arg, int fd, const void *buf, size_t len)
{
	(void)arg, (void)fd, (void)buf, (void)len;
	return 0;
}

static const struct std_writer quiet = { quiet_write, NULL };

#endif
