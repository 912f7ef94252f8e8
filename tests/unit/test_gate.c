/*
 * test_gate.c - under --rate the gate grants starts by ticket, in order.
 *
 * Workers race to the gate; whoever holds a later ticket must wait for
 * every earlier one to pass or be given up, however early it comes. The
 * checks wait for things that must not happen (a later ticket let through)
 * with a generous sleep, and for things that must happen with a join: a
 * loaded machine can make them pass late, never fail wrongly.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "cli.h"
#include "gate.h"
#include "tap.h"
#include "util.h"

struct waiter {
	struct gate *g;
	uint64_t ticket;
	bool forfeit;           /* give the ticket up instead of passing */
	_Atomic bool done;
	bool passed;
	pthread_t t;
};

static void *wait_main(void *arg)
{
	struct waiter *w = arg;
	bool probe;

	if (w->forfeit) {
		gate_forfeit(w->g, w->ticket);
		w->passed = true;
	} else {
		w->passed = gate_pass(w->g, w->ticket, &probe);
	}
	atomic_store(&w->done, true);
	return NULL;
}

static void start(struct waiter *w, struct gate *g, uint64_t ticket,
		  bool forfeit)
{
	w->g = g;
	w->ticket = ticket;
	w->forfeit = forfeit;
	atomic_init(&w->done, false);
	w->passed = false;
	pthread_create(&w->t, NULL, wait_main, w);
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void rate_gate(struct gate *g)
{
	struct opts o = { 0 };

	o.rate = true;
	o.rate_count = 1000;
	o.rate_per_ns = NS_PER_SEC;
	o.burst = 1;
	gate_init(g, &o);
}

static void test_in_order(void)
{
	struct gate g;
	struct waiter w[3];
	bool probe;

	rate_gate(&g);
	/* Tickets 2, 3 (given up) and 4 come first; 1 comes last. */
	start(&w[0], &g, 2, false);
	start(&w[1], &g, 3, true);
	start(&w[2], &g, 4, false);
	nap_ms(200);
	ok(!atomic_load(&w[0].done) && !atomic_load(&w[1].done) &&
	   !atomic_load(&w[2].done), "nothing passes before ticket 1");
	ok(gate_pass(&g, 1, &probe), "ticket 1 passes");
	for (int i = 0; i < 3; i++)
		pthread_join(w[i].t, NULL);
	ok(w[0].passed && w[2].passed, "then tickets 2 and 4 pass");
	ok(gate_pass(&g, 5, &probe), "then it is ticket 5's turn");
}

static void test_close(void)
{
	struct gate g;
	struct waiter w[2];

	rate_gate(&g);
	start(&w[0], &g, 7, false);
	start(&w[1], &g, 8, true);
	nap_ms(50);
	gate_close(&g);
	pthread_join(w[0].t, NULL);
	pthread_join(w[1].t, NULL);
	ok(!w[0].passed, "closed: a waiting ticket does not pass");
	ok(atomic_load(&w[1].done), "closed: a forfeit stops waiting");
	{
		bool probe;

		ok(!gate_pass(&g, 1, &probe), "closed: even its turn does not");
	}
}

static void test_unordered(void)
{
	struct gate g;
	struct opts o = { 0 };
	bool probe;

	/* No --rate: no tickets, nothing waits. */
	gate_init(&g, &o);
	ok(gate_pass(&g, 0, &probe), "no rate: passes at once");
	gate_forfeit(&g, 0);
	gate_close(&g);
	ok(!gate_pass(&g, 0, &probe), "no rate, closed: refused");
}

int main(void)
{
	test_in_order();
	test_close();
	test_unordered();
	return tap_done();
}
