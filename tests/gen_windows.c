/* gen_windows.c — Windows crash dumps of generated images, and Windows
 * kernels laid out in them (see gen.h).
 *
 * The dump writer follows the header layout dump/windows.c describes: the
 * header filled with "PAGE" as Windows leaves its unused bytes, the fields
 * written over it, then the pages (full: run after run; bitmap: a summary
 * header "FDMP"/"SDMP", the bitmap, the stored pages in PFN order from the
 * next page boundary; ranges, DumpType 8-10: an "RDMP" header, the range
 * table, the pages range after range from the next page boundary).
 *
 * The kernels: EPROCESS fields at the offsets of real builds, every other
 * pointer-sized slot of the EPROCESS filled with kernel-pointer-like noise
 * (never a pid, never a DirBase), so that the owner walk has to find the
 * fields rather than fall on the only non-zero ones.
 */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K_RO_X  (PTW_A | PTW_D | PTW_G)
#define K_RW_NX (PTW_RW | PTW_A | PTW_D | PTW_G | PTW_XD)
#define U_RW_NX (PTW_US | PTW_RW | PTW_A | PTW_D | PTW_XD)
#define KTABLE  (PTW_P | PTW_RW | PTW_A)   /* kernel tables: supervisor */

/* ---- the builds --------------------------------------------------------------
 * Offsets from the kernels' public symbol files (ntkrnlmp.pdb, ntkrpamp.pdb)
 * as the ntdiff/headers collection prints them (github.com/ntdiff/headers,
 * <build>/<arch>/System32/ntdll.dll/Standalone/_EPROCESS.h) and the
 * Vergilius Project lists them (vergiliusproject.com/kernels/...):
 *   Windows 7 SP1 x64 (6.1.7601): KPROCESS.DirectoryTableBase +0x28,
 *     UniqueProcessId +0x180, ActiveProcessLinks +0x188,
 *     InheritedFromUniqueProcessId +0x290, ImageFileName +0x2e0, EPROCESS
 *     0x4d0 bytes; no KVA shadow.
 *   Windows 10 2004-22H2 x64 (19041-19045; ntdiff Win10_2004_20H1): DTB
 *     +0x28, UserDirectoryTableBase +0x388, UniqueProcessId +0x440,
 *     ActiveProcessLinks +0x448, InheritedFromUniqueProcessId +0x540,
 *     ImageFileName +0x5a8, EPROCESS 0xa40 bytes.
 *   Windows 11 24H2 x64 (26100; ntdiff Win11_2409_24H2): DTB +0x28,
 *     UserDirectoryTableBase +0x158 (KPROCESS shrank to 0x1c8),
 *     UniqueProcessId +0x1d0, ActiveProcessLinks +0x1d8,
 *     InheritedFromUniqueProcessId +0x2d0, ImageFileName +0x338.
 *   Windows 7 SP1 x86 (6.1.7601, PAE and not): DTB +0x18 (a ULONG),
 *     UniqueProcessId +0xb4, ActiveProcessLinks +0xb8,
 *     InheritedFromUniqueProcessId +0x140, ImageFileName +0x16c, EPROCESS
 *     0x2c0 bytes.
 * Kernel addresses are of the kind each build uses (PML4 self-map 0x1ed
 * before Windows 10 1607, randomised after). */

const struct gen_eprocess_layout gen_win7_x64 = {
	.build = "Windows 7 SP1 x64 (6.1.7601)", .ptr = 8,
	.dtb = 0x28, .user_dtb = 0, .pid = 0x180, .links = 0x188, .ppid = 0x290,
	.name = 0x2e0, .span = 0x4d0, .selfmap = 0x1ed,
	.nt_data = 0xfffff80002c4f000ULL, .head_off = 0x940,
	.pool = 0xfffffa8000c00000ULL,
};

const struct gen_eprocess_layout gen_win10_x64 = {
	.build = "Windows 10 22H2 x64 (19045)", .ptr = 8,
	.dtb = 0x28, .user_dtb = 0x388, .pid = 0x440, .links = 0x448, .ppid = 0x540,
	.name = 0x5a8, .span = 0xa40, .selfmap = 0x1a3,
	.nt_data = 0xfffff8031261e000ULL, .head_off = 0x2a0,
	.pool = 0xffffb30f2e800000ULL,
};

const struct gen_eprocess_layout gen_win11_x64 = {
	.build = "Windows 11 24H2 x64 (26100)", .ptr = 8,
	.dtb = 0x28, .user_dtb = 0x158, .pid = 0x1d0, .links = 0x1d8, .ppid = 0x2d0,
	.name = 0x338, .span = 0x900, .selfmap = 0x1c9,
	.nt_data = 0xfffff80612f1d000ULL, .head_off = 0x1e0,
	.pool = 0xffff8a0b1c600000ULL,
};

const struct gen_eprocess_layout gen_win7_x86 = {
	.build = "Windows 7 SP1 x86 (6.1.7601)", .ptr = 4,
	.dtb = 0x18, .user_dtb = 0, .pid = 0xb4, .links = 0xb8, .ppid = 0x140,
	.name = 0x16c, .span = 0x2c0, .selfmap = 0x300,
	.nt_data = 0x82b71000ULL, .head_off = 0xf18,
	.pool = 0x84a00000ULL,
};

enum { EPROCESS_IN_PAGE = 0x80 };  /* after the pool and object headers */

/* ---- little helpers ------------------------------------------------------------ */

static void put(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void gput(struct gen *g, uint64_t pa, unsigned size, uint64_t v)
{
	uint8_t b[8];
	put(b, size, v);
	gen_write(g, pa, b, size);
}

void gen_windows_procs(struct gen_winsys *s)
{
	static const struct gen_winproc procs[] = {
		{ .cid = 4, .ppid = 0, .name = "System", .dtb_low = 0x2 },
		{ .cid = 348, .ppid = 4, .name = "smss.exe" },
		{ .cid = 452, .ppid = 440, .name = "csrss.exe", .shadow = true },
		{ .cid = 524, .ppid = 440, .name = "wininit.exe" },
		{ .cid = 664, .ppid = 524, .name = "services.exe" },
		{ .cid = 672, .ppid = 524, .name = "lsass.exe" },
		{ .cid = 792, .ppid = 664, .name = "svchost.exe", .shadow = true },
		{ .cid = 2316, .ppid = 664, .name = "SearchIndexer.exe", .shadow = true },
		{ .cid = 4320, .ppid = 4280, .name = "explorer.exe", .shadow = true,
		  .dtb_low = 0x2 },
		{ .cid = 5012, .ppid = 4320, .name = "notepad.exe", .shadow = true },
	};
	s->nprocs = sizeof procs / sizeof procs[0];
	memcpy(s->proc, procs, sizeof procs);
}

/* ---- the kernel's tables, per mode ------------------------------------------------ */

static bool has_shadow(const struct gen_winsys *s, const struct gen_winproc *p)
{
	return s->layout->user_dtb && p->shadow;
}

/* The kernel's top table (the PDPT on PAE), with its self-map. */
static uint64_t kernel_top(struct gen *g, const struct gen_eprocess_layout *L)
{
	uint64_t t = gen_page(g);
	switch (g->mode->id) {
	case PTW_MODE_X86:
		gen_set(g, t + 4 * 0x300, t | 0x63);
		return t;
	case PTW_MODE_PAE: {
		uint64_t pdpt = t + 0x20;
		uint64_t pd[4];
		for (unsigned j = 0; j < 4; j++) {
			pd[j] = gen_page(g);
			gen_set(g, pdpt + 8 * j, pd[j] | PTW_P);
		}
		for (unsigned j = 0; j < 4; j++)
			gen_set(g, pd[3] + 8 * j, pd[j] | 0x63);
		return pdpt;
	}
	default:
		gen_set(g, t + 8 * L->selfmap, t | 0x63 | PTW_XD);
		return t;
	}
}

/* A process's own top table sharing the kernel's half. */
static uint64_t process_top(struct gen *g, const struct gen_eprocess_layout *L,
			    uint64_t kernel, unsigned i)
{
	const struct ptw_mode *m = g->mode;
	if (m->id == PTW_MODE_PAE) {
		/* Own PDs for the user quarters and for the self-mapped last
		 * one; the kernel's PD for 80000000-bfffffff. */
		uint64_t pdpt = gen_page(g) + 0x20 * (1 + i % 4);
		uint64_t kpd2 = gen_get(g, kernel + 16) & m->level[0].addr_table;
		uint64_t kpd3 = gen_get(g, kernel + 24) & m->level[0].addr_table;
		uint64_t pd[4] = { gen_page(g), gen_page(g), kpd2, gen_page(g) };
		memcpy(g->mem + pd[3], g->mem + kpd3, 4096);
		for (unsigned j = 0; j < 4; j++) {
			gen_set(g, pdpt + 8 * j, pd[j] | PTW_P);
			gen_set(g, pd[3] + 8 * j, pd[j] | 0x63);
		}
		return pdpt;
	}
	uint64_t t = gen_page(g);
	unsigned n = ptw_level_entries(m, 0);
	gen_copy_entries(g, kernel, t, n / 2, n / 2);
	if (m->id == PTW_MODE_X86)
		gen_set(g, t + 4 * 0x300, t | 0x63);
	else
		gen_set(g, t + 8 * L->selfmap, t | 0x63 | PTW_XD);
	return t;
}

/* The KVA-shadow user copy: the process's user half, and one kernel page
 * (the shadow's entry code), no self-map. */
static uint64_t shadow_top(struct gen *g, const struct gen_eprocess_layout *L,
			   uint64_t top, uint64_t entry_pa)
{
	uint64_t u = gen_page(g);
	if (top)
		gen_copy_entries(g, top, u, 0, 256);
	g->table_bits = KTABLE;
	gen_map(g, u, L->nt_data - 0x400000, entry_pa, 0x1000, K_RO_X);
	g->table_bits = GEN_TABLE;
	return u;
}

static uint64_t user_va(const struct ptw_mode *m)
{
	return m->va_bits > 32 ? 0x7ff612340000ULL : 0x00400000ULL;
}

/* ---- EPROCESS ---------------------------------------------------------------------- */

static uint64_t links_va(const struct gen_winsys *s, unsigned i)
{
	return s->proc[i].eprocess + s->layout->links;
}

static uint64_t flink_of(const struct gen_winsys *s, unsigned i)
{
	if (s->list == GEN_WINLIST_BROKEN && i == s->at)
		return s->bad_flink;
	if (s->list == GEN_WINLIST_LOOP && i == s->at)
		return links_va(s, s->to);
	return i + 1 < s->nprocs ? links_va(s, i + 1) : s->head;
}

static void write_eprocess(struct gen *g, const struct gen_winsys *s,
			   unsigned i, uint64_t pa)
{
	const struct gen_eprocess_layout *L = s->layout;
	const struct gen_winproc *p = &s->proc[i];
	unsigned w = L->ptr;
	/* Noise: kernel pointers, different in every slot and process. */
	for (uint32_t off = 0; off + w <= L->span; off += w) {
		uint64_t v = w == 8 ? 0xffffc00000000000ULL | (uint64_t)(i + 1) << 24 | off
				    : 0x8a000000ULL | (uint64_t)(i + 1) << 16 | off;
		gput(g, pa + off, w, v);
	}
	gput(g, pa, 4, 3);                             /* Header.Type: process */
	gput(g, pa + L->dtb, w, p->dirbase | (w == 8 ? p->dtb_low : 0));
	if (L->user_dtb)
		gput(g, pa + L->user_dtb, 8,
		     p->user_dirbase ? p->user_dirbase | 1 : p->cid == 348 ? 0 : 1);
	gput(g, pa + L->pid, w, (uint64_t)p->cid);
	gput(g, pa + L->links, w, flink_of(s, i));
	gput(g, pa + L->links + w, w, i ? links_va(s, i - 1) : s->head);
	gput(g, pa + L->ppid, w, (uint64_t)p->ppid);
	uint8_t name[16] = {0};
	size_t n = strlen(p->name);
	memcpy(name, p->name, n < 15 ? n : 15);
	name[15] = 2;                                  /* PriorityClass */
	gen_write(g, pa + L->name, name, sizeof name);
}

void gen_windows_system(struct gen *g, struct gen_winsys *s)
{
	const struct gen_eprocess_layout *L = s->layout;
	const struct ptw_mode *m = g->mode;
	/* 1. The kernel half: top table, ntoskrnl's data, the EPROCESS pages,
	 * all before any process copies the half. */
	g->table_bits = KTABLE;
	uint64_t k = s->kernel = kernel_top(g, L);
	uint64_t nt = gen_page(g), entry = gen_page(g);
	gen_fill_page(g, entry, "PTFS-WIN KVA shadow entry");
	gen_map(g, k, L->nt_data, nt, 0x1000, K_RW_NX);
	uint64_t page[16];
	for (unsigned i = 0; i < s->nprocs; i++) {
		page[i] = gen_page(g);
		gen_map(g, k, L->pool + 0x1000ULL * i, page[i], 0x1000, K_RW_NX);
		s->proc[i].eprocess = L->pool + 0x1000ULL * i + EPROCESS_IN_PAGE;
	}
	g->table_bits = GEN_TABLE;
	/* 2. The processes' tables: System's is the kernel's. */
	for (unsigned i = 0; i < s->nprocs; i++) {
		struct gen_winproc *p = &s->proc[i];
		uint64_t top = i == 0 ? k : process_top(g, L, k, i);
		p->dirbase = top;
		if (i) {
			char text[64];
			snprintf(text, sizeof text, "PTFS-WIN %s", p->name);
			uint64_t data = gen_page(g);
			gen_fill_page(g, data, text);
			gen_map(g, top, user_va(m), data, 0x1000, U_RW_NX & (m->nx ? ~0ULL : 0xfffULL));
		}
		p->user_dirbase = has_shadow(s, p) ? shadow_top(g, L, i ? top : 0, entry) : 0;
	}
	/* 3. The list and the structures. */
	s->head = L->nt_data + L->head_off;
	s->bad_flink = L->pool + 0x100000 + L->links;  /* nothing maps there */
	gput(g, nt + L->head_off, L->ptr, links_va(s, 0));
	gput(g, nt + L->head_off + L->ptr, L->ptr, links_va(s, s->nprocs - 1));
	for (unsigned i = 0; i < s->nprocs; i++)
		write_eprocess(g, s, i, page[i] + EPROCESS_IN_PAGE);
	s->dump = (struct gen_windump){
		.x64 = L->ptr == 8, .pae = m->id == PTW_MODE_PAE, .dump_type = 1,
		.dirbase = k | (L->ptr == 8 ? s->proc[0].dtb_low : 0),
		.pfn_database = L->ptr == 8 ? 0xfffffa8000000000ULL : 0x84000000ULL,
		.ps_loaded_module_list = L->nt_data + 0x160,
		.ps_active_process_head = s->head,
		.kd_debugger_data_block = L->nt_data + 0x5a0,
		.bugcheck = 0xe2, .nprocessors = 2,
	};
}

void gen_windows_image(struct gen *g, struct gen_winsys *s,
		       enum ptw_mode_id mode, uint64_t size, uint64_t alloc_base)
{
	gen_init(g, mode, size, alloc_base);
	if (s->nprocs == 0)
		gen_windows_procs(s);
	gen_windows_system(g, s);
}

/* ---- the dump file --------------------------------------------------------------------- */

static void fill_header(uint8_t *h, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i += 4)
		memcpy(h + i, "PAGE", 4);
}

static void write_header(uint8_t *h, const struct gen_windump *o)
{
	unsigned w = o->x64 ? 8 : 4;
	memcpy(h, "PAGE", 4);
	memcpy(h + 4, o->x64 ? "DU64" : "DUMP", 4);
	put(h + 8, 4, 15);                             /* MajorVersion: free */
	put(h + 12, 4, o->x64 ? 19045 : 7601);         /* MinorVersion: build */
	put(h + 0x10, w, o->dirbase);
	put(h + 0x10 + w, w, o->pfn_database);
	put(h + 0x10 + 2 * w, w, o->ps_loaded_module_list);
	put(h + 0x10 + 3 * w, w, o->ps_active_process_head);
	size_t mach = 0x10 + 4 * w;
	put(h + mach, 4, o->x64 ? 0x8664 : 0x14c);
	put(h + mach + 4, 4, o->nprocessors);
	put(h + mach + 8, 4, o->bugcheck);
	if (o->x64) {
		put(h + 0x3c, 4, 0);
		put(h + 0x80, 8, o->kd_debugger_data_block);
		put(h + GEN_WIN64_TYPE, 4, o->dump_type);
	} else {
		h[0x5c] = o->pae;                      /* PaeEnabled */
		h[0x5d] = 0;
		put(h + 0x60, 4, o->kd_debugger_data_block);
		put(h + GEN_WIN32_TYPE, 4, o->dump_type);
	}
}

static void write_runs(uint8_t *h, const struct gen_windump *o,
		       const uint64_t (*r)[2], unsigned n)
{
	unsigned w = o->x64 ? 8 : 4;
	uint8_t *pm = h + (o->x64 ? GEN_WIN64_RUNS : GEN_WIN32_RUNS);
	uint64_t pages = 0;
	for (unsigned i = 0; i < n; i++)
		pages += r[i][1] / 4096;
	put(pm, 4, n);
	put(pm + 4, 4, o->x64 ? 0 : pages);
	if (o->x64)
		put(pm + 8, 8, pages);
	uint8_t *run = pm + (o->x64 ? 16 : 8);
	for (unsigned i = 0; i < n; i++) {
		put(run + 2 * w * i, w, r[i][0] / 4096);
		put(run + 2 * w * i + w, w, r[i][1] / 4096);
	}
}

/* The RDMP header of a range dump (DumpType 8-10) at h, its pages from
 * first (an offset from h). */
static void write_ranges(uint8_t *h, const struct gen_windump *o,
			 const uint64_t (*r)[2], unsigned n, size_t first)
{
	uint64_t pages = 0;
	memset(h, 0, first);
	put(h, 4, 0x40);
	memcpy(h + 4, "RDMP", 4);
	memcpy(h + 8, "DUMP", 4);
	put(h + 0x10, 8, first - 0x20);                /* MetadataSize */
	put(h + 0x18, 8, 0x2000 + first);              /* FirstPageOffset */
	for (unsigned i = 0; i < n; i++) {
		put(h + 0x30 + 16 * i, 8, r[i][0] / 4096);
		put(h + 0x38 + 16 * i, 8, r[i][1] / 4096);
		pages += r[i][1] / 4096;
	}
	if (o->dump_type == 10) {
		put(h + 0x20, 4, n);                   /* NumberOfRanges */
		put(h + 0x28, 8, pages);               /* TotalNumberOfPages */
	}
}

uint8_t *gen_windows_dump(const struct gen *g, const struct gen_windump *o,
			  size_t *size)
{
	uint64_t r[8][2] = { { 0, g->size } };
	unsigned n = o->nranges ? o->nranges : 1;
	for (unsigned i = 0; i < o->nranges; i++)
		r[i][0] = o->range[i].pa, r[i][1] = o->range[i].size;
	size_t hs = o->x64 ? 0x2000 : 0x1000;
	size_t total = hs;
	uint64_t nbits = o->nbits ? o->nbits : g->size / 4096;
	size_t first = 0;
	uint8_t *bits = NULL;
	if (o->dump_type == 1) {
		for (unsigned i = 0; i < n; i++)
			total += r[i][1];
	} else if (o->dump_type >= 8) {
		/* the range table and a PFN-0 end, then the pages from a page
		 * boundary, 0x20 + MetadataSize past the RDMP header */
		first = (hs + 0x30 + 16 * (n + 1ULL) + 4095) & ~(size_t)4095;
		total = first;
		for (unsigned i = 0; i < n; i++)
			total += r[i][1];
	} else {
		bits = calloc(1, (nbits + 7) / 8 + 1);
		uint64_t present = 0;
		for (unsigned i = 0; i < n; i++)
			for (uint64_t pfn = r[i][0] / 4096; pfn < (r[i][0] + r[i][1]) / 4096 &&
			     pfn < nbits; pfn++)
				if (!(bits[pfn / 8] >> (pfn % 8) & 1)) {
					bits[pfn / 8] |= (uint8_t)(1 << (pfn % 8));
					present++;
				}
		first = (hs + 0x38 + (nbits + 7) / 8 + 4095) & ~(size_t)4095;
		total = first + present * 4096;
	}
	uint8_t *f = calloc(1, total);
	if (!f)
		abort();
	fill_header(f, hs);
	write_header(f, o);
	if (o->dump_type == 1) {
		write_runs(f, o, (const uint64_t (*)[2])r, n);
		size_t off = hs;
		for (unsigned i = 0; i < n; i++) {
			memcpy(f + off, g->mem + r[i][0], r[i][1]);
			off += r[i][1];
		}
	} else if (o->dump_type >= 8) {
		write_ranges(f + hs, o, (const uint64_t (*)[2])r, n, first - hs);
		size_t off = first;
		for (unsigned i = 0; i < n; i++) {
			memcpy(f + off, g->mem + r[i][0], r[i][1]);
			off += r[i][1];
		}
	} else {
		uint8_t *sd = f + hs;
		memcpy(sd, o->dump_type == 6 ? "SDMP" : "FDMP", 4);
		memcpy(sd + 4, "DUMP", 4);
		put(sd + 0x20, 8, first);
		put(sd + 0x28, 8, (total - first) / 4096);
		put(sd + 0x30, 8, nbits);
		memcpy(sd + 0x38, bits, (nbits + 7) / 8);
		size_t off = first;
		for (uint64_t pfn = 0; pfn < nbits; pfn++)
			if (bits[pfn / 8] >> (pfn % 8) & 1) {
				if ((pfn + 1) * 4096 <= g->size)
					memcpy(f + off, g->mem + pfn * 4096, 4096);
				off += 4096;
			}
	}
	free(bits);
	if (o->x64)
		put(f + 0xfa0, 8, total);              /* RequiredDumpSpace */
	*size = total;
	return f;
}

int gen_write_windows(const struct gen *g, const struct gen_windump *o,
		      const char *path)
{
	size_t n;
	uint8_t *f = gen_windows_dump(g, o, &n);
	FILE *out = fopen(path, "wb");
	int rc = out && fwrite(f, 1, n, out) == n ? 0 : -1;
	if (out && fclose(out) != 0)
		rc = -1;
	free(f);
	return rc;
}

/* ---- named dumps for mkdump ---------------------------------------------------------------- */

const char *const gen_windows_names[] = {
	"win7-x64-full", "win10-x64-bitmap", "win11-x64-live", "win11-x64-complete",
	"win7-pae-full", "win7-x86-full", NULL,
};

bool gen_windows_named(const char *name, struct gen *g, struct gen_winsys *s)
{
	static const struct {
		const char *name;
		const struct gen_eprocess_layout *layout;
		enum ptw_mode_id mode;
		uint32_t type;
	} table[] = {
		{ "win7-x64-full", &gen_win7_x64, PTW_MODE_X64, 1 },
		{ "win10-x64-bitmap", &gen_win10_x64, PTW_MODE_X64, 5 },
		{ "win11-x64-live", &gen_win11_x64, PTW_MODE_X64, 6 },
		{ "win11-x64-complete", &gen_win11_x64, PTW_MODE_X64, 10 },
		{ "win7-pae-full", &gen_win7_x86, PTW_MODE_PAE, 1 },
		{ "win7-x86-full", &gen_win7_x86, PTW_MODE_X86, 1 },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(name, table[i].name) != 0)
			continue;
		memset(s, 0, sizeof *s);
		s->layout = table[i].layout;
		gen_windows_image(g, s, table[i].mode, 2 << 20, 0x100000);
		s->dump.dump_type = table[i].type;
		/* Below 1 MiB only PFNs 1-9e, as PC firmware leaves it. */
		s->dump.range[0].pa = 0x1000;
		s->dump.range[0].size = 0x9e000;
		s->dump.range[1].pa = 0x100000;
		s->dump.range[1].size = g->size - 0x100000;
		s->dump.nranges = 2;
		return true;
	}
	return false;
}
