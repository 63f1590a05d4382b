/* fuzz_scan.c — libFuzzer target: discovery of the paging mode and the
 * address spaces (the physical scan across x64, PAE and x86, KPTI pairs,
 * and the dump's own CR3 and VMCOREINFO when the input is an ELF core).
 *
 * The input is physical memory (raw from address 0, or any dump format the
 * walker detects).  ptw_discover runs with default options (mode detection,
 * full scan) on one thread.  With nothing given on the command line, it has
 * no reason to fail but memory, whatever the dump holds: a dump with odd
 * contents must still mount, with fewer spaces.
 */
#include "fuzz_common.h"

static bool in_list(const struct ptw_spaces *sp, uint64_t dirbase)
{
	return ptw_spaces_find(sp, dirbase) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptw_dump *d = NULL;
	if (ptw_dump_open_memory(data, size, &d, NULL))
		return 0;
	struct ptw_discover_opts o = { .mode = NULL, .threads = 1 };
	struct ptw_spaces sp;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_discover(d, &o, &sp, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		if (rc != PTW_ERR_NOMEM) {
			fprintf(stderr, "ptw_discover refused a %s dump: %s\n",
				ptw_dump_format(d), err.msg);
			FUZZ_CHECK(!"discovery fails without command-line input");
		}
		ptw_dump_close(d);
		return 0;
	}
	FUZZ_CHECK(sp.mode != NULL);
	FUZZ_CHECK(memchr(sp.mode_how, '\0', sizeof sp.mode_how) != NULL);
	FUZZ_CHECK(sp.mode_how[0] != '\0');
	FUZZ_CHECK(sp.n == 0 || sp.v != NULL);
	FUZZ_CHECK(sp.scan.threads == 1);
	for (size_t i = 0; i < sp.n; i++) {
		const struct ptw_space *s = &sp.v[i];
		/* Sorted by DirBase, one entry each, all usable. */
		if (i)
			FUZZ_CHECK(s->dirbase > sp.v[i - 1].dirbase);
		FUZZ_CHECK(s->dump == d && s->mode == sp.mode);
		FUZZ_CHECK(ptw_spaces_find(&sp, s->dirbase) == s);
		FUZZ_CHECK(s->found != 0);
		struct ptw_space again;
		FUZZ_CHECK(ptw_space_init(&again, d, sp.mode, s->dirbase, NULL) == 0);
		/* A KPTI pair names each other, 4 KiB apart, kernel copy first. */
		if (s->kpti_peer) {
			FUZZ_CHECK(in_list(&sp, s->kpti_peer));
			FUZZ_CHECK(s->kpti_user ? s->kpti_peer + FUZZ_PAGE == s->dirbase
						: s->dirbase + FUZZ_PAGE == s->kpti_peer);
		}
		char how[256];
		ptw_found_string(s, how, sizeof how);
		FUZZ_CHECK(memchr(how, '\0', sizeof how) != NULL);
		char tiny[5];
		ptw_found_string(s, tiny, sizeof tiny);
		FUZZ_CHECK(memchr(tiny, '\0', sizeof tiny) != NULL);
		(void)ptw_space_selfmap(s);
	}
	ptw_spaces_free(&sp);
	FUZZ_CHECK(sp.v == NULL && sp.n == 0);
	ptw_dump_close(d);
	return 0;
}
