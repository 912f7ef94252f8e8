/*
 * hostloss.c - when a remote job that keeps losing its host fails (see
 * hostloss.h).
 */
#include "hostloss.h"

#include <string.h>

bool hostloss_add(struct hostloss *l, const char *host)
{
	l->times++;
	if (!l->host[0])
		l->host[0] = host;
	else if (!l->host[1] && strcmp(l->host[0], host) != 0)
		l->host[1] = host;
	return l->host[1] || l->times >= HOSTLOSS_TIMES;
}
