/*
 * hostloss.c - when a remote job that keeps losing its host fails (see
 * hostloss.h).
 */
#include "hostloss.h"

#include <string.h>

bool hostloss_add(const char **first, const char *host)
{
	if (!*first) {
		*first = host;
		return false;
	}
	return strcmp(*first, host) != 0;
}
