/* test_walk.c — the one walk, over every mode: exact translations, paths,
 * flags, large pages, missing levels, reserved bits, holes, bad VAs. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ptw_xlat walk(const ptw_dump *d, enum ptw_mode_id mode,
			    uint64_t dirbase, uint64_t va)
{
	struct ptw_space s;
	struct ptw_xlat x;
	struct ptw_error err = {0};
	if (ptw_space_init(&s, d, ptw_mode_get(mode), dirbase, &err))
		fail_msg("space %llx: %s", (unsigned long long)dirbase, err.msg);
	if (ptw_translate(&s, va, &x, &err))
		fail_msg("translate %llx: %s", (unsigned long long)va, err.msg);
	return x;
}

static const char *eff_flags(enum ptw_mode_id mode, const struct ptw_xlat *x)
{
	static char buf[16];
	const struct ptw_mode *m = ptw_mode_get(mode);
	unsigned lvl = x->nsteps - 1;
	ptw_flags_string(m, lvl, x->eff, buf);
	return buf;
}

/* ---- flag letters (WinDbg's documented letters) -------------------------------- */

static void flags_reference_examples(void **state)
{
	(void)state;
	char b[16];
	const struct ptw_mode *x64 = ptw_mode_get(PTW_MODE_X64);
	const struct ptw_mode *x86 = ptw_mode_get(PTW_MODE_X86);
	ptw_flags_string(x64, 3, 0x0000000012345867ULL, b);
	assert_string_equal(b, "---DA--UWEV");
	ptw_flags_string(x64, 2, 0x80000000fee009e3ULL, b);
	assert_string_equal(b, "-GLDA--KW-V");
	ptw_flags_string(x86, 0, 0x004001e7ULL, b);
	assert_string_equal(b, "GLDA--UWV");
	/* bit 7 of a PTE is PAT, never "large" */
	ptw_flags_string(x64, 3, 0x80ULL | 1, b);
	assert_string_equal(b, "-------KREV");
	/* copy-on-write, write-through, cache-disable, not present */
	ptw_flags_string(x64, 3, 0x218ULL, b);
	assert_string_equal(b, "C----NTKRE-");
}

/* Linux's software bits on x86 (paging/x86.c): bit 9 is _PAGE_SPECIAL,
 * not WinDbg's C; named by release where the kernel moved them. */
static const char *soft(enum ptw_mode_id mode, enum ptw_os os, uint32_t release,
			unsigned lvl, uint64_t e)
{
	static char buf[96];
	struct ptw_space s = { .mode = ptw_mode_get(mode), .os = os, .os_release = release };
	ptw_entry_software(&s, lvl, e, buf, sizeof buf);
	return buf;
}

static void linux_software_bits(void **state)
{
	(void)state;
	char b[16];
	struct ptw_space lx = { .mode = ptw_mode_get(PTW_MODE_X64), .os = PTW_OS_LINUX };
	struct ptw_space win = lx;
	win.os = PTW_OS_WINDOWS;
	/* the zero page as Linux maps it to a process: special, read-only */
	uint64_t zero = 0x8000000002a01225ULL;
	ptw_space_flags_string(&win, 3, zero, b);
	assert_string_equal(b, "C---A--UR-V");
	ptw_space_flags_string(&lx, 3, zero, b);
	assert_string_equal(b, "----A--UR-V");
	ptw_space_rights_string(&lx, 3, zero, b);
	assert_string_equal(b, "----A--UR-V");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0, 3, zero), "special");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_WINDOWS, 0, 3, zero), "");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0, 3, zero & ~1ULL), ""); /* not valid */
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060100, 3, 0xe67), "special uffd-wp soft-dirty");
	/* a table entry carries none of them; a 2 MiB leaf does */
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060100, 2, 0xe67), "");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060100, 2, 0xee7), "special uffd-wp soft-dirty");
	/* SOFTW4 (devmap) was bit 58 before 6.6, 57 since; 58 is then
	 * SAVED_DIRTY in a leaf and (6.13+) NOPTISHADOW in the top table */
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060100, 3, 1ULL << 58 | 0x27), "devmap");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060100, 3, 1ULL << 57 | 0x27), "");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060600, 3, 1ULL << 57 | 0x27), "devmap");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060600, 3, 1ULL << 58 | 0x25), "saved-dirty");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060d00, 0, 1ULL << 58 | 0x27), "noptishadow");
	assert_string_equal(soft(PTW_MODE_X64, PTW_OS_LINUX, 0x060600, 0, 1ULL << 58 | 0x27), "");
	/* 32-bit kernels have only _PAGE_SPECIAL */
	assert_string_equal(soft(PTW_MODE_PAE, PTW_OS_LINUX, 0, 2, 0xe67), "special");
	assert_string_equal(soft(PTW_MODE_X86, PTW_OS_LINUX, 0, 1, 0xe67), "special");
}

/* ---- x86-64 4-level -------------------------------------------------------- */

static void x64_4k_path(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-x64", false, &s);
	/* alpha's kernel copy; data page 3 sits at frame 0x322000 */
	struct ptw_xlat x = walk(d, PTW_MODE_X64, 0x10a000, 0x603abc);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x322abc);
	assert_int_equal(x.page_pa, 0x322000);
	assert_int_equal(x.page_size, 0x1000);
	assert_int_equal(x.nsteps, 4);
	assert_int_equal(x.step[0].table, 0x10a000);
	assert_int_equal(x.step[0].index, 0);
	assert_int_equal(x.step[0].addr, 0x10a000);
	assert_int_equal(x.step[0].entry, 0x800000000010c027ULL);
	assert_int_equal(x.step[3].index, 3);
	assert_int_equal(x.step[3].entry & 0xfffff000, 0x322000);
	/* the kernel copy's PML4E carries NX: user data is RW, not executable */
	assert_string_equal(eff_flags(PTW_MODE_X64, &x), "---DA--UW-V");
	assert_int_equal(x.span_start, 0x603000);
	assert_int_equal(x.span_size, 0x1000);
	/* the same page through the user copy */
	x = walk(d, PTW_MODE_X64, 0x10b000, 0x400000);
	assert_int_equal(x.pa, 0x310000);
	assert_string_equal(eff_flags(PTW_MODE_X64, &x), "----A--UREV");
	ptw_dump_close(d);
	scenario_free(&s);
}

static void x64_large_pages(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-x64", false, &s);
	struct ptw_xlat x = walk(d, PTW_MODE_X64, 0x100000, 0xffff888012345678ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.page_size, 1ULL << 30);
	assert_int_equal(x.pa, 0x12345678);
	assert_int_equal(x.nsteps, 2);
	assert_string_equal(eff_flags(PTW_MODE_X64, &x), "-GLDA--KW-V");
	x = walk(d, PTW_MODE_X64, 0x100000, 0xffffffff811fffffULL);
	assert_int_equal(x.page_size, 2ULL << 20);
	assert_int_equal(x.pa, 0x3fffff);
	assert_int_equal(x.nsteps, 3);
	assert_string_equal(eff_flags(PTW_MODE_X64, &x), "-GLDA--KREV");
	ptw_dump_close(d);
	scenario_free(&s);
}

static void x64_missing_levels(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-x64", false, &s);
	/* PML4E 1 is zero: fails at level 0, the whole 512 GiB slot alike */
	struct ptw_xlat x = walk(d, PTW_MODE_X64, 0x10a000, 0x8000001000ULL);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	assert_int_equal(x.nsteps, 1);
	assert_int_equal(x.span_start, 0x8000000000ULL);
	assert_int_equal(x.span_size, 1ULL << 39);
	/* PDPTE 1 under PML4E 0 */
	x = walk(d, PTW_MODE_X64, 0x10a000, 0x40000000);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	assert_int_equal(x.nsteps, 2);
	assert_int_equal(x.span_size, 1ULL << 30);
	/* PDE 1 under it */
	x = walk(d, PTW_MODE_X64, 0x10a000, 0x200000);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	assert_int_equal(x.nsteps, 3);
	assert_int_equal(x.span_start, 0x200000);
	/* PTE 2 of the text table */
	x = walk(d, PTW_MODE_X64, 0x10a000, 0x402000);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	assert_int_equal(x.nsteps, 4);
	assert_int_equal(x.span_start, 0x402000);
	assert_int_equal(x.span_size, 0x1000);
	ptw_dump_close(d);
	scenario_free(&s);
}

static void x64_reserved_and_holes(void **state)
{
	(void)state;
	struct scenario s;
	assert_true(scenario_build("linux-x64", &s));
	struct gen *g = &s.g;
	/* a 2 MiB page with address bit 13 set: reserved */
	uint64_t pde = gen_entry(g, 0x100000, 0xffffffff81000000ULL, 2);
	gen_set(g, pde, gen_get(g, pde) | 0x2000);
	/* a PML4E with PS: reserved at that level */
	gen_set(g, 0x100000 + 8 * 300, gen_page(g) | 0x67 | PTW_PS);
	/* a PDPTE pointing past the end of memory */
	uint64_t pdpte = gen_entry(g, 0x100000, 0xffff900000000000ULL, 1);
	gen_set(g, pdpte, 0x7ff000000ULL | 0x67);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_memory(g->mem, g->size, &d, NULL), 0);
	struct ptw_xlat x = walk(d, PTW_MODE_X64, 0x100000, 0xffffffff81000000ULL);
	assert_int_equal(x.status, PTW_RESERVED);
	assert_int_equal(x.nsteps, 3);
	assert_int_equal(ptw_entry_reserved(ptw_mode_get(PTW_MODE_X64), 2,
					    x.step[2].entry), 0x2000);
	x = walk(d, PTW_MODE_X64, 0x100000, 0xffff960000000000ULL);
	assert_int_equal(x.status, PTW_RESERVED);
	assert_int_equal(x.nsteps, 1);
	x = walk(d, PTW_MODE_X64, 0x100000, 0xffff900000001000ULL);
	assert_int_equal(x.status, PTW_TABLE_HOLE);
	assert_int_equal(x.nsteps, 2);
	assert_int_equal(x.span_start, 0xffff900000000000ULL);
	assert_int_equal(x.span_size, 1ULL << 30);
	ptw_dump_close(d);
	scenario_free(&s);
}

static void x64_noncanonical(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-x64", false, &s);
	struct ptw_space sp;
	struct ptw_xlat x;
	struct ptw_error err = {0};
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), 0x100000, NULL), 0);
	assert_int_equal(ptw_translate(&sp, 0x0000800000000000ULL, &x, &err),
			 PTW_ERR_NONCANONICAL);
	assert_non_null(strstr(err.msg, "0x800000000000 is not a canonical"));
	assert_int_equal(ptw_translate(&sp, 0xffff7fffffffffffULL, &x, &err),
			 PTW_ERR_NONCANONICAL);
	/* a failed translation still says "not mapped", and a read there is
	 * zeros */
	x.status = PTW_MAPPED;
	ptw_translate(&sp, 0x0000900000001000ULL, &x, NULL);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	struct ptw_tlb tlb = {0};
	uint8_t b[16];
	memset(b, 0xaa, sizeof b);
	assert_int_equal(ptw_vread(&sp, &tlb, 0x0000900000001000ULL, b, sizeof b), 0);
	for (size_t i = 0; i < sizeof b; i++)
		assert_int_equal(b[i], 0);
	/* unaligned and outside DirBases */
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), 0x100800, &err),
			 PTW_ERR_INVALID);
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), 0x10000000, &err),
			 PTW_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "outside the dump"));
	ptw_dump_close(d);
	scenario_free(&s);
}

/* ---- PAE ------------------------------------------------------------------------ */

static void pae_walks(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-pae", false, &s);
	struct ptw_xlat x = walk(d, PTW_MODE_PAE, 0x104000, 0xb7b12345);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.page_size, 2ULL << 20);
	assert_int_equal(x.pa, 0x512345);
	assert_int_equal(x.nsteps, 2);
	assert_int_equal(x.step[0].index, 2);
	assert_int_equal(x.step[0].addr, 0x104010);
	assert_string_equal(eff_flags(PTW_MODE_PAE, &x), "--LDA--UW-V");
	x = walk(d, PTW_MODE_PAE, 0x104000, 0x08048010);
	assert_int_equal(x.pa, 0x310010);
	assert_int_equal(x.nsteps, 3);
	assert_string_equal(eff_flags(PTW_MODE_PAE, &x), "----A--UREV");
	/* PDPTE 1 is empty */
	x = walk(d, PTW_MODE_PAE, 0x104000, 0x40000000);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	assert_int_equal(x.nsteps, 1);
	assert_int_equal(x.span_size, 1ULL << 30);
	/* a VA above 4 GiB does not exist in PAE */
	struct ptw_space sp;
	struct ptw_error err = {0};
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_PAE), 0x104000, NULL), 0);
	assert_int_equal(ptw_translate(&sp, 0x100000000ULL, &x, &err),
			 PTW_ERR_NONCANONICAL);
	/* DirBase: 32-byte alignment is enough */
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_PAE), 0x104020, NULL), 0);
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_PAE), 0x104010, NULL),
			 PTW_ERR_INVALID);
	ptw_dump_close(d);
	scenario_free(&s);
}

static void pae_pdpte_reserved(void **state)
{
	(void)state;
	struct scenario s;
	assert_true(scenario_build("linux-pae", &s));
	/* R/W does not exist in a PDPTE: set, it is reserved (the CPU faults
	 * at MOV CR3); A (bit 5), which QEMU sets, is tolerated */
	gen_set(&s.g, 0x104000 + 16, gen_get(&s.g, 0x104000 + 16) | PTW_RW);
	gen_set(&s.g, 0x10e000 + 16, gen_get(&s.g, 0x10e000 + 16) | PTW_A);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_memory(s.g.mem, s.g.size, &d, NULL), 0);
	struct ptw_xlat x = walk(d, PTW_MODE_PAE, 0x104000, 0xb7a00000);
	assert_int_equal(x.status, PTW_RESERVED);
	x = walk(d, PTW_MODE_PAE, 0x10e000, 0xb7a00000);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x600000);
	ptw_dump_close(d);
	scenario_free(&s);
}

/* ---- 32-bit x86 ------------------------------------------------------------------ */

static void x86_pse36_and_4k(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("windows-x86", false, &s);
	struct ptw_xlat x = walk(d, PTW_MODE_X86, 0x100000, 0x80412345);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.page_size, 4ULL << 20);
	assert_int_equal(x.pa, 0x100412345ULL); /* PA bits 39:32 from PDE 20:13 */
	assert_int_equal(x.step[0].entry, 0x004020e3);
	assert_string_equal(eff_flags(PTW_MODE_X86, &x), "-LDA--KWV");
	x = walk(d, PTW_MODE_X86, 0x100000, 0x00401fff);
	assert_int_equal(x.pa, 0x301fff);
	assert_int_equal(x.nsteps, 2);
	assert_int_equal(x.step[1].addr, 0x102004);
	assert_string_equal(eff_flags(PTW_MODE_X86, &x), "--DA--UWV");
	/* the self-map: PTEs at c0000000, so the PD itself at c0300000 */
	x = walk(d, PTW_MODE_X86, 0x100000, 0xc0300c00);
	assert_int_equal(x.pa, 0x100c00);
	assert_int_equal(ptw_space_selfmap(&(struct ptw_space){
				 .dump = d, .mode = ptw_mode_get(PTW_MODE_X86),
				 .dirbase = 0x100000 }), 0x300);
	/* a 4 MiB PDE with bit 21 set is reserved */
	gen_set(&s.g, 0x100000 + 4 * 0x200, gen_get(&s.g, 0x100000 + 4 * 0x200) | 0x200000);
	x = walk(d, PTW_MODE_X86, 0x100000, 0x80000000);
	assert_int_equal(x.status, PTW_RESERVED);
	ptw_dump_close(d);
	scenario_free(&s);
}

/* ---- 5-level ----------------------------------------------------------------------- */

static void la57_walks(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-la57", false, &s);
	struct ptw_xlat x = walk(d, PTW_MODE_LA57, 0x10f000, 0x00ff000000001234ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x311234);
	assert_int_equal(x.nsteps, 5);
	assert_int_equal(x.step[0].index, 0xff);
	x = walk(d, PTW_MODE_LA57, 0x10f000, 0xff11000000abcdefULL);
	assert_int_equal(x.page_size, 1ULL << 30);
	assert_int_equal(x.pa, 0xabcdef);
	/* canonical on 5-level: bits 63:57 copy bit 56 */
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_LA57), 0x10f000, NULL), 0);
	assert_int_equal(ptw_translate(&sp, 0x0100000000000000ULL, &x, NULL),
			 PTW_ERR_NONCANONICAL);
	assert_int_equal(ptw_translate(&sp, 0xff00000000000000ULL, &x, NULL), 0);
	ptw_dump_close(d);
	scenario_free(&s);
}

/* ---- Windows x64 self-map --------------------------------------------------------- */

static void x64_selfmap(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("windows-x64", false, &s);
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), 0x105000, NULL), 0);
	assert_int_equal(ptw_space_selfmap(&sp), 0x1ed);
	/* the PML4 maps itself at FFFFF6FB7DBED000 */
	struct ptw_xlat x = walk(d, PTW_MODE_X64, 0x105000, 0xfffff6fb7dbed000ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x105000);
	/* the PTE of VA 0x10000 lives at PTE_BASE + (0x10000 >> 12) * 8 */
	x = walk(d, PTW_MODE_X64, 0x105000, 0xfffff68000000080ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	uint64_t pte;
	assert_true(ptw_phys_read(d, x.pa, &pte, 8) == 8);
	assert_int_equal(pte & 0xfffff000, 0x310000);
	/* a paging-file PTE stops the walk at level 3 (without --os it is a
	 * hardware walk: Windows is what discovery decides, not the walk) */
	x = walk(d, PTW_MODE_X64, 0x105000, 0x7ff612341000ULL);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	assert_int_equal(x.nsteps, 4);
	assert_int_equal(x.step[3].entry, 0x0000def300002070ULL);
	/* a transition PTE is not present to a hardware walk ... */
	x = walk(d, PTW_MODE_X64, 0x105000, 0x7ff612342abcULL);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	/* ... but Windows reads its page back (a soft fault) */
	struct ptw_space win;
	assert_int_equal(ptw_space_init(&win, d, ptw_mode_get(PTW_MODE_X64), 0x105000, NULL), 0);
	win.os = PTW_OS_WINDOWS;
	assert_int_equal(ptw_translate(&win, 0x7ff612342abcULL, &x, NULL), 0);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_true(x.soft);
	assert_int_equal(x.pa, 0x312abc);
	assert_int_equal(x.eff & (PTW_P | PTW_RW | PTW_US | PTW_XD), PTW_RW | PTW_US | PTW_XD);
	/* and the swizzled one (bit 45 set, bit 4 clear) at frame 313 */
	assert_int_equal(ptw_translate(&win, 0x7ff612346000ULL, &x, NULL), 0);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x313000);
	assert_int_equal(x.eff & (PTW_RW | PTW_XD), 0); /* ExecuteRead */
	/* a paging-file page is not resident */
	assert_int_equal(ptw_translate(&win, 0x7ff612341000ULL, &x, NULL), 0);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	ptw_dump_close(d);
	scenario_free(&s);
}

/* ---- virtual reads ------------------------------------------------------------------ */

static void vread_pages_holes_and_folding(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-x64", false, &s);
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), 0x10a000, NULL), 0);
	struct ptw_tlb tlb = {0};
	/* across data pages 1 and 2 (frames 0x321000 and 0x323000) */
	uint8_t buf[0x3000];
	size_t n = ptw_vread(&sp, &tlb, 0x601ff0, buf, 0x20);
	assert_int_equal(n, 0x20);
	assert_memory_equal(buf, s.g.mem + 0x321ff0, 0x10);
	assert_memory_equal(buf + 0x10, s.g.mem + 0x323000, 0x10);
	/* unmapped bytes read as zeros and are not counted */
	memset(buf, 0xaa, sizeof buf);
	n = ptw_vread(&sp, &tlb, 0x603800, buf, 0x1000);
	assert_int_equal(n, 0x800);
	assert_memory_equal(buf, s.g.mem + 0x322800, 0x800);
	for (size_t i = 0x800; i < 0x1000; i++)
		assert_int_equal(buf[i], 0);
	/* a mapped page outside the dump (the 1 GiB direct map past 8 MiB) */
	memset(buf, 0xaa, 16);
	n = ptw_vread(&sp, &tlb, 0xffff888010000000ULL, buf, 16);
	assert_int_equal(n, 0);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(buf[i], 0);
	/* the read runs from the top of the lower half into the upper half,
	 * as the vmem file's offsets do */
	n = ptw_vread(&sp, &tlb, 0x00007ffffffff000ULL, buf, 0x2000);
	assert_int_equal(n, 0);
	n = ptw_vread(&sp, &tlb, 0xffff888000000ff8ULL, buf, 16);
	assert_int_equal(n, 16);
	assert_memory_equal(buf, s.g.mem + 0xff8, 16);
	assert_int_equal(ptw_mode_va_from_offset(sp.mode, 0x0000800000000000ULL),
			 0xffff800000000000ULL);
	assert_int_equal(ptw_mode_offset_from_va(sp.mode, 0xffff888000000000ULL),
			 0x0000888000000000ULL);
	ptw_dump_close(d);
	scenario_free(&s);
}

/* ---- ptw_vtop: the address alone, with and without a TLB ------------------ */

/* Every VA of interest in a scenario's spaces: each page of every run (its
 * first and last byte), a byte past each run, and a spread of others. */
static void vtop_agrees_in(const char *name)
{
	struct scenario sc;
	struct ptw_spaces sp;
	ptw_dump *d = open_scenario(name, false, &sc);
	discover(d, &sp);
	struct ptw_tlb tlb = {0}; /* one TLB for every space in turn */
	unsigned checked = 0;
	for (size_t i = 0; i < sp.n; i++) {
		const struct ptw_space *s = &sp.v[i];
		const struct ptw_mode *m = s->mode;
		uint64_t step = ptw_mode_va_size(m) / 4099;
		for (uint64_t k = 0; k < 2 * 4099 + 64; k++) {
			/* a coarse sweep, then around each mapped page */
			uint64_t off = k < 4099 ? k * step : 0;
			uint64_t va = ptw_mode_va_from_offset(m, off);
			struct ptw_xlat x;
			assert_int_equal(ptw_translate(s, va, &x, NULL), 0);
			uint64_t pa = 0, tpa = 0;
			int rc = ptw_vtop(s, NULL, va, &pa);
			assert_int_equal(rc, x.status == PTW_MAPPED ? 0 : 1);
			assert_int_equal(ptw_vtop(s, &tlb, va, &tpa), rc);
			if (rc == 0) {
				assert_int_equal(pa, x.pa);
				assert_int_equal(tpa, x.pa);
			}
			checked++;
		}
		/* each page of the maps, forwards through the same TLB */
		char *text = maps_of(&sp, s->dirbase);
		for (char *line = text; line && *line;) {
			unsigned long long a, b, p;
			assert_int_equal(sscanf(line, "%llx-%llx %llx", &a, &b, &p), 3);
			for (uint64_t va = a; va - a < b - a && va - a < (64u << 12); va += 0x800) {
				uint64_t pa = 0, tpa = 0;
				assert_int_equal(ptw_vtop(s, NULL, va, &pa), 0);
				assert_int_equal(ptw_vtop(s, &tlb, va, &tpa), 0);
				assert_int_equal(pa, p + (va - a));
				assert_int_equal(tpa, p + (va - a));
				checked++;
			}
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		free(text);
	}
	assert_true(checked > 8000);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&sc);
}

static void vtop_agrees_with_translate(void **state)
{
	(void)state;
	static const char *const names[] = { "linux-x64", "windows-x64", "linux-pae",
					     "windows-pae", "windows-x86", "linux-la57" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		vtop_agrees_in(names[i]);
}

static void vtop_exact(void **state)
{
	(void)state;
	struct scenario sc;
	ptw_dump *d = open_scenario("linux-x64", false, &sc);
	struct ptw_space s, k;
	assert_int_equal(ptw_space_init(&s, d, ptw_mode_get(PTW_MODE_X64), 0x10a000, NULL), 0);
	assert_int_equal(ptw_space_init(&k, d, ptw_mode_get(PTW_MODE_X64), 0x100000, NULL), 0);
	struct ptw_tlb tlb;
	ptw_tlb_reset(&tlb);
	uint64_t pa = 0;
	/* alpha's data page 3 at frame 0x322000; a 2 MiB kernel text page */
	assert_int_equal(ptw_vtop(&s, &tlb, 0x603abc, &pa), 0);
	assert_int_equal(pa, 0x322abc);
	assert_int_equal(ptw_vtop(&s, &tlb, 0xffffffff81012345ULL, &pa), 0);
	assert_int_equal(pa, 0x212345);
	/* not mapped (PTE 2 of the text table), outside the mode */
	pa = 7;
	assert_int_equal(ptw_vtop(&s, &tlb, 0x402000, &pa), 1);
	assert_int_equal(ptw_vtop(&s, &tlb, 0x0000800000000000ULL, &pa), -1);
	assert_int_equal(pa, 7);
	/* the same TLB with another space: alpha's user page is not the
	 * kernel's, and the cached tables of alpha must not answer for it */
	assert_int_equal(ptw_vtop(&k, &tlb, 0x603abc, &pa), 1);
	assert_int_equal(ptw_vtop(&k, &tlb, 0xffffffff81012345ULL, &pa), 0);
	assert_int_equal(pa, 0x212345);
	/* and a space struct reused in place for another DirBase */
	struct ptw_space r = s;
	assert_int_equal(ptw_vtop(&r, &tlb, 0x603abc, &pa), 0);
	r.dirbase = r.root[0] = r.root[1] = 0x100000;
	assert_int_equal(ptw_vtop(&r, &tlb, 0x603abc, &pa), 1);
	ptw_dump_close(d);
	scenario_free(&sc);
}

/* ---- the modes' data ------------------------------------------------------- */

/* What mode.c derives must say what the levels say: the walk reads the
 * derived masks (check_*) and leaves out what walk_plain says is absent. */
static void modes_consistent(void **state)
{
	(void)state;
	for (enum ptw_mode_id id = PTW_MODE_X86; id <= PTW_MODE_LA57; id++) {
		const struct ptw_mode *m = ptw_mode_get(id);
		assert_non_null(m);
		assert_non_null(m->arch);
		assert_true(ptw_level_maps_pages(m, m->nlevels - 1));
		for (unsigned l = 0; l < m->nlevels; l++) {
			const struct ptw_level *L = &m->level[l];
			assert_int_equal(L->check_table, L->valid | L->rsvd_table);
			assert_int_equal(L->check_leaf, L->valid | L->rsvd_leaf);
			assert_int_equal(L->index_mask, (1ULL << L->bits) - 1);
			/* "none" must be a value its mask cannot produce */
			if (!L->bad_mask)
				assert_true(L->bad_value != 0);
			if (m->walk_plain)
				assert_true(!L->bad_mask && !L->oa_table.width &&
					    !L->oa_leaf.width);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes_consistent),
		cmocka_unit_test(flags_reference_examples),
		cmocka_unit_test(linux_software_bits),
		cmocka_unit_test(x64_4k_path),
		cmocka_unit_test(x64_large_pages),
		cmocka_unit_test(x64_missing_levels),
		cmocka_unit_test(x64_reserved_and_holes),
		cmocka_unit_test(x64_noncanonical),
		cmocka_unit_test(pae_walks),
		cmocka_unit_test(pae_pdpte_reserved),
		cmocka_unit_test(x86_pse36_and_4k),
		cmocka_unit_test(la57_walks),
		cmocka_unit_test(x64_selfmap),
		cmocka_unit_test(vread_pages_holes_and_folding),
		cmocka_unit_test(vtop_agrees_with_translate),
		cmocka_unit_test(vtop_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
