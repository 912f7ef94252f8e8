/*
 * halt.h - GNU parallel's --halt: when to stop the run early.
 *
 *   --halt WHEN,WHY=N     WHEN: soon (start nothing new; running jobs
 *                         finish) or now (kill them too); WHY: fail,
 *                         success or done (either); N jobs, or N% of all
 *                         the jobs.
 *   0 (never), 1 (soon,fail=1), 2 (now,fail=1), -1 (soon,success=1),
 *   -2 (now,success=1), N% (soon,fail=N%): parallel's older forms.
 *
 * A percentage is of the number of jobs, which fanout knows once its input
 * has ended (it streams its input rather than reading it all first, as
 * parallel does): until then such a condition is not met. Pure: the caller
 * passes the counts in.
 */
#ifndef FANOUT_HALT_H
#define FANOUT_HALT_H

#include <stdbool.h>
#include <stdint.h>

enum halt_when {
	HALT_NEVER,
	HALT_SOON,      /* start nothing new; running jobs finish */
	HALT_NOW,       /* kill running jobs too */
};

enum halt_why {
	HALT_FAIL,      /* jobs that failed */
	HALT_SUCCESS,   /* jobs that succeeded */
	HALT_DONE,      /* jobs that ended, either way */
};

struct halt {
	enum halt_when when;
	enum halt_why why;
	uint64_t n;     /* jobs, or with pct a percentage from 1 to 100 */
	bool pct;
};

/* Parse V into *H; NULL, or why V is not a --halt value. */
const char *halt_parse(const char *v, struct halt *h);

/*
 * Whether H's condition holds after FAILED and SUCCEEDED jobs of TOTAL (0:
 * not known yet, the input goes on).
 */
bool halt_reached(const struct halt *h, uint64_t failed, uint64_t succeeded,
		  uint64_t total);

#endif
