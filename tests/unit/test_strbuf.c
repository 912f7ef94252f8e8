/*
 * test_strbuf.c - the growable byte buffer: always NUL-terminated, grows
 * past many doublings, holds NULs, and an empty one allocates nothing.
 */
#include "strbuf.h"

#include <string.h>

#include "tap.h"

int main(void)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, bad = 0;

	is_int(sb.len, 0, "STRBUF_INIT: empty");
	is_str(sb.buf, "", "STRBUF_INIT: reads as \"\"");
	is_int(sb.alloc, 0, "STRBUF_INIT: nothing allocated");
	strbuf_reset(&sb);
	is_int(sb.alloc, 0, "reset of an empty one: still nothing allocated");

	strbuf_add(&sb, "ab", 2);
	strbuf_addch(&sb, '\0');
	strbuf_add(&sb, "cd", 2);
	is_int(sb.len, 5, "NULs count as bytes");
	ok(memcmp(sb.buf, "ab\0cd", 6) == 0, "bytes and the final NUL");

	strbuf_setlen(&sb, 1);
	is_str(sb.buf, "a", "setlen cuts and terminates");
	strbuf_reset(&sb);
	is_str(sb.buf, "", "reset empties");
	ok(sb.alloc > 0, "reset keeps the space");

	for (i = 0; i < 100000; i++)
		strbuf_addch(&sb, (int)('a' + i % 26));
	for (i = 0; i < 100000; i++)
		if (sb.buf[i] != (char)('a' + i % 26))
			bad++;
	ok(bad == 0 && sb.len == 100000 && sb.buf[sb.len] == '\0',
	   "100000 bytes one at a time");
	ok(sb.alloc < 4 * 100000, "space grows by doubling, not far past");

	strbuf_release(&sb);
	is_int(sb.alloc, 0, "release frees");
	is_str(sb.buf, "", "release leaves it empty and usable");

	strbuf_addstr(&sb, "x=");
	strbuf_addf(&sb, "%d,%s", 42, "y");
	is_str(sb.buf, "x=42,y", "addstr and addf append");
	is_int(sb.len, 6, "addf counts what it printed");
	for (i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%05zu", i);
	ok(sb.len == 6 + 5000 && memcmp(sb.buf + 6 + 5 * 999, "00999", 6) == 0,
	   "addf grows past the space it had");
	strbuf_release(&sb);

	strbuf_init(&sb, 1000);
	ok(sb.alloc > 1000 && sb.len == 0, "init with a hint allocates it");
	strbuf_grow(&sb, 10);
	ok(sb.alloc > 1000 && sb.alloc < 2000, "grow within the space: no change");
	strbuf_release(&sb);
	return tap_done();
}
