/* fuzz_windows.c — libFuzzer target: a Windows crash dump through
 * discovery, to the owners its EPROCESS list names.
 *
 * The input is a small crash dump (seeds: generated kernels of Windows 7,
 * 10 and 11 x64 and Windows 7 x86/PAE, each dump type; fuzz-seeds writes
 * them).  A dump that opens is discovered (one thread, with the scan), and
 * the result checked: spaces sorted and distinct; every owner's space the
 * one its DirBase finds; names NUL-terminated, at most ImageFileName's 15
 * bytes from the list and free of control characters; the list walked
 * again directly from the kernel's table, its records well formed, and
 * failures with a code and a message.
 */
#include "fuzz_common.h"

#include "owners/owners.h"

/* The walker's records, from the header's DirBase, checked one by one. */
static void check_walk(const ptw_dump *d, const struct ptw_spaces *sp)
{
	const struct ptw_dump_hints *h = ptw_dump_hints(d);
	const struct ptw_space *k = NULL;
	for (size_t i = 0; i < sp->n && !k; i++)
		if (sp->v[i].found & PTW_FOUND_HEADER)
			k = &sp->v[i];
	if (!k)
		return;
	struct ptw_owners own = {0};
	struct ptw_error err = { .code = -1 };
	char how[256];
	memset(how, 'x', sizeof how);
	int rc = ptw_owners_windows(k, &own, how, sizeof how, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_NOT_FOUND || rc == PTW_ERR_NOMEM);
		FUZZ_CHECK(own.n == 0);
	} else {
		FUZZ_CHECK(memchr(how, '\0', sizeof how) != NULL);
		FUZZ_CHECK(strncmp(how, "EPROCESS list: ", 15) == 0);
		FUZZ_CHECK(own.n <= 65536);
		FUZZ_CHECK(h->ps_active_process_head != 0);
	}
	const struct ptw_mode *m = k->mode;
	for (size_t i = 0; i < own.n; i++) {
		const struct ptw_owner *o = &own.v[i];
		FUZZ_CHECK(o->dirbase != 0 && (o->dirbase & ~m->dirbase_mask) == 0);
		FUZZ_CHECK(o->user_dirbase == 0 ||
			   (o->user_dirbase != o->dirbase &&
			    (o->user_dirbase & ~m->dirbase_mask) == 0 &&
			    ptw_phys_holds(d, o->user_dirbase, FUZZ_PAGE)));
		FUZZ_CHECK(memchr(o->name, '\0', 16) != NULL);
		for (const char *c = o->name; *c; c++)
			FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f);
		FUZZ_CHECK(o->ppid >= -1 && o->cid >= -1);
	}
	ptw_owners_free(&own);
}

static void check_spaces(const struct ptw_spaces *sp)
{
	FUZZ_CHECK(memchr(sp->owners_how, '\0', sizeof sp->owners_how) != NULL);
	for (size_t i = 0; i < sp->n; i++) {
		const struct ptw_space *s = &sp->v[i];
		if (i)
			FUZZ_CHECK(sp->v[i - 1].dirbase < s->dirbase);
		FUZZ_CHECK(ptw_spaces_find(sp, s->dirbase) == s);
		FUZZ_CHECK(memchr(s->name, '\0', sizeof s->name) != NULL);
		if (s->owner_from != PTW_OWNER_WINDOWS_EPROCESS)
			continue;
		FUZZ_CHECK(strlen(s->name) <= 15);
		FUZZ_CHECK(s->found & PTW_FOUND_PROCLIST);
		FUZZ_CHECK(s->os == PTW_OS_WINDOWS);
		FUZZ_CHECK(strncmp(sp->owners_how, "EPROCESS list: ", 15) == 0);
		if (s->kpti_user)
			FUZZ_CHECK(s->kpti_peer != s->dirbase);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptw_dump *d = NULL;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_dump_open_memory(data, size, &d, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return 0;
	}
	struct ptw_discover_opts o = { .threads = 1 };
	struct ptw_spaces sp;
	rc = ptw_discover(d, &o, &sp, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		ptw_dump_close(d);
		return 0;
	}
	if (ptw_dump_hints(d)->os == PTW_OS_WINDOWS)
		FUZZ_CHECK(sp.os == PTW_OS_WINDOWS);
	check_spaces(&sp);
	check_walk(d, &sp);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	return 0;
}
