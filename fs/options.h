/* fs/options.h — the command-line options ptfs and ptwalk share. */
#ifndef PTFS_OPTIONS_H
#define PTFS_OPTIONS_H

#include "ptview.h"
#include "usage.h"

/* What the shared options (usage.h: --mode, --os, --dirbase, --process,
 * --processes, --no-kernel-data, --no-scan, --phys-base) set. */
struct ptv_options {
	struct ptv_config config;     /* dump_path left to the caller */
	uint64_t *dirbases;           /* owned; config.discover points here */
	struct ptw_process_spec *procs;
	struct ptw_process_spec *listing;
};

/* argv[*i], if it is an option (starts with '-' and is not "-"), looked up
 * in usage.h's table among those `tool` (enum ptv_tool) takes: its row in
 * *row and its value in *value (NULL for a flag), *i moved past a value
 * given as the next argument, and the shared options applied to o; 1.
 * 0 if argv[*i] is no option.  -1 with err filled if it is none of
 * tool's, lacks its value or has a bad one. */
int ptv_take_option(struct ptv_options *o, unsigned tool, int argc, char **argv,
		    int *i, const struct ptv_option_doc **row, const char **value,
		    struct ptw_error *err);
void ptv_options_free(struct ptv_options *o);

#endif
