/*
 * carto's help texts: the short usage, and one page per command for
 * carto help COMMAND and carto COMMAND --help. The man page carto(1)
 * (docs/carto.1) says the same at length. Only main.c includes this header.
 */
#ifndef CARTO_HELP_H
#define CARTO_HELP_H

#include <stdio.h>

/* Prints the usage of every command. */
void help_usage(FILE *f);
/* Prints the help of command cmd. Returns 0, or -1 when cmd is not a
 * command (nothing printed). */
int help_command(FILE *f, const char *cmd);

#endif
