/*
 * util.c - diagnostics, allocation, parsing and clocks shared by every module.
 */
#define _GNU_SOURCE             /* pipe2(), POSIX only since 2024 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Who writes whole lines to fd 1 and 2; NULL until someone owns them. */
static _Atomic(const struct std_writer *) std_writer;

void set_std_writer(const struct std_writer *w)
{
	atomic_store_explicit(&std_writer, w, memory_order_release);
}

int write_std(int fd, const void *buf, size_t len)
{
	const struct std_writer *w =
		atomic_load_explicit(&std_writer, memory_order_acquire);

	return w ? w->write(w->arg, fd, buf, len) : write_all(fd, buf, len);
}

/*
 * Format the whole line first and write it as one piece through
 * write_std(), so that a message never interleaves with a job's output on
 * a shared stderr.
 */
static __attribute__((format(printf, 1, 0))) void
vmsg(const char *fmt, va_list ap, const char *tail)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "fanout: ");
	int m = vsnprintf(buf + n, sizeof buf - n, fmt, ap);

	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof buf - 2)
		n = sizeof buf - 2;
	if (tail) {
		int t = snprintf(buf + n, sizeof buf - n, ": %s", tail);
		n += t;
		if ((size_t)n > sizeof buf - 2)
			n = sizeof buf - 2;
	}
	buf[n++] = '\n';
	(void)write_std(STDERR_FILENO, buf, n);
}

/* exit() unless a harness asked otherwise (see set_exit_routine()). */
static void (*exit_routine)(int) = exit;

void set_exit_routine(void (*fn)(int status))
{
	exit_routine = fn ? fn : exit;
}

void fanout_exit(int status)
{
	exit_routine(status);
	abort();        /* a routine that returns breaks _Noreturn */
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
	fanout_exit(status);
}

void die_errno(int status, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(fmt, ap, strerror(e));
	va_end(ap);
	fanout_exit(status);
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}

void bug(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n = snprintf(buf, sizeof buf, "fanout: BUG: ");

	/* Straight to fd 2: whoever owns the output may be what broke. */
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	va_end(ap);
	if ((size_t)n > sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	(void)write_all(STDERR_FILENO, buf, n);
	abort();
}

void warning_errno(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(fmt, ap, strerror(e));
	va_end(ap);
	errno = e;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die(EXIT_FATAL, "out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die(EXIT_FATAL, "out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(EXIT_FATAL, "out of memory");
	return p;
}

void *grow_array(void *p, size_t *cap, size_t need, size_t size, size_t min)
{
	size_t n = *cap ? *cap : min;

	if (need <= *cap)
		return p;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : 2 * n;
	if (n > SIZE_MAX / size)
		die(EXIT_FATAL, "out of memory");
	p = xrealloc(p, n * size);
	*cap = n;
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

long long parse_num(const char *s, long long min, long long max,
		    const char **errstr)
{
	char *end;
	long long v;

	errno = 0;
	if (!*s || *s == ' ' || *s == '\t' || *s == '+') {
		*errstr = "invalid";
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (*end) {
		*errstr = "invalid";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return 0;
	}
	*errstr = NULL;
	return v;
}

const char *parse_duration(const char *s, int64_t *ns)
{
	static const struct {
		const char *suffix;
		double scale;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "m", 60e9 }, { "h", 3600e9 }, { "", 1e9 },
	};
	char *end;
	double v;

	if (!*s || *s == ' ' || *s == '+' || *s == '\t')
		return "not a duration";
	if (*s == '-')
		return "must not be negative";
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(v) ||
	    (end[0] && !((end[0] >= 'a' && end[0] <= 'z'))))
		return "not a duration (try 250ms, 1.5s, 2m, 1h)";
	/* strtod accepts "inf", "nan" and hex: reject anything but digits. */
	if (!is_plain_decimal(s, end))
		return "not a duration (try 250ms, 1.5s, 2m, 1h)";
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			double t = v * units[i].scale;

			if (t > 9.0e18)
				return "too large";
			*ns = (int64_t)(t + 0.5);
			return NULL;
		}
	}
	return "not a duration (try 250ms, 1.5s, 2m, 1h)";
}

int is_plain_decimal(const char *s, const char *end)
{
	int digits = 0, dots = 0;

	for (const char *p = s; p < end; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.')
			dots++;
		else
			return 0;
	}
	return digits > 0 && dots <= 1;
}

/* NS in seconds, as exact as nanoseconds allow, without trailing zeros. */
static void fmt_exact(char *buf, size_t n, int64_t ns)
{
	size_t len;

	snprintf(buf, n, ns % NS_PER_MS ? "%.9f" : "%.3f", (double)ns / NS_PER_SEC);
	len = strlen(buf);
	while (len > 1 && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (len > 1 && buf[len - 1] == '.')
		buf[--len] = '\0';
	if (len + 1 < n) {
		buf[len] = 's';
		buf[len + 1] = '\0';
	}
}

/* NS to about three digits in the unit that fits it. */
static void fmt_rough(char *buf, size_t n, int64_t ns)
{
	double s = (double)ns / NS_PER_SEC;

	if (ns <= 0)
		snprintf(buf, n, "0s");
	else if (ns < NS_PER_MS)
		snprintf(buf, n, "%lldus", (long long)(ns / 1000));
	else if (ns < 100 * NS_PER_MS)
		snprintf(buf, n, "%.1fms", (double)ns / NS_PER_MS);
	else if (ns < NS_PER_SEC)
		snprintf(buf, n, "%.0fms", (double)ns / NS_PER_MS);
	else if (s < 60)
		snprintf(buf, n, "%.2fs", s);
	else if (s < 3600)
		snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
	else    /* whole seconds in 64 bits: (int)s overflows past 68 years */
		snprintf(buf, n, "%lldh%02lldm",
			 (long long)(ns / NS_PER_SEC / 3600),
			 (long long)(ns / NS_PER_SEC / 60 % 60));
}

char *fmt_duration(char *buf, size_t n, int64_t ns, enum dur_form form)
{
	if (form == DUR_EXACT)
		fmt_exact(buf, n, ns);
	else
		fmt_rough(buf, n, ns);
	return buf;
}

int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * NS_PER_SEC + t.tv_nsec;
}

int64_t wall_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * NS_PER_SEC + t.tv_nsec;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void mono_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t ca;

	/* Deadlines must not move when someone sets the wall clock. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

void mono_cond_wait(pthread_cond_t *cv, pthread_mutex_t *mu,
		    int64_t deadline_ns)
{
	struct timespec ts = {
		.tv_sec = deadline_ns / NS_PER_SEC,
		.tv_nsec = deadline_ns % NS_PER_SEC,
	};

	if (deadline_ns < 0)
		pthread_cond_wait(cv, mu);
	else
		pthread_cond_timedwait(cv, mu, &ts);
}

int thread_start(pthread_t *t, size_t stack, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t own;
	int e;

	pthread_attr_init(&attr);
	if (stack)
		pthread_attr_setstacksize(&attr, stack);
	if (!t)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(t ? t : &own, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

int pipe_cloexec(int fds[2])
{
	/*
	 * One call, not pipe() then fcntl(): another thread may start a job
	 * in between, and the job would hold an end open.
	 */
	return pipe2(fds, O_CLOEXEC);
}
