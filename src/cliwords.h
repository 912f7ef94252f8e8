/*
 * cliwords.h - the words after the options: COMMAND [ARG...] and its one
 * input source, "::: ARG..." or ":::: FILE".
 *
 * GNU parallel's forms for several input sources (a second ::: or ::::,
 * :::+, ::::+) are not supported yet. They are refused with exit
 * status 2 rather than taken as records, arguments or literal text: a
 * command never runs with a separator as its argument.
 */
#ifndef FANOUT_CLIWORDS_H
#define FANOUT_CLIWORDS_H

#include "cli.h"

/* Fill O's cmd, args and arg_file from ARGV[I..ARGC), or exit 2. */
void cliwords_split(struct opts *o, int argc, char **argv, int i);

#endif
