/*
 * remote.h - jobs on other hosts, over the user's own OpenSSH.
 *
 * fanout owns its connections: one ControlMaster per host for every 8 of
 * its slots (sshd's MaxSessions is 10 by default), started as fanout's
 * children with keepalives and a short private ControlPath, closed and
 * removed at the end. A job runs as
 *
 *   ssh -S PATH ... HOST 'exec sh -c '\''STUB'\'' fanout-remote ARGS...'
 *
 * where every word of the job's argv is single-quoted exactly once, so
 * COMMAND mode stays injection-proof, and STUB, a few lines of POSIX sh,
 * runs it remotely in the foreground. ssh's stdin is a lifeline: a pipe
 * that fanout holds open and never writes to. When the local ssh ends
 * (--timeout, Ctrl-C, --halt now, fanout SIGKILLed) its channel closes, the
 * stub reads EOF and sends the remote job's process group SIGTERM, then
 * SIGKILL after --kill-after: plain ssh would leave it running.
 *
 * Slots: worker slot s runs on host slot_host[s]; the hosts' slot counts
 * come from N/, else -j, else the host's CPUs found once over the master
 * (nproc). ":" is this machine: its workers run jobs as without -S.
 */
#ifndef FANOUT_REMOTE_H
#define FANOUT_REMOTE_H

#include <stdbool.h>
#include <stdint.h>

struct opts;
struct remote;
struct remote_worker;

/*
 * Read the sshlogins of O (-S, --slf), connect every host, count its
 * slots. NULL when O names no host. *JOBS becomes the number of workers.
 * A bad login or file ends fanout with exit status 2.
 */
struct remote *remote_start(const struct opts *o, int *jobs);

/* Close every connection and remove the private directory. */
void remote_stop(struct remote *r);

/* Worker SLOT's (0-based) side of R; R may be NULL (then so is this). */
struct remote_worker *remote_worker_new(struct remote *r, int slot);
void remote_worker_free(struct remote_worker *w);

/* Whether W's host is remote (not ":"): its jobs go through ssh. */
bool remote_is_remote(const struct remote_worker *w);

/* W's sshlogin as given: the job log's Host. */
const char *remote_host(const struct remote_worker *w);

/*
 * May W run a job now? False when its host is down: give the job back and
 * call remote_wait(). May reconnect the host first (a few seconds at most).
 */
bool remote_ready(struct remote_worker *w);

/* W's host is down: sleep until it may be tried again, or the run ends. */
void remote_wait(struct remote_worker *w, bool (*stop)(void *), void *arg);

/*
 * The ssh command that runs ARGV (job SEQ, {%} SLOT1) on W's host; its
 * program in *PATH. Both stay valid until the next call on W.
 */
char **remote_wrap(struct remote_worker *w, char *const *argv, uint64_t seq,
		   const char **path);

/* The lifeline: the stdin of every remote job's ssh. */
int remote_lifeline(const struct remote_worker *w);

/*
 * The ssh of W's last job exited 255: true if its host failed (then marked
 * down: the job is to run again elsewhere), false if the job itself did.
 */
bool remote_failed(struct remote_worker *w);

#endif
