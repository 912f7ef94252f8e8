/*
 * resume.c - checking a job log and collecting its done jobs (see resume.h).
 *
 * GNU parallel skips its log's first line unread, takes any line that starts
 * with digits as that job done (its bitmap grows to the largest Seq) and
 * stops with "Format of 'FILE' is wrong" at a line that does not. fanout is
 * stricter: a log it would misread is refused whole, so that --resume never
 * runs again a job that is done, nor skips one that is not, by guessing.
 * It reads the first line too: the header, or else a job's line (a log
 * may have lost its header, and GNU parallel would lose that job).
 */
#include "resume.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char header[] = JOBLOG_HEADER;

static const char *const colname[] = {
	"Seq", "Host", "Starttime", "JobRuntime", "Send", "Receive",
	"Exitval", "Signal", "Command",
};

enum { NCOLS = 9, COL_HOST = 1, COL_CMD = 8 };

/* The longest Host (an sshlogin) taken. */
#define HOST_MAX 1024

void resume_init(struct resume *s, bool only_ok)
{
	memset(s, 0, sizeof *s);
	seqset_init(&s->done);
	s->only_ok = only_ok;
	s->line = 1;
	s->col = -1;
}

void resume_release(struct resume *s)
{
	seqset_release(&s->done);
}

/* Skip the digits at *P; were there any? */
static bool digits(const char **p)
{
	const char *start = *p;

	while (**p >= '0' && **p <= '9')
		(*p)++;
	return *p > start;
}

/* Digits, then maybe a point and digits: what "%.3f" writes. */
static bool decimal(const char *p)
{
	if (!digits(&p))
		return false;
	if (*p == '.') {
		p++;
		if (!digits(&p))
			return false;
	}
	return *p == '\0';
}

/* A whole number from MIN to MAX: digits, with a '-' only if MIN < 0. */
static bool whole(const char *f, long long min, long long max, long long *v)
{
	const char *p = f + (*f == '-' && min < 0);

	if (!digits(&p) || *p)
		return false;
	errno = 0;
	*v = strtoll(f, NULL, 10);
	return errno == 0 && *v >= min && *v <= max;
}

/* Refuse the log: why, with the column's first bytes, printable. */
static bool bad_field(struct resume *s)
{
	char shown[24];
	size_t n = s->len < 20 ? s->len : 20;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s->field[i];

		shown[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	shown[n] = '\0';
	snprintf(s->why, sizeof s->why, "bad %s '%s%s'", colname[s->col],
		 shown, s->len > n ? "..." : "");
	return false;
}

/* The column just read (not the Command) is complete: check it. */
static bool end_column(struct resume *s)
{
	const char *f = s->field;
	long long v = 0;
	bool good;

	if (s->col == COL_HOST)
		return s->len > 0 || bad_field(s);
	s->field[s->len] = '\0';
	switch (s->col) {
	case 0:
		good = whole(f, 1, INT64_MAX, &v);
		s->seq = (uint64_t)v;
		break;
	case 2:
		good = decimal(f);
		break;
	case 3:
		/* "%10.3f": padded; negative if the wall clock stepped back. */
		while (*f == ' ')
			f++;
		good = decimal(f + (*f == '-'));
		break;
	case 6:
		good = whole(f, -255, 255, &v);
		s->exitval = (int)v;
		break;
	case 7:
		good = whole(f, 0, 127, &v);
		s->sig = (int)v;
		break;
	default:        /* Send, Receive */
		good = whole(f, 0, INT64_MAX, &v);
		break;
	}
	return good || bad_field(s);
}

/* A newline ended a job's line: count the job. */
static void end_line(struct resume *s)
{
	if (!s->only_ok || (s->exitval == 0 && s->sig == 0))
		seqset_add(&s->done, s->seq);
	s->line++;
	s->col = 0;
	s->len = 0;
	s->end_ok = s->nread;
}

static bool column_byte(struct resume *s, char c);

/*
 * One byte of the first line: the header, or (GNU parallel reads it
 * unseen, a log may have lost it) a job's line, which cannot start as the
 * header does.
 */
static bool header_byte(struct resume *s, char c)
{
	if (s->len == 0 && c != header[0]) {
		s->col = 0;
		return column_byte(s, c);
	}
	if (s->len < sizeof header - 1 ? c != header[s->len] : c != '\n') {
		snprintf(s->why, sizeof s->why, "not a job log header");
		return false;
	}
	if (c != '\n') {
		s->len++;
		return true;
	}
	s->line++;
	s->col = 0;
	s->len = 0;
	s->end_ok = s->nread;
	return true;
}

/* One byte of a job's line, before its Command. */
static bool column_byte(struct resume *s, char c)
{
	if (c != '\t' && c != '\n') {
		/* Too long already: refused now, not at a tab that may never come. */
		if (s->len >= (s->col == COL_HOST ? HOST_MAX : sizeof s->field - 1))
			return bad_field(s);
		if (s->len < sizeof s->field)
			s->field[s->len] = c;
		s->len++;
		return true;
	}
	if (c == '\n' && s->col == 0 && s->len == 0) {
		snprintf(s->why, sizeof s->why, "empty line");
		return false;
	}
	if (!end_column(s))
		return false;
	if (c == '\n') {
		snprintf(s->why, sizeof s->why, "%d column%s instead of %d",
			 s->col + 1, s->col ? "s" : "", NCOLS);
		return false;
	}
	s->col++;
	s->len = 0;
	return true;
}

bool resume_feed(struct resume *s, const char *buf, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (s->col == COL_CMD) {
			/* The Command may be anything: only its end matters. */
			const char *nl = memchr(buf + i, '\n', n - i);

			if (!nl) {
				s->nread += n - i;
				return true;
			}
			s->nread += (size_t)(nl - (buf + i)) + 1;
			i = (size_t)(nl - buf) + 1;
			end_line(s);
			continue;
		}
		s->nread++;
		if (!(s->col < 0 ? header_byte(s, buf[i])
				 : column_byte(s, buf[i])))
			return false;
		i++;
	}
	return true;
}
