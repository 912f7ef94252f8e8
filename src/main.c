/*
 * main.c - fanout: wiring and exit status.
 *
 * The only file that knows every module: it builds each one's configuration
 * from the options, connects them through callbacks (the reader's admit(),
 * fanin's on_output_error()) and owns the assembly below, which no other
 * file sees.
 *
 * Order matters: options are checked before anything runs; the signals are
 * blocked and the guardian forked before any thread exists; then the
 * signal thread, the reader and, last, the workers start (under ulimit -u
 * they take what room is left), and main waits for the workers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attempt.h"
#include "cli.h"
#include "exec.h"
#include "fanin.h"
#include "gate.h"
#include "guard.h"
#include "inflight.h"
#include "loadgate.h"
#include "memwatch.h"
#include "input.h"
#include "joblog.h"
#include "jsonlog.h"
#include "nproc.h"
#include "outbuf.h"
#include "pool.h"
#include "progress.h"
#include "remote.h"
#include "report.h"
#include "results.h"
#include "runstate.h"
#include "scheduler.h"
#include "signals.h"
#include "sources.h"
#include "spawn.h"
#include "tally.h"
#include "template.h"
#include "throttle.h"
#include "util.h"

extern char **environ;

/* The run's parts, as main assembles them. */
struct runner {
	const struct opts *o;
	struct tmpl tmpl;
	struct sources src;
	char *path;             /* COMMAND found in PATH once, if fixed */
	int path_errno;         /* why it was not found */
	char **envbase;         /* environ with two free slots in front */
	size_t nenv;
	struct sched sched;
	struct fanin fanin;
	struct gate gate;
	struct joblog *joblog;
	struct exec_conf exec;
	struct attempt_conf attempt;
	struct remote *remote;          /* -S hosts, or NULL */
};

static struct runner the_runner;

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
static void on_output_error(void *arg)
{
	(void)arg;
	runstate_cancel(SIGTERM, false);
}

/* -k: the output's head moved: the scheduler's window moves with it. */
static void on_output_head(uint64_t seq, void *arg)
{
	sched_set_head(&((struct runner *)arg)->sched, seq);
}

/* Where local jobs run: --workdir, but for '.' (here: nothing to do). */
static const char *local_workdir(const struct opts *o)
{
	return o->workdir && strcmp(o->workdir, ".") ? o->workdir : NULL;
}

static void setup_command(struct runner *r, const struct opts *o)
{
	enum tmpl_mode mode = o->ncmd == 0 ? TMPL_LINE
			    : o->shell ? TMPL_SHELL : TMPL_DIRECT;
	struct tmpl_conf c = { .repl = o->repl, .names = &r->src.names,
			       .multi = o->multi };
	const char *why = tmpl_compile_conf(&r->tmpl, mode, o->cmd, o->ncmd,
					    &c);

	if (why)
		die(EXIT_USAGE, "%s", why);
	if (mode != TMPL_DIRECT) {
		r->path = xstrdup("/bin/sh");
	} else if (!r->tmpl.cmd_varies) {
		/* Looked up once, not per job. */
		r->path = spawn_resolve_in(local_workdir(o), o->cmd[0]);
		r->path_errno = r->path ? 0 : errno;
	}
}

/*
 * Output that may be held (all but -u) spills past --buffer-size to a file
 * in TMPDIR: one that cannot be made there would cancel the run at its
 * first spill, with what it held lost. Say so now, before anything runs.
 */
static void check_tmpdir(const struct opts *o)
{
	if (o->out == OUT_UNGROUP || outbuf_tmpdir_check() == 0)
		return;
	die(EXIT_USAGE, "cannot make a temp file in '%s': %s (output past "
	    "--buffer-size goes there; set TMPDIR, or use -u)",
	    outbuf_tmpdir(), strerror(errno));
}

/*
 * The reader's sink: a job that --resume says is done is counted and
 * skipped (under -k the output order steps over it), any other is queued.
 * False once the run stops.
 */
static bool admit(struct job *j, void *arg)
{
	struct runner *r = arg;

	/* --shard: another fanout runs it; the numbering stays the run's. */
	if (r->o->shard_n && (j->seq - 1) % r->o->shard_n != r->o->shard_k) {
		if (r->o->keep_order)
			fanin_skip(&r->fanin, j->seq);
		job_free(j);
		return true;
	}
	if (r->joblog && joblog_done(r->joblog, j->seq)) {
		tally_add(TALLY_SKIPPED);
		if (r->o->keep_order)
			fanin_skip(&r->fanin, j->seq);
		job_free(j);
		return true;
	}
	tally_add(TALLY_READ);
	if (!sched_submit(&r->sched, j)) {
		tally_undo(TALLY_READ);
		job_free(j);
		return false;
	}
	return true;
}

/* The reader is done: the workers end once the queue is empty. */
static void input_done(void *arg)
{
	struct runner *r = arg;

	sched_close(&r->sched);
	/* A --halt percentage now has its total. */
	attempt_check_halt(&r->attempt);
}

/*
 * --pipe: blocks instead of records. A regular file (-a FILE) is handed
 * out as byte ranges, unless blocks are counted in records.
 */
static const struct pipein_conf *pipe_conf(struct runner *r, int fd)
{
	static struct pipein_conf pc;
	const struct opts *o = r->o;
	struct stat st;

	pc = (struct pipein_conf){
		.fd = fd, .block = o->block_size, .nrec = o->records,
		.cut = { o->recend, o->recendlen, o->recstart, o->recstartlen },
		.header = o->pipe_header, .stop_fd = runstate_stop_fd(),
		.round_robin = o->round_robin ? o->jobs : 0,
		.dry_run = o->dry_run,
		/* What runs a job again (attempt.c) reads its block again. */
		.once = !o->retries && !o->memfree && !r->remote,
		.max_pipes = spawn_spare_fds(o->jobs, o->out != OUT_UNGROUP),
		.put = admit, .arg = r,
	};
	pc.ranges = !o->records && fstat(fd, &st) == 0 &&
		    S_ISREG(st.st_mode) && (pc.start = lseek(fd, 0, SEEK_CUR)) >= 0;
	/*
	 * -a FILE without --block: GNU parallel --pipepart's own default, 10
	 * blocks a job slot (its --block -10), not 1M: starting a job costs
	 * far more than passing 1M on (bench/pipe.sh: 512 jobs of `wc -l`
	 * spent 2/3 of the run's CPU in exec). Stdin keeps --pipe's 1M, and
	 * so does --round-robin, which starts -j jobs whatever the blocks.
	 */
	if (pc.ranges && o->block_auto && !o->round_robin && o->nsrc == 1 &&
	    strcmp(o->src[0].file, "-") != 0 && st.st_size > pc.start)
		pc.block = 1 + (size_t)((uint64_t)(st.st_size - pc.start) /
					(uint64_t)(o->jobs > 0 ? o->jobs : 1) / 10);
	return &pc;
}

/* Start the reader on the opened sources, its jobs to admit(). */
static void start_input(struct runner *r)
{
	const struct opts *o = r->o;
	struct input_conf c = {
		.src = &r->src,
		.delim = o->delim, .stop_fd = runstate_stop_fd(),
		.done = input_done,
		.batch = {
			.max_records = o->batch,
			.timeout_ns = o->batch_timeout_ns,
			.arg_max = BATCH_ARG_MAX,
			.put = admit, .arg = r,
		},
	};
	size_t env = 0;

	if (o->pipe)
		c.pipe = pipe_conf(r, r->src.fd);
	/* The environment each job gets shares the command line's space. */
	for (size_t i = 0; i < r->nenv; i++)
		if (r->envbase[i])
			env += strlen(r->envbase[i]) + 1 + sizeof(char *);
	c.batch.line_max = batch_line_max(sysconf(_SC_ARG_MAX), env);
	tmpl_costs(&r->tmpl, &c.batch.costs);
	input_start(&c);
}

/* What each attempt needs, from the options and the assembly. */
static void setup_attempts(struct runner *r, const struct opts *o)
{
	r->exec = (struct exec_conf){
		.timeout_ns = o->timeout_ns,
		.kill_after_ns = o->kill_after_ns,
		.capture = o->out != OUT_UNGROUP,
		.cancel_fd = runstate_cancel_fd(),
	};
	r->attempt = (struct attempt_conf){
		.tmpl = &r->tmpl, .path = r->path, .path_errno = r->path_errno,
		.envbase = r->envbase, .nenv = r->nenv,
		.sched = &r->sched, .fanin = &r->fanin, .gate = &r->gate,
		.exec = &r->exec, .remote = r->remote,
		.workdir = local_workdir(o),
		.dry_run = o->dry_run, .verbose = o->verbose, .tag = o->tag,
		.quiet_failures = o->quiet_failures,
		.tagstring = o->tagstring, .repl = o->repl,
		.results = { o->results, o->files },
		.names = &r->src.names,
		.breaker = o->breaker > 0,
		.rlimits = &o->rlimits,
		.retries = o->retries, .retry_delay_ns = o->retry_delay_ns,
		.halt = o->halt,
	};
}

/* The run stopped before its end: one line that says how, and the counts. */
static void summary(struct runner *r)
{
	int sig = runstate_stop_signal();

	/* A closed stdout (`| head`) is an ordinary end: say nothing. */
	if (runstate_get() == RS_RUNNING ||
	    fanin_error(&r->fanin) == FANIN_CLOSED)
		return;
	tally_summary(sig == SIGHUP ? "drained"
		      : sig ? "cancelled"
		      : fanin_error(&r->fanin) == FANIN_OK ? "halted"
		      : "stopped");
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
	if (input_error || joblog_failed() || jsonlog_failed() ||
	    results_failed())
		return EXIT_FATAL;
	if (sig)
		return 128 + sig;
	/*
	 * Halted on success: its goal was met (GNU parallel's 0). On done:
	 * what was not run or was killed is no failure, what failed is.
	 */
	if (attempt_halted() && r->o->halt.why == HALT_SUCCESS)
		return EXIT_OK;
	if (attempt_halted() && r->o->halt.why == HALT_DONE)
		return tally_get(TALLY_FAILED) ? EXIT_JOBS_FAILED : EXIT_OK;
	if (tally_get(TALLY_FAILED) || tally_get(TALLY_CANCELLED) ||
	    runstate_get() != RS_RUNNING)
		return EXIT_JOBS_FAILED;
	return EXIT_OK;
}

/* --joblog: replaced, appended to (+FILE), resumed, or only read (-n). */
static struct joblog *open_joblog(const struct opts *o)
{
	bool resume = o->resume || o->resume_failed;

	if (o->dry_run)
		return joblog_read(o->joblog, resume, o->resume_failed);
	if (o->joblog_append && !resume)
		return joblog_append(o->joblog);
	return joblog_open(o->joblog, resume, o->resume_failed);
}

int main(int argc, char **argv)
{
	static struct opts o;
	struct runner *r = &the_runner;
	int input_error, maxworkers;
	uint64_t window;
	pid_t skip[1];

	hold_std_fds();
	signals_init();
	cli_parse(&o, argc, argv);
	r->o = &o;
	/* the header, if any, names the columns the template refers to */
	sources_open(&r->src, &o, o.delim);
	setup_command(r, &o);
	check_tmpdir(&o);
	/* Every output is checked before the job log is replaced. */
	if (o.json_log)
		jsonlog_check(o.json_log);
	if (o.joblog)
		r->joblog = open_joblog(&o);
	if (o.nice_set)
		spawn_set_nice(o.nice);

	spawn_setup(signals_entry_ignored());
	/* With -S, -j is per host: the workers are the hosts' slots. */
	r->remote = remote_start(&o, &o.jobs);
	/* -j auto's MAX with -S: every host's, together. */
	if (r->remote && o.adaptive)
		o.adaptive = o.jobs;
	spawn_set_rlimits(&o.rlimits);
	/* Fewer at once when the open-file limit is too low (LIMITS). */
	o.jobs = spawn_reserve_fds(o.jobs, o.out != OUT_UNGROUP);
	o.jobs = nproc_fit(o.jobs);
	signals_block();
	maxworkers = o.jobs + 256;
	guard_init(maxworkers);
	make_env(r);
	tally_init();

	/* -k: how far past the oldest unwritten job others may start. */
	window = o.keep_order ? 1024 + 64 * (uint64_t)o.jobs : 0;
	/*
	 * Enough queued jobs to keep every worker busy; fewer when each
	 * carries a whole batch of records, so that memory stays small.
	 */
	sched_init(&r->sched, maxworkers,
		   o.pipe ? 2 /* blocks: memory stays near (-j + 3) of them */
		   : o.batch > 1 ? 16 + 4 * (size_t)o.jobs
				 : 256 + 16 * (size_t)o.jobs, window);
	fanin_init(&r->fanin, &(struct fanin_conf){
		.mode = o.out == OUT_LINE ? FANIN_LINES : FANIN_GROUPED,
		.keep_order = o.keep_order, .buffer_size = o.buffer_size,
		.window = window, .on_head = on_output_head,
		.on_error = on_output_error, .arg = r });
	gate_init(&r->gate, &o);
	/* Under --rate, jobs start in input order: tickets (gate.h). */
	if (o.rate)
		sched_order_starts(&r->sched);
	runstate_init(&r->sched, &r->gate);

	report_init(&(struct report_conf){
		.joblog = r->joblog, .json_log = o.json_log, .stats = o.stats,
		.gate = &r->gate,
	});
	if (o.progress)
		progress_start(&r->gate, &r->sched, runstate_stop_fd());
	setup_attempts(r, &o);
	fanin_watch(&r->fanin);
	inflight_init(o.adaptive, o.overload_exit);
	loadgate_init(&(struct loadgate_conf){ o.memfree, o.load },
		      runstate_stop_fd());
	memwatch_start(o.memfree, maxworkers, o.kill_after_ns);
	throttle_on_lower(pool_limit);
	/*
	 * The workers last: under ulimit -u they take what threads are
	 * left (pool.h), and the signal thread and the reader must exist.
	 */
	signals_start(o.kill_after_ns);
	start_input(r);
	pool_start(&r->attempt, &r->sched, o.jobs, maxworkers);

	pool_join();
	memwatch_stop();
	/* Every job has ended: a reader that goes now is seen at a write. */
	fanin_unwatch(&r->fanin);
	input_error = input_join();
	pipein_free();
	fanin_finish(&r->fanin);

	remote_stop(r->remote);
	/* Descendants that escaped their jobs and outlived them. */
	skip[0] = guard_pid();
	spawn_kill_orphans(skip, 1, SIGKILL);

	summary(r);
	progress_stop();
	report_finish();
	return exit_status(r, input_error);
}
