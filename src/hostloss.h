/*
 * hostloss.h - when a remote job that keeps losing its host fails.
 *
 * A job whose host fails under it (the host went down, or its ssh
 * connection died) runs again without using --retries (attempt.c): the
 * host failed, not the job. But a job that takes down each host it runs on
 * (it fills the memory, reboots the box, kills sshd) would go round the
 * pool, take down every host, and be queued again for ever; and a job that
 * takes down only its own connection (it kills the sshd session it runs
 * under, or its ssh's connection) while the host stays up would run again
 * on that host for ever (the host is never down, so not even --ssh-give-up
 * ends the run). So a job fails instead, as SCALEOUT.md §5.1 proposes for
 * the first case, when it has lost its host
 *
 *   - on 2 different hosts (told apart by their sshlogin's text), or
 *   - 3 times in all (with the first rule: 3 times on the same host):
 *
 * one line on stderr naming the host(s), Exitval 255 in the job log (ssh's
 * own), the host(s) in the JSON log's "lost_hosts", and --retries does not
 * run it again.
 *
 * Two different hosts, not one: one lost host is the usual kind of failure
 * (a reboot, a network partition), and the job deserves a run elsewhere; "a
 * job may run twice after a partition" stays true. Not more: each try takes
 * down one more host and what ran there.
 *
 * The same host lost again counts for less, as it tells less: a host that
 * failed once (a flaky link, an update that reboots it twice, a partition
 * after a reboot) may well fail again without the job's doing.
 * So a job keeps two more runs there: a host that reboots once, or a
 * partition, costs it one loss, and even both together leave it a third
 * run. Not more than three: each loss cuts off the jobs beside it on that
 * connection too (they lose their host as well, and run again), and, when
 * the job is what reboots the box, reboots it; three losses in a row on
 * the one host the job runs on are its own doing. A job that ran beside it
 * each of those times fails the same way.
 */
#ifndef FANOUT_HOSTLOSS_H
#define FANOUT_HOSTLOSS_H

#include <stdbool.h>

/* Losses of the same host after which a job fails. */
#define HOSTLOSS_TIMES 3

/* The hosts one job lost under it: all zero before the first. */
struct hostloss {
	const char *host[2];    /* the first host lost, then a second,
				   different one, or NULL */
	int times;              /* losses in all */
};

/*
 * The job of L lost its host HOST (an sshlogin, kept as a pointer: it must
 * outlive L). True: that was its second different host, or its
 * HOSTLOSS_TIMES-th loss, and the job is to fail.
 */
bool hostloss_add(struct hostloss *l, const char *host);

#endif
