/*
 * strbuf.c - a growable byte buffer (see strbuf.h).
 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* What every empty, never-grown strbuf points at; always "". */
char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want, cap;

	if (extra > SIZE_MAX - 1 - sb->len)
		die(EXIT_FATAL, "out of memory (a buffer of %zu bytes and %zu more)",
		    sb->len, extra);
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	/* Doubling keeps appending linear; 64 spares tiny reallocations. */
	cap = sb->alloc < 32 ? 64 : sb->alloc;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : 2 * cap;
	if (!sb->alloc) {
		sb->buf = xmalloc(cap);
		sb->buf[0] = '\0';
	} else {
		sb->buf = xrealloc(sb->buf, cap);
	}
	sb->alloc = cap;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Try the room there is first; most pieces are short. */
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->alloc ? sb->alloc - sb->len : 0,
		      fmt, ap);
	va_end(ap);
	if (n < 0)
		die(EXIT_FATAL, "cannot format '%s'", fmt);
	if (sb->alloc && (size_t)n < sb->alloc - sb->len) {
		sb->len += (size_t)n;
		return;
	}
	strbuf_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		bug("strbuf_setlen(%zu) past its length %zu", len, sb->len);
	sb->len = len;
	/* The shared empty string stays untouched (no race between owners). */
	if (sb->alloc)
		sb->buf[len] = '\0';
}
