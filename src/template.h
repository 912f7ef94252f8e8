/*
 * template.h - turning a job's records into the argv that is executed.
 *
 * Three modes (DESIGN.md):
 *   TMPL_LINE    no COMMAND: the record is a shell line, run as
 *                /bin/sh -c RECORD (records of a batch joined by newlines).
 *   TMPL_DIRECT  COMMAND [ARG...] run directly, no shell. Words holding a
 *                replacement string get the record substituted; with none,
 *                the records are appended as the last arguments.
 *   TMPL_SHELL   --shell: the words, joined by spaces, are one script run by
 *                /bin/sh -c. Record values never become shell code: each is
 *                passed as a positional parameter and the placeholder is
 *                replaced by a quoted reference to it, whatever quotes the
 *                template puts around the placeholder.
 *
 * Replacement strings (GNU parallel's, placeholder.h): {} record, {.}
 * without extension, {/} basename, {//} dirname, {/.} basename without
 * extension, {#} job sequence number, {%} worker slot, {N} and its forms
 * column N. REPL replaces "{}" (-I).
 *
 * In a batch (several records), a word that is exactly one record-placeholder
 * becomes one argument per record; a placeholder embedded in a longer word
 * repeats the whole word once per record.
 */
#ifndef FANOUT_TEMPLATE_H
#define FANOUT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "shquote.h"	/* shquote_append(), shquote_argv() */

enum tmpl_mode {
	TMPL_LINE,
	TMPL_DIRECT,
	TMPL_SHELL,
};

struct tmpl_word;
struct batch_costs;

struct tmpl {
	enum tmpl_mode mode;
	struct tmpl_word *words;        /* compiled form, private */
	size_t nwords;
	bool has_placeholder;           /* some word holds a replacement string */
	bool cmd_varies;                /* argv[0] depends on the record */
	char *script;                   /* TMPL_SHELL: private */
	void *priv;                     /* anything else the implementation needs */
};

/* Per-worker space for building argv, reused from job to job. */
struct argvbuf {
	char **argv;
	size_t argc, argvcap;
	char *str;
	size_t len, strcap;
};

/*
 * Compile ARGV[0..ARGC-1] (ARGC 0 for TMPL_LINE) with REPL as the record
 * placeholder. Returns NULL, or a one-line reason the template is unusable.
 */
const char *tmpl_compile(struct tmpl *t, enum tmpl_mode mode, char **argv,
			 int argc, const char *repl);

struct ph_names;

/* What tmpl_compile_conf() takes besides the words. */
struct tmpl_conf {
	const char *repl;               /* -I; NULL: "{}" */
	const struct ph_names *names;   /* --header: {NAME} is column i + 1 */
	/*
	 * -m: in a batch, a word's replacement string stands for all the
	 * records, the word cut into arguments between them (GNU parallel's
	 * -m: pre-{}-post gives pre-a b c-post); else the word repeats per
	 * record (-X).
	 */
	bool multi;
};

/* As tmpl_compile(), with the settings of C. */
const char *tmpl_compile_conf(struct tmpl *t, enum tmpl_mode mode,
			      char **argv, int argc,
			      const struct tmpl_conf *c);

/* Free what tmpl_compile() allocated. */
void tmpl_release(struct tmpl *t);

/* Start AB empty; it grows on the first tmpl_expand(). */
void argvbuf_init(struct argvbuf *ab);

/* Free AB's space. */
void argvbuf_release(struct argvbuf *ab);

/*
 * Build the NULL-terminated argv for a job with records RECS[0..NREC-1],
 * sequence number SEQ and worker slot SLOT. The result lives in AB until
 * the next call. argv[0] is the command as written (PATH lookup is the
 * caller's); for TMPL_LINE and TMPL_SHELL it is "/bin/sh".
 */
char **tmpl_expand(const struct tmpl *t, struct argvbuf *ab,
		   const struct rec *recs, size_t nrec, uint64_t seq,
		   unsigned slot);

/*
 * TMPL_SHELL: the script as the user would read it, each placeholder
 * replaced by its value quoted for where it stands, for --dry-run, -v and
 * the logs. (What runs passes the values as parameters instead.) Malloc'd.
 */
char *tmpl_shell_display(const struct tmpl *t, const struct rec *recs,
			 size_t nrec, uint64_t seq, unsigned slot);

/*
 * Fill C with upper bounds of what T's command lines cost, for batching
 * under the kernel's limits (see struct batch_costs).
 */
void tmpl_costs(const struct tmpl *t, struct batch_costs *c);

/*
 * The command as a user would type it, for --dry-run, -v and the logs, from
 * ARGV made by tmpl_expand() for the same job: the line itself in line
 * mode, the script with its values quoted in --shell mode (as
 * tmpl_shell_display()), else ARGV shell-quoted. Malloc'd.
 */
char *tmpl_describe(const struct tmpl *t, char **argv, const struct rec *recs,
		    size_t nrec, uint64_t seq, unsigned slot);

#endif
