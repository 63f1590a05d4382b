/* fuzz_kallsyms_find.c — libFuzzer target: kallsyms found in hostile kernel
 * memory (owners/kallsyms_find.c), and the owners walk over what it finds
 * (owners/linux.c without VMCOREINFO's kallsyms lines).
 *
 * Input: byte 0 bit 0 selects the kernel: clear x86-64 (8-byte pointers,
 * direct map at ffff888000000000), set 32-bit PAE (4-byte pointers, lowmem
 * at c0000000); the rest is the kernel image, which the fuzzer controls,
 * placed at KFIND_BLOB_PA and mapped there through the direct map.
 *
 * Page 0 holds a VMCOREINFO text naming the kernel page table and
 * SYMBOL(_stext) at the blob's start, and no kallsyms table; pages 1-3 the
 * page table.  ptw_ksym_find searches from the blob's start; what it
 * returns must lie in the memory searched and be consistent; then
 * ptw_owners_linux must find the same or fail with a message.
 *
 * tests/fuzz/seeds.c writes seeds in this form (gen_linux's kallsyms of
 * each era); KFIND_* there match.
 */
#include "fuzz_common.h"
#include "fuzz_kernel.h"
#include "owners/owners.h"

#define KFIND_BLOB_PA 0x10000ULL

FUZZ_NO_COVERAGE
static void check_found(int rc, const struct ptw_ksym_tables *t,
			const struct ptw_ksym_search *st, uint64_t lo, uint64_t hi,
			const struct ptw_error *err)
{
	FUZZ_CHECK(st->bytes <= PTW_KSYM_READ_MAX);
	if (rc) {
		fuzz_check_error(rc, err);
		FUZZ_CHECK(rc == PTW_ERR_NOT_FOUND || rc == PTW_ERR_NOMEM);
		return;
	}
	FUZZ_CHECK(st->candidates >= 1);
	FUZZ_CHECK(t->nsyms >= 1 && t->markers_n == (t->nsyms + 255) / 256);
	FUZZ_CHECK(t->count_size == 4 || t->count_size == 8);
	/* what the search read: the tables lie in the memory it could read */
	const uint64_t at[] = { t->names, t->num_syms, t->markers, t->token_table,
				t->token_index, t->offsets };
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
		FUZZ_CHECK(at[i] >= lo && at[i] < hi);
	FUZZ_CHECK(t->num_syms < t->names && t->names < t->markers);
	FUZZ_CHECK(t->token_table < t->token_index);
	FUZZ_CHECK(t->place_relative ? t->relative_base == 0 : t->relative_base >= lo);
	const char *layout = ptw_ksym_layout(t);
	FUZZ_CHECK(layout && layout[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (16u << 20))
		return 0;
	bool pae = data[0] & 1;
	uint64_t direct = pae ? DIRECT_PAE : DIRECT_X64;
	size_t blob = size - 1;
	size_t imgsz = KFIND_BLOB_PA + blob;
	uint8_t *img = calloc(1, imgsz);
	if (!img)
		return 0;
	memcpy(img + KFIND_BLOB_PA, data + 1, blob);
	if (pae)
		tables_pae(img);
	else
		tables_x64(img);
	uint64_t start = direct + KFIND_BLOB_PA;
	snprintf((char *)img, 4096, "OSRELEASE=5.10.0-fuzz-kallsyms\nPAGESIZE=4096\n%s"
		 "SYMBOL(_stext)=%llx\n",
		 pae ? "SYMBOL(swapper_pg_dir)=c0001000\nCONFIG_X86_PAE=y\n"
		     : "SYMBOL(init_top_pgt)=ffffffff80001000\n"
		       "NUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\n",
		 (unsigned long long)start);

	ptw_dump *d;
	struct ptw_error err = {0};
	int rc = ptw_dump_open_memory(img, imgsz, &d, &err);
	FUZZ_CHECK(rc == 0);
	struct ptw_space k;
	rc = ptw_space_init(&k, d, ptw_mode_get(pae ? PTW_MODE_PAE : PTW_MODE_X64),
			    0x1000, &err);
	FUZZ_CHECK(rc == 0);

	struct ptw_ksym_tables t;
	struct ptw_ksym_search st;
	rc = ptw_ksym_find(&k, start, 1ULL << 30, &t, &st, &err);
	check_found(rc, &t, &st, direct, direct + imgsz, &err);

	struct ptw_owners own = {0};
	char how[512];
	how[0] = '\0';
	rc = ptw_owners_linux(&k, &own, how, sizeof how, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_NOT_FOUND || rc == PTW_ERR_NOMEM);
		FUZZ_CHECK(own.n == 0);
	} else {
		FUZZ_CHECK(memchr(how, '\0', sizeof how) && how[0]);
		FUZZ_CHECK(strstr(how, " symbols found in memory at ") != NULL);
		FUZZ_CHECK(own.n >= 1);
	}
	ptw_owners_free(&own);
	ptw_dump_close(d);
	free(img);
	return 0;
}
