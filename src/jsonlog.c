/*
 * jsonlog.c - the JSON lines log of attempts (see jsonlog.h).
 */
#include "jsonlog.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outcome.h"
#include "jobfail.h"
#include "logfile.h"
#include "strbuf.h"
#include "util.h"

struct jsonlog {
	struct logfile f;
};

/* Did a write to a JSON log fail? Once per process: there is one run. */
static atomic_bool write_failed;

/*
 * Length of the valid UTF-8 sequence at S (at most LEFT bytes), or 0 if it
 * is not one: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	/* The second byte's range rules out overlongs, surrogates, > 10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void sb_quote(struct strbuf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	strbuf_addch(b, '"');
	while (i < len) {
		unsigned char c = s[i];
		size_t n;

		switch (c) {
		case '"':  strbuf_addstr(b, "\\\""); i++; continue;
		case '\\': strbuf_addstr(b, "\\\\"); i++; continue;
		case '\n': strbuf_addstr(b, "\\n"); i++; continue;
		case '\r': strbuf_addstr(b, "\\r"); i++; continue;
		case '\t': strbuf_addstr(b, "\\t"); i++; continue;
		case '\b': strbuf_addstr(b, "\\b"); i++; continue;
		case '\f': strbuf_addstr(b, "\\f"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_addf(b, "\\u%04x", c);
			i++;
		} else if ((n = utf8_len(s + i, len - i)) > 0) {
			strbuf_add(b, str + i, n);
			i += n;
		} else {
			/* Not UTF-8: the byte's Latin-1 reading, escaped. */
			strbuf_addf(b, "\\u%04x", c);
			i++;
		}
	}
	strbuf_addch(b, '"');
}

static _Noreturn void refuse(const char *path)
{
	die_errno(EXIT_USAGE, "cannot open JSON log '%s'", path);
}

void jsonlog_check(const char *path)
{
	struct stat st;
	char *dir;
	bool made;
	int e;

	/* No open(): on a FIFO it would wait for a reader, then end its input. */
	if (logfile_is_std(path))
		return;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;
		else if (access(path, W_OK) == 0)
			return;
		refuse(path);
	}
	if (errno != ENOENT)
		refuse(path);
	/* Not there yet: could it be made? Ask its directory, make nothing. */
	dir = xstrdup(path);
	made = access(dirname(dir), W_OK | X_OK) == 0;
	e = errno;
	free(dir);
	errno = e;
	if (!made)
		refuse(path);
}

struct jsonlog *jsonlog_open(const char *path)
{
	struct jsonlog *l;
	int fd;

	fd = logfile_open_fd(path, O_WRONLY | O_CREAT | O_APPEND);
	if (fd < 0)
		refuse(path);
	l = xcalloc(1, sizeof *l);
	logfile_init(&l->f, "JSON log", path, fd);
	return l;
}

bool jsonlog_failed(void)
{
	return atomic_load(&write_failed);
}

/*
 * NS as seconds with microseconds, "1700000000.123456": a wall-clock time
 * (seconds since the epoch) or a span; a negative one is 0.
 */
static void sb_secs(struct strbuf *b, const char *key, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	strbuf_addf(b, ",\"%s\":%lld.%06lld", key, (long long)(ns / NS_PER_SEC),
		  (long long)(ns % NS_PER_SEC / 1000));
}

static void sb_bool(struct strbuf *b, const char *key, bool v)
{
	strbuf_addf(b, ",\"%s\":%s", key, v ? "true" : "false");
}

/* What the attempt cost (cost.h); null for one that never started. */
static void sb_cost(struct strbuf *b, const struct cost *c)
{
	if (!c->known) {
		strbuf_addf(b, ",\"cpu_user\":null,\"cpu_system\":null,"
			  "\"max_rss_bytes\":null,\"ctxsw_voluntary\":null,"
			  "\"ctxsw_involuntary\":null");
		return;
	}
	sb_secs(b, "cpu_user", c->user_ns);
	sb_secs(b, "cpu_system", c->sys_ns);
	strbuf_addf(b, ",\"max_rss_bytes\":%llu,\"ctxsw_voluntary\":%llu,"
		  "\"ctxsw_involuntary\":%llu",
		  (unsigned long long)c->maxrss_kib * 1024,
		  (unsigned long long)c->vcsw, (unsigned long long)c->ivcsw);
}

void jsonlog_write(struct jsonlog *l, const struct attempt *a)
{
	struct strbuf b = STRBUF_INIT;
	/* Wall time of a monotonic instant, from the start's pair of clocks. */
	int64_t off = a->start_wall_ns - a->start_ns;
	bool ok = attempt_ok(a);

	strbuf_addf(&b, "{\"seq\":%llu,\"attempt\":%d,\"slot\":%d",
		  (unsigned long long)a->job->seq, a->job->attempt + 1, a->slot);
	if (a->queued_ns > 0)
		sb_secs(&b, "queued", a->queued_ns + off);
	else
		strbuf_addstr(&b, ",\"queued\":null");
	sb_secs(&b, "started", a->start_wall_ns);
	sb_secs(&b, "ended", a->end_ns + off);
	if (a->queued_ns > 0)
		sb_secs(&b, "wait", a->start_ns - a->queued_ns);
	else
		strbuf_addstr(&b, ",\"wait\":null");
	sb_secs(&b, "runtime", a->end_ns - a->start_ns);
	if (a->exit_code < 0)
		strbuf_addstr(&b, ",\"exit_code\":null");
	else
		strbuf_addf(&b, ",\"exit_code\":%d", a->exit_code);
	strbuf_addf(&b, ",\"signal\":%d", a->signal);
	/* By name too: SIGXCPU says a --rlimit cpu ended it. */
	if (a->signal && jobfail_signame(a->signal))
		strbuf_addf(&b, ",\"signal_name\":\"%s\"",
			    jobfail_signame(a->signal));
	else
		strbuf_addstr(&b, ",\"signal_name\":null");
	sb_bool(&b, "ok", ok);
	sb_bool(&b, "timed_out", a->timed_out);
	sb_bool(&b, "cancelled", a->cancelled);
	sb_bool(&b, "will_retry", a->will_retry);
	sb_bool(&b, "not_started", a->not_started);
	strbuf_addf(&b, ",\"bytes_out\":%llu,\"bytes_err\":%llu",
		  (unsigned long long)a->bytes_out,
		  (unsigned long long)a->bytes_err);
	sb_cost(&b, &a->cost);
	if (a->limit)
		strbuf_addf(&b, ",\"limit\":%d", a->limit);
	else
		strbuf_addstr(&b, ",\"limit\":null");
	strbuf_addstr(&b, ",\"breaker\":");
	if (a->breaker)
		sb_quote(&b, a->breaker, strlen(a->breaker));
	else
		strbuf_addstr(&b, "null");
	strbuf_addstr(&b, ",\"host\":");
	sb_quote(&b, a->host ? a->host : ":", a->host ? strlen(a->host) : 1);
	/*
	 * The hosts it lost under it, in that order, when that failed it
	 * (hostloss.h): two, or the one it lost 3 times.
	 */
	strbuf_addstr(&b, ",\"lost_hosts\":");
	if (a->host_lost && a->job->lost.host[0]) {
		const char *const *h = a->job->lost.host;

		strbuf_addch(&b, '[');
		sb_quote(&b, h[0], strlen(h[0]));
		if (h[1]) {
			strbuf_addch(&b, ',');
			sb_quote(&b, h[1], strlen(h[1]));
		}
		strbuf_addch(&b, ']');
	} else {
		strbuf_addstr(&b, "null");
	}
	strbuf_addstr(&b, ",\"command\":");
	if (a->cmdline)
		sb_quote(&b, a->cmdline, strlen(a->cmdline));
	else
		strbuf_addstr(&b, "null");
	strbuf_addstr(&b, "}\n");

	if (logfile_write(&l->f, b.buf, b.len) < 0)
		atomic_store(&write_failed, true);
	strbuf_release(&b);
}

void jsonlog_close(struct jsonlog *l)
{
	if (!l)
		return;
	logfile_release(&l->f);
	free(l);
}
