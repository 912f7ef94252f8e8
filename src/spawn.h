/*
 * spawn.h - starting a job's process, finding its program, killing it.
 *
 * The Linux-only calls of fanout (vfork with PR_SET_PDEATHSIG, pidfd, the
 * child subreaper, /proc) live here, in ptree.c and in guard.c, each with a
 * fallback.
 */
#ifndef FANOUT_SPAWN_H
#define FANOUT_SPAWN_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

struct spawn_req {
	const char *path;       /* the program, already looked up in PATH */
	char *const *argv;
	char *const *envp;
	int out_fd;             /* the child's stdout, -1: fanout's own */
	int err_fd;             /* the child's stderr, -1: fanout's own */
	/*
	 * The child's stdin when above 0, else /dev/null: fanout's fd 0 is
	 * never a job's, so initializers that leave it out mean /dev/null.
	 */
	int in_fd;
	const char *dir;        /* where the child runs; NULL: fanout's dir */
	/*
	 * Where the child writes its pid (its new group) before it runs
	 * anything (guard_cell()); NULL: nowhere.
	 */
	_Atomic(pid_t) *guard;
};

/*
 * Or'ed into errno by spawn_start() when the child could not change to
 * its dir (the rest is chdir's errno): not the program's failure.
 */
#define SPAWN_EDIR 0x100000

/*
 * Once, before any thread: note the signals KEEP_IGNORED that the jobs
 * inherit ignored (those fanout's caller ignored); any other signal fanout
 * ignores goes back to its default in the child. Open /dev/null, become the
 * child subreaper so that descendants that escape a job are ours to kill.
 */
void spawn_setup(const sigset_t *keep_ignored);

/*
 * --nice N: the jobs run at niceness N (fanout stays at its own). Fanout
 * warns if they cannot: only root may lower a niceness.
 */
void spawn_set_nice(int n);

/*
 * Make room for NJOBS jobs' pipes (CAPTURE) or pidfds: raise the soft limit
 * on open files when it is too low (the jobs themselves get the limit
 * fanout was started with). Returns how many jobs fit in the limit at once,
 * NJOBS or fewer (said on stderr).
 */
int spawn_reserve_fds(int njobs, bool capture);

/*
 * Descriptors left over once NJOBS jobs have what they need to start (as
 * spawn_reserve_fds counts it, and a --pipe feed each): what the --pipe
 * reader may keep in blocks' pipes (blockpipe.h). 0 when none are.
 */
int spawn_spare_fds(int njobs, bool capture);

/*
 * Start a job: its own process group, stdin from /dev/null (or in_fd), in
 * dir if given, the default signal mask, default dispositions but for the signals its caller ignored,
 * SIGKILL if fanout dies (Linux). A file the kernel cannot run (ENOEXEC: a
 * script without "#!") is run by /bin/sh, as execvp(3) does. Returns the
 * pid, or -1 with errno set (from execve when the program could not run).
 */
pid_t spawn_start(const struct spawn_req *r);

/*
 * Look NAME up in PATH as execvp(3) would. Returns a malloc'd path, or NULL
 * with errno ENOENT (not found) or EACCES (found, not executable); a NAME
 * with a slash may also fail as stat(2) does (ENOTDIR, ELOOP, ...).
 */
char *spawn_resolve(const char *name);

/*
 * As spawn_resolve(), for a child that runs in DIR (NULL: here): a relative
 * NAME with a slash is looked for in DIR, as the child will find it after
 * its chdir, and given back as it is.
 */
char *spawn_resolve_in(const char *dir, const char *name);

/*
 * The interpreter a "#!" line at the start of the file PATH names (the
 * first word after "#!"), malloc'd; NULL if there is none. For messages:
 * the kernel says ENOENT both for a missing program and for a missing
 * interpreter of a script that is there.
 */
char *spawn_interpreter(const char *path);

/*
 * The exit status of a job whose program could not run because of errno
 * ERR: 127 when it was not found, 126 for anything else that stops it from
 * running (not executable, not a directory, too big, no memory, no
 * SPAWN_EDIR directory ...).
 */
int spawn_exit_code(int err);

struct rlimits;

/* Before the first job: the limits each job gets (--rlimit), copied. */
void spawn_set_rlimits(const struct rlimits *r);

/* A pollable descriptor that becomes readable when PID exits, or -1. */
int spawn_pidfd(pid_t pid);

/*
 * Kill every child of fanout that is not a job leader in LEADERS[0..N-1]:
 * descendants of jobs that outlived them and were reparented to fanout (the
 * subreaper), with their own descendants, all found in one pass over /proc.
 * They are left as zombies for fanout's exit to clear; returns how many
 * children it found.
 */
int spawn_kill_orphans(const pid_t *leaders, int n, int sig);

/*
 * Send SIG to PID and every descendant of it found in /proc (those that left
 * its process group with setsid too), and to its process group.
 */
void spawn_kill_tree(pid_t pid, int sig);

#endif
