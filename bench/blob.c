/*
 * blob - the job for the output benches: write a known amount of known bytes.
 *
 *   blob BYTES RECORD        RECORD is TAG or TAG@MS
 *
 * With TAG@MS it first sleeps MS milliseconds (the slow head of a -k run).
 * Then it writes BYTES bytes to stdout as 16-byte lines holding RECORD,
 * padded with '.'. Runners append the record, so the content says which job
 * wrote it and an ordered runner's output can be compared byte for byte with
 * a sequential run. C rather than `head -c`: one cheap exec, no shell, the
 * same job for every runner.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE 16

int main(int argc, char **argv)
{
	static char buf[(1 << 16) + LINE];
	char line[LINE];

	if (argc != 3) {
		fprintf(stderr, "usage: blob BYTES TAG[@MS]\n");
		return 2;
	}
	long long left = atoll(argv[1]);
	const char *at = strchr(argv[2], '@');
	long ms = at ? atol(at + 1) : 0;
	size_t tl = strlen(argv[2]);

	memset(line, '.', LINE);
	memcpy(line, argv[2], tl < LINE - 1 ? tl : LINE - 1);
	line[LINE - 1] = '\n';
	for (size_t i = 0; i < sizeof buf; i += LINE)
		memcpy(buf + i, line, LINE);

	if (ms > 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts))
			;
	}
	size_t off = 0;         /* phase within a line, kept across short writes */
	while (left > 0) {
		size_t n = left < (1 << 16) ? (size_t)left : (1 << 16);
		ssize_t w = write(1, buf + off, n);
		if (w <= 0)
			return 1;
		left -= w;
		off = (off + w) % LINE;
	}
	return 0;
}
