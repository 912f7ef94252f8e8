/*
 * gate.c - rate limiter and circuit breaker in front of every job start.
 *
 * The pure state machines (ratelimit.c, breaker.c) decide; this file only
 * adds the lock, the clock, the sleeping and the one line per breaker state
 * change on stderr.
 */
#include "gate.h"


#include "cli.h"
#include "util.h"

void gate_init(struct gate *g, const struct opts *o)
{
	pthread_mutex_init(&g->mu, NULL);
	mono_cond_init(&g->cv);
	g->use_rate = o->rate;
	g->use_breaker = o->breaker > 0;
	if (o->rate)
		rl_init(&g->rl, o->rate_count, o->rate_per_ns, o->burst);
	breaker_init(&g->br, o->breaker,
		     o->breaker_cooldown_ns ? o->breaker_cooldown_ns
					    : 30 * NS_PER_SEC);
	/* The scheduler's tickets start at 1 (sched_order_starts()). */
	g->ordered = o->rate;
	g->serving = 1;
	atomic_init(&g->closed, false);
	g->rate_wait_ns = g->breaker_wait_ns = 0;
}

/* One line on stderr for each change of the breaker's state. */
static void announce(struct gate *g, bool probe_failed)
{
	char cool[32];

	fmt_duration(cool, sizeof cool, g->br.cooldown_ns, DUR_EXACT);
	if (g->br.state == BREAKER_OPEN && probe_failed)
		warning("breaker open again: probe job failed; next try in %s",
		      cool);
	else if (g->br.state == BREAKER_OPEN)
		warning("breaker open after %d failed jobs in a row; next try in %s",
		      g->br.threshold, cool);
	else if (g->br.state == BREAKER_HALF_OPEN)
		warning("breaker half-open: starting one probe job");
	else
		warning("breaker closed: probe job succeeded");
}

/* Under the lock: the ticket served is done; the next one's turn. */
static void next_turn(struct gate *g)
{
	g->serving++;
	pthread_cond_broadcast(&g->cv);
}

bool gate_pass(struct gate *g, uint64_t ticket, bool *probe)
{
	*probe = false;
	if (!g->use_rate && !g->use_breaker)
		return !atomic_load(&g->closed);
	pthread_mutex_lock(&g->mu);
	for (;;) {
		int64_t now = now_ns(), wait;

		if (atomic_load(&g->closed)) {
			pthread_mutex_unlock(&g->mu);
			return false;
		}
		if (g->ordered && ticket != g->serving) {
			/* Not our turn: the one before us wakes us. */
			mono_cond_wait(&g->cv, &g->mu, -1);
			continue;
		}
		if (g->use_breaker) {
			bool changed = false;
			enum breaker_verdict v =
				breaker_acquire(&g->br, now, &wait, &changed);

			if (changed)
				announce(g, false);
			if (v == BREAKER_WAIT) {
				mono_cond_wait(&g->cv, &g->mu,
					       wait < 0 ? -1 : now + wait);
				g->breaker_wait_ns += now_ns() - now;
				continue;
			}
			*probe = v == BREAKER_GO_PROBE;
		}
		if (g->use_rate && (wait = rl_take(&g->rl, now)) > 0) {
			/* Give a probe slot back: we will ask again. */
			if (*probe) {
				g->br.probe_in_flight = false;
				*probe = false;
			}
			mono_cond_wait(&g->cv, &g->mu, now + wait);
			g->rate_wait_ns += now_ns() - now;
			continue;
		}
		if (g->ordered)
			next_turn(g);
		pthread_mutex_unlock(&g->mu);
		return true;
	}
}

void gate_forfeit(struct gate *g, uint64_t ticket)
{
	if (!g->ordered)
		return;
	pthread_mutex_lock(&g->mu);
	while (!atomic_load(&g->closed) && ticket != g->serving)
		mono_cond_wait(&g->cv, &g->mu, -1);
	if (!atomic_load(&g->closed))
		next_turn(g);
	pthread_mutex_unlock(&g->mu);
}

void gate_result(struct gate *g, bool ok, bool probe)
{
	if (!g->use_breaker)
		return;
	pthread_mutex_lock(&g->mu);
	if (breaker_record(&g->br, ok, probe, now_ns())) {
		announce(g, probe && !ok);
		/* Waiters on a probe's result (or a new cooldown) look again. */
		pthread_cond_broadcast(&g->cv);
	}
	pthread_mutex_unlock(&g->mu);
}

void gate_snapshot(struct gate *g, struct gate_snap *s)
{
	/* use_rate and use_breaker never change after gate_init(). */
	s->use_rate = g->use_rate;
	s->use_breaker = g->use_breaker;
	s->breaker = BREAKER_CLOSED;
	s->trips = 0;
	s->rate_wait_ns = 0;
	if (!g->use_rate && !g->use_breaker)
		return;
	pthread_mutex_lock(&g->mu);
	s->breaker = g->br.state;
	s->trips = g->br.trips;
	s->rate_wait_ns = g->rate_wait_ns;
	pthread_mutex_unlock(&g->mu);
}

void gate_close(struct gate *g)
{
	pthread_mutex_lock(&g->mu);
	atomic_store(&g->closed, true);
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}
