/* fs/options.h — the command-line options ptfs and ptwalk share. */
#ifndef PTFS_OPTIONS_H
#define PTFS_OPTIONS_H

#include "ptview.h"

/* The options ptfs and ptwalk share, parsed the same way by both:
 *   --mode x86|pae|x64|la57   --os windows|linux   --no-scan
 *   --dirbase HEX (repeatable)   --process CID:DIRBASE[:NAME] (repeatable)
 *   --processes FILE (WinDbg's !process 0 0 text)   --no-kernel-data
 *   --phys-base ADDR (hex: a raw image's first byte's physical address)
 * each as "--opt value" or "--opt=value". */
struct ptv_options {
	struct ptv_config config;     /* dump_path left to the caller */
	uint64_t *dirbases;           /* owned; config.discover points here */
	struct ptw_process_spec *procs;
	struct ptw_process_spec *listing;
};

/* If argv[*i] is one of the options above, take it (and its value, moving
 * *i past it) and return 1; return 0 if it is not ours; return -1 with err
 * filled if its value is bad. */
int ptv_take_option(struct ptv_options *o, int argc, char **argv, int *i,
		    struct ptw_error *err);
void ptv_options_free(struct ptv_options *o);

/* The usage lines of those options, for --help texts. */
extern const char ptv_options_help[];

#endif
