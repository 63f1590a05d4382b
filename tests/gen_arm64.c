/* gen_arm64.c — AArch64 stage-1 translation tables for tests (gen_arm64.h).
 * Every rule here is the architecture's as aarch64.md states it; none is
 * read from the walker. */
#include "gen_arm64.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen_arm64: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* Bits hi..lo (hi >= lo). */
static uint64_t bits(unsigned hi, unsigned lo)
{
	return (~0ULL >> (63 - hi)) & (~0ULL << lo);
}

bool a64g_init(struct a64g *g, unsigned granule, unsigned va_bits)
{
	memset(g, 0, sizeof *g);
	if ((granule != 12 && granule != 14 && granule != 16) || va_bits < 36 ||
	    va_bits > 52)
		return false;
	g->granule = granule;
	g->va_bits = va_bits;
	g->stride = granule - 3;
	/* The page offset takes `granule` bits; each level above adds a
	 * table's stride until the VA is covered (§1.2: start level
	 * 4 - ceil((IA - granule) / stride)). */
	unsigned covered = granule, n = 0;
	while (covered < va_bits) {
		covered += g->stride;
		n++;
	}
	g->nlevels = n;
	g->top_level = 4 - (int)n;
	g->top_bits = va_bits - a64g_shift(g, g->top_level);
	g->lpa2 = granule != 16 && va_bits > 48;
	g->lpa = granule == 16;
	g->pa_bits = g->lpa2 || g->lpa ? 52 : 48;
	return true;
}

void a64g_free(struct a64g *g)
{
	for (unsigned i = 0; i < g->nregs; i++)
		free(g->reg[i].mem);
	g->nregs = 0;
}

unsigned a64g_add_region(struct a64g *g, uint64_t pa, uint64_t size)
{
	if (g->nregs == A64G_MAX_REGIONS)
		die("too many regions");
	for (unsigned i = 0; i < g->nregs; i++)
		if (pa < g->reg[i].pa + g->reg[i].size && g->reg[i].pa < pa + size)
			die("region %#llx overlaps another", (unsigned long long)pa);
	struct a64g_region *r = &g->reg[g->nregs];
	r->mem = calloc(1, size);
	if (!r->mem)
		die("no memory for %#llx bytes", (unsigned long long)size);
	r->pa = pa;
	r->size = size;
	r->next = pa;
	return g->nregs++;
}

/* ---- geometry --------------------------------------------------------------- */

static void check_level(const struct a64g *g, int level)
{
	if (level < g->top_level || level > 3)
		die("no level %d with %u-bit granule and %u-bit VA", level, g->granule,
		    g->va_bits);
}

unsigned a64g_shift(const struct a64g *g, int level)
{
	return g->granule + g->stride * (unsigned)(3 - level);
}

uint64_t a64g_span(const struct a64g *g, int level)
{
	return 1ULL << a64g_shift(g, level);
}

unsigned a64g_bits(const struct a64g *g, int level)
{
	check_level(g, level);
	return level == g->top_level ? g->top_bits : g->stride;
}

unsigned a64g_index(const struct a64g *g, int level, uint64_t va)
{
	return (unsigned)((va >> a64g_shift(g, level)) &
			  ((1ULL << a64g_bits(g, level)) - 1));
}

bool a64g_block_ok(const struct a64g *g, int level)
{
	if (level < g->top_level || level >= 3)
		return false;
	switch (g->granule) {
	case 12: /* 1 GiB, 2 MiB; 512 GiB at level 0 with LPA2 */
		return level == 1 || level == 2 || (level == 0 && g->lpa2);
	case 14: /* 32 MiB; 64 GiB at level 1 with LPA2 */
		return level == 2 || (level == 1 && g->lpa2);
	default: /* 512 MiB; 4 TiB at level 1 with FEAT_LPA */
		return level == 2 || (level == 1 && g->lpa);
	}
}

uint64_t a64g_va(const struct a64g *g, unsigned half, uint64_t off)
{
	if (off >> g->va_bits)
		die("offset %#llx beyond a %u-bit half", (unsigned long long)off, g->va_bits);
	return half ? (~0ULL << g->va_bits) | off : off;
}

static void check_va(const struct a64g *g, uint64_t va)
{
	uint64_t top = va >> g->va_bits;
	if (top != 0 && top != (~0ULL >> g->va_bits))
		die("VA %#llx is in neither %u-bit half", (unsigned long long)va, g->va_bits);
}

/* ---- memory ------------------------------------------------------------------ */

static struct a64g_region *region_of(const struct a64g *g, uint64_t pa, uint64_t n)
{
	for (unsigned i = 0; i < g->nregs; i++) {
		const struct a64g_region *r = &g->reg[i];
		if (pa >= r->pa && pa - r->pa <= r->size && n <= r->size - (pa - r->pa))
			return (struct a64g_region *)r;
	}
	die("%#llx+%llu lies outside the generator's memory", (unsigned long long)pa,
	    (unsigned long long)n);
	return NULL;
}

uint64_t a64g_alloc(struct a64g *g, unsigned ri, uint64_t size, uint64_t align)
{
	if (ri >= g->nregs)
		die("no region %u", ri);
	struct a64g_region *r = &g->reg[ri];
	uint64_t pa = (r->next + align - 1) & ~(align - 1);
	if (pa + size > r->pa + r->size)
		die("region at %#llx is full", (unsigned long long)r->pa);
	r->next = pa + size;
	memset(r->mem + (pa - r->pa), 0, size);
	return pa;
}

uint64_t a64g_top(struct a64g *g, uint64_t min_align)
{
	uint64_t bytes = 8ULL << g->top_bits;
	g->ntables++;
	return a64g_alloc(g, g->alloc_reg, bytes, bytes > min_align ? bytes : min_align);
}

uint64_t a64g_table(struct a64g *g)
{
	g->ntables++;
	return a64g_alloc(g, g->alloc_reg, 1ULL << g->granule, 1ULL << g->granule);
}

uint64_t a64g_page(struct a64g *g, unsigned r)
{
	return a64g_alloc(g, r, 1ULL << g->granule, 1ULL << g->granule);
}

uint64_t a64g_get(const struct a64g *g, uint64_t pa)
{
	const struct a64g_region *r = region_of(g, pa, 8);
	uint64_t v = 0;
	for (unsigned i = 8; i-- > 0;)
		v = v << 8 | r->mem[pa - r->pa + i];
	return v;
}

void a64g_set(struct a64g *g, uint64_t pa, uint64_t value)
{
	struct a64g_region *r = region_of(g, pa, 8);
	for (unsigned i = 0; i < 8; i++)
		r->mem[pa - r->pa + i] = (uint8_t)(value >> (8 * i));
}

void a64g_write(struct a64g *g, uint64_t pa, const void *p, size_t n)
{
	struct a64g_region *r = region_of(g, pa, n);
	memcpy(r->mem + (pa - r->pa), p, n);
}

/* ---- descriptors ---------------------------------------------------------------- */

uint64_t a64g_oa(const struct a64g *g, uint64_t pa)
{
	if (pa >> g->pa_bits)
		die("PA %#llx beyond %u bits", (unsigned long long)pa, g->pa_bits);
	if (pa & ((1ULL << g->granule) - 1))
		die("PA %#llx is not granule-aligned", (unsigned long long)pa);
	if (g->lpa2)
		return (pa & bits(49, g->granule)) | ((pa >> 50) & 3) << 8;
	if (g->lpa)
		return (pa & bits(47, 16)) | ((pa >> 48) & 0xf) << 12;
	return pa & bits(47, g->granule);
}

uint64_t a64g_addr(const struct a64g *g, uint64_t desc)
{
	if (g->lpa2)
		return (desc & bits(49, g->granule)) | ((desc >> 8) & 3) << 50;
	if (g->lpa)
		return (desc & bits(47, 16)) | ((desc >> 12) & 0xf) << 48;
	return desc & bits(47, g->granule);
}

uint64_t a64g_attr_bits(const struct a64g *g, const struct a64g_attr *a)
{
	if (a->sh > 3 || a->attrindx > 7)
		die("SH %u / AttrIndx %u out of range", a->sh, a->attrindx);
	if (g->lpa2 && a->sh)
		die("no SH field under LPA2 (bits 9:8 are OA 51:50)");
	return (uint64_t)a->attrindx << 2 | (a->user ? A64G_AP1 : 0) |
	       (a->ro ? A64G_AP2 : 0) | (uint64_t)a->sh << 8 | (a->af ? A64G_AF : 0) |
	       (a->ng ? A64G_NG : 0) | (a->dbm ? A64G_DBM : 0) |
	       (a->cont ? A64G_CONT : 0) | (a->pxn ? A64G_PXN : 0) |
	       (a->uxn ? A64G_UXN : 0);
}

uint64_t a64g_table_desc(const struct a64g *g, uint64_t table, uint64_t tbits)
{
	return a64g_oa(g, table) | tbits | A64G_TYPE | A64G_VALID;
}

uint64_t a64g_block_desc(const struct a64g *g, uint64_t pa, const struct a64g_attr *a)
{
	return a64g_oa(g, pa) | a64g_attr_bits(g, a) | A64G_VALID;
}

uint64_t a64g_page_desc(const struct a64g *g, uint64_t pa, const struct a64g_attr *a)
{
	return a64g_oa(g, pa) | a64g_attr_bits(g, a) | A64G_TYPE | A64G_VALID;
}

/* ---- tables ---------------------------------------------------------------------- */

static uint64_t path(struct a64g *g, uint64_t root, uint64_t va, int level,
		     bool make)
{
	check_level(g, level);
	check_va(g, va);
	uint64_t table = root;
	for (int l = g->top_level;; l++) {
		uint64_t ea = table + 8ULL * a64g_index(g, l, va);
		if (l == level)
			return ea;
		uint64_t e = a64g_get(g, ea);
		if (!(e & A64G_VALID)) {
			if (!make)
				return 0;
			e = a64g_table_desc(g, a64g_table(g), g->table_attrs);
			a64g_set(g, ea, e);
		} else if (!(e & A64G_TYPE)) {
			if (!make)
				return 0;
			die("a block at level %d on the way to %#llx", l,
			    (unsigned long long)va);
		}
		table = a64g_addr(g, e);
	}
}

uint64_t a64g_entry(struct a64g *g, uint64_t root, uint64_t va, int level)
{
	return path(g, root, va, level, true);
}

uint64_t a64g_lookup(const struct a64g *g, uint64_t root, uint64_t va, int level)
{
	return path((struct a64g *)g, root, va, level, false);
}

uint64_t a64g_map(struct a64g *g, uint64_t root, uint64_t va, uint64_t pa,
		  int level, const struct a64g_attr *a)
{
	uint64_t span = a64g_span(g, level);
	if ((va | pa) & (span - 1))
		die("%#llx -> %#llx not aligned to level %d's %#llx", (unsigned long long)va,
		    (unsigned long long)pa, level, (unsigned long long)span);
	if (level < 3 && !a64g_block_ok(g, level))
		die("no block at level %d with %u-bit granule and %u-bit VA", level,
		    g->granule, g->va_bits);
	uint64_t e = level == 3 ? a64g_page_desc(g, pa, a) : a64g_block_desc(g, pa, a);
	a64g_set(g, a64g_entry(g, root, va, level), e);
	return e;
}

uint64_t a64g_table_bits(struct a64g *g, uint64_t root, uint64_t va, int level,
			 uint64_t tbits)
{
	if (level >= 3)
		die("no table entries at level 3");
	/* Make the table below exist (and so this entry a table). */
	a64g_entry(g, root, va, level + 1);
	uint64_t ea = a64g_entry(g, root, va, level);
	uint64_t e = a64g_get(g, ea) | tbits;
	a64g_set(g, ea, e);
	return e;
}

void a64g_raw(struct a64g *g, uint64_t root, uint64_t va, int level, uint64_t value)
{
	a64g_set(g, a64g_entry(g, root, va, level), value);
}

uint64_t a64g_loop(struct a64g *g, uint64_t root, uint64_t va, int level)
{
	uint64_t ea = a64g_entry(g, root, va, level);
	uint64_t table = ea - 8ULL * a64g_index(g, level, va);
	a64g_set(g, ea, a64g_table_desc(g, table, 0));
	return table;
}

/* ---- Linux ---------------------------------------------------------------------------- */

uint64_t a64g_linux_protnone(const struct a64g *g, enum a64g_linux era, uint64_t pa,
			     int level)
{
	check_level(g, level);
	if (pa & (a64g_span(g, level) - 1))
		die("PROT_NONE %#llx not aligned to level %d", (unsigned long long)pa, level);
	uint64_t e = a64g_oa(g, pa) | A64G_AF | A64G_AP2 | A64G_NG | A64G_PXN | A64G_UXN;
	if (!g->lpa2)
		e |= 3ULL << 8;           /* PTE_SHARED */
	if (level == 3)
		e |= A64G_TYPE;           /* PTE_TYPE_PAGE without PTE_VALID */
	if (era != A64G_LINUX_6_10)
		e |= 1ULL << 58;          /* PTE_PROT_NONE */
	return e;                         /* 6.10: PTE_PRESENT_INVALID is nG's bit */
}

uint64_t a64g_linux_swap(enum a64g_linux era, unsigned type, uint64_t offset)
{
	if (offset >> 50)
		die("swap offset %#llx wider than 50 bits", (unsigned long long)offset);
	switch (era) {
	case A64G_LINUX_4_0:
		if (type >= 64)
			die("swap type %u", type);
		return (uint64_t)type << 2 | offset << 8;
	case A64G_LINUX_5_19:
		if (type >= 32)
			die("swap type %u", type);
		return (uint64_t)type << 3 | offset << 8;
	default:
		if (type >= 32)
			die("swap type %u", type);
		return (uint64_t)type << 6 | offset << 12;
	}
}

/* ---- the dump ---------------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint8_t *a64g_lime(const struct a64g *g, size_t *len)
{
	/* LiME: per range a 32-byte header (magic "EMiL", version 1, start,
	 * inclusive end, reserved), then its bytes. */
	size_t n = 0;
	for (unsigned i = 0; i < g->nregs; i++)
		n += 32 + g->reg[i].size;
	uint8_t *out = malloc(n);
	if (!out)
		die("no memory for the dump");
	unsigned order[A64G_MAX_REGIONS];
	for (unsigned i = 0; i < g->nregs; i++)
		order[i] = i;
	for (unsigned i = 1; i < g->nregs; i++)
		for (unsigned j = i; j > 0 && g->reg[order[j]].pa < g->reg[order[j - 1]].pa; j--) {
			unsigned t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	size_t off = 0;
	for (unsigned k = 0; k < g->nregs; k++) {
		const struct a64g_region *r = &g->reg[order[k]];
		put32(out + off, 0x4C694D45);
		put32(out + off + 4, 1);
		put64(out + off + 8, r->pa);
		put64(out + off + 16, r->pa + r->size - 1);
		put64(out + off + 24, 0);
		memcpy(out + off + 32, r->mem, r->size);
		off += 32 + r->size;
	}
	*len = n;
	return out;
}
