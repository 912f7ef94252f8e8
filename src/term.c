/*
 * term.c - the status line on fanout's stderr (see term.h).
 *
 * All state is under term.mu, a leaf lock: nothing here takes another lock or
 * calls out of the file while holding it. term.active lets writers skip the
 * lock entirely when no status line was ever started, the common case.
 */
#define _DEFAULT_SOURCE
#include "term.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

#define LINE_MAX_LEN 512

static struct {
	pthread_mutex_t mu;
	_Atomic bool active;    /* a status line may be up: writers must look */
	int hidden;             /* writes begun and not yet ended */
	bool drawn;             /* the line is on the screen */
	bool mid_line;          /* a write left the cursor after a partial line */
} term = { .mu = PTHREAD_MUTEX_INITIALIZER };

static const char erase[] = "\r\033[K";

/* Under term.mu. */
static void erase_line(void)
{
	if (term.drawn) {
		(void)write_all(STDERR_FILENO, erase, sizeof erase - 1);
		term.drawn = false;
	}
}

static int term_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

bool term_start(void)
{
	if (!isatty(STDERR_FILENO))
		return false;
	pthread_mutex_lock(&term.mu);
	term.hidden = 0;
	term.drawn = term.mid_line = false;
	pthread_mutex_unlock(&term.mu);
	atomic_store(&term.active, true);
	return true;
}

void term_stop(void)
{
	if (!atomic_load(&term.active))
		return;
	pthread_mutex_lock(&term.mu);
	erase_line();
	pthread_mutex_unlock(&term.mu);
	atomic_store(&term.active, false);
}

void term_begin_write(void)
{
	if (!atomic_load(&term.active))
		return;
	pthread_mutex_lock(&term.mu);
	term.hidden++;
	erase_line();
	pthread_mutex_unlock(&term.mu);
}

void term_end_write(bool at_line_start)
{
	if (!atomic_load(&term.active))
		return;
	pthread_mutex_lock(&term.mu);
	if (term.hidden > 0)
		term.hidden--;
	term.mid_line = !at_line_start;
	pthread_mutex_unlock(&term.mu);
}

void term_draw(const char *line, size_t len)
{
	char out[LINE_MAX_LEN + 16];
	int width = term_width();

	/* Never wrap: "\r" only goes back to the start of the last row. */
	if (width > 1 && len > (size_t)width - 1)
		len = (size_t)width - 1;
	if (len > LINE_MAX_LEN)
		len = LINE_MAX_LEN;
	out[0] = '\r';
	memcpy(out + 1, line, len);
	memcpy(out + 1 + len, "\033[K", 3);
	pthread_mutex_lock(&term.mu);
	if (term.hidden == 0) {
		if (term.mid_line)
			(void)write_all(STDERR_FILENO, "\n", 1);
		term.mid_line = false;
		(void)write_all(STDERR_FILENO, out, len + 4);
		term.drawn = true;
	}
	pthread_mutex_unlock(&term.mu);
}

void term_erase(void)
{
	pthread_mutex_lock(&term.mu);
	erase_line();
	pthread_mutex_unlock(&term.mu);
}

int term_write(int fd, const void *buf, size_t len)
{
	int rc, e;

	if (len == 0)
		return 0;
	term_begin_write();
	rc = write_all(fd, buf, len);
	e = errno;
	term_end_write(((const char *)buf)[len - 1] == '\n');
	errno = e;
	return rc;
}

static int write_std_term(void *arg, int fd, const void *buf, size_t len)
{
	(void)arg;
	return term_write(fd, buf, len);
}

void term_install(void)
{
	static const struct std_writer w = { write_std_term, NULL };

	set_std_writer(&w);
}
