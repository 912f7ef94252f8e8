/*
 * tally.h - the run's counters: jobs read, skipped, started, and how each
 * ended; and the closing summary line made from them.
 *
 * Any thread counts (one atomic addition, no lock); anyone may take a
 * snapshot. A snapshot is a glance, not an account: counters read one
 * after the other may be a job apart while the run goes on, and are exact
 * once the workers are joined. There is one run per process: the counters
 * live here.
 */
#ifndef FANOUT_TALLY_H
#define FANOUT_TALLY_H

#include <stdint.h>

enum tally_counter {
	TALLY_READ,             /* jobs queued by the reader */
	TALLY_SKIPPED,          /* jobs --resume found done already */
	TALLY_STARTED,          /* attempts whose process started */
	TALLY_SUCCEEDED,
	TALLY_FAILED,
	TALLY_TIMED_OUT,        /* of the failed: by --timeout */
	TALLY_CANCELLED,        /* ended by a cancel of the run */
	TALLY_RETRIED,          /* attempts followed by another */
	TALLY_MEM_STOPPED,      /* attempts --memfree stopped, run again */
	TALLY_HOST_LOST,        /* attempts whose host failed, run again */
	TALLY_NCOUNTERS,
};

/* The counters at one glance, and what follows from them. */
struct tally_snap {
	uint64_t n[TALLY_NCOUNTERS];
	uint64_t done;          /* succeeded + failed + cancelled */
	uint64_t unstarted;     /* read and never started (none if negative) */
	int running;            /* processes running now */
	int64_t wall_ns;        /* since tally_init() */
};

/* Start the run's clock; every counter is zero. */
void tally_init(void);

/* Count one more C. */
void tally_add(enum tally_counter c);

/* Take back one C counted too early (a job that could not be queued). */
void tally_undo(enum tally_counter c);

/* The value of C now. */
uint64_t tally_get(enum tally_counter c);

/* One more process running (DELTA 1), or one fewer (-1). */
void tally_running(int delta);

/* Fill *S with the counters now. */
void tally_snapshot(struct tally_snap *s);

/* "HOW: N done, N failed, N cancelled, N never started" on stderr. */
void tally_summary(const char *how);

#endif
