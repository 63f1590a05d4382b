/* scenarios.c — the synthetic dumps (see scenarios.h).
 *
 * Tables come from gen_page() in order from 0x100000, so their addresses are
 * fixed by the order of the calls below; data pages sit at the addresses
 * written here.  Changing either changes the expected outputs of the tests.
 */
#include "scenarios.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

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
};

const char *const scenario_names[] = {
	"linux-x64", "windows-x64", "linux-pae", "windows-pae", "windows-x86",
	"linux-la57", NULL,
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
}
