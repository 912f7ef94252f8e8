/*
 * test_columns.c - columns: the --colsep cut, records built from columns,
 * positional replacement strings and their values, and jobs that carry
 * columns through the batcher.
 */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "columns.h"
#include "placeholder.h"
#include "tap.h"

/* The columns REC cuts into at PAT, joined with '|'. */
static const char *cut(const char *pat, const char *rec)
{
	static char buf[256];
	struct colsep c;
	struct row r;
	size_t i, n = 0;

	if (colsep_init(&c, pat))
		return "(bad pattern)";
	row_init(&r);
	row_cut(&r, &c, rec, strlen(rec));
	buf[0] = '\0';
	for (i = 0; i < r.ncol; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%.*s",
				      i ? "|" : "", (int)r.col[i].len,
				      r.col[i].s);
	row_release(&r);
	colsep_release(&c);
	return buf;
}

static void test_cut(void)
{
	struct colsep c;

	is_str(cut(",", "a,b,c"), "a|b|c", "plain separator");
	is_str(cut(",", "a,,b,"), "a||b|", "empty columns kept, trailing too");
	is_str(cut(",", ""), "", "an empty record is one empty column");
	is_str(cut(",", "abc"), "abc", "no separator: one column");
	is_str(cut(":+", "a::b:c"), "a|b|c", "a regular expression");
	is_str(cut("\\t", "a\tb c"), "a|b c", "\\t is a tab");
	is_str(cut("X*", "aXXb"), "a|b", "an empty match does not cut");
	is_str(cut("^a", "aab"), "|ab", "^ anchors at the record's start only");
	ok(colsep_init(&c, "(") != NULL, "a bad expression is refused");
	ok(colsep_init(&c, "") != NULL, "an empty separator is refused");
}

static void test_row(void)
{
	struct row r;
	struct rec rec;

	row_init(&r);
	row_add(&r, "a b", 3);
	row_rec(&r, &rec);
	ok(rec.ncol == 0 && strcmp(rec.s, "a b") == 0,
	   "one column: the record is the value, with no columns");
	row_reset(&r);
	row_add(&r, "a", 1);
	row_add(&r, "", 0);
	row_add(&r, "c d", 3);
	row_rec(&r, &rec);
	is_str(rec.s, "a  c d", "{} is the columns joined by spaces");
	is_int(rec.ncol, 3, "three columns");
	row_release(&r);
}

/* The replacement string at the start of S: "kind:col:len" or "lit". */
static const char *match(const char *text, size_t i, const char *repl,
			 const struct ph_names *nm)
{
	static char buf[64];
	int col;
	size_t len;
	int k = ph_match(text, i, repl, nm, &col, &len);

	if (k == PH_LIT)
		return "lit";
	snprintf(buf, sizeof buf, "%d:%d:%zu", k, col, len);
	return buf;
}

static void test_match(void)
{
	char n1[] = "file", n2[] = "f", n3[] = "x y";
	char *names[] = { n1, n2, n3 };
	struct ph_names nm = { names, 3 };
	char buf[64];

	is_str(match("{}", 0, "{}", NULL), "1:0:2", "{}");
	is_str(match("{1}", 0, "{}", NULL), "1:1:3", "{1}");
	is_str(match("{12.}", 0, "{}", NULL), "2:12:5", "{12.}");
	is_str(match("{3//}x", 0, "{}", NULL), "4:3:5", "{3//}");
	is_str(match("{2/.}", 0, "{}", NULL), "5:2:5", "{2/.}");
	is_str(match("{2/}", 0, "{}", NULL), "3:2:4", "{2/}");
	is_str(match("{-1}", 0, "{}", NULL), "1:-1:4", "{-1}");
	is_str(match("{0}", 0, "{}", NULL), "lit", "{0} is text");
	is_str(match("{1x}", 0, "{}", NULL), "lit", "{1x} is text");
	is_str(match("{99999999999}", 0, "{}", NULL), "lit",
	       "a column past INT_MAX is text");
	is_str(match("${1}", 1, "{}", NULL), "lit", "${1} is the shell's");
	is_str(match("{1}", 0, "{1}", NULL), "1:0:3", "-I {1} wins a tie");
	is_str(match("{file}", 0, "{}", &nm), "1:1:6", "{name}");
	is_str(match("{f.}", 0, "{}", &nm), "2:2:4", "{name.}");
	is_str(match("{x y/}", 0, "{}", &nm), "3:3:6", "a name with a space");
	is_str(match("{file}", 0, "{}", NULL), "lit", "no names: {file} is text");
	snprintf(buf, sizeof buf, "%s", match("{#}", 0, "{}", NULL));
	is_str(buf, "6:0:3", "{#}");
}

static void test_value(void)
{
	struct rec cols[2] = { { "d/x.tar.gz", 10, NULL, 0 }, { "", 0, NULL, 0 } };
	struct rec r = { "d/x.tar.gz ", 11, cols, 2 }, one = { "a.b", 3, NULL, 0 };
	const char *v;
	size_t n;

	n = ph_value(&r, PH_NOEXT, 1, &v);
	ok(n == 7 && strncmp(v, "d/x.tar", n) == 0, "{1.}");
	n = ph_value(&r, PH_BASENOEXT, -2, &v);
	ok(n == 5 && strncmp(v, "x.tar", n) == 0, "{-2/.}");
	n = ph_value(&r, PH_DIR, 3, &v);
	ok(n == 0, "a column the record lacks is empty, even {3//}");
	n = ph_value(&r, PH_REC, -3, &v);
	ok(n == 0, "so is {-3} of two");
	n = ph_value(&r, PH_REC, 0, &v);
	ok(n == 11, "{} is the joined record");
	n = ph_value(&one, PH_NOEXT, 1, &v);
	ok(n == 1 && *v == 'a', "no columns: {1.} is {.}");
	n = ph_value(&one, PH_REC, 2, &v);
	ok(n == 0, "no columns: {2} is empty");
}

static struct job *got[8];
static size_t ngot;

static bool put(struct job *j, void *arg)
{
	(void)arg;
	got[ngot++] = j;
	return true;
}

static void test_batch(void)
{
	struct rec c1[2] = { { "a", 1, NULL, 0 }, { "b", 1, NULL, 0 } };
	struct rec r1 = { "a b", 3, c1, 2 }, r2 = { "z", 1, NULL, 0 };
	struct batch_conf conf = { .max_records = 4, .line_max = 1 << 20,
				   .arg_max = 1 << 17, .put = put };
	struct batch b;
	struct job *j;

	conf.costs.line_byte = 1;
	conf.costs.line_col = 100;
	batch_init(&b, &conf);
	batch_add_rec(&b, &r2, 0);
	batch_add_rec(&b, &r1, 0);
	batch_flush(&b, 0);
	j = got[0];
	ok(ngot == 1 && j->nrec == 2, "one job of two records");
	ok(j->recs[0].ncol == 0 && strcmp(j->recs[0].s, "z") == 0,
	   "a record without columns has none");
	ok(j->recs[1].ncol == 2 && strcmp(j->recs[1].s, "a b") == 0 &&
	   strcmp(j->recs[1].col[0].s, "a") == 0 &&
	   strcmp(j->recs[1].col[1].s, "b") == 0,
	   "a record keeps its columns in the job");
	job_free(j);
	batch_release(&b);

	/* each column costs line_col: 3 columns of 100 do not fit 250 */
	ngot = 0;
	conf.line_max = 250;
	batch_init(&b, &conf);
	batch_add_rec(&b, &r1, 0);
	batch_add_rec(&b, &r1, 0);
	ok(ngot == 1 && got[0]->nrec == 1, "columns count against the line");
	job_free(got[0]);
	batch_flush(&b, 0);
	job_free(got[1]);
	batch_release(&b);
}

int main(void)
{
	test_cut();
	test_row();
	test_match();
	test_value();
	test_batch();
	return tap_done();
}
