/*
 * run.c - worker threads and one job's life.
 *
 * A worker takes a job, expands its argv, passes the gate (rate, breaker),
 * spawns it, then waits in a single poll(2) over the job's stdout and stderr
 * pipes, its pidfd and the run's cancel pipe, with the job's next deadline
 * (timeout, kill grace, drain grace) as the poll timeout: nothing spins.
 *
 * When the job's main process exits, fanout reads its pipes to the end; if
 * something it left running still holds them after the --kill-after grace,
 * fanout stops waiting. Either way whatever is left of the job's process
 * group is then killed, so no job leaves a process behind.
 */
#define _GNU_SOURCE
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "progress.h"
#include "report.h"
#include "runstate.h"
#include "spawn.h"
#include "util.h"

#define READ_CHUNK (64 * 1024)
#define NEVER INT64_MAX

struct worker {
	struct runner *r;
	int slot;                       /* 0-based; {%} is slot + 1 */
	struct argvbuf ab;
	char **envp;
	char seqenv[48], slotenv[48];
	char *scratch;
	unsigned rng;
};

/*
 * The command as a user would type it, for --dry-run, -v and the logs: the
 * line itself in line mode, the script with its values quoted in --shell
 * mode, else the argv shell-quoted.
 */
static char *describe(const struct worker *w, char **argv,
		      const struct job *j)
{
	switch (w->r->tmpl.mode) {
	case TMPL_LINE:
		return xstrdup(argv[2]);
	case TMPL_SHELL:
		return tmpl_shell_display(&w->r->tmpl, j->recs, j->nrec, j->seq,
					  (unsigned)w->slot + 1);
	default:
		return argv_render(argv);
	}
}

/* Report a program that cannot be run, once per run when it is fixed. */
static void report_unrunnable(struct runner *r, const char *name, int err,
			      bool fixed)
{
	/* GNU parallel runs every command through a shell; we do not. */
	bool shell_line = err == ENOENT && strpbrk(name, " \t;|&$<>()'\"`");

	if ((fixed || shell_line) &&
	    atomic_exchange(&r->reported_missing, true))
		return;
	if (shell_line)
		warnx("'%s': command not found (for a shell command line, "
		      "use --shell)", name);
	else if (err == ENOENT)
		warnx("'%s': command not found", name);
	else if (err == EACCES)
		warnx("'%s': not executable", name);
	else
		warnx("'%s': cannot run: %s", name, strerror(err));
}

static void set_env(struct worker *w, uint64_t seq)
{
	snprintf(w->seqenv, sizeof w->seqenv, "FANOUT_SEQ=%llu",
		 (unsigned long long)seq);
	w->envp[0] = w->seqenv;
}

/* Milliseconds for poll(2) until DEADLINE, rounded up; -1 for never. */
static int poll_ms(int64_t deadline, int64_t now)
{
	int64_t d;

	if (deadline == NEVER)
		return -1;
	d = deadline - now;
	if (d <= 0)
		return 0;
	d = (d + NS_PER_MS - 1) / NS_PER_MS;
	return d > 1000000 ? 1000000 : (int)d;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * Spawn the job and follow it to its end: read its output into fanin,
 * enforce its deadlines, react to cancellation, then reap it.
 */
static void pump(struct worker *w, const char *path, char **argv,
		 struct jobout *jo, struct attempt *a)
{
	struct runner *r = w->r;
	const struct opts *o = r->o;
	bool ungroup = o->out == OUT_UNGROUP;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	struct spawn_req req = { path, argv, w->envp, -1, -1 };
	struct pollfd pfd[4];
	int nopen = 0, pidfd;
	bool exited = false;
	int64_t t_term = NEVER, t_kill = NEVER, t_drain = NEVER;
	int st = 0;
	pid_t pid;

	if (!ungroup) {
		if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
			warnerr("job %llu: cannot make a pipe",
				(unsigned long long)jo->seq);
			if (outp[0] >= 0) {
				close(outp[0]);
				close(outp[1]);
			}
			a->not_started = true;
			a->exit_code = 126;
			return;
		}
		req.out_fd = outp[1];
		req.err_fd = errp[1];
	}
	a->start_ns = now_ns();
	a->start_wall_ns = wall_ns();
	pid = spawn_start(&req);
	if (!ungroup) {
		close(outp[1]);
		close(errp[1]);
	}
	if (pid < 0) {
		int e = errno;

		if (e == E2BIG)
			warnx("job %llu: argument list too long",
			      (unsigned long long)jo->seq);
		else
			report_unrunnable(r, argv[0], e, !r->tmpl.cmd_varies);
		if (!ungroup) {
			close(outp[0]);
			close(errp[0]);
		}
		a->not_started = true;
		a->exit_code = spawn_exit_code(e);
		a->end_ns = now_ns();
		return;
	}
	a->pid = pid;
	atomic_fetch_add(&r->started, 1);
	guard_set(w->slot, pid);
	/* A cancel that came between our check and the registration. */
	if (runstate_get() >= RS_CANCELLING) {
		int sig = runstate_stop_signal();

		kill(-pid, sig ? sig : SIGTERM);
	}

	pidfd = spawn_pidfd(pid);
	if (o->timeout_ns)
		t_term = a->start_ns + o->timeout_ns;
	if (!ungroup) {
		pfd[0] = (struct pollfd){ .fd = outp[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = errp[0], .events = POLLIN };
		nopen = 2;
	} else {
		pfd[0].fd = pfd[1].fd = -1;
	}
	pfd[2] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	pfd[3] = (struct pollfd){ .fd = runstate_cancel_fd(), .events = POLLIN };

	while (nopen > 0 || !exited) {
		int64_t now = now_ns();
		int64_t deadline;

		if (now >= t_term) {
			/* The whole group, and whatever left it with setsid. */
			spawn_kill_tree(pid, SIGTERM);
			a->timed_out = true;
			t_term = NEVER;
			t_kill = now + o->kill_after_ns;
		}
		if (now >= t_kill) {
			spawn_kill_tree(pid, SIGKILL);
			t_kill = NEVER;
		}
		if (now >= t_drain) {
			/* Left-behind processes hold the pipes: stop reading. */
			break;
		}
		if (pidfd < 0 && !exited) {
			siginfo_t si;

			si.si_pid = 0;
			if (waitid(P_PID, (id_t)pid, &si,
				   WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid)
				exited = true;
		}
		deadline = min64(min64(t_term, t_kill), t_drain);
		if (pidfd < 0 && !exited)
			deadline = min64(deadline, now + 20 * NS_PER_MS);
		if (poll(pfd, 4, poll_ms(deadline, now)) < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_FATAL, "poll: %s", strerror(errno));
		}
		for (int k = 0; k < 2; k++) {
			ssize_t n;

			if (pfd[k].fd < 0 || !pfd[k].revents)
				continue;
			n = read(pfd[k].fd, w->scratch, READ_CHUNK);
			if (n > 0) {
				*(k ? &a->bytes_err : &a->bytes_out) +=
					(uint64_t)n;
				fanin_data(&r->fanin, jo, k, w->scratch, (size_t)n);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(pfd[k].fd);
				pfd[k].fd = -1;
				nopen--;
			}
		}
		if (pfd[2].fd >= 0 && pfd[2].revents) {
			exited = true;
			close(pfd[2].fd);
			pfd[2].fd = -1;
			if (nopen > 0)
				t_drain = now_ns() + o->kill_after_ns;
		}
		if (pfd[3].fd >= 0 && pfd[3].revents) {
			/*
			 * The run is being cancelled: the signal thread has
			 * signalled the group; we enforce the grace.
			 */
			pfd[3].fd = -1;
			a->cancelled = true;
			if (runstate_get() >= RS_KILLING)
				t_kill = now_ns();
			else
				t_kill = min64(t_kill, now_ns() + o->kill_after_ns);
		}
	}
	for (int k = 0; k < 2; k++)
		if (pfd[k].fd >= 0)
			close(pfd[k].fd);
	if (pfd[2].fd >= 0)
		close(pfd[2].fd);
	/*
	 * The leader is a zombie or about to be: its pid still names the
	 * group, so this cannot hit an unrelated process.
	 */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	guard_set(w->slot, 0);
	a->end_ns = now_ns();
	if (WIFEXITED(st)) {
		a->exit_code = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		a->exit_code = -1;
		a->signal = WTERMSIG(st);
	}
	if (runstate_get() >= RS_CANCELLING &&
	    (a->exit_code != 0 || a->signal))
		a->cancelled = true;
}

/* Full-jitter exponential backoff for attempt ATTEMPT (1-based). */
static int64_t backoff(struct worker *w, int attempt)
{
	const int64_t cap = 300 * NS_PER_SEC;
	int64_t base = w->r->o->retry_delay_ns ? w->r->o->retry_delay_ns
					       : NS_PER_SEC;
	int64_t ceil = base;

	for (int i = 1; i < attempt && ceil < cap; i++)
		ceil *= 2;
	if (ceil > cap)
		ceil = cap;
	w->rng = w->rng * 1103515245u + 12345u;
	return (int64_t)((double)ceil * ((w->rng >> 8) & 0xffffff) / 0x1000000);
}

/*
 * Count finished attempt A of job J, tell the gate and the reports; true if
 * the job is to run again.
 */
static bool account(struct worker *w, struct job *j, struct attempt *a,
		    bool probe)
{
	struct runner *r = w->r;
	const struct opts *o = r->o;
	bool ok = attempt_ok(a);
	struct gate_snap g;

	/* Every attempt counts, started or not: 126/127 are failures too. */
	gate_result(&r->gate, ok, probe);
	if (a->timed_out) {
		char d[32];

		warnx("job %llu timed out after %s", (unsigned long long)j->seq,
		      fmt_seconds(o->timeout_ns, d, sizeof d));
	}
	if (ok) {
		atomic_fetch_add(&r->succeeded, 1);
	} else if (a->cancelled) {
		atomic_fetch_add(&r->cancelled, 1);
	} else if (j->attempt < o->retries && runstate_get() == RS_RUNNING) {
		atomic_fetch_add(&r->retried, 1);
		a->will_retry = true;
	} else {
		if (a->timed_out)
			atomic_fetch_add(&r->timed_out, 1);
		atomic_fetch_add(&r->failed, 1);
	}
	if (o->breaker > 0) {
		gate_snapshot(&r->gate, &g);
		a->breaker = breaker_state_name(g.breaker);
	}
	report_attempt(r, a);

	if (a->will_retry) {
		j->attempt++;
		j->not_before_ns = now_ns() + backoff(w, j->attempt);
		return true;
	}
	if (!ok && !a->cancelled && o->halt != HALT_NEVER &&
	    atomic_load(&r->failed) >= (uint64_t)o->halt_fail) {
		if (o->halt == HALT_NOW)
			runstate_cancel(SIGTERM, false);
		else
			runstate_drain(0);
	}
	return false;
}

/* One attempt of job J on worker W. */
static void run_job(struct worker *w, struct job *j)
{
	struct runner *r = w->r;
	const struct opts *o = r->o;
	char **argv = tmpl_expand(&r->tmpl, &w->ab, j->recs, j->nrec, j->seq,
				  (unsigned)w->slot + 1);
	const char *tag = o->tag ? j->recs[0].s : NULL;
	struct jobout *jo;
	struct attempt a = {
		.job = j, .slot = w->slot + 1, .queued_ns = j->queued_ns,
	};
	char *path = r->path, *own = NULL, *cmdline = NULL;
	bool probe = false;

	if (o->dry_run && !j->too_long) {
		char *line = describe(w, argv, j);

		jo = fanin_begin(&r->fanin, j->seq, NULL, 0);
		fanin_data(&r->fanin, jo, 0, line, strlen(line));
		fanin_data(&r->fanin, jo, 0, "\n", 1);
		fanin_end(&r->fanin, jo);
		free(line);
		atomic_fetch_add(&r->succeeded, 1);
		goto done;
	}
	if (!j->too_long && (o->verbose || report_wants_cmdline(r)))
		a.cmdline = cmdline = describe(w, argv, j);
	if (j->too_long) {
		/* The reader kept none of it (batch.h): it fails unrun. */
		warnx("job %llu: argument list too long (record %llu)",
		      (unsigned long long)j->seq,
		      (unsigned long long)j->too_long);
		a.exit_code = spawn_exit_code(E2BIG);
		a.not_started = true;
	} else if (r->tmpl.cmd_varies) {
		if (!(path = own = spawn_resolve(argv[0]))) {
			int e = errno;

			report_unrunnable(r, argv[0], e, false);
			a.exit_code = spawn_exit_code(e);
			a.not_started = true;
		}
	} else if (!path) {
		report_unrunnable(r, argv[0], r->path_errno, true);
		a.exit_code = spawn_exit_code(r->path_errno);
		a.not_started = true;
	}
	if (!a.not_started) {
		if (!gate_pass(&r->gate, &probe) ||
		    runstate_get() != RS_RUNNING) {
			/* Cancelled or drained while waiting: never started. */
			free(own);
			free(cmdline);
			fanin_skip(&r->fanin, j->seq);
			goto done;
		}
		if (o->verbose) {
			char *msg = xmalloc(strlen(cmdline) + 2);

			sprintf(msg, "%s\n", cmdline);
			progress_hide();
			(void)write_all(2, msg, strlen(msg));
			progress_show(true);
			free(msg);
		}
		set_env(w, j->seq);
		jo = j->attempt < o->retries
		     ? fanin_begin_retryable(&r->fanin, j->seq, tag,
					     tag ? j->recs[0].len : 0)
		     : fanin_begin(&r->fanin, j->seq, tag,
				   tag ? j->recs[0].len : 0);
		atomic_fetch_add(&r->running, 1);
		pump(w, path, argv, jo, &a);
		atomic_fetch_sub(&r->running, 1);
	} else {
		jo = fanin_begin(&r->fanin, j->seq, tag, tag ? j->recs[0].len : 0);
		a.start_wall_ns = wall_ns();
		a.start_ns = a.end_ns = now_ns();
	}
	free(own);
	if (account(w, j, &a, probe)) {
		fanin_discard(&r->fanin, jo);
		free(cmdline);
		sched_retry(&r->sched, j);
		return;
	}
	fanin_end(&r->fanin, jo);
	free(cmdline);
done:
	sched_done(&r->sched);
	job_free(j);
}

/*
 * Should worker W stop (SIGUSR2 lowered the target below its slot)? Decided
 * under poolmu, so that a SIGUSR1 either keeps it or sees it gone. Jobs left
 * in its deque are stolen by the others.
 */
static bool retire(struct worker *w)
{
	struct runner *r = w->r;
	bool gone = false;

	if (w->slot < atomic_load(&r->target_workers))
		return false;
	pthread_mutex_lock(&r->poolmu);
	if (w->slot >= atomic_load(&r->target_workers)) {
		r->thread_live[w->slot] = false;
		gone = true;
	}
	pthread_mutex_unlock(&r->poolmu);
	if (gone)
		sched_kick(&r->sched);
	return gone;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct runner *r = w->r;
	struct job *j;
	bool retired = false;

	while (!(retired = retire(w))) {
		if ((j = sched_next(&r->sched, w->slot)) != NULL)
			run_job(w, j);
		else if (sched_finished(&r->sched))
			break;
		/* Else it let us go to retire: decide under the lock. */
	}
	pthread_mutex_lock(&r->poolmu);
	if (!retired)
		r->thread_live[w->slot] = false;
	if (--r->nlive == 0)
		pthread_cond_broadcast(&r->pooldone);
	pthread_mutex_unlock(&r->poolmu);
	argvbuf_release(&w->ab);
	free(w->envp);
	free(w->scratch);
	free(w);
	return NULL;
}

void run_start_worker(struct runner *r, int slot)
{
	struct worker *w = xcalloc(1, sizeof *w);
	pthread_attr_t attr;
	pthread_t t;
	int e;

	w->r = r;
	w->slot = slot;
	w->rng = (unsigned)slot * 2654435761u ^ (unsigned)r->start_ns;
	argvbuf_init(&w->ab);
	w->scratch = xmalloc(READ_CHUNK);
	/* environ with FANOUT_SEQ and FANOUT_SLOT in the two front slots. */
	w->envp = xmalloc((r->nenv + 1) * sizeof *w->envp);
	memcpy(w->envp, r->envbase, (r->nenv + 1) * sizeof *w->envp);
	snprintf(w->slotenv, sizeof w->slotenv, "FANOUT_SLOT=%d", slot + 1);
	w->envp[0] = w->seqenv;
	w->envp[1] = w->slotenv;
	snprintf(w->seqenv, sizeof w->seqenv, "FANOUT_SEQ=0");

	/* Workers need little stack: keep the run's footprint small. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&t, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (e)
		die(EXIT_FATAL, "cannot start a worker thread: %s", strerror(e));
	r->thread_live[slot] = true;
	r->nlive++;
}

void run_join_workers(struct runner *r)
{
	pthread_mutex_lock(&r->poolmu);
	while (r->nlive > 0)
		pthread_cond_wait(&r->pooldone, &r->poolmu);
	pthread_mutex_unlock(&r->poolmu);
}
