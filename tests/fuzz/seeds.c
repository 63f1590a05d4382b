/* seeds.c — small seed inputs for the fuzz targets (a normal program, not
 * a fuzzer).
 *
 *   fuzz-seeds DIR           writes DIR/<target>/<name> for the targets
 *                            dump, walk, scan, views, args, owners,
 *                            windows, kallsyms_find and vm
 *   fuzz-seeds --repro DIR   writes DIR/<name>: the inputs of the library
 *                            bugs the fuzzers found (see repro() below)
 *
 * The named scenarios (mkdump) are megabytes; these images are tens of
 * KiB, built with the same generator: for each paging mode a Linux-like
 * layout (a kernel table and processes sharing its half, KPTI pairs on
 * x86-64) or a Windows-like one (self-maps), with 4 KiB and large pages,
 * plus hostile tables (cheap loops that reach the iterator's revisit bound,
 * reserved bits, tables outside memory).  Tables and data pages come from
 * one allocator starting at 0x1000, and the image is cut where it ends.
 * AArch64's come from the arm64-* scenarios' memory (see "AArch64" below).
 */
#include "gen.h"
#include "gen_linux.h"
#include "gen_vm.h"
#include "scenarios.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

#define K_RO_X  (PTW_A | PTW_D | PTW_G)
#define K_RW_NX (PTW_RW | PTW_A | PTW_D | PTW_G | PTW_XD)
#define U_RO_X  (PTW_US | PTW_A)
#define U_RW_NX (PTW_US | PTW_RW | PTW_A | PTW_D | PTW_XD)

struct img {
	const char *name;
	struct gen g;
	struct gen_elf elf;
	uint64_t top[4];       /* top tables worth a walk seed */
	unsigned ntop;
	char vmcoreinfo[256];
};

static const char *outdir;

static void die(const char *what)
{
	fprintf(stderr, "fuzz-seeds: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void make_dir(const char *sub)
{
	char path[4096];
	snprintf(path, sizeof path, "%s%s%s", outdir, sub ? "/" : "", sub ? sub : "");
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die(path);
}

static void seed_path(char *path, size_t n, const char *target,
		      const char *name, const char *suffix)
{
	snprintf(path, n, "%s/%s/%s%s", outdir, target, name, suffix);
}

static void write_file(const char *target, const char *name,
		       const void *a, size_t alen, const void *b, size_t blen)
{
	char path[4096];
	seed_path(path, sizeof path, target, name, "");
	FILE *f = fopen(path, "wb");
	if (!f)
		die(path);
	if ((alen && fwrite(a, 1, alen, f) != alen) ||
	    (blen && fwrite(b, 1, blen, f) != blen) || fclose(f) != 0)
		die(path);
}

static void append_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "ab");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die(path);
}

/* ---- images --------------------------------------------------------------- */

static void start(struct img *im, const char *name, enum ptw_mode_id mode)
{
	memset(im, 0, sizeof *im);
	im->name = name;
	gen_init(&im->g, mode, 1 * MiB, 0x1000);
	gen_fill_page(&im->g, 0, "PTFS-FUZZ page zero");
}

/* A data page with a marker. */
static uint64_t data_page(struct img *im, const char *text)
{
	uint64_t pa = gen_page(&im->g);
	gen_fill_page(&im->g, pa, text);
	return pa;
}

/* Cut the image after the last page handed out. */
static void finish(struct img *im, enum ptw_mode_id mode, uint64_t cr3,
		   int elfclass, int machine)
{
	im->g.size = im->g.next;
	im->elf.elfclass = elfclass;
	im->elf.machine = machine;
	im->elf.cpu[0] = gen_cpu_for(mode, cr3);
	im->elf.ncpus = 1;
	if (im->vmcoreinfo[0])
		im->elf.vmcoreinfo = im->vmcoreinfo;
}

static void linux_x64(struct img *im, bool la57)
{
	enum ptw_mode_id mode = la57 ? PTW_MODE_LA57 : PTW_MODE_X64;
	start(im, la57 ? "linux-la57" : "linux-x64", mode);
	struct gen *g = &im->g;
	uint64_t text = data_page(im, "PTFS-FUZZ kernel text");
	uint64_t kdata = data_page(im, "PTFS-FUZZ kernel data");
	uint64_t utext = data_page(im, "PTFS-FUZZ user text");
	uint64_t k = gen_pair(g);
	uint64_t direct = la57 ? 0xff11000000000000ULL : 0xffff888000000000ULL;
	gen_map(g, k, direct, 0, GiB, K_RW_NX);
	gen_map(g, k, 0xffffffff81000000ULL, 0, 2 * MiB, K_RO_X);
	gen_map(g, k, 0xffffffff82000000ULL, text, 0x1000, K_RO_X);
	gen_map(g, k, 0xffffffff82001000ULL, kdata, 0x1000, K_RW_NX);
	im->top[im->ntop++] = k;
	unsigned n = ptw_level_entries(g->mode, 0);
	for (unsigned i = 0; i < 2; i++) {
		uint64_t p = gen_pair(g), u = p + 0x1000;
		char who[64];
		snprintf(who, sizeof who, "PTFS-FUZZ process %u data", i);
		uint64_t udata = data_page(im, who);
		gen_copy_entries(g, k, p, n / 2, n / 2);
		gen_map(g, p, 0x400000, utext, 0x1000, U_RO_X);
		gen_map(g, p, 0x7ffffffde000ULL, udata, 0x1000, U_RW_NX);
		if (la57)
			gen_map(g, p, 0x00ff000000000000ULL, udata, 0x1000, U_RW_NX);
		/* KPTI: the user copy, then NX on the kernel copy's user half */
		gen_copy_entries(g, p, u, 0, n / 2);
		for (unsigned j = 0; j < n / 2; j++) {
			uint64_t e = gen_get(g, p + 8 * j);
			if (e)
				gen_set(g, p + 8 * j, e | PTW_XD);
		}
		/* the user copy shares one kernel entry as is (Linux: the
		 * cpu_entry_area), and has its own entry-text table */
		unsigned shared = (unsigned)((direct >> g->mode->level[0].shift) & (n - 1));
		gen_copy_entries(g, k, u, shared, 1);
		gen_map(g, u, 0xffffffff81000000ULL, text, 0x1000, K_RO_X);
		im->top[im->ntop++] = i ? u : p;
	}
	snprintf(im->vmcoreinfo, sizeof im->vmcoreinfo,
		 "OSRELEASE=6.1.0-fuzz\nPAGESIZE=4096\n"
		 "SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=0\n"
		 "NUMBER(pgtable_l5_enabled)=%d\n",
		 0xffffffff80000000ULL + (unsigned long long)k, la57);
	finish(im, mode, im->top[2], ELFCLASS64, EM_X86_64);
}

static void windows_x64(struct img *im)
{
	start(im, "windows-x64", PTW_MODE_X64);
	struct gen *g = &im->g;
	uint64_t text = data_page(im, "PTFS-FUZZ ntoskrnl");
	uint64_t udata = data_page(im, "PTFS-FUZZ notepad");
	uint64_t sys = gen_page(g);
	g->table_bits = PTW_P | PTW_RW | PTW_A;
	gen_set(g, sys + 8 * 0x1ed, sys | 0x63 | PTW_XD);
	gen_map(g, sys, 0xfffff80000000000ULL, 0, 2 * MiB, K_RO_X);
	gen_map(g, sys, 0xfffff80000200000ULL, text, 0x1000, K_RW_NX);
	gen_map(g, sys, 0xffffc00000000000ULL, 0, GiB, K_RW_NX | PTW_PCD);
	g->table_bits = GEN_TABLE;
	uint64_t p = gen_page(g);
	gen_copy_entries(g, sys, p, 256, 256);
	gen_set(g, p + 8 * 0x1ed, p | 0x63 | PTW_XD);
	gen_map(g, p, 0x10000, udata, 0x1000, U_RW_NX | 0x200);
	gen_map(g, p, 0x7ff612340000ULL, text, 0x1000, U_RO_X);
	gen_set(g, gen_entry(g, p, 0x7ff612341000ULL, 3), 0x12345000ULL | 0x80);
	im->top[im->ntop++] = sys;
	im->top[im->ntop++] = p;
	finish(im, PTW_MODE_X64, sys, ELFCLASS64, EM_X86_64);
}

static void linux_pae(struct img *im)
{
	start(im, "linux-pae", PTW_MODE_PAE);
	struct gen *g = &im->g;
	uint64_t fix = data_page(im, "PTFS-FUZZ fixmap");
	uint64_t utext = data_page(im, "PTFS-FUZZ pae text");
	uint64_t k = gen_page(g);
	gen_map(g, k, 0xc0000000, 0, 2 * MiB, PTW_RW | PTW_A | PTW_D | PTW_G);
	gen_map(g, k, 0xc0200000, 2 * MiB, 2 * MiB, K_RW_NX);
	gen_map(g, k, 0xff800000, fix, 0x1000, K_RW_NX);
	uint64_t kpmd = gen_get(g, k + 24) & g->mode->level[0].addr_table;
	im->top[im->ntop++] = k;
	for (unsigned i = 0; i < 2; i++) {
		uint64_t p = gen_pair(g), u = p + 0x1000;
		uint64_t pmd = gen_page(g);
		memcpy(g->mem + pmd, g->mem + kpmd, 4096);
		gen_set(g, p + 24, pmd | PTW_P);
		char who[64];
		snprintf(who, sizeof who, "PTFS-FUZZ pae stack %u", i);
		uint64_t stack = data_page(im, who);
		gen_map(g, p, 0x08048000, utext, 0x1000, U_RO_X);
		gen_map(g, p, 0xbfff0000, stack, 0x1000, U_RW_NX);
		for (unsigned j = 0; j < 3; j++)
			gen_set(g, u + 8 * j, gen_get(g, p + 8 * j));
		uint64_t upmd = gen_page(g);
		gen_set(g, u + 24, upmd | PTW_P);
		gen_map(g, u, 0xff800000, fix, 0x1000, K_RW_NX);
		im->top[im->ntop++] = i ? u : p;
	}
	snprintf(im->vmcoreinfo, sizeof im->vmcoreinfo,
		 "OSRELEASE=6.1.0-fuzz-pae\nPAGESIZE=4096\n"
		 "SYMBOL(swapper_pg_dir)=%llx\nCONFIG_X86_PAE=y\n",
		 0xc0000000ULL + (unsigned long long)k);
	finish(im, PTW_MODE_PAE, im->top[2], ELFCLASS64, EM_386);
}

static void windows_pae(struct img *im)
{
	start(im, "windows-pae", PTW_MODE_PAE);
	struct gen *g = &im->g;
	uint64_t udata = data_page(im, "PTFS-FUZZ winpae");
	uint64_t page = gen_page(g);
	uint64_t pdpt = page + 0x20;
	for (unsigned j = 0; j < 4; j++)
		gen_set(g, pdpt + 8 * j, gen_page(g) | PTW_P);
	uint64_t pd3 = gen_get(g, pdpt + 24) & g->mode->level[0].addr_table;
	for (unsigned j = 0; j < 4; j++)
		gen_set(g, pd3 + 8 * j,
			(gen_get(g, pdpt + 8 * j) & g->mode->level[0].addr_table) | 0x63);
	gen_map(g, pdpt, 0x80000000, 0, 2 * MiB, K_RO_X);
	gen_map(g, pdpt, 0x00010000, udata, 0x1000, U_RW_NX);
	im->top[im->ntop++] = pdpt;
	finish(im, PTW_MODE_PAE, pdpt, ELFCLASS32, EM_386);
}

static void windows_x86(struct img *im)
{
	start(im, "windows-x86", PTW_MODE_X86);
	struct gen *g = &im->g;
	uint64_t utext = data_page(im, "PTFS-FUZZ x86 user");
	uint64_t kdata = data_page(im, "PTFS-FUZZ x86 kernel");
	uint64_t pd = gen_page(g);
	g->table_bits = PTW_P | PTW_RW | PTW_A;
	gen_set(g, pd + 4 * 0x300, pd | 0x63);
	gen_map(g, pd, 0x80000000, 0, 4 * MiB, K_RO_X & 0xfff);
	gen_map(g, pd, 0x80400000, 0x100400000ULL, 4 * MiB, PTW_RW | PTW_A | PTW_D);
	gen_map(g, pd, 0x80800000, kdata, 0x1000, PTW_RW | PTW_A | PTW_D | PTW_G);
	g->table_bits = GEN_TABLE;
	gen_map(g, pd, 0x00400000, utext, 0x1000, PTW_US | PTW_A);
	gen_map(g, pd, 0x7ffdf000, kdata, 0x1000, PTW_US | PTW_RW | PTW_A | PTW_D);
	im->top[im->ntop++] = pd;
	finish(im, PTW_MODE_X86, pd, ELFCLASS32, EM_386);
}

static void linux_x86(struct img *im)
{
	start(im, "linux-x86", PTW_MODE_X86);
	struct gen *g = &im->g;
	uint64_t utext = data_page(im, "PTFS-FUZZ x86 text");
	uint64_t kdata = data_page(im, "PTFS-FUZZ x86 kdata");
	uint64_t k = gen_page(g);
	gen_map(g, k, 0xc0000000, 0, 4 * MiB, PTW_RW | PTW_A | PTW_D | PTW_G);
	gen_map(g, k, 0xc0400000, kdata, 0x1000, PTW_RW | PTW_A | PTW_D | PTW_G);
	gen_map(g, k, 0xffc00000, kdata, 0x1000, PTW_RW | PTW_A | PTW_D);
	im->top[im->ntop++] = k;
	for (unsigned i = 0; i < 2; i++) {
		uint64_t p = gen_page(g);
		gen_copy_entries(g, k, p, 768, 256);
		gen_map(g, p, 0x08048000, utext, 0x1000, U_RO_X & 0xfff);
		gen_map(g, p, 0xbfffe000, kdata, 0x1000, PTW_US | PTW_RW | PTW_A);
		im->top[im->ntop++] = p;
	}
	snprintf(im->vmcoreinfo, sizeof im->vmcoreinfo,
		 "OSRELEASE=4.19.0-fuzz-x86\nSYMBOL(swapper_pg_dir)=%llx\n",
		 0xc0000000ULL + (unsigned long long)k);
	finish(im, PTW_MODE_X86, k, ELFCLASS32, EM_386);
}

/* Every entry of one page points at the page itself: a loop at every
 * level and 512-way fan-out, which only the revisit bound stops. */
static void fanout(struct img *im, enum ptw_mode_id mode, const char *name)
{
	start(im, name, mode);
	struct gen *g = &im->g;
	uint64_t t = gen_page(g);
	unsigned n = ptw_level_entries(g->mode, 0);
	if (mode == PTW_MODE_PAE)
		n = 512;
	/* PAE PDPTEs take no R/W or U/S; P alone passes at every level */
	uint64_t bits = mode == PTW_MODE_PAE ? PTW_P : PTW_P | PTW_RW | PTW_US | PTW_A;
	for (unsigned i = 0; i < n; i++)
		gen_set(g, t + (uint64_t)i * g->mode->entry_size, t | bits);
	im->top[im->ntop++] = t;
	finish(im, mode, t, ELFCLASS64, EM_X86_64);
}

/* Fan-out to nothing: every entry of the top table, the PDPT and the PD
 * leads to the next, the last to one empty page table.  512^3 paths, none
 * mapping anything: before the iterator remembered empty subtrees, every
 * SEEK_DATA on vmem spent the whole revisit budget on them (fuzz_views: a
 * 13 s timeout). */
static void empty_fanout(struct img *im, const char *name)
{
	start(im, name, PTW_MODE_X64);
	struct gen *g = &im->g;
	uint64_t t[4] = { gen_page(g), gen_page(g), gen_page(g), gen_page(g) };
	uint64_t bits = PTW_P | PTW_RW | PTW_US | PTW_A;
	for (unsigned l = 0; l < 3; l++)
		for (unsigned i = 0; i < 512; i++)
			gen_set(g, t[l] + 8ULL * i, t[l + 1] | bits);
	im->top[im->ntop++] = t[0];
	finish(im, PTW_MODE_X64, t[0], ELFCLASS64, EM_X86_64);
}

/* Loops that stay cheap: the top table's entries all lead to one table
 * T2 whose entries all lead to U, and U's entry 0 leads to U again, down
 * to the last level.  On x64 and LA57 the revisit bound (4096) is reached
 * after a few thousand runs; the 32-bit modes cannot reach it. */
static void loop(struct img *im, enum ptw_mode_id mode, const char *name)
{
	start(im, name, mode);
	struct gen *g = &im->g;
	const struct ptw_mode *m = g->mode;
	uint64_t t = gen_page(g), t2 = gen_page(g), u = gen_page(g);
	uint64_t bits = PTW_P | PTW_RW | PTW_US | PTW_A;
	unsigned es = m->entry_size;
	if (m->nlevels == 2) { /* x86: PD -> U, U's entry 0 maps U */
		for (unsigned i = 0; i < 1024; i++)
			gen_set(g, t + (uint64_t)i * es, u | bits);
	} else {
		unsigned n = ptw_level_entries(m, 0);
		for (unsigned i = 0; i < n; i++)
			gen_set(g, t + (uint64_t)i * es,
				t2 | (mode == PTW_MODE_PAE ? PTW_P : bits));
		for (unsigned i = 0; i < 512; i++)
			gen_set(g, t2 + (uint64_t)i * es, u | bits);
	}
	gen_set(g, u, u | bits);
	im->top[im->ntop++] = t;
	finish(im, mode, t, ELFCLASS64, EM_X86_64);
}

/* Odd entries: reserved bits, tables past the memory, large pages where
 * none may be, a non-present entry with bits. */
static void odd_x64(struct img *im)
{
	start(im, "odd-x64", PTW_MODE_X64);
	struct gen *g = &im->g;
	uint64_t d = data_page(im, "PTFS-FUZZ odd");
	uint64_t t = gen_page(g);
	gen_map(g, t, 0x1000, d, 0x1000, U_RW_NX);
	gen_map(g, t, 0x200000, 0, 2 * MiB, U_RW_NX);
	gen_set(g, t + 8 * 1, 0x7ff0000000ULL | 0x67);             /* outside */
	gen_set(g, t + 8 * 2, (t & ~0xfffULL) | 0x87);              /* PS in PML4 */
	gen_set(g, gen_entry(g, t, 0x40000000, 1), 0x4000e000ULL | 0xe7); /* 1G rsvd */
	gen_set(g, gen_entry(g, t, 0x600000, 2), 0x1fe000ULL | 0xe7);     /* 2M rsvd */
	gen_set(g, gen_entry(g, t, 0x3000, 3), 0x12345000ULL | 0x80);     /* not present */
	gen_set(g, t + 8 * 300, t | 0x63);                          /* self-map */
	im->top[im->ntop++] = t;
	finish(im, PTW_MODE_X64, t, ELFCLASS64, EM_X86_64);
}

/* ---- writing ------------------------------------------------------------------ */

static const uint8_t mode_byte[] = {
	[PTW_MODE_X86] = 0, [PTW_MODE_PAE] = 1, [PTW_MODE_X64] = 2,
	[PTW_MODE_LA57] = 3,
};

static void walk_seeds(const struct img *im)
{
	for (unsigned i = 0; i < im->ntop; i++) {
		uint8_t head[9];
		head[0] = mode_byte[im->g.mode->id];
		for (unsigned b = 0; b < 8; b++)
			head[1 + b] = (uint8_t)(im->top[i] >> (8 * b));
		char name[128];
		snprintf(name, sizeof name, "%s-%u", im->name, i);
		write_file("walk", name, head, sizeof head, im->g.mem, im->g.size);
	}
}

/* The views target's trailer: options, A, CID, descent picks, a path. */
static void views_ctl(uint8_t ctl[32], uint8_t opts, uint64_t a,
		      const uint8_t *tokens, size_t ntokens)
{
	memset(ctl, 0, 32);
	ctl[0] = opts;
	for (unsigned b = 0; b < 8; b++)
		ctl[1 + b] = (uint8_t)(a >> (8 * b));
	ctl[9] = 4;
	for (unsigned i = 11; i < 16; i++)
		ctl[i] = (uint8_t)(i * 37);
	memset(ctl + 16, 0xff, 16);
	if (ntokens) /* tokens may be NULL then */
		memcpy(ctl + 16, tokens, ntokens < 16 ? ntokens : 16);
}

static void write_elf(const struct img *im, const struct gen_elf *o,
		      const char *target, const char *name,
		      const uint8_t *trailer, size_t tlen)
{
	char path[4096];
	seed_path(path, sizeof path, target, name, "");
	if (gen_write_elf(&im->g, o, path) != 0)
		die(path);
	if (tlen)
		append_file(path, trailer, tlen);
}

static void image_seeds(const struct img *im)
{
	char name[128];
	/* dump: the image as ELF (its own class, with notes), raw, and ELF
	 * with holes, zero-filled tails and overlapping segments */
	snprintf(name, sizeof name, "%s.elf", im->name);
	write_elf(im, &im->elf, "dump", name, NULL, 0);
	snprintf(name, sizeof name, "%s.raw", im->name);
	write_file("dump", name, im->g.mem, im->g.size, NULL, 0);
	struct gen_elf split = im->elf;
	uint64_t sz = im->g.size;
	split.elfclass = im->elf.elfclass == ELFCLASS64 ? ELFCLASS32 : ELFCLASS64;
	split.seg[0] = (struct gen_segment){ 0x1000, sz / 2 - 0x1000, sz / 2 };
	split.seg[1] = (struct gen_segment){ sz / 2, sz / 2 - 0x2000, sz / 2 + 0x3000 };
	split.seg[2] = (struct gen_segment){ 0x2000, 0x1000, 0x1000 };
	split.nsegs = 3;
	split.cpu[1] = split.cpu[0];
	split.cpu[1].cr3 |= 0x1000;
	split.ncpus = 2;
	snprintf(name, sizeof name, "%s-split.elf", im->name);
	write_elf(im, &split, "dump", name, NULL, 0);

	/* scan: raw, and ELF with its CPU and VMCOREINFO seeds */
	snprintf(name, sizeof name, "%s.raw", im->name);
	write_file("scan", name, im->g.mem, im->g.size, NULL, 0);
	snprintf(name, sizeof name, "%s.elf", im->name);
	write_elf(im, &im->elf, "scan", name, NULL, 0);

	walk_seeds(im);

	/* views: raw and ELF, each with a trailer walking somewhere */
	uint8_t ctl[32];
	static const uint8_t entry_path[] = { 0x00, 0x70, 0x21, 0x30, 0x06 };
	static const uint8_t proc_path[] = { 0x01, 0xc0 };
	views_ctl(ctl, 0, im->top[0], entry_path, sizeof entry_path);
	snprintf(name, sizeof name, "%s.raw", im->name);
	write_file("views", name, im->g.mem, im->g.size, ctl, sizeof ctl);
	views_ctl(ctl, 0, 0x1000, proc_path, sizeof proc_path);
	snprintf(name, sizeof name, "%s.elf", im->name);
	write_elf(im, &im->elf, "views", name, ctl, sizeof ctl);
	/* --mode, --dirbase, --process, no scan */
	uint8_t mode = (uint8_t)(3 + im->g.mode->id);
	views_ctl(ctl, (uint8_t)(mode | 0x08 | 0x10 | 0x20), im->top[im->ntop - 1],
		  entry_path, sizeof entry_path);
	snprintf(name, sizeof name, "%s-cmdline.raw", im->name);
	write_file("views", name, im->g.mem, im->g.size, ctl, sizeof ctl);
}

static void args_seeds(void)
{
	static const char *const seeds[] = {
		"1ad000", "0x1ad000", "0X1AD000", "fffff801`07401940",
		"0000000000000000000000001", "ffffffffffffffff", "0x", "",
		"4:1ad000:System", "0x10:0x1000:name", "123:abc", "7:1000",
		"010:0x0000abc:with:colons", "1:`:", "x64", "la57", "5level",
		/* !process 0 0 listings, 64- and 32-bit shapes */
		"**** NT ACTIVE PROCESS DUMP ****\r\n"
		"PROCESS ffffe00b2a8a4040\r\n"
		"    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\r\n"
		"    DirBase: 001ad002  ObjectTable: ffffc2078a404040  HandleCount: 2883.\r\n"
		"    Image: System\r\n\r\n"
		"PROCESS ffffe00b`2c5c5080\r\n"
		"    SessionId: 1  Cid: 0a1c    Peb: 1a0ab63000  ParentCid: 0004\r\n"
		"    DirBase: 2a6f0002  ObjectTable: ffffc2078ae9b040  HandleCount:  53.\r\n"
		"    Image: Memory Compression\r\n",
		"PROCESS 84b3f830  SessionId: none  Cid: 01c8    Peb: 7ffd8000  ParentCid: 0004\n"
		"    DirBase: 3ec2a020  ObjectTable: 8b2a1e68  HandleCount:  29.\n"
		"    Image: smss.exe\n",
	};
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "arg-%02zu", i);
		write_file("args", name, seeds[i], strlen(seeds[i]), NULL, 0);
	}
}

/* ---- owners ----------------------------------------------------------------------- *
 * fuzz_owners' input: a mode byte, six u32 offsets of the kallsyms tables
 * in the blob, and the blob (a kernel's kallsyms, BTF and task list), which
 * the target places at OWNERS_BLOB_PA and maps at the direct map.  These
 * match fuzz_owners.c. */
#define OWNERS_BLOB_PA 0x10000ULL

/* Variants: well-formed, a task list that loops, BTF with a bad magic, an
 * older kernel's BTF (members elsewhere, pgd in mm_struct itself, threads
 * in a thread_group ring, no kind_flag or newer kinds) with a leader that
 * exited. */
enum owners_variant { OWNERS_OK, OWNERS_LOOP, OWNERS_BAD_BTF, OWNERS_OLD };

static void owners_seed(bool pae, enum owners_variant v, const char *name)
{
	uint64_t va = (pae ? 0xc0000000ULL : 0xffff888000000000ULL) + OWNERS_BLOB_PA;
	enum { CAP = 0x10000, PGD_AT = 0x4000 };
	static uint8_t blob[CAP];
	memset(blob, 0, sizeof blob);
	/* top tables for the processes: zeroed pages after the kernel data */
	const struct gen_linux_task t[4] = {
		{ .pid = 1, .parent = -1, .comm = "init", .pgd = va + PGD_AT },
		{ .pid = 2, .parent = -1, .comm = "kthreadd", .flags = GEN_LINUX_PF_KTHREAD },
		{ .pid = 144, .parent = 0, .comm = "alpha", .pgd = va + PGD_AT + 0x2000,
		  .leader_exited = v == OWNERS_OLD },
		{ .pid = 146, .parent = 2, .comm = "alpha-kid", .pgd = va + PGD_AT + 0x4000 },
	};
	struct gen_linux L = { .va = va, .ptr = pae ? 4 : 8, .tasks = t, .ntasks = 4 };
	if (v == OWNERS_OLD) {
		L.off = &gen_linux_offsets_other;
		L.pgd_direct = L.thread_group = L.old_btf = true;
	}
	if (!gen_linux_build(&L, blob, PGD_AT)) {
		fprintf(stderr, "fuzz-seeds: the owners blob does not fit\n");
		exit(1);
	}
	if (v == OWNERS_LOOP)
		gen_linux_putptr(&L, blob, L.task[3] + GEN_LINUX_TASK_TASKS,
				 L.task[1] + GEN_LINUX_TASK_TASKS);
	if (v == OWNERS_BAD_BTF)
		blob[L.btf_start - va] ^= 0xff;
	uint8_t head[25] = { (uint8_t)pae };
	const uint64_t at[6] = { L.names, L.num_syms, L.token_table, L.token_index,
				 L.offsets, L.relative_base };
	for (unsigned i = 0; i < 6; i++)
		for (unsigned b = 0; b < 4; b++)
			head[1 + 4 * i + b] = (uint8_t)((at[i] - va) >> (8 * b));
	write_file("owners", name, head, sizeof head, blob, PGD_AT + 0x6000);
}

static void owners_seeds(void)
{
	owners_seed(false, OWNERS_OK, "x64");
	owners_seed(true, OWNERS_OK, "pae");
	owners_seed(false, OWNERS_LOOP, "x64-loop");
	owners_seed(true, OWNERS_BAD_BTF, "pae-bad-btf");
	owners_seed(false, OWNERS_OLD, "x64-old-btf");
	owners_seed(true, OWNERS_OLD, "pae-old-btf");
}

/* ---- kallsyms found in memory ----------------------------------------------------- *
 * fuzz_kallsyms_find's input: a mode byte and the kernel image (gen_linux's
 * kallsyms as each era writes it, BTF and tasks), which the target places
 * at KFIND_BLOB_PA and maps at the direct map.  These match
 * fuzz_kallsyms_find.c. */
#define KFIND_BLOB_PA 0x10000ULL

static void kallsyms_find_seed(bool pae, enum gen_linux_era era, unsigned fillers)
{
	uint64_t va = (pae ? 0xc0000000ULL : 0xffff888000000000ULL) + KFIND_BLOB_PA;
	enum { CAP = 0x10000 };
	static uint8_t blob[CAP];
	memset(blob, 0, sizeof blob);
	const struct gen_linux_task t[2] = {
		{ .pid = 1, .parent = -1, .comm = "init" },
		{ .pid = 2, .parent = -1, .comm = "kthreadd", .flags = GEN_LINUX_PF_KTHREAD },
	};
	struct gen_linux L = { .va = va, .ptr = pae ? 4 : 8, .tasks = t, .ntasks = 2,
			       .era = era, .fillers = fillers };
	if (!gen_linux_build(&L, blob, CAP)) {
		fprintf(stderr, "fuzz-seeds: the kallsyms_find blob does not fit\n");
		exit(1);
	}
	uint8_t head[1] = { (uint8_t)pae };
	char name[64];
	snprintf(name, sizeof name, "%s-%s-%u", pae ? "pae" : "x64", gen_linux_era_name(era),
		 fillers);
	write_file("kallsyms_find", name, head, sizeof head, blob, L.size);
}

static void kallsyms_find_seeds(void)
{
	for (unsigned e = GEN_LINUX_ERA_4_18; e < GEN_LINUX_ERAS; e++) {
		kallsyms_find_seed(false, (enum gen_linux_era)e, 600);
		kallsyms_find_seed(true, (enum gen_linux_era)e, 300);
	}
	kallsyms_find_seed(false, GEN_LINUX_ERA_5_10, 0);
}

/* ---- Windows crash dumps ------------------------------------------------------------ *
 * Small generated kernels (gen_windows.c: four processes, the image cut
 * after its last page) as each dump type and header width, with a broken
 * and a looping list: for the dump target (the header parser) and the
 * windows target (discovery and the EPROCESS walk). */

static void windows_seed(const char *name, const struct gen_eprocess_layout *L,
			 enum ptw_mode_id mode, uint32_t type, enum gen_winlist list)
{
	static const struct gen_winproc procs[] = {
		{ .cid = 4, .ppid = 0, .name = "System", .shadow = true, .dtb_low = 2 },
		{ .cid = 348, .ppid = 4, .name = "smss.exe" },
		{ .cid = 452, .ppid = 440, .name = "csrss.exe", .shadow = true },
		{ .cid = 4320, .ppid = 452, .name = "explorer.exe", .shadow = true },
	};
	struct gen g;
	struct gen_winsys s = { .layout = L, .nprocs = 4, .list = list, .at = 3, .to = 1 };
	memcpy(s.proc, procs, sizeof procs);
	gen_windows_image(&g, &s, mode, 1 * MiB, 0x1000);
	g.size = g.next;
	s.dump.dump_type = type;
	s.dump.range[0].pa = 0x1000;
	s.dump.range[0].size = g.size - 0x1000;
	s.dump.nranges = 1;
	size_t n;
	uint8_t *f = gen_windows_dump(&g, &s.dump, &n);
	char file[64];
	snprintf(file, sizeof file, "%s.dmp", name);
	write_file("windows", file, f, n, NULL, 0);
	write_file("dump", file, f, n, NULL, 0);
	free(f);
	gen_free(&g);
}

static void windows_seeds(void)
{
	windows_seed("win7-x64-full", &gen_win7_x64, PTW_MODE_X64, 1, GEN_WINLIST_OK);
	windows_seed("win10-x64-bitmap", &gen_win10_x64, PTW_MODE_X64, 5, GEN_WINLIST_OK);
	windows_seed("win11-x64-live", &gen_win11_x64, PTW_MODE_X64, 6, GEN_WINLIST_OK);
	windows_seed("win11-x64-kernel", &gen_win11_x64, PTW_MODE_X64, 8, GEN_WINLIST_OK);
	windows_seed("win11-x64-complete", &gen_win11_x64, PTW_MODE_X64, 10, GEN_WINLIST_OK);
	windows_seed("win7-pae-full", &gen_win7_x86, PTW_MODE_PAE, 1, GEN_WINLIST_OK);
	windows_seed("win7-pae-bitmap", &gen_win7_x86, PTW_MODE_PAE, 5, GEN_WINLIST_OK);
	windows_seed("win7-x86-full", &gen_win7_x86, PTW_MODE_X86, 1, GEN_WINLIST_OK);
	windows_seed("win10-x64-broken", &gen_win10_x64, PTW_MODE_X64, 1, GEN_WINLIST_BROKEN);
	windows_seed("win7-x86-loop", &gen_win7_x86, PTW_MODE_X86, 1, GEN_WINLIST_LOOP);
}

/* ---- the bugs the fuzzers found ------------------------------------------------ *
 * Their inputs: fixed ones also go into the corpora as regressions; --repro
 * writes all of them under one directory. */

/* A 1 MiB ELF core whose 9000 PT_NOTE headers all name one note segment of
 * ~1200 QEMU CPU notes: ~10.7 million CPU records from 1 MiB (quadratic in
 * the file's size) before a5a8dbd bounded notes and CPUs. */
static void notes_aliased(const char *target, const char *name)
{
	enum { SIZE = 1 << 20, NPH = 9000 };
	uint8_t *f = gen_qemu_notes_elf(SIZE, NPH, 0);
	write_file(target, name, f, SIZE, NULL, 0);
	free(f);
}

/* The linux-x64 image as an ELF core of two adjacent PT_LOADs that meet
 * inside the first process's KPTI user copy: one physical range, but
 * discovery failed on the pair ("DirBase ... lies outside the dump")
 * before a5a8dbd. */
static void kpti_straddle(const char *scan_dir, const char *scan_name,
			  const char *views_dir, const char *views_name)
{
	struct img im;
	linux_x64(&im, false);
	uint64_t user = im.top[1] + 0x1000, cut = user + 0x800;
	struct gen_elf o = im.elf;
	o.seg[0] = (struct gen_segment){ 0, cut, cut };
	o.seg[1] = (struct gen_segment){ cut, im.g.size - cut, im.g.size - cut };
	o.nsegs = 2;
	write_elf(&im, &o, scan_dir, scan_name, NULL, 0);
	uint8_t ctl[32];
	views_ctl(ctl, 0, 0, NULL, 0);
	write_elf(&im, &o, views_dir, views_name, ctl, sizeof ctl);
	gen_free(&im.g);
}

/* Regression seeds from the fixed bugs. */
static void regression_seeds(void)
{
	notes_aliased("dump", "notes-aliased.elf");
	kpti_straddle("scan", "kpti-straddle.elf", "views", "kpti-straddle.elf");
	/* 512-way fan-out: 2 million runs, a 138 MB maps text from 8 KiB, before
	 * a5a8dbd's page budget under shared tables (walk only: the views
	 * still take seconds on it under the sanitizers) */
	struct img im;
	fanout(&im, PTW_MODE_X64, "fanout-x64");
	walk_seeds(&im);
	gen_free(&im.g);
	empty_fanout(&im, "empty-fanout-x64");
	uint8_t ctl[32];
	views_ctl(ctl, (uint8_t)((3 + PTW_MODE_X64) | 0x08), im.top[0], NULL, 0);
	write_file("views", "empty-fanout-x64", im.g.mem, im.g.size, ctl, sizeof ctl);
	gen_free(&im.g);
}

static void repro(void)
{
	/* Open: ptw_parse_hex takes text without a digit ("`", "0x`") for 0
	 * (fuzz_args, built with -DFUZZ_CHECK_HEX_NO_DIGITS=1). */
	write_file(".", "args-backtick.txt", "`", 1, NULL, 0);
	/* Fixed in a5a8dbd: ptw_phys_read wrapped past 2^64 to address 0
	 * (fuzz_dump): any raw dump. */
	uint8_t page[4096];
	memset(page, 'A', sizeof page);
	write_file(".", "dump-phys-wrap.raw", page, sizeof page, NULL, 0);
	/* Fixed in a5a8dbd: aliased PT_NOTEs, 10.7 million CPU records
	 * (fuzz_dump: minutes under ASan; fuzz_scan: 1.7 GB). */
	notes_aliased(".", "dump-notes-1m.elf");
	/* Fixed in a5a8dbd: discovery refused a dump whose KPTI user copy
	 * crosses adjacent PT_LOADs (fuzz_scan, fuzz_views). */
	kpti_straddle(".", "scan-kpti-straddle.elf", ".", "views-kpti-straddle.elf");
	/* Fixed in b4b2e06: qsort/bsearch of a NULL array (UBSan): a dump
	 * with no table at all, one with Linux candidates but no self-map. */
	memset(page, 0, sizeof page);
	write_file(".", "scan-no-tables.raw", page, sizeof page, page, sizeof page);
	struct img im;
	linux_x86(&im);
	write_file(".", "scan-no-selfmap.raw", im.g.mem, im.g.size, NULL, 0);
	gen_free(&im.g);
	/* Fixed in a5a8dbd: a page whose every entry points to itself, 2
	 * million runs and 138 MB of maps from 8 KiB (fuzz_views timed out). */
	fanout(&im, PTW_MODE_X64, "fanout-x64");
	uint8_t ctl[32];
	views_ctl(ctl, (uint8_t)((3 + PTW_MODE_X64) | 0x08), im.top[0], NULL, 0);
	write_file(".", "views-fanout-x64", im.g.mem, im.g.size, ctl, sizeof ctl);
	gen_free(&im.g);
	/* Fixed after 14fcf6d: tables fanning out to one empty page table
	 * cost the whole revisit budget per SEEK_DATA (fuzz_views timed out). */
	empty_fanout(&im, "empty-fanout-x64");
	views_ctl(ctl, (uint8_t)((3 + PTW_MODE_X64) | 0x08), im.top[0], NULL, 0);
	write_file(".", "views-empty-fanout-x64", im.g.mem, im.g.size, ctl, sizeof ctl);
	gen_free(&im.g);
}

/* ---- kdump ---------------------------------------------------------------------- *
 * The Linux images as kdump-compressed files (gen_kdump.c) for the dump
 * target: each compression, every fifth frame left out, VMCOREINFO and a
 * QEMU CPU note; all of them mixed in a flattened stream; the i386 layout;
 * an incomplete dump cut short.  16 KiB of header blocks and bitmaps (mostly
 * zeros) plus a few KiB of pages each. */

static enum gen_kdump_page kdump_seed_page(uint64_t pfn, void *arg)
{
	const enum gen_kdump_page *kind = arg;
	if (pfn % 5 == 4)
		return GEN_KDUMP_EXCLUDED;
	return *kind != GEN_KDUMP_KINDS ? *kind : (enum gen_kdump_page)(pfn % 5);
}

static void kdump_seed(const struct img *im, const char *name, const char *machine,
		       uint32_t block, enum gen_kdump_page kind, bool flat,
		       bool incomplete)
{
	struct gen_kdump o = {
		.machine = machine, .block_size = block, .page = kdump_seed_page,
		.arg = &kind,
		.vmcoreinfo = im->elf.vmcoreinfo, .cpu = { im->elf.cpu[0] }, .ncpus = 1,
		.share_zero = true, .flattened = flat, .flat_chunk = 1024,
	};
	size_t len;
	struct gen_kdump_info info;
	uint8_t *f = gen_kdump(&im->g, &o, &len, &info);
	if (incomplete) {          /* status |= DUMP_DH_COMPRESSED_INCOMPLETE */
		f[0x1a8] |= 0x8;   /* and a quarter of the page data gone */
		len -= (len - info.data_off) / 4;
	}
	write_file("dump", name, f, len, NULL, 0);
	free(f);
}

static void kdump_seeds(void)
{
	struct img im;
	linux_x64(&im, false);
	kdump_seed(&im, "x64-zlib.kdump", NULL, 0, GEN_KDUMP_ZLIB, false, false);
	kdump_seed(&im, "x64-lzo.kdump", NULL, 0, GEN_KDUMP_LZO, false, false);
	kdump_seed(&im, "x64-snappy.kdump", NULL, 0, GEN_KDUMP_SNAPPY, false, false);
	kdump_seed(&im, "x64-zstd.kdump", NULL, 0, GEN_KDUMP_ZSTD, false, false);
	kdump_seed(&im, "x64-raw.kdump", NULL, 0, GEN_KDUMP_RAW, false, false);
	kdump_seed(&im, "x64-mixed-flat.kdump", NULL, 0, GEN_KDUMP_KINDS, true, false);
	kdump_seed(&im, "x64-incomplete.kdump", NULL, 0, GEN_KDUMP_ZLIB, false, true);
	/* arm64's: 4 KiB pages, and 64 KiB ones (QEMU's block for any arm
	 * guest) */
	kdump_seed(&im, "arm64-4k-mixed.kdump", "aarch64", 4096, GEN_KDUMP_KINDS, false, false);
	kdump_seed(&im, "arm64-64k-zstd.kdump", "aarch64", 65536, GEN_KDUMP_ZSTD, false, false);
	kdump_seed(&im, "arm64-64k-mixed.kdump", "aarch64", 65536, GEN_KDUMP_KINDS,
		   false, false);
	gen_free(&im.g);
	linux_x86(&im);
	kdump_seed(&im, "x86-mixed.kdump", "i686", 0, GEN_KDUMP_KINDS, false, false);
	gen_free(&im.g);
}

/* ---- AArch64 ---------------------------------------------------------------------- *
 * For the dump target, an image's bytes as arm64 dumps hold RAM (the
 * readers do not look at the tables): ELF cores with RAM at 0x40000000,
 * NT_PRSTATUS and VMCOREINFO, little- and big-endian; and the image raw
 * with a physical base named in its tail (fuzz_dump's PHYS_BASE_WORD: the
 * 9th word from the end, tag 0xa6 in its low byte). */
static void aarch64_seeds(void)
{
	struct img im;
	linux_x64(&im, false);
	struct gen_elf o = {
		.elfclass = ELFCLASS64, .machine = EM_AARCH64, .paddr_base = 0x40000000,
		.nprstatus = 1,
		.vmcoreinfo = "OSRELEASE=6.1.0-fuzz-arm64\nPAGESIZE=4096\n"
			      "SYMBOL(swapper_pg_dir)=ffff800009f5a000\nNUMBER(VA_BITS)=48\n"
			      "NUMBER(kimage_voffset)=0xffff7fffc8000000\n"
			      "NUMBER(PHYS_OFFSET)=0x40000000\n",
	};
	write_elf(&im, &o, "dump", "arm64.elf", NULL, 0);
	o.big_endian = true;
	write_elf(&im, &o, "dump", "arm64-be.elf", NULL, 0);
	uint8_t tail[9 * 8] = {0};
	uint64_t tag = 0x40000000ULL << 8 | 0xa6;
	memcpy(tail, &tag, 8);
	write_file("dump", "arm64-ram-at-40000000.raw", im.g.mem, im.g.size, tail,
		   sizeof tail);
	gen_free(&im.g);
}


/* ---- AArch64 ------------------------------------------------------------------ *
 * From the AArch64 scenarios (scenarios.c: RAM from PA 0, every table below
 * a_end, the kernel's VMCOREINFO text in memory) and the same layout in the
 * other modes fuzz_walk can name (4k-39, 16k-48, 64k-42):
 *   walk:  the memory from address 0 with alpha's table as the lower root
 *          (fuzz_walk's AArch64 mode byte, Linux's decoding) and a trailer
 *          of nine words: the upper root (the kernel's table; the input's
 *          last word but 8), then eight VA offsets to walk (the heap, the
 *          block, the contiguous run, PROT_NONE, swap, the linear map, the
 *          kernel text, an unmapped page);
 *   scan:  the memory raw and as a LiME capture: discovery finds the mode
 *          and the kernel's table through VMCOREINFO (ptw_vmci_current,
 *          ptw_linux_kernel_table's arm64 branch);
 *   views: the same memory with a trailer (mode detected; alpha given with
 *          --dirbase);
 *   dump:  the LiME capture.
 * Where the tables do not fit run.sh's 256 KiB for walk and views (64 KiB
 * granules), they are copied closer together: the top tables first, then
 * the tables under them depth first, each granule-aligned, the last held
 * only as far as its last entry (a table partly in the dump is read entry
 * by entry); what does not fit keeps its descriptor, leading outside. */

#define SEED_MAX 262144        /* run.sh's -max_len for walk and views */
#define WALK_HEAD 9
#define WALK_TAIL 72           /* the upper root, then eight VA offsets */

static void put_le64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t a64_table_bytes(const struct a64g *g, int level)
{
	return level == g->top_level ? 8ULL << g->top_bits : 1ULL << g->granule;
}

/* Bytes of the table at pa up to its last non-zero entry. */
static uint64_t a64_extent(const struct a64g *g, uint64_t pa, uint64_t bytes)
{
	uint64_t n = 0;
	for (uint64_t off = 0; off < bytes; off += 8)
		if (a64g_get(g, pa + off))
			n = off + 8;
	return n;
}

struct rebase {
	const struct a64g *g;
	uint8_t *mem;            /* cap bytes, zeroed */
	uint64_t cap, next, len;
};

/* Copy the table at pa (ARM level `level`) to `at`, and the tables under
 * it that fit, depth first.  False when it does not fit. */
static bool a64_rebase(struct rebase *r, uint64_t pa, int level, uint64_t at)
{
	const struct a64g *g = r->g;
	const uint64_t gran = 1ULL << g->granule;
	uint64_t ext = a64_extent(g, pa, a64_table_bytes(g, level));
	if (level == g->top_level)
		ext = a64_table_bytes(g, level);   /* a root must be held whole */
	if (at + ext > r->cap)
		return false;
	if (at + ext > r->len)
		r->len = at + ext;
	for (uint64_t off = 0; off < ext; off += 8) {
		uint64_t e = a64g_get(g, pa + off);
		if (level < 3 && (e & 3) == 3) {
			uint64_t child = a64g_addr(g, e);
			uint64_t slot = (r->next + gran - 1) & ~(gran - 1);
			r->next = slot + gran;
			if (a64_rebase(r, child, level + 1, slot))
				e = (e ^ a64g_oa(g, child)) | a64g_oa(g, slot);
			else
				r->next = slot;
		}
		put_le64(r->mem + at + off, e);
	}
	return true;
}

/* An image of at most cap bytes: the top tables at roots[i] copied to
 * at[i] (0: an empty table there), and the tables below them. */
static uint8_t *a64_rebased(const struct scenario *sc, const uint64_t *roots,
			    const uint64_t *at, unsigned n, uint64_t cap, size_t *len)
{
	const struct a64g *g = &sc->a;
	struct rebase r = { g, calloc(1, cap), cap, 0, 0 };
	if (!r.mem)
		die("memory");
	const uint64_t top = a64_table_bytes(g, g->top_level), gran = 1ULL << g->granule;
	for (unsigned i = 0; i < n; i++)
		if (at[i] + top > r.next)
			r.next = at[i] + top;
	r.next = (r.next + gran - 1) & ~(gran - 1);
	for (unsigned i = 0; i < n; i++) {
		if (at[i] + top > r.len)
			r.len = at[i] + top;
		if (roots[i] && !a64_rebase(&r, roots[i], g->top_level, at[i]))
			die("a top table past the seed's size");
	}
	*len = r.len;
	return r.mem;
}

static uint8_t a64_mode_byte(const struct a64g *g)
{
	static const unsigned vas[4] = { 39, 42, 48, 52 };
	unsigned v = 0;
	while (v < 4 && vas[v] != g->va_bits)
		v++;
	if (v == 4)
		abort();
	/* VA size, Linux's entries, AArch64, the DirBase as given, granule */
	return (uint8_t)(v << 6 | 2 << 4 | 8 | 4 | (g->granule - 12) / 2);
}

static void a64_walk_seed(const struct scenario *sc, const char *name,
			  const uint8_t *mem, size_t len, uint64_t lower, uint64_t upper)
{
	const struct a64g *g = &sc->a;
	const uint64_t page = 1ULL << g->granule, half = 1ULL << g->va_bits;
	uint8_t head[WALK_HEAD], tail[WALK_TAIL];
	head[0] = a64_mode_byte(g);
	put_le64(head + 1, lower);
	/* The words from the end: k = 0..7 VA offsets (upper half: 2^VA + VA
	 * - (2^64 - 2^VA)), k = 8 the upper root. */
	const uint64_t va[8] = {
		0x600abc, 0x40001234, 0x800000 + page, 0x600000 + 2 * page,
		0x600000 + 3 * page, half + 0x6010, sc->a_kimage + 2 * half + 0x123,
		0x700000,
	};
	put_le64(tail, upper);
	for (unsigned k = 0; k < 8; k++)
		put_le64(tail + 8 + 8 * (7 - k), va[k]);
	size_t n = WALK_HEAD + len + WALK_TAIL;
	uint8_t *f = malloc(n);
	if (!f)
		die("memory");
	memcpy(f, head, WALK_HEAD);
	memcpy(f + WALK_HEAD, mem, len);
	memcpy(f + WALK_HEAD + len, tail, WALK_TAIL);
	write_file("walk", name, f, n, NULL, 0);
	free(f);
}

/* The LiME capture of mem (one range from address 0). */
static void a64_lime_seed(const char *target, const char *name, const uint8_t *mem,
			  size_t len)
{
	uint8_t h[32] = { 0x45, 0x4d, 0x69, 0x4c, 1 };   /* "EMiL", version 1 */
	put_le64(h + 16, len - 1);                        /* start 0, end */
	write_file(target, name, h, sizeof h, mem, len);
}

/* A copy of the VMCOREINFO text whose swapper_pg_dir is at PA pgd. */
static size_t a64_vmci_moved(const struct scenario *sc, uint64_t pgd, char *out,
			     size_t size)
{
	const struct a64g_region *r = &sc->a.reg[0];
	const char *text = (const char *)r->mem + sc->a_vmci;
	const char *key = strstr(text, "SYMBOL(swapper_pg_dir)=");
	const char *eol = key ? strchr(key, '\n') : NULL;
	if (!eol)
		abort();
	int n = snprintf(out, size, "%.*sSYMBOL(swapper_pg_dir)=%llx%s", (int)(key - text),
			 text, (unsigned long long)(sc->a_kimage + pgd), eol);
	if (n < 0 || (size_t)n >= size)
		abort();
	return (size_t)n + 1;
}

static void a64_seeds(const char *tag, unsigned granule, unsigned va_bits, bool walk,
		      bool views)
{
	struct scenario sc;
	if (!scenario_build_arm64(&sc, granule, va_bits))
		abort();
	const struct a64g *g = &sc.a;
	const uint8_t *ram = g->reg[0].mem;
	const uint64_t top = a64_table_bytes(g, g->top_level);
	char name[96];
	size_t len = (size_t)sc.a_end;

	/* walk */
	if (!walk) {
		/* fuzz_walk's mode byte names no such VA size */
	} else if (WALK_HEAD + len + WALK_TAIL <= SEED_MAX) {
		snprintf(name, sizeof name, "arm64-%s-alpha", tag);
		a64_walk_seed(&sc, name, ram, len, sc.proc[0], sc.kernel);
		snprintf(name, sizeof name, "arm64-%s-beta", tag);
		a64_walk_seed(&sc, name, ram, len, sc.proc[1], sc.kernel);
	} else {
		/* alpha at 0 and the kernel after it; then the kernel alone
		 * under an empty lower table */
		const uint64_t cap = SEED_MAX - WALK_HEAD - WALK_TAIL;
		size_t n;
		uint8_t *m = a64_rebased(&sc, (uint64_t[]){ sc.proc[0], sc.kernel },
					 (uint64_t[]){ 0, top }, 2, cap, &n);
		snprintf(name, sizeof name, "arm64-%s-alpha-rebased", tag);
		a64_walk_seed(&sc, name, m, n, 0, top);
		free(m);
		m = a64_rebased(&sc, (uint64_t[]){ 0, sc.kernel }, (uint64_t[]){ 0, top }, 2,
				cap, &n);
		snprintf(name, sizeof name, "arm64-%s-kernel-rebased", tag);
		a64_walk_seed(&sc, name, m, n, 0, top);
		free(m);
	}
	if (!views) {
		scenario_free(&sc);
		return;
	}

	/* scan and dump: the memory up to its last table (VMCOREINFO is
	 * below it) */
	snprintf(name, sizeof name, "arm64-%s.raw", tag);
	write_file("scan", name, ram, len, NULL, 0);
	snprintf(name, sizeof name, "arm64-%s.lime", tag);
	a64_lime_seed("scan", name, ram, len);
	a64_lime_seed("dump", name, ram, len);

	/* views: detected, alpha given; with 64 KiB tables the kernel's
	 * alone, its VMCOREINFO moved along (the text at 0, its table at a
	 * page) */
	uint8_t ctl[32];
	static const uint8_t entry_path[] = { 0x00, 0x70, 0x21, 0x30, 0x06 };
	if (len + sizeof ctl <= SEED_MAX) {
		views_ctl(ctl, 0x08, sc.proc[0], entry_path, sizeof entry_path);
		snprintf(name, sizeof name, "arm64-%s-alpha", tag);
		write_file("views", name, ram, len, ctl, sizeof ctl);
		views_ctl(ctl, 0, sc.kernel, NULL, 0);
		snprintf(name, sizeof name, "arm64-%s", tag);
		write_file("views", name, ram, len, ctl, sizeof ctl);
	} else {
		const uint64_t pgd = top > 4096 ? top : 4096;
		size_t n;
		uint8_t *m = a64_rebased(&sc, (uint64_t[]){ sc.kernel }, (uint64_t[]){ pgd }, 1,
					 SEED_MAX - sizeof ctl, &n);
		char text[1024];
		size_t tn = a64_vmci_moved(&sc, pgd, text, sizeof text);
		if (tn > pgd)
			abort();
		memcpy(m, text, tn);
		views_ctl(ctl, 0, pgd, entry_path, sizeof entry_path);
		snprintf(name, sizeof name, "arm64-%s-kernel-rebased", tag);
		write_file("views", name, m, n, ctl, sizeof ctl);
		snprintf(name, sizeof name, "arm64-%s-kernel-rebased.raw", tag);
		write_file("scan", name, m, n, NULL, 0);
		free(m);
	}
	scenario_free(&sc);
}

static void arm64_seeds(void)
{
	/* the scenarios (fuzz_walk has no 47-bit VA: 16k-47's walk is
	 * 16k-48's), then the layout in fuzz_walk's other modes */
	a64_seeds("4k-48", 12, 48, true, true);
	a64_seeds("16k-47", 14, 47, false, true);
	a64_seeds("64k-52", 16, 52, true, true);
	a64_seeds("4k-52", 12, 52, true, true);
	a64_seeds("4k-39", 12, 39, true, false);
	a64_seeds("16k-48", 14, 48, true, false);
	a64_seeds("64k-42", 16, 42, true, false);
}

/* ---- vm ------------------------------------------------------------------------ *
 * fuzz_vm's input: a flags byte (bit 0: an LA57 host, bit 1: a CPU note),
 * the note's CR0, CR3 and CR4, and host memory from PA 0x1000 up to VM_IMG,
 * holding gen_vm's small layout (4K nested leaves, the guest's tables and
 * data pages only): one guest in each paging mode, vCPUs with a host-save
 * page, two VMs, the look-alikes; the note the host's, a guest vCPU's, or
 * none.  VM_IMG and VM_HDR match fuzz_vm.c. */

#define VM_IMG 0x40000ULL
#define VM_HDR 25

enum vm_note { VM_NOTE_HOST, VM_NOTE_GUEST, VM_NOTE_NONE };

struct vm_seed {
	const char *name;
	enum ptw_mode_id host, guest;
	bool unpaged, second, fakes;
	unsigned nvcpus;
	enum vm_note note;
	bool odd;              /* npt5: root entry 32 (guest PA 2^53) repeats
				* entry 0; else vCPU 0 an AP in reset state */
};

static void vm_seed(const struct vm_seed *v)
{
	struct gen g;
	/* The host's table at 0x9000, a PA no guest CR3 of the small layout
	 * has (below 0x8000): a host note with a guest's CR3 value and the
	 * same CR0 and CR4 would be taken for that guest's vCPU. */
	gen_init(&g, v->host, VM_IMG, 0x9000);
	uint64_t host_cr3 = gen_page(&g);
	gen_map(&g, host_cr3, 0xffff888000000000ULL, 0, 0x200000, PTW_RW | PTW_A | PTW_D);
	struct gen_vm vm = { .npt_leaf = 0x1000, .guest_mode = v->guest,
			     .unpaged = v->unpaged, .nvcpus = v->nvcpus, .kvm_bits = true,
			     .alias = true, .host_cr3 = host_cr3, .small = true };
	gen_vm_build(&g, &vm);
	if (v->odd && v->host == PTW_MODE_LA57) {
		gen_set(&g, vm.npt + 8 * 32, gen_get(&g, vm.npt));
	} else if (v->odd) {
		struct gen_vmcb r = vm.regs[0];
		r.cr0 = 0x60000010;
		r.cr3 = r.cr4 = 0;
		r.efer = 0x1000;
		gen_vmcb_write(&g, vm.vmcb[0], &r);
	}
	if (v->second) {
		struct gen_vm b = { .index = 1, .npt_leaf = 0x1000, .guest_mode = PTW_MODE_PAE,
				    .small = true };
		gen_vm_build(&g, &b);
	}
	if (v->fakes) {
		uint64_t pa[GEN_VM_FAKES];
		gen_vm_fakes(&g, &vm, (1u << GEN_VM_FAKES) - 1, pa);
	}
	struct gen_cpu c = v->note == VM_NOTE_GUEST ? gen_vm_cpu(&vm, 0)
						    : gen_cpu_for(v->host, host_cr3);
	uint8_t head[VM_HDR] = { (uint8_t)((v->host == PTW_MODE_LA57) |
					   (v->note != VM_NOTE_NONE) << 1) };
	memcpy(head + 1, &c.cr0, 8);
	memcpy(head + 9, &c.cr3, 8);
	memcpy(head + 17, &c.cr4, 8);
	write_file("vm", v->name, head, sizeof head, g.mem + 0x1000, g.next - 0x1000);
	gen_free(&g);
}

static void vm_seeds(void)
{
	static const struct vm_seed seeds[] = {
		{ "x64", PTW_MODE_X64, PTW_MODE_X64, false, false, false, 2, VM_NOTE_HOST, false },
		{ "x64-in-guest", PTW_MODE_X64, PTW_MODE_X64, false, false, false, 2, VM_NOTE_GUEST, false },
		{ "pae", PTW_MODE_X64, PTW_MODE_PAE, false, false, false, 1, VM_NOTE_GUEST, false },
		{ "x86", PTW_MODE_X64, PTW_MODE_X86, false, false, false, 1, VM_NOTE_NONE, false },
		{ "unpaged", PTW_MODE_X64, PTW_MODE_X64, true, false, false, 1, VM_NOTE_HOST, false },
		{ "la57", PTW_MODE_LA57, PTW_MODE_LA57, false, false, false, 3, VM_NOTE_GUEST, false },
		{ "x64-la57", PTW_MODE_LA57, PTW_MODE_X64, false, false, false, 1, VM_NOTE_HOST, false },
		{ "two-vms", PTW_MODE_X64, PTW_MODE_X64, false, true, false, 2, VM_NOTE_HOST, false },
		{ "fakes", PTW_MODE_X64, PTW_MODE_X64, false, false, true, 1, VM_NOTE_GUEST, false },
		/* both once broke discovery (vm.c, fixed on branch vmtests): a
		 * table past 2^52 failed it, an AP in reset made the guest
		 * unpaged */
		{ "npt5-past-52-bits", PTW_MODE_LA57, PTW_MODE_LA57, false, false, false, 1,
		  VM_NOTE_HOST, true },
		{ "ap-in-reset", PTW_MODE_X64, PTW_MODE_X64, false, false, false, 2,
		  VM_NOTE_HOST, true },
	};
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
		vm_seed(&seeds[i]);
}

int main(int argc, char **argv)
{
	bool bugs = argc == 3 && strcmp(argv[1], "--repro") == 0;
	if (argc != 2 && !bugs) {
		fprintf(stderr, "usage: fuzz-seeds DIR (writes DIR/{dump,walk,scan,views,args,owners,windows,kallsyms_find}/)\n"
				"       fuzz-seeds --repro DIR (writes reproducers of known bugs)\n");
		return 2;
	}
	outdir = argv[argc - 1];
	make_dir(NULL);
	if (bugs) {
		repro();
		return 0;
	}
	static const char *const targets[] = { "dump", "walk", "scan", "views", "args",
					       "owners", "windows", "kallsyms_find", "vm" };
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		make_dir(targets[i]);

	struct img im;
	void (*const builders[])(struct img *) = {
		windows_x64, linux_pae, windows_pae, windows_x86, linux_x86, odd_x64,
	};
	for (size_t i = 0; i < sizeof builders / sizeof builders[0]; i++) {
		builders[i](&im);
		image_seeds(&im);
		gen_free(&im.g);
	}
	for (int la57 = 0; la57 < 2; la57++) {
		linux_x64(&im, la57);
		image_seeds(&im);
		gen_free(&im.g);
	}
	static const struct { enum ptw_mode_id mode; const char *name; } loops[] = {
		{ PTW_MODE_X86, "loop-x86" }, { PTW_MODE_PAE, "loop-pae" },
		{ PTW_MODE_X64, "loop-x64" }, { PTW_MODE_LA57, "loop-la57" },
	};
	for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
		loop(&im, loops[i].mode, loops[i].name);
		walk_seeds(&im);
		char name[64];
		snprintf(name, sizeof name, "%s.raw", loops[i].name);
		write_file("scan", name, im.g.mem, im.g.size, NULL, 0);
		uint8_t ctl[32];
		views_ctl(ctl, (uint8_t)((3 + loops[i].mode) | 0x08), im.top[0], NULL, 0);
		write_file("views", name, im.g.mem, im.g.size, ctl, sizeof ctl);
		gen_free(&im.g);
	}
	arm64_seeds();
	regression_seeds();
	args_seeds();
	owners_seeds();
	kallsyms_find_seeds();
	windows_seeds();
	kdump_seeds();
	aarch64_seeds();
	vm_seeds();
	return 0;
}
