/*
 * guard.c - shared registry of running job groups and the guardian process.
 *
 * The registry is an array of pid_t in a MAP_SHARED anonymous mapping, so
 * that the guardian, a separate process, can read it after fanout is gone.
 * Fanout writes it with sequentially consistent atomic stores (one per job
 * start and end, no system call): a worker registers its job and then
 * checks whether the run is cancelled, while the signal thread marks the run
 * cancelled and then reads the registry; seq_cst on both sides means at
 * least one of them sees the other, so no job misses a cancel.
 *
 * Two pipes tie the processes together. Fanout holds the write end of one:
 * it closes when fanout dies, however it dies, and the guardian then kills
 * what is left. The guardian holds the write end of the other, which a
 * thread of fanout reads: it closes only if the guardian dies first.
 * Nothing in fanout reaps the guardian (fanout waits for its jobs' pids
 * only), so its pid stays a zombie's and is never reused during the run.
 */
#define _GNU_SOURCE
#include "guard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "ptree.h"
#include "util.h"

static _Atomic(pid_t) *reg;
static int nslots;
static pid_t guardian;
static int guardian_alive_fd = -1;      /* EOF when the guardian is gone */
/* guard_own_dir()'s, shared: fanout forgets it after the fork. */
static _Atomic(char) *own_dir;
#define OWN_DIR_MAX 4096

/* In the guardian: what it saw of fanout's tree, fanout included. */
struct seen {
	pid_t pid;
	unsigned long long start;
};

static struct seen *seen;
static size_t nseen;

/*
 * Our name in ps and pgrep, both the short one and the command line, which
 * is fanout's argv until we write over it. The job's command must not show
 * here either: tests and users look for jobs with pgrep -f.
 */
static void guardian_set_name(void)
{
	unsigned long long f[50];

#ifdef PR_SET_NAME
	(void)prctl(PR_SET_NAME, GUARD_NAME);
#endif
	/* Fields 48 and 49: where the kernel reads our arguments from. */
	if (ptree_stat(getpid(), f, 49) && f[48] && f[49] > f[48]) {
		char *args = (char *)(uintptr_t)f[48];
		size_t len = (size_t)(f[49] - f[48]);
		size_t n = strlen(GUARD_NAME) < len ? strlen(GUARD_NAME) : len - 1;

		memset(args, 0, len);
		memcpy(args, GUARD_NAME, n);
	}
}

/*
 * The processes of SEEN that are still alive in T (same pid, same start),
 * then the pids in EXTRA[0..NEXTRA-1], as a malloc'd array; count in *N.
 */
static pid_t *seen_alive(const struct ptree *t, const pid_t *extra,
			 size_t nextra, size_t *n)
{
	pid_t *v = xmalloc((nseen + nextra + 1) * sizeof *v);

	*n = 0;
	for (size_t i = 0; i < nseen; i++) {
		const struct ptree_proc *p = ptree_find(t, seen[i].pid);

		if (p && p->start == seen[i].start)
			v[(*n)++] = p->pid;
	}
	for (size_t i = 0; i < nextra; i++)
		v[(*n)++] = extra[i];
	return v;
}

/*
 * Take a snapshot of fanout's descendants. Those seen before are roots too:
 * a snapshot is not atomic, and one whose parent died while it was read
 * would be missed until the next one.
 */
static void guardian_record(pid_t fanout)
{
	struct ptree t;
	pid_t *v;
	size_t n, k = 0;
	pid_t self = getpid();

	ptree_scan(&t);
	v = seen_alive(&t, &fanout, 1, &n);
	n = ptree_descendants(&t, &v, n);
	seen = xrealloc(seen, (n + 1) * sizeof *seen);
	for (size_t i = 0; i < n; i++) {
		const struct ptree_proc *p = ptree_find(&t, v[i]);

		if (p && p->pid != self)
			seen[k++] = (struct seen){ p->pid, p->start };
	}
	nseen = k;
	free(v);
	ptree_release(&t);
}

/* Anything to watch: a registered job, or more than fanout in the tree. */
static int guardian_busy(void)
{
	for (int i = 0; i < nslots; i++)
		if (atomic_load_explicit(&reg[i], memory_order_relaxed) > 0)
			return 1;
	return nseen > 1;
}

/* Fanout is gone: kill every registered group and all that was seen. */
static void guardian_sweep(pid_t fanout)
{
	struct ptree t;
	pid_t *groups = xmalloc(((size_t)nslots + 1) * sizeof *groups);
	size_t ngroups = 0, n, k = 0;
	pid_t *v;
	pid_t self = getpid();

	for (int i = 0; i < nslots; i++) {
		pid_t p = atomic_load_explicit(&reg[i], memory_order_relaxed);

		if (p > 0)
			groups[ngroups++] = p;
	}
	ptree_scan(&t);
	v = seen_alive(&t, groups, ngroups, &n);
	n = ptree_descendants(&t, &v, n);
	for (size_t i = 0; i < n; i++)
		if (v[i] != fanout && v[i] != self)
			v[k++] = v[i];
	for (size_t i = 0; i < ngroups; i++)
		kill(-groups[i], SIGKILL);
	ptree_kill(&t, v, k, SIGKILL, 0);
	ptree_release(&t);
	free(v);
	free(groups);
}

/* Fanout is gone: remove what guard_own_dir() named, if still named. */
static void guardian_remove_dir(void)
{
	char path[OWN_DIR_MAX + 256];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	if (!own_dir)
		return;
	while (n < OWN_DIR_MAX - 1 && (path[n] = atomic_load(&own_dir[n])))
		n++;
	path[n] = '\0';
	if (n == 0 || (d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path + n, sizeof path - n, "/%s", e->d_name);
		unlink(path);
	}
	closedir(d);
	path[n] = '\0';
	rmdir(path);
}

/* The guardian: watch fanout's tree until fanout goes, then kill the rest. */
static _Noreturn void guardian_main(int rfd, int wfd, pid_t fanout)
{
	sigset_t none;
	int period = GUARD_PERIOD_MS;
	int fd = open("/dev/null", O_RDWR);

	/*
	 * Keep no pipe of the caller open (a `$(fanout ...)` would wait for
	 * us) and ignore the terminal's signals, which fanout handles.
	 */
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	for (int i = 3; i < 1024; i++)
		if (i != rfd && i != wfd)
			close(i);
	setpgid(0, 0);
	guardian_set_name();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;) {
		struct pollfd pfd = { .fd = rfd, .events = POLLIN };
		int64_t t0;
		int r = poll(&pfd, 1, period);

		if (r > 0 || (r < 0 && errno != EINTR))
			break;          /* fanout closed its end: it is gone */
		if (r < 0 || !guardian_busy())
			continue;
		t0 = now_ns();
		guardian_record(fanout);
		/* 100 times what a snapshot costs: at most 1% of a CPU. */
		period = (int)((now_ns() - t0) / (NS_PER_MS / 100));
		period = period < GUARD_PERIOD_MS ? GUARD_PERIOD_MS
			 : period > 5000 ? 5000 : period;
	}
	guardian_sweep(fanout);
	guardian_remove_dir();
	_exit(0);
}

/* A thread of fanout: warn once if the guardian dies before fanout. */
static void *watch_guardian(void *arg)
{
	char c;
	ssize_t n;

	(void)arg;
	while ((n = read(guardian_alive_fd, &c, 1)) < 0 && errno == EINTR)
		;
	if (n == 0)
		warning("the guardian process died: jobs may outlive a SIGKILL of fanout");
	return NULL;
}

void guard_init(int maxslots)
{
	int down[2], up[2];
	pid_t fanout = getpid();

	nslots = maxslots;
	reg = mmap(NULL, (size_t)maxslots * sizeof *reg, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (reg == MAP_FAILED)
		die_errno(EXIT_FATAL, "cannot map the job registry");
	for (int i = 0; i < maxslots; i++)
		atomic_init(&reg[i], 0);
	/* Close-on-exec: no job may hold either end and keep a side alive. */
	if (pipe_cloexec(down) < 0 || pipe_cloexec(up) < 0)
		die_errno(EXIT_FATAL, "cannot make a pipe");
	guardian = fork();
	if (guardian < 0)
		die_errno(EXIT_FATAL, "cannot fork");
	if (guardian == 0) {
		close(down[1]);
		close(up[0]);
		guardian_main(down[0], up[1], fanout);
	}
	close(down[0]);
	close(up[1]);
	guardian_alive_fd = up[0];

	if (thread_start(NULL, 128 * 1024, watch_guardian, NULL) < 0)
		die_errno(EXIT_FATAL, "cannot start the guardian's watcher thread");
}

void guard_set(int slot, pid_t pgid)
{
	atomic_store_explicit(&reg[slot], pgid, memory_order_seq_cst);
}

_Atomic(pid_t) *guard_cell(int slot)
{
	return reg ? &reg[slot] : NULL;
}

int guard_signal_all(int sig)
{
	int n = 0;

	for (int i = 0; i < nslots; i++) {
		pid_t p = atomic_load_explicit(&reg[i], memory_order_seq_cst);

		if (p > 0 && kill(-p, sig) == 0)
			n++;
	}
	return n;
}

void guard_own_dir(const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;

	if (!own_dir) {
		if (!dir)
			return;
		own_dir = mmap(NULL, OWN_DIR_MAX, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (own_dir == MAP_FAILED) {
			own_dir = NULL;
			return;         /* only a tidy-up is lost */
		}
	}
	if (n >= OWN_DIR_MAX)
		n = 0;
	for (size_t i = 0; i < n; i++)
		atomic_store(&own_dir[i], dir[i]);
	atomic_store(&own_dir[n], '\0');
}

pid_t guard_pid(void)
{
	return guardian;
}
