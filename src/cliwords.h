/*
 * cliwords.h - the words after the options: COMMAND [ARG...] and GNU
 * parallel's input sources after it: "::: ARG...", ":::: FILE...", and the
 * linked ":::+ ARG..." and "::::+ FILE..." (see sources.h for what they
 * mean).
 */
#ifndef FANOUT_CLIWORDS_H
#define FANOUT_CLIWORDS_H

#include "opts.h"

/* Add the input source FILE (-a FILE, ":::: FILE") to O. */
void cliwords_add_file(struct opts *o, const char *file, bool linked);

/* Fill O's cmd and its input sources from ARGV[I..ARGC), or exit 2. */
void cliwords_split(struct opts *o, int argc, char **argv, int i);

#endif
