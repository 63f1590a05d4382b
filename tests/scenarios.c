/* scenarios.c — the synthetic dumps (see scenarios.h).
 *
 * Tables come from gen_page() in order from 0x100000, so their addresses are
 * fixed by the order of the calls below; data pages sit at the addresses
 * written here.  Changing either changes the expected outputs of the tests.
 */
#include "scenarios.h"
#include "gen_vm.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* Leaf flags as the OSes set them. */
#define K_RO_X  (PTW_A | PTW_D | PTW_G)                     /* kernel text */
#define K_RW_NX (PTW_RW | PTW_A | PTW_D | PTW_G | PTW_XD)   /* kernel data */
#define U_RO_X  (PTW_US | PTW_A)                            /* user text */
#define U_RW_NX (PTW_US | PTW_RW | PTW_A | PTW_D | PTW_XD)  /* user data */

static void marker(struct gen *g, uint64_t pa, const char *who, uint64_t va)
{
	char text[96];
	snprintf(text, sizeof text, "PTFS-SAMPLE %s va=0x%llx", who,
		 (unsigned long long)va);
	gen_fill_page(g, pa, text);
}

/* ---- Linux x86-64: a kernel table, two processes, KPTI pairs --------------- */

static void linux_x64_process(struct scenario *s, unsigned i, const char *who,
			      uint64_t data_pa, bool extra)
{
	struct gen *g = &s->g;
	uint64_t k = s->kernel;
	uint64_t p = gen_pair(g), u = p + 0x1000;
	s->proc[i] = p;
	s->user[i] = u;
	gen_copy_entries(g, k, p, 256, 256);
	/* user text (shared by both processes) and data */
	gen_map(g, p, 0x400000, 0x310000, 0x1000, U_RO_X);
	gen_map(g, p, 0x401000, 0x311000, 0x1000, U_RO_X);
	for (unsigned j = 0; j < 4; j++) {
		/* frames out of order: runs split where PA jumps */
		static const uint64_t order[4] = { 0, 1, 3, 2 };
		uint64_t pa = data_pa + order[j] * 0x1000;
		gen_map(g, p, 0x600000 + j * 0x1000, pa, 0x1000, U_RW_NX);
		marker(g, pa, who, 0x600000 + j * 0x1000);
	}
	if (extra) { /* a 2 MiB page, a stack page, a PROT_NONE page, a swap entry */
		gen_map(g, p, 0x7f0000000000, 0x400000, 2 * MiB, U_RW_NX);
		gen_fill_page(g, 0x400000, "PTFS-SAMPLE alpha huge page");
		gen_map(g, p, 0x7ffffffde000, 0x340000, 0x1000, U_RW_NX);
		marker(g, 0x340000, "alpha-stack", 0x7ffffffde000);
		/* PROT_NONE over frame 324 and swap type 1 page 1f3: the frame
		 * and the offset stored inverted (L1TF) */
		gen_set(g, gen_entry(g, p, 0x604000, 3),
			(~0x324000ULL & 0x000ffffffffff000ULL) | 0x160);
		gen_set(g, gen_entry(g, p, 0x605000, 3),
			((~0x1f3ULL << 14) >> 5) | (1ULL << 59));
		marker(g, 0x324000, "alpha-protnone", 0x604000);
		/* the last data page written since soft-dirty was last cleared:
		 * Linux's _PAGE_SOFT_DIRTY, bit 11 (no letter of WinDbg's) */
		uint64_t pte = gen_entry(g, p, 0x603000, 3);
		gen_set(g, pte, gen_get(g, pte) | 1ULL << 11);
	}
	/* the user copy: the same user half (same tables below), without the
	 * kernel's NX */
	gen_copy_entries(g, p, u, 0, 256);
	/* the kernel copy's user entries carry NX, as Linux's PTI sets them */
	for (unsigned j = 0; j < 256; j++) {
		uint64_t e = gen_get(g, p + 8 * j);
		if (e)
			gen_set(g, p + 8 * j, e | PTW_XD);
	}
	/* the user copy maps the kernel's cpu_entry_area slot (508, VA
	 * fffffe0000000000) as is, and its own entry-text table at 511 */
	gen_copy_entries(g, k, u, 508, 1);
	gen_map(g, u, 0xffffffff81000000, 0x200000, 0x1000, K_RO_X);
}

static void build_linux_x64(struct scenario *s)
{
	struct gen *g = &s->g;
	gen_init(g, PTW_MODE_X64, 8 * MiB, 0x100000);
	s->kernel = gen_pair(g);   /* 0x100000, its user copy unused (zero) */
	uint64_t k = s->kernel;
	gen_map(g, k, 0xffff888000000000, 0, GiB, K_RW_NX);            /* direct map */
	gen_map(g, k, 0xffffffff81000000, 0x200000, 2 * MiB, K_RO_X);  /* text */
	for (unsigned j = 0; j < 4; j++)                               /* data */
		gen_map(g, k, 0xffffffff82000000 + j * 0x1000, 0x300000 + j * 0x1000,
			0x1000, K_RW_NX);
	gen_map(g, k, 0xfffffe0000000000, 0x304000, 0x1000, K_RW_NX);  /* cpu_entry_area */
	gen_fill_page(g, 0x200000, "PTFS-SAMPLE kernel text");
	gen_fill_page(g, 0x310000, "PTFS-SAMPLE user text");
	linux_x64_process(s, 0, "alpha", 0x320000, true);
	linux_x64_process(s, 1, "beta", 0x330000, false);
	s->nprocs = 2;

	s->elf = (struct gen_elf){
		.elfclass = ELFCLASS64, .machine = EM_X86_64,
		.cpu = { gen_cpu_for(PTW_MODE_X64, s->user[0]) }, .ncpus = 1,
		/* init_top_pgt at 0xffffffff82600000, phys_base -0x2500000:
		 * __pa = va - 0xffffffff80000000 + phys_base = 0x100000 */
		.vmcoreinfo = "OSRELEASE=6.1.0-ptfs-sample\nPAGESIZE=4096\n"
			      "SYMBOL(init_top_pgt)=ffffffff82600000\n"
			      "NUMBER(phys_base)=-38797312\n"
			      "NUMBER(pgtable_l5_enabled)=0\n",
	};
}

/* ---- Windows x64: self-maps at 0x1ed --------------------------------------- */

static void build_windows_x64(struct scenario *s)
{
	struct gen *g = &s->g;
	gen_init(g, PTW_MODE_X64, 4 * MiB, 0x100000);
	uint64_t sys = s->kernel = gen_page(g);
	g->table_bits = PTW_P | PTW_RW | PTW_A;   /* kernel tables: supervisor */
	gen_set(g, sys + 8 * 0x1ed, sys | 0x63 | PTW_XD);         /* self-map */
	gen_map(g, sys, 0xfffff80000000000, 0x200000, 2 * MiB, K_RO_X);
	gen_map(g, sys, 0xfffff80000200000, 0x300000, 0x1000, K_RW_NX);
	gen_map(g, sys, 0xffffc00000000000, 0, GiB, K_RW_NX | PTW_PCD); /* 1 GiB, uncached */
	gen_fill_page(g, 0x200000, "PTFS-SAMPLE ntoskrnl");
	g->table_bits = GEN_TABLE;
	uint64_t p = gen_page(g);
	s->proc[0] = p;
	s->nprocs = 1;
	gen_copy_entries(g, sys, p, 256, 256);
	gen_set(g, p + 8 * 0x1ed, p | 0x63 | PTW_XD);             /* its own self-map */
	gen_map(g, p, 0x10000, 0x310000, 0x1000, U_RW_NX | 0x200); /* copy-on-write */
	gen_map(g, p, 0x7ff612340000, 0x311000, 0x1000, U_RO_X);
	marker(g, 0x310000, "notepad", 0x10000);
	/* Non-present PTEs of every kind (Windows 10 1809+ layout, paging/x86.c):
	 *   ...1000 paging file 2, page def3, ExecuteRead (swizzle bit set)
	 *   ...2000 transition to frame 312 (in the dump), ReadWrite
	 *   ...3000 prototype PTE at FFFFC182CC1FFDF8
	 *   ...4000 demand-zero, ReadWrite
	 *   ...5000 prototype "look in the VAD", ReadWrite
	 *   ...6000 transition to frame 313 with the L1TF swizzle bit 45 set */
	static const uint64_t soft[] = {
		0x0000def300002070ULL, 0x0000000000312892ULL, 0xc182cc1ffdf80400ULL,
		0x0000000000000080ULL, 0xffffffff00000480ULL, 0x0000200000313860ULL,
	};
	for (unsigned j = 0; j < 6; j++)
		gen_set(g, gen_entry(g, p, 0x7ff612341000 + j * 0x1000ULL, 3), soft[j]);
	gen_fill_page(g, 0x312000, "PTFS-SAMPLE transition page");
	gen_fill_page(g, 0x313000, "PTFS-SAMPLE swizzled transition page");
	s->elf = (struct gen_elf){
		.elfclass = ELFCLASS64, .machine = EM_X86_64,
		.cpu = { gen_cpu_for(PTW_MODE_X64, sys) }, .ncpus = 1,
	};
}

/* ---- Linux PAE with PTI ------------------------------------------------------ */

static void build_linux_pae(struct scenario *s)
{
	struct gen *g = &s->g;
	gen_init(g, PTW_MODE_PAE, 8 * MiB, 0x100000);
	/* swapper_pg_dir: PDPTEs 0-2 empty, 3 -> the kernel PMD */
	uint64_t k = s->kernel = gen_page(g);
	for (unsigned j = 0; j < 4; j++)                          /* lowmem, 2 MiB */
		gen_map(g, k, 0xc0000000 + j * 2 * MiB, j * 2 * MiB, 2 * MiB,
			j == 0 ? (PTW_RW | PTW_A | PTW_D | PTW_G)
			       : (PTW_RW | PTW_A | PTW_D | PTW_G | PTW_XD));
	gen_map(g, k, 0xff800000, 0x300000, 0x1000, K_RW_NX);     /* fixmap */
	uint64_t kpmd = gen_get(g, k + 24) & g->mode->level[0].addr_table;
	gen_fill_page(g, 0x310000, "PTFS-SAMPLE pae text");
	for (unsigned i = 0; i < 2; i++) {
		uint64_t p = gen_pair(g), u = p + 0x1000;
		s->proc[i] = p;
		s->user[i] = u;
		/* the process's own copy of the kernel PMD */
		uint64_t pmd = gen_page(g);
		memcpy(g->mem + pmd, g->mem + kpmd, 4096);
		gen_set(g, p + 24, pmd | PTW_P);
		gen_map(g, p, 0x08048000, 0x310000, 0x1000, U_RO_X);
		gen_map(g, p, 0xb7a00000, 0x400000 + i * 2 * MiB, 2 * MiB, U_RW_NX);
		gen_map(g, p, 0xbfff0000, 0x320000 + i * 0x1000, 0x1000, U_RW_NX);
		marker(g, 0x400000 + i * 2 * MiB, i ? "echo" : "delta", 0xb7a00000);
		if (i == 0) { /* delta: PROT_NONE over frame 330, swap type 2 page 77 */
			gen_set(g, gen_entry(g, p, 0x08049000, 2),
				(~0x330000ULL & 0x000ffffffffff000ULL) | 0x160);
			gen_set(g, gen_entry(g, p, 0x0804a000, 2),
				((~0x77ULL << 14) >> 5) | (2ULL << 59));
			marker(g, 0x330000, "delta-protnone", 0x08049000);
		}
		marker(g, 0x320000 + i * 0x1000, i ? "echo-stack" : "delta-stack",
		       0xbfff0000);
		/* user copy: PDs 0-2 shared, its own PD for the kernel quarter */
		for (unsigned j = 0; j < 3; j++)
			gen_set(g, u + 8 * j, gen_get(g, p + 8 * j));
		uint64_t upmd = gen_page(g);
		gen_set(g, u + 24, upmd | PTW_P);
		gen_map(g, u, 0xff800000, 0x300000, 0x1000, K_RW_NX);
		gen_map(g, u, 0xc0000000, 0, 2 * MiB, PTW_RW | PTW_A | PTW_D | PTW_G);
	}
	s->nprocs = 2;
	s->elf = (struct gen_elf){
		.elfclass = ELFCLASS64, .machine = EM_386,  /* as QEMU writes it */
		.cpu = { gen_cpu_for(PTW_MODE_PAE, s->user[0]) }, .ncpus = 1,
		.vmcoreinfo = "OSRELEASE=6.1.0-ptfs-pae\nPAGESIZE=4096\n"
			      "SYMBOL(swapper_pg_dir)=c0100000\nCONFIG_X86_PAE=y\n",
	};
}

/* ---- Windows PAE: the PD under PDPTE 3 maps the four PDs --------------------- */

static void build_windows_pae(struct scenario *s)
{
	struct gen *g = &s->g;
	gen_init(g, PTW_MODE_PAE, 4 * MiB, 0x100000);
	uint64_t page = gen_page(g);
	uint64_t pdpt = s->kernel = page + 0x20;   /* 32-byte aligned, in a page */
	for (unsigned j = 0; j < 4; j++)
		gen_set(g, pdpt + 8 * j, gen_page(g) | PTW_P);
	uint64_t pd3 = gen_get(g, pdpt + 24) & g->mode->level[0].addr_table;
	for (unsigned j = 0; j < 4; j++)
		gen_set(g, pd3 + 8 * j,
			(gen_get(g, pdpt + 8 * j) & g->mode->level[0].addr_table) | 0x63);
	gen_map(g, pdpt, 0x80000000, 0x200000, 2 * MiB, K_RO_X);
	gen_map(g, pdpt, 0x00010000, 0x300000, 0x1000, U_RW_NX);
	marker(g, 0x300000, "winpae", 0x10000);
	/* Non-present PTEs (Windows 10 1809+ PAE layout): paging file 3 page
	 * 4567, transition to frame 301, prototype at 8a001230, demand-zero. */
	static const uint64_t soft[] = {
		0x0000456700003090ULL, 0x0000000000301892ULL, 0x8a00123000000400ULL,
		0x0000000000000080ULL,
	};
	for (unsigned j = 0; j < 4; j++)
		gen_set(g, gen_entry(g, pdpt, 0x00011000 + j * 0x1000, 2), soft[j]);
	gen_fill_page(g, 0x301000, "PTFS-SAMPLE pae transition page");
	s->elf = (struct gen_elf){
		.elfclass = ELFCLASS32, .machine = EM_386,
		.cpu = { gen_cpu_for(PTW_MODE_PAE, pdpt) }, .ncpus = 1,
	};
}

/* ---- 32-bit x86, Windows-like: self-map at PDE 0x300, 4 MiB pages ------------- */

static void build_windows_x86(struct scenario *s)
{
	struct gen *g = &s->g;
	gen_init(g, PTW_MODE_X86, 8 * MiB, 0x100000);
	uint64_t pd = s->kernel = gen_page(g);
	g->table_bits = PTW_P | PTW_RW | PTW_A;
	gen_set(g, pd + 4 * 0x300, pd | 0x63);                      /* self-map */
	gen_map(g, pd, 0x80000000, 0x400000, 4 * MiB, K_RO_X & 0xfff);
	/* PSE-36: a 4 MiB page at PA 0x1_0040_0000, past the dump (a hole) */
	gen_map(g, pd, 0x80400000, 0x100400000ULL, 4 * MiB, PTW_RW | PTW_A | PTW_D);
	gen_map(g, pd, 0x80800000, 0x303000, 0x1000, PTW_RW | PTW_A | PTW_D | PTW_G);
	g->table_bits = GEN_TABLE;
	gen_map(g, pd, 0x00400000, 0x300000, 0x1000, PTW_US | PTW_A);
	gen_map(g, pd, 0x00401000, 0x301000, 0x1000, PTW_US | PTW_RW | PTW_A | PTW_D);
	gen_map(g, pd, 0x7ffdf000, 0x302000, 0x1000, PTW_US | PTW_RW | PTW_A | PTW_D);
	gen_fill_page(g, 0x400000, "PTFS-SAMPLE x86 kernel");
	marker(g, 0x301000, "x86", 0x401000);
	/* Non-present PTEs (Windows 7 32-bit layout): paging file 1 page 1234,
	 * transition to frame 304, prototype at 80001234, demand-zero. */
	static const uint64_t soft[] = { 0x01234082, 0x00304880, 0x0000251a, 0x00000080 };
	for (unsigned j = 0; j < 4; j++)
		gen_set(g, gen_entry(g, pd, 0x00402000 + j * 0x1000, 1), soft[j]);
	gen_fill_page(g, 0x304000, "PTFS-SAMPLE x86 transition page");
	s->elf = (struct gen_elf){
		.elfclass = ELFCLASS32, .machine = EM_386,
		.cpu = { gen_cpu_for(PTW_MODE_X86, pd) }, .ncpus = 1,
	};
}

/* ---- Linux LA57 (5-level) ------------------------------------------------------ */

static void build_linux_la57(struct scenario *s)
{
	struct gen *g = &s->g;
	gen_init(g, PTW_MODE_LA57, 4 * MiB, 0x100000);
	uint64_t k = s->kernel = gen_page(g);
	gen_map(g, k, 0xff11000000000000, 0, GiB, K_RW_NX);          /* direct map */
	gen_map(g, k, 0xffffffff81000000, 0x200000, 2 * MiB, K_RO_X);
	gen_fill_page(g, 0x200000, "PTFS-SAMPLE la57 kernel");
	for (unsigned i = 0; i < 2; i++) {
		uint64_t p = gen_page(g);
		s->proc[i] = p;
		gen_copy_entries(g, k, p, 256, 256);
		gen_map(g, p, 0x400000, 0x300000, 0x1000, U_RO_X);
		gen_map(g, p, 0x00ff000000000000 + i * 0x1000, 0x310000 + i * 0x1000,
			0x1000, U_RW_NX);                       /* above 2^47 */
		marker(g, 0x310000 + i * 0x1000, i ? "golf" : "foxtrot",
		       0x00ff000000000000 + i * 0x1000);
	}
	s->nprocs = 2;
	s->elf = (struct gen_elf){
		.elfclass = ELFCLASS64, .machine = EM_X86_64,
		.cpu = { gen_cpu_for(PTW_MODE_LA57, s->proc[1]) }, .ncpus = 1,
		.vmcoreinfo = "OSRELEASE=6.1.0-ptfs-la57\nPAGESIZE=4096\n"
			      "SYMBOL(init_top_pgt)=ffffffff82600000\n"
			      "NUMBER(phys_base)=-38797312\n"
			      "NUMBER(pgtable_l5_enabled)=1\n",
	};
}


/* ---- AArch64 Linux: a kernel table (TTBR1) and two processes' TTBR0 tables --
 *
 * One layout for each granule g (4, 16, 64 KiB) and VA size, Linux's
 * (arch/arm64/include/asm/memory.h, pgtable-prot.h, mmu.c), written with
 * gen_arm64.c.  B is the block a level-2 entry maps (2 MiB, 32 MiB,
 * 512 MiB).  RAM starts at PA 0 (as on a Raspberry Pi), so that a copy of
 * it from address 0 is small (the fuzzers' seeds):
 *   RAM 0, 1 MiB (4 KiB pages) or 4 MiB: the image's first page at PA 0,
 *     swapper_pg_dir, vmcoreinfo_data, then every other table in the order
 *     the calls below make them (up to a_end); from a quarter of it the
 *     data pages, in order; at its top the contiguous-hint run;
 *   RAM 1 and 2, 64 KiB each at PA B and 2B: the first bytes of each
 *     process's user block (the rest of the block is a hole).
 * The kernel's table, swapper_pg_dir (page-aligned, in the image; table
 * descriptors UXNTable, and PXNTable too on the linear map's path, as
 * __create_pgd_mapping sets them):
 *   PAGE_OFFSET = -2^VA    the linear map of [0, 3B): three blocks, RW
 *   KIMAGE                 the image's first B (PA 0, swapper_pg_dir in
 *                          it) as one block, read-only and executable;
 *                          KIMAGE is MODULES_END (MODULES_VADDR, the end of
 *                          the linear map for VA_BITS_MIN, + 128 MiB) moved
 *                          by a KASLR offset of 0x18000000 (B-aligned)
 *   KIMAGE + B             a text page (read-only, executable)
 *   KIMAGE + B + g         a read-only page
 * VMCOREINFO at the start of a zeroed page of its own (vmcoreinfo_data),
 * which only the linear map reaches: OSRELEASE (6.1.0; 6.10.0 for 4k-52,
 * as LPA2 with 4 KiB pages came in 6.9), PAGESIZE, SYMBOL(swapper_pg_dir),
 * and the NUMBER()s arm64's arch_crash_save_vmcoreinfo adds (VA_BITS,
 * kimage_voffset, PHYS_OFFSET, TCR_EL1_T1SZ), KERNELOFFSET.
 * Processes (pgds from a64g_top, one after the other as from the kernel's
 * pgd cache, aligned to their size only; table descriptors PXNTable, as
 * pud_populate and pmd_populate set them for a user mm):
 *   0x400000       text, r-x user (one page both map)
 *   0x600000, +g   heap pages, rw user, dirty (PTE_DIRTY, bit 55), a marker
 *   0x600000 + 2g  PROT_NONE over a resident page with a marker
 *   0x600000 + 3g  a swap entry, type 1, offset 1f3 + process
 *   0x800000       a contiguous-hint run of 16 x 4K, 128 x 16K or 32 x 64K
 *                  pages, rw user, the same frames in both (a shared
 *                  hugetlb file), a marker per page
 *   0x40000000     a user block (a THP), rw user, dirty, a marker
 */

#define A64_SW_DIRTY (1ULL << 55)   /* Linux's PTE_DIRTY */

struct a64_linux {
	unsigned granule, va_bits;
	const char *release;        /* OSRELEASE */
	enum a64g_linux era;
};

/* A page of text repeated, as gen_fill_page. */
static void a64_fill(struct a64g *g, uint64_t pa, uint64_t size, const char *text)
{
	size_t n = strlen(text);
	for (uint64_t off = 0; off + n <= size; off += n + 1)
		a64g_write(g, pa + off, text, n);
}

static void a64_marker(struct a64g *g, uint64_t pa, const char *who, uint64_t va)
{
	char text[96];
	snprintf(text, sizeof text, "PTFS-SAMPLE arm64 %s va=0x%llx", who,
		 (unsigned long long)va);
	a64_fill(g, pa, 1ULL << g->granule, text);
}

/* Map a leaf and OR extra bits (software bits) into it. */
static void a64_map(struct a64g *g, uint64_t root, uint64_t va, uint64_t pa, int level,
		    const struct a64g_attr *a, uint64_t extra)
{
	a64g_map(g, root, va, pa, level, a);
	if (extra) {
		uint64_t ea = a64g_lookup(g, root, va, level);
		a64g_set(g, ea, a64g_get(g, ea) | extra);
	}
}

/* Data pages come from their own stretch of RAM 0, above the tables. */
struct a64_data {
	struct a64g *g;
	uint64_t next, end;
};

static uint64_t a64_data_page(struct a64_data *d)
{
	uint64_t pa = d->next;
	d->next += 1ULL << d->g->granule;
	if (d->next > d->end)
		abort();
	return pa;
}

static void build_arm64(struct scenario *s, const struct a64_linux *L)
{
	struct a64g *g = &s->a;
	s->arm64 = true;
	if (!a64g_init(g, L->granule, L->va_bits))
		abort();
	const uint64_t page = 1ULL << L->granule, B = a64g_span(g, 2);
	const unsigned sh = g->lpa2 ? 0 : 3;   /* no SH field under LPA2 */
	const uint64_t ram0 = L->granule == 12 ? 1 * MiB : 4 * MiB;
	const unsigned ncont = L->granule == 12 ? 16 : L->granule == 14 ? 128 : 32;
	const uint64_t cont_pa = ram0 - ncont * page;  /* aligned: 64K or 2M */
	unsigned r0 = a64g_add_region(g, 0, ram0);
	unsigned rblock[2] = { a64g_add_region(g, B, 64 * 1024),
			       a64g_add_region(g, 2 * B, 64 * 1024) };
	g->alloc_reg = r0;
	struct a64_data data = { g, ram0 / 4, cont_pa };

	const struct a64g_attr k_rw = { .af = true, .sh = sh, .pxn = true, .uxn = true,
					.dbm = true };
	const struct a64g_attr k_rox = { .af = true, .sh = sh, .ro = true, .uxn = true };
	const struct a64g_attr k_ro = { .af = true, .sh = sh, .ro = true, .pxn = true,
					.uxn = true };
	const struct a64g_attr u_rx = { .af = true, .ng = true, .sh = sh, .user = true,
					.ro = true, .pxn = true };
	const struct a64g_attr u_rw = { .af = true, .ng = true, .sh = sh, .user = true,
					.dbm = true, .pxn = true, .uxn = true };
	struct a64g_attr u_cont = u_rw;
	u_cont.cont = true;

	/* The kernel: the image's first page at PA 0, swapper_pg_dir,
	 * vmcoreinfo_data, then the tables as the mappings make them. */
	uint64_t image = a64g_page(g, r0);
	a64_fill(g, image, page, "PTFS-SAMPLE arm64 kernel image");
	uint64_t k = s->kernel = a64g_top(g, page);
	uint64_t vmci = a64g_page(g, r0);
	const unsigned va_min = L->va_bits > 48 ? 48 : L->va_bits;
	const uint64_t page_offset = ~0ULL << L->va_bits;
	const uint64_t modules = ~0ULL << (va_min - 1);
	const uint64_t kimage = modules + 128 * MiB + 0x18000000;
	g->table_attrs = A64G_UXNTABLE | A64G_PXNTABLE;
	for (unsigned i = 0; i < 3; i++)
		a64g_map(g, k, page_offset + i * B, i * B, 2, &k_rw);
	g->table_attrs = A64G_UXNTABLE;
	a64g_map(g, k, kimage, 0, 2, &k_rox);
	uint64_t ktext = a64_data_page(&data), krodata = a64_data_page(&data);
	a64g_map(g, k, kimage + B, ktext, 3, &k_rox);
	a64g_map(g, k, kimage + B + page, krodata, 3, &k_ro);
	a64_fill(g, ktext, page, "PTFS-SAMPLE arm64 kernel text");
	a64_fill(g, krodata, page, "PTFS-SAMPLE arm64 kernel rodata");
	char text[512];
	snprintf(text, sizeof text,
		 "OSRELEASE=%s\nPAGESIZE=%llu\nSYMBOL(swapper_pg_dir)=%llx\n"
		 "NUMBER(VA_BITS)=%u\nNUMBER(kimage_voffset)=0x%llx\n"
		 "NUMBER(PHYS_OFFSET)=0x0\nNUMBER(TCR_EL1_T1SZ)=0x%x\n"
		 "KERNELOFFSET=18000000\n",
		 L->release, (unsigned long long)page, (unsigned long long)(kimage + k),
		 L->va_bits, (unsigned long long)kimage, 64 - L->va_bits);
	a64g_write(g, vmci, text, strlen(text) + 1);
	s->a_vmci = vmci;
	s->a_kimage = kimage;

	/* The processes. */
	static const char *const who[2] = { "alpha", "beta" };
	s->proc[0] = a64g_top(g, 0);
	s->proc[1] = a64g_top(g, 0);
	s->nprocs = 2;
	uint64_t utext = a64_data_page(&data);
	a64_fill(g, utext, page, "PTFS-SAMPLE arm64 user text");
	g->table_attrs = A64G_PXNTABLE;
	for (unsigned i = 0; i < 2; i++) {
		uint64_t p = s->proc[i];
		char name[32];
		a64g_map(g, p, 0x400000, utext, 3, &u_rx);
		for (unsigned j = 0; j < 2; j++) {
			uint64_t pa = a64_data_page(&data), va = 0x600000 + j * page;
			a64_map(g, p, va, pa, 3, &u_rw, A64_SW_DIRTY);
			a64_marker(g, pa, who[i], va);
		}
		uint64_t pn = a64_data_page(&data);
		snprintf(name, sizeof name, "%s-protnone", who[i]);
		a64_marker(g, pn, name, 0x600000 + 2 * page);
		a64g_raw(g, p, 0x600000 + 2 * page, 3, a64g_linux_protnone(g, L->era, pn, 3));
		a64g_raw(g, p, 0x600000 + 3 * page, 3, a64g_linux_swap(L->era, 1, 0x1f3 + i));
		for (unsigned j = 0; j < ncont; j++)
			a64_map(g, p, 0x800000 + j * page, cont_pa + j * page, 3, &u_cont,
				A64_SW_DIRTY);
		uint64_t blk = g->reg[rblock[i]].pa;
		a64_map(g, p, 0x40000000, blk, 2, &u_rw, A64_SW_DIRTY);
		snprintf(name, sizeof name, "%s-block", who[i]);
		a64_marker(g, blk, name, 0x40000000);
	}
	for (unsigned j = 0; j < ncont; j++) {
		char name[32];
		snprintf(name, sizeof name, "contiguous-%u", j);
		a64_marker(g, cont_pa + j * page, name, 0x800000 + j * page);
	}
	s->a_end = g->reg[r0].next;
	if (s->a_end > ram0 / 4)
		abort();   /* the tables ran into the data pages */
}

static void build_arm64_4k_48(struct scenario *s)
{
	build_arm64(s, &(struct a64_linux){ 12, 48, "6.1.0", A64G_LINUX_5_19 });
}

static void build_arm64_16k_47(struct scenario *s)
{
	build_arm64(s, &(struct a64_linux){ 14, 47, "6.1.0", A64G_LINUX_5_19 });
}

static void build_arm64_64k_52(struct scenario *s)
{
	build_arm64(s, &(struct a64_linux){ 16, 52, "6.1.0", A64G_LINUX_5_19 });
}

/* FEAT_LPA2 with 4 KiB pages came with Linux 6.9: its era's encodings. */
static void build_arm64_4k_52(struct scenario *s)
{
	build_arm64(s, &(struct a64_linux){ 12, 52, "6.10.0", A64G_LINUX_6_10 });
}

bool scenario_build_arm64(struct scenario *s, unsigned granule, unsigned va_bits)
{
	struct a64g probe;
	memset(s, 0, sizeof *s);
	if (va_bits < 39 || !a64g_init(&probe, granule, va_bits))
		return false;
	s->name = "arm64";
	if (probe.lpa2)
		build_arm64(s, &(struct a64_linux){ granule, va_bits, "6.10.0", A64G_LINUX_6_10 });
	else
		build_arm64(s, &(struct a64_linux){ granule, va_bits, "6.1.0", A64G_LINUX_5_19 });
	return true;
}

/* ---- a hypervisor host with AMD SVM guests (gen_vm.h) ------------------------ *
 * Host x64, 16 MiB, its table at 0x100000 (vCPU 0's CR3).  VM 103000: an
 * x64 guest over 4K nested leaves with KVM's software bits, two vCPUs
 * (VMCBs 327000, 328000; guest CR3s 1000, 5000), guest PAs 30000 and
 * 31000 aliasing data page 0, a host-save page 329000 naming VMCB 327000;
 * vCPU 1 of the dump runs its vCPU 1 (the CPU note holds its guest state).
 * VM 32a000: a PAE guest over 2M nested leaves (VMCB a00000).  Two
 * look-alikes: ASID 0 (a01000, left out by the scan's sniff) and an SEV
 * guest (a02000).  Two host processes (the VMM and another) share the host
 * table's kernel half, so that the scan finds the host's tables in a raw
 * image too. */
static void build_vm_x64(struct scenario *s)
{
	struct gen *g = &s->g;
	s->kernel = gen_vm_host(g, PTW_MODE_X64, 16 * MiB);
	struct gen_vm a = { .npt_leaf = 0x1000, .guest_mode = PTW_MODE_X64, .nvcpus = 2,
			    .kvm_bits = true, .alias = true, .host_cr3 = s->kernel };
	gen_vm_build(g, &a);
	struct gen_vm b = { .index = 1, .npt_leaf = 0x200000, .guest_mode = PTW_MODE_PAE };
	gen_vm_build(g, &b);
	uint64_t fake[GEN_VM_FAKES];
	gen_vm_fakes(g, &a, 1u << GEN_VM_FAKE_ASID0 | 1u << GEN_VM_FAKE_SEV, fake);
	if (a.npt != 0x103000 || b.npt != 0x32a000 || fake[GEN_VM_FAKE_SEV] != 0xa02000)
		abort();   /* the layout above is what the tests assert */
	/* Kernel text, a second entry of the kernel half (the scan wants two). */
	uint64_t text = gen_page(g);
	gen_fill_page(g, text, "PTFS-SAMPLE host kernel text");
	gen_map(g, s->kernel, 0xffffffff81000000, text, 0x1000, K_RO_X);
	for (unsigned i = 0; i < 2; i++) {
		uint64_t p = gen_page(g), data = gen_page(g);
		s->proc[i] = p;
		gen_copy_entries(g, s->kernel, p, 256, 256);
		gen_map(g, p, 0x400000, data, 0x1000, U_RW_NX);
		marker(g, data, i ? "other" : "vmm", 0x400000);
	}
	s->nprocs = 2;
	struct gen_cpu in_guest = gen_vm_cpu(&a, 1);
	gen_vm_elf(g, PTW_MODE_X64, s->kernel, &in_guest, 1, &s->elf);
}

static const struct {
	const char *name;
	void (*build)(struct scenario *);
} table[] = {
	{ "linux-x64", build_linux_x64 },
	{ "windows-x64", build_windows_x64 },
	{ "linux-pae", build_linux_pae },
	{ "windows-pae", build_windows_pae },
	{ "windows-x86", build_windows_x86 },
	{ "linux-la57", build_linux_la57 },
	{ "vm-x64", build_vm_x64 },
	{ "arm64-4k-48", build_arm64_4k_48 },
	{ "arm64-16k-47", build_arm64_16k_47 },
	{ "arm64-64k-52", build_arm64_64k_52 },
	{ "arm64-4k-52", build_arm64_4k_52 },
};

const char *const scenario_names[] = {
	"linux-x64", "windows-x64", "linux-pae", "windows-pae", "windows-x86",
	"linux-la57", "vm-x64", NULL,
};

const char *const scenario_arm64_names[] = {
	"arm64-4k-48", "arm64-16k-47", "arm64-64k-52", "arm64-4k-52", NULL,
};

bool scenario_build(const char *name, struct scenario *s)
{
	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(name, table[i].name) == 0) {
			s->name = table[i].name;
			table[i].build(s);
			return true;
		}
	}
	return false;
}

void scenario_free(struct scenario *s)
{
	gen_free(&s->g);
	if (s->arm64)
		a64g_free(&s->a);
}

int scenario_write_lime(const struct scenario *s, const char *path)
{
	size_t n;
	uint8_t *img = a64g_lime(&s->a, &n);
	FILE *f = fopen(path, "wb");
	if (!f) {
		free(img);
		return -1;
	}
	size_t w = fwrite(img, 1, n, f);
	free(img);
	int rc = fclose(f);
	return w == n && rc == 0 ? 0 : -1;
}

int scenario_write_raw(const struct scenario *s, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	uint64_t end = 0;
	for (unsigned i = 0; i < s->a.nregs; i++) {
		const struct a64g_region *r = &s->a.reg[i];
		for (uint64_t off = 0; off < r->size;) {
			ssize_t w = pwrite(fd, r->mem + off, r->size - off, (off_t)(r->pa + off));
			if (w <= 0) {
				close(fd);
				return -1;
			}
			off += (uint64_t)w;
		}
		if (r->pa + r->size > end)
			end = r->pa + r->size;
	}
	if (ftruncate(fd, (off_t)end) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}
