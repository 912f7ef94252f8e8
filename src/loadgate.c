/*
 * loadgate.c - --memfree and --load (see loadgate.h).
 */
#include "loadgate.h"

#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define LOOK_MS 500

static struct loadgate_conf conf;
static int stop_fd = -1;
static atomic_bool on, said_unknown, said_waiting;

void loadgate_init(const struct loadgate_conf *c, int fd)
{
	conf = *c;
	stop_fd = fd;
	atomic_store(&on, c->memfree > 0 || c->load > 0);
}

const char *loadgate_why(const struct loadgate_conf *c, int64_t mem,
			 double load)
{
	if (c->memfree && mem >= 0 && (uint64_t)mem < c->memfree)
		return "MemAvailable is below --memfree";
	if (c->load > 0 && load >= 0 && load > c->load)
		return "the load average is above --load";
	return NULL;
}

int loadgate_victim(uint64_t memfree, int64_t mem, const uint64_t *started,
		    int n, bool stopping)
{
	int young = -1, running = 0;

	if (!memfree || mem < 0 || stopping || (uint64_t)mem * 2 >= memfree)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!started[i])
			continue;
		running++;
		if (young < 0 || started[i] > started[young])
			young = i;
	}
	return running >= 2 ? young : -1;
}

int64_t loadgate_meminfo(const char *text)
{
	const char *p = strstr(text, "MemAvailable:");
	char *end;
	long long kb;

	if (!p || (p != text && p[-1] != '\n'))
		return -1;
	kb = strtoll(p + strlen("MemAvailable:"), &end, 10);
	if (end == p + strlen("MemAvailable:") || kb < 0)
		return -1;
	while (*end == ' ')
		end++;
	return strncmp(end, "kB", 2) == 0 ? (int64_t)kb * 1024 : -1;
}

double loadgate_loadavg(const char *text)
{
	char *end;
	double v = strtod(text, &end);

	return end == text || v < 0 ? -1 : v;
}

/* The text of FILE (a small /proc file) into BUF; false if unreadable. */
static bool slurp(const char *file, char *buf, size_t n)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t k;

	if (fd < 0)
		return false;
	k = read(fd, buf, n - 1);
	close(fd);
	if (k <= 0)
		return false;
	buf[k] = '\0';
	return true;
}

int64_t loadgate_memavail(void)
{
	char buf[4096];

	return slurp("/proc/meminfo", buf, sizeof buf) ? loadgate_meminfo(buf)
						       : -1;
}

/* Why no job may start now, from fresh readings; NULL if one may. */
static const char *look(void)
{
	char buf[4096];
	int64_t mem = -1;
	double load = -1;

	if (conf.memfree && slurp("/proc/meminfo", buf, sizeof buf))
		mem = loadgate_meminfo(buf);
	if (conf.load > 0 && slurp("/proc/loadavg", buf, sizeof buf))
		load = loadgate_loadavg(buf);
	if (((conf.memfree && mem < 0) || (conf.load > 0 && load < 0)) &&
	    !atomic_exchange(&said_unknown, true))
		warning("cannot read /proc/meminfo or /proc/loadavg: "
			"--memfree and --load let every job start");
	return loadgate_why(&conf, mem, load);
}

bool loadgate_pass(void)
{
	const char *why;

	if (!atomic_load(&on))
		return true;
	while ((why = look()) != NULL) {
		struct pollfd p = { .fd = stop_fd, .events = POLLIN };

		if (!atomic_exchange(&said_waiting, true))
			warning("waiting to start jobs: %s", why);
		if (poll(&p, 1, LOOK_MS) > 0)
			return false;   /* the run stopped while we waited */
	}
	return true;
}
