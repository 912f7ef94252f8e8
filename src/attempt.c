/*
 * attempt.c - one attempt of a job, on a worker (see attempt.h).
 *
 * The steps, in order: expand the command (template.c), find the program
 * (resolve.c; once per run when the command is fixed), wait at the gate, run
 * the child (exec.c) with its output going to fanin, then account: the
 * gate, the counters, the reports, and either a retry after a backoff or
 * the end of the job (--halt may stop the run here).
 *
 * Nothing here is shared between workers but the run's modules, each with
 * its own lock.
 */
#include "attempt.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "fanin.h"
#include "gate.h"
#include "hostloss.h"
#include "inflight.h"
#include "jobfail.h"
#include "loadgate.h"
#include "memwatch.h"
#include "remote.h"
#include "report.h"
#include "resolve.h"
#include "results.h"
#include "rlimits.h"
#include "runstate.h"
#include "scheduler.h"
#include "spawn.h"
#include "strbuf.h"
#include "tagstring.h"
#include "tally.h"
#include "template.h"
#include "throttle.h"
#include "unrunnable.h"
#include "util.h"

#define READ_CHUNK (64 * 1024)

struct attempt_worker {
	const struct attempt_conf *c;
	int slot;                       /* 0-based; {%} is slot + 1 */
	struct argvbuf ab;
	char **envp;
	char seqenv[48], slotenv[48];
	char *scratch;                  /* READ_CHUNK bytes for exec */
	unsigned rng;
	struct exec x;
	struct jobout *jo;              /* the running attempt's output */
	struct strbuf tag;              /* --tag with --batch: records joined */
	struct remote_worker *rw;       /* with -S: its host; else NULL */
	char blocktag[24];              /* --pipe --tag: the block number */
	struct results_job res;         /* --results: this attempt's files */
	bool stopped;                   /* --memfree stopped its job */
	int64_t stopped_mem;            /* the memory available then */
};

/* The run was stopped by --halt. */
static atomic_bool halted;

void attempt_check_halt(const struct attempt_conf *c)
{
	/* A percentage is of all the jobs: known once the input is over. */
	uint64_t total = sched_input_closed(c->sched) ? tally_get(TALLY_READ)
						      : 0;

	if (!halt_reached(&c->halt, tally_get(TALLY_FAILED),
			  tally_get(TALLY_SUCCEEDED), total) ||
	    atomic_exchange(&halted, true))
		return;
	if (c->halt.when == HALT_NOW)
		runstate_cancel(SIGTERM, false);
	else
		runstate_drain(0);
}

bool attempt_halted(void)
{
	return atomic_load(&halted);
}

struct attempt_worker *attempt_worker_new(const struct attempt_conf *c,
					  int slot)
{
	struct attempt_worker *w = xcalloc(1, sizeof *w);

	w->c = c;
	w->slot = slot;
	w->rng = (unsigned)slot * 2654435761u ^ (unsigned)now_ns();
	argvbuf_init(&w->ab);
	strbuf_init(&w->tag, 0);
	w->scratch = xmalloc(READ_CHUNK);
	exec_init(&w->x, c->exec, slot, w->scratch, READ_CHUNK);
	w->rw = remote_worker_new(c->remote, slot);
	w->res.fd[0] = w->res.fd[1] = -1;       /* none open */
	if (!remote_is_remote(w->rw))
		w->x.dir = c->workdir;
	/* environ with FANOUT_SEQ and FANOUT_SLOT in the two front slots. */
	w->envp = xmalloc((c->nenv + 1) * sizeof *w->envp);
	memcpy(w->envp, c->envbase, (c->nenv + 1) * sizeof *w->envp);
	snprintf(w->slotenv, sizeof w->slotenv, "FANOUT_SLOT=%d", slot + 1);
	snprintf(w->seqenv, sizeof w->seqenv, "FANOUT_SEQ=0");
	w->envp[0] = w->seqenv;
	w->envp[1] = w->slotenv;
	return w;
}

void attempt_worker_free(struct attempt_worker *w)
{
	remote_worker_free(w->rw);
	argvbuf_release(&w->ab);
	strbuf_release(&w->tag);
	pipefeed_release(&w->x.feed);
	free(w->envp);
	free(w->scratch);
	free(w);
}

/* --workdir DIR is not there (or not ours): said once, every job fails. */
static void report_workdir(const char *dir, int err)
{
	static atomic_bool said;

	if (!atomic_exchange(&said, true))
		warning("cannot change to '%s': %s (--workdir)", dir,
			strerror(err));
}

/* --dry-run: the command, as one line of the job's output. */
static void dry_run(struct attempt_worker *w, struct job *j, char **argv)
{
	const struct attempt_conf *c = w->c;
	char *line = tmpl_describe(c->tmpl, argv, j->recs, j->nrec, j->seq,
				   (unsigned)w->slot + 1);
	struct jobout *jo = fanin_begin(c->fanin, j->seq, NULL, 0);

	fanin_data(c->fanin, jo, 0, line, strlen(line));
	fanin_data(c->fanin, jo, 0, "\n", 1);
	fanin_end(c->fanin, jo);
	free(line);
	tally_add(TALLY_SUCCEEDED);
}

/* -v: the command on stderr before it starts. */
static void show_command(const char *cmdline)
{
	char *msg = xmalloc(strlen(cmdline) + 2);

	sprintf(msg, "%s\n", cmdline);
	(void)write_std(2, msg, strlen(msg));
	free(msg);
}

/*
 * J's output record; RETRYABLE: another attempt may follow this one. Its
 * --tag is every record of the job, joined by a space (GNU parallel's).
 */
static struct jobout *begin_output(struct attempt_worker *w,
				   const struct job *j, bool retryable)
{
	const struct attempt_conf *c = w->c;
	const char *tag = NULL;
	size_t len = 0;

	if (c->tagstring) {
		strbuf_setlen(&w->tag, 0);
		tagstring_expand(&w->tag, c->tagstring, c->repl, c->names,
				 &j->recs[0], j->seq, (unsigned)w->slot + 1);
		tag = w->tag.buf;
		len = w->tag.len;
	} else if (c->tag) {
		strbuf_setlen(&w->tag, 0);
		for (size_t i = 0; i < j->nrec; i++) {
			if (i > 0)
				strbuf_addch(&w->tag, ' ');
			strbuf_add(&w->tag, j->recs[i].s, j->recs[i].len);
		}
		tag = w->tag.buf;
		len = w->tag.len;
	}
	if (c->tag && j->block) {
		/* --pipe: a block is known by its number. */
		len = (size_t)snprintf(w->blocktag, sizeof w->blocktag, "%llu",
				       (unsigned long long)j->seq);
		tag = w->blocktag;
	}
	return retryable ? fanin_begin_retryable(c->fanin, j->seq, tag, len)
			 : fanin_begin(c->fanin, j->seq, tag, len);
}

/* exec's sink: the child's bytes go to the attempt's output record. */
static void to_fanin(void *arg, int which, const char *buf, size_t n)
{
	struct attempt_worker *w = arg;

	if (results_on(&w->c->results) &&
	    !results_write(&w->res, which, buf, n))
		return;
	fanin_data(w->c->fanin, w->jo, which, buf, n);
}

/*
 * The attempt's --results and --files files are complete. KEEP: it is the
 * job's last that ran, and with --files its one line of output is the
 * name of its stdout file.
 */
static void results_end(struct attempt_worker *w, bool keep)
{
	char *path;

	if (!results_on(&w->c->results) ||
	    !(path = results_close(&w->res, keep)))
		return;
	fanin_data(w->c->fanin, w->jo, 0, path, strlen(path));
	fanin_data(w->c->fanin, w->jo, 0, "\n", 1);
	free(path);
}

/*
 * Start the child PATH ARGV for attempt A. A start that fails for lack of
 * file descriptors or processes waits for a running job to end and tries
 * again (throttle.h); a run stopped meanwhile leaves A cancelled, unstarted.
 */
static enum exec_start start_child(struct attempt_worker *w, const char *path,
				   char **argv, struct attempt *a)
{
	for (;;) {
		enum exec_start r;
		enum throttle_kind kind;
		int err;

		if (!throttle_enter())
			break;
		a->not_started = false;
		a->exit_code = 0;
		r = exec_start(&w->x, path, argv, w->envp, to_fanin, w, a);
		if (r == EXEC_STARTED)
			return r;
		err = errno;
		if ((kind = throttle_kind_of(err)) == THROTTLE_NONE) {
			throttle_leave();
			errno = err;
			return r;
		}
		switch (throttle_short(kind, err)) {
		case THROTTLE_RETRY:
			continue;
		case THROTTLE_GIVE_UP:
			errno = err;
			return r;
		case THROTTLE_STOPPED:
			break;
		}
		break;
	}
	a->cancelled = a->not_started = true;
	a->exit_code = -1;
	a->start_wall_ns = wall_ns();
	a->start_ns = a->end_ns = now_ns();
	errno = 0;
	return EXEC_NO_RUN;
}

/* Run the child PATH ARGV for attempt A and follow it to its end. */
static void run_child(struct attempt_worker *w, const char *path, char **argv,
		      struct attempt *a)
{
	unsigned long long seq = a->job->seq;

	snprintf(w->seqenv, sizeof w->seqenv, "FANOUT_SEQ=%llu", seq);
	exec_feed(&w->x, a->job->block);
	switch (start_child(w, path, argv, a)) {
	case EXEC_NO_PIPE:
		warning_errno("job %llu: cannot make a pipe", seq);
		return;
	case EXEC_NO_RUN:
		if (a->cancelled)
			return;
		if (errno == E2BIG)
			warning("job %llu: argument list too long", seq);
		else if (errno & SPAWN_EDIR)
			report_workdir(w->x.dir, errno & ~SPAWN_EDIR);
		else
			unrunnable_report(argv[0], path, errno,
					  !w->c->tmpl->cmd_varies, seq);
		return;
	case EXEC_STARTED:
		break;
	}
	tally_add(TALLY_STARTED);
	memwatch_begin(w->slot, a->pid, a->start_ns);
	/* A cancel that came between our check and the registration. */
	if (runstate_get() >= RS_CANCELLING) {
		int sig = runstate_stop_signal();

		exec_kill(&w->x, sig ? sig : SIGTERM);
	}
	/* The signal thread has signalled the group; we enforce the grace. */
	while (exec_wait(&w->x) == EXEC_CANCEL)
		exec_cancel(&w->x, runstate_get() >= RS_KILLING);
	/* Before the reap: its pid is not to be signalled after (memwatch.h). */
	w->stopped = memwatch_end(w->slot, &w->stopped_mem);
	exec_reap(&w->x);
	throttle_leave();
	if (runstate_get() >= RS_CANCELLING && (a->exit_code != 0 || a->signal))
		a->cancelled = true;
}

/* Full-jitter exponential backoff for attempt ATTEMPT (1-based). */
static int64_t backoff(struct attempt_worker *w, int attempt)
{
	const int64_t cap = 300 * NS_PER_SEC;
	int64_t ceil = w->c->retry_delay_ns ? w->c->retry_delay_ns
					    : NS_PER_SEC;

	for (int i = 1; i < attempt && ceil < cap; i++)
		ceil *= 2;
	if (ceil > cap)
		ceil = cap;
	w->rng = w->rng * 1103515245u + 12345u;
	return (int64_t)((double)ceil * ((w->rng >> 8) & 0xffffff) / 0x1000000);
}

/* Count A's end, in the one place that decides what it was. */
static void count(struct attempt_worker *w, struct attempt *a)
{
	if (attempt_ok(a)) {
		tally_add(TALLY_SUCCEEDED);
	} else if (a->cancelled) {
		tally_add(TALLY_CANCELLED);
	} else if (a->job->attempt < w->c->retries && !a->host_lost &&
		   runstate_get() == RS_RUNNING) {
		tally_add(TALLY_RETRIED);
		a->will_retry = true;
	} else {
		if (a->timed_out)
			tally_add(TALLY_TIMED_OUT);
		tally_add(TALLY_FAILED);
	}
}

/*
 * One line on stderr that names failed attempt A, the job's last, with its
 * command ARGV as --dry-run shows it. (One that could not start has had its
 * line from unrunnable_report().)
 */
static void name_failure(struct attempt_worker *w, const struct attempt *a,
			 char **argv)
{
	const struct attempt_conf *c = w->c;
	const struct job *j = a->job;
	char *own = a->cmdline ? NULL
		    : tmpl_describe(c->tmpl, argv, j->recs, j->nrec, j->seq,
				    (unsigned)w->slot + 1);
	struct jobfail f = {
		.seq = j->seq, .pid = a->pid,
		.cmd = a->cmdline ? a->cmdline : own,
		.exit_code = a->exit_code, .signal = a->signal,
		.timeout_ns = a->timed_out ? c->exec->timeout_ns : 0,
		.attempts = j->attempt + 1,
		.lost = { a->host_lost ? j->lost.host[0] : NULL,
			  a->host_lost ? j->lost.host[1] : NULL },
		.lost_times = j->lost.times,
	};
	struct strbuf sb = STRBUF_INIT;
	char limit[48];

	if (a->signal && c->rlimits)
		f.rlimit = rlimits_cause(c->rlimits, a->signal,
					 cost_cpu_ns(&a->cost), limit,
					 sizeof limit);

	jobfail_format(&sb, &f);
	warning("%s", sb.buf);
	strbuf_release(&sb);
	free(own);
}

/*
 * Did attempt A die of stdout's reader going away (-u, or a job writing to
 * fanout's stderr that is the same pipe)? The run then ends quietly, as for
 * fanout's own EPIPE: such a job is not named.
 */
static bool output_closed(struct attempt_worker *w, const struct attempt *a)
{
	return a->signal == SIGPIPE && fanin_stdout_closed(w->c->fanin);
}

/*
 * Account for finished attempt A of job J, counted and its output handed
 * on: the gate, the reports, --halt. True if the job is to run again.
 */
static bool account(struct attempt_worker *w, struct job *j,
		    struct attempt *a, bool probe)
{
	const struct attempt_conf *c = w->c;
	bool ok = attempt_ok(a);

	/* Every attempt counts, started or not: 126/127 are failures too. */
	gate_result(c->gate, ok, probe);
	if (c->breaker) {
		struct gate_snap g;

		gate_snapshot(c->gate, &g);
		a->breaker = breaker_state_name(g.breaker);
	}
	report_attempt(a);
	if (a->will_retry) {
		j->attempt++;
		j->not_before_ns = now_ns() + backoff(w, j->attempt);
		return true;
	}
	if (!a->cancelled)
		attempt_check_halt(c);
	return false;
}

/* Whether a worker parked on a down host should give up waiting. */
static bool run_over(void *sched)
{
	return sched_finished(sched) || runstate_get() != RS_RUNNING;
}

/*
 * J cannot run on W's host, down, or --memfree stopped it: it goes back to
 * the queue, as it was (no --retries used), and W waits for its host.
 */
static void give_back(struct attempt_worker *w, struct job *j)
{
	j->not_before_ns = now_ns();
	sched_retry(w->c->sched, j);
	if (w->rw)
		remote_wait(w->rw, run_over, w->c->sched);
}

/*
 * With -S: the ssh command that runs ARGV on W's host, its program in
 * *PATH; the job's stdin becomes the lifeline.
 */
static char **go_remote(struct attempt_worker *w, char **argv,
			struct attempt *a, const char **path)
{
	w->x.in_fd = remote_lifeline(w->rw);
	return remote_wrap(w->rw, argv, a->job->seq, path);
}

/* Did attempt A fail with its host rather than by itself? */
static bool host_failed(struct attempt_worker *w, const struct attempt *a)
{
	return a->exit_code == 255 && !a->timed_out && !a->cancelled &&
	       !a->not_started && runstate_get() == RS_RUNNING &&
	       remote_failed(w->rw);
}

/*
 * Is remote attempt A of J to run again, its host having failed under it?
 * Not when that was the second host J lost, or its third loss (hostloss.h):
 * it then fails.
 */
static bool host_lost_once(struct attempt_worker *w, struct job *j,
			   struct attempt *a)
{
	if (!host_failed(w, a))
		return false;
	a->host_lost = hostloss_add(&j->lost, a->host);
	if (!a->host_lost)
		tally_add(TALLY_HOST_LOST);
	return !a->host_lost;
}

/*
 * Did --memfree stop attempt A, to run it again (memwatch.h)? One that
 * succeeded all the same is done; one stopped as the run stopped starting
 * jobs will not run again: it is cancelled, not failed.
 */
static bool mem_stopped(struct attempt_worker *w, struct attempt *a)
{
	if (!w->stopped || attempt_ok(a))
		return false;
	if (runstate_get() != RS_RUNNING) {
		a->cancelled = true;
		return false;
	}
	memwatch_say(a->job->seq, w->stopped_mem);
	tally_add(TALLY_MEM_STOPPED);
	return true;
}

void attempt_run(struct attempt_worker *w, struct job *j)
{
	const struct attempt_conf *c = w->c;
	char **argv = tmpl_expand(c->tmpl, &w->ab, j->recs, j->nrec, j->seq,
				  (unsigned)w->slot + 1);
	struct attempt a = {
		.job = j, .slot = w->slot + 1, .queued_ns = j->queued_ns,
		.host = remote_host(w->rw),
	};
	char *own = NULL, *cmdline = NULL, **run_argv = argv;
	const char *path;
	bool probe = false, remote = remote_is_remote(w->rw) && !j->too_long;

	if (remote && !c->dry_run && !remote_ready(w->rw)) {
		give_back(w, j);
		return;
	}

	if (c->dry_run && !j->too_long) {
		gate_forfeit(c->gate, j->ticket);
		dry_run(w, j, argv);
		goto done;
	}
	if (!j->too_long && (c->verbose || report_wants_cmdline()))
		a.cmdline = cmdline = tmpl_describe(c->tmpl, argv, j->recs,
						    j->nrec, j->seq,
						    (unsigned)w->slot + 1);
	if (remote)
		run_argv = go_remote(w, argv, &a, &path);
	if (remote || (path = resolve_program(c->path, c->path_errno,
						     c->tmpl->cmd_varies,
						     w->x.dir, argv, &a,
						     &own)) != NULL) {
		bool room = inflight_acquire();         /* -j auto */

		if (!room || !loadgate_pass() ||
		    !gate_pass(c->gate, j->ticket, &probe)) {
			/* Cancelled or drained (before or while waiting). */
			if (room)
				inflight_release(NULL);
			free(own);
			free(cmdline);
			fanin_skip(c->fanin, j->seq);
			goto done;
		}
		if (c->verbose)
			show_command(cmdline);
		w->jo = begin_output(w, j, j->attempt < c->retries || remote ||
					    memwatch_on());
		if (results_on(&c->results))
			results_open(&w->res, &c->results, j->seq);
		tally_running(1);
		run_child(w, path, run_argv, &a);
		inflight_release(&a);
		tally_running(-1);
		if ((remote && host_lost_once(w, j, &a)) ||
		    (!a.host_lost && mem_stopped(w, &a))) {
			tally_undo(TALLY_STARTED);
			results_end(w, false);
			fanin_discard(c->fanin, w->jo);
			if (probe)
				gate_result(c->gate, false, true);
			free(cmdline);
			give_back(w, j);
			return;
		}
	} else {
		gate_forfeit(c->gate, j->ticket);
		w->jo = begin_output(w, j, false);
	}
	free(own);
	count(w, &a);
	results_end(w, !a.will_retry && !a.not_started);
	if (a.will_retry) {
		fanin_discard(c->fanin, w->jo);
	} else {
		fanin_end(c->fanin, w->jo);
		/*
		 * After its output (where that is written at once, not under
		 * -k), before what the gate and --halt say about it.
		 */
		if (!attempt_ok(&a) && !a.cancelled && !a.not_started &&
		    !c->quiet_failures && !output_closed(w, &a))
			name_failure(w, &a, argv);
	}
	if (account(w, j, &a, probe)) {
		free(cmdline);
		sched_retry(c->sched, j);
		return;
	}
	free(cmdline);
done:
	sched_done(c->sched);
	job_free(j);
}
