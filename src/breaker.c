/*
 * breaker.c - circuit breaker on job starts, as a pure state machine.
 *
 * The caller passes the time and holds the lock, so the breaker is a few
 * integers and a switch: no timer thread turns open into half-open, the next
 * breaker_acquire() after the cooldown does, and unit tests replay exact
 * timelines. Exactly one probe runs while half-open; the others wait for its
 * result (wait -1) rather than polling.
 */
#include "breaker.h"

#include "util.h"

static void trip(struct breaker *b, int64_t now_ns)
{
	b->state = BREAKER_OPEN;
	b->opened_ns = now_ns;
	b->probe_in_flight = false;
	b->trips++;
}

void breaker_init(struct breaker *b, int threshold, int64_t cooldown_ns)
{
	b->threshold = threshold < 0 ? 0 : threshold;
	b->cooldown_ns = cooldown_ns < 0 ? 0 : cooldown_ns;
	b->state = BREAKER_CLOSED;
	b->consecutive = 0;
	b->opened_ns = 0;
	b->probe_in_flight = false;
	b->trips = 0;
}

enum breaker_verdict breaker_acquire(struct breaker *b, int64_t now_ns,
				     int64_t *wait_ns, bool *changed)
{
	*changed = false;
	*wait_ns = 0;
	if (b->threshold == 0 || b->state == BREAKER_CLOSED)
		return BREAKER_GO;
	if (b->state == BREAKER_OPEN) {
		int64_t elapsed = sat_sub(now_ns, b->opened_ns);

		if (elapsed < b->cooldown_ns) {
			*wait_ns = sat_sub(b->cooldown_ns, elapsed);
			return BREAKER_WAIT;
		}
		b->state = BREAKER_HALF_OPEN;
		b->probe_in_flight = false;
		*changed = true;
	}
	/* Half-open: one probe; the others wait for its result. */
	if (b->probe_in_flight) {
		*wait_ns = -1;
		return BREAKER_WAIT;
	}
	b->probe_in_flight = true;
	return BREAKER_GO_PROBE;
}

bool breaker_record(struct breaker *b, bool ok, bool was_probe,
		    int64_t now_ns)
{
	if (b->threshold == 0)
		return false;
	switch (b->state) {
	case BREAKER_CLOSED:
		if (ok) {
			b->consecutive = 0;
			return false;
		}
		if (++b->consecutive < b->threshold)
			return false;
		trip(b, now_ns);
		return true;
	case BREAKER_HALF_OPEN:
		if (!was_probe)
			return false;       /* started before it opened */
		if (!ok) {
			trip(b, now_ns);
			return true;
		}
		b->state = BREAKER_CLOSED;
		b->consecutive = 0;
		b->probe_in_flight = false;
		return true;
	case BREAKER_OPEN:
		return false;               /* started before it opened */
	}
	return false;
}

const char *breaker_state_name(enum breaker_state s)
{
	switch (s) {
	case BREAKER_CLOSED:
		return "closed";
	case BREAKER_OPEN:
		return "open";
	case BREAKER_HALF_OPEN:
		return "half-open";
	}
	return "?";
}
