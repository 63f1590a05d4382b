/* test_iterate.c — iteration in VA order with coalescing: whole maps texts
 * for every scenario, sub-ranges, early stops, and tables that loop. */
#include "testutil.h"

#include "ptview.h"

#include <elf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void check_maps(const char *scenario, bool elf, uint64_t dirbase,
		       const char *want)
{
	struct scenario s;
	struct ptw_spaces sp;
	ptw_dump *d = open_scenario(scenario, elf, &s);
	discover(d, &sp);
	char *got = maps_of(&sp, dirbase);
	assert_text(got, want);
	free(got);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
}

static const char linux_kernel[] =
	"ffff888000000000-ffff888040000000 0000000000000000 1G -GLDA--KW-V\n"
	"fffffe0000000000-fffffe0000001000 0000000000304000 4K -G-DA--KW-V\n"
	"ffffffff81000000-ffffffff81200000 0000000000200000 2M -GLDA--KREV\n"
	"ffffffff82000000-ffffffff82004000 0000000000300000 4K -G-DA--KW-V\n";

static void maps_linux_x64(void **state)
{
	(void)state;
	check_maps("linux-x64", false, 0x100000, linux_kernel);
	/* alpha's kernel copy: user entries NX; data frames 0,1,3,2 split the
	 * run where the PA jumps; the text pages coalesce */
	char want[2048];
	snprintf(want, sizeof want, "%s%s",
		 "0000000000400000-0000000000402000 0000000000310000 4K ----A--UR-V\n"
		 "0000000000600000-0000000000602000 0000000000320000 4K ---DA--UW-V\n"
		 "0000000000602000-0000000000603000 0000000000323000 4K ---DA--UW-V\n"
		 "0000000000603000-0000000000604000 0000000000322000 4K ---DA--UW-V\n"
		 "00007f0000000000-00007f0000200000 0000000000400000 2M --LDA--UW-V\n"
		 "00007ffffffde000-00007ffffffdf000 0000000000340000 4K ---DA--UW-V\n",
		 linux_kernel);
	check_maps("linux-x64", true, 0x10a000, want);
	/* alpha's user copy: executable text; only the kernel's entry text */
	check_maps("linux-x64", true, 0x10b000,
		   "0000000000400000-0000000000402000 0000000000310000 4K ----A--UREV\n"
		   "0000000000600000-0000000000602000 0000000000320000 4K ---DA--UW-V\n"
		   "0000000000602000-0000000000603000 0000000000323000 4K ---DA--UW-V\n"
		   "0000000000603000-0000000000604000 0000000000322000 4K ---DA--UW-V\n"
		   "00007f0000000000-00007f0000200000 0000000000400000 2M --LDA--UW-V\n"
		   "00007ffffffde000-00007ffffffdf000 0000000000340000 4K ---DA--UW-V\n"
		   "fffffe0000000000-fffffe0000001000 0000000000304000 4K -G-DA--KW-V\n"
		   "ffffffff81000000-ffffffff81001000 0000000000200000 4K -G-DA--KREV\n");
}

static void maps_windows_x64_selfmap(void **state)
{
	(void)state;
	/* The self-map at 0x1ed shows every table in the PTE window
	 * (FFFFF680`00000000), the PML4 itself at FFFFF6FB`7DBED000, and the
	 * large pages again one level down, as the CPU would see them. */
	check_maps("windows-x64", false, 0x100000,
		   "ffffc00000000000-ffffc00040000000 0000000000000000 1G -GLDAN-KW-V\n"
		   "fffff6e000000000-fffff6e000200000 0000000000000000 2M -GLDAN-KW-V\n"
		   "fffff6fb70000000-fffff6fb70001000 0000000000000000 4K -G-DAN-KW-V\n"
		   "fffff6fb7db80000-fffff6fb7db81000 0000000000104000 4K ----A--KW-V\n"
		   "fffff6fb7dbed000-fffff6fb7dbee000 0000000000100000 4K ---DA--KW-V\n"
		   "fffff6fb7dbf0000-fffff6fb7dbf1000 0000000000101000 4K ----A--KW-V\n"
		   "fffff6fb7e000000-fffff6fb7e001000 0000000000102000 4K ----A--KW-V\n"
		   "fffff6fc00000000-fffff6fc00001000 0000000000200000 4K -G-DA--KR-V\n"
		   "fffff6fc00001000-fffff6fc00002000 0000000000103000 4K ----A--KW-V\n"
		   "fffff80000000000-fffff80000200000 0000000000200000 2M -GLDA--KREV\n"
		   "fffff80000200000-fffff80000201000 0000000000300000 4K -G-DA--KW-V\n");
}

static void maps_pae(void **state)
{
	(void)state;
	check_maps("linux-pae", true, 0x104000,
		   "08048000-08049000 0000000000310000 4K ----A--UREV\n"
		   "b7a00000-b7c00000 0000000000400000 2M --LDA--UW-V\n"
		   "bfff0000-bfff1000 0000000000320000 4K ---DA--UW-V\n"
		   "c0000000-c0200000 0000000000000000 2M -GLDA--KWEV\n"
		   "c0200000-c0800000 0000000000200000 2M -GLDA--KW-V\n"
		   "ff800000-ff801000 0000000000300000 4K -G-DA--KW-V\n");
	/* Windows PAE: the PD under PDPTE 3 maps the four PDs at c0600000 */
	check_maps("windows-pae", false, 0x100020,
		   "00010000-00011000 0000000000300000 4K ---DA--UW-V\n"
		   /* a transition PTE: resident, read as Windows would */
		   "00012000-00013000 0000000000301000 4K -------UW--\n"
		   "80000000-80200000 0000000000200000 2M -GLDA--KREV\n"
		   "c0000000-c0001000 0000000000105000 4K ----A--KWEV\n"
		   "c0400000-c0401000 0000000000200000 4K -G-DA--KREV\n"
		   "c0600000-c0604000 0000000000101000 4K ---DA--KWEV\n");
}

static void maps_x86(void **state)
{
	(void)state;
	/* 9 columns; PSE-36 puts a 4 MiB page at PA 1_00400000; the PDE of a
	 * 4 MiB page seen through the self-map is a 4K "PTE" whose bit 13 is
	 * an address bit (c0201000 -> 402000) */
	check_maps("windows-x86", true, 0x100000,
		   "00400000-00401000 0000000000300000 4K ---A--URV\n"
		   "00401000-00402000 0000000000301000 4K --DA--UWV\n"
		   "00403000-00404000 0000000000304000 4K ------UW-\n"
		   "7ffdf000-7ffe0000 0000000000302000 4K --DA--UWV\n"
		   "80000000-80400000 0000000000400000 4M GLDA--KRV\n"
		   "80400000-80800000 0000000100400000 4M -LDA--KWV\n"
		   "80800000-80801000 0000000000303000 4K G-DA--KWV\n"
		   "c0001000-c0002000 0000000000102000 4K ---A--KWV\n"
		   "c01ff000-c0200000 0000000000103000 4K ---A--KWV\n"
		   "c0200000-c0201000 0000000000400000 4K G-DA--KRV\n"
		   "c0201000-c0202000 0000000000402000 4K --DA--KWV\n"
		   "c0202000-c0203000 0000000000101000 4K ---A--KWV\n"
		   "c0300000-c0301000 0000000000100000 4K --DA--KWV\n");
}

static void maps_la57(void **state)
{
	(void)state;
	check_maps("linux-la57", true, 0x10f000,
		   "0000000000400000-0000000000401000 0000000000300000 4K ----A--UREV\n"
		   "00ff000000001000-00ff000000002000 0000000000311000 4K ---DA--UW-V\n"
		   "ff11000000000000-ff11000040000000 0000000000000000 1G -GLDA--KW-V\n"
		   "ffffffff81000000-ffffffff81200000 0000000000200000 2M -GLDA--KREV\n");
}

/* ---- ranges, stops, counts ---------------------------------------------------- */

struct collect {
	struct ptw_run runs[64];
	unsigned n, stop_after;
};

static int collect_run(void *ctx, const struct ptw_run *r)
{
	struct collect *c = ctx;
	if (c->n < 64)
		c->runs[c->n] = *r;
	c->n++;
	return c->stop_after && c->n >= c->stop_after;
}

static void subrange_and_stop(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-x64", false, &s);
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), 0x10a000, NULL), 0);
	/* pages meeting [0x601800, 0x602000]: two runs, reported whole */
	struct collect c = {0};
	struct ptw_iter_stats st;
	assert_int_equal(ptw_iterate(&sp, 0x601800, 0x602000, collect_run, &c, &st, NULL), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.runs[0].va, 0x601000);
	assert_int_equal(c.runs[0].size, 0x1000);
	assert_int_equal(c.runs[0].pa, 0x321000);
	assert_int_equal(c.runs[1].va, 0x602000);
	assert_int_equal(c.runs[1].pa, 0x323000);
	/* from the upper half only */
	memset(&c, 0, sizeof c);
	assert_int_equal(ptw_iterate(&sp, 0xffff800000000000ULL, ~0ULL, collect_run, &c, &st, NULL), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.runs[0].va, 0xffff888000000000ULL);
	assert_int_equal(st.pages[1], 1);   /* by level: the PDPTE's 1 GiB */
	/* stop after the first run */
	memset(&c, 0, sizeof c);
	c.stop_after = 1;
	assert_int_equal(ptw_iterate(&sp, 0, ~0ULL, collect_run, &c, &st, NULL), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.runs[0].va, 0x400000);
	/* counts over the whole space */
	memset(&c, 0, sizeof c);
	assert_int_equal(ptw_iterate(&sp, 0, ~0ULL, collect_run, &c, &st, NULL), 0);
	assert_int_equal(c.n, 10);
	assert_int_equal(st.pages[3], 12);  /* 4K: 2 text, 4 data, stack, cea, 4 kdata */
	assert_int_equal(st.pages[2], 2);   /* 2M */
	assert_int_equal(st.pages[1], 1);   /* 1G */
	assert_int_equal(st.pages[0], 0);   /* PML4Es map none */
	assert_int_equal(st.revisits, 0);
	assert_false(st.truncated);
	/* bounds must be valid VAs */
	assert_int_equal(ptw_iterate(&sp, 0x800000000000ULL, ~0ULL, collect_run, &c, &st, NULL),
			 PTW_ERR_NONCANONICAL);
	ptw_dump_close(d);
	scenario_free(&s);
}

/* ---- hostile tables ------------------------------------------------------------- */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int count_run(void *ctx, const struct ptw_run *r)
{
	(void)r;
	(*(uint64_t *)ctx)++;
	return 0;
}

static void loops_are_bounded(void **state)
{
	(void)state;
	/* Every entry of every level points at the one table: 512^4 paths.
	 * The walk must end, say it stopped, and stay small. */
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 64 * 1024, 0x1000);
	uint64_t t = gen_self_loop(&g);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_memory(g.mem, g.size, &d, NULL), 0);
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), t, NULL), 0);
	uint64_t runs = 0;
	struct ptw_iter_stats st;
	double t0 = now();
	assert_int_equal(ptw_iterate(&sp, 0, ~0ULL, count_run, &runs, &st, NULL), 0);
	double dt = now() - t0;
	assert_true(st.truncated);
	/* bounded work: the pages under shared tables stop at 2^18 (ESPFIX,
	 * the largest legitimate sharing, needs 131072), and so do the runs */
	assert_true(st.revisits <= 4096);
	assert_true(st.tables <= 4096 + 4);
	assert_int_equal(st.pages[3], 512 + (1u << 18)); /* first descent + budget */
	assert_int_equal(runs, 512 + (1u << 18));
	assert_true(dt < 5.0); /* generous: it takes milliseconds */
	/* a single translation through the loop ends after four levels */
	struct ptw_xlat x;
	assert_int_equal(ptw_translate(&sp, 0x123456789000ULL, &x, NULL), 0);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, t);
	ptw_dump_close(d);
	gen_free(&g);
}

/* Tables that fan out into one empty page table: 512^3 paths to nothing.
 * Each table is walked once, found to map nothing, and not walked again:
 * no revisit budget spent, nothing truncated (a SEEK_DATA over such a
 * space took the whole budget per call, 14 s for fuzz_views). */
static void empty_subtrees_once(void **state)
{
	(void)state;
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 64 * 1024, 0x1000);
	uint64_t top = gen_page(&g), pdpt = gen_page(&g), pd = gen_page(&g);
	uint64_t pt = gen_page(&g); /* all zero */
	for (unsigned i = 0; i < 512; i++) {
		gen_set(&g, top + 8 * i, pdpt | 0x67);
		gen_set(&g, pdpt + 8 * i, pd | 0x67);
		gen_set(&g, pd + 8 * i, pt | 0x67);
	}
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_memory(g.mem, g.size, &d, NULL), 0);
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), top, NULL), 0);
	uint64_t runs = 0;
	struct ptw_iter_stats st;
	assert_int_equal(ptw_iterate(&sp, 0, ~0ULL, count_run, &runs, &st, NULL), 0);
	assert_int_equal(runs, 0);
	assert_int_equal(st.tables, 4);
	assert_int_equal(st.revisits, 0);
	assert_false(st.truncated);
	/* a range that cuts a table: that table is not known empty, but the
	 * whole ones below it are */
	assert_int_equal(ptw_iterate(&sp, 0x1000, 0x7fffffffffffULL, count_run, &runs, &st, NULL), 0);
	assert_int_equal(runs, 0);
	assert_false(st.truncated);
	assert_true(st.tables <= 4 + 3 * 2);
	ptw_dump_close(d);
	gen_free(&g);
}

static void tables_past_memory_are_skipped(void **state)
{
	(void)state;
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 64 * 1024, 0x1000);
	uint64_t t = gen_page(&g);
	gen_set(&g, t, 0x7fff0000000ULL | 0x67);        /* past the end */
	gen_set(&g, t + 8, gen_page(&g) | 0x67);          /* a real, empty one */
	gen_map(&g, t, 0x8000000000ULL + 0x5000, 0x9000, 0x1000, PTW_RW);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_memory(g.mem, g.size, &d, NULL), 0);
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), t, NULL), 0);
	struct collect c = {0};
	struct ptw_iter_stats st;
	assert_int_equal(ptw_iterate(&sp, 0, ~0ULL, collect_run, &c, &st, NULL), 0);
	assert_int_equal(st.holes, 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.runs[0].va, 0x8000005000ULL);
	assert_int_equal(c.runs[0].pa, 0x9000);
	ptw_dump_close(d);
	gen_free(&g);
}

struct names {
	char text[256];
};

static int collect_name(void *ctx, const char *name, const struct ptv_attr *a)
{
	(void)a;
	struct names *n = ctx;
	size_t len = strlen(n->text);
	snprintf(n->text + len, sizeof n->text - len, "%s ", name);
	return 0;
}

static void partly_held_tables_agree(void **state)
{
	(void)state;
	/* PML4 at 0, PDPT at 0x1000, PD at 0x2000 whose first half only is in
	 * the dump: its entry 0 maps a 2 MiB page.  The walk, the iteration
	 * and the tree must all see that page.  Its entry 0xff straddles the
	 * end of the dump (4 of its 8 bytes held): missing to all of them,
	 * though the bytes held would make it present. */
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 16 * 1024, 0);
	gen_set(&g, 0, 0x1000 | 0x27);
	gen_set(&g, 0x1000, 0x2000 | 0x27);
	gen_set(&g, 0x2000, 0x200000 | 0xe7);
	gen_set(&g, 0x2008, 0 | 0xe7); /* a page whose first bytes are held */
	gen_set(&g, 0x2000 + 0xff * 8, 0x400000 | 0xe7);
	struct gen_elf o = { .elfclass = ELFCLASS64, .machine = EM_X86_64,
			     .seg = { { 0, 0x27fc, 0x27fc } }, .nsegs = 1 };
	const char *path = test_path("partly.elf");
	assert_int_equal(gen_write_elf(&g, &o, path), 0);
	gen_free(&g);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open(path, &d, NULL), 0);
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), 0, NULL), 0);
	struct ptw_xlat x;
	assert_int_equal(ptw_translate(&sp, 0x1234, &x, NULL), 0);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x201234);
	assert_int_equal(ptw_translate(&sp, 0xff * 0x200000ULL, &x, NULL), 0);
	assert_int_equal(x.status, PTW_TABLE_HOLE);
	struct collect c = {0};
	struct ptw_iter_stats st;
	assert_int_equal(ptw_iterate(&sp, 0, ~0ULL, collect_run, &c, &st, NULL), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.runs[0].pa, 0x200000);
	assert_int_equal(c.runs[0].size, 0x200000);
	assert_int_equal(c.runs[1].va, 0x200000);
	assert_int_equal(c.runs[1].pa, 0);
	assert_int_equal(st.holes, 1);
	struct ptv_text t = {0};
	assert_int_equal(ptv_render_entry(&sp, 1, 0x1000, 0, 0, &t), 0);
	assert_non_null(strstr(t.p, "next-table: 2000 (partly outside the dump)\n"));
	ptv_text_free(&t);
	/* Reads through one TLB: the straddling entry's miss must not hide
	 * the page entry 0 maps (it once cached the whole PD as unmapped). */
	struct ptw_tlb tlb = {0};
	uint8_t buf[8];
	assert_int_equal(ptw_vread(&sp, &tlb, 0xff * 0x200000ULL, buf, 8), 0);
	assert_int_equal(ptw_vread(&sp, &tlb, 0x201234, buf, 8), 8);
	ptw_dump_close(d);
	/* The tree lists only entries a lookup resolves: not the straddling
	 * one, whose held bytes are not zero. */
	struct ptv_config cfg = { .dump_path = path };
	uint64_t root = 0;
	cfg.discover.mode = ptw_mode_get(PTW_MODE_X64);
	cfg.discover.dirbases = &root;
	cfg.discover.ndirbases = 1;
	cfg.discover.no_scan = true;
	ptv_fs *fs;
	assert_int_equal(ptv_open(&cfg, &fs, NULL), 0);
	struct ptv_node pd;
	assert_int_equal(ptv_lookup(fs, "/dtb/0/pml4/0/pdpt/0/pd", &pd), 0);
	struct names names = {0};
	assert_int_equal(ptv_readdir(fs, &pd, collect_name, &names), 0);
	assert_string_equal(names.text, "0 1 ");
	struct ptv_attr a;
	assert_int_equal(ptv_getattr(fs, &pd, &a), 0);
	assert_int_equal(a.nlink, 4);
	ptv_close(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(maps_linux_x64),
		cmocka_unit_test(maps_windows_x64_selfmap),
		cmocka_unit_test(maps_pae),
		cmocka_unit_test(maps_x86),
		cmocka_unit_test(maps_la57),
		cmocka_unit_test(subrange_and_stop),
		cmocka_unit_test(loops_are_bounded),
		cmocka_unit_test(empty_subtrees_once),
		cmocka_unit_test(tables_past_memory_are_skipped),
		cmocka_unit_test(partly_held_tables_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
