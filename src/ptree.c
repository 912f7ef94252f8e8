/*
 * ptree.c - one pass over /proc, then every lookup by binary search.
 *
 * Invariants after ptree_index: p is sorted by pid, byppid holds the same
 * entries sorted by parent then pid, and mark[i] (for p[i]) is set once the
 * process is in a ptree_descendants result, so that no process is listed
 * twice and a torn snapshot cannot loop.
 */
#include "ptree.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

bool ptree_stat(pid_t pid, unsigned long long *f, int max)
{
	char path[64], buf[2048];
	ssize_t n;
	int fd;
	char *s;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* The command name may hold spaces and ')': skip to the last ')'. */
	if (!(s = strrchr(buf, ')')))
		return false;
	s += strspn(s + 1, " ") + 1;
	if (!*s++)
		return false;           /* field 3, the state, is one letter */
	for (int i = 4; i <= max; i++) {
		char *end;

		f[i] = strtoull(s, &end, 10);
		if (end == s)
			return false;
		s = end;
	}
	return true;
}

static int by_pid(const void *a, const void *b)
{
	const struct ptree_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_ppid(const void *a, const void *b)
{
	const struct ptree_proc *x = a, *y = b;

	if (x->ppid != y->ppid)
		return (x->ppid > y->ppid) - (x->ppid < y->ppid);
	return by_pid(a, b);
}

void ptree_index(struct ptree *t)
{
	/* One more than needed: malloc(0) may return NULL. */
	t->byppid = xmalloc((t->n + 1) * sizeof *t->byppid);
	t->mark = xcalloc(t->n + 1, 1);
	if (t->n == 0)
		return;
	qsort(t->p, t->n, sizeof *t->p, by_pid);
	memcpy(t->byppid, t->p, t->n * sizeof *t->p);
	qsort(t->byppid, t->n, sizeof *t->byppid, by_ppid);
}

bool ptree_scan(struct ptree *t)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t cap = 0;

	memset(t, 0, sizeof *t);
	if (!d) {
		ptree_index(t);
		return false;
	}
	while ((e = readdir(d)) != NULL) {
		unsigned long long f[23];
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || !ptree_stat((pid_t)pid, f, 22))
			continue;
		t->p = grow_array(t->p, &cap, t->n + 1, sizeof *t->p, 512);
		t->p[t->n++] = (struct ptree_proc){
			.pid = (pid_t)pid, .ppid = (pid_t)f[4],
			.pgid = (pid_t)f[5], .start = f[22],
		};
	}
	closedir(d);
	ptree_index(t);
	return true;
}

void ptree_release(struct ptree *t)
{
	free(t->p);
	free(t->byppid);
	free(t->mark);
	memset(t, 0, sizeof *t);
}

const struct ptree_proc *ptree_find(const struct ptree *t, pid_t pid)
{
	struct ptree_proc key = { .pid = pid };

	if (t->n == 0)
		return NULL;
	return bsearch(&key, t->p, t->n, sizeof *t->p, by_pid);
}

/* Set PID's mark; false if it was set already (or PID is not there). */
static bool mark(struct ptree *t, pid_t pid)
{
	const struct ptree_proc *p = ptree_find(t, pid);
	unsigned char *m;

	if (!p)
		return false;
	m = &t->mark[p - t->p];
	if (*m)
		return false;
	*m = 1;
	return true;
}

/* The first entry of byppid whose parent is PPID or after it. */
static size_t first_child(const struct ptree *t, pid_t ppid)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->byppid[mid].ppid < ppid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t ptree_descendants(struct ptree *t, pid_t **v, size_t n)
{
	size_t cap = n;

	for (size_t i = 0; i < n; i++)
		(void)mark(t, (*v)[i]);
	/* Breadth first: V itself is the queue. */
	for (size_t i = 0; i < n; i++) {
		pid_t parent = (*v)[i];

		for (size_t k = first_child(t, parent);
		     k < t->n && t->byppid[k].ppid == parent; k++) {
			if (!mark(t, t->byppid[k].pid))
				continue;
			*v = grow_array(*v, &cap, n + 1, sizeof **v, 16);
			(*v)[n++] = t->byppid[k].pid;
		}
	}
	return n;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

void ptree_kill(const struct ptree *t, const pid_t *v, size_t n, int sig,
		pid_t done)
{
	pid_t *groups = xmalloc((n + 1) * sizeof *groups);
	size_t ng = 0;

	/* The groups signalled whole: DONE, and those led from within V. */
	if (done > 0)
		groups[ng++] = done;
	for (size_t i = 0; i < n; i++) {
		const struct ptree_proc *p = ptree_find(t, v[i]);

		/* kill(0) and kill(-1) would hit far more than one process. */
		if (v[i] > 1 && p && p->pgid == p->pid && p->pid != done) {
			kill(-p->pid, sig);
			groups[ng++] = p->pid;
		}
	}
	qsort(groups, ng, sizeof *groups, cmp_pid);
	/*
	 * Then each process outside those groups, alone: every process gets
	 * SIG once. (A process that traps SIGTERM would run its trap twice if
	 * signalled twice, when it runs between the two.)
	 */
	for (size_t i = 0; i < n; i++) {
		const struct ptree_proc *p = ptree_find(t, v[i]);
		pid_t g = p ? p->pgid : v[i];

		if (v[i] <= 1 || bsearch(&g, groups, ng, sizeof *groups, cmp_pid))
			continue;
		kill(v[i], sig);
	}
	free(groups);
}
