/*
 * shlex.c - the skeleton of a --shell script and the context at each point.
 *
 * A small sh lexer, modelled on dash: enough to know the quoting at each
 * point of a script. It follows backslashes, '...', "...", comments,
 * $(...), `...`, $((...)), ${...}, case ... esac (whose pattern ")" does
 * not close a $(...)) and here-documents (<<, <<-, quoted delimiters, the
 * body from the next line to the delimiter line).
 *
 * The text of a `...` is read twice by sh: first up to the closing
 * backquote, removing the backslash of \\ \` \$ (and \" inside "..."), then
 * as a script. So each `...` frame holds a decoder, and every byte passes
 * the decoders of the open backquotes, outermost first, before the lexer of
 * the innermost frame sees it.
 *
 * Safety rests on this file: the run only ever inserts references to
 * parameters, but --dry-run, -v and the logs show values quoted in place,
 * quoted for the context found here. Where the lexer cannot tell, it errs
 * towards the contexts whose display shows references (a here-document
 * body it may leave late, never early), or refuses the template.
 *
 * Invariants: the skeleton holds the literal bytes in order, less a dropped
 * or plus a doubled backslash per reference, so it never outgrows the CAP
 * given to shlex_init(); f[0] is the top level and is never popped; hd[0]
 * is the here-document whose body comes first.
 *
 * Why one file of ~600 lines: it is one state machine (frames, quotes,
 * case states, here-documents, backquote decoders) stepping byte by byte;
 * each piece of state is read by the others at every step, so a cut would
 * only move the state into a header. Each step is a function of its own.
 */
#include "shlex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { Q_NONE, Q_SQ, Q_DQ };
enum { F_TOP, F_PAREN, F_BQ, F_ARITH, F_BRACE };
/* Where a frame is in a case command: none, subject, "in", pattern, body. */
enum { C_NONE, C_SUBJ, C_IN, C_PAT, C_BODY };
/* A word that cannot be a reserved word (quoted, expanded or long). */
#define W_NONE 255
/* Backquote nesting a value may be displayed in (each doubles its size). */
#define BQ_MAX 3

static char errbuf[512];

/* Make the template unusable, keeping the first reason. */
__attribute__((format(printf, 2, 3)))
static void fail(struct shlex *L, const char *fmt, ...)
{
	va_list ap;

	if (L->err)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
	L->err = errbuf;
}

/* Whether the lexer is in hd[0]'s body at the innermost frame. */
static bool in_body(const struct shlex *L)
{
	return L->inbody && L->hd[0].frame == L->top;
}

/* Whether "..." rules hold here: \" is an escape inside a `...` opened here. */
static bool dq_here(const struct shlex *L)
{
	const struct shlex_frame *f = &L->f[L->top];

	return f->q == Q_DQ || in_body(L) ||
		(f->q == Q_NONE && f->kind == F_BRACE && f->dq);
}

static void push(struct shlex *L, int kind)
{
	bool dq = dq_here(L);
	struct shlex_frame *f;

	if (L->top == SHLEX_DEPTH - 1) {
		L->overflow = true;
		return;
	}
	f = &L->f[++L->top];
	memset(f, 0, sizeof *f);
	f->kind = (unsigned char)kind;
	f->dq = dq;
	f->cmd = true;
	L->wordstart = kind != F_BRACE;
}

static void drop_heredoc(struct shlex *L)
{
	free(L->hd[0].delim);
	memmove(L->hd, L->hd + 1, (size_t)(--L->nhd) * sizeof *L->hd);
	L->inbody = L->inbody && L->nhd > 0;
	L->match = 0;
	L->tabs = true;
}

/* Close frames down to K; their here-documents and loose ends go too. */
static void pop_to(struct shlex *L, int k)
{
	while (L->nhd > 0 && L->hd[L->nhd - 1].frame > k) {
		free(L->hd[L->nhd - 1].delim);
		L->nhd--;
	}
	L->inbody = L->inbody && L->nhd > 0;
	if (L->top > k)
		L->top = k;
	L->dwon = L->esc = L->comment = L->rparen = L->semi = false;
	L->dollar = L->lt = 0;
	L->wordstart = false;
}

static bool is_word(const struct shlex_frame *f, const char *k)
{
	size_t n = strlen(k);

	return f->wlen == n && memcmp(f->word, k, n) == 0;
}

static void word_char(struct shlex_frame *f, char c)
{
	if (f->wlen < 5)
		f->word[f->wlen++] = c;
	else
		f->wlen = W_NONE;
}

static void case_close(struct shlex_frame *f)
{
	f->ncase--;
	f->cstate = f->ncase ? C_BODY : C_NONE;
	f->cmd = false;
}

/* A word ended: follow case ... in ... esac and command position. */
static void word_end(struct shlex_frame *f)
{
	static const char *const keep_cmd[] = {
		"if", "then", "else", "elif", "do", "while", "until", "!", "{",
	};
	size_t i;

	if (!f->wlen)
		return;
	switch (f->cstate) {
	case C_SUBJ:
		f->cstate = C_IN;
		break;
	case C_IN:
		if (is_word(f, "in"))
			f->cstate = C_PAT;
		break;
	case C_PAT:
		if (is_word(f, "esac"))
			case_close(f);
		break;
	default:
		if (!f->cmd)
			break;
		if (is_word(f, "case")) {
			f->ncase++;
			f->cstate = C_SUBJ;
		} else if (is_word(f, "esac") && f->ncase) {
			case_close(f);
		}
		f->cmd = false;
		for (i = 0; i < sizeof keep_cmd / sizeof keep_cmd[0]; i++)
			f->cmd |= is_word(f, keep_cmd[i]);
	}
	f->wlen = 0;
}

/* A newline token: command position again, and a pending body begins. */
static void newline(struct shlex *L, struct shlex_frame *f)
{
	f->cmd = true;
	L->wordstart = true;
	if (L->nhd > 0 && !L->inbody && L->hd[0].frame == L->top) {
		L->inbody = true;
		L->match = 0;
		L->tabs = true;
	}
}

static void dw_start(struct shlex *L, bool strip)
{
	L->dwon = true;
	L->dwesc = L->dwquoted = false;
	L->dwstrip = strip;
	L->dwq = Q_NONE;
	L->dwlen = 0;
}

static void dw_finish(struct shlex *L)
{
	struct shlex_heredoc *h;

	L->dwon = false;
	if (L->dwlen == 0)
		return;
	if (L->nhd == SHLEX_HEREDOCS) {
		fail(L, "more than %d here-documents on one line",
		     SHLEX_HEREDOCS);
		return;
	}
	h = &L->hd[L->nhd++];
	h->delim = xmalloc(L->dwlen + 1);
	memcpy(h->delim, L->dw, L->dwlen);
	h->delim[L->dwlen] = '\0';
	h->len = L->dwlen;
	h->frame = L->top;
	h->quoted = L->dwquoted;
	h->strip = L->dwstrip;
	/* such a body line would be expanded before it could match */
	if (!h->quoted && strpbrk(h->delim, "$`"))
		fail(L, "here-document delimiter '%s' holds '$' or '`': "
		     "quote it (<<'%s')", h->delim, h->delim);
}

/* A byte of a here-document delimiter; false once C has ended the word. */
static bool dw_char(struct shlex *L, char c)
{
	bool lit = L->dwesc || (L->dwq == Q_SQ && c != '\'') ||
		(L->dwq == Q_DQ && c != '"' && c != '\\');

	if (L->dwlen == 0 && !L->dwquoted && (c == ' ' || c == '\t'))
		return true;
	L->dwesc = false;
	if (!lit && (c == '\\' || c == '\'' || c == '"')) {
		/* any quoting makes the body literal */
		L->dwquoted = true;
		if (c == '\\')
			L->dwesc = true;
		else
			L->dwq = L->dwq ? Q_NONE : c == '\'' ? Q_SQ : Q_DQ;
		return true;
	}
	if (!lit && c != '\0' && strchr(" \t\n;&|()<>", c)) {
		dw_finish(L);
		return false;
	}
	/* the delimiter is never longer than the script: dw's size */
	L->dw[L->dwlen++] = c;
	return true;
}

/* Settle what the previous byte left open; true if C is consumed. */
static bool pending(struct shlex *L, char c)
{
	int d = L->dollar, lt = L->lt;

	if (L->rparen) {
		/* "))" closes $((; a lone ")" is sh's syntax error */
		L->rparen = false;
		pop_to(L, L->top - 1);
		if (c == ')')
			return true;
	}
	L->dollar = L->lt = 0;
	if (d == 2) {
		push(L, c == '(' ? F_ARITH : F_PAREN);
		return c == '(';
	}
	if (d == 1) {
		if (c == '(')
			L->dollar = 2;
		else if (c == '{')
			push(L, F_BRACE);
		/* $( ${ and $$ are consumed; $x and $" go on as usual */
		return c == '(' || c == '{' || c == '$';
	}
	if (lt == 1 && c == '<') {
		L->lt = 2;
		return true;
	}
	if (lt == 2 && c != '<') {
		dw_start(L, c == '-');
		return c == '-' || dw_char(L, c);
	}
	return false;
}

/* A byte of an active here-document body; true if consumed here. */
static bool body_char(struct shlex *L, char c)
{
	const struct shlex_heredoc *h = &L->hd[0];

	if (L->esc) {
		/* \<newline> joins lines: the next cannot end the body */
		L->esc = false;
		L->match = -1;
		return true;
	}
	if (c == '\n') {
		if (L->match == (long)h->len)
			drop_heredoc(L);
		else
			L->match = 0;
		L->tabs = true;
		return true;
	}
	if (L->tabs && h->strip && c == '\t')
		return true;
	L->tabs = false;
	if (L->match >= 0)
		L->match = (size_t)L->match < h->len &&
			c == h->delim[L->match] ? L->match + 1 : -1;
	/* only \ $ ` are special, and only in an unquoted body */
	return h->quoted || (c != '\\' && c != '$' && c != '`');
}

/* An unquoted byte of code (a TOP, PAREN or BQ frame). */
static void code_char(struct shlex *L, struct shlex_frame *f, char c,
		      bool semi)
{
	switch (c) {
	case '\'':
	case '"':
		f->q = c == '\'' ? Q_SQ : Q_DQ;
		f->wlen = W_NONE;
		L->wordstart = false;
		return;
	case '#':
		if (L->wordstart) {
			L->comment = true;
			return;
		}
		break;
	case '<':
		L->lt = 1;
		break;
	case '(':
		/* a pattern may open with "(" */
		if (f->cstate != C_PAT && f->kind == F_PAREN)
			f->paren++;
		break;
	case ')':
		word_end(f);
		if (f->cstate == C_PAT) {
			f->cstate = C_BODY;
		} else if (f->kind == F_PAREN) {
			if (f->paren == 0) {
				pop_to(L, L->top - 1);
				return;
			}
			f->paren--;
		}
		break;
	case ';':
		word_end(f);
		if (semi && f->cstate == C_BODY)
			f->cstate = C_PAT;
		else
			L->semi = true;
		break;
	case '\n':
		word_end(f);
		newline(L, f);
		return;
	}
	if (c != '\0' && strchr(" \t;&|()<>", c)) {
		word_end(f);
		if (!strchr(" \t<>", c) && f->cstate != C_PAT)
			f->cmd = true;
		L->wordstart = true;
		return;
	}
	word_char(f, c);
	L->wordstart = false;
}

/* The lexer of the innermost frame, after the backquote decoders. */
static void lex(struct shlex *L, char c)
{
	struct shlex_frame *f;
	bool semi = L->semi;

	if (L->dwon && dw_char(L, c))
		return;
	if (pending(L, c))
		return;
	f = &L->f[L->top];
	L->semi = false;
	if (in_body(L)) {
		if (body_char(L, c))
			return;
	} else if (L->comment) {
		if (c == '\n') {
			L->comment = false;
			newline(L, f);
		}
		return;
	}
	if (L->esc) {
		L->esc = false;
		return;
	}
	if (f->q == Q_SQ) {
		if (c == '\'')
			f->q = Q_NONE;
		return;
	}
	if (c == '\\' || c == '$' || c == '`') {
		f->wlen = W_NONE;
		L->wordstart = false;
		if (c == '`')
			push(L, F_BQ);
		else if (c == '$')
			L->dollar = 1;
		else
			L->esc = true;
		return;
	}
	if (f->q == Q_DQ) {
		if (c == '"')
			f->q = Q_NONE;
		return;
	}
	switch (f->kind) {
	case F_ARITH:
		/* quotes do not quote here: $(( '$(x)' )) runs x */
		if (c == '(')
			f->paren++;
		else if (c == ')' && f->paren)
			f->paren--;
		else if (c == ')')
			L->rparen = true;
		return;
	case F_BRACE:
		/* in "${x:-'...'}" single quotes are plain characters */
		if (c == '"' || (c == '\'' && !f->dq))
			f->q = c == '"' ? Q_DQ : Q_SQ;
		else if (c == '}')
			pop_to(L, L->top - 1);
		return;
	}
	code_char(L, f, c, semi);
}

/* Pass C through the decoders of the backquotes from frame FROM on. */
static void pass(struct shlex *L, int from, char c)
{
	struct shlex_frame *f;
	int j = from;

	while (j <= L->top && L->f[j].kind != F_BQ)
		j++;
	if (j > L->top) {
		lex(L, c);
		return;
	}
	f = &L->f[j];
	if (f->bs) {
		f->bs = false;
		if (c == '\\' || c == '`' || c == '$' || (c == '"' && f->dq)) {
			pass(L, j + 1, c);
		} else if (c != '\n') {
			pass(L, j + 1, '\\');
			pass(L, j + 1, c);
		}
	} else if (c == '\\') {
		f->bs = true;
	} else if (c == '`') {
		/* it closes whatever is open inside */
		pop_to(L, j - 1);
	} else {
		pass(L, j + 1, c);
	}
}

void shlex_init(struct shlex *sx, size_t cap)
{
	memset(sx, 0, sizeof *sx);
	sx->wordstart = true;
	sx->f[0].cmd = true;
	/* one more byte for the NUL */
	sx->text = xmalloc(cap + 1);
	sx->dw = xmalloc(cap + 1);
}

void shlex_lit(struct shlex *sx, const char *s, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++)
		pass(sx, 0, s[j]);
	memcpy(sx->text + sx->len, s, n);
	sx->len += n;
}

/*
 * Settle the lexer before text it does not see is inserted: a reference
 * (REF) or digits. Returns the context of the point; *BQ the backquotes.
 */
static enum shlex_ctx settle(struct shlex *L, const char *name, bool ref,
			     unsigned *bq)
{
	struct shlex_frame *f;
	enum shlex_ctx ctx = SHLEX_BARE;
	bool bs = false;
	int j;

	if (L->dwon || L->lt == 2)
		fail(L, "'%s' in a here-document delimiter", name);
	if (L->rparen)
		pending(L, ' ');
	/* "$" and a value or digits would be a parameter: ${1}, $7 */
	if (L->dollar == 1)
		fail(L, "'$' just before '%s': write \\$ for a dollar sign",
		     name);
	if (L->dollar == 2)
		push(L, F_PAREN);
	L->dollar = L->lt = 0;
	L->dwon = L->semi = false;
	*bq = 0;
	for (j = 0; j <= L->top; j++) {
		if (L->f[j].kind == F_BQ) {
			++*bq;
			bs |= L->f[j].bs;
			L->f[j].bs = false;
		}
	}
	f = &L->f[L->top];
	if (L->comment) {
		ctx = SHLEX_COMMENT;
	} else if (f->kind == F_ARITH) {
		if (ref)
			fail(L, "'%s' inside $(( )) would make a record "
			     "arithmetic code: compute with expr instead, as "
			     "in $(expr %s \\* 2)", name, name);
	} else if (in_body(L)) {
		/* what goes in is not known here: this line cannot end it */
		L->match = -1;
		L->tabs = false;
		if (!L->hd[0].quoted)
			ctx = SHLEX_HEREDOC;
		else if (ref)
			fail(L, "'%s' in a quoted here-document is never "
			     "replaced: unquote its delimiter (<<%s) and "
			     "escape $ ` \\ in its text", name, L->hd[0].delim);
	} else if (f->q != Q_NONE) {
		ctx = f->q == Q_SQ ? SHLEX_SQ : SHLEX_DQ;
	} else if (f->kind == F_BRACE) {
		ctx = SHLEX_PARAM;
	}
	if (ref && (bs || (L->esc && *bq)))
		fail(L, "a backslash just before '%s' inside `...`: use "
		     "$(...) instead", name);
	if (ref && *bq > BQ_MAX)
		fail(L, "'%s' inside %d nested `...`: use $(...) instead",
		     name, *bq);
	f->wlen = W_NONE;
	L->wordstart = false;
	return ctx;
}

enum shlex_ctx shlex_ref(struct shlex *sx, const char *name, unsigned *bq)
{
	enum shlex_ctx ctx = settle(sx, name, true, bq);

	if (sx->esc && !sx->err) {
		/*
		 * A backslash would escape the reference's first
		 * character. Unquoted, \{} meant a quoted "{", which
		 * the reference already is: drop it. In "..." or a
		 * here-document, \{ keeps its backslash: double it so
		 * it stays one.
		 */
		if (ctx == SHLEX_DQ || ctx == SHLEX_HEREDOC)
			sx->text[sx->len++] = '\\';
		else
			sx->len--;
	}
	sx->esc = false;
	return ctx;
}

void shlex_gap(struct shlex *sx, const char *name)
{
	unsigned bq;

	settle(sx, name, false, &bq);
	/* an escaped digit is a digit */
	sx->esc = false;
}

const char *shlex_finish(struct shlex *sx, char **text)
{
	const char *err = sx->err;

	if (!err && sx->overflow)
		err = "shell template nests too deeply";
	while (sx->nhd > 0)
		drop_heredoc(sx);
	free(sx->dw);
	sx->dw = NULL;
	if (err) {
		free(sx->text);
		sx->text = NULL;
		return err;
	}
	sx->text[sx->len] = '\0';
	*text = sx->text;
	sx->text = NULL;
	return NULL;
}
