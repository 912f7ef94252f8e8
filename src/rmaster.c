/*
 * rmaster.c - one ssh ControlMaster (see rmaster.h).
 *
 * Readiness is the socket appearing: ssh makes it once logged in. A master
 * that exits before, or takes longer than READY_NS (ConnectTimeout=10 and
 * slack), is not ready; its log says why.
 */
#define _GNU_SOURCE
#include "rmaster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

extern char **environ;

#define READY_NS (15 * NS_PER_SEC)

static sigset_t held;           /* rmaster_hold_signals()'s */
static bool holding;

void rmaster_init(struct rmaster *m, pthread_mutex_t *mu, const char *dir,
		  int i, int k)
{
	m->mu = mu;
	snprintf(m->path, sizeof m->path, "%s/%d.%d", dir, i, k);
	snprintf(m->cpopt, sizeof m->cpopt, "ControlPath=%s", m->path);
	snprintf(m->log, sizeof m->log, "%s/%d.%d.log", dir, i, k);
}

void rmaster_start(struct rmaster *m, const char *prog, char *const *argv)
{
	int fd = open(m->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct spawn_req req = { .path = prog, .argv = argv, .envp = environ,
				 .out_fd = fd, .err_fd = fd };
	pid_t pid;

	unlink(m->path);
	pid = spawn_start(&req);
	if (fd >= 0)
		close(fd);
	pthread_mutex_lock(m->mu);
	m->pid = pid > 0 ? pid : 0;
	m->gen++;
	pthread_mutex_unlock(m->mu);
}

bool rmaster_dead(struct rmaster *m)
{
	bool dead;
	int st;

	pthread_mutex_lock(m->mu);
	if (m->pid > 0 && waitpid(m->pid, &st, WNOHANG) == m->pid)
		m->pid = 0;
	dead = m->pid == 0;
	pthread_mutex_unlock(m->mu);
	return dead;
}

unsigned rmaster_gen(struct rmaster *m)
{
	unsigned g;

	pthread_mutex_lock(m->mu);
	g = m->gen;
	pthread_mutex_unlock(m->mu);
	return g;
}

void rmaster_stop(struct rmaster *m, int sig)
{
	pthread_mutex_lock(m->mu);
	if (m->pid > 0) {
		kill(m->pid, sig);
		while (waitpid(m->pid, NULL, 0) < 0 && errno == EINTR)
			;
		m->pid = 0;
	}
	pthread_mutex_unlock(m->mu);
	unlink(m->path);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool rmaster_ready(struct rmaster *m, int n)
{
	int64_t deadline = now_ns() + READY_NS;
	bool all = true;

	for (int i = 0; i < n; i++) {
		struct stat st;

		while (stat(m[i].path, &st) != 0) {
			if (rmaster_dead(&m[i]))
				break;
			if (now_ns() > deadline || rmaster_interrupted()) {
				rmaster_stop(&m[i], SIGKILL);
				break;
			}
			sleep_ms(10);
		}
		if (m[i].pid == 0)
			all = false;
	}
	return all;
}

const char *rmaster_last_words(const struct rmaster *m, char *buf,
			       size_t size)
{
	int fd = open(m->log, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	char *s, *e;

	if (fd < 0)
		return NULL;
	n = pread(fd, buf, size - 1, 0);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	e = buf + n;
	while (e > buf && (e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	s = e;
	while (s > buf && s[-1] != '\n')
		s--;
	return *s ? s : NULL;
}

void rmaster_hold_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(&held);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction sa;

		/* Ignored on entry, still: blocked, it would stay pending. */
		if (sigaction(sigs[i], NULL, &sa) == 0 &&
		    sa.sa_handler == SIG_IGN)
			continue;
		sigaddset(&held, sigs[i]);
	}
	pthread_sigmask(SIG_BLOCK, &held, NULL);
	holding = true;
}

int rmaster_interrupted(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t p;

	if (!holding || sigpending(&p) < 0)
		return 0;
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		if (sigismember(&held, sigs[i]) && sigismember(&p, sigs[i]))
			return sigs[i];
	return 0;
}

void rmaster_hold_done(void)
{
	holding = false;
}

_Noreturn void rmaster_die_of(int sig)
{
	sigset_t one;

	signal(sig, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	/* Not reached while SIG is pending with its default action. */
	_exit(128 + sig);
}
