/*
 * template.c - compile a command template once, expand it per job.
 *
 * A template is cut at compile time into pieces: literal bytes and
 * replacement strings. Expanding it per job only copies bytes: the records'
 * derived values ({.} {/} {//} {/.}) are substrings of the record, or ".",
 * so nothing is allocated once the per-worker argvbuf has grown, and the
 * buffer is sized before the first byte is written, so the argv pointers
 * taken while writing never go stale.
 *
 * The replacement strings and their values are placeholder.c's. Any
 * replacement string, {#} and {%} included, stops the records from being
 * appended: "echo {#}" prints only the number, as in parallel. A record
 * with columns (several input sources, --colsep, -N) is appended as its
 * columns, one argument each, as parallel does.
 *
 * Shell mode (--shell) and why it is safe. The template is shell code
 * written by the user; the records are data from anywhere. Quoting values
 * into the script (as GNU parallel does) makes safety depend on getting the
 * quoting right for every context the template may put a placeholder in.
 * Instead no value byte ever enters the script: the values are passed as
 * positional parameters after the script (sh -c SCRIPT sh V1 V2 ...) and
 * each placeholder becomes a reference to one, "${N}". The shell never
 * parses the result of a parameter expansion as code, so a value cannot run
 * whatever it holds. Only the quoting of the reference depends on where the
 * placeholder stands, which the lexer of shlex.c works out at compile time:
 *   unquoted, comment, ${x:-..}   "${1}"    one word, no splitting/globbing
 *   in "...", here-document       ${1}      already one word
 *   in '...'                      '"${1}"'  leave the quotes, refer, reenter
 * A record placeholder in $(( )) or a quoted here-document is refused (the
 * value would be arithmetic code, or cannot be replaced). Only a template
 * that evaluates the value itself (eval {}, sh -c {}) runs it, as asked.
 * In a batch one placeholder refers to every record's value: "${1}" "${2}"
 * unquoted, ${1} ${2} (one word) inside quotes.
 * The display (--dry-run, -v, logs) must run as the job does, pasted into
 * sh: each value quoted for its context (shquote.c), or where that cannot
 * be exact (here-document, ${x:-..}, a newline in a comment) the reference,
 * after "set -- VALUES; ".
 *
 * Why one file of ~850 lines (over the house's ~600): compile, the size
 * bound, expansion and the display are four views of one piece list, and
 * each must agree with the others byte for byte: the cost model promises
 * expansion never outgrows the space it sized (put() checks it), and the
 * display must show what the expansion runs. The pieces are private to
 * this file; cutting it would put them in a header for the halves to
 * share. The walk over them is written once (walk()), and the lexer it
 * needs is shlex.c, the quoting shquote.c. What could leave is GNU
 * parallel's value rules (strip_ext() to rec_value(), ~80 lines, pure).
 */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "placeholder.h"
#include "shlex.h"
#include "util.h"

/* A record placeholder, or PH_ALL: its value comes from the records. */
#define IS_RECORD_PH(k) (PH_IS_RECORD(k) || (k) == PH_ALL)

/* Decimal digits of a uint64_t: the bound used for {#} and {%}. */
#define NUM_MAX 20

/*
 * Bytes one record adds to the script per placeholder occurrence: "${N}"
 * and a separator, N having at most 10 digits (argc never reaches 10^10).
 */
#define REF_MAX 16
/* The '"..."' around references in single quotes, once per occurrence. */
#define SQ_WRAP 4

struct piece {
	unsigned char kind;     /* enum ph_kind */
	unsigned char ctx;      /* shell: enum shlex_ctx */
	unsigned char bq;       /* shell: enclosing `...` */
	int col;                /* 0: the record; else its column (placeholder.h) */
	size_t slot;            /* shell: which of a record's values */
	size_t off, len;        /* bytes of the word's text it stands for */
};

/* Shell mode: one value passed per record, e.g. {2/}. */
struct slotdef {
	unsigned char kind;
	int col;
};

struct tmpl_word {
	char *text;             /* owned; NULL for the shell skeleton */
	struct piece *p;
	size_t np;
	size_t litbytes;        /* literal bytes over all pieces */
	size_t nrecph, njobph;  /* record and {#}/{%} placeholders */
};

struct tmpl_priv {
	/* string bytes <= base_str + (rec_mult * len + rec_const) a record */
	size_t base_str, rec_mult, rec_const;
	size_t base_argc, rec_argc;     /* exact argument counts */
	size_t col_str, col_argc;       /* ... and per column, appended */
	bool append;                    /* DIRECT: records go last */
	bool all;                       /* SHELL: ... as words, by PH_ALL */
	bool multi;                     /* DIRECT: -m (tmpl_conf) */
	/* TMPL_SHELL: values passed per record, in slot order */
	struct slotdef *slots;
	size_t nk;
	size_t nocc;                    /* record placeholder occurrences */
	bool show_refs;                 /* the display shows some references */
};

/* Append a piece to P[*NP] (capacity *CAP). */
static struct piece *add_piece(struct piece **p, size_t *np, size_t *cap,
			       int kind, size_t off, size_t len)
{
	if (kind == PH_LIT && len == 0)
		return NULL;
	*p = grow_array(*p, cap, *np + 1, sizeof **p, 8);
	(*p)[*np] = (struct piece){ .kind = (unsigned char)kind,
				    .off = off, .len = len };
	return &(*p)[(*np)++];
}

/* Cut W->text into literal pieces and replacement strings. */
static void split_word(struct tmpl_word *w, const char *repl,
		       const struct ph_names *names)
{
	size_t cap = 0, lit = 0, i = 0, n;
	const char *s = w->text;
	int col;

	while (s[i]) {
		int k = s[i] == repl[0] || s[i] == '{' ?
			ph_match(s, i, repl, names, &col, &n) : PH_LIT;

		if (k == PH_LIT) {
			i++;
			continue;
		}
		add_piece(&w->p, &w->np, &cap, PH_LIT, lit, i - lit);
		add_piece(&w->p, &w->np, &cap, k, i, n)->col = col;
		i += n;
		lit = i;
	}
	add_piece(&w->p, &w->np, &cap, PH_LIT, lit, i - lit);
	for (n = 0; n < w->np; n++) {
		if (w->p[n].kind == PH_LIT)
			w->litbytes += w->p[n].len;
		else if (IS_RECORD_PH(w->p[n].kind))
			w->nrecph++;
		else
			w->njobph++;
	}
}

/* Shell mode: the slot of value KIND of column COL, added if new. */
static size_t slot_of(struct tmpl_priv *pv, int kind, int col)
{
	size_t i;

	for (i = 0; i < pv->nk; i++)
		if (pv->slots[i].kind == kind && pv->slots[i].col == col)
			return i;
	pv->slots = xrealloc(pv->slots, (pv->nk + 1) * sizeof *pv->slots);
	pv->slots[pv->nk] = (struct slotdef){ (unsigned char)kind, col };
	return pv->nk++;
}

/*
 * Turn the split script W (text SRC) into the skeleton: literal bytes in
 * T->script, placeholders tagged with their context and value slot.
 */
static const char *build_skeleton(struct tmpl *t, struct tmpl_priv *pv,
				  struct tmpl_word *w, const char *src)
{
	struct shlex sx;
	const char *err;
	size_t start = 0, i, np = 0;

	/* a reference drops or doubles at most one byte before it */
	shlex_init(&sx, w->litbytes + w->np);
	for (i = 0; i < w->np; i++) {
		struct piece *p = &w->p[i];
		int k = p->kind, ctx = SHLEX_BARE;
		char name[64];
		unsigned bq = 0;

		if (k == PH_LIT) {
			shlex_lit(&sx, src + p->off, p->len);
			continue;
		}
		/* the string as written, for messages */
		snprintf(name, sizeof name, "%.*s", (int)p->len, src + p->off);
		if (k == PH_ALL)
			snprintf(name, sizeof name, "{}");
		if (IS_RECORD_PH(k))
			ctx = shlex_ref(&sx, name, &bq);
		else
			shlex_gap(&sx, name);
		pv->show_refs |= ctx == SHLEX_HEREDOC || ctx == SHLEX_PARAM;
		if (sx.len > start)
			w->p[np++] = (struct piece){ .kind = PH_LIT,
				.off = start, .len = sx.len - start };
		w->p[np] = *p;
		if (IS_RECORD_PH(k)) {
			w->p[np].slot = k == PH_ALL ? 0 : slot_of(pv, k, p->col);
			w->p[np].ctx = (unsigned char)ctx;
			w->p[np].bq = (unsigned char)bq;
			pv->nocc += k != PH_ALL;
		}
		np++;
		start = sx.len;
	}
	err = shlex_finish(&sx, &t->script);
	if (err)
		return err;
	if (sx.len > start)
		w->p[np++] = (struct piece){ .kind = PH_LIT, .off = start,
					     .len = sx.len - start };
	w->np = np;
	w->litbytes = sx.len;
	return NULL;
}

/* Precompute the cost coefficients; see tmpl_base_cost(). */
static void compute_costs(const struct tmpl *t, struct tmpl_priv *pv)
{
	size_t i;

	switch (t->mode) {
	case TMPL_LINE:
		/* "/bin/sh" "-c" RECORDS: each record adds itself and "\n" */
		pv->base_str = sizeof "/bin/sh" + sizeof "-c" + 1;
		pv->base_argc = 3;
		pv->rec_mult = 1;
		pv->rec_const = 1;
		break;
	case TMPL_DIRECT:
		for (i = 0; i < t->nwords; i++) {
			const struct tmpl_word *w = &t->words[i];
			size_t fixed = w->litbytes + w->njobph * NUM_MAX + 1;

			if (w->nrecph == 0) {
				pv->base_str += fixed;
				pv->base_argc++;
			} else {
				/* a derived value is at most max(len, 1) */
				pv->rec_mult += w->nrecph;
				pv->rec_const += fixed + w->nrecph;
				/* -m: a record can cut the word at each */
				pv->rec_argc += pv->multi ? w->nrecph : 1;
			}
		}
		if (pv->append) {
			/* the columns' bytes, each with its NUL */
			pv->rec_mult++;
			pv->col_str = 1;
			pv->col_argc = 1;
		}
		break;
	case TMPL_SHELL:
		pv->base_str = sizeof "/bin/sh" + sizeof "-c" + sizeof "sh" +
			t->words[0].litbytes + t->words[0].njobph * NUM_MAX +
			pv->nocc * SQ_WRAP + 1;
		pv->base_argc = 4;
		pv->rec_mult = pv->nk;
		pv->rec_const = 2 * pv->nk + pv->nocc * REF_MAX;
		pv->rec_argc = pv->nk;
		if (pv->all) {
			/* per column: its reference in the script, its value */
			pv->rec_mult++;
			pv->col_str = REF_MAX + 1;
			pv->col_argc = 1;
		}
		break;
	}
}

const char *tmpl_compile(struct tmpl *t, enum tmpl_mode mode, char **argv,
			 int argc, const char *repl)
{
	struct tmpl_conf c = { .repl = repl };

	return tmpl_compile_conf(t, mode, argv, argc, &c);
}

const char *tmpl_compile_conf(struct tmpl *t, enum tmpl_mode mode,
			      char **argv, int argc,
			      const struct tmpl_conf *c)
{
	const char *repl = c->repl;
	const struct ph_names *names = c->names;
	struct tmpl_priv *pv;
	const char *err = NULL;
	int i;

	memset(t, 0, sizeof *t);
	t->mode = mode;
	if (!repl)
		repl = "{}";
	if (!*repl)
		return "empty replacement string";
	if (mode != TMPL_LINE && argc <= 0)
		return "no command given";
	pv = xcalloc(1, sizeof *pv);
	t->priv = pv;
	pv->multi = c->multi;

	if (mode == TMPL_DIRECT) {
		t->words = xcalloc((size_t)argc, sizeof *t->words);
		t->nwords = (size_t)argc;
		for (i = 0; i < argc; i++) {
			t->words[i].text = xstrdup(argv[i]);
			split_word(&t->words[i], repl, names);
			if (t->words[i].nrecph || t->words[i].njobph)
				t->has_placeholder = true;
		}
		/*
		 * Only a PATH lookup is worth caching; {#} in argv[0]
		 * defeats it as surely as {} does.
		 */
		t->cmd_varies = t->words[0].nrecph || t->words[0].njobph;
		pv->append = !t->has_placeholder;
	} else if (mode == TMPL_SHELL) {
		struct tmpl_word *w = xcalloc(1, sizeof *t->words);
		struct strbuf b;
		size_t cap;

		t->words = w;
		t->nwords = 1;
		strbuf_init(&b, 64);    /* w->text is always malloc'd */
		for (i = 0; i < argc; i++) {
			strbuf_add(&b, " ", i > 0);
			strbuf_add(&b, argv[i], strlen(argv[i]));
		}
		w->text = b.buf;
		split_word(w, repl, names);
		t->has_placeholder = w->nrecph || w->njobph;
		if (!t->has_placeholder) {
			/*
			 * as GNU parallel: the record becomes the last word,
			 * or its columns the last words
			 */
			strbuf_add(&b, " ", 1);
			w->text = b.buf;
			cap = w->np;
			w->np = 0;
			add_piece(&w->p, &w->np, &cap, PH_LIT, 0, b.len);
			add_piece(&w->p, &w->np, &cap, PH_ALL, b.len, 0);
			w->litbytes = b.len;
			w->nrecph = 1;
			pv->all = true;
		}
		/* the skeleton only removes or doubles a byte per piece */
		err = build_skeleton(t, pv, w, w->text);
		free(w->text);
		w->text = NULL;
	}
	if (err) {
		tmpl_release(t);
		return err;
	}
	compute_costs(t, pv);
	return NULL;
}

void tmpl_release(struct tmpl *t)
{
	size_t i;

	for (i = 0; i < t->nwords; i++) {
		free(t->words[i].text);
		free(t->words[i].p);
	}
	free(t->words);
	free(t->script);
	if (t->priv)
		free(((struct tmpl_priv *)t->priv)->slots);
	free(t->priv);
	memset(t, 0, sizeof *t);
}

void argvbuf_init(struct argvbuf *ab)
{
	memset(ab, 0, sizeof *ab);
}

void argvbuf_release(struct argvbuf *ab)
{
	free(ab->argv);
	free(ab->str);
	memset(ab, 0, sizeof *ab);
}

/* Decimal V into BUF (at least NUM_MAX bytes); returns the length. */
static size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[NUM_MAX];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* What {#} and {%} expand to, formatted once per job. */
struct nums {
	char d[2][NUM_MAX];     /* {#}, {%} */
	size_t len[2];
};

static void nums_init(struct nums *nm, uint64_t seq, unsigned slot)
{
	nm->len[0] = fmt_u64(nm->d[0], seq);
	nm->len[1] = fmt_u64(nm->d[1], slot);
}

/* The records of a job, as a piece walk sees them. */
struct jobvals {
	const struct tmpl_priv *pv;
	const struct rec *recs;
	size_t nrec;
};

/* The columns of R: one if it has none (it is its own). */
static size_t ncols(const struct rec *r)
{
	return r->ncol ? r->ncol : 1;
}

/* Shell mode: the positional parameters of record R. */
static size_t nparams(const struct tmpl_priv *pv, const struct rec *r)
{
	return pv->nk + (pv->all ? ncols(r) : 0);
}

typedef void param_fn(void *arg, const char *v, size_t n);

/*
 * Shell mode: FN with the value of each positional parameter, in order:
 * per record, its value for each slot, then (PH_ALL) each of its columns.
 */
static void each_param(const struct jobvals *bt, param_fn *fn, void *arg)
{
	const struct tmpl_priv *pv = bt->pv;
	const struct rec *r, *c;
	const char *v;
	size_t i, k, n;

	for (i = 0; i < bt->nrec; i++) {
		r = &bt->recs[i];
		for (k = 0; k < pv->nk; k++) {
			n = ph_value(r, pv->slots[k].kind, pv->slots[k].col, &v);
			fn(arg, v, n);
		}
		for (k = 0; pv->all && k < ncols(r); k++) {
			c = ph_column(r, (int)k + 1);
			fn(arg, c->s, c->len);
		}
	}
}

/*
 * Copy into AB's string space, which tmpl_expand() sized beforehand: a
 * miss here means a cost bound is wrong, and writing on would corrupt memory.
 */
static inline void put(struct argvbuf *ab, const char *s, size_t n)
{
	if (n > ab->strcap - ab->len)
		bug("template size bound too small");
	memcpy(ab->str + ab->len, s, n);
	ab->len += n;
}

static inline void put_nul(struct argvbuf *ab)
{
	put(ab, "", 1);
}

static inline void put_arg_start(struct argvbuf *ab)
{
	ab->argv[ab->argc++] = ab->str + ab->len;
}

/* Append one whole argument, S[0..N) and its NUL. */
static void put_arg(struct argvbuf *ab, const char *s, size_t n)
{
	put_arg_start(ab);
	put(ab, s, n);
	put_nul(ab);
}

/* Append "/bin/sh" "-c" and start the script argument. */
static void put_sh_c(struct argvbuf *ab)
{
	put_arg(ab, "/bin/sh", 7);
	put_arg(ab, "-c", 2);
	put_arg_start(ab);
}

/* Where a piece walk writes: AB's sized space, or, AB NULL, a display. */
struct out {
	struct argvbuf *ab;
	struct strbuf b;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->ab)
		put(o->ab, s, n);
	else
		strbuf_add(&o->b, s, n);
}

/* What a walk writes for record placeholder P; ARG is the walk's. */
typedef void put_rec_fn(struct out *o, const struct piece *p,
			const void *arg);

/* Write word W, its literal bytes in TEXT: the one piece walk. */
static void walk(struct out *o, const struct tmpl_word *w, const char *text,
		 const struct nums *nm, put_rec_fn *rec, const void *arg)
{
	size_t i;

	for (i = 0; i < w->np; i++) {
		const struct piece *p = &w->p[i];

		switch (p->kind) {
		case PH_LIT:
			out_put(o, text + p->off, p->len);
			break;
		case PH_SEQ:
		case PH_SLOT:
			out_put(o, nm->d[p->kind == PH_SLOT],
				nm->len[p->kind == PH_SLOT]);
			break;
		default:
			rec(o, p, arg);
			break;
		}
	}
}

/* Direct mode: the value itself; ARG is the record. */
static void put_value(struct out *o, const struct piece *p, const void *arg)
{
	const char *v;
	size_t n = ph_value(arg, p->kind, p->col, &v);

	out_put(o, v, n);
}

/* Append one argument: word W with record R (NULL if W needs none). */
static void put_word(struct argvbuf *ab, const struct tmpl_word *w,
		     const struct rec *r, const struct nums *nm)
{
	struct out o = { ab, STRBUF_INIT };

	put_arg_start(ab);
	walk(&o, w, w->text, nm, put_value, r);
	put_nul(ab);
}

/* -m: the values of all the records, an argument ending between two. */
static void put_values_cut(struct out *o, const struct piece *p,
			   const void *arg)
{
	const struct jobvals *bt = arg;
	const char *v;
	size_t j, n;

	for (j = 0; j < bt->nrec; j++) {
		if (j) {
			put_nul(o->ab);
			put_arg_start(o->ab);
		}
		n = ph_value(&bt->recs[j], p->kind, p->col, &v);
		out_put(o, v, n);
	}
}

/* -m: word W with all the records, cut into arguments between them. */
static void put_word_multi(struct argvbuf *ab, const struct tmpl_word *w,
			   const struct rec *recs, size_t nrec,
			   const struct nums *nm)
{
	struct out o = { ab, STRBUF_INIT };
	struct jobvals bt = { NULL, recs, nrec };

	put_arg_start(ab);
	walk(&o, w, w->text, nm, put_values_cut, &bt);
	put_nul(ab);
}

/* Append "${N}" (QUOTED: with double quotes) to the script. */
static void put_ref(struct out *o, size_t n, bool quoted)
{
	char buf[NUM_MAX + 8];
	int len = snprintf(buf, sizeof buf, quoted ? "\"${%zu}\"" : "${%zu}", n);

	out_put(o, buf, (size_t)len);
}

/* Shell mode: the references for placeholder P; ARG is the batch. */
static void put_refs(struct out *o, const struct piece *p, const void *arg)
{
	const struct jobvals *bt = arg;
	bool quoted = p->ctx == SHLEX_BARE || p->ctx == SHLEX_COMMENT ||
		p->ctx == SHLEX_PARAM;
	size_t i, k, base = 1;

	if (p->ctx == SHLEX_SQ)
		out_put(o, "'\"", 2);
	for (i = 0; i < bt->nrec; i++) {
		const struct rec *r = &bt->recs[i];

		if (i)
			out_put(o, " ", 1);
		if (p->kind != PH_ALL) {
			put_ref(o, base + p->slot, quoted);
		} else {
			for (k = 0; k < ncols(r); k++) {
				out_put(o, " ", k > 0);
				put_ref(o, base + bt->pv->nk + k, quoted);
			}
		}
		base += nparams(bt->pv, r);
	}
	if (p->ctx == SHLEX_SQ)
		out_put(o, "\"'", 2);
}

/* A positional parameter as an argument; ARG is the argvbuf. */
static void put_param(void *arg, const char *v, size_t n)
{
	put_arg(arg, v, n);
}

static void expand_shell(const struct tmpl *t, struct argvbuf *ab,
			 const struct jobvals *bt, const struct nums *nm)
{
	struct out o = { ab, STRBUF_INIT };

	put_sh_c(ab);
	walk(&o, &t->words[0], t->script, nm, put_refs, bt);
	put_nul(ab);
	put_arg(ab, "sh", 2);
	each_param(bt, put_param, ab);
}

static void expand_direct(const struct tmpl *t, struct argvbuf *ab,
			  const struct rec *recs, size_t nrec,
			  const struct nums *nm)
{
	const struct tmpl_priv *pv = t->priv;
	const struct rec *c;
	size_t i, j, k;

	for (i = 0; i < t->nwords; i++) {
		const struct tmpl_word *w = &t->words[i];

		if (w->nrecph == 0)
			put_word(ab, w, NULL, nm);
		else if (pv->multi && nrec > 1)
			put_word_multi(ab, w, recs, nrec, nm);
		else
			for (j = 0; j < nrec; j++)
				put_word(ab, w, &recs[j], nm);
	}
	/* with no replacement string: each column as an argument */
	for (j = 0; pv->append && j < nrec; j++)
		for (k = 0; k < ncols(&recs[j]); k++) {
			c = ph_column(&recs[j], (int)k + 1);
			put_arg(ab, c->s, c->len);
		}
}

static void expand_line(struct argvbuf *ab, const struct rec *recs,
			size_t nrec)
{
	size_t i;

	put_sh_c(ab);
	for (i = 0; i < nrec; i++) {
		if (i)
			put(ab, "\n", 1);
		put(ab, recs[i].s, recs[i].len);
	}
	put_nul(ab);
}

/* Make room for STR bytes and ARGC arguments plus the NULL. */
static void argvbuf_reserve(struct argvbuf *ab, size_t str, size_t argc)
{
	if (ab->strcap < str) {
		size_t cap = ab->strcap * 2;

		if (cap < str)
			cap = str;
		/* the old contents are dead: no need to copy them */
		free(ab->str);
		ab->str = xmalloc(cap);
		ab->strcap = cap;
	}
	if (ab->argvcap < argc + 1) {
		size_t cap = ab->argvcap * 2;

		if (cap < argc + 1)
			cap = argc + 1;
		free(ab->argv);
		ab->argv = xmalloc(cap * sizeof *ab->argv);
		ab->argvcap = cap;
	}
	ab->len = 0;
	ab->argc = 0;
}

char **tmpl_expand(const struct tmpl *t, struct argvbuf *ab,
		   const struct rec *recs, size_t nrec, uint64_t seq,
		   unsigned slot)
{
	const struct tmpl_priv *pv = t->priv;
	struct jobvals bt = { pv, recs, nrec };
	struct nums nm;
	size_t i, total = 0, cols = 0;

	for (i = 0; i < nrec; i++) {
		total += recs[i].len;
		cols += ncols(&recs[i]);
	}
	argvbuf_reserve(ab, pv->base_str + pv->rec_mult * total +
			pv->rec_const * nrec + pv->col_str * cols,
			pv->base_argc + pv->rec_argc * nrec +
			pv->col_argc * cols);
	nums_init(&nm, seq, slot);
	switch (t->mode) {
	case TMPL_LINE:
		expand_line(ab, recs, nrec);
		break;
	case TMPL_DIRECT:
		expand_direct(t, ab, recs, nrec, &nm);
		break;
	case TMPL_SHELL:
		expand_shell(t, ab, &bt, &nm);
		break;
	}
	ab->argv[ab->argc] = NULL;
	return ab->argv;
}

/*
 * Shell mode, display: the values of P quoted for where P stands, or, where
 * that cannot be exact, its references. ARG is the batch.
 */
static void show_values(struct out *o, const struct piece *p,
			const void *arg)
{
	const struct jobvals *bt = arg;
	const struct slotdef *sd = p->kind == PH_ALL ? NULL
				  : &bt->pv->slots[p->slot];
	bool refs = p->ctx == SHLEX_HEREDOC || p->ctx == SHLEX_PARAM;
	size_t start = o->b.len, i, k, n;
	const char *v;

	for (i = 0; i < bt->nrec && !refs; i++) {
		const struct rec *r = &bt->recs[i];
		/* PH_ALL: every column; else the slot's one value */
		size_t nv = p->kind == PH_ALL ? ncols(r) : 1;

		strbuf_add(&o->b, " ", i > 0);
		for (k = 0; k < nv && !refs; k++) {
			if (p->kind == PH_ALL)
				n = ph_value(r, PH_REC, (int)k + 1, &v);
			else
				n = ph_value(r, sd->kind, sd->col, &v);
			/* a newline would end the comment: the rest would run */
			refs = p->ctx == SHLEX_COMMENT && memchr(v, '\n', n);
			strbuf_add(&o->b, " ", k > 0);
			shquote_at(&o->b, v, n, p->ctx, p->bq);
		}
	}
	if (refs) {
		strbuf_setlen(&o->b, start);
		put_refs(o, p, arg);
	}
}

/* A positional parameter, quoted, after "set --"; ARG is the strbuf. */
static void show_param(void *arg, const char *v, size_t n)
{
	strbuf_add(arg, " ", 1);
	shquote_append(arg, v, n);
}

char *tmpl_shell_display(const struct tmpl *t, const struct rec *recs,
			 size_t nrec, uint64_t seq, unsigned slot)
{
	const struct tmpl_priv *pv = t->priv;
	struct jobvals bt = { pv, recs, nrec };
	struct out o = { NULL, STRBUF_INIT };
	struct nums nm;

	nums_init(&nm, seq, slot);
	strbuf_grow(&o.b, 64);  /* malloc'd even if empty */
	if (pv->show_refs) {
		/* the references shown get the values the job gets */
		strbuf_add(&o.b, "set --", 6);
		each_param(&bt, show_param, &o.b);
		strbuf_add(&o.b, "; ", 2);
	}
	walk(&o, &t->words[0], t->script, &nm, show_values, &bt);
	return o.b.buf;
}

void tmpl_costs(const struct tmpl *t, struct batch_costs *c)
{
	const struct tmpl_priv *pv = t->priv;
	const struct tmpl_word *w;
	size_t i, n;

	memset(c, 0, sizeof *c);
	c->line_base = pv->base_str + (pv->base_argc + 1) * sizeof(char *);
	c->line_byte = pv->rec_mult;
	c->line_rec = pv->rec_const + pv->rec_argc * sizeof(char *);
	c->line_col = pv->col_str + pv->col_argc * sizeof(char *);
	switch (t->mode) {
	case TMPL_LINE:
		/* the one sh -c argument: each record, then "\n" or the NUL */
		c->join_byte = 1;
		c->join_rec = 1;
		break;
	case TMPL_DIRECT:
		/* a derived value is at most max(len, 1) */
		for (i = 0; i < t->nwords; i++) {
			w = &t->words[i];
			n = w->litbytes + w->njobph * NUM_MAX + w->nrecph + 1;
			if (w->nrecph > c->arg_byte)
				c->arg_byte = w->nrecph;
			if (w->nrecph && n > c->arg_rec)
				c->arg_rec = n;
		}
		if (pv->append) {
			if (c->arg_byte < 1)
				c->arg_byte = 1;
			if (c->arg_rec < 1)
				c->arg_rec = 1;
		}
		break;
	case TMPL_SHELL:
		/* the script, one reference per record and occurrence */
		w = &t->words[0];
		c->join_base = w->litbytes + w->njobph * NUM_MAX +
			pv->nocc * SQ_WRAP + 1;
		c->join_rec = pv->nocc * REF_MAX;
		/* with no replacement string, a reference per column */
		c->join_col = pv->all ? REF_MAX : 0;
		/* a value: at most max(len, 1) and its NUL */
		if (pv->nk || pv->all) {
			c->arg_byte = 1;
			c->arg_rec = 2;
		}
		break;
	}
}

char *tmpl_describe(const struct tmpl *t, char **argv, const struct rec *recs,
		    size_t nrec, uint64_t seq, unsigned slot)
{
	switch (t->mode) {
	case TMPL_LINE:
		return xstrdup(argv[2]);
	case TMPL_SHELL:
		return tmpl_shell_display(t, recs, nrec, seq, slot);
	default:
		return shquote_argv(argv);
	}
}
