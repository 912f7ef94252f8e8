/*
 * capsrv - the test service of bench/adaptive.sh: a fixed capacity, and a
 * latency that grows past it.
 *
 *   capsrv serve SOCKET CAP BASE_MS     serve until killed
 *   capsrv ask SOCKET [RECORD]          one request; exit 0 on its answer
 *
 * The server serves CAP requests at a time, in arrival order; the others
 * wait in its queue. A request's service takes BASE_MS, plus 2% for every
 * request still queued when it starts (the server thrashes a little under
 * load, as real ones do): throughput peaks at exactly CAP in flight and
 * falls slowly past it, while latency grows steeply. So the best fixed -j
 * is CAP, and a runner that does not know CAP has to find it.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PENALTY 0.02

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static unsigned long next_ticket, serving;      /* FIFO order */
static int busy, cap;
static double base_ms;

static void *serve_one(void *arg)
{
	int fd = (int)(long)arg;
	unsigned long t;
	double ms;
	struct timespec ts;

	pthread_mutex_lock(&mu);
	t = next_ticket++;
	while (serving != t || busy >= cap)
		pthread_cond_wait(&cv, &mu);
	busy++;
	serving++;
	ms = base_ms * (1 + PENALTY * (double)(next_ticket - serving));
	pthread_mutex_unlock(&mu);
	pthread_cond_broadcast(&cv);
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	nanosleep(&ts, NULL);
	pthread_mutex_lock(&mu);
	busy--;
	pthread_mutex_unlock(&mu);
	pthread_cond_broadcast(&cv);
	(void)write(fd, "ok\n", 3);
	close(fd);
	return NULL;
}

static struct sockaddr_un addr(const char *path)
{
	struct sockaddr_un a;

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	return a;
}

static int serve(const char *path)
{
	struct sockaddr_un a = addr(path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	pthread_attr_t at;

	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(s, 4096) < 0) {
		perror("capsrv: serve");
		return 1;
	}
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 64 * 1024);
	for (;;) {
		int fd = accept(s, NULL, NULL);
		pthread_t t;

		if (fd < 0)
			continue;
		if (pthread_create(&t, &at, serve_one, (void *)(long)fd) != 0)
			close(fd);
	}
}

static int ask(const char *path)
{
	struct sockaddr_un a = addr(path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[8];

	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("capsrv: ask");
		return 1;
	}
	return read(s, buf, sizeof buf) == 3 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "serve") == 0) {
		cap = atoi(argv[3]);
		base_ms = atof(argv[4]);
		return serve(argv[2]);
	}
	if (argc >= 3 && strcmp(argv[1], "ask") == 0)
		return ask(argv[2]);
	fprintf(stderr, "usage: capsrv serve SOCKET CAP BASE_MS | "
		"capsrv ask SOCKET [RECORD]\n");
	return 2;
}
