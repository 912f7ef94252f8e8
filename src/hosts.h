/*
 * hosts.h - whether each remote host is up, and what to do when it is not.
 *
 * A host that fails (its connection lost or refused) is not a job failure:
 * it is marked down, with one line on stderr, and its workers stop taking
 * jobs, which run on the other hosts. Each host has the breaker's state
 * machine (breaker.h) with a threshold of one: closed is up, open is down,
 * and half-open lets exactly one worker try to reconnect (the probe). A
 * failed reconnect doubles the wait before the next, from 1 s up to 30 s;
 * a good one prints one line and the host's workers take jobs again.
 *
 * Connecting is the caller's (remote.c): hosts only decides who tries and
 * when. Each host counts its connections (gen): a job that ran on a
 * connection that has since been replaced failed with its host. One lock
 * for all hosts; never held while connecting.
 */
#ifndef FANOUT_HOSTS_H
#define FANOUT_HOSTS_H

#include <stdbool.h>
#include <stdint.h>

struct hosts;

/* Connect host I again; true when it is up. Called without the lock. */
typedef bool hosts_connect_fn(void *arg, int i);

/* N hosts, all up, named NAMES[i] in messages; CONNECT reconnects one. */
struct hosts *hosts_new(int n, char *const *names, hosts_connect_fn *connect,
			void *arg);

void hosts_free(struct hosts *h);

/* What hosts_acquire() says about host I. */
enum hosts_verdict {
	HOSTS_UP,               /* run the job there */
	HOSTS_DOWN,             /* give the job back; hosts_wait() */
};

/*
 * May a job run on host I now? When I is down and it is time to try it
 * again, this worker reconnects it here (the probe), without the lock.
 */
enum hosts_verdict hosts_acquire(struct hosts *h, int i);

/* The connection generation of host I, to give to hosts_failed(). */
unsigned hosts_gen(struct hosts *h, int i);

/*
 * Host I failed under a job that ran on its connection GEN (WHY says how,
 * or NULL): mark it down, once, with one line on stderr.
 */
void hosts_down(struct hosts *h, int i, unsigned gen, const char *why);

/* Whether host I is down now. */
bool hosts_is_down(struct hosts *h, int i);

/*
 * Sleep until host I may be tried again, it came back, or STOP(ARG) says
 * the run needs no more of this worker (looked at every 200 ms).
 */
void hosts_wait(struct hosts *h, int i, bool (*stop)(void *), void *arg);

/* Since when every host has been down (monotonic ns), or 0 if one is up. */
int64_t hosts_all_down_since(struct hosts *h);

#endif
