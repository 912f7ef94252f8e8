/*
 * hosts.c - up and down remote hosts (see hosts.h).
 *
 * Locking: mu guards every host's state; changed is broadcast when a host
 * comes back or may be tried again, so that its parked workers look.
 */
#include "hosts.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "breaker.h"
#include "util.h"

#define BACKOFF_FIRST (1 * NS_PER_SEC)
#define BACKOFF_MAX (30 * NS_PER_SEC)
#define WAIT_TICK (200 * NS_PER_MS)

struct host {
	const char *name;
	struct breaker br;              /* closed: up; open: down */
	unsigned gen;                   /* connections made so far */
};

struct hosts {
	pthread_mutex_t mu;
	pthread_cond_t changed;
	int n;
	int ndown;
	int64_t all_down_ns;            /* when the last one went down */
	struct host *v;
	hosts_connect_fn *connect;
	void *arg;
};

struct hosts *hosts_new(int n, char *const *names, hosts_connect_fn *connect,
			void *arg)
{
	struct hosts *h = xcalloc(1, sizeof *h);

	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->changed, NULL);
	h->n = n;
	h->v = xcalloc((size_t)n, sizeof *h->v);
	h->connect = connect;
	h->arg = arg;
	for (int i = 0; i < n; i++) {
		h->v[i].name = names[i];
		breaker_init(&h->v[i].br, 1, BACKOFF_FIRST);
	}
	return h;
}

void hosts_free(struct hosts *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->changed);
	free(h->v);
	free(h);
}

/* Host X went down at NOW (the caller holds mu). */
static void went_down(struct hosts *h, struct host *x, int64_t now)
{
	(void)x;
	if (++h->ndown == h->n)
		h->all_down_ns = now;
}

/* The probe's result for host X (the caller holds mu). */
static void probed(struct hosts *h, struct host *x, bool up)
{
	int64_t now = now_ns();

	if (up) {
		breaker_record(&x->br, true, true, now);
		x->gen++;
		x->br.cooldown_ns = BACKOFF_FIRST;
		h->ndown--;
		h->all_down_ns = 0;
		warning("host '%s' is back", x->name);
	} else {
		x->br.cooldown_ns = x->br.cooldown_ns * 2 > BACKOFF_MAX
				    ? BACKOFF_MAX : x->br.cooldown_ns * 2;
		breaker_record(&x->br, false, true, now);
	}
	pthread_cond_broadcast(&h->changed);
}

enum hosts_verdict hosts_acquire(struct hosts *h, int i)
{
	struct host *x = &h->v[i];
	int64_t wait;
	bool changed, up;
	enum breaker_verdict v;

	pthread_mutex_lock(&h->mu);
	v = breaker_acquire(&x->br, now_ns(), &wait, &changed);
	pthread_mutex_unlock(&h->mu);
	if (v == BREAKER_GO)
		return HOSTS_UP;
	if (v == BREAKER_WAIT)
		return HOSTS_DOWN;
	up = h->connect(h->arg, i);
	pthread_mutex_lock(&h->mu);
	probed(h, x, up);
	pthread_mutex_unlock(&h->mu);
	return up ? HOSTS_UP : HOSTS_DOWN;
}

unsigned hosts_gen(struct hosts *h, int i)
{
	unsigned g;

	pthread_mutex_lock(&h->mu);
	g = h->v[i].gen;
	pthread_mutex_unlock(&h->mu);
	return g;
}

void hosts_down(struct hosts *h, int i, unsigned gen, const char *why)
{
	struct host *x = &h->v[i];
	int64_t now = now_ns();

	pthread_mutex_lock(&h->mu);
	/* Down already, or failed on a connection since replaced: said once. */
	if (x->br.state == BREAKER_CLOSED && x->gen == gen) {
		breaker_record(&x->br, false, false, now);
		went_down(h, x, now);
		warning("host '%s' is down; its jobs go to the other hosts%s%s%s",
		      x->name, why ? " (ssh said: " : "", why ? why : "",
		      why ? ")" : "");
	}
	pthread_mutex_unlock(&h->mu);
}

bool hosts_is_down(struct hosts *h, int i)
{
	bool down;

	pthread_mutex_lock(&h->mu);
	down = h->v[i].br.state != BREAKER_CLOSED;
	pthread_mutex_unlock(&h->mu);
	return down;
}

void hosts_wait(struct hosts *h, int i, bool (*stop)(void *), void *arg)
{
	struct host *x = &h->v[i];

	/* STOP is asked without the lock: it may ask the hosts too. */
	while (!stop(arg)) {
		int64_t now = now_ns(), until = now + WAIT_TICK;
		struct timespec ts;
		bool done = false;

		pthread_mutex_lock(&h->mu);
		if (x->br.state == BREAKER_CLOSED) {
			done = true;
		} else if (x->br.state == BREAKER_OPEN) {
			/* Its time is up: come back to probe it. */
			int64_t t = x->br.opened_ns + x->br.cooldown_ns;

			done = t <= now;
			if (t < until)
				until = t;
		}
		if (!done) {
			clock_gettime(CLOCK_REALTIME, &ts);
			until += (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec - now;
			ts.tv_sec = (time_t)(until / NS_PER_SEC);
			ts.tv_nsec = (long)(until % NS_PER_SEC);
			pthread_cond_timedwait(&h->changed, &h->mu, &ts);
		}
		pthread_mutex_unlock(&h->mu);
		if (done)
			return;
	}
}

int64_t hosts_all_down_since(struct hosts *h)
{
	int64_t t;

	pthread_mutex_lock(&h->mu);
	t = h->all_down_ns;
	pthread_mutex_unlock(&h->mu);
	return t;
}
