/*
 * hostloss.h - when a remote job that keeps losing its host fails.
 *
 * A job whose host fails under it (the host went down, or its ssh
 * connection died) runs again elsewhere without using --retries
 * (attempt.c): the host failed, not the job. But a job that takes down
 * each host it runs on (it fills the memory, reboots the box, kills sshd)
 * would go round the pool, take down every host, and be queued again for
 * ever. So, as SCALEOUT.md §5.1 proposes, a job that has lost its host on
 * two different hosts fails instead: one line on stderr, Exitval 255 in the
 * job log (ssh's own), and --retries does not run it again.
 *
 * Two, not one: one lost host is the usual kind of failure (a reboot, a
 * network partition), and the job deserves a run elsewhere; "a job may run
 * twice after a partition" stays true. Not more: each try takes down one
 * more host and what ran there. Hosts are told apart by their sshlogin's
 * text: the same host lost again (it came back, or only the connection
 * died) does not count twice, so with one remote host this never applies.
 * With a limit of two, the first host lost is all a job needs to keep.
 */
#ifndef FANOUT_HOSTLOSS_H
#define FANOUT_HOSTLOSS_H

#include <stdbool.h>

/*
 * The job lost its host HOST (an sshlogin); *FIRST is the first host it
 * lost, or NULL, and is set to HOST then. True: this was a second host, and
 * the job is to fail.
 */
bool hostloss_add(const char **first, const char *host);

#endif
