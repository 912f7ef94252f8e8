/*
 * guard.c - shared registry of running job groups and the guardian process.
 *
 * The registry is an array of pid_t in a MAP_SHARED anonymous mapping,
 * written with relaxed atomic stores (one per job start and end, no system
 * call), so the guardian, a separate process, can read it after fanout is
 * gone. PR_SET_PDEATHSIG already kills each job's leader when fanout dies;
 * the guardian also kills the rest of each group.
 */
#define _GNU_SOURCE
#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

static _Atomic(pid_t) *reg;
static int nslots;
static pid_t guardian;

/* The guardian: wait for fanout to go, then kill what it left. */
static _Noreturn void guardian_main(int rfd)
{
	char c;
	sigset_t none;
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
		if (i != rfd)
			close(i);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	while (read(rfd, &c, 1) < 0 && errno == EINTR)
		;
	for (int i = 0; i < nslots; i++) {
		pid_t p = atomic_load_explicit(&reg[i], memory_order_relaxed);

		if (p > 0)
			kill(-p, SIGKILL);
	}
	_exit(0);
}

void guard_init(int maxslots)
{
	int p[2];

	nslots = maxslots;
	reg = mmap(NULL, (size_t)maxslots * sizeof *reg, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (reg == MAP_FAILED)
		die(EXIT_FATAL, "cannot map the job registry: %s", strerror(errno));
	for (int i = 0; i < maxslots; i++)
		atomic_init(&reg[i], 0);
	if (pipe(p) < 0)
		die(EXIT_FATAL, "cannot make a pipe: %s", strerror(errno));
	guardian = fork();
	if (guardian < 0)
		die(EXIT_FATAL, "cannot fork: %s", strerror(errno));
	if (guardian == 0) {
		close(p[1]);
		guardian_main(p[0]);
	}
	close(p[0]);
	/* Only fanout holds the write end: jobs must not keep the guardian. */
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
}

void guard_set(int slot, pid_t pgid)
{
	atomic_store_explicit(&reg[slot], pgid, memory_order_seq_cst);
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

int guard_leaders(pid_t *out, int max)
{
	int n = 0;

	for (int i = 0; i < nslots && n < max; i++) {
		pid_t p = atomic_load_explicit(&reg[i], memory_order_relaxed);

		if (p > 0)
			out[n++] = p;
	}
	return n;
}

pid_t guard_pid(void)
{
	return guardian;
}
