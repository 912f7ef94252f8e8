/*
 * test_shell_render.c - a --shell display runs as the job runs.
 *
 * Property: for random records (quotes, backquotes, $, newlines, #,
 * backslashes, "touch PWN" payloads, here-document delimiters) and a set
 * of templates putting {} in every context the lexer knows, the display
 * (tmpl_shell_display(), what --dry-run, -v and the logs show), run by
 * /bin/sh, prints exactly what the job's argv (tmpl_expand()) prints and
 * exits the same way, and neither ever creates a file in the scratch
 * directory. The seed is fixed; FANOUT_TEST_SEED picks another.
 */
#include "template.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratch.h"
#include "tap.h"

/* Records per template, and batches of two. */
#define NRECS 30
#define NPAIRS 8

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* Pieces records are made of: single bytes and whole payloads. */
static const char *const atoms[] = {
	"'", "\"", "`", "$", "\\", "\n", "#", " ", "\t", "(", ")", "{", "}",
	";", "|", "&", "*", "~", "a", "b", "EOF", "\nEOF\n", "-", "=", "%s",
	"$(touch PWN1)", "`touch PWN2`", "\ntouch PWN3\n", "';touch PWN4;'",
	"\";touch PWN5;\"", "$((1+1))", "${HOME}", "\\`touch PWN6\\`",
	"\nEOF\ntouch PWN7\n", "esac", ")touch PWN8;", "\\\"", "\\\\", "x=1",
};

/* A random NUL-free record of up to 8 atoms, in BUF. */
static const char *random_record(char *buf, size_t cap)
{
	size_t len = 0, k, n = rnd(9);

	buf[0] = '\0';
	for (k = 0; k < n; k++) {
		const char *a = atoms[rnd(sizeof atoms / sizeof atoms[0])];
		size_t l = strlen(a);

		if (len + l + 1 > cap)
			break;
		memcpy(buf + len, a, l + 1);
		len += l;
	}
	return buf;
}

/*
 * Run ARGV with stdout into OUT (CAP bytes, NUL-terminated) and stderr
 * to /dev/null; returns the wait status, or -1.
 */
static int run(char **argv, char *out, size_t cap)
{
	int fd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fd) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(fd[1], 1);
		dup2(null, 2);
		dup2(null, 0);
		close(fd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd[0]);
	out[len] = '\0';
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

/* Print S on one "# " line, escaping newlines. */
static void diag(const char *what, const char *s)
{
	printf("#   %s: ", what);
	for (; *s; s++)
		if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	printf("\n");
}

/* Display and job for RECS[0..N) of T; returns whether they agree. */
static int agree(const struct tmpl *t, struct argvbuf *ab,
		 const struct rec *recs, size_t n)
{
	static char ran[8192], shown[8192];
	char sh0[] = "/bin/sh", sh1[] = "-c";
	char *sh[] = { sh0, sh1, NULL, NULL };
	char *disp = tmpl_shell_display(t, recs, n, 3, 1);
	int st_ran = run(tmpl_expand(t, ab, recs, n, 3, 1), ran, sizeof ran);
	int st_shown;

	sh[2] = disp;
	st_shown = run(sh, shown, sizeof shown);
	if (st_ran == st_shown && strcmp(ran, shown) == 0) {
		free(disp);
		return 1;
	}
	diag("record", recs[0].s);
	diag("display", disp);
	diag("job printed", ran);
	diag("display printed", shown);
	printf("#   status %d vs %d\n", st_ran, st_shown);
	free(disp);
	return 0;
}

static void check_template(const char *dir, const char *script)
{
	static char bufs[NRECS][256];
	const char *words[] = { script, NULL };
	struct rec recs[NRECS] = { { 0 } };
	struct argvbuf ab;
	struct tmpl t;
	const char *err;
	size_t i, bad = 0;

	err = tmpl_compile(&t, TMPL_SHELL, (char **)words, 1, NULL);
	if (err) {
		ok(0, "compile: %s", err);
		return;
	}
	argvbuf_init(&ab);
	for (i = 0; i < NRECS; i++) {
		recs[i].s = random_record(bufs[i], sizeof bufs[i]);
		recs[i].len = strlen(recs[i].s);
		if (!bad && !agree(&t, &ab, &recs[i], 1))
			bad++;
	}
	for (i = 0; i + 1 < NRECS && i < 2 * NPAIRS && !bad; i += 2)
		bad += !agree(&t, &ab, &recs[i], 2);
	diag("template", script);
	ok(bad == 0 && dir_clean(dir), "display runs as the job does");
	tmpl_release(&t);
	argvbuf_release(&ab);
}

static void check_refused(const char *script, const char *want)
{
	const char *words[] = { script, NULL };
	struct tmpl t;
	const char *err = tmpl_compile(&t, TMPL_SHELL, (char **)words, 1, NULL);

	diag("template", script);
	ok(err && strstr(err, want), "refused: %s", err ? err : "(compiled)");
	if (!err)
		tmpl_release(&t);
}

int main(void)
{
	static const char *const templates[] = {
		"printf '[%s]\\n' {}",
		"printf '[%s]\\n' \"a{}b\"",
		"printf '[%s]\\n' 'a{}b' 'it'\\''s {}'",
		"printf '[%s]\\n' \\{} \"\\{}\"",
		"printf 'x\\n' # {} it's\nprintf 'y\\n'",
		"v=`printf '%s' {}`; printf '[%s]\\n' \"$v\"",
		"printf '[%s]\\n' \"`printf '%s' \"{}\"`\" `printf '%s' '{}'`",
		"v=`printf '%s' \"\\`printf '%s' {}\\`\"`; printf '[%s]\\n' \"$v\"",
		"printf '[%s]\\n' \"$(printf '%s' '{}')\" $(printf '%s' {})",
		"printf '[%s]\\n' $(( {#} * 2 )) \"$(( $(printf 1) + {%} ))\" {}",
		"cat <<EOF\n[{}] $((1+{#})) '{}' \"{}\"\nEOF\nprintf '[%s]\\n' {}",
		"cat <<-EOF\n\t[{}]\n\tEOF\nprintf '[%s]\\n' {}",
		"cat <<'EOF'; printf '[%s]\\n' {}\n{#} $HOME {\nEOF",
		"case {} in *) printf '[%s]\\n' {};; esac",
		"printf '[%s]\\n' \"$(case x in ({}) printf a;; *) printf '%s' {};; esac)\"",
		"printf '[%s]\\n' \"${UNSET_FANOUT:-{}}\" ${UNSET_FANOUT:-{}}",
		"printf '[%s]\\n' \"$(cat <<EOF\n{}\nEOF\n)\" '{}'",
		"printf '[%s]\\n' \"$(printf '%s' \"{}\")\" # {}\n",
		"printf '[%s]\\n' \"${UNSET_FANOUT:-'{}'}\" ${UNSET_FANOUT:-'{}'}",
		"cat <<EOF\n`printf '%s' {}` $(printf '%s' \"{}\")\nEOF",
		"v=$(printf '%s' {} # {}\n); printf '[%s]\\n' \"$v\"",
		"cat <<A; cat <<B\n{}\nA\n'{}'\nB\nprintf '%s\\n' {}",
		"printf '%s\\n' \"$(case {} in (x) ;; *) case y in y) printf '%s' {};; esac;; esac)\" {}",
		"v=`cat <<EOF\n{}\nEOF\n`; printf '[%s]\\n' \"$v\"",
		"if true; then case {} in esac) printf 'E\\n';; *) printf '[%s]\\n' {};; esac; fi",
	};
	char tmpl[] = "/tmp/fanout-test-render.XXXXXX";
	char *dir, cwd[4096];
	const char *seed = getenv("FANOUT_TEST_SEED");
	size_t i;

	rng_state = seed ? strtoull(seed, NULL, 10) : 20240611;
	if (!rng_state)
		rng_state = 1;
	printf("# seed %llu\n", rng_state);
	if (!getcwd(cwd, sizeof cwd) || !(dir = mkdtemp(tmpl)) ||
	    chdir(dir) < 0) {
		ok(0, "scratch directory");
		return tap_done();
	}
	unsetenv("UNSET_FANOUT");
	for (i = 0; i < sizeof templates / sizeof templates[0]; i++)
		check_template(dir, templates[i]);
	check_refused("echo $(( {} * 2 ))", "$(( ))");
	check_refused("echo $(( 1 + ({.}) ))", "'{.}' inside $(( ))");
	check_refused("cat <<'EOF'\n{}\nEOF", "quoted here-document");
	check_refused("cat <<\\EOF\n{}\nEOF", "quoted here-document");
	check_refused("cat <<E{}\nx\nE", "here-document delimiter");
	check_refused("echo ${}", "'$' just before");
	check_refused("echo \"${#}\"", "'$' just before '{#}'");
	check_refused("echo `echo \\{}`", "backslash just before");
	ok(dir_clean(dir), "nothing was injected anywhere");
	ok(chdir(cwd) == 0 && rmdir(dir) == 0, "scratch directory removed");
	return tap_done();
}
