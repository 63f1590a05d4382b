/* test_windows.c — Windows crash dumps (dump/windows.c) and the EPROCESS
 * list (owners/windows.c) over generated kernels of real builds' layouts
 * (gen_windows.c): the ranges, holes and bytes of each dump type, the
 * header's facts, every refusal of a malformed header, and the owners of
 * every process with their user copies, a broken list and a loop. */
#include "testutil.h"

#include "owners/owners.h"   /* ptw_owners_windows */
#include "ptview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1ULL << 20)

/* A generated Windows system and its dump in memory. */
struct win {
	struct gen g;
	struct gen_winsys s;
	uint8_t *file;
	size_t size;
	ptw_dump *d;
};

/* Build layout L in mode, the default processes (or s->proc as preset),
 * written as dump type `type` of the ranges given (none: PFNs 1-9e and
 * everything from 1 MiB, as firmware leaves a PC's memory). */
static void build(struct win *w, const struct gen_eprocess_layout *L,
		  enum ptw_mode_id mode, uint32_t type)
{
	struct gen_windump preset = w->s.dump;  /* ranges, bits */
	w->s.layout = L;
	gen_windows_image(&w->g, &w->s, mode, 2 * MiB, 0x100000);
	struct gen_windump *o = &w->s.dump;
	memcpy(o->range, preset.range, sizeof o->range);
	o->nranges = preset.nranges;
	o->nbits = preset.nbits;
	o->dump_type = type;
	if (!o->nranges) {
		o->range[0].pa = 0x1000, o->range[0].size = 0x9e000;
		o->range[1].pa = 0x100000, o->range[1].size = w->g.size - 0x100000;
		o->nranges = 2;
	}
	w->file = gen_windows_dump(&w->g, o, &w->size);
}

static void open_win(struct win *w)
{
	struct ptw_error err = {0};
	if (ptw_dump_open_memory(w->file, w->size, &w->d, &err))
		fail_msg("opening the dump: %s", err.msg);
}

static void done(struct win *w)
{
	ptw_dump_close(w->d);
	free(w->file);
	gen_free(&w->g);
	memset(w, 0, sizeof *w);
}

/* The dump's ranges are exactly want[0..n). */
static void assert_ranges(const ptw_dump *d, const uint64_t (*want)[2], size_t n)
{
	const struct ptw_range *r;
	size_t nr = ptw_dump_ranges(d, &r);
	for (size_t i = 0; i < nr && i < n; i++)
		if (r[i].start != want[i][0] || r[i].size != want[i][1])
			fail_msg("range %zu: %llx+%llx, want %llx+%llx", i,
				 (unsigned long long)r[i].start, (unsigned long long)r[i].size,
				 (unsigned long long)want[i][0], (unsigned long long)want[i][1]);
	assert_int_equal(nr, n);
}

/* Every byte of [pa, pa + len) reads as the image (inside) or zero (hole). */
static void assert_bytes(const struct win *w, uint64_t pa, uint64_t len, bool inside)
{
	static uint8_t buf[64 * 1024];
	static const uint8_t zero[4096];
	for (uint64_t at = pa; at < pa + len; at += sizeof buf) {
		size_t n = pa + len - at < sizeof buf ? (size_t)(pa + len - at) : sizeof buf;
		size_t got = ptw_phys_read(w->d, at, buf, n);
		assert_int_equal(got, inside ? n : 0);
		if (inside) {
			assert_memory_equal(buf, w->g.mem + at, n);
		} else {
			for (size_t i = 0; i < n; i += sizeof zero)
				assert_memory_equal(buf + i, zero, n - i < sizeof zero ? n - i : sizeof zero);
		}
		uint64_t run;
		assert_int_equal(ptw_phys_present(w->d, at, &run), inside);
	}
}

/* ---- the dump types --------------------------------------------------------------- */

static void full64(void **state)
{
	(void)state;
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 1);
	assert_int_equal(w.size, 0x2000 + 0x9e000 + 0x100000);
	open_win(&w);
	assert_string_equal(ptw_dump_format(w.d), "windows64");
	assert_int_equal(ptw_dump_machine(w.d), PTW_MACHINE_X86_64);
	static const uint64_t want[][2] = { { 0x1000, 0x9e000 }, { 0x100000, 0x100000 } };
	assert_ranges(w.d, want, 2);
	assert_int_equal(ptw_dump_phys_size(w.d), 0x19e000);
	assert_int_equal(ptw_dump_phys_end(w.d), 0x200000);
	assert_bytes(&w, 0, 0x1000, false);
	assert_bytes(&w, 0x1000, 0x9e000, true);
	assert_bytes(&w, 0x9f000, 0x61000, false);
	assert_bytes(&w, 0x100000, 0x100000, true);
	assert_bytes(&w, 0x200000, 0x1000, false);
	done(&w);
}

/* Runs out of PFN order are stored in run order; adjacent ones merge. */
static void full64_run_order(void **state)
{
	(void)state;
	struct win w = {0};
	w.s.dump.nranges = 3;
	w.s.layout = &gen_win7_x64;
	gen_windows_image(&w.g, &w.s, PTW_MODE_X64, 2 * MiB, 0x100000);
	struct gen_windump *o = &w.s.dump;
	o->range[0].pa = 0x180000, o->range[0].size = 0x80000;
	o->range[1].pa = 0x100000, o->range[1].size = 0x80000;
	o->range[2].pa = 0x2000, o->range[2].size = 0x3000;
	o->nranges = 3;
	w.file = gen_windows_dump(&w.g, o, &w.size);
	/* run 0's bytes come first in the file */
	assert_memory_equal(w.file + 0x2000, w.g.mem + 0x180000, 0x80000);
	open_win(&w);
	static const uint64_t want[][2] = { { 0x2000, 0x3000 }, { 0x100000, 0x100000 } };
	assert_ranges(w.d, want, 2);
	assert_bytes(&w, 0x100000, 0x100000, true);
	assert_bytes(&w, 0x2000, 0x3000, true);
	assert_bytes(&w, 0x5000, 0xfb000, false);
	done(&w);
}

/* The memory of the scattered dumps below: holes at PFN 0, 10-1f, 30-ff
 * and 140-14f (inside the kernel's pages), every other byte the image's. */
#define SCATTERED_PAGES (0xf + 0x10 + 0x40 + 0xb0)

static void assert_scattered(struct win *w)
{
	static const uint64_t want[][2] = {
		{ 0x1000, 0xf000 }, { 0x20000, 0x10000 }, { 0x100000, 0x40000 },
		{ 0x150000, 0xb0000 },
	};
	assert_ranges(w->d, want, 4);
	assert_bytes(w, 0, 0x1000, false);
	assert_bytes(w, 0x1000, 0xf000, true);
	assert_bytes(w, 0x10000, 0x10000, false);
	assert_bytes(w, 0x20000, 0x10000, true);
	assert_bytes(w, 0x30000, 0xd0000, false);
	assert_bytes(w, 0x100000, 0x40000, true);
	assert_bytes(w, 0x140000, 0x10000, false);
	assert_bytes(w, 0x150000, 0xb0000, true);
}

static void bitmap64(uint32_t type, const char *sig)
{
	struct win w = {0};
	struct gen_windump *o = &w.s.dump;
	/* holes: PFN 0, 10-1f, 30-ff, and 140-14f inside the kernel's pages */
	o->range[0].pa = 0x1000, o->range[0].size = 0xf000;
	o->range[1].pa = 0x20000, o->range[1].size = 0x10000;
	o->range[2].pa = 0x100000, o->range[2].size = 0x40000;
	o->range[3].pa = 0x150000, o->range[3].size = 0xb0000;
	o->nranges = 4;
	build(&w, &gen_win10_x64, PTW_MODE_X64, type);
	/* header, summary, 0x200-bit bitmap, pages from 0x3000 */
	assert_memory_equal(w.file + 0x2000, sig, 4);
	assert_memory_equal(w.file + 0x2004, "DUMP", 4);
	assert_int_equal(w.size, 0x3000 + SCATTERED_PAGES * 0x1000);
	open_win(&w);
	assert_int_equal(ptw_dump_hints(w.d)->dump_type, type);
	assert_scattered(&w);
	done(&w);
}

static void bitmap64_type5(void **state)
{
	(void)state;
	bitmap64(5, "FDMP");
}

static void bitmap64_live(void **state)
{
	(void)state;
	bitmap64(6, "SDMP");
}

/* A bitmap that covers more frames than the image: the bits past it are
 * clear, a hole to its end. */
static void bitmap64_long(void **state)
{
	(void)state;
	struct win w = {0};
	w.s.dump.nbits = 0x1234;
	build(&w, &gen_win11_x64, PTW_MODE_X64, 5);
	open_win(&w);
	static const uint64_t want[][2] = { { 0x1000, 0x9e000 }, { 0x100000, 0x100000 } };
	assert_ranges(w.d, want, 2);
	assert_int_equal(ptw_dump_phys_end(w.d), 0x200000);
	done(&w);
}

/* DumpType 8-10: ranges stored in the table's order, not the PFNs'. */
static void ranges64(uint32_t type)
{
	struct win w = {0};
	struct gen_windump *o = &w.s.dump;
	o->range[0].pa = 0x150000, o->range[0].size = 0xb0000;
	o->range[1].pa = 0x1000, o->range[1].size = 0xf000;
	o->range[2].pa = 0x100000, o->range[2].size = 0x40000;
	o->range[3].pa = 0x20000, o->range[3].size = 0x10000;
	o->nranges = 4;
	build(&w, &gen_win10_x64, PTW_MODE_X64, type);
	/* header, RDMP header, 4 ranges and the end, pages from 0x3000 */
	assert_memory_equal(w.file + 0x2004, "RDMPDUMP", 8);
	assert_int_equal(w.size, 0x3000 + SCATTERED_PAGES * 0x1000);
	open_win(&w);
	assert_int_equal(ptw_dump_hints(w.d)->dump_type, type);
	assert_scattered(&w);
	done(&w);
}

static void ranges64_kernel(void **state) { (void)state; ranges64(8); }
static void ranges64_kernel_user(void **state) { (void)state; ranges64(9); }
static void ranges64_complete(void **state) { (void)state; ranges64(10); }

static void full32(enum ptw_mode_id mode)
{
	struct win w = {0};
	build(&w, &gen_win7_x86, mode, 1);
	assert_int_equal(w.size, 0x1000 + 0x9e000 + 0x100000);
	open_win(&w);
	assert_string_equal(ptw_dump_format(w.d), "windows32");
	assert_int_equal(ptw_dump_machine(w.d), PTW_MACHINE_I386);
	assert_int_equal(ptw_dump_hints(w.d)->mode, mode);
	static const uint64_t want[][2] = { { 0x1000, 0x9e000 }, { 0x100000, 0x100000 } };
	assert_ranges(w.d, want, 2);
	assert_bytes(&w, 0, 0x1000, false);
	assert_bytes(&w, 0x1000, 0x9e000, true);
	assert_bytes(&w, 0x9f000, 0x61000, false);
	assert_bytes(&w, 0x100000, 0x100000, true);
	done(&w);
}

static void full32_pae(void **state)
{
	(void)state;
	full32(PTW_MODE_PAE);
}

static void full32_x86(void **state)
{
	(void)state;
	full32(PTW_MODE_X86);
}

static void bitmap32(void **state)
{
	(void)state;
	struct win w = {0};
	struct gen_windump *o = &w.s.dump;
	o->range[0].pa = 0x100000, o->range[0].size = 0x80000;
	o->range[1].pa = 0x1c0000, o->range[1].size = 0x40000;
	o->nranges = 2;
	build(&w, &gen_win7_x86, PTW_MODE_PAE, 5);
	assert_memory_equal(w.file + 0x1000, "FDMP", 4);
	open_win(&w);
	static const uint64_t want[][2] = { { 0x100000, 0x80000 }, { 0x1c0000, 0x40000 } };
	assert_ranges(w.d, want, 2);
	assert_bytes(&w, 0x100000, 0x80000, true);
	assert_bytes(&w, 0x180000, 0x40000, false);
	assert_bytes(&w, 0x1c0000, 0x40000, true);
	done(&w);
}

/* ---- the header's facts ------------------------------------------------------------- */

static void hints64(void **state)
{
	(void)state;
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 5);
	open_win(&w);
	const struct ptw_dump_hints *h = ptw_dump_hints(w.d);
	assert_int_equal(h->os, PTW_OS_WINDOWS);
	assert_int_equal(h->mode, PTW_MODE_X64);
	assert_int_equal(h->dirbase, w.s.kernel | 2);
	assert_int_equal(h->ps_active_process_head, 0xfffff8031261e2a0ULL);
	assert_int_equal(h->ps_loaded_module_list, 0xfffff8031261e160ULL);
	assert_int_equal(h->kd_debugger_data_block, 0xfffff8031261e5a0ULL);
	assert_int_equal(h->pfn_database, 0xfffffa8000000000ULL);
	assert_int_equal(h->bugcheck_code, 0xe2);
	assert_int_equal(h->dump_type, 5);
	assert_int_equal(h->nprocessors, 2);
	done(&w);
}

static void hints32(void **state)
{
	(void)state;
	struct win w = {0};
	build(&w, &gen_win7_x86, PTW_MODE_PAE, 1);
	open_win(&w);
	const struct ptw_dump_hints *h = ptw_dump_hints(w.d);
	assert_int_equal(h->os, PTW_OS_WINDOWS);
	assert_int_equal(h->mode, PTW_MODE_PAE);
	assert_int_equal(h->dirbase, w.s.kernel);
	assert_int_equal(w.s.kernel & 0xfff, 0x20);   /* a PDPT inside its page */
	assert_int_equal(h->ps_active_process_head, 0x82b71f18);
	assert_int_equal(h->ps_loaded_module_list, 0x82b71160);
	assert_int_equal(h->kd_debugger_data_block, 0x82b715a0);
	assert_int_equal(h->pfn_database, 0x84000000);
	assert_int_equal(h->bugcheck_code, 0xe2);
	assert_int_equal(h->dump_type, 1);
	assert_int_equal(h->nprocessors, 2);
	done(&w);
}

/* /info shows them. */
static void info_text(void **state)
{
	(void)state;
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 5);
	const char *path = write_file("win10.dmp", w.file, w.size);
	struct ptv_config c = { .dump_path = path, .discover = { .threads = 1 } };
	ptv_fs *fs;
	struct ptw_error err = {0};
	if (ptv_open(&c, &fs, &err))
		fail_msg("ptv_open: %s", err.msg);
	struct ptv_text t = {0};
	assert_int_equal(ptv_render_info(fs, &t), 0);
	char line[512];
	snprintf(line, sizeof line,
		 "\nwindows: DumpType 5 (complete bitmap), DirectoryTableBase %llx, PsActiveProcessHead fffff8031261e2a0, "
		 "PsLoadedModuleList fffff8031261e160, KdDebuggerDataBlock fffff8031261e5a0, "
		 "PfnDatabase fffffa8000000000, BugCheck 0x000000e2, processors 2\n",
		 (unsigned long long)(w.s.kernel | 2));
	if (!strstr(t.p, line))
		fail_msg("no windows line in /info:\n%s", t.p);
	assert_non_null(strstr(t.p, "\nformat: windows64\n"));
	assert_non_null(strstr(t.p, "\nowners: EPROCESS list: 10 processes"));
	ptv_text_free(&t);
	ptv_close(fs);
	done(&w);
}

/* ---- malformed headers -------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Open f (size n) and expect a format error with exactly msg. */
static void expect_error(const uint8_t *f, size_t n, const char *msg)
{
	ptw_dump *d = NULL;
	struct ptw_error err = {0};
	int rc = ptw_dump_open_memory(f, n, &d, &err);
	if (rc == 0) {
		ptw_dump_close(d);
		fail_msg("opened; want \"%s\"", msg);
	}
	assert_int_equal(rc, PTW_ERR_FORMAT);
	assert_int_equal(err.code, PTW_ERR_FORMAT);
	assert_string_equal(err.msg, msg);
}

/* Each case patches a good dump (or cuts it) and names the refusal. */
struct bad {
	const char *msg;
	void (*patch)(uint8_t *f, size_t *n);
};

/* Each case applied to a copy of w's good dump, each refused with its
 * message. */
static void expect_each(const struct win *w, const struct bad *bad, size_t nbad)
{
	for (size_t i = 0; i < nbad; i++) {
		uint8_t *f = malloc(w->size);
		memcpy(f, w->file, w->size);
		size_t n = w->size;
		bad[i].patch(f, &n);
		expect_error(f, n, bad[i].msg);
		free(f);
	}
}

static void bad_valid(uint8_t *f, size_t *n) { (void)n; memcpy(f + 4, "DU65", 4); }
static void bad_short(uint8_t *f, size_t *n) { (void)f; *n = 0x1fff; }
static void bad_tiny(uint8_t *f, size_t *n) { (void)f; *n = 6; }
static void bad_type(uint8_t *f, size_t *n) { (void)n; put32(f + GEN_WIN64_TYPE, 2); }
static void bad_type_odd(uint8_t *f, size_t *n) { (void)n; put32(f + GEN_WIN64_TYPE, 77); }
static void bad_machine(uint8_t *f, size_t *n) { (void)n; put32(f + 0x30, 0xaa64); }
static void bad_nruns(uint8_t *f, size_t *n) { (void)n; put32(f + GEN_WIN64_RUNS, 1000); }
static void bad_zero_runs(uint8_t *f, size_t *n) { (void)n; put32(f + GEN_WIN64_RUNS, 0); }
static void bad_run_end(uint8_t *f, size_t *n) { (void)f; *n -= 0x1000; }
static void bad_run_huge(uint8_t *f, size_t *n)
{
	(void)n;
	put64(f + GEN_WIN64_RUNS + 16 + 16, 0xffffffffff0ULL); /* run 1's BasePage */
}
static void bad_overlap(uint8_t *f, size_t *n)
{
	(void)n;
	put64(f + GEN_WIN64_RUNS + 16 + 16, 0x50);  /* run 1 from PFN 50: in run 0 */
}
static void bad_npages(uint8_t *f, size_t *n)
{
	(void)n;
	put64(f + GEN_WIN64_RUNS + 8, 0x19f);
}

static void full64_malformed(void **state)
{
	(void)state;
	static const struct bad bad[] = {
		{ "Windows crash dump: ValidDump is 'DU65' (want 'DU64' or 'DUMP'; signature 'PAGE')", bad_valid },
		{ "truncated Windows crash dump header: the file is 0x1fff bytes, a 64-bit header is 0x2000", bad_short },
		{ "truncated Windows crash dump header: the file is 6 bytes", bad_tiny },
		{ "Windows crash dump of DumpType 2 (kernel summary): ptfs reads 1 (full), 5 and 6 (bitmap) and 8-10 (.dump /k, /ka, /f)", bad_type },
		{ "Windows crash dump of DumpType 77 (unknown): ptfs reads 1 (full), 5 and 6 (bitmap) and 8-10 (.dump /k, /ka, /f)", bad_type_odd },
		{ "Windows crash dump: MachineImageType 0xaa64 (a 64-bit x86 dump says 0x8664)", bad_machine },
		{ "NumberOfRuns 1000 is absurd: the header has room for 42 runs", bad_nruns },
		{ "full Windows crash dump lists no memory runs (NumberOfRuns 0)", bad_zero_runs },
		{ "run 1 wants file bytes 0xa0000-0x1a0000 but the file ends at 0x19f000 (truncated dump?)", bad_run_end },
		{ "run 1 (PFN 0xffffffffff0, 0x100 pages) reaches past 2^52, beyond any x86 physical address", bad_run_huge },
		{ "runs 0 and 1 overlap at PFN 0x50", bad_overlap },
		{ "the runs hold 0x19e pages but NumberOfPages says 0x19f", bad_npages },
	};
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 1);
	/* without "PAGE" first it is memory, whatever follows: a raw image */
	memcpy(w.file, "PAGX", 4);
	open_win(&w);
	assert_string_equal(ptw_dump_format(w.d), "raw");
	ptw_dump_close(w.d);
	w.d = NULL;
	memcpy(w.file, "PAGE", 4);
	expect_each(&w, bad, sizeof bad / sizeof bad[0]);
	done(&w);
}

static void bad_sdmp(uint8_t *f, size_t *n) { (void)n; memcpy(f + 0x2000, "XDMP", 4); }
static void bad_sdump(uint8_t *f, size_t *n) { (void)n; memcpy(f + 0x2004, "DUMB", 4); }
static void bad_bits0(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2030, 0); }
static void bad_bits_huge(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2030, 1ULL << 41); }
static void bad_bits_long(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2030, 1ULL << 36); }
static void bad_present(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2028, 0x19d); }
static void bad_first(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2020, 0x2040); }
static void bad_bitmap_end(uint8_t *f, size_t *n) { (void)f; *n -= 0x1000; }
static void bad_extra_bit(uint8_t *f, size_t *n) { (void)n; f[0x2038] |= 1; } /* PFN 0 */
static void bad_summary_cut(uint8_t *f, size_t *n) { (void)f; *n = 0x2010; }

static void bitmap64_malformed(void **state)
{
	(void)state;
	static const struct bad bad[] = {
		{ "bitmap dump: the summary header at 0x2000 has signature 'XDMP' (want 'SDMP' or 'FDMP')", bad_sdmp },
		{ "bitmap dump: the summary header at 0x2000 has ValidDump 'DUMB' (want 'DUMP')", bad_sdump },
		{ "bitmap dump: a bitmap of 0x0 bits is absurd (1 to 2^40 pages of x86 physical memory)", bad_bits0 },
		{ "bitmap dump: a bitmap of 0x20000000000 bits is absurd (1 to 2^40 pages of x86 physical memory)", bad_bits_huge },
		{ "truncated bitmap dump: a bitmap of 0x1000000000 bits needs file bytes 0x2038-0x200002038 but the file ends at 0x1a1000", bad_bits_long },
		{ "bitmap dump: the bitmap has 0x19e bits set but TotalPresentPages says 0x19d", bad_present },
		{ "bitmap dump: FirstPage 0x2040 lies inside the headers and bitmap (which end at 0x2078)", bad_first },
		{ "bitmap dump: 0x19e pages stored from file offset 0x3000 need 0x19e000 bytes but the file ends at 0x1a0000 (truncated dump?)", bad_bitmap_end },
		{ "bitmap dump: the bitmap has 0x19f bits set but TotalPresentPages says 0x19e", bad_extra_bit },
		{ "truncated bitmap dump: its summary header at 0x2000 needs 0x38 bytes but the file ends at 0x2010", bad_summary_cut },
	};
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 5);
	expect_each(&w, bad, sizeof bad / sizeof bad[0]);
	done(&w);
}

static void badr_marker(uint8_t *f, size_t *n) { (void)n; put32(f + 0x2000, 0x41); }
static void badr_sig(uint8_t *f, size_t *n) { (void)n; memcpy(f + 0x2004, "SDMP", 4); }
static void badr_valid(uint8_t *f, size_t *n) { (void)n; memcpy(f + 0x2008, "DU\x01P", 4); }
static void badr_first(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2018, 0x4000); }
static void badr_meta(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2010, 1ULL << 60); }
static void badr_cut(uint8_t *f, size_t *n) { (void)f; *n = 0x2020; }
static void badr_pages_cut(uint8_t *f, size_t *n) { (void)f; *n = 0x2800; }
static void badr_huge(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2040, 0xfffffffffffULL); }
static void badr_end(uint8_t *f, size_t *n) { (void)f; *n -= 0x1000; }
static void badr_total(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2028, 0x1a0); }
static void badr_over(uint8_t *f, size_t *n) { (void)n; put64(f + 0x2028, 0x100); }
static void badr_type32(uint8_t *f, size_t *n) { (void)n; put32(f + GEN_WIN32_TYPE, 10); }

static void ranges64_malformed(void **state)
{
	(void)state;
	static const struct bad bad[] = {
		{ "range dump: the header at 0x2000 starts with 0x41 (want the marker 0x40)", badr_marker },
		{ "range dump: the header at 0x2000 has signature 'SDMP' (want 'RDMP' then 'DUMP')", badr_sig },
		{ "range dump: the header at 0x2000 has signature 'DU\\x01P' (want 'RDMP' then 'DUMP')", badr_valid },
		{ "range dump: FirstPageOffset 0x4000 does not follow MetadataSize 0xfe0 (the pages start 0x20 + MetadataSize past the RDMP header at 0x2000)", badr_first },
		{ "range dump: FirstPageOffset 0x3000 does not follow MetadataSize 0x1000000000000000 (the pages start 0x20 + MetadataSize past the RDMP header at 0x2000)", badr_meta },
		{ "truncated range dump: its RDMP header at 0x2000 needs 0x30 bytes but the file ends at 0x2020", badr_cut },
		{ "truncated range dump: the pages start at 0x3000 but the file ends at 0x2800", badr_pages_cut },
		{ "range 1 (PFN 0xfffffffffff, 0x100 pages) reaches past 2^52, beyond any x86 physical address", badr_huge },
		{ "range 1 wants file bytes 0xa1000-0x1a1000 but the file ends at 0x1a0000 (truncated dump?)", badr_end },
		{ "the ranges hold 0x19e pages but TotalNumberOfPages says 0x1a0", badr_total },
		{ "range 1 takes the pages past TotalNumberOfPages 0x100", badr_over },
	};
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 10);
	expect_each(&w, bad, sizeof bad / sizeof bad[0]);
	done(&w);
	build(&w, &gen_win7_x86, PTW_MODE_PAE, 1);
	badr_type32(w.file, &w.size);
	expect_error(w.file, w.size, "32-bit Windows crash dump of DumpType 10: range dumps are read with the 64-bit header only");
	done(&w);
}

static void bad32_machine(uint8_t *f, size_t *n) { (void)n; put32(f + 0x20, 0x8664); }
static void bad32_short(uint8_t *f, size_t *n) { (void)f; *n = 0xfff; }
static void bad32_nruns(uint8_t *f, size_t *n) { (void)n; put32(f + GEN_WIN32_RUNS, 87); }
static void bad32_type(uint8_t *f, size_t *n) { (void)n; put32(f + GEN_WIN32_TYPE, 2); }
static void bad32_run_end(uint8_t *f, size_t *n)
{
	(void)n;
	put32(f + GEN_WIN32_RUNS + 8 + 8 + 4, 0x101);   /* run 1's PageCount */
	put32(f + GEN_WIN32_RUNS + 4, 0x19f);
}

static void full32_malformed(void **state)
{
	(void)state;
	static const struct bad bad[] = {
		{ "Windows crash dump: MachineImageType 0x8664 (a 32-bit x86 dump says 0x14c)", bad32_machine },
		{ "truncated Windows crash dump header: the file is 0xfff bytes, a 32-bit header is 0x1000", bad32_short },
		{ "NumberOfRuns 87 is absurd: the header has room for 86 runs", bad32_nruns },
		{ "Windows crash dump of DumpType 2 (kernel summary): ptfs reads 1 (full), 5 and 6 (bitmap) and 8-10 (.dump /k, /ka, /f)", bad32_type },
		{ "run 1 wants file bytes 0x9f000-0x1a0000 but the file ends at 0x19f000 (truncated dump?)", bad32_run_end },
	};
	struct win w = {0};
	build(&w, &gen_win7_x86, PTW_MODE_X86, 1);
	expect_each(&w, bad, sizeof bad / sizeof bad[0]);
	done(&w);
}

/* ---- owners: the EPROCESS list ------------------------------------------------------- */

static void discover_win(const struct win *w, struct ptw_spaces *sp)
{
	struct ptw_discover_opts o = { .threads = 1 };
	struct ptw_error err = {0};
	if (ptw_discover(w->d, &o, sp, &err))
		fail_msg("discover: %s", err.msg);
}

/* The processes [0, n) own their spaces as the list says; the rest are
 * not owned by the list. */
static void assert_owners(const struct win *w, const struct ptw_spaces *sp,
			  unsigned n)
{
	size_t spaces = 0;
	for (unsigned i = 0; i < w->s.nprocs; i++) {
		const struct gen_winproc *p = &w->s.proc[i];
		const struct ptw_space *s = ptw_spaces_find(sp, p->dirbase);
		char want[16];
		snprintf(want, sizeof want, "%.15s", p->name);
		if (!s)
			fail_msg("%s (%lld): no space at %llx", p->name, (long long)p->cid,
				 (unsigned long long)p->dirbase);
		spaces += 1 + (p->user_dirbase != 0);
		if (i >= n) {
			assert_int_equal(s->owner_from, PTW_OWNER_NONE);
			assert_int_equal(s->cid, -1);
			continue;
		}
		assert_int_equal(s->cid, p->cid);
		assert_int_equal(s->ppid, p->ppid);
		assert_string_equal(s->name, want);
		assert_int_equal(s->owner_from, PTW_OWNER_WINDOWS_EPROCESS);
		assert_int_equal(s->owner_object, p->eprocess);
		assert_true(s->found & PTW_FOUND_PROCLIST);
		assert_int_equal(s->os, PTW_OS_WINDOWS);
		assert_false(s->kpti_user);
		if (i == 0)
			assert_true(s->found & PTW_FOUND_HEADER);
		else
			assert_true(s->found & PTW_FOUND_SELFMAP);
		assert_int_equal(s->kpti_peer, p->user_dirbase);
		if (!p->user_dirbase)
			continue;
		const struct ptw_space *u = ptw_spaces_find(sp, p->user_dirbase);
		if (!u)
			fail_msg("%s: no user copy at %llx", p->name,
				 (unsigned long long)p->user_dirbase);
		assert_int_equal(u->cid, p->cid);
		assert_int_equal(u->ppid, p->ppid);
		assert_string_equal(u->name, want);
		assert_int_equal(u->owner_from, PTW_OWNER_WINDOWS_EPROCESS);
		assert_int_equal(u->owner_object, p->eprocess);
		assert_true(u->kpti_user);
		assert_int_equal(u->kpti_peer, p->dirbase);
		assert_true(u->found & PTW_FOUND_PROCLIST);
	}
	/* The user copies of processes after a break are not found at all. */
	if (n == w->s.nprocs)
		assert_int_equal(sp->n, spaces);
}

struct layout_case {
	const struct gen_eprocess_layout *layout;
	enum ptw_mode_id mode;
	uint32_t type;
	const char *how;
};

static const struct layout_case layouts[] = {
	{ &gen_win7_x64, PTW_MODE_X64, 1,
	  "EPROCESS list: 10 processes (ActiveProcessLinks +0x188, UniqueProcessId +0x180, "
	  "ImageFileName +0x2e0, InheritedFromUniqueProcessId +0x290, no UserDirectoryTableBase)" },
	{ &gen_win10_x64, PTW_MODE_X64, 5,
	  "EPROCESS list: 10 processes (ActiveProcessLinks +0x448, UniqueProcessId +0x440, "
	  "ImageFileName +0x5a8, InheritedFromUniqueProcessId +0x540, UserDirectoryTableBase +0x388)" },
	{ &gen_win11_x64, PTW_MODE_X64, 6,
	  "EPROCESS list: 10 processes (ActiveProcessLinks +0x1d8, UniqueProcessId +0x1d0, "
	  "ImageFileName +0x338, InheritedFromUniqueProcessId +0x2d0, UserDirectoryTableBase +0x158)" },
	{ &gen_win7_x86, PTW_MODE_PAE, 1,
	  "EPROCESS list: 10 processes (ActiveProcessLinks +0xb8, UniqueProcessId +0xb4, "
	  "ImageFileName +0x16c, InheritedFromUniqueProcessId +0x140)" },
	{ &gen_win7_x86, PTW_MODE_X86, 1,
	  "EPROCESS list: 10 processes (ActiveProcessLinks +0xb8, UniqueProcessId +0xb4, "
	  "ImageFileName +0x16c, InheritedFromUniqueProcessId +0x140)" },
	/* WinDbg's .dump /f of Windows 11: a range dump */
	{ &gen_win11_x64, PTW_MODE_X64, 10,
	  "EPROCESS list: 10 processes (ActiveProcessLinks +0x1d8, UniqueProcessId +0x1d0, "
	  "ImageFileName +0x338, InheritedFromUniqueProcessId +0x2d0, UserDirectoryTableBase +0x158)" },
};

static void owners_of(const struct layout_case *c, bool system_shadow)
{
	struct win w = {0};
	if (system_shadow) {
		gen_windows_procs(&w.s);
		w.s.proc[0].shadow = true;
	}
	build(&w, c->layout, c->mode, c->type);
	open_win(&w);
	struct ptw_spaces sp;
	discover_win(&w, &sp);
	assert_int_equal(sp.mode->id, c->mode);
	assert_int_equal(sp.os, PTW_OS_WINDOWS);
	assert_string_equal(sp.owners_how, c->how);
	/* the shadowed processes have user copies exactly where the layout
	 * has UserDirectoryTableBase */
	for (unsigned i = 0; i < w.s.nprocs; i++)
		assert_int_equal(w.s.proc[i].user_dirbase != 0,
				 c->layout->user_dtb && w.s.proc[i].shadow);
	assert_owners(&w, &sp, w.s.nprocs);
	ptw_spaces_free(&sp);
	done(&w);
}

static void owners_win7_x64(void **state) { (void)state; owners_of(&layouts[0], false); }
static void owners_win10_x64(void **state) { (void)state; owners_of(&layouts[1], false); }
static void owners_win11_x64(void **state) { (void)state; owners_of(&layouts[2], true); }
static void owners_win7_pae(void **state) { (void)state; owners_of(&layouts[3], false); }
static void owners_win7_x86(void **state) { (void)state; owners_of(&layouts[4], false); }
static void owners_win11_complete(void **state) { (void)state; owners_of(&layouts[5], false); }

/* Exact records from the walker itself, for one layout: the raw DirBase
 * values carry PCID bits, the names their 15 bytes. */
static void owner_records(void **state)
{
	(void)state;
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 1);
	open_win(&w);
	struct ptw_space k;
	assert_int_equal(ptw_space_init(&k, w.d, ptw_mode_get(PTW_MODE_X64), w.s.kernel, NULL), 0);
	struct ptw_owners own = {0};
	char how[512];
	assert_int_equal(ptw_owners_windows(&k, &own, how, sizeof how, NULL), 0);
	assert_int_equal(own.n, 10);
	static const char *const names[] = {
		"System", "smss.exe", "csrss.exe", "wininit.exe", "services.exe",
		"lsass.exe", "svchost.exe", "SearchIndexer.e", "explorer.exe", "notepad.exe",
	};
	for (size_t i = 0; i < own.n; i++) {
		const struct gen_winproc *p = &w.s.proc[i];
		assert_int_equal(own.v[i].cid, p->cid);
		assert_int_equal(own.v[i].ppid, p->ppid);
		assert_string_equal(own.v[i].name, names[i]);
		assert_int_equal(own.v[i].dirbase, p->dirbase);
		assert_int_equal(own.v[i].user_dirbase, p->user_dirbase);
		assert_int_equal(own.v[i].object, p->eprocess);
	}
	ptw_owners_free(&own);
	done(&w);
}

static void broken_list(void **state)
{
	(void)state;
	struct win w = {0};
	w.s.list = GEN_WINLIST_BROKEN;
	w.s.at = 3;
	build(&w, &gen_win10_x64, PTW_MODE_X64, 5);
	open_win(&w);
	struct ptw_spaces sp;
	discover_win(&w, &sp);
	char how[512];
	snprintf(how, sizeof how,
		 "EPROCESS list: 10 processes (ActiveProcessLinks +0x448, UniqueProcessId +0x440, "
		 "ImageFileName +0x5a8, InheritedFromUniqueProcessId +0x540, UserDirectoryTableBase +0x388); "
		 "the list breaks after 4 processes: the EPROCESS at %llx (Flink %llx at %llx) is unreadable; "
		 "6 found walking back by Blink",
		 (unsigned long long)(w.s.bad_flink - 0x448), (unsigned long long)w.s.bad_flink,
		 (unsigned long long)(w.s.proc[3].eprocess + 0x448));
	assert_string_equal(sp.owners_how, how);
	/* the processes after the break are found walking back, their shadow
	 * copies too */
	assert_owners(&w, &sp, 10);
	assert_non_null(ptw_spaces_find(&sp, w.s.proc[6].user_dirbase));
	ptw_spaces_free(&sp);
	done(&w);
}

static void looping_list(void **state)
{
	(void)state;
	struct win w = {0};
	w.s.list = GEN_WINLIST_LOOP;
	w.s.at = 5;
	w.s.to = 2;
	build(&w, &gen_win7_x64, PTW_MODE_X64, 1);
	open_win(&w);
	struct ptw_spaces sp;
	discover_win(&w, &sp);
	char how[512];
	snprintf(how, sizeof how,
		 "EPROCESS list: 10 processes (ActiveProcessLinks +0x188, UniqueProcessId +0x180, "
		 "ImageFileName +0x2e0, InheritedFromUniqueProcessId +0x290, no UserDirectoryTableBase); "
		 "the list loops back to %llx after 6 processes; 4 found walking back by Blink",
		 (unsigned long long)(w.s.proc[2].eprocess + 0x188));
	assert_string_equal(sp.owners_how, how);
	assert_owners(&w, &sp, 10);
	ptw_spaces_free(&sp);
	done(&w);
}

/* A kernel dump may leave a user copy out: its process keeps its own
 * space, the copy is nobody's. */
static void shadow_copy_in_hole(void **state)
{
	(void)state;
	struct win w = {0};
	w.s.layout = &gen_win10_x64;
	gen_windows_image(&w.g, &w.s, PTW_MODE_X64, 2 * MiB, 0x100000);
	uint64_t u = w.s.proc[9].user_dirbase;
	assert_true(u > 0x100000);
	struct gen_windump *o = &w.s.dump;
	o->range[0].pa = 0x100000, o->range[0].size = u - 0x100000;
	o->range[1].pa = u + 0x1000, o->range[1].size = w.g.size - u - 0x1000;
	o->nranges = 2;
	w.s.dump.dump_type = 5;
	w.file = gen_windows_dump(&w.g, o, &w.size);
	open_win(&w);
	struct ptw_spaces sp;
	discover_win(&w, &sp);
	assert_string_equal(sp.owners_how, layouts[1].how);
	w.s.proc[9].user_dirbase = 0;
	assert_owners(&w, &sp, w.s.nprocs);
	assert_null(ptw_spaces_find(&sp, u));
	ptw_spaces_free(&sp);
	done(&w);
}

/* The header's DirectoryTableBase may be another process's (the one
 * running at the crash): its table maps the kernel half all the same, and
 * System's DirBase is then found as a table that maps the list alike. */
static void header_dirbase_not_system(void **state)
{
	(void)state;
	struct win w = {0};
	build(&w, &gen_win7_x64, PTW_MODE_X64, 1);
	put64(w.file + 0x10, w.s.proc[8].dirbase);     /* explorer.exe's */
	open_win(&w);
	struct ptw_spaces sp;
	discover_win(&w, &sp);
	assert_string_equal(sp.owners_how, layouts[0].how);
	for (unsigned i = 0; i < w.s.nprocs; i++) {
		const struct ptw_space *s = ptw_spaces_find(&sp, w.s.proc[i].dirbase);
		assert_non_null(s);
		assert_int_equal(s->cid, w.s.proc[i].cid);
		assert_int_equal(s->ppid, w.s.proc[i].ppid);
		assert_int_equal(s->owner_from, PTW_OWNER_WINDOWS_EPROCESS);
		assert_int_equal(!!(s->found & PTW_FOUND_HEADER), i == 8);
	}
	ptw_spaces_free(&sp);
	done(&w);
}

/* A raw image of Windows memory has no header to name the list. */
static void raw_windows(void **state)
{
	(void)state;
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 1);
	struct ptw_error err = {0};
	assert_int_equal(ptw_dump_open_memory(w.g.mem, w.g.size, &w.d, &err), 0);
	assert_string_equal(ptw_dump_format(w.d), "raw");
	struct ptw_spaces sp;
	discover_win(&w, &sp);
	assert_int_equal(sp.os, PTW_OS_WINDOWS);
	assert_true(sp.owners_how[0] && strncmp(sp.owners_how, "EPROCESS", 8) != 0);
	for (size_t i = 0; i < sp.n; i++)
		assert_int_equal(sp.v[i].owner_from, PTW_OWNER_NONE);
	ptw_spaces_free(&sp);
	/* the walker itself, handed the kernel's table, says why */
	struct ptw_space k;
	assert_int_equal(ptw_space_init(&k, w.d, ptw_mode_get(PTW_MODE_X64), w.s.kernel, NULL), 0);
	struct ptw_owners own = {0};
	char how[256] = "";
	assert_int_equal(ptw_owners_windows(&k, &own, how, sizeof how, &err), PTW_ERR_NOT_FOUND);
	assert_string_equal(err.msg, "no PsActiveProcessHead: the dump has no Windows crash-dump header");
	assert_int_equal(own.n, 0);
	assert_string_equal(how, "");
	done(&w);
}

/* KPROCESS.Affinity's inline KAFFINITY_EX header ({Count 1, Size 4 or
 * 0x14}: 0x40001 or 0x140001, the same in every process) reads like a page
 * address with a flag bit.  With no shadowed process, the open-ended search
 * for UserDirectoryTableBase must not take it. */
static void affinity_is_not_user_dtb(const struct gen_eprocess_layout *L,
				     uint64_t off, uint64_t value, const char *how)
{
	struct win w = {0};
	gen_windows_procs(&w.s);
	for (unsigned i = 0; i < w.s.nprocs; i++)
		w.s.proc[i].shadow = false;
	build(&w, L, PTW_MODE_X64, 1);
	open_win(&w);
	struct ptw_space k;
	assert_int_equal(ptw_space_init(&k, w.d, ptw_mode_get(PTW_MODE_X64), w.s.kernel, NULL), 0);
	for (unsigned i = 0; i < w.s.nprocs; i++) {
		struct ptw_xlat x;
		assert_int_equal(ptw_translate(&k, w.s.proc[i].eprocess + off, &x, NULL), 0);
		assert_int_equal(x.status, PTW_MAPPED);
		put64(w.g.mem + x.pa, value);
	}
	ptw_dump_close(w.d);
	free(w.file);
	w.file = gen_windows_dump(&w.g, &w.s.dump, &w.size);
	open_win(&w);
	assert_int_equal(ptw_space_init(&k, w.d, ptw_mode_get(PTW_MODE_X64), w.s.kernel, NULL), 0);
	struct ptw_owners own = {0};
	struct ptw_error err = {0};
	char got[512] = "";
	assert_int_equal(ptw_owners_windows(&k, &own, got, sizeof got, &err), 0);
	assert_string_equal(got, how);
	assert_int_equal(own.n, w.s.nprocs);
	for (size_t i = 0; i < own.n; i++)
		assert_int_equal(own.v[i].user_dirbase, 0);
	ptw_owners_free(&own);
	done(&w);
}

static void affinity_win7(void **state)
{
	(void)state;
	affinity_is_not_user_dtb(&gen_win7_x64, 0x48, 0x40001,
		"EPROCESS list: 10 processes (ActiveProcessLinks +0x188, UniqueProcessId +0x180, "
		"ImageFileName +0x2e0, InheritedFromUniqueProcessId +0x290, no UserDirectoryTableBase)");
}

static void affinity_win10(void **state)
{
	(void)state;
	affinity_is_not_user_dtb(&gen_win10_x64, 0x50, 0x140001,
		"EPROCESS list: 10 processes (ActiveProcessLinks +0x448, UniqueProcessId +0x440, "
		"ImageFileName +0x5a8, InheritedFromUniqueProcessId +0x540, no UserDirectoryTableBase)");
}

/* Lists the walker refuses, each with its reason: System's EPROCESS
 * patched in the dump file. */
static void owners_refused(void **state)
{
	(void)state;
	struct win w = {0};
	build(&w, &gen_win10_x64, PTW_MODE_X64, 1);
	const struct gen_eprocess_layout *L = w.s.layout;
	uint64_t sys = w.s.proc[0].eprocess;
	/* System's EPROCESS: its page holds the name "System" */
	uint64_t pa = 0;
	for (uint64_t at = 0x100000; at < w.g.size && !pa; at += 0x1000)
		if (memcmp(w.g.mem + at + 0x80 + L->name, "System\0", 7) == 0)
			pa = at + 0x80;
	assert_true(pa != 0);
	uint64_t off = 0x2000 + 0x9e000 + (pa - 0x100000);  /* in the file */
	char not_system[200], no_fields[300], no_name[200];
	snprintf(not_system, sizeof not_system,
		 "EPROCESS list: the first process is not System: UniqueProcessId 8 (want 4) before ActiveProcessLinks %llx",
		 (unsigned long long)(sys + L->links));
	snprintf(no_fields, sizeof no_fields,
		 "EPROCESS list: cannot locate the fields: no offset of ActiveProcessLinks (%llx) puts DirBase %llx at KPROCESS +0x28 and a process after System",
		 (unsigned long long)(sys + L->links), (unsigned long long)w.s.kernel);
	snprintf(no_name, sizeof no_name,
		 "EPROCESS list: no ImageFileName \"System\" in the 0x400 bytes after System's ActiveProcessLinks %llx",
		 (unsigned long long)(sys + L->links));
	const struct {
		const char *msg;
		uint32_t field;
		uint32_t value;
	} cases[] = {
		{ not_system, L->pid, 8 },
		{ no_fields, L->dtb, 0x5000 },       /* an empty table, not the kernel's */
		{ no_name, L->name, 0x73797320 },    /* " sys" */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t save[4];
		memcpy(save, w.file + off + cases[i].field, 4);
		put32(w.file + off + cases[i].field, cases[i].value);
		open_win(&w);
		struct ptw_space k;
		assert_int_equal(ptw_space_init(&k, w.d, ptw_mode_get(PTW_MODE_X64), w.s.kernel, NULL), 0);
		struct ptw_owners own = {0};
		struct ptw_error err = {0};
		char how[256] = "";
		assert_int_equal(ptw_owners_windows(&k, &own, how, sizeof how, &err), PTW_ERR_NOT_FOUND);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(own.n, 0);
		/* discovery goes on, and says why there are no owners */
		struct ptw_spaces sp;
		discover_win(&w, &sp);
		assert_string_equal(sp.owners_how, cases[i].msg);
		ptw_spaces_free(&sp);
		ptw_owners_free(&own);
		ptw_dump_close(w.d);
		w.d = NULL;
		memcpy(w.file + off + cases[i].field, save, 4);
	}
	done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full64),
		cmocka_unit_test(full64_run_order),
		cmocka_unit_test(bitmap64_type5),
		cmocka_unit_test(bitmap64_live),
		cmocka_unit_test(bitmap64_long),
		cmocka_unit_test(ranges64_kernel),
		cmocka_unit_test(ranges64_kernel_user),
		cmocka_unit_test(ranges64_complete),
		cmocka_unit_test(ranges64_malformed),
		cmocka_unit_test(full32_pae),
		cmocka_unit_test(full32_x86),
		cmocka_unit_test(bitmap32),
		cmocka_unit_test(hints64),
		cmocka_unit_test(hints32),
		cmocka_unit_test(info_text),
		cmocka_unit_test(full64_malformed),
		cmocka_unit_test(bitmap64_malformed),
		cmocka_unit_test(full32_malformed),
		cmocka_unit_test(owners_win7_x64),
		cmocka_unit_test(owners_win10_x64),
		cmocka_unit_test(owners_win11_x64),
		cmocka_unit_test(owners_win7_pae),
		cmocka_unit_test(owners_win7_x86),
		cmocka_unit_test(owners_win11_complete),
		cmocka_unit_test(affinity_win7),
		cmocka_unit_test(affinity_win10),
		cmocka_unit_test(owner_records),
		cmocka_unit_test(broken_list),
		cmocka_unit_test(looping_list),
		cmocka_unit_test(shadow_copy_in_hole),
		cmocka_unit_test(header_dirbase_not_system),
		cmocka_unit_test(raw_windows),
		cmocka_unit_test(owners_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
