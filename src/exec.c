/*
 * exec.c - one child process (see exec.h).
 *
 * When the child's main process exits, its pipes are read to the end; if
 * something it left running still holds them after the --kill-after grace,
 * exec_wait() stops waiting. Either way exec_reap() then kills whatever is
 * left of the child's process group, so no job leaves a process behind.
 */
#define _GNU_SOURCE
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "util.h"

#define NEVER INT64_MAX
#define PIDFD 2                 /* pfd[] slots after stdout and stderr */
#define CANCEL 3
#define FEED 4
#define NPFD 5
/* Without a pidfd, how often to look whether the child has exited. */
#define EXIT_POLL_NS (20 * NS_PER_MS)

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
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

static void close_pair(int p[2])
{
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
}

void exec_init(struct exec *x, const struct exec_conf *conf, int slot,
	       char *buf, size_t bufsize)
{
	memset(x, 0, sizeof *x);
	x->conf = conf;
	x->slot = slot;
	x->buf = buf;
	x->bufsize = bufsize;
	x->feed.fd = -1;
}

void exec_feed(struct exec *x, const struct block *b)
{
	x->block = b;
}

/* A child that never ran: it took no time, and exits as ERR says. */
static enum exec_start not_started(struct attempt *a, int err,
				   enum exec_start why)
{
	a->not_started = true;
	a->exit_code = spawn_exit_code(err);
	a->end_ns = now_ns();
	errno = err;
	return why;
}

/* Poll set and deadlines for the child X just started with pipes OUT, ERR. */
static void follow(struct exec *x, int out, int err)
{
	const struct exec_conf *c = x->conf;

	x->pfd[0] = (struct pollfd){ .fd = out, .events = POLLIN };
	x->pfd[1] = (struct pollfd){ .fd = err, .events = POLLIN };
	x->nopen = c->capture ? 2 : 0;
	x->pfd[PIDFD] = (struct pollfd){ .fd = spawn_pidfd(x->a->pid),
					 .events = POLLIN };
	x->pfd[CANCEL] = (struct pollfd){ .fd = c->cancel_fd, .events = POLLIN };
	pipefeed_poll(&x->feed, &x->pfd[FEED]);
	x->exited = false;
	x->dl = (struct deadlines){ NEVER, NEVER, NEVER };
	if (c->timeout_ns)
		x->dl.term = x->a->start_ns + c->timeout_ns;
}

enum exec_start exec_start(struct exec *x, const char *path, char **argv,
			   char **envp, exec_sink *sink, void *arg,
			   struct attempt *a)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	struct spawn_req req = { path, argv, envp, -1, -1, x->in_fd, x->dir,
				 guard_cell(x->slot) };
	int feed_fd = -1;               /* --pipe: the child's end of its feed */
	pid_t pid;

	x->a = a;
	x->sink = sink;
	x->sink_arg = arg;
	if (x->block && pipefeed_open(&x->feed, x->block, x->conf->capture,
					&feed_fd) < 0) {
		a->start_wall_ns = wall_ns();
		a->start_ns = now_ns();
		return not_started(a, errno, EXEC_NO_PIPE);
	}
	if (feed_fd >= 0)
		req.in_fd = feed_fd;
	if (x->conf->capture) {
		if (pipe_cloexec(outp) < 0 || pipe_cloexec(errp) < 0) {
			int e = errno;

			close_pair(outp);
			pipefeed_close(&x->feed);
			if (feed_fd >= 0)
				close(feed_fd);
			a->start_wall_ns = wall_ns();
			a->start_ns = now_ns();
			return not_started(a, e, EXEC_NO_PIPE);
		}
		req.out_fd = outp[1];
		req.err_fd = errp[1];
	}
	a->start_ns = now_ns();
	a->start_wall_ns = wall_ns();
	pid = spawn_start(&req);
	if (feed_fd >= 0)
		close(feed_fd);
	if (x->conf->capture) {
		close(outp[1]);
		close(errp[1]);
	}
	if (pid < 0) {
		int e = errno;

		/* A child that wrote its group there is gone: not ours now. */
		guard_set(x->slot, 0);
		if (x->conf->capture) {
			close(outp[0]);
			close(errp[0]);
		}
		pipefeed_close(&x->feed);
		return not_started(a, e, EXEC_NO_RUN);
	}
	a->pid = pid;
	guard_set(x->slot, pid);
	follow(x, outp[0], errp[0]);
	return EXEC_STARTED;
}

void exec_kill(struct exec *x, int sig)
{
	kill(-x->a->pid, sig);
}

void exec_cancel(struct exec *x, bool now)
{
	int64_t t = now_ns();

	x->dl.kill = now ? t : min64(x->dl.kill, t + x->conf->kill_after_ns);
}

/*
 * Act on the deadlines that are due at NOW; false once the pipes are to be
 * given up (left-behind processes hold them).
 */
static bool act_on_deadlines(struct exec *x, int64_t now)
{
	if (now >= x->dl.term) {
		/* The whole group, and whatever left it with setsid. */
		spawn_kill_tree(x->a->pid, SIGTERM);
		x->a->timed_out = true;
		x->dl.term = NEVER;
		x->dl.kill = now + x->conf->kill_after_ns;
	}
	if (now >= x->dl.kill) {
		spawn_kill_tree(x->a->pid, SIGKILL);
		x->dl.kill = NEVER;
	}
	return now < x->dl.drain;
}

/* The child itself exited: read what its pipes still hold, within the grace. */
static void child_exited(struct exec *x)
{
	/* What it did not read, nobody will. */
	pipefeed_close(&x->feed);
	x->pfd[FEED].fd = -1;
	x->exited = true;
	if (x->nopen > 0)
		x->dl.drain = now_ns() + x->conf->kill_after_ns;
}

/* Without a pidfd: has the child exited? (It stays a zombie for reaping.) */
static bool exited_yet(struct exec *x)
{
	siginfo_t si;

	si.si_pid = 0;
	return waitid(P_PID, (id_t)x->a->pid, &si,
		      WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid;
}

/* Sleep in poll(2) until an fd is ready or the next deadline; false: EINTR. */
static bool wait_ready(struct exec *x, int64_t now)
{
	int64_t deadline = min64(min64(x->dl.term, x->dl.kill), x->dl.drain);

	if (x->pfd[PIDFD].fd < 0 && !x->exited)
		deadline = min64(deadline, now + EXIT_POLL_NS);
	if (poll(x->pfd, NPFD, poll_ms(deadline, now)) < 0) {
		if (errno == EINTR)
			return false;
		die_errno(EXIT_FATAL, "cannot wait for a job's output");
	}
	return true;
}

/* Read what the ready pipes hold into the sink; close them at their end. */
static void read_pipes(struct exec *x)
{
	for (int k = 0; k < 2; k++) {
		struct pollfd *p = &x->pfd[k];
		ssize_t n;

		if (p->fd < 0 || !p->revents)
			continue;
		n = read(p->fd, x->buf, x->bufsize);
		if (n > 0) {
			*(k ? &x->a->bytes_err : &x->a->bytes_out) += (uint64_t)n;
			x->sink(x->sink_arg, k, x->buf, (size_t)n);
		} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(p->fd);
			p->fd = -1;
			x->nopen--;
		}
	}
}

enum exec_wait exec_wait(struct exec *x)
{
	while (x->nopen > 0 || !x->exited) {
		int64_t now = now_ns();

		if (!act_on_deadlines(x, now))
			break;
		if (x->pfd[PIDFD].fd < 0 && !x->exited && exited_yet(x)) {
			/*
			 * Look again before sleeping: with nothing left open
			 * there is no fd to wake the poll, ever.
			 */
			child_exited(x);
			continue;
		}
		if (!wait_ready(x, now))
			continue;
		read_pipes(x);
		if (x->pfd[FEED].fd >= 0 && x->pfd[FEED].revents) {
			pipefeed_write(&x->feed);
			pipefeed_poll(&x->feed, &x->pfd[FEED]);
		}
		if (x->pfd[PIDFD].fd >= 0 && x->pfd[PIDFD].revents) {
			close(x->pfd[PIDFD].fd);
			x->pfd[PIDFD].fd = -1;
			child_exited(x);
		}
		if (x->pfd[CANCEL].fd >= 0 && x->pfd[CANCEL].revents) {
			/* It stays readable: look at it no more. */
			x->pfd[CANCEL].fd = -1;
			x->a->cancelled = true;
			return EXEC_CANCEL;
		}
	}
	return EXEC_DONE;
}

void exec_reap(struct exec *x)
{
	struct attempt *a = x->a;
	struct rusage ru;
	pid_t r;
	int st = 0;

	for (int k = 0; k <= PIDFD; k++)
		if (x->pfd[k].fd >= 0) {
			close(x->pfd[k].fd);
			x->pfd[k].fd = -1;
		}
	pipefeed_close(&x->feed);
	x->pfd[FEED].fd = -1;
	a->bytes_in = x->feed.done;
	x->feed.done = 0;
	/*
	 * The leader is a zombie or about to be: its pid still names the
	 * group, so this cannot hit an unrelated process.
	 */
	kill(-a->pid, SIGKILL);
	/* wait4, not waitpid: what the job cost comes with it (cost.h). */
	while ((r = wait4(a->pid, &st, 0, &ru)) < 0 && errno == EINTR)
		;
	if (r > 0)
		cost_from_rusage(&a->cost, &ru);
	guard_set(x->slot, 0);
	a->end_ns = now_ns();
	if (WIFEXITED(st)) {
		a->exit_code = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		a->exit_code = -1;
		a->signal = WTERMSIG(st);
	}
}
