/* fs/usage.c — the one table of ptfs's and ptwalk's options and ptwalk's
 * commands, and their --help form (the man pages' form is mkman.c's). */
#include "usage.h"

#include <stdbool.h>
#include <string.h>

/* Rows in the order --help and the man pages list them: the shared
 * options, each front end's own, then --version and --help. */
const struct ptv_option_doc ptv_option_table[] = {
	{ PTV_OPT_MODE, PTV_BOTH, "--mode", NULL, "MODE",
	  "paging mode: x86, pae, x64, la57, arm64-<4k|16k|64k>-<VA bits 36..52> "
	  "(default: from the dump)" },
	{ PTV_OPT_OS, PTV_BOTH, "--os", NULL, "windows|linux",
	  "whose tables, for non-present entries (default: from the dump)" },
	{ PTV_OPT_DIRBASE, PTV_BOTH, "--dirbase", NULL, "HEX",
	  "add an address space (repeatable)" },
	{ PTV_OPT_PROCESS, PTV_BOTH, "--process", NULL, "CID:DIRBASE[:NAME]",
	  "add a named process (repeatable)" },
	{ PTV_OPT_PROCESSES, PTV_BOTH, "--processes", NULL, "FILE",
	  "name processes from the text of WinDbg's !process 0 0 "
	  "(Cid, ParentCid, DirBase, Image)" },
	{ PTV_OPT_NO_KERNEL_DATA, PTV_BOTH, "--no-kernel-data", NULL, NULL,
	  "do not read process lists from kernel memory" },
	{ PTV_OPT_NO_SCAN, PTV_BOTH, "--no-scan", NULL, NULL,
	  "do not scan memory for page tables" },
	{ PTV_OPT_PHYS_BASE, PTV_BOTH, "--phys-base", NULL, "ADDR",
	  "raw image whose first byte is physical address ADDR, hex "
	  "(arm64 RAM often starts at 0x40000000 or 0x80000000)" },
	{ PTV_OPT_ALL, PTV_PTWALK, "--all", NULL, NULL,
	  "no page limit for pte START END" },
	{ PTV_OPT_JSON, PTV_PTWALK, "--json", NULL, NULL,
	  "info, ps, vms, pte, vtop, ptov and maps as JSON: one document, or one per "
	  "line for tables (JSON Lines); addresses as \"0x...\" strings" },
	{ PTV_OPT_VM, PTV_PTWALK, "--vm", NULL, "ID",
	  "run the command on the guest whose nested page table is at host "
	  "physical address ID, hex (see the vms command): its physical "
	  "memory, vCPUs and address spaces; the options of discovery "
	  "(--mode, --os, --dirbase, --process, --processes, --no-kernel-data) "
	  "are then the guest's" },
	{ PTV_OPT_FUSE, PTV_PTFS, "-f", NULL, NULL,
	  "stay in the foreground" },
	{ PTV_OPT_FUSE, PTV_PTFS, "-d", NULL, NULL,
	  "print every FUSE request and reply on stderr (implies -f)" },
	{ PTV_OPT_FUSE, PTV_PTFS, "-s", NULL, NULL,
	  "serve requests in one thread" },
	{ PTV_OPT_FUSE, PTV_PTFS, "-o", NULL, "OPT[,OPT...]",
	  "FUSE mount options (allow_other, ...); the mount is always read-only" },
	{ PTV_OPT_VERSION, PTV_BOTH, "--version", NULL, NULL,
	  "print the version, then exit" },
	{ PTV_OPT_HELP, PTV_BOTH, "--help", "-h", NULL,
	  "print this help, then exit" },
};
const size_t ptv_option_count = sizeof ptv_option_table / sizeof ptv_option_table[0];

const struct ptv_command_doc ptv_command_table[] = {
	{ "info", "", "what the mount's /info shows: the dump, its memory, vCPUs, "
	  "paging mode and every address space" },
	{ "ps", "", "the address spaces: cid, parent, DirBase, mode, name, "
	  "where the owner came from, how the space was found" },
	{ "vms", "", "the guests of a hypervisor found in memory (AMD SVM): "
	  "nested root (the ID of --vm and /vm/ID), vCPUs, modes, memory mapped, "
	  "the VMM's address space" },
	{ "pte", "VA", "WinDbg's !pte VA (a self-map address: the !pte PTE form)" },
	{ "pte", "START END", "!pte for every page of the range (at most 65536 "
	  "pages unless --all)" },
	{ "pte", "ADDR 1", "WinDbg's !pte LiteralAddress 1: the entry at ADDR (a "
	  "self-map VA, else physical) read as a PDE and as a PTE" },
	{ "vtop", "DIRBASE VA", "WinDbg's !vtop (DIRBASE 0: the default address space)" },
	{ "ptov", "DIRBASE", "WinDbg's !ptov" },
	{ "maps", "DIRBASE", "the mount's maps file" },
	{ "layout", "DIRBASE", "the mount's layout.svg: a picture of the space" },
	{ "read", "DIRBASE VA LEN", "LEN bytes of virtual memory to stdout "
	  "(unmapped: zeros)" },
	{ "phys", "PA LEN", "LEN bytes of physical memory to stdout (holes: zeros)" },
};
const size_t ptv_command_count = sizeof ptv_command_table / sizeof ptv_command_table[0];

static int same(const char *name, const char *s, size_t len)
{
	return name && strlen(name) == len && !memcmp(name, s, len);
}

const struct ptv_option_doc *ptv_option_find(unsigned tool, const char *name,
					     size_t len)
{
	for (size_t k = 0; k < ptv_option_count; k++) {
		const struct ptv_option_doc *o = &ptv_option_table[k];
		if ((o->tools & tool) &&
		    (same(o->name, name, len) || same(o->alias, name, len)))
			return o;
	}
	return NULL;
}

int ptv_command_known(const char *name)
{
	for (size_t k = 0; k < ptv_command_count; k++)
		if (!strcmp(ptv_command_table[k].name, name))
			return 1;
	return 0;
}

/* Help texts start in this column; a longer name puts its help on the
 * next line.  Lines end by column 80. */
enum { OPTION_COLUMN = 32, COMMAND_COLUMN = 24, WIDTH = 80 };

/* "  TAG" and its help from column col, wrapped at word breaks. */
static void print_row(FILE *f, const char *tag, const char *help, int col)
{
	int at = fprintf(f, "  %s", tag);
	const char *p = help;
	bool first = true;
	while (*p) {
		size_t word = strcspn(p, " ");
		if (first || at + 1 + (int)word > WIDTH) {
			if (!first || at + 2 > col) {
				fputc('\n', f);
				at = 0;
			}
			at += fprintf(f, "%*s%.*s", col - at, "", (int)word, p);
		} else {
			at += fprintf(f, " %.*s", (int)word, p);
		}
		first = false;
		p += word;
		p += strspn(p, " ");
	}
	fputc('\n', f);
}

void ptv_print_options(FILE *f, unsigned tool)
{
	for (size_t k = 0; k < ptv_option_count; k++) {
		const struct ptv_option_doc *o = &ptv_option_table[k];
		if (!(o->tools & tool))
			continue;
		char tag[96];
		snprintf(tag, sizeof tag, "%s%s%s%s%s", o->alias ? o->alias : "",
			 o->alias ? ", " : "", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		print_row(f, tag, o->help, OPTION_COLUMN);
	}
}

void ptv_print_commands(FILE *f)
{
	for (size_t k = 0; k < ptv_command_count; k++) {
		const struct ptv_command_doc *c = &ptv_command_table[k];
		char tag[96];
		snprintf(tag, sizeof tag, "%s%s%s", c->name, *c->args ? " " : "", c->args);
		print_row(f, tag, c->help, COMMAND_COLUMN);
	}
}
