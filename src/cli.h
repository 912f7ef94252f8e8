/*
 * cli.h - the command line: the option table, parsing and validation.
 *
 * Every value is checked here, before anything runs; a bad one ends fanout
 * with "fanout: <what is wrong>" and exit status 2. The same table prints
 * --help, so the help cannot drift from what is parsed.
 */
#ifndef FANOUT_CLI_H
#define FANOUT_CLI_H

#include "opts.h"

/* Fill O from ARGV, or exit 2 with a message; exits 0 for --help/--version. */
void cli_parse(struct opts *o, int argc, char **argv);

#endif
