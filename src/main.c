/*
 * main.c - fanout: wiring and exit status.
 *
 * Order matters: options are checked before anything runs; the signals are
 * blocked and the guardian forked before any thread exists; then the signal
 * thread, the workers and the reader start, and main waits for the workers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "guard.h"
#include "input.h"
#include "joblog.h"
#include "report.h"
#include "run.h"
#include "runstate.h"
#include "signals.h"
#include "spawn.h"
#include "util.h"

extern char **environ;

static struct runner R;

/*
 * A closed fd 0, 1 or 2 gets /dev/null, read-only: no temp file or pipe can
 * land there, and writing "output" to it fails loudly instead of silently.
 */
static void hold_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", O_RDONLY);

			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
}

/* environ without FANOUT_SEQ/FANOUT_SLOT, two free slots in front. */
static void make_env(struct runner *r)
{
	size_t n = 0, k = 2;

	while (environ[n])
		n++;
	r->envbase = xmalloc((n + 3) * sizeof *r->envbase);
	r->envbase[0] = r->envbase[1] = NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "FANOUT_SEQ=", 11) != 0 &&
		    strncmp(environ[i], "FANOUT_SLOT=", 12) != 0)
			r->envbase[k++] = environ[i];
	r->envbase[k] = NULL;
	r->nenv = k;
}

/* Output could not be written: stop the run; the exit status says why. */
static void on_output_error(void)
{
	runstate_cancel(SIGTERM, false);
}

static void setup_command(struct runner *r, const struct opts *o)
{
	enum tmpl_mode mode = o->ncmd == 0 ? TMPL_LINE
			    : o->shell ? TMPL_SHELL : TMPL_DIRECT;
	const char *why = tmpl_compile(&r->tmpl, mode, o->cmd, o->ncmd, o->repl);

	if (why)
		die(EXIT_USAGE, "%s", why);
	if (mode != TMPL_DIRECT) {
		r->path = xstrdup("/bin/sh");
	} else if (!r->tmpl.cmd_varies) {
		/* Looked up once, not per job. */
		r->path = spawn_resolve(o->cmd[0]);
		r->path_errno = r->path ? 0 : errno;
	}
}

static int open_input(const struct opts *o)
{
	int fd;

	if (o->have_args)
		return -1;
	if (!o->arg_file || strcmp(o->arg_file, "-") == 0)
		return 0;
	fd = open(o->arg_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_USAGE, "cannot open '%s': %s", o->arg_file,
		    strerror(errno));
	return fd;
}

/*
 * The reader's sink: a job that --resume says is done is counted and
 * skipped (under -k the output order steps over it), any other is queued.
 * False once the run stops.
 */
static bool admit(struct job *j, void *arg)
{
	struct runner *r = arg;

	if (r->joblog && joblog_done(r->joblog, j->seq)) {
		atomic_fetch_add(&r->skipped, 1);
		if (r->o->keep_order)
			fanin_skip(&r->fanin, j->seq);
		job_free(j);
		return true;
	}
	atomic_fetch_add(&r->read, 1);
	if (!sched_submit(&r->sched, j)) {
		atomic_fetch_sub(&r->read, 1);
		job_free(j);
		return false;
	}
	return true;
}

/* The reader is done: the workers end once the queue is empty. */
static void input_done(void *arg)
{
	sched_close(&((struct runner *)arg)->sched);
}

/* Start the reader on FD (-1: the ::: arguments), its jobs to admit(). */
static void start_input(struct runner *r, int fd)
{
	const struct opts *o = r->o;
	struct input_conf c = {
		.fd = fd, .args = o->args, .nargs = o->nargs,
		.delim = o->delim, .stop_fd = r->reader_stop_fd,
		.done = input_done,
		.batch = {
			.max_records = o->batch,
			.timeout_ns = o->batch_timeout_ns,
			.arg_max = BATCH_ARG_MAX,
			.put = admit, .arg = r,
		},
	};
	size_t env = 0;

	/* The environment each job gets shares the command line's space. */
	for (size_t i = 0; i < r->nenv; i++)
		if (r->envbase[i])
			env += strlen(r->envbase[i]) + 1 + sizeof(char *);
	c.batch.line_max = batch_line_max(sysconf(_SC_ARG_MAX), env);
	tmpl_costs(&r->tmpl, &c.batch.costs);
	input_start(&c);
}

static int exit_status(struct runner *r, int input_error)
{
	int sig = runstate_stop_signal();

	switch (fanin_error(&r->fanin)) {
	case FANIN_CLOSED:
		return 128 + SIGPIPE;
	case FANIN_FATAL:
		return EXIT_FATAL;
	case FANIN_OK:
		break;
	}
	if (input_error)
		return EXIT_FATAL;
	if (sig)
		return 128 + sig;
	if (atomic_load(&r->failed) || atomic_load(&r->cancelled) ||
	    runstate_get() != RS_RUNNING)
		return EXIT_JOBS_FAILED;
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static struct opts o;
	struct runner *r = &R;
	int fd, input_error;
	uint64_t unstarted, ended;
	pid_t skip[1];

	hold_std_fds();
	cli_parse(&o, argc, argv);
	r->o = &o;
	setup_command(r, &o);
	fd = open_input(&o);
	if (o.joblog)
		r->joblog = (o.dry_run ? joblog_read : joblog_open)(o.joblog,
				o.resume || o.resume_failed, o.resume_failed);

	spawn_setup();
	spawn_reserve_fds(o.jobs);
	signals_block();
	r->maxworkers = o.jobs + 256;
	guard_init(r->maxworkers);
	make_env(r);
	r->start_ns = now_ns();
	atomic_init(&r->target_workers, o.jobs);
	r->thread_live = xcalloc((size_t)r->maxworkers, sizeof *r->thread_live);
	pthread_mutex_init(&r->poolmu, NULL);
	pthread_cond_init(&r->pooldone, NULL);

	/*
	 * Enough queued jobs to keep every worker busy; fewer when each
	 * carries a whole batch of records, so that memory stays small.
	 */
	sched_init(&r->sched, r->maxworkers,
		   o.batch > 1 ? 16 + 4 * (size_t)o.jobs
			       : 256 + 16 * (size_t)o.jobs);
	sched_set_workers(&r->sched, o.jobs);
	if (o.keep_order)
		r->sched.window = 1024 + 64 * (uint64_t)o.jobs;
	fanin_init(&r->fanin, &o, r->sched.window, &r->sched, on_output_error);
	gate_init(&r->gate, &o);
	runstate_init(&r->sched, &r->gate);
	r->reader_stop_fd = runstate_stop_fd();

	report_init(r);
	signals_start(r);
	pthread_mutex_lock(&r->poolmu);
	for (int i = 0; i < o.jobs; i++)
		run_start_worker(r, i);
	pthread_mutex_unlock(&r->poolmu);
	start_input(r, fd);

	run_join_workers(r);
	input_error = input_join();
	fanin_finish(&r->fanin);

	/* Descendants that escaped their jobs and outlived them. */
	skip[0] = guard_pid();
	spawn_kill_orphans(skip, 1, SIGKILL);

	/*
	 * Read but never started: still queued, or dropped by a worker that
	 * was waiting at the gate when the run stopped. Input not yet read is
	 * not counted.
	 */
	ended = atomic_load(&r->succeeded) + atomic_load(&r->failed) +
		atomic_load(&r->cancelled);
	unstarted = atomic_load(&r->read) > ended ?
		    atomic_load(&r->read) - ended : 0;
	/* A closed stdout (`| head`) is an ordinary end: say nothing. */
	if (runstate_get() != RS_RUNNING &&
	    fanin_error(&r->fanin) != FANIN_CLOSED)
		warnx("%s: %llu done, %llu failed, %llu cancelled, %llu never started",
		      runstate_stop_signal() == SIGHUP ? "drained"
		      : runstate_stop_signal() ? "cancelled"
		      : fanin_error(&r->fanin) == FANIN_OK ? "halted"
		      : "stopped",
		      (unsigned long long)atomic_load(&r->succeeded),
		      (unsigned long long)atomic_load(&r->failed),
		      (unsigned long long)atomic_load(&r->cancelled),
		      (unsigned long long)unstarted);
	report_finish(r);
	return exit_status(r, input_error);
}
