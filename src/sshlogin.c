/*
 * sshlogin.c - parsing sshlogins (see sshlogin.h).
 *
 * Each login is cut out of its list first (unescaping "\,"), then split
 * into its parts; the text kept for the job log is the login as written,
 * without its "N/" prefix, as GNU parallel logs it.
 */
#include "sshlogin.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define SLOTS_MAX 4096

static struct sshlogin *add(struct sshlogins *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof l->v[l->n]);
	return &l->v[l->n++];
}

static void login_free(struct sshlogin *s)
{
	free(s->text);
	free(s->user);
	free(s->host);
	free(s->port);
	if (s->cmd)
		for (char **p = s->cmd; *p; p++)
			free(*p);
	free(s->cmd);
}

static char *dupn(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* "N/" at the front of S: its N in *slots, S moved past it. */
static const char *slots_prefix(const char **s, int *slots)
{
	const char *p = *s;
	long n = 0;

	if (!(*p >= '0' && *p <= '9'))
		return NULL;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p++ - '0');
		if (n > SLOTS_MAX)
			return "N/ must be from 1 to 4096";
	}
	if (*p != '/')
		return NULL;            /* a host name made of digits */
	if (n < 1)
		return "N/ must be from 1 to 4096";
	*slots = (int)n;
	*s = p + 1;
	return NULL;
}

static bool is_port(const char *p)
{
	long n = 0;

	if (!*p)
		return false;
	for (; *p; p++) {
		if (!(*p >= '0' && *p <= '9'))
			return false;
		n = n * 10 + (*p - '0');
		if (n > 65535)
			return false;
	}
	return n > 0;
}

/* "[user@]host[:port]" or "[user@][addr]:port" into S. */
static const char *user_host_port(struct sshlogin *s, const char *t)
{
	const char *at = strrchr(t, '@'), *h = at ? at + 1 : t;
	const char *colon, *end;

	if (at) {
		if (at == t)
			return "empty user before '@'";
		s->user = dupn(t, (size_t)(at - t));
	}
	if (*h == '[') {
		end = strchr(h, ']');
		if (!end || end == h + 1)
			return "unclosed or empty '[' address";
		s->host = dupn(h + 1, (size_t)(end - h - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (!colon && end[1])
			return "only ':port' may follow ']'";
	} else {
		colon = strchr(h, ':');
		/* Two colons or more: an IPv6 address without a port. */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		s->host = dupn(h, colon ? (size_t)(colon - h) : strlen(h));
	}
	if (colon) {
		if (!is_port(colon + 1))
			return "the port must be a number from 1 to 65535";
		s->port = dupn(colon + 1, strlen(colon + 1));
	}
	if (!*s->host)
		return "empty host";
	if (s->host[0] == '-')
		return "a host must not begin with '-'";
	if (strpbrk(s->host, "/@[]"))
		return "a host must not hold '/', '@', '[' or ']'";
	return NULL;
}

char **sshlogin_words(const char *t, size_t *nwords)
{
	size_t n = 0, cap = 4;
	char **w = xmalloc(cap * sizeof *w);

	while (*t) {
		size_t k;

		while (*t == ' ' || *t == '\t')
			t++;
		if (!*t)
			break;
		k = strcspn(t, " \t");
		if (n + 2 > cap)
			w = xrealloc(w, (cap *= 2) * sizeof *w);
		w[n++] = dupn(t, k);
		t += k;
	}
	w[n] = NULL;
	*nwords = n;
	return w;
}

/* "sshcommand [options] host": words split on blanks, host last. */
static const char *with_command(struct sshlogin *s, const char *t)
{
	size_t n;
	char **w = sshlogin_words(t, &n);
	const char *why;

	s->cmd = w;
	if (n < 2)
		return "an ssh command needs a host after it";
	/* The host is the last word; the words before it run it. */
	why = user_host_port(s, w[n - 1]);
	free(w[n - 1]);
	w[n - 1] = NULL;
	return why;
}

/* One login, T[0..N) with escapes already removed, into L. */
static const char *one(struct sshlogins *l, const char *t)
{
	struct sshlogin *s;
	const char *why;
	int slots = 0;

	while (*t == ' ' || *t == '\t')
		t++;
	if (!*t)
		return "empty sshlogin";
	if ((why = slots_prefix(&t, &slots)) != NULL)
		return why;
	s = add(l);
	s->slots = slots;
	s->text = dupn(t, strlen(t));
	/* Blanks at the end are not part of a host. */
	for (size_t k = strlen(s->text); k && strchr(" \t", s->text[k - 1]); k--)
		s->text[k - 1] = '\0';
	if (strcmp(s->text, ":") == 0) {
		s->local = true;
		return NULL;
	}
	why = strpbrk(s->text, " \t") ? with_command(s, s->text)
				      : user_host_port(s, s->text);
	if (why) {
		login_free(s);
		l->n--;
	}
	return why;
}

const char *sshlogin_parse(struct sshlogins *l, const char *arg)
{
	size_t n = strlen(arg);
	char *buf = xmalloc(n + 1);
	const char *why = NULL;
	size_t k = 0;

	for (const char *p = arg;; p++) {
		if (*p == '\\' && p[1] == ',') {
			buf[k++] = ',';
			p++;
			continue;
		}
		if (*p == ',' || *p == '\0') {
			buf[k] = '\0';
			if ((why = one(l, buf)) != NULL || *p == '\0')
				break;
			k = 0;
			continue;
		}
		buf[k++] = *p;
	}
	free(buf);
	return why;
}

const char *sshlogin_parse_file(struct sshlogins *l, const char *text,
				size_t n, size_t *line)
{
	const char *end = text + n;

	*line = 0;
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);
		char *s = dupn(text, len);
		const char *why = NULL;
		char *p = s;

		++*line;
		if (len && s[len - 1] == '\r')
			s[len - 1] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != '#')
			why = sshlogin_parse(l, p);
		free(s);
		if (why)
			return why;
		text += len + (nl != NULL);
	}
	return NULL;
}

void sshlogins_free(struct sshlogins *l)
{
	for (size_t i = 0; i < l->n; i++)
		login_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
