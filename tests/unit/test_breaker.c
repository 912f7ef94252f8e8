/*
 * test_breaker.c - circuit breaker transitions on exact timelines.
 *
 * The breaker takes the time as an argument, so every transition is replayed
 * to the nanosecond without sleeping: closed -> open -> half-open -> closed
 * or open again, the cooldown boundary, the single probe, late results.
 */
#include "breaker.h"
#include "tap.h"
#include "util.h"

#define COOL (5 * NS_PER_SEC)

/* Acquire at NOW, returning the verdict; the wait and change go out. */
static enum breaker_verdict acq(struct breaker *b, int64_t now,
				int64_t *wait, bool *changed)
{
	*wait = 12345;
	*changed = true;   /* acquire must always set it */
	return breaker_acquire(b, now, wait, changed);
}

static void test_names(void)
{
	is_str(breaker_state_name(BREAKER_CLOSED), "closed", "name closed");
	is_str(breaker_state_name(BREAKER_OPEN), "open", "name open");
	is_str(breaker_state_name(BREAKER_HALF_OPEN), "half-open",
	       "name half-open");
}

static void test_disabled(void)
{
	struct breaker b;
	int64_t w;
	bool ch;
	int go = 0, changes = 0;

	breaker_init(&b, 0, COOL);
	for (int i = 0; i < 100; i++) {
		changes += breaker_record(&b, false, false, i);
		go += acq(&b, i, &w, &ch) == BREAKER_GO && !ch;
	}
	is_int(go, 100, "threshold 0: always GO, never changed");
	is_int(changes, 0, "threshold 0: failures change nothing");
	is_int(b.state, BREAKER_CLOSED, "threshold 0: stays closed");
	is_int(b.trips, 0, "threshold 0: no trips");
}

static void test_closed(void)
{
	struct breaker b;
	int64_t w;
	bool ch;

	breaker_init(&b, 3, COOL);
	is_int(b.state, BREAKER_CLOSED, "init: closed");
	is_int(acq(&b, 0, &w, &ch), BREAKER_GO, "closed: GO");
	ok(!ch, "closed: acquire sets changed = false");
	ok(!breaker_record(&b, false, false, 1), "failure 1: no change");
	ok(!breaker_record(&b, false, false, 2), "failure 2: no change");
	is_int(b.consecutive, 2, "two consecutive failures counted");
	ok(!breaker_record(&b, true, false, 3), "success: no change");
	is_int(b.consecutive, 0, "success resets the consecutive count");
	ok(!breaker_record(&b, false, false, 4), "failure 1 again");
	ok(!breaker_record(&b, false, false, 5), "failure 2 again");
	is_int(b.state, BREAKER_CLOSED, "still closed after 2 of 3");
	ok(breaker_record(&b, false, false, 1000), "failure 3: changed");
	is_int(b.state, BREAKER_OPEN, "threshold reached: open");
	is_int(b.opened_ns, 1000, "opened_ns is the time of the failure");
	is_int(b.trips, 1, "trips 1");

	breaker_init(&b, 1, COOL);
	ok(breaker_record(&b, false, false, 7), "threshold 1: first failure opens");
	is_int(b.state, BREAKER_OPEN, "threshold 1: open");
}

/* Open a breaker with threshold 2 at T. */
static void open_at(struct breaker *b, int64_t t)
{
	breaker_init(b, 2, COOL);
	breaker_record(b, false, false, t);
	breaker_record(b, false, false, t);
}

static void test_open_and_cooldown(void)
{
	struct breaker b;
	int64_t t = 1000000000000000000LL, w;
	bool ch;

	open_at(&b, t);
	is_int(acq(&b, t, &w, &ch), BREAKER_WAIT, "open: WAIT at open time");
	is_int(w, COOL, "open: wait is the whole cooldown");
	ok(!ch, "open: no change");
	is_int(acq(&b, t + 2 * NS_PER_SEC, &w, &ch), BREAKER_WAIT,
	       "open: WAIT after 2 s");
	is_int(w, 3 * NS_PER_SEC, "open: wait is the cooldown's rest");
	is_int(acq(&b, t + COOL - 1, &w, &ch), BREAKER_WAIT,
	       "open: WAIT 1 ns before the cooldown ends");
	is_int(w, 1, "open: wait 1 ns");
	ok(!ch && b.state == BREAKER_OPEN, "open: still open");
	is_int(acq(&b, t + COOL, &w, &ch), BREAKER_GO_PROBE,
	       "exactly at opened + cooldown: GO_PROBE");
	ok(ch, "open -> half-open: changed");
	is_int(b.state, BREAKER_HALF_OPEN, "half-open");
	ok(b.probe_in_flight, "probe in flight");

	/* Long after the cooldown: straight to a probe too. */
	open_at(&b, 0);
	is_int(acq(&b, 3600 * NS_PER_SEC, &w, &ch), BREAKER_GO_PROBE,
	       "an hour after opening: GO_PROBE");
	ok(ch, "changed");

	/* Cooldown 0: the next acquire probes. */
	breaker_init(&b, 1, 0);
	breaker_record(&b, false, false, 50);
	is_int(acq(&b, 50, &w, &ch), BREAKER_GO_PROBE, "cooldown 0: probe at once");
	ok(ch, "cooldown 0: changed");
}

static void test_one_probe(void)
{
	struct breaker b;
	int64_t w;
	bool ch;
	int probes = 0, waits = 0, changes = 0;

	open_at(&b, 0);
	for (int i = 0; i < 10; i++) {
		enum breaker_verdict v = acq(&b, COOL + i, &w, &ch);

		changes += ch;
		if (v == BREAKER_GO_PROBE)
			probes++;
		else if (v == BREAKER_WAIT && w == -1)
			waits++;
	}
	is_int(probes, 1, "10 workers in half-open: 1 GO_PROBE");
	is_int(waits, 9, "10 workers in half-open: 9 WAIT with -1");
	is_int(changes, 1, "only the first acquire reports the change");
}

static void test_probe_results(void)
{
	struct breaker b;
	int64_t w, t2;
	bool ch;

	/* Probe success closes. */
	open_at(&b, 0);
	acq(&b, COOL, &w, &ch);
	ok(breaker_record(&b, true, true, COOL + 10), "probe success: changed");
	is_int(b.state, BREAKER_CLOSED, "probe success: closed");
	is_int(b.consecutive, 0, "probe success: consecutive 0");
	ok(!b.probe_in_flight, "probe success: no probe in flight");
	is_int(acq(&b, COOL + 11, &w, &ch), BREAKER_GO, "closed again: GO");
	ok(!ch, "closed again: no change");
	is_int(b.trips, 1, "trips still 1");
	ok(!breaker_record(&b, false, false, COOL + 12),
	   "closed again: one failure is not enough");
	ok(breaker_record(&b, false, false, COOL + 13),
	   "closed again: second failure opens");
	is_int(b.trips, 2, "trips 2");

	/* Probe failure reopens with a new cooldown. */
	open_at(&b, 0);
	acq(&b, COOL, &w, &ch);
	t2 = COOL + 700;
	ok(breaker_record(&b, false, true, t2), "probe failure: changed");
	is_int(b.state, BREAKER_OPEN, "probe failure: open again");
	is_int(b.opened_ns, t2, "probe failure: opened_ns is the failure time");
	is_int(b.trips, 2, "probe failure: trips 2");
	ok(!b.probe_in_flight, "probe failure: no probe in flight");
	is_int(acq(&b, t2 + 1, &w, &ch), BREAKER_WAIT, "new cooldown: WAIT");
	is_int(w, COOL - 1, "new cooldown: counted from the probe failure");
	is_int(acq(&b, t2 + COOL - 1, &w, &ch), BREAKER_WAIT,
	       "new cooldown: WAIT 1 ns before its end");
	is_int(acq(&b, t2 + COOL, &w, &ch), BREAKER_GO_PROBE,
	       "new cooldown over: a new probe");
	ok(ch, "open -> half-open again: changed");
	ok(breaker_record(&b, true, true, t2 + COOL + 1), "second probe closes");
	is_int(b.state, BREAKER_CLOSED, "closed after the second probe");
	is_int(b.trips, 2, "trips stays 2");
}

static void test_late_results(void)
{
	struct breaker b;
	int64_t w;
	bool ch;

	/* Jobs started while closed end while open: ignored. */
	open_at(&b, 100);
	ok(!breaker_record(&b, true, false, 200), "open: late success ignored");
	ok(!breaker_record(&b, false, false, 300), "open: late failure ignored");
	is_int(b.state, BREAKER_OPEN, "open: still open");
	is_int(b.opened_ns, 100, "open: opened_ns unchanged");
	is_int(b.trips, 1, "open: trips unchanged");

	/* ... and while half-open, with the probe still running. */
	acq(&b, 100 + COOL, &w, &ch);
	ok(!breaker_record(&b, true, false, 200 + COOL),
	   "half-open: late success ignored");
	ok(!breaker_record(&b, false, false, 300 + COOL),
	   "half-open: late failure ignored");
	is_int(b.state, BREAKER_HALF_OPEN, "half-open: still half-open");
	ok(b.probe_in_flight, "half-open: probe still in flight");
	is_int(acq(&b, 400 + COOL, &w, &ch), BREAKER_WAIT,
	       "half-open: others still WAIT");
	is_int(w, -1, "half-open: wait -1");
	ok(breaker_record(&b, true, true, 500 + COOL), "probe result counts");
	is_int(b.state, BREAKER_CLOSED, "closed by the probe");
}

static void test_trips(void)
{
	struct breaker b;
	int64_t t = 0, w;
	bool ch;

	open_at(&b, t);
	for (int i = 0; i < 5; i++) {
		t += COOL;
		acq(&b, t, &w, &ch);
		breaker_record(&b, false, true, t);
	}
	is_int(b.trips, 6, "one trip plus five failed probes: trips 6");
	is_int(b.state, BREAKER_OPEN, "and open");
}

int main(void)
{
	test_names();
	test_disabled();
	test_closed();
	test_open_and_cooldown();
	test_one_probe();
	test_probe_results();
	test_late_results();
	test_trips();
	return tap_done();
}
