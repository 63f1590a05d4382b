/* translate.c — the walker library in a few lines: open a dump, find its
 * address spaces, and translate one virtual address the way !vtop does.
 *
 *   translate DUMP            list the address spaces found
 *   translate DUMP DIRBASE VA walk VA through the tables at DIRBASE
 */
#include "ptwalk.h"

#include <inttypes.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 4) {
		fprintf(stderr, "usage: translate DUMP [DIRBASE VA]\n");
		return 2;
	}
	struct ptw_error err;
	ptw_dump *d;
	if (ptw_dump_open(argv[1], &d, &err)) {
		fprintf(stderr, "translate: %s\n", err.msg);
		return 1;
	}
	struct ptw_discover_opts opts = {0};
	struct ptw_spaces spaces;
	if (ptw_discover(d, &opts, &spaces, &err)) {
		fprintf(stderr, "translate: %s\n", err.msg);
		ptw_dump_close(d);
		return 1;
	}
	int rc = 0;
	if (argc == 2) {
		printf("%s dump, %s paging (%s)\n", ptw_dump_format(d),
		       spaces.mode->name, spaces.mode_how);
		for (size_t i = 0; i < spaces.n; i++) {
			char how[256];
			ptw_found_string(&spaces.v[i], how, sizeof how);
			printf("  %" PRIx64 "  %s\n", spaces.v[i].dirbase, how);
		}
		goto out;
	}
	uint64_t dirbase, va;
	struct ptw_space s;
	struct ptw_xlat x;
	if (ptw_parse_hex(argv[2], &dirbase, &err) || ptw_parse_hex(argv[3], &va, &err) ||
	    ptw_space_init(&s, d, spaces.mode, dirbase, &err) ||
	    ptw_translate(&s, va, &x, &err)) {
		fprintf(stderr, "translate: %s\n", err.msg);
		rc = 1;
		goto out;
	}
	for (unsigned l = 0; l < x.nsteps; l++) {
		char flags[16];
		ptw_flags_string(s.mode, l, x.step[l].entry, flags);
		printf("%-6s at %" PRIx64 " contains %016" PRIx64 "  %s\n",
		       s.mode->level[l].entry_name, x.step[l].addr, x.step[l].entry, flags);
	}
	if (x.status == PTW_MAPPED)
		printf("%" PRIx64 " -> %" PRIx64 " (%" PRIu64 " KiB page)\n", va, x.pa,
		       x.page_size >> 10);
	else
		printf("%" PRIx64 " does not translate\n", va);
out:
	ptw_spaces_free(&spaces);
	ptw_dump_close(d);
	return rc;
}
