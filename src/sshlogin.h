/*
 * sshlogin.h - GNU parallel's sshlogins, parsed: where remote jobs run.
 *
 * One login is "[N/][user@]host[:port]" ("[addr]:port" for an IPv6
 * address with a port), ":" for this machine, or, when it holds a space,
 * "[N/]sshcommand [options] host" (the ssh command of that host; the host
 * is the last word). A -S value is a comma-separated list of them, with
 * "\," for a comma in one; a --sshloginfile holds one a line, with blank
 * lines and "#" comments.
 *
 * Pure: no I/O, no globals; everything is malloc'd into the list and freed
 * by sshlogins_free(). A host that begins with '-' is refused: ssh would
 * read it as an option.
 */
#ifndef FANOUT_SSHLOGIN_H
#define FANOUT_SSHLOGIN_H

#include <stdbool.h>
#include <stddef.h>

struct sshlogin {
	char *text;             /* as given, without N/: the job log's Host */
	int slots;              /* N/: jobs at once there; 0: not given */
	bool local;             /* ":": this machine, no ssh */
	char *user;             /* NULL: ssh's default */
	char *host;
	char *port;             /* NULL: ssh's default */
	char **cmd;             /* its own ssh command and options (NULL-ended), or NULL */
};

struct sshlogins {
	struct sshlogin *v;
	size_t n, cap;
};

/*
 * Append the logins of the -S value ARG to L. Returns NULL, or what is
 * wrong (a static string; L then holds the logins before the bad one).
 */
const char *sshlogin_parse(struct sshlogins *l, const char *arg);

/*
 * Append the logins of a --sshloginfile's TEXT (N bytes) to L; on error
 * *LINE is the 1-based line at fault.
 */
const char *sshlogin_parse_file(struct sshlogins *l, const char *text,
				size_t n, size_t *line);

/*
 * T split at blanks (spaces and tabs; no quoting), as a NULL-ended
 * malloc'd array of malloc'd words, *NWORDS of them: an ssh command.
 */
char **sshlogin_words(const char *t, size_t *nwords);

/* Free what L holds and leave it empty. */
void sshlogins_free(struct sshlogins *l);

#endif
