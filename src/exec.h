/*
 * exec.h - one child process, from its start to its reaping.
 *
 * Passive, in the shape of ninja's Subprocess: exec_start() makes the pipes,
 * spawns the child and registers its group with the guard; exec_wait()
 * follows it in one poll(2) over its stdout and stderr pipes, its pidfd and
 * the run's cancel fd, with its next deadline as the poll's timeout (nothing
 * spins), and hands every byte it writes to a sink; exec_reap() kills what
 * is left of its group, waits for it and decodes its status. What happened
 * goes into the attempt record (attempt.h).
 *
 * It knows nothing of the output order or the run's state: when the cancel
 * fd fires, exec_wait() returns and the caller says, with exec_cancel(), how
 * much grace is left.
 */
#ifndef FANOUT_EXEC_H
#define FANOUT_EXEC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"
#include "pipefeed.h"
#include "spawn.h"

/* The run's settings for every child, shared by the workers. */
struct exec_conf {
	int64_t timeout_ns;             /* SIGTERM the tree after this; 0: never */
	int64_t kill_after_ns;          /* the grace after SIGTERM, and after exit */
	bool capture;                   /* pipes for its output (not -u) */
	int cancel_fd;                  /* readable once the run is cancelled */
};

/* Takes N bytes the child wrote to its stdout (WHICH 0) or stderr (1). */
typedef void exec_sink(void *arg, int which, const char *buf, size_t n);

/* When to act on a running child; monotonic ns, INT64_MAX for never. */
struct deadlines {
	int64_t term;                   /* --timeout: SIGTERM the tree */
	int64_t kill;                   /* the grace is over: SIGKILL the tree */
	int64_t drain;                  /* it exited, something holds its pipes */
};

/* One worker's child; set up once by exec_init(), reused for each job. */
struct exec {
	const struct exec_conf *conf;
	int slot;                       /* the guard's registry slot */
	int in_fd;                      /* the child's stdin; 0: /dev/null */
	const char *dir;                /* where it runs (--workdir), or NULL */
	char *buf;                      /* read buffer, bufsize bytes */
	size_t bufsize;
	exec_sink *sink;
	void *sink_arg;
	struct attempt *a;              /* what happens goes here */
	struct pollfd pfd[5];           /* stdout, stderr, pidfd, cancel fd,
					   --pipe: the child's stdin */
	const struct block *block;      /* --pipe: the next child's stdin */
	struct pipefeed feed;
	int nopen;                      /* pipes still open */
	bool exited;                    /* the child itself has exited */
	struct deadlines dl;
};

/* Why exec_start() did not start the child (errno tells more). */
enum exec_start {
	EXEC_STARTED,
	EXEC_NO_PIPE,                   /* could not make its pipes */
	EXEC_NO_RUN,                    /* the program could not run */
};

/* What ended exec_wait(). */
enum exec_wait {
	EXEC_DONE,                      /* exited, pipes read: exec_reap() */
	EXEC_CANCEL,                    /* the run was cancelled: exec_cancel() */
};

/* Set X up for registry slot SLOT, reading through BUF of BUFSIZE bytes. */
void exec_init(struct exec *x, const struct exec_conf *conf, int slot,
	       char *buf, size_t bufsize);

/* --pipe: the next child started reads block B on its stdin (NULL: none). */
void exec_feed(struct exec *x, const struct block *b);

/*
 * Start PATH with ARGV and ENVP, its output going to SINK(ARG, ...), and
 * record it in A (start times, pid; or not_started and the exit code, with
 * errno set, when it returns other than EXEC_STARTED).
 */
enum exec_start exec_start(struct exec *x, const char *path, char **argv,
			   char **envp, exec_sink *sink, void *arg,
			   struct attempt *a);

/* Send SIG to the child's process group. */
void exec_kill(struct exec *x, int sig);

/*
 * Follow the child until it has exited and its pipes are read (or given
 * up), enforcing its deadlines; or until the run is cancelled.
 */
enum exec_wait exec_wait(struct exec *x);

/*
 * The run was cancelled (its signal is already sent): SIGKILL the tree
 * after the --kill-after grace, or at once when NOW.
 */
void exec_cancel(struct exec *x, bool now);

/* Kill what is left of the child's group, reap it, decode its status into A. */
void exec_reap(struct exec *x);

#endif
