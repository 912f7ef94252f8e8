/*
 * input.c - the reader thread (see input.h).
 */
#include "input.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "joblog.h"
#include "run.h"
#include "util.h"

#define READ_SIZE (64 * 1024)

/*
 * Linux refuses any single argument longer than 32 pages; other systems
 * have no such limit below ARG_MAX.
 */
#define MAX_ARG_STRLEN (32 * 4096)

struct reader {
	struct runner *r;
	int fd;
	char *batch;                    /* records of the batch, each + NUL */
	size_t blen, bcap, nrec;
	size_t cost;                    /* command-line bytes so far */
	size_t limit;                   /* what one command line may take */
	int64_t first_ns;               /* when the batch's first record came */
	uint64_t seq;
	int error;
};

static pthread_t thread;
static struct reader rd;

/* Hand the batch over as one job; false when the run is stopping. */
static bool flush(struct reader *b)
{
	struct job *j;

	if (b->nrec == 0)
		return true;
	b->seq++;
	if (b->r->joblog && joblog_done(b->r->joblog, b->seq)) {
		/* --resume: done in an earlier run. */
		atomic_fetch_add(&b->r->skipped, 1);
		if (b->r->o->keep_order)
			fanin_skip(&b->r->fanin, b->seq);
		b->blen = b->nrec = 0;
		b->cost = tmpl_base_cost(&b->r->tmpl);
		return true;
	}
	j = job_new(b->seq, b->batch, b->blen, b->nrec);
	j->queued_ns = now_ns();
	b->blen = b->nrec = 0;
	b->cost = tmpl_base_cost(&b->r->tmpl);
	atomic_fetch_add(&b->r->read, 1);
	if (!sched_submit(&b->r->sched, j)) {
		atomic_fetch_sub(&b->r->read, 1);
		job_free(j);
		return false;
	}
	return true;
}

/* Add one record (LEN bytes at S, no NUL inside) to the batch. */
static bool add(struct reader *b, const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);
	size_t c;

	if (nul) {
		/* A program cannot be given a NUL: cut the record there. */
		warnx("record %llu holds a NUL byte: cut there (use -0 for "
		      "NUL-separated input)", (unsigned long long)b->seq + 1);
		len = (size_t)(nul - s);
	}
	c = tmpl_record_cost(&b->r->tmpl, len);

	/* Would it push the command line over the limit? Send what we have. */
	if (b->nrec > 0 && (b->cost + c > b->limit ||
			    tmpl_max_arg(&b->r->tmpl, len) > MAX_ARG_STRLEN))
		if (!flush(b))
			return false;
	if (b->blen + len + 1 > b->bcap) {
		while (b->blen + len + 1 > b->bcap)
			b->bcap = b->bcap ? 2 * b->bcap : 4096;
		b->batch = xrealloc(b->batch, b->bcap);
	}
	memcpy(b->batch + b->blen, s, len);
	b->batch[b->blen + len] = '\0';
	b->blen += len + 1;
	if (b->nrec++ == 0)
		b->first_ns = now_ns();
	b->cost += c;
	if (b->nrec >= b->r->o->batch)
		return flush(b);
	return true;
}

/* Wait until FD is readable, the run stops, or the batch is due. */
static int wait_input(struct reader *b)
{
	struct pollfd p[2] = {
		{ .fd = b->fd, .events = POLLIN },
		{ .fd = b->r->reader_stop_fd, .events = POLLIN },
	};
	int timeout = -1;

	for (;;) {
		if (b->nrec > 0 && b->r->o->batch_timeout_ns) {
			int64_t due = b->first_ns + b->r->o->batch_timeout_ns;
			int64_t left = due - now_ns();

			if (left <= 0) {
				if (!flush(b))
					return -1;
				continue;
			}
			timeout = (int)((left + NS_PER_MS - 1) / NS_PER_MS);
		} else {
			timeout = -1;
		}
		if (poll(p, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[1].revents)
			return -1;
		if (p[0].revents)
			return 0;
	}
}

static void read_fd(struct reader *b)
{
	char *buf = xmalloc(READ_SIZE);
	char *part = NULL;              /* a record split across reads */
	size_t plen = 0, pcap = 0;
	int delim = b->r->o->delim;

	for (;;) {
		ssize_t n;
		char *p, *end;

		if (wait_input(b) < 0)
			break;
		n = read(b->fd, buf, READ_SIZE);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			warnerr("cannot read input");
			b->error = 1;
			break;
		}
		if (n == 0) {
			if (plen > 0)   /* a last record without its delimiter */
				add(b, part, plen);
			break;
		}
		p = buf;
		end = buf + n;
		while (p < end) {
			char *d = memchr(p, delim, (size_t)(end - p));

			if (!d) {
				size_t k = (size_t)(end - p);

				if (plen + k > pcap) {
					while (plen + k > pcap)
						pcap = pcap ? 2 * pcap : 4096;
					part = xrealloc(part, pcap);
				}
				memcpy(part + plen, p, k);
				plen += k;
				break;
			}
			if (plen > 0) {
				size_t k = (size_t)(d - p);

				if (plen + k > pcap) {
					while (plen + k > pcap)
						pcap *= 2;
					part = xrealloc(part, pcap);
				}
				memcpy(part + plen, p, k);
				plen += k;
				if (!add(b, part, plen))
					goto out;
				plen = 0;
			} else if (!add(b, p, (size_t)(d - p))) {
				goto out;
			}
			p = d + 1;
		}
	}
out:
	free(part);
	free(buf);
}

static void *reader_main(void *arg)
{
	struct reader *b = arg;
	const struct opts *o = b->r->o;

	if (b->fd < 0) {
		for (int i = 0; i < o->nargs; i++)
			if (!add(b, o->args[i], strlen(o->args[i])))
				goto done;
	} else {
		read_fd(b);
	}
	flush(b);
done:
	free(b->batch);
	sched_close(&b->r->sched);
	return NULL;
}

/* What a command line may take: ARG_MAX less the environment and a margin. */
static size_t line_limit(const struct runner *r)
{
	long argmax = sysconf(_SC_ARG_MAX);
	size_t env = 0;

	if (argmax <= 0 || argmax > 16L * 1024 * 1024)
		argmax = 128 * 1024;
	for (size_t i = 0; i < r->nenv; i++)
		if (r->envbase[i])
			env += strlen(r->envbase[i]) + 1 + sizeof(char *);
	/* FANOUT_SEQ, FANOUT_SLOT and room for the kernel's own bookkeeping. */
	env += 128 + 4096;
	return (size_t)argmax > env + 4096 ? (size_t)argmax - env : 4096;
}

void input_start(struct runner *r, int fd)
{
	int e;

	memset(&rd, 0, sizeof rd);
	rd.r = r;
	rd.fd = fd;
	rd.limit = line_limit(r);
	rd.cost = tmpl_base_cost(&r->tmpl);
	e = pthread_create(&thread, NULL, reader_main, &rd);
	if (e)
		die(EXIT_FATAL, "cannot start the reader thread: %s", strerror(e));
}

int input_join(void)
{
	pthread_join(thread, NULL);
	return rd.error ? -1 : 0;
}
