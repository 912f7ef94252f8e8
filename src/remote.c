/*
 * remote.c - jobs on other hosts over OpenSSH (see remote.h).
 *
 * Who touches what: remote_start() and remote_stop() run on the main
 * thread, before and after the workers; a worker reads the tables and
 * builds its own argv; a host's masters are all restarted only by the
 * worker that holds its probe (hosts.h), and one master that died while
 * its host stays up by the first worker that finds it dead (under the
 * host's revive lock). mu guards the masters' pids (rmaster.h).
 *
 * Longer than most files (about 600 lines) on purpose: the set-up and the
 * workers' side both work on struct remote, which stays private here
 * rather than spread over files with a shared header; one master's life
 * is in rmaster.c.
 */
#define _GNU_SOURCE
#include "remote.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "guard.h"
#include "hosts.h"
#include "remotecmd.h"
#include "rmaster.h"
#include "runstate.h"
#include "spawn.h"
#include "sshlogin.h"
#include "strbuf.h"
#include "util.h"

extern char **environ;

#define SLOTS_PER_MASTER 8      /* sshd's MaxSessions is 10 by default */
#define SLOTS_MAX 4096
#define DEATH_NS (1 * NS_PER_SEC)       /* a master dying after its clients */

struct rhost {
	const struct sshlogin *l;
	char **cmd;                     /* ssh and its options (NULL-ended) */
	size_t ncmd;
	char *path;                     /* cmd[0] found in PATH */
	int slots;
	int nm;                         /* masters */
	struct rmaster *m;
	pthread_mutex_t revive;         /* one worker restarts a dead master */
};

struct remote {
	pthread_mutex_t mu;             /* the masters' pids */
	struct sshlogins logins;
	int nh;
	struct rhost *h;
	char **names;
	struct hosts *hosts;
	char dir[64];                   /* private: the sockets and logs */
	int life[2];                    /* the lifeline: nobody writes */
	int nslots;
	int *slot_host, *slot_master;
	struct remotecmd rc;            /* what every job's stub gets */
	int64_t give_up_ns;             /* every host down this long: stop */
	atomic_bool gave_up;
	char **sshwords;                /* --ssh CMD split */
};

struct remote_worker {
	struct remote *r;
	int slot, host, master;
	unsigned gen;                   /* the host's connection the job used */
	unsigned mgen;                  /* and its master's start */
	char **argv;                    /* ssh ... HOST CMD */
	size_t cmd_at;                  /* argv[cmd_at] is the remote command */
	struct strbuf cmd;
};

/* "[-o X]... [-p PORT] [-l USER] HOST" after X's ssh words: a new argv. */
static char **host_argv(const struct rhost *x, const char *const *extra,
			size_t *n)
{
	size_t k = 0, ne = 0;
	char **v;

	while (extra[ne])
		ne++;
	v = xmalloc((x->ncmd + ne + 8) * sizeof *v);
	for (size_t i = 0; i < x->ncmd; i++)
		v[k++] = x->cmd[i];
	for (size_t i = 0; i < ne; i++)
		v[k++] = (char *)extra[i];
	if (x->l->port) {
		v[k++] = (char *)"-p";
		v[k++] = x->l->port;
	}
	if (x->l->user) {
		v[k++] = (char *)"-l";
		v[k++] = x->l->user;
	}
	v[k++] = x->l->host;
	v[k] = NULL;
	*n = k;
	return v;
}

/* Start master M of host X: ssh -N with keepalives, our own child. */
static void master_start(struct rhost *x, struct rmaster *m)
{
	static const char *const opts[] = {
		"-o", "ControlMaster=yes", "-o", NULL, "-o", "ControlPersist=no",
		"-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
		"-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
		"-N", "-T", NULL,
	};
	const char *extra[sizeof opts / sizeof opts[0]];
	size_t n;
	char **argv;

	memcpy(extra, opts, sizeof opts);
	extra[3] = m->cpopt;
	argv = host_argv(x, extra, &n);
	rmaster_start(m, x->path, argv);
	free(argv);
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / NS_PER_SEC),
			       (long)(ns % NS_PER_SEC) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Host X's CPUs, asked once over its first master; 0 if it cannot say. */
static int host_cpus(struct rhost *x)
{
	const char *extra[] = { "-S", x->m[0].path, "-o", "ControlMaster=no",
				"-T", NULL };
	int p[2], fd, cpus = 0, st;
	char buf[64];
	size_t n, got = 0;
	ssize_t k;
	struct spawn_req req = { .path = x->path, .envp = environ };
	pid_t pid;
	char **v = host_argv(x, extra, &n);

	v = xrealloc(v, (n + 2) * sizeof *v);
	/* nproc honours the host's affinity and cpusets; getconf is POSIX. */
	v[n] = (char *)"nproc 2>/dev/null || getconf _NPROCESSORS_ONLN";
	v[n + 1] = NULL;
	req.argv = v;
	fd = open(x->m[0].log, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (pipe2(p, O_CLOEXEC) == 0) {
		req.out_fd = p[1];
		req.err_fd = fd;
		pid = spawn_start(&req);
		close(p[1]);
		while (got < sizeof buf - 1 &&
		       ((k = read(p[0], buf + got, sizeof buf - 1 - got)) > 0 ||
			(k < 0 && errno == EINTR)))
			got += k > 0 ? (size_t)k : 0;
		buf[got] = '\0';
		close(p[0]);
		if (pid > 0)
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
		cpus = atoi(buf);
	}
	if (fd >= 0)
		close(fd);
	free(v);
	return cpus > 0 && cpus <= SLOTS_MAX ? cpus : 0;
}

/* hosts_connect_fn: start host I's masters anew. */
static bool reconnect(void *arg, int i)
{
	struct remote *r = arg;
	struct rhost *x = &r->h[i];

	(void)r;
	for (int k = 0; k < x->nm; k++) {
		rmaster_stop(&x->m[k], SIGKILL);
		master_start(x, &x->m[k]);
	}
	return rmaster_ready(x->m, x->nm);
}

/* Read all of FD (a --sshloginfile); the caller frees. */
static char *slurp(int fd, size_t *n)
{
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	ssize_t k;

	for (;;) {
		if (len == cap)
			buf = xrealloc(buf, cap *= 2);
		k = read(fd, buf + len, cap - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	*n = len;
	return buf;
}

/* Every sshlogin of -S and --slf into L; exit 2 on a bad one. */
static void read_logins(struct sshlogins *l, const struct opts *o)
{
	const char *why;

	for (int i = 0; i < o->nsshlogins; i++)
		if ((why = sshlogin_parse(l, o->sshlogins[i])) != NULL)
			die(EXIT_USAGE, "--sshlogin '%s': %s", o->sshlogins[i], why);
	for (int i = 0; i < o->nslfs; i++) {
		const char *name = o->slfs[i];
		bool std = strcmp(name, "-") == 0;
		int fd = std ? 0 : open(name, O_RDONLY | O_CLOEXEC);
		size_t n, line;
		char *text;

		if (fd < 0)
			die(EXIT_USAGE, "cannot open '%s': %s", name, strerror(errno));
		text = slurp(fd, &n);
		if (!std)
			close(fd);
		why = sshlogin_parse_file(l, text, n, &line);
		free(text);
		if (why)
			die(EXIT_USAGE, "--sshloginfile '%s', line %zu: %s", name,
			    line, why);
	}
	if (l->n == 0)
		die(EXIT_USAGE, "--sshloginfile: no sshlogin in the file");
}

/* A short private directory for the sockets: ssh's limit is 108 bytes. */
static void make_dir(struct remote *r)
{
	const char *t = getenv("TMPDIR");

	if (!t || !*t || strlen(t) > 40)
		t = "/tmp";
	snprintf(r->dir, sizeof r->dir, "%s/fo-XXXXXX", t);
	if (!mkdtemp(r->dir)) {
		snprintf(r->dir, sizeof r->dir, "/tmp/fo-XXXXXX");
		if (!mkdtemp(r->dir))
			die(EXIT_FATAL, "cannot make a directory in /tmp: %s",
			    strerror(errno));
	}
}

/* Host I's ssh command, its masters' names; not connected yet. */
static void host_init(struct remote *r, int i, const struct sshlogin *l)
{
	struct rhost *x = &r->h[i];

	x->l = l;
	r->names[i] = l->text;
	if (l->local)
		return;
	x->cmd = l->cmd ? l->cmd : r->sshwords;
	while (x->cmd[x->ncmd])
		x->ncmd++;
	x->path = spawn_resolve(x->cmd[0]);
	if (!x->path)
		die(EXIT_USAGE, "'%s': command not found (the ssh command)",
		    x->cmd[0]);
	x->nm = 1;
	x->m = xcalloc(SLOTS_MAX / SLOTS_PER_MASTER + 1, sizeof *x->m);
	for (int k = 0; k < SLOTS_MAX / SLOTS_PER_MASTER + 1; k++)
		rmaster_init(&x->m[k], &r->mu, r->dir, i, k);
	pthread_mutex_init(&x->revive, NULL);
}

/*
 * How many jobs at once on host X (UP: it answered): N/, else -j N or
 * --adaptive MAX, else its CPUs; -j auto: MAX is 8 per CPU there (at least
 * 16), as it is here for local jobs (clivalues.c).
 */
static int host_slots(struct rhost *x, const struct opts *o, bool up)
{
	bool jauto = o->adaptive && o->jobs_given;
	int n;

	if (x->l->slots)
		return x->l->slots;
	if (x->l->local || (!jauto && (o->jobs_given || o->adaptive)))
		return o->jobs;
	n = up ? host_cpus(x) : 0;
	if (jauto)
		return n > SLOTS_MAX / 8 ? SLOTS_MAX : n > 2 ? 8 * n : 16;
	return n > 0 ? n : 1;
}

/* Worker slots dealt out to the hosts in turn, up to each one's count. */
static void deal_slots(struct remote *r)
{
	int *given = xcalloc((size_t)r->nh, sizeof *given);

	r->nslots = 0;
	for (int i = 0; i < r->nh; i++)
		r->nslots += r->h[i].slots;
	if (r->nslots > SLOTS_MAX)
		r->nslots = SLOTS_MAX;
	r->slot_host = xmalloc((size_t)r->nslots * sizeof *r->slot_host);
	r->slot_master = xmalloc((size_t)r->nslots * sizeof *r->slot_master);
	for (int s = 0; s < r->nslots;)
		for (int i = 0; i < r->nh && s < r->nslots; i++)
			if (given[i] < r->h[i].slots) {
				r->slot_host[s] = i;
				r->slot_master[s++] = given[i]++ / SLOTS_PER_MASTER;
			}
	free(given);
}

/* Connect every remote host; count its slots; more masters if needed. */
static void connect_all(struct remote *r, const struct opts *o, bool *up)
{
	for (int i = 0; i < r->nh; i++)
		if (!r->h[i].l->local)
			master_start(&r->h[i], &r->h[i].m[0]);
	for (int i = 0; i < r->nh; i++) {
		struct rhost *x = &r->h[i];

		up[i] = x->l->local || rmaster_ready(x->m, 1);
		x->slots = host_slots(x, o, up[i]);
		if (x->l->local)
			continue;
		x->nm = (x->slots + SLOTS_PER_MASTER - 1) / SLOTS_PER_MASTER;
		if (x->nm > SLOTS_MAX / SLOTS_PER_MASTER)
			x->nm = SLOTS_MAX / SLOTS_PER_MASTER;
		if (up[i])
			for (int k = 1; k < x->nm; k++)
				master_start(x, &x->m[k]);
	}
	for (int i = 0; i < r->nh; i++)
		if (up[i] && r->h[i].nm > 1)
			up[i] = rmaster_ready(r->h[i].m + 1, r->h[i].nm - 1);
}

/* The remote environment: --env NAME=VALUE, --workdir resolved. */
static void job_setup(struct remote *r, const struct opts *o)
{
	static char wd[4096];
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;
	char **envs = xcalloc((size_t)o->nenvs + 1, sizeof *envs);
	int n = 0;

	remotecmd_grace(&r->rc, o->kill_after_ns);
	for (int i = 0; i < o->nenvs; i++) {
		const char *v = getenv(o->envs[i]);

		/* An unset variable is not copied: it stays unset there. */
		if (!v)
			continue;
		envs[n] = xmalloc(strlen(o->envs[i]) + strlen(v) + 2);
		sprintf(envs[n++], "%s=%s", o->envs[i], v);
	}
	r->rc.envs = envs;
	r->rc.nenvs = n;
	r->rc.workdir = o->workdir;
	/* GNU parallel's ".": this directory, taken relative to $HOME. */
	if (o->workdir && strcmp(o->workdir, ".") == 0) {
		if (!getcwd(wd, sizeof wd))
			die(EXIT_FATAL, "cannot get the current directory: %s",
			    strerror(errno));
		r->rc.workdir = wd;
		if (hl > 1 && strncmp(wd, home, hl) == 0 &&
		    (wd[hl] == '/' || wd[hl] == '\0'))
			r->rc.workdir = wd[hl] ? wd + hl + 1 : "";
	}
}

struct remote *remote_start(const struct opts *o, int *jobs)
{
	struct remote *r;
	size_t nw;
	bool *up;
	char why[256];
	int sig;

	if (!o->nsshlogins && !o->nslfs)
		return NULL;
	r = xcalloc(1, sizeof *r);
	pthread_mutex_init(&r->mu, NULL);
	read_logins(&r->logins, o);
	r->sshwords = sshlogin_words(o->ssh ? o->ssh : "ssh", &nw);
	if (nw == 0)
		die(EXIT_USAGE, "--ssh: empty command");
	make_dir(r);
	/* Removed by the guardian if fanout is killed (guard.h). */
	guard_own_dir(r->dir);
	rmaster_hold_signals();
	if (pipe2(r->life, O_CLOEXEC) < 0)
		die(EXIT_FATAL, "cannot make a pipe: %s", strerror(errno));
	job_setup(r, o);
	r->give_up_ns = o->ssh_give_up_ns ? o->ssh_give_up_ns
					  : 300 * NS_PER_SEC;
	r->nh = (int)r->logins.n;
	r->h = xcalloc((size_t)r->nh, sizeof *r->h);
	r->names = xcalloc((size_t)r->nh, sizeof *r->names);
	for (int i = 0; i < r->nh; i++)
		host_init(r, i, &r->logins.v[i]);
	up = xcalloc((size_t)r->nh, sizeof *up);
	connect_all(r, o, up);
	/* Ctrl-C while connecting: leave nothing behind, then die of it. */
	if ((sig = rmaster_interrupted()) != 0) {
		free(up);
		remote_stop(r);
		rmaster_die_of(sig);
	}
	rmaster_hold_done();
	deal_slots(r);
	r->hosts = hosts_new(r->nh, r->names, reconnect, r);
	for (int i = 0; i < r->nh; i++)
		if (!up[i])
			hosts_down(r->hosts, i, 0,
				   rmaster_last_words(&r->h[i].m[0], why, sizeof why));
	free(up);
	*jobs = r->nslots;
	return r;
}

void remote_stop(struct remote *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nh; i++) {
		struct rhost *x = &r->h[i];

		for (int k = 0; k < x->nm; k++) {
			rmaster_stop(&x->m[k], SIGTERM);
			unlink(x->m[k].log);
		}
		if (!x->l->local)
			pthread_mutex_destroy(&x->revive);
		free(x->m);
		free(x->path);
	}
	rmdir(r->dir);
	guard_own_dir(NULL);
	close(r->life[0]);
	close(r->life[1]);
	hosts_free(r->hosts);
	for (int i = 0; i < r->rc.nenvs; i++)
		free(r->rc.envs[i]);
	free((void *)r->rc.envs);
	for (char **p = r->sshwords; *p; p++)
		free(*p);
	free(r->sshwords);
	free(r->h);
	free(r->names);
	free(r->slot_host);
	free(r->slot_master);
	sshlogins_free(&r->logins);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

struct remote_worker *remote_worker_new(struct remote *r, int slot)
{
	struct remote_worker *w;
	struct rhost *x;
	size_t n;

	if (!r)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->r = r;
	w->slot = slot;
	/* SIGUSR1's workers beyond the hosts' slots go round again. */
	w->host = r->slot_host[slot % r->nslots];
	w->master = r->slot_master[slot % r->nslots];
	strbuf_init(&w->cmd, 0);
	x = &r->h[w->host];
	if (!x->l->local) {
		const char *extra[] = { "-S", x->m[w->master].path, "-o",
					"ControlMaster=no", "-o",
					"BatchMode=yes", "-T", NULL };

		w->argv = host_argv(x, extra, &n);
		w->argv = xrealloc(w->argv, (n + 2) * sizeof *w->argv);
		w->cmd_at = n;
		w->argv[n + 1] = NULL;
	}
	return w;
}

void remote_worker_free(struct remote_worker *w)
{
	if (!w)
		return;
	strbuf_release(&w->cmd);
	free(w->argv);
	free(w);
}

bool remote_is_remote(const struct remote_worker *w)
{
	return w && !w->r->h[w->host].l->local;
}

const char *remote_host(const struct remote_worker *w)
{
	return w ? w->r->names[w->host] : NULL;
}

/*
 * W's master died while its host is up (killed, or it lost its connection
 * alone): start it again at once, one try; if that fails, the host is down
 * (the breaker tries it again later). Workers that share the master wait
 * for the one that restarts it.
 */
static bool revive(struct remote_worker *w, struct rmaster *m)
{
	struct rhost *x = &w->r->h[w->host];
	unsigned gen = hosts_gen(w->r->hosts, w->host);
	char why[256];
	bool ok;

	pthread_mutex_lock(&x->revive);
	ok = !rmaster_dead(m);
	if (!ok) {
		master_start(x, m);
		ok = rmaster_ready(m, 1);
	}
	pthread_mutex_unlock(&x->revive);
	if (!ok)
		hosts_down(w->r->hosts, w->host, gen,
			   rmaster_last_words(m, why, sizeof why));
	return ok;
}

bool remote_ready(struct remote_worker *w)
{
	struct rmaster *m = &w->r->h[w->host].m[w->master];

	if (hosts_acquire(w->r->hosts, w->host) != HOSTS_UP)
		return false;
	/* Its master died between jobs: ssh would connect afresh, noisily. */
	return !rmaster_dead(m) || revive(w, m);
}

/* Every host has been down for --ssh-give-up: end the run, once. */
static bool give_up(struct remote *r)
{
	int64_t since = hosts_all_down_since(r->hosts);
	char d[32];

	if (!since || now_ns() - since < r->give_up_ns)
		return false;
	if (!atomic_exchange(&r->gave_up, true)) {
		warning("every host has been down for %s: giving up; the jobs "
		      "left never start", fmt_duration(d, sizeof d, r->give_up_ns, DUR_EXACT));
		runstate_drain(0);
	}
	return true;
}

/* remote_wait()'s test: the caller's STOP, or giving up. */
struct wait_stop {
	struct remote *r;
	bool (*stop)(void *);
	void *arg;
};

static bool wait_over(void *arg)
{
	struct wait_stop *ws = arg;

	return ws->stop(ws->arg) || give_up(ws->r);
}

void remote_wait(struct remote_worker *w, bool (*stop)(void *), void *arg)
{
	struct wait_stop ws = { w->r, stop, arg };

	hosts_wait(w->r->hosts, w->host, wait_over, &ws);
}

char **remote_wrap(struct remote_worker *w, char *const *argv, uint64_t seq,
		   const char **path)
{
	struct remote *r = w->r;

	w->gen = hosts_gen(r->hosts, w->host);
	w->mgen = rmaster_gen(&r->h[w->host].m[w->master]);
	strbuf_reset(&w->cmd);
	remotecmd_build(&w->cmd, &r->rc, argv, seq, w->slot + 1,
			r->names[w->host]);
	w->argv[w->cmd_at] = w->cmd.buf;
	*path = r->h[w->host].path;
	return w->argv;
}

int remote_lifeline(const struct remote_worker *w)
{
	return w->r->life[0];
}

bool remote_failed(struct remote_worker *w)
{
	struct remote *r = w->r;
	struct rmaster *m = &r->h[w->host].m[w->master];
	int64_t deadline = now_ns() + DEATH_NS;

	for (;;) {
		/*
		 * Reconnected or restarted since the job started, or dead
		 * now: its connection died. The next remote_ready() restarts
		 * the master, and marks the host down if it cannot.
		 */
		if (hosts_gen(r->hosts, w->host) != w->gen ||
		    rmaster_gen(m) != w->mgen || rmaster_dead(m))
			return true;
		if (now_ns() > deadline)
			return false;
		sleep_ns(20 * NS_PER_MS);
	}
}
