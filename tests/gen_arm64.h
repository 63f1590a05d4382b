/* gen_arm64.h — AArch64 (VMSAv8-64 stage 1) translation tables for tests.
 *
 * Written from the architecture's facts (walker/paging/aarch64.md: §1.1
 * granules and levels, §1.2 start level and top-table size, §1.3 where
 * blocks may be, §2 descriptor bits, LPA/LPA2 address bits), not from the
 * walker's tables of levels, so that tests built with it check the walker
 * rather than repeat it.  Nothing here reads struct ptw_mode.
 *
 * A generator is one granule (2^12, 2^14 or 2^16 bytes) and one VA size per
 * half (36 to 52 bits, 64 - TnSZ), and a physical memory of a few zeroed
 * regions at chosen PAs (RAM at 0x40000000 as on QEMU's virt board, and,
 * for 52-bit output addresses, a region above 2^48).  Its allocator hands
 * out granule-sized tables and pages, and top tables aligned to their own
 * size (which may be less than a page: 16 KiB granule, 48 bits: 2 entries,
 * 16 bytes).  The memory is written as a LiME capture, one range per
 * region, which ptw_dump_open_memory reads: a sparse dump with ranges far
 * apart, at no cost for the gaps.
 *
 * Levels are numbered as ARM numbers them: 3 is the last (pages), the
 * first is 4 - (number of levels): -1 (4 KiB, more than 48 bits) to 2.
 * Everything aborts on a test's own mistake (a VA outside both halves, an
 * address outside memory, a block where none may be, SH under LPA2).
 */
#ifndef PTFS_GEN_ARM64_H
#define PTFS_GEN_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Descriptor bits (ARM ARM D8.3 / aarch64.md §2.3, §2.4), spelled out here
 * rather than taken from ptwalk.h. */
#define A64G_VALID     (1ULL << 0)
#define A64G_TYPE      (1ULL << 1)   /* 1: table (levels < 3) or page (3); 0: block */
#define A64G_NS        (1ULL << 5)
#define A64G_AP1       (1ULL << 6)   /* EL0 may access */
#define A64G_AP2       (1ULL << 7)   /* read-only */
#define A64G_AF        (1ULL << 10)
#define A64G_NG        (1ULL << 11)
#define A64G_NT        (1ULL << 16)  /* FEAT_BBM, blocks */
#define A64G_GP        (1ULL << 50)
#define A64G_DBM       (1ULL << 51)
#define A64G_CONT      (1ULL << 52)
#define A64G_PXN       (1ULL << 53)
#define A64G_UXN       (1ULL << 54)
/* Table descriptors' limits on what lies below. */
#define A64G_PXNTABLE  (1ULL << 59)
#define A64G_UXNTABLE  (1ULL << 60)
#define A64G_APTABLE0  (1ULL << 61)  /* no EL0 access below */
#define A64G_APTABLE1  (1ULL << 62)  /* no writes below */
#define A64G_NSTABLE   (1ULL << 63)

/* A leaf's attributes. */
struct a64g_attr {
	bool af, ng;
	bool user;           /* AP[1] */
	bool ro;             /* AP[2] */
	bool dbm, cont, pxn, uxn;
	unsigned sh;         /* 0..3; must be 0 under LPA2 (bits 9:8 are address) */
	unsigned attrindx;   /* 0..7 */
};

struct a64g_region {
	uint64_t pa, size;
	uint8_t *mem;
	uint64_t next;       /* the allocator's next free byte */
};

#define A64G_MAX_REGIONS 4

struct a64g {
	/* The translation regime. */
	unsigned granule;    /* log2 of the granule: 12, 14, 16 */
	unsigned va_bits;    /* per half */
	unsigned stride;     /* index bits of a full table: granule - 3 */
	unsigned nlevels;
	int top_level;       /* ARM's number of the first level */
	unsigned top_bits;   /* index bits of the top table */
	bool lpa2;           /* 4K/16K past 48 bits: OA 49:48 in place, 51:50 in 9:8 */
	bool lpa;            /* 64K: OA 51:48 in bits 15:12 (always, as ptfs reads them) */
	unsigned pa_bits;    /* 52 with LPA or LPA2, else 48 */
	/* Physical memory. */
	struct a64g_region reg[A64G_MAX_REGIONS];
	unsigned nregs;
	unsigned alloc_reg;  /* the region new tables come from */
	uint64_t table_attrs;/* bits of the table descriptors a64g_entry makes */
	unsigned ntables;    /* tables allocated (top tables included) */
};

/* false when there is no such regime. */
bool a64g_init(struct a64g *g, unsigned granule, unsigned va_bits);
void a64g_free(struct a64g *g);
/* A zeroed region of memory at pa (regions must not overlap); its index. */
unsigned a64g_add_region(struct a64g *g, uint64_t pa, uint64_t size);

/* ---- geometry (aarch64.md §1) ---------------------------------------------- */

/* Lowest VA bit level `level` resolves: granule + stride * (3 - level). */
unsigned a64g_shift(const struct a64g *g, int level);
/* Bytes of VA one entry at level covers. */
uint64_t a64g_span(const struct a64g *g, int level);
/* Index bits and entries of a table at level. */
unsigned a64g_bits(const struct a64g *g, int level);
/* The index va selects at level. */
unsigned a64g_index(const struct a64g *g, int level, uint64_t va);
/* Whether a block descriptor may be at level (AArch64.BlockDescSupported,
 * with 64 KiB read as FEAT_LPA's). */
bool a64g_block_ok(const struct a64g *g, int level);
/* The canonical VA at offset off of a half (0: TTBR0, 1: TTBR1). */
uint64_t a64g_va(const struct a64g *g, unsigned half, uint64_t off);

/* ---- memory --------------------------------------------------------------- */

/* size bytes aligned to align from region r (zeroed). */
uint64_t a64g_alloc(struct a64g *g, unsigned r, uint64_t size, uint64_t align);
/* A top table from alloc_reg, aligned to its size or to min_align if more. */
uint64_t a64g_top(struct a64g *g, uint64_t min_align);
/* A table of the levels below the top (one granule) from alloc_reg. */
uint64_t a64g_table(struct a64g *g);
/* A granule-sized data page from region r. */
uint64_t a64g_page(struct a64g *g, unsigned r);

uint64_t a64g_get(const struct a64g *g, uint64_t pa);
void a64g_set(struct a64g *g, uint64_t pa, uint64_t value);
void a64g_write(struct a64g *g, uint64_t pa, const void *p, size_t n);

/* ---- descriptors (aarch64.md §2) ------------------------------------------ */

/* The descriptor bits that hold output address pa (aligned to the
 * granule): bits 47:g; LPA2: 49:g and 51:50 in 9:8; 64K: 51:48 in 15:12. */
uint64_t a64g_oa(const struct a64g *g, uint64_t pa);
/* The address a descriptor holds, granule-aligned (the inverse). */
uint64_t a64g_addr(const struct a64g *g, uint64_t desc);
uint64_t a64g_attr_bits(const struct a64g *g, const struct a64g_attr *a);
uint64_t a64g_table_desc(const struct a64g *g, uint64_t table, uint64_t bits);
uint64_t a64g_block_desc(const struct a64g *g, uint64_t pa, const struct a64g_attr *a);
uint64_t a64g_page_desc(const struct a64g *g, uint64_t pa, const struct a64g_attr *a);

/* ---- tables ---------------------------------------------------------------- */

/* PA of the entry at level on va's path from root, making the tables above
 * it as needed (table descriptors with table_attrs). */
uint64_t a64g_entry(struct a64g *g, uint64_t root, uint64_t va, int level);
/* The same without making anything: 0 when a table on the way is missing
 * (or the way meets a block). */
uint64_t a64g_lookup(const struct a64g *g, uint64_t root, uint64_t va, int level);
/* Map [va, va + span(level)) to pa: a page at level 3, else a block (only
 * where the architecture allows one).  Returns the descriptor. */
uint64_t a64g_map(struct a64g *g, uint64_t root, uint64_t va, uint64_t pa,
		  int level, const struct a64g_attr *a);
/* OR bits (APTable, UXNTable, PXNTable, ...) into the table entry at level
 * on va's path (made if need be).  Returns the descriptor. */
uint64_t a64g_table_bits(struct a64g *g, uint64_t root, uint64_t va, int level,
			 uint64_t bits);
/* Write any value at the entry of level on va's path (reserved encodings,
 * RES0 bits, Linux's non-valid entries). */
void a64g_raw(struct a64g *g, uint64_t root, uint64_t va, int level, uint64_t value);
/* Make the entry at level on va's path point at its own table (a table
 * descriptor; the table must be granule-aligned).  Returns the table. */
uint64_t a64g_loop(struct a64g *g, uint64_t root, uint64_t va, int level);

/* ---- Linux's non-valid entries (aarch64.md §3.3, §3.4) ------------------- */

enum a64g_linux {
	A64G_LINUX_4_0,    /* 4.0 - 5.18: swap type 7:2, offset 57:8; PROT_NONE bit 58 */
	A64G_LINUX_5_19,   /* 5.19 - 6.9 (6.1): swap type 7:3, offset 57:8; bit 58 */
	A64G_LINUX_6_10,   /* 6.10 on: swap type 10:6, offset 61:12; bit 11 */
};
/* PAGE_NONE as mprotect(PROT_NONE) leaves it over pa at level: the
 * page's hardware bits with valid clear (bits 1:0 10 for a page, 00 for a
 * huge page above level 3), AF, SH (none under LPA2), RDONLY, nG, PXN,
 * UXN, and the era's marker (bit 58, or 11 from 6.10). */
uint64_t a64g_linux_protnone(const struct a64g *g, enum a64g_linux era, uint64_t pa,
			     int level);
/* A swap entry of the era: type and offset in their fields. */
uint64_t a64g_linux_swap(enum a64g_linux era, unsigned type, uint64_t offset);

/* ---- the dump --------------------------------------------------------------- */

/* The regions as a LiME capture (malloc'd, *len bytes), in PA order. */
uint8_t *a64g_lime(const struct a64g *g, size_t *len);

#endif
