/* fuzz_owners.c — libFuzzer target: Linux processes from hostile kernel
 * memory (owners/linux.c: kallsyms, BTF, the task list) and the VMCOREINFO
 * text found in physical memory (dump/vmcoreinfo.c).
 *
 * Input: byte 0 bit 0 selects the kernel: clear x86-64 (8-byte pointers,
 * direct map at ffff888000000000), set 32-bit PAE (4-byte pointers, lowmem
 * at c0000000); bytes 1-24 are six little-endian u32 offsets into the blob
 * of kallsyms_names, kallsyms_num_syms, kallsyms_token_table,
 * kallsyms_token_index, kallsyms_offsets and kallsyms_relative_base; the
 * rest is the blob, the kernel memory the fuzzer controls.
 *
 * The harness lays out physical memory: page 0 a VMCOREINFO text naming
 * the kernel page table and the six tables (at direct-map addresses of the
 * blob), pages 1-3 that page table (the direct map over the first GiB,
 * and on x86-64 the kernel image map so that the text's init_top_pgt maps
 * itself), the blob from OWNERS_BLOB_PA.  The image is opened raw, so the
 * text is found by searching memory; then ptw_discover (without the scan)
 * and ptw_owners_linux run over it.  Everything in the blob -- symbol
 * counts and lengths, tokens, BTF records and ids, task links, mm and pgd
 * pointers -- is hostile; the walk must stay bounded and fail with a
 * message, or give records that make sense.
 *
 * tests/fuzz/seeds.c writes seeds in this form (OWNERS_* there match).
 */
#include "fuzz_common.h"
#include "fuzz_kernel.h"
#include "owners/owners.h"

#define OWNERS_BLOB_PA   0x10000ULL
#define OWNERS_HEADER    25

static const char *const tables[6] = {
	"kallsyms_names", "kallsyms_num_syms", "kallsyms_token_table",
	"kallsyms_token_index", "kallsyms_offsets", "kallsyms_relative_base",
};

FUZZ_NO_COVERAGE
static void check_owners(const struct ptw_space *k, int rc,
			 const struct ptw_owners *o, const char *how,
			 size_t howsz, const struct ptw_error *err)
{
	if (rc) {
		fuzz_check_error(rc, err);
		FUZZ_CHECK(rc == PTW_ERR_NOT_FOUND || rc == PTW_ERR_NOMEM);
		FUZZ_CHECK(o->n == 0);
		return;
	}
	FUZZ_CHECK(memchr(how, '\0', howsz) && how[0]);
	FUZZ_CHECK(o->n >= 1);
	bool swapper = false;
	for (size_t i = 0; i < o->n; i++) {
		const struct ptw_owner *p = &o->v[i];
		FUZZ_CHECK(memchr(p->name, '\0', sizeof p->name));
		for (const char *c = p->name; *c; c++)
			FUZZ_CHECK(*c >= 0x20 && *c < 0x7f);
		/* pids as Linux has them: 0 .. PID_MAX_LIMIT (4M) */
		FUZZ_CHECK(p->cid >= 0 && p->cid <= 4194304);
		FUZZ_CHECK(p->ppid >= -1 && p->ppid <= 4194304);
		FUZZ_CHECK(p->user_dirbase == 0 || p->user_dirbase == p->dirbase + 0x1000);
		for (size_t j = 0; j < i; j++)        /* one record per table */
			FUZZ_CHECK(o->v[j].dirbase != p->dirbase);
		swapper |= p->cid == 0 && p->dirbase == k->dirbase;
	}
	FUZZ_CHECK(swapper);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < OWNERS_HEADER || size > (64u << 20))
		return 0;
	bool pae = data[0] & 1;
	uint64_t direct = pae ? DIRECT_PAE : DIRECT_X64;
	size_t blob = size - OWNERS_HEADER;
	size_t imgsz = OWNERS_BLOB_PA + blob;
	uint8_t *img = calloc(1, imgsz);
	if (!img)
		return 0;
	memcpy(img + OWNERS_BLOB_PA, data + OWNERS_HEADER, blob);
	if (pae)
		tables_pae(img);
	else
		tables_x64(img);
	char *text = (char *)img;
	int len = snprintf(text, 4096, "OSRELEASE=6.1.0-fuzz-owners\nPAGESIZE=4096\n%s",
			   pae ? "SYMBOL(swapper_pg_dir)=c0001000\nCONFIG_X86_PAE=y\n"
			       : "SYMBOL(init_top_pgt)=ffffffff80001000\n"
				 "NUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\n");
	for (unsigned i = 0; i < 6; i++) {
		uint32_t off = (uint32_t)fuzz_le64(data, OWNERS_HEADER, 1 + 4 * i);
		len += snprintf(text + len, 4096 - (size_t)len, "SYMBOL(%s)=%llx\n", tables[i],
				(unsigned long long)(direct + OWNERS_BLOB_PA + off));
	}

	ptw_dump *d;
	struct ptw_error err = {0};
	int rc = ptw_dump_open_memory(img, imgsz, &d, &err);
	FUZZ_CHECK(rc == 0);
	/* Page 0's text is this boot's (its page table maps itself): it wins
	 * over any text the blob holds.  (Searched for on first use.) */
	FUZZ_CHECK(ptw_dump_vmcoreinfo(d, NULL) != NULL);
	FUZZ_CHECK(d->vmcoreinfo_pa == 0);

	struct ptw_discover_opts o = { .no_scan = true, .threads = 1 };
	struct ptw_spaces sp;
	rc = ptw_discover(d, &o, &sp, &err);
	if (rc)
		fuzz_check_error(rc, &err);
	else {
		FUZZ_CHECK(sp.os == PTW_OS_LINUX);
		FUZZ_CHECK(sp.owners_how[0] && memchr(sp.owners_how, '\0', sizeof sp.owners_how));
		ptw_spaces_free(&sp);
	}

	struct ptw_space k;
	rc = ptw_space_init(&k, d, ptw_mode_get(pae ? PTW_MODE_PAE : PTW_MODE_X64),
			    0x1000, &err);
	FUZZ_CHECK(rc == 0);
	struct ptw_owners own = {0};
	char how[256];
	how[0] = '\0';
	rc = ptw_owners_linux(&k, &own, how, sizeof how, &err);
	check_owners(&k, rc, &own, how, sizeof how, &err);
	ptw_owners_free(&own);
	ptw_dump_close(d);
	free(img);
	return 0;
}
