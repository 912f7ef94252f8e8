/*
 * ptree.h - a snapshot of every process's parent and group from /proc.
 *
 * Finding the descendants of a process one /proc scan per process costs
 * processes x descendants reads; a snapshot costs one pass, after which
 * every lookup is a binary search. The snapshot is not atomic: a process
 * may fork, exit or be reparented while it is read, so callers that must
 * not miss anything look again later (the guardian) or accept the small
 * window (the kill paths, which signal the process groups too). Linux only;
 * elsewhere the snapshot is empty.
 */
#ifndef FANOUT_PTREE_H
#define FANOUT_PTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ptree_proc {
	pid_t pid, ppid, pgid;
	unsigned long long start;       /* clock ticks after boot: a reused
					   pid has another start */
};

struct ptree {
	struct ptree_proc *p;           /* sorted by pid */
	size_t n;
	struct ptree_proc *byppid;      /* the same, sorted by parent */
	unsigned char *mark;            /* per p: already in a result */
};

/* Read every process from /proc in one pass; false (and empty) if it cannot. */
bool ptree_scan(struct ptree *t);

/* Sort and index T->p[0..T->n-1] as ptree_scan leaves them (for tests). */
void ptree_index(struct ptree *t);

/* Free what T holds. */
void ptree_release(struct ptree *t);

/* The process PID in the snapshot, or NULL. */
const struct ptree_proc *ptree_find(const struct ptree *t, pid_t pid);

/*
 * Append to the malloc'd array *V of N pids every descendant of them in the
 * snapshot that is not in it yet, each once; returns the new count.
 */
size_t ptree_descendants(struct ptree *t, pid_t **v, size_t n);

/*
 * Send SIG once to each of V[0..N-1]: to the process group of each that
 * leads its own group in the snapshot (members that left the tree too),
 * and alone to each outside those groups and outside group DONE, which the
 * caller has signalled already (0: none). A process not in the snapshot
 * counts as in the group its pid names.
 */
void ptree_kill(const struct ptree *t, const pid_t *v, size_t n, int sig,
		pid_t done);

/*
 * Read the numeric fields 4 to MAX of /proc/PID/stat into F[4..MAX] (the
 * numbering of proc(5); F has MAX + 1 entries). False if PID is gone or its
 * line is shorter.
 */
bool ptree_stat(pid_t pid, unsigned long long *f, int max);

#endif
