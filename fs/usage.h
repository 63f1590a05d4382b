/* fs/usage.h — the command lines of ptfs and ptwalk, written down once.
 *
 * One table of options and one of ptwalk's commands.  From them come the
 * parsers' names (options.c takes exactly the options of this table, and
 * ptwalk runs only the commands of its table), the --help texts (below)
 * and the OPTIONS and COMMANDS sections of the man pages (mkman.c, at
 * build time), so none of them can name what another does not.
 *
 * To add an option: a value of enum ptv_opt, a row in ptv_option_table
 * (usage.c), and its case where the front end handles it (options.c for
 * the shared ones, ptfs.c or ptwalk.c for their own).
 */
#ifndef PTFS_USAGE_H
#define PTFS_USAGE_H

#include <stddef.h>
#include <stdio.h>

/* Which front ends take an option (a bit set). */
enum ptv_tool {
	PTV_PTFS = 1,
	PTV_PTWALK = 2,
	PTV_BOTH = PTV_PTFS | PTV_PTWALK,
};

/* What an option is, for the code that acts on it. */
enum ptv_opt {
	/* shared, applied to struct ptv_options by options.c */
	PTV_OPT_MODE,
	PTV_OPT_OS,
	PTV_OPT_DIRBASE,
	PTV_OPT_PROCESS,
	PTV_OPT_PROCESSES,
	PTV_OPT_NO_KERNEL_DATA,
	PTV_OPT_NO_SCAN,
	PTV_OPT_PHYS_BASE,
	/* ptwalk's */
	PTV_OPT_ALL,
	PTV_OPT_JSON,
	PTV_OPT_VM,
	/* ptfs's: FUSE's own, handed to libfuse as given */
	PTV_OPT_FUSE,
	/* both front ends' */
	PTV_OPT_VERSION,
	PTV_OPT_HELP,
};

struct ptv_option_doc {
	enum ptv_opt opt;
	unsigned tools;       /* enum ptv_tool bits */
	const char *name;     /* "--mode", or a short one ("-f") */
	const char *alias;    /* a second, short name ("-h" of --help), or NULL */
	const char *arg;      /* the value's name ("MODE"), NULL for a flag */
	const char *help;     /* one paragraph, wrapped by whoever prints it */
};

extern const struct ptv_option_doc ptv_option_table[];
extern const size_t ptv_option_count;

/* ptwalk's commands; one name may have several forms (pte VA, pte START
 * END), each a row. */
struct ptv_command_doc {
	const char *name;
	const char *args;     /* the arguments' synopsis, "" for none */
	const char *help;
};

extern const struct ptv_command_doc ptv_command_table[];
extern const size_t ptv_command_count;

/* The row of the option `tool` takes under the name of len bytes at
 * name (either of its names), or NULL. */
const struct ptv_option_doc *ptv_option_find(unsigned tool, const char *name,
					     size_t len);

/* Whether ptwalk has a command of that name. */
int ptv_command_known(const char *name);

/* The --help lists: one line per option or command, its names at the
 * left and its help wrapped to 80 columns. */
void ptv_print_options(FILE *f, unsigned tool);
void ptv_print_commands(FILE *f);

#endif
