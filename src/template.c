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
 * Meanings follow GNU parallel 20221122, checked against it:
 *   {.}  removes the last "." and what follows, if no "/" follows it
 *        (its s:\.[^/.]*$::): "x.tar.gz" -> "x.tar", "a/b.c/d" unchanged,
 *        ".bashrc" -> "" and ".." -> "." as in parallel.
 *   {/}  what follows the last "/" ("a/b/" -> "").
 *   {//} Perl's File::Basename::dirname, like dirname(1): "file" -> ".",
 *        "/file" -> "/", "a/b/" -> "a", "/" -> "/".
 *   Any replacement string, {#} and {%} included, stops the records from
 *   being appended: "echo {#}" prints only the number, as in parallel.
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
 */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "shlex.h"
#include "util.h"

enum ph {
	PH_LIT,         /* literal bytes */
	PH_REC,         /* {} or REPL */
	PH_NOEXT,       /* {.} */
	PH_BASE,        /* {/} */
	PH_DIR,         /* {//} */
	PH_BASENOEXT,   /* {/.} */
	PH_SEQ,         /* {#} */
	PH_SLOT,        /* {%} */
	PH_COUNT
};

#define IS_RECORD_PH(k) ((k) >= PH_REC && (k) <= PH_BASENOEXT)

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
	unsigned char kind;     /* enum ph */
	unsigned char ctx;      /* shell: enum shlex_ctx */
	unsigned char slot;     /* shell: which of a record's values */
	unsigned char bq;       /* shell: enclosing `...` */
	size_t off, len;        /* PH_LIT: bytes of the word's text */
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
	bool append;                    /* DIRECT: records go last */
	/* TMPL_SHELL: value kinds passed per record, in slot order */
	unsigned char kinds[PH_COUNT];
	size_t nk;
	size_t nocc;                    /* record placeholder occurrences */
	bool show_refs;                 /* the display shows some references */
};

static const char *const ph_names[PH_COUNT] = {
	[PH_REC] = "{}",
	[PH_NOEXT] = "{.}",
	[PH_BASE] = "{/}",
	[PH_DIR] = "{//}",
	[PH_BASENOEXT] = "{/.}",
	[PH_SEQ] = "{#}",
	[PH_SLOT] = "{%}",
};

/*
 * The replacement string starting at S, longest match first so that -I {/
 * cannot hide {//}; REPL wins a tie. Returns its kind and length, or PH_LIT.
 */
static int match_ph(const char *s, const char *repl, size_t repllen,
		    size_t *len)
{
	int best = PH_LIT, k;
	size_t bestlen = 0;

	if (strncmp(s, repl, repllen) == 0) {
		best = PH_REC;
		bestlen = repllen;
	}
	for (k = PH_NOEXT; k < PH_COUNT; k++) {
		size_t n = strlen(ph_names[k]);

		if (n > bestlen && strncmp(s, ph_names[k], n) == 0) {
			best = k;
			bestlen = n;
		}
	}
	*len = bestlen;
	return best;
}

/* Append a piece to P[*NP] (capacity *CAP). */
static void add_piece(struct piece **p, size_t *np, size_t *cap,
		      int kind, size_t off, size_t len)
{
	if (kind == PH_LIT && len == 0)
		return;
	if (*np == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*p = xrealloc(*p, *cap * sizeof **p);
	}
	(*p)[(*np)++] = (struct piece){ .kind = (unsigned char)kind,
					.off = off, .len = len };
}

/* Cut W->text into literal pieces and replacement strings. */
static void split_word(struct tmpl_word *w, const char *repl)
{
	size_t repllen = strlen(repl), cap = 0, lit = 0, i = 0, n;
	const char *s = w->text;

	while (s[i]) {
		int k = s[i] == repl[0] || s[i] == '{' ?
			match_ph(s + i, repl, repllen, &n) : PH_LIT;

		if (k == PH_LIT) {
			i++;
			continue;
		}
		add_piece(&w->p, &w->np, &cap, PH_LIT, lit, i - lit);
		add_piece(&w->p, &w->np, &cap, k, 0, 0);
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

/*
 * Turn the split script W (text SRC) into the skeleton: literal bytes in
 * T->script, placeholders tagged with their context and value slot. REPL
 * names {} in messages.
 */
static const char *build_skeleton(struct tmpl *t, struct tmpl_priv *pv,
				  struct tmpl_word *w, const char *src,
				  const char *repl)
{
	struct shlex sx;
	const char *err;
	size_t start = 0, i, np = 0;
	int slot_of[PH_COUNT];

	for (i = 0; i < PH_COUNT; i++)
		slot_of[i] = -1;
	/* a reference drops or doubles at most one byte before it */
	shlex_init(&sx, w->litbytes + w->np);
	for (i = 0; i < w->np; i++) {
		struct piece *p = &w->p[i];
		int k = p->kind, ctx = SHLEX_BARE;
		const char *name = k == PH_REC ? repl : ph_names[k];
		unsigned bq = 0;

		if (k == PH_LIT) {
			shlex_lit(&sx, src + p->off, p->len);
			continue;
		}
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
			if (slot_of[k] < 0) {
				slot_of[k] = (int)pv->nk;
				pv->kinds[pv->nk++] = (unsigned char)k;
			}
			w->p[np].slot = (unsigned char)slot_of[k];
			w->p[np].ctx = (unsigned char)ctx;
			w->p[np].bq = (unsigned char)bq;
			pv->nocc++;
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
				pv->rec_argc++;
			}
		}
		if (pv->append) {
			pv->rec_mult++;
			pv->rec_const++;
			pv->rec_argc++;
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
		break;
	}
}

const char *tmpl_compile(struct tmpl *t, enum tmpl_mode mode, char **argv,
			 int argc, const char *repl)
{
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

	if (mode == TMPL_DIRECT) {
		t->words = xcalloc((size_t)argc, sizeof *t->words);
		t->nwords = (size_t)argc;
		for (i = 0; i < argc; i++) {
			t->words[i].text = xstrdup(argv[i]);
			split_word(&t->words[i], repl);
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
		split_word(w, repl);
		t->has_placeholder = w->nrecph || w->njobph;
		if (!t->has_placeholder) {
			/* as GNU parallel: the record becomes the last word */
			strbuf_add(&b, " ", 1);
			w->text = b.buf;
			cap = w->np;
			w->np = 0;
			add_piece(&w->p, &w->np, &cap, PH_LIT, 0, b.len);
			add_piece(&w->p, &w->np, &cap, PH_REC, 0, 0);
			w->litbytes = b.len;
			w->nrecph = 1;
		}
		/* the skeleton only removes or doubles a byte per piece */
		err = build_skeleton(t, pv, w, w->text, repl);
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

/* Length of S[0..N) without its extension (GNU parallel's {.}). */
static size_t strip_ext(const char *s, size_t n)
{
	size_t i;

	for (i = n; i > 0; i--) {
		if (s[i - 1] == '/')
			break;
		if (s[i - 1] == '.')
			return i - 1;
	}
	return n;
}

/* Offset of the basename: just after the last slash. */
static size_t base_off(const char *s, size_t n)
{
	while (n > 0 && s[n - 1] != '/')
		n--;
	return n;
}

/* Drop trailing slashes but keep one character (File::Basename). */
static size_t strip_slashes(const char *s, size_t n)
{
	while (n > 1 && s[n - 1] == '/')
		n--;
	return n;
}

/*
 * Perl's dirname(): split after the last slash, strip the trailing slashes;
 * if the basename was empty ("a/b/"), do it once more. The result is always
 * a prefix of S or ".".
 */
static size_t dir_value(const char *s, size_t n, const char **out)
{
	size_t p = base_off(s, n), d;

	*out = s;
	if (p == 0)
		goto dot;
	d = strip_slashes(s, p);
	if (p == n) {
		p = base_off(s, d);
		if (p == 0)
			goto dot;
		d = strip_slashes(s, p);
	}
	return d;
dot:
	*out = ".";
	return 1;
}

/* The value of replacement string KIND for record R. */
static size_t rec_value(const struct rec *r, int kind, const char **out)
{
	size_t b;

	switch (kind) {
	case PH_NOEXT:
		*out = r->s;
		return strip_ext(r->s, r->len);
	case PH_BASE:
		b = base_off(r->s, r->len);
		*out = r->s + b;
		return r->len - b;
	case PH_BASENOEXT:
		b = base_off(r->s, r->len);
		*out = r->s + b;
		return strip_ext(r->s + b, r->len - b);
	case PH_DIR:
		return dir_value(r->s, r->len, out);
	}
	*out = r->s;
	return r->len;
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

/* Shell mode: the value of positional parameter I + 1. */
static size_t param_value(const struct jobvals *bt, size_t i, const char **v)
{
	return rec_value(&bt->recs[i / bt->pv->nk],
			 bt->pv->kinds[i % bt->pv->nk], v);
}

/*
 * Copy into AB's string space, which tmpl_expand() sized beforehand: a
 * miss here means a cost bound is wrong, and writing on would corrupt memory.
 */
static inline void put(struct argvbuf *ab, const char *s, size_t n)
{
	if (n > ab->strcap - ab->len) {
		fprintf(stderr, "fanout: BUG: template size bound too small\n");
		abort();
	}
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
	size_t n = rec_value(arg, p->kind, &v);

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
	size_t i;

	if (p->ctx == SHLEX_SQ)
		out_put(o, "'\"", 2);
	for (i = 0; i < bt->nrec; i++) {
		if (i)
			out_put(o, " ", 1);
		put_ref(o, 1 + i * bt->pv->nk + p->slot, quoted);
	}
	if (p->ctx == SHLEX_SQ)
		out_put(o, "\"'", 2);
}

static void expand_shell(const struct tmpl *t, struct argvbuf *ab,
			 const struct jobvals *bt, const struct nums *nm)
{
	struct out o = { ab, STRBUF_INIT };
	const char *v;
	size_t i, n;

	put_sh_c(ab);
	walk(&o, &t->words[0], t->script, nm, put_refs, bt);
	put_nul(ab);
	put_arg(ab, "sh", 2);
	for (i = 0; i < bt->nrec * bt->pv->nk; i++) {
		n = param_value(bt, i, &v);
		put_arg(ab, v, n);
	}
}

static void expand_direct(const struct tmpl *t, struct argvbuf *ab,
			  const struct rec *recs, size_t nrec,
			  const struct nums *nm)
{
	const struct tmpl_priv *pv = t->priv;
	size_t i, j;

	for (i = 0; i < t->nwords; i++) {
		const struct tmpl_word *w = &t->words[i];

		if (w->nrecph == 0)
			put_word(ab, w, NULL, nm);
		else
			for (j = 0; j < nrec; j++)
				put_word(ab, w, &recs[j], nm);
	}
	for (j = 0; pv->append && j < nrec; j++)
		put_arg(ab, recs[j].s, recs[j].len);
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
	size_t i, total = 0;

	for (i = 0; i < nrec; i++)
		total += recs[i].len;
	argvbuf_reserve(ab, pv->base_str + pv->rec_mult * total +
			pv->rec_const * nrec,
			pv->base_argc + pv->rec_argc * nrec);
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
	bool refs = p->ctx == SHLEX_HEREDOC || p->ctx == SHLEX_PARAM;
	size_t start = o->b.len, i, n;
	const char *v;

	for (i = 0; i < bt->nrec && !refs; i++) {
		n = rec_value(&bt->recs[i], bt->pv->kinds[p->slot], &v);
		/* a newline would end the comment: the rest would run */
		refs = p->ctx == SHLEX_COMMENT && memchr(v, '\n', n);
		strbuf_add(&o->b, " ", i > 0);
		shell_quote_at(&o->b, v, n, p->ctx, p->bq);
	}
	if (refs) {
		strbuf_setlen(&o->b, start);
		put_refs(o, p, arg);
	}
}

char *tmpl_shell_display(const struct tmpl *t, const struct rec *recs,
			 size_t nrec, uint64_t seq, unsigned slot)
{
	const struct tmpl_priv *pv = t->priv;
	struct jobvals bt = { pv, recs, nrec };
	struct out o = { NULL, STRBUF_INIT };
	struct nums nm;
	const char *v;
	size_t i, n;

	nums_init(&nm, seq, slot);
	strbuf_grow(&o.b, 64);  /* malloc'd even if empty */
	if (pv->show_refs) {
		/* the references shown get the values the job gets */
		strbuf_add(&o.b, "set --", 6);
		for (i = 0; i < nrec * pv->nk; i++) {
			n = param_value(&bt, i, &v);
			strbuf_add(&o.b, " ", 1);
			shell_quote_append(&o.b, v, n);
		}
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
		/* a value: at most max(len, 1) and its NUL */
		if (pv->nk) {
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
		return argv_render(argv);
	}
}
