/*
 * spawn.c - process creation with vfork, PATH lookup, and killing trees.
 *
 * Why vfork and not posix_spawn: posix_spawn cannot set PR_SET_PDEATHSIG,
 * which fanout needs so that no job outlives a SIGKILLed fanout. vfork costs
 * what glibc's posix_spawn costs (it is the same clone(CLONE_VM|CLONE_VFORK)
 * underneath) and, unlike fork, stays cheap however much output fanout holds
 * in memory. The child shares our memory until it execs, so it only makes
 * async-signal-safe system calls, and every signal is blocked in every
 * fanout thread, so no handler can run in it either. It reports a failed
 * exec by storing errno in a variable the parent sees (the memory is
 * shared), as glibc's posix_spawn does.
 */
#define _GNU_SOURCE
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "ptree.h"
#include "rlimits.h"
#include "util.h"

/* Descriptors kept free of jobs: spill file, logs, /proc scans. */
#define FDS_SPARE 12

/* Ignored by fanout itself, not by its caller: default again in the child. */
static int reset_sigs[NSIG];
static int nreset;
static struct rlimit orig_nofile;       /* given back to the jobs */
static int nofile_raised;
static int devnull = -1;
static pid_t fanout_pid;
static int job_nice, job_nice_set;      /* --nice */

void spawn_setup(const sigset_t *keep_ignored)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sig == SIGKILL || sig == SIGSTOP ||
		    sigismember(keep_ignored, sig))
			continue;
		/* Ignored by fanout for itself (below, or to see EPIPE). */
		if (sig == SIGPIPE || sig == SIGXFSZ ||
		    (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN))
			reset_sigs[nreset++] = sig;
	}
	/*
	 * Past `ulimit -f`, a write raises SIGXFSZ, whose default kills
	 * fanout with no word; ignored, the write fails with EFBIG and is
	 * reported as a full disk is. The jobs get the default back (unless
	 * fanout's caller ignored it too).
	 */
	signal(SIGXFSZ, SIG_IGN);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0)
		die_errno(EXIT_FATAL, "cannot open '/dev/null'");
	fanout_pid = getpid();
#ifdef PR_SET_CHILD_SUBREAPER
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
}

void spawn_set_nice(int n)
{
	int cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, 0);
	if (errno == 0 && n < cur && geteuid() != 0)
		warning("--nice %d: only root may lower the niceness; the jobs run "
			"at %d, as fanout does", n, cur);
	job_nice = n;
	job_nice_set = 1;
}

/* Descriptors fanout has open now (an estimate where /proc is missing). */
static int fds_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = -1;         /* the directory's own */

	if (!d)
		return 16;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;       /* "." and ".." */
}

int spawn_reserve_fds(int njobs, bool capture)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)njobs * 6 + 64;
	long long room, fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return njobs;
	orig_nofile = rl;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need
		      ? need : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
		nofile_raised = 1;
	else if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return njobs;
	if (rl.rlim_cur >= need)
		return njobs;
	/*
	 * What a job holds while it starts: its two pipes (both ends) and
	 * its pidfd, or only the pidfd under -u. FDS_SPARE are kept for the
	 * spill file, the logs and the /proc scans.
	 */
	room = (long long)rl.rlim_cur - fds_open() - FDS_SPARE;
	fit = room / (capture ? 5 : 1);
	if (fit >= njobs)
		return njobs;
	if (fit < 1)
		fit = 1;
	warning("only enough open files for %lld job%s at once (the limit "
		"is %llu), not -j %d", fit, fit == 1 ? "" : "s",
		(unsigned long long)rl.rlim_cur, njobs);
	return (int)fit;
}

int spawn_spare_fds(int njobs, bool capture)
{
	struct rlimit rl;
	long long spare;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > INT_MAX)
		rl.rlim_cur = INT_MAX;
	/* Each job's feed is a pipe too: its two ends while it starts. */
	spare = (long long)rl.rlim_cur - fds_open() - FDS_SPARE -
		(long long)njobs * ((capture ? 5 : 1) + 2);
	return spare > 0 ? (int)spare : 0;
}

/*
 * ThreadSanitizer turns vfork into fork, so the child's memory is a copy and
 * a failed exec's errno must come back through a close-on-exec pipe (xe's
 * and git's way); everywhere else the shared variable does it for free.
 */
#if defined(__SANITIZE_THREAD__)
#define ERRNO_PIPE 1
#else
#define ERRNO_PIPE 0
#endif

/* --rlimit: set in each child, after fanout's own are given back. */
static struct rlimits job_limits;

void spawn_set_rlimits(const struct rlimits *r)
{
	job_limits = *r;
}

/*
 * The child between vfork and exec. Only system calls: no malloc, no stdio,
 * no locks, and nothing written to memory but *errp and the registry's
 * slot (shared memory, one atomic store).
 */
static void child(const struct spawn_req *r, volatile int *errp, int errfd)
{
	sigset_t none;
	int where = 0;                  /* SPAWN_EDIR: chdir failed */

#ifdef PR_SET_PDEATHSIG
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != fanout_pid)
		_exit(127);
#endif
	/* Its own group, so a terminal's Ctrl-C reaches only fanout. */
	setpgid(0, 0);
	/*
	 * Registered before it can start a process of its own: from here a
	 * SIGKILLed fanout's guardian kills the whole group (before, the
	 * death signal kills the child, which has no children yet).
	 */
	if (r->guard)
		atomic_store(r->guard, getpid());
	if (dup2(r->in_fd > 0 ? r->in_fd : devnull, 0) < 0 ||
	    (r->out_fd >= 0 && dup2(r->out_fd, 1) < 0) ||
	    (r->err_fd >= 0 && dup2(r->err_fd, 2) < 0))
		goto fail;
	/* Signals the caller ignored stay ignored, as exec(2) leaves them. */
	for (int i = 0; i < nreset; i++)
		signal(reset_sigs[i], SIG_DFL);
	if (nofile_raised)
		setrlimit(RLIMIT_NOFILE, &orig_nofile);
	/* This task only (Linux: a thread's own), not fanout; may fail. */
	if (job_nice_set)
		(void)setpriority(PRIO_PROCESS, 0, job_nice);
	for (int i = 0; i < job_limits.n; i++)
		if (setrlimit(job_limits.v[i].resource, &job_limits.v[i].rl) < 0)
			goto fail;
	if (r->dir && chdir(r->dir) < 0) {
		where = SPAWN_EDIR;
		goto fail;
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(r->path, r->argv, r->envp);
fail:
	*errp = errno | where;
	if (errfd >= 0) {
		int e = *errp;

		(void)write(errfd, &e, sizeof e);
	}
	_exit(spawn_exit_code(*errp));
}

/* One vfork and exec of R; -1 with errno when the program did not run. */
static pid_t start_once(const struct spawn_req *r)
{
	volatile int err = 0;
	int ep[2] = { -1, -1 };
	pid_t pid;

	if (ERRNO_PIPE && pipe_cloexec(ep) < 0)
		return -1;
	pid = vfork();
	if (pid == 0)
		child(r, &err, ep[1]);
	if (ERRNO_PIPE) {
		int e;

		close(ep[1]);
		if (pid > 0 && read(ep[0], &e, sizeof e) == (ssize_t)sizeof e)
			err = e;
		close(ep[0]);
	}
	if (pid < 0)
		return -1;
	if (err) {
		int st;

		waitpid(pid, &st, 0);
		errno = err;
		return -1;
	}
	return pid;
}

pid_t spawn_start(const struct spawn_req *r)
{
	struct spawn_req sh = *r;
	char **argv;
	size_t n = 0;
	pid_t pid = start_once(r);

	if (pid >= 0 || errno != ENOEXEC)
		return pid;
	/*
	 * A file the kernel does not know how to run, usually a script
	 * without "#!": run it with /bin/sh, as execvp(3), xargs and find
	 * -exec do (POSIX's execvp). Rare, so the argv is made here, outside
	 * the child, where malloc is allowed.
	 */
	while (r->argv[n])
		n++;
	argv = xmalloc((n + 2) * sizeof *argv);
	argv[0] = (char *)"/bin/sh";
	argv[1] = (char *)r->path;
	for (size_t i = 1; i <= n; i++)
		argv[i + 1] = r->argv[i];
	sh.path = "/bin/sh";
	sh.argv = argv;
	pid = start_once(&sh);
	free(argv);
	return pid;
}

char *spawn_interpreter(const char *path)
{
	char line[256];
	ssize_t n;
	size_t i = 2, len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	n = read(fd, line, sizeof line - 1);
	close(fd);
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return NULL;
	line[n] = '\0';
	while (line[i] == ' ' || line[i] == '\t')
		i++;
	len = strcspn(line + i, " \t\r\n");
	if (len == 0)
		return NULL;
	line[i + len] = '\0';
	return xstrdup(line + i);
}

int spawn_exit_code(int err)
{
	/*
	 * The shell's convention, which OpenBSD xargs and xe follow with
	 * `errno == ENOENT ? 127 : 126`: 127 says "no such program", and 126
	 * every other reason a program that is there cannot run. One mapping
	 * for every path that finds out (lookup, exec in the child).
	 */
	return err == ENOENT ? 127 : 126;
}

/* 1: PATH is an executable file; -1: it is there but cannot run; 0: *err says. */
static int is_executable(const char *path, int *err)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		*err = errno;
		return 0;
	}
	if (S_ISDIR(st.st_mode) || access(path, X_OK) != 0)
		return -1;
	return 1;
}

char *spawn_resolve_in(const char *dir, const char *name)
{
	char *there;
	int r, err = ENOENT;

	if (!dir || name[0] == '/' || !strchr(name, '/'))
		return spawn_resolve(name);
	there = xmalloc(strlen(dir) + strlen(name) + 2);
	sprintf(there, "%s/%s", dir, name);
	r = is_executable(there, &err);
	free(there);
	if (r > 0)
		return xstrdup(name);
	errno = r < 0 ? EACCES : err;
	return NULL;
}

char *spawn_resolve(const char *name)
{
	const char *path = getenv("PATH");
	int eacces = 0, err = ENOENT;
	size_t nlen = strlen(name);

	if (!*name) {
		errno = ENOENT;
		return NULL;
	}
	if (strchr(name, '/')) {
		int r = is_executable(name, &err);

		if (r > 0)
			return xstrdup(name);
		errno = r < 0 ? EACCES : err;
		return NULL;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char *e = strchr(p, ':');
		size_t dlen = e ? (size_t)(e - p) : strlen(p);
		char *cand = xmalloc(dlen + nlen + 3);
		int r;

		/* An empty PATH entry means the current directory. */
		if (dlen == 0)
			memcpy(cand, ".", dlen = 1);
		else
			memcpy(cand, p, dlen);
		cand[dlen] = '/';
		memcpy(cand + dlen + 1, name, nlen + 1);
		if ((r = is_executable(cand, &err)) > 0)
			return cand;
		if (r < 0)
			eacces = 1;
		free(cand);
		if (!e)
			break;
		p = e;
	}
	errno = eacces ? EACCES : ENOENT;
	return NULL;
}

int spawn_pidfd(pid_t pid)
{
#if defined(__linux__) && defined(SYS_pidfd_open)
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

void spawn_kill_tree(pid_t pid, int sig)
{
	struct ptree t;
	pid_t *v = xmalloc(sizeof *v);
	size_t n = 1;

	/*
	 * Find the descendants first, while they are still linked to their
	 * parents: once the group is signalled, a dying parent's children move
	 * to fanout (the subreaper) and the chain is lost.
	 */
	v[0] = pid;
	ptree_scan(&t);
	n = ptree_descendants(&t, &v, n);
	/*
	 * The group, then each process that left it (the leader too, if it
	 * did): each gets SIG once, as a job that traps SIGTERM is promised.
	 */
	kill(-pid, sig);
	ptree_kill(&t, v, n, sig, pid);
	ptree_release(&t);
	free(v);
}

int spawn_kill_orphans(const pid_t *leaders, int nleaders, int sig)
{
	struct ptree t;
	pid_t *v;
	size_t n = 0, norphans;

	/* One snapshot for them all: a scan per orphan would cost O(n^2). */
	ptree_scan(&t);
	v = xmalloc((t.n + 1) * sizeof *v);
	for (size_t i = 0; i < t.n; i++) {
		bool leader = false;

		if (t.p[i].ppid != fanout_pid)
			continue;
		for (int k = 0; k < nleaders; k++)
			if (leaders[k] == t.p[i].pid)
				leader = true;
		if (leader)
			continue;
		v[n++] = t.p[i].pid;
	}
	norphans = n;
	if (n > 0) {
		n = ptree_descendants(&t, &v, n);
		ptree_kill(&t, v, n, sig, 0);
	}
	ptree_release(&t);
	free(v);
	return (int)norphans;
}
