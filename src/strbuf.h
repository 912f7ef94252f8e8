/*
 * strbuf.h - a growable byte buffer (git's strbuf, a minimal subset).
 *
 * Invariants: buf[len] is always '\0', so a strbuf can be read as a C
 * string (its bytes may hold NULs as well: batch.c keeps NUL-separated
 * records in one); buf is never NULL. A buffer that never grew points at a
 * shared empty string, so STRBUF_INIT costs no allocation; nothing writes to
 * that string. Not thread-safe: a strbuf has one owner.
 */
#ifndef FANOUT_STRBUF_H
#define FANOUT_STRBUF_H

#include <stddef.h>

struct strbuf {
	size_t alloc;           /* bytes allocated at buf; 0: none yet */
	size_t len;             /* bytes in use, without the final NUL */
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

/* Start SB empty with room for HINT bytes (0: allocate later). */
void strbuf_init(struct strbuf *sb, size_t hint);

/* Free SB's space and leave it empty, ready for reuse. */
void strbuf_release(struct strbuf *sb);

/* Make room for EXTRA more bytes (and the NUL) without another allocation. */
void strbuf_grow(struct strbuf *sb, size_t extra);

/* Append LEN bytes at DATA. */
void strbuf_add(struct strbuf *sb, const void *data, size_t len);

/* Append the byte C. */
void strbuf_addch(struct strbuf *sb, int c);

/* Append the C string S. */
void strbuf_addstr(struct strbuf *sb, const char *s);

/* Append what printf(FMT, ...) would print. */
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Cut SB to its first LEN bytes (LEN <= sb->len); keeps the space. */
void strbuf_setlen(struct strbuf *sb, size_t len);

/* Empty SB, keeping its space. */
#define strbuf_reset(sb) strbuf_setlen(sb, 0)

#endif
