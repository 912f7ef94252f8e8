/*
 * test_sources.c - the walk over several input sources: every combination
 * with the first source varying slowest, linked groups (the shortest
 * wins), --link (shorter ones wrap), empty sources, and the columns each
 * job's record carries. The expected orders were printed by GNU parallel
 * 20221122 (parallel -k echo ...).
 */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "sources.h"
#include "tap.h"

static char out[1024];

/* Each job's record, its columns joined by '|', records by ' '. */
static bool put(struct job *j, void *arg)
{
	size_t n = strlen(out);

	(void)arg;
	for (size_t c = 0; c < (j->recs[0].ncol ? j->recs[0].ncol : 1); c++)
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s",
				      c ? "|" : (n ? " " : ""),
				      j->recs[0].ncol ? j->recs[0].col[c].s
						      : j->recs[0].s);
	job_free(j);
	return true;
}

/*
 * Run the sources that SPEC describes: words, ":::" or ":::+" starting a
 * source (as on the command line); LINK for --link.
 */
static const char *run(const char *spec, bool link)
{
	static char buf[512];
	static struct source src[8];
	char *words[64], *w;
	struct opts o;
	struct sources s;
	struct batch b;
	struct batch_conf c = { .max_records = 1, .line_max = 1 << 20,
				.arg_max = 1 << 17, .put = put };
	int nw = 0;

	memset(&o, 0, sizeof o);
	snprintf(buf, sizeof buf, "%s", spec);
	for (w = strtok(buf, " "); w; w = strtok(NULL, " "))
		words[nw++] = w;
	for (int i = 0; i < nw; i++) {
		if (strncmp(words[i], ":::", 3) != 0)
			continue;
		src[o.nsrc] = (struct source){ .args = words + i + 1,
			.is_args = true, .linked = words[i][3] == '+' };
		for (int k = i + 1; k < nw && strncmp(words[k], ":::", 3); k++)
			src[o.nsrc].nargs++;
		o.nsrc++;
	}
	o.src = src;
	o.link = link;
	out[0] = '\0';
	sources_open(&s, &o, '\n');
	batch_init(&b, &c);
	sources_emit_all(&s, &b);
	batch_flush(&b, 0);
	batch_release(&b);
	sources_release(&s);
	return out;
}

int main(void)
{
	is_str(run("::: a b", false), "a b", "one source: its records");
	is_str(run("::: a b ::: c d", false), "a|c a|d b|c b|d",
	       "two sources: every combination, the first slowest");
	is_str(run("::: a b ::: 1 2 ::: x", false), "a|1|x a|2|x b|1|x b|2|x",
	       "three sources");
	is_str(run("::: a b c :::+ 1 2", false), "a|1 b|2",
	       ":::+ links to the source before; the shortest wins");
	is_str(run("::: a b :::+ 1 2 ::: x y", false),
	       "a|1|x a|1|y b|2|x b|2|y", "a linked pair, then a source");
	is_str(run("::: a b c :::+ 1 2 3 ::: X Y :::+ 11 22", false),
	       "a|1|X|11 a|1|Y|22 b|2|X|11 b|2|Y|22 c|3|X|11 c|3|Y|22",
	       "two linked pairs");
	is_str(run("::: x ::: a b :::+ 1", false), "x|a|1",
	       "a linked group after the first: its shortest wins");
	is_str(run("::: a b ::: 1 2 3 4 5", true), "a|1 b|2 a|3 b|4 a|5",
	       "--link: shorter sources wrap round");
	is_str(run("::: ::: a b", false), "|a |b",
	       "an empty source among several is one empty value");
	is_str(run(":::", false), "", "one empty source: nothing");
	return tap_done();
}
