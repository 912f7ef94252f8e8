/*
 * util.h - diagnostics, allocation, number and duration parsing, clocks,
 * and the small wrappers every thread and pipe is made with.
 *
 * util is the ground floor: it includes no other fanout header and calls
 * nothing above it. Whole lines for fanout's own stdout and stderr (its
 * messages, the logs written to "-", -v) leave through write_std(), which
 * a higher layer may route through itself with set_std_writer() (git's
 * set_warn_routine): the output's owner, so that such a line never lands
 * inside a job's output.
 *
 * Messages: one convention (git's CodingGuidelines, OpenBSD's err(3), xe's
 * job identity). Every message fanout prints about itself goes through
 * die(), die_errno(), warning() or warning_errno(), which add "fanout: "
 * and the newline, and write the line in one piece. The text:
 *
 *   - is one line: no capital first word, no full stop at the end;
 *   - says what is wrong first, with its subject in single quotes:
 *       fanout: cannot run 'foo': not found
 *       fanout: cannot open job log 'x.log': Permission denied
 *   - about one job, starts with the job's identity, its pid in brackets
 *     when it has one, then a colon:
 *       fanout: job 17 [pid 4242]: timed out after 5s
 *       fanout: job 17: argument list too long
 *   - about an option's value, starts with the option as typed and the
 *     value in quotes:
 *       fanout: -j 'abc': not a whole number
 *   - ends with strerror() after ": " when a call failed (the _errno
 *     forms add it);
 *   - about a part of fanout with a state of its own, may start with its
 *     name and a colon: "fanout: breaker: ...", "fanout: stats: ...".
 *
 * bug() is for broken invariants only, never for bad input or a failed
 * call: "fanout: BUG: ..." and abort().
 */
#ifndef FANOUT_UTIL_H
#define FANOUT_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define NS_PER_SEC  1000000000LL
#define NS_PER_MS   1000000LL

/* Exit statuses of DESIGN.md. */
enum {
	EXIT_OK = 0,
	EXIT_JOBS_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_FATAL = 3,
};

/* Print "fanout: MSG" on stderr and exit with STATUS. */
_Noreturn void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "fanout: MSG: strerror(errno)" on stderr and exit with STATUS. */
_Noreturn void die_errno(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * End fanout with STATUS: exit(), or the routine set_exit_routine() gave,
 * which must not return (a fuzz harness longjmps back to its loop, so that
 * the option parser's refusals can be fuzzed in one process).
 */
_Noreturn void fanout_exit(int status);
void set_exit_routine(void (*fn)(int status));

/* Print "fanout: MSG" on stderr. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "fanout: MSG: strerror(errno)" on stderr; errno is kept. */
void warning_errno(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* A broken invariant: print "fanout: BUG: MSG" on stderr and abort(). */
_Noreturn void bug(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* A routine that writes a whole line or record to fanout's fd 1 or 2. */
struct std_writer {
	/* Write all LEN bytes at BUF to FD as one piece; 0, or -1 and errno. */
	int (*write)(void *arg, int fd, const void *buf, size_t len);
	void *arg;
};

/*
 * Route write_std() through W from now on (NULL: plain write_all()). W must
 * stay valid until it is replaced; the switch itself is atomic.
 */
void set_std_writer(const struct std_writer *w);

/*
 * Write all of BUF to fanout's stdout or stderr (FD 1 or 2) as one piece,
 * through the routine set_std_writer() installed; 0, or -1 with errno.
 */
int write_std(int fd, const void *buf, size_t len);

/* Allocation that dies with exit status 3 when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/*
 * Make room in array P, *CAP elements of SIZE bytes, for NEED elements: the
 * capacity doubles (starting at MIN), so appending one at a time is linear.
 * Returns P, perhaps moved; dies with exit status 3 when memory runs out.
 * (Byte strings grow in a strbuf instead.)
 */
void *grow_array(void *p, size_t *cap, size_t need, size_t size, size_t min);

/*
 * Parse a whole decimal integer in [min, max] (OpenBSD strtonum semantics).
 * On error return 0 and point *errstr at "invalid", "too small" or "too
 * large"; on success set *errstr to NULL.
 */
long long parse_num(const char *s, long long min, long long max,
		    const char **errstr);

/*
 * Parse a duration: "250ms", "1.5s", "2m", "1h", "10us", "5ns"; a bare number
 * is seconds. Stores nanoseconds in *ns. Returns NULL on success, else a
 * short reason ("not a duration", "negative", "too large").
 */
const char *parse_duration(const char *s, int64_t *ns);

/*
 * Is [S, END) a plain decimal number: digits with at most one '.', at
 * least one digit, nothing else (no sign, exponent, hex, "inf" or "nan",
 * which strtod() takes too)?
 */
int is_plain_decimal(const char *s, const char *end);

/* The two ways fanout shows a duration. */
enum dur_form {
	DUR_EXACT,      /* one the user gave, echoed: "0.5s", "30s", "0.00001s" */
	DUR_ROUGH,      /* one measured, ~3 digits: "12.5ms", "2.50s", "3m07s" */
};

/*
 * NS as a duration into BUF (N bytes) and return BUF. DUR_EXACT is seconds
 * with no exponent and no trailing zeros. DUR_ROUGH picks the unit that
 * fits: "850us", "12.5ms", "101ms", "2.50s", "3m07s", "2h05m"; 0 or less
 * is "0s".
 */
char *fmt_duration(char *buf, size_t n, int64_t ns, enum dur_form form);

/* A + B and A - B, clamped to the int64_t range instead of overflowing. */
static inline int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static inline int64_t sat_sub(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t now_ns(void);

/* Nanoseconds on CLOCK_REALTIME (for logs). */
int64_t wall_ns(void);

/* Write all of BUF to FD, retrying on EINTR and short writes; 0 or -1. */
int write_all(int fd, const void *buf, size_t len);

/*
 * Start FN(ARG) on a new thread with STACK bytes of stack (0: the default):
 * joinable with its id in *T, or detached if T is NULL. It inherits the
 * caller's signal mask. 0, or -1 with errno.
 */
int thread_start(pthread_t *t, size_t stack, void *(*fn)(void *), void *arg);

/* A pipe whose two ends are close-on-exec from the start; 0 or -1. */
int pipe_cloexec(int fds[2]);

/* A condition variable whose timed waits run on CLOCK_MONOTONIC. */
void mono_cond_init(pthread_cond_t *cv);

/*
 * Wait on CV (made by mono_cond_init) until woken or until the monotonic
 * time DEADLINE_NS; a negative deadline waits until woken.
 */
void mono_cond_wait(pthread_cond_t *cv, pthread_mutex_t *mu,
		    int64_t deadline_ns);

#endif
