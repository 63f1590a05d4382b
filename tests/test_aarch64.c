/* test_aarch64.c — AArch64 (VMSAv8-64 stage 1) paging: every mode's
 * geometry, translations in both halves for every granule (pages and
 * blocks at every level that allows them, output addresses above 2^48),
 * a kernel space without a lower half, reserved encodings and RES0 bits,
 * effective rights and flag letters, iteration (contiguous hints, loops),
 * Linux's non-valid entries across releases, and holes.
 *
 * The tables come from gen_arm64.c, written from the architecture's facts
 * (walker/paging/aarch64.md), and the expected values are computed here
 * from those facts or written out; nothing is read back from the walker's
 * tables of levels. */
#include "testutil.h"

#include "gen_arm64.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* QEMU virt's RAM, and a region whose output addresses need 52 bits:
 * bits 51:48 are 1011, so LPA2 puts 10 in entry bits 9:8 and keeps 11 in
 * 49:48, and 64 KiB's FEAT_LPA puts 1011 in bits 15:12. */
#define RAM       0x40000000ULL
#define RAM_SIZE  (4ULL << 20)
#define HIGH      0x000B000040000000ULL
#define HIGH_SIZE (1ULL << 20)

/* ---- fixtures ------------------------------------------------------------------ */

struct fixture {
	struct a64g g;
	unsigned ram, high;      /* region indices; high UINT_MAX with 48-bit PAs */
	uint8_t *img;
	size_t len;
	ptw_dump *d;
	const struct ptw_mode *m;
	struct ptw_space s;
};

/* Fixtures live here, not on a test's stack, so that the teardown frees
 * what a failed test left. */
static struct fixture pool[4];

static struct fixture *fx_new(unsigned granule, unsigned va_bits)
{
	struct fixture *f = NULL;
	for (unsigned i = 0; i < 4 && !f; i++)
		if (!pool[i].m)
			f = &pool[i];
	assert_non_null(f);
	memset(f, 0, sizeof *f);
	assert_true(a64g_init(&f->g, granule, va_bits));
	f->ram = a64g_add_region(&f->g, RAM, RAM_SIZE);
	f->high = f->g.pa_bits == 52 ? a64g_add_region(&f->g, HIGH, HIGH_SIZE) : UINT_MAX;
	f->g.alloc_reg = f->ram;
	f->m = ptw_mode_aarch64(granule, va_bits);
	if (!f->m)
		fail_msg("no mode for granule 2^%u, %u-bit VA", granule, va_bits);
	return f;
}

/* The dump of the generator's memory as it is now. */
static void fx_dump(struct fixture *f)
{
	struct ptw_error err = {0};
	f->img = a64g_lime(&f->g, &f->len);
	if (ptw_dump_open_memory(f->img, f->len, &f->d, &err))
		fail_msg("dump: %s", err.msg);
}

/* The dump and a space with both roots (either may be PTW_NO_ROOT). */
static void fx_open(struct fixture *f, uint64_t lower, uint64_t upper)
{
	struct ptw_error err = {0};
	fx_dump(f);
	if (ptw_space_init(&f->s, f->d, f->m, lower != PTW_NO_ROOT ? lower : upper, &err))
		fail_msg("%s space at 0x%llx: %s", f->m->name, (unsigned long long)lower,
			 err.msg);
	if (ptw_space_set_roots(&f->s, lower, upper, &err))
		fail_msg("%s roots 0x%llx 0x%llx: %s", f->m->name, (unsigned long long)lower,
			 (unsigned long long)upper, err.msg);
}

static void fx_close(struct fixture *f)
{
	if (f->d)
		ptw_dump_close(f->d);
	free(f->img);
	a64g_free(&f->g);
	memset(f, 0, sizeof *f);
}

static int fx_teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 4; i++)
		if (pool[i].m)
			fx_close(&pool[i]);
	return 0;
}

/* The walker's index of ARM level `level` (its levels count from the top). */
static unsigned lx(const struct a64g *g, int level)
{
	return (unsigned)(level - g->top_level);
}

static struct ptw_xlat xlat(const struct ptw_space *s, uint64_t va)
{
	struct ptw_xlat x;
	struct ptw_error err = {0};
	if (ptw_translate(s, va, &x, &err))
		fail_msg("translate 0x%llx: %s", (unsigned long long)va, err.msg);
	return x;
}

/* x's steps are the generator's entries on va's path from root, down to
 * level. */
static void check_steps(const struct fixture *f, uint64_t root, uint64_t va,
			const struct ptw_xlat *x, int level)
{
	const struct a64g *g = &f->g;
	assert_int_equal(x->nsteps, lx(g, level) + 1);
	for (int l = g->top_level; l <= level; l++) {
		const struct ptw_step *st = &x->step[lx(g, l)];
		uint64_t ea = a64g_lookup(g, root, va, l);
		assert_int_not_equal(ea, 0);
		assert_int_equal(st->index, a64g_index(g, l, va));
		assert_int_equal(st->addr, ea);
		assert_int_equal(st->table, ea - 8ULL * st->index);
		assert_int_equal(st->entry, a64g_get(g, ea));
	}
}

static const char *flags(const struct ptw_mode *m, unsigned lvl, uint64_t e)
{
	static char buf[4][32];
	static unsigned next;
	char *b = buf[next++ % 4];
	ptw_flags_string(m, lvl, e, b);
	return b;
}

static const char *rights(const struct ptw_mode *m, unsigned lvl, uint64_t eff)
{
	static char buf[4][32];
	static unsigned next;
	char *b = buf[next++ % 4];
	ptw_rights_string(m, lvl, eff, b);
	return b;
}

struct collect {
	struct ptw_run runs[64];
	unsigned n;
};

static int collect_run(void *ctx, const struct ptw_run *r)
{
	struct collect *c = ctx;
	if (c->n < 64)
		c->runs[c->n] = *r;
	c->n++;
	return 0;
}

static void iterate(const struct ptw_space *s, uint64_t from, uint64_t to,
		    struct collect *c, struct ptw_iter_stats *st)
{
	struct ptw_error err = {0};
	memset(c, 0, sizeof *c);
	if (ptw_iterate(s, from, to, collect_run, c, st, &err))
		fail_msg("iterate: %s", err.msg);
}

static void check_run(const struct ptw_run *r, uint64_t va, uint64_t size,
		      uint64_t pa, uint64_t page_size)
{
	assert_int_equal(r->va, va);
	assert_int_equal(r->size, size);
	assert_int_equal(r->pa, pa);
	assert_int_equal(r->page_size, page_size);
}

/* Leaf attributes and the letters ptw_flags_string shows for them
 * (aarch64.c's header: C G L D A U W X E V), as a page and as a block. */
struct attrset {
	struct a64g_attr a;
	const char *page, *block;
};

static const struct attrset U_RW = {
	{ .af = true, .ng = true, .user = true, .pxn = true, .uxn = true, .sh = 3 },
	"----AUW--V", "--L-AUW--V" };
static const struct attrset K_TEXT = {
	{ .af = true, .ro = true, .uxn = true, .attrindx = 4 },
	"-G--AKRX-V", "-GL-AKRX-V" };
static const struct attrset U_TEXT = {
	{ .af = true, .ng = true, .user = true, .ro = true, .pxn = true, .sh = 3 },
	"----AUR-EV", "--L-AUR-EV" };
static const struct attrset K_DIRTY = {
	{ .af = true, .dbm = true, .pxn = true, .uxn = true, .sh = 3, .attrindx = 1 },
	"-G-DAKW--V", "-GLDAKW--V" };
static const struct attrset *const SETS[] = { &U_RW, &K_TEXT, &U_TEXT, &K_DIRTY };

/* The attributes as the regime can hold them (no SH under LPA2). */
static struct a64g_attr attr_for(const struct a64g *g, const struct a64g_attr *a)
{
	struct a64g_attr r = *a;
	if (g->lpa2)
		r.sh = 0;
	return r;
}

/* ---- geometry -------------------------------------------------------------------- */

static void check_mode_geometry(unsigned granule, unsigned va)
{
	const struct ptw_mode *m = ptw_mode_aarch64(granule, va);
	char name[32];
	snprintf(name, sizeof name, "arm64-%uk-%u", 1u << (granule - 10), va);
	if (!m)
		fail_msg("no mode %s", name);
	assert_string_equal(m->name, name);
	assert_ptr_equal(ptw_mode_find(name), m);
	assert_int_equal(m->id, PTW_MODE_AARCH64);
	/* ARM ARM's start level: 4 - ceil((IA - granule) / stride). */
	unsigned stride = granule - 3;
	unsigned n = (va - granule + stride - 1) / stride;
	int start = 4 - (int)n;
	assert_int_equal(m->nlevels, n);
	assert_int_equal(m->entry_size, 8);
	assert_int_equal(m->va_bits, va + 1);
	assert_int_equal(m->page_shift, granule);
	assert_true(m->split);
	assert_true(m->canonical);
	assert_int_equal(ptw_mode_va_size(m), 1ULL << (va + 1));
	for (unsigned i = 0; i < n; i++) {
		int arm = start + (int)i;
		unsigned shift = granule + stride * (unsigned)(3 - arm);
		unsigned bits = i == 0 ? va - shift : stride;
		char dir[8], entry[8];
		snprintf(dir, sizeof dir, "l%d", arm);
		snprintf(entry, sizeof entry, "L%d", arm);
		const struct ptw_level *L = &m->level[i];
		/* blocks (aarch64.md §1.3; 64 KiB read as FEAT_LPA's) */
		bool lpa2 = granule != 16 && va > 48;
		bool block = (granule == 12 && (arm == 1 || arm == 2 || (arm == 0 && lpa2))) ||
			     (granule == 14 && (arm == 2 || (arm == 1 && lpa2))) ||
			     (granule == 16 && (arm == 1 || arm == 2));
		if (L->shift != shift || L->bits != bits)
			fail_msg("%s level %s: shift %u bits %u, want %u %u", name, dir,
				 L->shift, L->bits, shift, bits);
		assert_int_equal(L->index_mask, (1ULL << bits) - 1);
		assert_int_equal(ptw_level_entries(m, i), 1u << bits);
		assert_int_equal(ptw_level_span(m, i), 1ULL << shift);
		assert_string_equal(L->dir_name, dir);
		assert_string_equal(L->entry_name, entry);
		if (ptw_level_maps_pages(m, i) != (arm == 3 || block))
			fail_msg("%s level %s: maps pages %d, want %d", name, dir,
				 ptw_level_maps_pages(m, i), arm == 3 || block);
	}
	/* The generator agrees (it computes the same facts another way). */
	struct a64g g;
	assert_true(a64g_init(&g, granule, va));
	assert_int_equal(g.nlevels, n);
	assert_int_equal(g.top_level, start);
}

static void mode_geometry_every_mode(void **state)
{
	(void)state;
	for (unsigned granule = 12; granule <= 16; granule += 2)
		for (unsigned va = 36; va <= 52; va++)
			check_mode_geometry(granule, va);
	assert_null(ptw_mode_aarch64(12, 35));
	assert_null(ptw_mode_aarch64(12, 53));
	assert_null(ptw_mode_aarch64(13, 48));
	assert_null(ptw_mode_aarch64(16, 64));
	assert_ptr_equal(ptw_mode_find("arm64"), ptw_mode_aarch64(12, 48));
	assert_ptr_equal(ptw_mode_find("aarch64"), ptw_mode_aarch64(12, 48));
	assert_ptr_equal(ptw_mode_get(PTW_MODE_AARCH64), ptw_mode_aarch64(12, 48));
	assert_null(ptw_mode_find("arm64-8k-48"));
	assert_null(ptw_mode_find("arm64-4k-53"));
}

/* aarch64.md §1.2's table, cell by cell: top level and its entries. */
static void mode_geometry_reference_table(void **state)
{
	(void)state;
	static const struct { unsigned g, va; int top; unsigned entries; } t[] = {
		{ 12, 36, 1, 64 }, { 12, 39, 1, 512 }, { 12, 42, 0, 8 },
		{ 12, 47, 0, 256 }, { 12, 48, 0, 512 }, { 12, 52, -1, 16 },
		{ 14, 36, 2, 2048 }, { 14, 39, 1, 8 }, { 14, 42, 1, 64 },
		{ 14, 47, 1, 2048 }, { 14, 48, 0, 2 }, { 14, 52, 0, 32 },
		{ 16, 36, 2, 128 }, { 16, 39, 2, 1024 }, { 16, 42, 2, 8192 },
		{ 16, 47, 1, 32 }, { 16, 48, 1, 64 }, { 16, 52, 1, 1024 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct ptw_mode *m = ptw_mode_aarch64(t[i].g, t[i].va);
		assert_non_null(m);
		char top[8];
		snprintf(top, sizeof top, "l%d", t[i].top);
		assert_string_equal(m->level[0].dir_name, top);
		assert_int_equal(m->nlevels, (unsigned)(4 - t[i].top));
		assert_int_equal(ptw_level_entries(m, 0), t[i].entries);
		assert_string_equal(m->level[m->nlevels - 1].dir_name, "l3");
	}
}

/* aarch64.md §1.3: which ARM levels may hold a block. */
static void mode_block_levels(void **state)
{
	(void)state;
	static const struct { unsigned g, va; const char *blocks; } t[] = {
		{ 12, 39, "l1 l2 " }, { 12, 48, "l1 l2 " }, { 12, 52, "l0 l1 l2 " },
		{ 14, 36, "l2 " }, { 14, 47, "l2 " }, { 14, 48, "l2 " },
		{ 14, 52, "l1 l2 " }, { 16, 42, "l2 " }, { 16, 48, "l1 l2 " },
		{ 16, 52, "l1 l2 " },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct ptw_mode *m = ptw_mode_aarch64(t[i].g, t[i].va);
		char got[32] = "";
		for (unsigned l = 0; l + 1 < m->nlevels; l++)
			if (ptw_level_maps_pages(m, l)) {
				strcat(got, m->level[l].dir_name);
				strcat(got, " ");
			}
		if (strcmp(got, t[i].blocks) != 0)
			fail_msg("%s: blocks at \"%s\", want \"%s\"", m->name, got, t[i].blocks);
	}
}

/* ptwalk.h's descriptor bits are the architecture's. */
static void descriptor_bit_constants(void **state)
{
	(void)state;
	assert_int_equal(PTW_A64_VALID, A64G_VALID);
	assert_int_equal(PTW_A64_TABLE, A64G_TYPE);
	assert_int_equal(PTW_A64_ATTR, 0x1cULL);
	assert_int_equal(PTW_A64_USER, A64G_AP1);
	assert_int_equal(PTW_A64_RDONLY, A64G_AP2);
	assert_int_equal(PTW_A64_SH, 0x300ULL);
	assert_int_equal(PTW_A64_AF, A64G_AF);
	assert_int_equal(PTW_A64_NG, A64G_NG);
	assert_int_equal(PTW_A64_GP, A64G_GP);
	assert_int_equal(PTW_A64_DBM, A64G_DBM);
	assert_int_equal(PTW_A64_CONT, A64G_CONT);
	assert_int_equal(PTW_A64_PXN, A64G_PXN);
	assert_int_equal(PTW_A64_UXN, A64G_UXN);
	assert_int_equal(PTW_A64_PXNTABLE, A64G_PXNTABLE);
	assert_int_equal(PTW_A64_UXNTABLE, A64G_UXNTABLE);
	assert_int_equal(PTW_A64_APT_USER, A64G_APTABLE0);
	assert_int_equal(PTW_A64_APT_RO, A64G_APTABLE1);
}

/* vmem offsets: the lower half, then the upper one folded after it. */
static void va_offsets_fold_upper_half(void **state)
{
	(void)state;
	const struct ptw_mode *m = ptw_mode_aarch64(12, 48);
	assert_int_equal(ptw_mode_va_from_offset(m, 0x1000), 0x1000);
	assert_int_equal(ptw_mode_va_from_offset(m, 1ULL << 48), 0xffff000000000000ULL);
	assert_int_equal(ptw_mode_va_from_offset(m, (1ULL << 49) - 1), ~0ULL);
	assert_int_equal(ptw_mode_offset_from_va(m, 0xffff000000001000ULL),
			 (1ULL << 48) + 0x1000);
	assert_true(ptw_mode_va_valid(m, 0x0000ffffffffffffULL));
	assert_false(ptw_mode_va_valid(m, 0x0001000000000000ULL));
	assert_false(ptw_mode_va_valid(m, 0xfffeffffffffffffULL));
	m = ptw_mode_aarch64(16, 42);
	assert_int_equal(ptw_mode_va_from_offset(m, 1ULL << 42), 0xfffffc0000000000ULL);
	assert_int_equal(ptw_mode_offset_from_va(m, 0xfffffc0000010000ULL),
			 (1ULL << 42) + 0x10000);
	assert_false(ptw_mode_va_valid(m, 1ULL << 42));
	m = ptw_mode_aarch64(12, 52);
	assert_int_equal(ptw_mode_va_from_offset(m, 1ULL << 52), 0xfff0000000000000ULL);
	/* a VA in neither half is refused */
	struct fixture *f = fx_new(12, 39);
	uint64_t t0 = a64g_top(&f->g, 64);
	fx_open(f, t0, t0);
	struct ptw_xlat x;
	struct ptw_error err = {0};
	assert_int_equal(ptw_translate(&f->s, 1ULL << 39, &x, &err), PTW_ERR_NONCANONICAL);
	assert_int_equal(ptw_translate(&f->s, 0xffff000000000000ULL, &x, &err),
			 PTW_ERR_NONCANONICAL);
	uint64_t pa;
	assert_int_equal(ptw_vtop(&f->s, NULL, 1ULL << 39, &pa), -1);
	fx_close(f);
}

/* ---- translations, every granule, both halves ----------------------------------------- */

struct leaf {
	int level;
	unsigned half;
	uint64_t va, pa, span;
	uint64_t data;             /* the granule holding its text */
	const struct attrset *as;
	char text[64];
};

/* Pages and blocks at every level that allows them, in both halves: leaf
 * k (largest first) at offset (2k+1)*S of its half (S the largest leaf's
 * span), at index 5 (lower) or 7 (upper) of its level when smaller.  In
 * modes with 52-bit output addresses the upper half's tables and pages lie
 * above 2^48. */
static void translations(unsigned granule, unsigned va_bits)
{
	struct fixture *f = fx_new(granule, va_bits);
	struct a64g *g = &f->g;
	bool high = f->high != UINT_MAX;
	uint64_t t0 = a64g_top(g, 64);
	g->alloc_reg = high ? f->high : f->ram;
	uint64_t t1 = a64g_top(g, 64);
	int levels[4] = { 3, 3, 3, 3 };
	unsigned nl = 0;
	for (int l = g->top_level; l <= 3; l++)
		if (l == 3 || a64g_block_ok(g, l))
			levels[nl++] = l;
	uint64_t S = a64g_span(g, levels[0]);
	struct leaf leaves[8];
	unsigned n = 0;
	for (unsigned k = 0; k < nl; k++)
		for (unsigned half = 0; half < 2; half++) {
			struct leaf *lf = &leaves[n++];
			lf->level = levels[k];
			lf->half = half;
			lf->span = a64g_span(g, lf->level);
			uint64_t off = (2 * k + 1) * S +
				       (lf->span < S ? (half ? 7 : 5) * lf->span : 0);
			lf->va = a64g_va(g, half, off);
			lf->as = SETS[(k + half) % 4];
			unsigned r = half && high ? f->high : f->ram;
			g->alloc_reg = r;
			lf->data = a64g_page(g, r);
			lf->pa = lf->data & ~(lf->span - 1);
			struct a64g_attr a = attr_for(g, &lf->as->a);
			a64g_map(g, half ? t1 : t0, lf->va, lf->pa, lf->level, &a);
			snprintf(lf->text, sizeof lf->text, "%s, %s half, level %d",
				 f->m->name, half ? "upper" : "lower", lf->level);
			a64g_write(g, lf->data + 0x10, lf->text, strlen(lf->text) + 1);
		}
	g->alloc_reg = f->ram;
	fx_open(f, t0, t1);

	struct ptw_tlb tlb;
	ptw_tlb_reset(&tlb);
	for (unsigned i = 0; i < n; i++) {
		const struct leaf *lf = &leaves[i];
		uint64_t root = lf->half ? t1 : t0;
		unsigned li = lx(g, lf->level);
		uint64_t va = lf->va + (lf->data - lf->pa) + 0x10;
		struct ptw_xlat x = xlat(&f->s, va);
		if (x.status != PTW_MAPPED)
			fail_msg("%s: status %d", lf->text, x.status);
		assert_int_equal(x.pa, lf->data + 0x10);
		assert_int_equal(x.page_pa, lf->pa);
		assert_int_equal(x.page_size, lf->span);
		assert_int_equal(x.span_start, lf->va);
		assert_int_equal(x.span_size, lf->span);
		check_steps(f, root, va, &x, lf->level);
		const char *want = lf->level == 3 ? lf->as->page : lf->as->block;
		assert_string_equal(flags(f->m, li, x.step[li].entry), want);
		assert_string_equal(rights(f->m, li, x.eff), want + 1);
		uint64_t pa = 0;
		assert_int_equal(ptw_vtop(&f->s, NULL, va, &pa), 0);
		assert_int_equal(pa, lf->data + 0x10);
		pa = 0;
		assert_int_equal(ptw_vtop(&f->s, &tlb, va, &pa), 0);
		assert_int_equal(pa, lf->data + 0x10);
		char buf[64] = {0};
		size_t len = strlen(lf->text) + 1;
		assert_int_equal(ptw_vread(&f->s, NULL, va, buf, len), len);
		assert_string_equal(buf, lf->text);
		memset(buf, 0, sizeof buf);
		assert_int_equal(ptw_vread(&f->s, &tlb, va, buf, len), len);
		assert_string_equal(buf, lf->text);
		/* the next entry of its table is empty: that entry's span */
		uint64_t next = lf->va + lf->span;
		x = xlat(&f->s, next + 0x18);
		assert_int_equal(x.status, PTW_NOT_PRESENT);
		assert_int_equal(x.nsteps, li + 1);
		assert_int_equal(x.step[li].entry, 0);
		assert_int_equal(x.step[li].index, a64g_index(g, lf->level, next));
		assert_int_equal(x.span_start, next);
		assert_int_equal(x.span_size, lf->span);
		assert_int_equal(ptw_vtop(&f->s, NULL, next, &pa), 1);
		assert_int_equal(ptw_vtop(&f->s, &tlb, next, &pa), 1);
		memset(buf, 0x55, sizeof buf);
		assert_int_equal(ptw_vread(&f->s, &tlb, next, buf, 16), 0);
		for (unsigned b = 0; b < 16; b++)
			assert_int_equal(buf[b], 0);
	}
	/* The last top-table entry of each half is empty. */
	uint64_t top_span = a64g_span(g, g->top_level);
	for (unsigned half = 0; half < 2; half++) {
		uint64_t start = a64g_va(g, half, (1ULL << va_bits) - top_span);
		struct ptw_xlat x = xlat(&f->s, start + 0x1234);
		assert_int_equal(x.status, PTW_NOT_PRESENT);
		assert_int_equal(x.nsteps, 1);
		assert_int_equal(x.step[0].table, half ? t1 : t0);
		assert_int_equal(x.step[0].index, (1u << g->top_bits) - 1);
		assert_int_equal(x.span_start, start);
		assert_int_equal(x.span_size, top_span);
	}

	/* Iteration: the leaves in VA order, lower half first, each its run. */
	struct collect c;
	struct ptw_iter_stats st;
	iterate(&f->s, 0, ~0ULL, &c, &st);
	assert_int_equal(c.n, n);
	for (unsigned i = 0; i < n; i++) {
		const struct leaf *lf = &leaves[(i % nl) * 2 + i / nl];
		check_run(&c.runs[i], lf->va, lf->span, lf->pa, lf->span);
		const char *want = lf->level == 3 ? lf->as->page : lf->as->block;
		assert_string_equal(rights(f->m, lx(g, lf->level), c.runs[i].eff), want + 1);
	}
	for (unsigned l = 0; l < PTW_MAX_LEVELS; l++) {
		int arm = g->top_level + (int)l;
		bool leafy = l < g->nlevels && (arm == 3 || a64g_block_ok(g, arm));
		assert_int_equal(st.pages[l], leafy ? 2 : 0);
	}
	assert_int_equal(st.tables, g->ntables);
	assert_int_equal(st.reserved, 0);
	assert_int_equal(st.holes, 0);
	assert_int_equal(st.revisits, 0);
	assert_false(st.truncated);
	/* the upper half alone */
	iterate(&f->s, a64g_va(g, 1, 0), ~0ULL, &c, &st);
	assert_int_equal(c.n, nl);
	check_run(&c.runs[0], leaves[1].va, leaves[1].span, leaves[1].pa, leaves[1].span);
	/* pages are reported whole */
	iterate(&f->s, leaves[0].va + 1, leaves[0].va + 2, &c, &st);
	assert_int_equal(c.n, 1);
	check_run(&c.runs[0], leaves[0].va, leaves[0].span, leaves[0].pa, leaves[0].span);
	fx_close(f);
}

#define TRANSLATIONS(g, kb, va)                                                   \
	static void translate_##kb##k_##va(void **state)                          \
	{                                                                         \
		(void)state;                                                      \
		translations(g, va);                                              \
	}
TRANSLATIONS(12, 4, 39)
TRANSLATIONS(12, 4, 42)
TRANSLATIONS(12, 4, 47)
TRANSLATIONS(12, 4, 48)
TRANSLATIONS(12, 4, 52)
TRANSLATIONS(14, 16, 36)
TRANSLATIONS(14, 16, 39)
TRANSLATIONS(14, 16, 42)
TRANSLATIONS(14, 16, 47)
TRANSLATIONS(14, 16, 48)
TRANSLATIONS(14, 16, 52)
TRANSLATIONS(16, 64, 39)
TRANSLATIONS(16, 64, 42)
TRANSLATIONS(16, 64, 47)
TRANSLATIONS(16, 64, 48)
TRANSLATIONS(16, 64, 52)

/* The same, written out: 4 KiB pages, 48 bits, a user page. */
static void translate_4k_48_literal(void **state)
{
	(void)state;
	struct fixture *f = fx_new(12, 48);
	uint64_t t0 = a64g_top(&f->g, 0), t1 = a64g_top(&f->g, 0);
	uint64_t p = a64g_page(&f->g, f->ram);
	struct a64g_attr a = U_RW.a;
	assert_int_equal(a64g_map(&f->g, t0, 0x00007f1234567000ULL, p, 3, &a),
			 0x0060000040002f43ULL);
	a64g_write(&f->g, p + 0xabc, "literal", 8);
	fx_open(f, t0, t1);
	assert_int_equal(t0, 0x40000000);
	assert_int_equal(t1, 0x40001000);
	struct ptw_xlat x = xlat(&f->s, 0x00007f1234567abcULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x40002abc);
	assert_int_equal(x.nsteps, 4);
	static const struct ptw_step want[4] = {
		{ 0x40000000, 0x400007f0, 0x40003003, 254 },
		{ 0x40003000, 0x40003240, 0x40004003, 72 },
		{ 0x40004000, 0x40004d10, 0x40005003, 418 },
		{ 0x40005000, 0x40005b38, 0x0060000040002f43ULL, 359 },
	};
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(x.step[i].table, want[i].table);
		assert_int_equal(x.step[i].addr, want[i].addr);
		assert_int_equal(x.step[i].entry, want[i].entry);
		assert_int_equal(x.step[i].index, want[i].index);
	}
	assert_string_equal(flags(f->m, 0, x.step[0].entry), "-----UWXEV");
	assert_string_equal(flags(f->m, 3, x.step[3].entry), "----AUW--V");
	char buf[8];
	assert_int_equal(ptw_vread(&f->s, NULL, 0x00007f1234567abcULL, buf, 8), 8);
	assert_string_equal(buf, "literal");
	fx_close(f);
}

/* 64 KiB pages, 52 bits: the upper half's tables and page above 2^48,
 * their address bits 51:48 in entry bits 15:12 (FEAT_LPA). */
static void translate_64k_52_literal(void **state)
{
	(void)state;
	struct fixture *f = fx_new(16, 52);
	uint64_t t0 = a64g_top(&f->g, 0);
	f->g.alloc_reg = f->high;
	uint64_t t1 = a64g_top(&f->g, 0);
	uint64_t p = a64g_page(&f->g, f->high);
	struct a64g_attr a = K_TEXT.a;
	a.attrindx = 0;
	a64g_map(&f->g, t1, 0xfffabcde12340000ULL, p, 3, &a);
	a64g_write(&f->g, p + 0x5678, "above 2^48", 11);
	fx_open(f, t0, t1);
	assert_int_equal(t1, 0x000b000040000000ULL);
	assert_int_equal(p, 0x000b000040010000ULL);
	struct ptw_xlat x = xlat(&f->s, 0xfffabcde12345678ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x000b000040015678ULL);
	assert_int_equal(x.page_size, 0x10000);
	assert_int_equal(x.nsteps, 3);
	static const struct ptw_step want[3] = {
		{ 0x000b000040000000ULL, 0x000b000040001578ULL, 0x4002b003, 687 },
		{ 0x000b000040020000ULL, 0x000b000040023780ULL, 0x4003b003, 1776 },
		{ 0x000b000040030000ULL, 0x000b0000400391a0ULL, 0x004000004001b483ULL, 4660 },
	};
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(x.step[i].table, want[i].table);
		assert_int_equal(x.step[i].addr, want[i].addr);
		assert_int_equal(x.step[i].entry, want[i].entry);
		assert_int_equal(x.step[i].index, want[i].index);
	}
	assert_string_equal(flags(f->m, 2, x.step[2].entry), "-G--AKRX-V");
	char buf[11];
	assert_int_equal(ptw_vread(&f->s, NULL, 0xfffabcde12345678ULL, buf, 11), 11);
	assert_string_equal(buf, "above 2^48");
	fx_close(f);
}

/* 4 KiB pages, 52 bits (LPA2): five levels from l-1, tables and page
 * above 2^48, address bits 51:50 in entry bits 9:8. */
static void translate_4k_52_literal(void **state)
{
	(void)state;
	struct fixture *f = fx_new(12, 52);
	uint64_t t0 = a64g_top(&f->g, 0), t1 = a64g_top(&f->g, 0);
	assert_int_equal(t0, 0x40000000);
	assert_int_equal(t1, 0x40000080);    /* 16 entries, 128 bytes */
	f->g.alloc_reg = f->high;
	uint64_t p = a64g_page(&f->g, f->high);
	struct a64g_attr a = attr_for(&f->g, &U_RW.a);
	a64g_map(&f->g, t0, 0x000f123456789000ULL, p, 3, &a);
	a64g_write(&f->g, p + 0x321, "LPA2", 5);
	fx_open(f, t0, t1);
	struct ptw_xlat x = xlat(&f->s, 0x000f123456789321ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x000b000040000321ULL);
	assert_int_equal(x.nsteps, 5);
	static const struct ptw_step want[5] = {
		{ 0x40000000, 0x40000078, 0x0003000040001203ULL, 15 },
		{ 0x000b000040001000ULL, 0x000b000040001120ULL, 0x0003000040002203ULL, 36 },
		{ 0x000b000040002000ULL, 0x000b000040002688ULL, 0x0003000040003203ULL, 209 },
		{ 0x000b000040003000ULL, 0x000b000040003598ULL, 0x0003000040004203ULL, 179 },
		{ 0x000b000040004000ULL, 0x000b000040004c48ULL, 0x0063000040000e43ULL, 393 },
	};
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(x.step[i].table, want[i].table);
		assert_int_equal(x.step[i].addr, want[i].addr);
		assert_int_equal(x.step[i].entry, want[i].entry);
		assert_int_equal(x.step[i].index, want[i].index);
	}
	assert_string_equal(f->m->level[0].dir_name, "l-1");
	assert_string_equal(flags(f->m, 4, x.step[4].entry), "----AUW--V");
	char buf[5];
	assert_int_equal(ptw_vread(&f->s, NULL, 0x000f123456789321ULL, buf, 5), 5);
	assert_string_equal(buf, "LPA2");
	fx_close(f);
}

/* ---- the two halves -------------------------------------------------------------------- */

/* A read from the top of the lower half runs on into the bottom of the
 * upper one, as vmem's offsets do. */
static void vread_runs_across_halves(void **state)
{
	(void)state;
	static const unsigned modes[][2] = { { 12, 39 }, { 12, 48 }, { 14, 47 },
					     { 12, 52 }, { 16, 42 }, { 16, 52 } };
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		struct fixture *f = fx_new(modes[i][0], modes[i][1]);
		struct a64g *g = &f->g;
		uint64_t page = 1ULL << g->granule, half = 1ULL << g->va_bits;
		uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
		uint64_t lo = a64g_page(g, f->ram), hi = a64g_page(g, f->ram);
		struct a64g_attr a = attr_for(g, &U_RW.a);
		a64g_map(g, t0, half - page, lo, 3, &a);
		a64g_map(g, t1, a64g_va(g, 1, 0), hi, 3, &a);
		a64g_write(g, lo + page - 8, "LOWEREND", 8);
		a64g_write(g, hi, "UPPERBEG", 8);
		fx_open(f, t0, t1);
		char buf[17] = {0};
		assert_int_equal(ptw_vread(&f->s, NULL, half - 8, buf, 16), 16);
		assert_string_equal(buf, "LOWERENDUPPERBEG");
		struct ptw_tlb tlb = {0};
		memset(buf, 0, sizeof buf);
		assert_int_equal(ptw_vread(&f->s, &tlb, half - 8, buf, 16), 16);
		assert_string_equal(buf, "LOWERENDUPPERBEG");
		/* translations alternate between the halves through one tlb */
		uint64_t pa;
		for (unsigned k = 0; k < 3; k++) {
			assert_int_equal(ptw_vtop(&f->s, &tlb, half - 1, &pa), 0);
			assert_int_equal(pa, lo + page - 1);
			assert_int_equal(ptw_vtop(&f->s, &tlb, a64g_va(g, 1, 0), &pa), 0);
			assert_int_equal(pa, hi);
			assert_int_equal(ptw_vtop(&f->s, &tlb, 0, &pa), 1);
			assert_int_equal(ptw_vtop(&f->s, &tlb, ~0ULL, &pa), 1);
		}
		/* an iteration across the boundary: two runs */
		struct collect c;
		struct ptw_iter_stats st;
		iterate(&f->s, half - 1, a64g_va(g, 1, 0), &c, &st);
		assert_int_equal(c.n, 2);
		check_run(&c.runs[0], half - page, page, lo, page);
		check_run(&c.runs[1], a64g_va(g, 1, 0), page, hi, page);
		fx_close(f);
	}
}

/* The kernel's own space: TTBR1 only.  The lower half is one unmapped
 * stretch, the upper half maps. */
static void kernel_space_without_lower_root(void **state)
{
	(void)state;
	static const unsigned modes[][2] = { { 12, 39 }, { 12, 48 }, { 16, 52 } };
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		struct fixture *f = fx_new(modes[i][0], modes[i][1]);
		struct a64g *g = &f->g;
		uint64_t half = 1ULL << g->va_bits, page = 1ULL << g->granule;
		uint64_t t1 = a64g_top(g, 64);
		uint64_t p = a64g_page(g, f->ram);
		struct a64g_attr a = attr_for(g, &K_DIRTY.a);
		a64g_map(g, t1, a64g_va(g, 1, 0), p, 3, &a);
		a64g_write(g, p, "kernel", 7);
		fx_open(f, PTW_NO_ROOT, t1);
		assert_int_equal(f->s.dirbase, t1);
		assert_int_equal(f->s.root[0], PTW_NO_ROOT);
		assert_int_equal(f->s.root[1], t1);
		static const uint64_t lows[] = { 0, 0x1000, 0x12345678 };
		for (size_t k = 0; k < 3; k++) {
			struct ptw_xlat x = xlat(&f->s, lows[k]);
			assert_int_equal(x.status, PTW_NOT_PRESENT);
			assert_int_equal(x.nsteps, 0);
			assert_int_equal(x.span_start, 0);
			assert_int_equal(x.span_size, half);
		}
		struct ptw_xlat x = xlat(&f->s, half - 1);
		assert_int_equal(x.span_start, 0);
		assert_int_equal(x.span_size, half);
		x = xlat(&f->s, a64g_va(g, 1, 0) + 3);
		assert_int_equal(x.status, PTW_MAPPED);
		assert_int_equal(x.pa, p + 3);
		assert_int_equal(x.step[0].table, t1);
		uint64_t pa;
		struct ptw_tlb tlb = {0};
		assert_int_equal(ptw_vtop(&f->s, NULL, 0x1000, &pa), 1);
		assert_int_equal(ptw_vtop(&f->s, &tlb, 0x1000, &pa), 1);
		assert_int_equal(ptw_vtop(&f->s, &tlb, a64g_va(g, 1, 0), &pa), 0);
		assert_int_equal(pa, p);
		assert_int_equal(ptw_vtop(&f->s, &tlb, half - page, &pa), 1);
		char buf[16];
		memset(buf, 0x55, sizeof buf);
		assert_int_equal(ptw_vread(&f->s, &tlb, half - 8, buf, 15), 7);
		assert_memory_equal(buf, "\0\0\0\0\0\0\0\0kernel", 15);
		struct collect c;
		struct ptw_iter_stats st;
		iterate(&f->s, 0, ~0ULL, &c, &st);
		assert_int_equal(c.n, 1);
		check_run(&c.runs[0], a64g_va(g, 1, 0), page, p, page);
		assert_int_equal(st.tables, g->ntables);
		/* neither half */
		assert_int_equal(ptw_space_set_roots(&f->s, PTW_NO_ROOT, PTW_NO_ROOT, NULL), 0);
		x = xlat(&f->s, a64g_va(g, 1, 0));
		assert_int_equal(x.status, PTW_NOT_PRESENT);
		assert_int_equal(x.span_start, a64g_va(g, 1, 0));
		assert_int_equal(x.span_size, half);
		iterate(&f->s, 0, ~0ULL, &c, &st);
		assert_int_equal(c.n, 0);
		fx_close(f);
	}
	/* one root only where the mode has one */
	struct ptw_space s;
	struct ptw_error err = {0};
	struct fixture *f = fx_new(12, 48);
	uint64_t t = a64g_top(&f->g, 64);
	fx_dump(f);
	assert_int_equal(ptw_space_init(&s, f->d, ptw_mode_get(PTW_MODE_X64), t, NULL), 0);
	assert_int_equal(ptw_space_set_roots(&s, t, t, &err), PTW_ERR_INVALID);
	fx_close(f);
}

/* Top tables smaller than a page sit where their size aligns them. */
static void top_table_alignment(void **state)
{
	(void)state;
	struct fixture *f;
	struct ptw_space s;
	struct ptw_error err = {0};
	/* 4 KiB, 47 bits: 256 entries, 2 KiB (Windows' TTBR1 at +0x800) */
	f = fx_new(12, 47);
	a64g_alloc(&f->g, f->ram, 0x800, 0x800);
	uint64_t t0 = a64g_top(&f->g, 0), t1 = a64g_top(&f->g, 0);
	assert_int_equal(t0, 0x40000800);
	assert_int_equal(t1, 0x40001000);
	uint64_t p = a64g_page(&f->g, f->ram);
	struct a64g_attr a = U_RW.a;
	a64g_map(&f->g, t0, 0x7fff0000f000ULL, p, 3, &a);
	a64g_map(&f->g, t1, 0xffff800000000000ULL, p, 3, &a);
	fx_open(f, t0, t1);
	struct ptw_xlat x = xlat(&f->s, 0x7fff0000f008ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, p + 8);
	assert_int_equal(x.step[0].table, 0x40000800);
	assert_int_equal(x.step[0].index, 255);
	assert_int_equal(x.step[0].addr, 0x40000ff8);
	x = xlat(&f->s, 0xffff800000000008ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.step[0].table, 0x40001000);
	assert_int_equal(x.step[0].index, 0);
	fx_close(f);
	/* 4 KiB, 48 bits: a full page, so +0x800 is no top table */
	f = fx_new(12, 48);
	a64g_top(&f->g, 0);
	fx_dump(f);
	assert_int_equal(ptw_space_init(&s, f->d, f->m, 0x40000800, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_space_init(&s, f->d, f->m, 0x40000000, &err), 0);
	assert_int_equal(ptw_space_set_roots(&s, 0x40000000, 0x40000800, &err), PTW_ERR_INVALID);
	/* outside the dump */
	assert_int_equal(ptw_space_init(&s, f->d, f->m, 0x80000000, &err), PTW_ERR_NOT_FOUND);
	assert_int_equal(ptw_space_set_roots(&s, 0x40000000, 0x80000000, &err),
			 PTW_ERR_NOT_FOUND);
	fx_close(f);
	/* 4 KiB, 49 bits (LPA2, 52-bit output): 2 entries, but a 52-bit
	 * TTBR's table is aligned to at least 64 bytes */
	f = fx_new(12, 49);
	a64g_top(&f->g, 64);
	fx_dump(f);
	assert_int_equal(ptw_space_init(&s, f->d, f->m, 0x40000010, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_space_init(&s, f->d, f->m, 0x40000040, &err), 0);
	fx_close(f);
}

/* With a 48-bit output address a top table is aligned to its own size
 * (TTBR BADDR[47:x], x = log2 of the table's bytes; aarch64.md §1.4),
 * which for 16 KiB pages and 48 bits is 16 bytes: the 64-byte minimum is
 * only 52-bit TTBRs' rule (mode.c applied it to every mode once). */
static void top_table_16_bytes_48bit_oa(void **state)
{
	(void)state;
	struct fixture *f = fx_new(14, 48);
	uint64_t t0 = a64g_top(&f->g, 0), t1 = a64g_top(&f->g, 0);
	assert_int_equal(t0, 0x40000000);
	assert_int_equal(t1, 0x40000010);    /* 2 entries, 16 bytes */
	uint64_t p = a64g_page(&f->g, f->ram);
	struct a64g_attr a = K_TEXT.a;
	a64g_map(&f->g, t1, 0xffff800000004000ULL, p, 3, &a);
	fx_dump(f);
	struct ptw_space s;
	struct ptw_error err = {0};
	if (ptw_space_init(&s, f->d, f->m, t1, &err))
		fail_msg("16K/48 top table at 0x%llx refused: %s",
			 (unsigned long long)t1, err.msg);
	if (ptw_space_set_roots(&s, t0, t1, &err))
		fail_msg("16K/48 roots refused: %s", err.msg);
	struct ptw_xlat x = xlat(&s, 0xffff800000004000ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, p);
	assert_int_equal(x.step[0].table, t1);
	assert_int_equal(x.step[0].index, 1);
	fx_close(f);
}

/* ---- reserved encodings, RES0 bits, valid bits ------------------------------------------- */

enum form { F_TABLE, F_BLOCK, F_PAGE, F_RAW };

struct rcase {
	unsigned granule, va_bits;
	int level;
	enum form form;
	uint64_t set, clear;       /* bits set in / cleared from the descriptor */
	enum ptw_status status;
	unsigned beyond;           /* nsteps past the entry's own level */
	enum ptw_entry_kind kind;
	uint64_t rsvd;             /* ptw_entry_reserved */
	uint64_t pa_add;           /* MAPPED: page_pa - the form's own address */
	const char *why;
};

#define B(n) (1ULL << (n))
static const struct rcase rcases[] = {
	/* reserved encodings: 01 at level 3, blocks where none may be */
	{ 12, 48, 3, F_PAGE, 0, A64G_TYPE, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "4K 01 at l3" },
	{ 14, 48, 3, F_PAGE, 0, A64G_TYPE, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "16K 01 at l3" },
	{ 16, 42, 3, F_PAGE, 0, A64G_TYPE, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "64K 01 at l3" },
	{ 12, 52, 3, F_PAGE, 0, A64G_TYPE, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "LPA2 01 at l3" },
	{ 12, 48, 0, F_BLOCK, 0, 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "4K/48 l0 block" },
	{ 12, 52, -1, F_BLOCK, 0, 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "4K/52 l-1 block" },
	{ 12, 52, 0, F_BLOCK, 0, 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, 0, "4K/52 l0 block (LPA2)" },
	{ 14, 48, 0, F_BLOCK, 0, 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "16K/48 l0 block" },
	{ 14, 48, 1, F_BLOCK, 0, 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "16K/48 l1 block" },
	{ 14, 47, 1, F_BLOCK, 0, 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "16K/47 top l1 block" },
	{ 14, 52, 0, F_BLOCK, 0, 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, 3, 0, "16K/52 l0 block" },
	{ 14, 52, 1, F_BLOCK, 0, 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, 0, "16K/52 l1 block (LPA2)" },
	{ 16, 48, 1, F_BLOCK, 0, 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, 0, "64K/48 l1 block (LPA)" },
	{ 12, 39, 1, F_BLOCK, 0, 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, 0, "4K/39 top l1 block" },
	/* RES0 bits of tables */
	{ 12, 48, 1, F_TABLE, B(50), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(50), 0, "table bit 50" },
	{ 12, 52, 1, F_TABLE, B(50), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(50), 0, "LPA2 table bit 50" },
	{ 12, 48, 1, F_TABLE, B(48), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(48), 0, "table bit 48" },
	{ 12, 48, 2, F_TABLE, B(49), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(49), 0, "table bit 49" },
	{ 14, 48, 2, F_TABLE, B(12), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(12), 0, "16K table bit 12" },
	{ 14, 48, 1, F_TABLE, B(13), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(13), 0, "16K table bit 13" },
	/* RES0 bits of pages and blocks */
	{ 12, 48, 3, F_PAGE, B(48), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(48), 0, "page bit 48" },
	{ 14, 48, 3, F_PAGE, B(13), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(13), 0, "16K page bit 13" },
	{ 12, 48, 2, F_BLOCK, B(20), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(20), 0, "2M block bit 20" },
	{ 12, 48, 2, F_BLOCK, B(17), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(17), 0, "2M block bit 17" },
	{ 12, 48, 2, F_BLOCK, B(12), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(12), 0, "2M block bit 12" },
	{ 12, 48, 1, F_BLOCK, B(29), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(29), 0, "1G block bit 29" },
	{ 14, 48, 2, F_BLOCK, B(24), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(24), 0, "32M block bit 24" },
	{ 16, 48, 2, F_BLOCK, B(28), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(28), 0, "512M block bit 28" },
	{ 16, 48, 2, F_BLOCK, B(17), 0, PTW_RESERVED, 0, PTW_ENTRY_RESERVED, B(17), 0, "512M block bit 17" },
	/* bits that are never RES0 */
	{ 12, 48, 2, F_BLOCK, A64G_NT, 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, 0, "2M block nT" },
	{ 16, 48, 2, F_BLOCK, A64G_NT, 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, 0, "512M block nT" },
	{ 12, 48, 3, F_PAGE, 0xff80000000000000ULL | A64G_GP | A64G_DBM | A64G_NS, 0,
	  PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, 0, "page software, PBHA, GP, DBM, NS bits" },
	{ 12, 48, 1, F_TABLE, 0x07f8000000000ffcULL, 0, PTW_NOT_PRESENT, 1, PTW_ENTRY_TABLE, 0, 0,
	  "table ignored bits 58:51, 11:2" },
	{ 12, 48, 1, F_TABLE, A64G_NSTABLE, 0, PTW_NOT_PRESENT, 1, PTW_ENTRY_TABLE, 0, 0,
	  "table NSTable" },
	/* address bits: LPA2's 49:48 and 9:8, FEAT_LPA's 15:12 */
	{ 12, 52, 1, F_TABLE, B(8), 0, PTW_TABLE_HOLE, 0, PTW_ENTRY_TABLE, 0, 0,
	  "LPA2 table bit 8: the next table at +2^50, outside the dump" },
	{ 12, 52, 2, F_TABLE, B(48), 0, PTW_TABLE_HOLE, 0, PTW_ENTRY_TABLE, 0, 0,
	  "LPA2 table bit 48: the next table at +2^48, outside the dump" },
	{ 12, 52, 3, F_PAGE, B(48), 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, B(48), "LPA2 page bit 48" },
	{ 14, 52, 3, F_PAGE, B(9), 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, B(51), "LPA2 page bit 9" },
	{ 16, 48, 3, F_PAGE, B(12), 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, B(48), "64K page bit 12" },
	{ 16, 42, 2, F_BLOCK, B(15), 0, PTW_MAPPED, 0, PTW_ENTRY_LEAF, 0, B(51), "64K block bit 15" },
	{ 12, 48, 2, F_TABLE, B(8) | B(9), 0, PTW_NOT_PRESENT, 1, PTW_ENTRY_TABLE, 0, 0,
	  "4K/48 table bits 9:8 ignored" },
	/* not valid */
	{ 12, 48, 2, F_RAW, 0x2, 0, PTW_NOT_PRESENT, 0, PTW_ENTRY_INVALID, 0, 0, "only bit 1" },
	{ 12, 48, 3, F_PAGE, 0, A64G_VALID, PTW_NOT_PRESENT, 0, PTW_ENTRY_INVALID, 0, 0, "page, valid clear" },
	{ 16, 52, 1, F_BLOCK, 0, A64G_VALID, PTW_NOT_PRESENT, 0, PTW_ENTRY_INVALID, 0, 0, "block, valid clear" },
	{ 12, 48, 1, F_TABLE, 0, A64G_VALID, PTW_NOT_PRESENT, 0, PTW_ENTRY_INVALID, 0, 0, "table, valid clear" },
};

static void check_rcase(const struct rcase *c)
{
	struct fixture *f = fx_new(c->granule, c->va_bits);
	struct a64g *g = &f->g;
	uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
	uint64_t span = a64g_span(g, c->level);
	uint64_t va = a64g_va(g, 0, span);   /* index 1 at the case's level */
	uint64_t ea = a64g_entry(g, t0, va, c->level);
	struct a64g_attr a = attr_for(g, &K_DIRTY.a);
	uint64_t base = 0, e;
	switch (c->form) {
	case F_TABLE:
		base = a64g_table(g);
		e = a64g_table_desc(g, base, 0);
		break;
	case F_BLOCK:
		base = span <= RAM ? RAM : 0;
		e = a64g_block_desc(g, base, &a);
		break;
	case F_PAGE:
		base = a64g_page(g, f->ram);
		e = a64g_page_desc(g, base, &a);
		break;
	default:
		e = 0;
	}
	e = (e | c->set) & ~c->clear;
	a64g_set(g, ea, e);
	fx_open(f, t0, t1);
	unsigned li = lx(g, c->level);
	struct ptw_xlat x = xlat(&f->s, va + 0x40);
	if (x.status != c->status || x.nsteps != li + 1 + c->beyond)
		fail_msg("%s (%s, entry 0x%llx): status %d nsteps %u, want %d %u", c->why,
			 f->m->name, (unsigned long long)e, x.status, x.nsteps, c->status,
			 li + 1 + c->beyond);
	assert_int_equal(x.step[li].entry, e);
	uint64_t addr;
	enum ptw_entry_kind kind = ptw_entry_classify(f->m, li, e, &addr);
	if (kind != c->kind)
		fail_msg("%s: kind %d, want %d", c->why, kind, c->kind);
	if (ptw_entry_reserved(f->m, li, e) != c->rsvd)
		fail_msg("%s: reserved 0x%llx, want 0x%llx", c->why,
			 (unsigned long long)ptw_entry_reserved(f->m, li, e),
			 (unsigned long long)c->rsvd);
	if (c->status == PTW_MAPPED) {
		assert_int_equal(x.page_pa, base + c->pa_add);
		assert_int_equal(x.page_size, span);
		assert_int_equal(x.pa, base + c->pa_add + 0x40);
	}
	if (c->status == PTW_NOT_PRESENT && c->beyond)
		assert_int_equal(x.step[li + 1].entry, 0);
	/* The address-only walk agrees, with and without a tlb. */
	uint64_t pa;
	struct ptw_tlb tlb = {0};
	int want = c->status == PTW_MAPPED ? 0 : 1;
	assert_int_equal(ptw_vtop(&f->s, NULL, va + 0x40, &pa), want);
	assert_int_equal(ptw_vtop(&f->s, &tlb, va + 0x40, &pa), want);
	/* and the iteration counts a reserved entry and maps nothing there */
	struct collect col;
	struct ptw_iter_stats st;
	iterate(&f->s, 0, ~0ULL, &col, &st);
	assert_int_equal(st.reserved, c->status == PTW_RESERVED ? 1 : 0);
	assert_int_equal(col.n, c->status == PTW_MAPPED ? 1 : 0);
	fx_close(f);
}

static void reserved_encodings_and_bits(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rcases / sizeof rcases[0]; i++)
		check_rcase(&rcases[i]);
}

/* The tlb's last-level fast path reads entries by masks: a reserved
 * encoding, a RES0 bit or a clear valid bit next to a cached page must
 * still not map, and pages above 2^48 keep their displaced address bits
 * (LPA, LPA2) when read through it. */
static void tlb_refuses_what_the_walk_refuses(void **state)
{
	(void)state;
	/* res0: a RES0 bit of a page (0: the mode's pages have none, use the
	 * 01 encoding again) */
	static const struct { unsigned g, va; uint64_t res0; } modes[] = {
		{ 12, 48, B(48) }, { 14, 48, B(13) }, { 12, 39, B(49) },
		{ 16, 48, B(49) }, { 16, 52, B(48) }, { 12, 52, 0 }, { 14, 52, B(12) },
	};
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		struct fixture *f = fx_new(modes[i].g, modes[i].va);
		struct a64g *g = &f->g;
		uint64_t page = 1ULL << g->granule;
		uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
		uint64_t va = 0x40000000;
		struct a64g_attr a = attr_for(g, &U_RW.a);
		unsigned r = f->high != UINT_MAX ? f->high : f->ram;
		uint64_t p[5];
		for (unsigned k = 0; k < 5; k++) {
			p[k] = a64g_page(g, r);
			a64g_map(g, t0, va + k * page, p[k], 3, &a);
		}
		uint64_t ea1 = a64g_entry(g, t0, va + page, 3);
		uint64_t ea2 = a64g_entry(g, t0, va + 2 * page, 3);
		uint64_t ea3 = a64g_entry(g, t0, va + 3 * page, 3);
		a64g_set(g, ea1, a64g_get(g, ea1) & ~A64G_TYPE);
		a64g_set(g, ea2, modes[i].res0 ? a64g_get(g, ea2) | modes[i].res0
					       : a64g_get(g, ea2) & ~A64G_TYPE);
		a64g_set(g, ea3, a64g_get(g, ea3) & ~A64G_VALID);
		fx_open(f, t0, t1);
		struct ptw_tlb tlb = {0};
		uint64_t pa;
		for (unsigned round = 0; round < 2; round++) {
			assert_int_equal(ptw_vtop(&f->s, &tlb, va + 8, &pa), 0);
			assert_int_equal(pa, p[0] + 8);
			assert_int_equal(ptw_vtop(&f->s, &tlb, va + 16, &pa), 0);
			assert_int_equal(pa, p[0] + 16);
			assert_int_equal(ptw_vtop(&f->s, &tlb, va + 4 * page + 8, &pa), 0);
			assert_int_equal(pa, p[4] + 8);
			assert_int_equal(ptw_vtop(&f->s, &tlb, va + page + 8, &pa), 1);
			assert_int_equal(ptw_vtop(&f->s, &tlb, va + 8, &pa), 0);
			assert_int_equal(pa, p[0] + 8);
			assert_int_equal(ptw_vtop(&f->s, &tlb, va + 2 * page + 8, &pa), 1);
			assert_int_equal(ptw_vtop(&f->s, &tlb, va + 4 * page, &pa), 0);
			assert_int_equal(pa, p[4]);
			assert_int_equal(ptw_vtop(&f->s, &tlb, va + 3 * page + 8, &pa), 1);
		}
		struct ptw_xlat x = xlat(&f->s, va + page);
		assert_int_equal(x.status, PTW_RESERVED);
		x = xlat(&f->s, va + 2 * page);
		assert_int_equal(x.status, PTW_RESERVED);
		x = xlat(&f->s, va + 3 * page);
		assert_int_equal(x.status, PTW_NOT_PRESENT);
		assert_int_equal(x.span_start, va + 3 * page);
		assert_int_equal(x.span_size, page);
		struct collect c;
		struct ptw_iter_stats st;
		iterate(&f->s, 0, ~0ULL, &c, &st);
		assert_int_equal(c.n, 2);
		check_run(&c.runs[0], va, page, p[0], page);
		check_run(&c.runs[1], va + 4 * page, page, p[4], page);
		assert_int_equal(st.reserved, 2);
		fx_close(f);
	}
}

/* ---- rights and letters ------------------------------------------------------------------- */

struct tbits {
	int level;
	uint64_t bits;
};

struct rights_case {
	struct tbits t[3];         /* table bits on the way (level 0: none past the first) */
	int leaf_level;
	struct a64g_attr a;
	const char *leaf;          /* ptw_flags_string of the leaf itself */
	const char *eff;           /* ptw_rights_string of the effective rights */
	const char *table;         /* ptw_flags_string of t[0]'s entry */
	const char *why;
};

static const struct rights_case rights_cases[] = {
	{ { { 1, A64G_APTABLE1 } }, 3, { .af = true, .ng = true, .user = true, .pxn = true, .uxn = true },
	  "----AUW--V", "---AUR--V", "-----URXEV", "APTable[1]: read-only below" },
	{ { { 0, A64G_APTABLE0 } }, 3, { .af = true, .ng = true, .user = true, .pxn = true, .uxn = true },
	  "----AUW--V", "---AKW--V", "-----KWXEV", "APTable[0]: no EL0 below" },
	{ { { 2, A64G_UXNTABLE } }, 3, { .af = true, .ng = true, .user = true, .ro = true, .pxn = true },
	  "----AUR-EV", "---AUR--V", "-----UWX-V", "UXNTable: no EL0 execution below" },
	{ { { 1, A64G_PXNTABLE } }, 3, { .af = true, .ro = true, .uxn = true },
	  "-G--AKRX-V", "G--AKR--V", "-----UW-EV", "PXNTable: no EL1 execution below" },
	{ { { 0, 0 } }, 3, { .af = true, .dbm = true, .ro = true, .pxn = true, .uxn = true },
	  "-G--AKW--V", "G--AKW--V", "-----UWXEV", "DBM and AP[2]: writable, clean" },
	{ { { 0, 0 } }, 3, { .af = true, .dbm = true, .pxn = true, .uxn = true },
	  "-G-DAKW--V", "G-DAKW--V", "-----UWXEV", "DBM, AP[2] clear: dirty" },
	{ { { 2, A64G_APTABLE1 } }, 3, { .af = true, .dbm = true, .pxn = true, .uxn = true },
	  "-G-DAKW--V", "G--AKR--V", "-----URXEV", "APTable[1] over a dirty DBM page" },
	{ { { 0, A64G_APTABLE0 | A64G_APTABLE1 }, { 1, A64G_UXNTABLE }, { 2, A64G_PXNTABLE } }, 3,
	  { .af = true, .ng = true, .user = true },
	  "----AUWXEV", "---AKR--V", "-----KRXEV", "all four, at three levels" },
	{ { { 1, A64G_APTABLE1 } }, 2, { .af = true, .pxn = true, .uxn = true },
	  "-GL-AKW--V", "GL-AKR--V", "-----URXEV", "APTable[1] over a 2M block" },
	{ { { 0, A64G_UXNTABLE | A64G_PXNTABLE } }, 1, { .af = true, .ng = true, .user = true, .ro = true },
	  "--L-AURXEV", "-L-AUR--V", "-----UW--V", "XN tables over a 1G block" },
	{ { { 0, 0 } }, 3, { .ng = true, .user = true, .cont = true },
	  "C----UWXEV", "----UW-EV", "-----UWXEV", "contiguous, AF clear (EL0-writable: implicit PXN)" },
};

static void rights_from_tables(void **state)
{
	(void)state;
	size_t n = sizeof rights_cases / sizeof rights_cases[0];
	struct fixture *f = fx_new(12, 48);
	struct a64g *g = &f->g;
	uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
	uint64_t vas[16];
	for (size_t i = 0; i < n; i++) {
		const struct rights_case *c = &rights_cases[i];
		vas[i] = (uint64_t)(i + 1) << 39;   /* an L0 entry each */
		uint64_t span = a64g_span(g, c->leaf_level);
		uint64_t pa = c->leaf_level == 3 ? a64g_page(g, f->ram) : RAM & ~(span - 1);
		a64g_map(g, t0, vas[i], pa, c->leaf_level, &c->a);
		for (unsigned k = 0; k < 3; k++)
			if (c->t[k].bits)
				a64g_table_bits(g, t0, vas[i], c->t[k].level, c->t[k].bits);
	}
	fx_open(f, t0, t1);
	for (size_t i = 0; i < n; i++) {
		const struct rights_case *c = &rights_cases[i];
		unsigned li = lx(g, c->leaf_level);
		struct ptw_xlat x = xlat(&f->s, vas[i]);
		if (x.status != PTW_MAPPED)
			fail_msg("%s: status %d", c->why, x.status);
		const char *leaf = flags(f->m, li, x.step[li].entry);
		const char *eff = rights(f->m, li, x.eff);
		const char *table = flags(f->m, lx(g, c->t[0].level), x.step[lx(g, c->t[0].level)].entry);
		if (strcmp(leaf, c->leaf) || strcmp(eff, c->eff) || strcmp(table, c->table))
			fail_msg("%s: leaf %s eff %s table %s, want %s %s %s", c->why, leaf, eff,
				 table, c->leaf, c->eff, c->table);
	}
	/* the iteration's runs carry the same effective rights */
	struct collect col;
	struct ptw_iter_stats st;
	iterate(&f->s, 0, ~0ULL, &col, &st);
	assert_int_equal(col.n, n);
	for (size_t i = 0; i < n; i++) {
		const struct rights_case *c = &rights_cases[i];
		assert_int_equal(col.runs[i].va, vas[i]);
		const char *eff = rights(f->m, lx(g, c->leaf_level), col.runs[i].eff);
		if (strcmp(eff, c->eff))
			fail_msg("%s: run's rights %s, want %s", c->why, eff, c->eff);
	}
	fx_close(f);
}

/* In the EL1&0 regime a page EL0 may write (AP[2:1] = 01, after
 * APTable) is never executable at EL1, whatever its PXN (aarch64.md §2.4,
 * "implicit PXN"; QEMU get_S1prot: xn = pxn || user writable). */
static void rights_el0_writable_never_el1_executable(void **state)
{
	(void)state;
	struct fixture *f = fx_new(12, 48);
	struct a64g *g = &f->g;
	uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
	struct a64g_attr a = { .af = true, .ng = true, .user = true };
	uint64_t p = a64g_page(g, f->ram);
	a64g_map(g, t0, 1ULL << 39, p, 3, &a);
	a64g_map(g, t0, 2ULL << 39, p, 3, &a);
	a64g_table_bits(g, t0, 2ULL << 39, 1, A64G_APTABLE1);
	a64g_map(g, t0, 3ULL << 39, p, 3, &a);
	a64g_table_bits(g, t0, 3ULL << 39, 1, A64G_APTABLE0);
	fx_open(f, t0, t1);
	/* not EL0-writable: EL1 may execute (PXN clear) */
	struct ptw_xlat x = xlat(&f->s, 2ULL << 39);
	assert_string_equal(rights(f->m, 3, x.eff), "---AURXEV");
	x = xlat(&f->s, 3ULL << 39);
	assert_string_equal(rights(f->m, 3, x.eff), "---AKWXEV");
	/* EL0-writable: the entry's own letters show PXN clear ... */
	x = xlat(&f->s, 1ULL << 39);
	assert_string_equal(flags(f->m, 3, x.step[3].entry), "----AUWXEV");
	/* ... but EL1 may not execute it */
	const char *eff = rights(f->m, 3, x.eff);
	if (strcmp(eff, "---AUW-EV") != 0)
		fail_msg("EL0-writable page's effective rights %s, want ---AUW-EV "
			 "(implicit PXN)", eff);
	fx_close(f);
}

/* Letters of entries as they stand: pages, blocks, the contiguous hint,
 * table entries, whatever their address bits (LPA2's 9:8 are not SH). */
static void flag_letters(void **state)
{
	(void)state;
	const struct ptw_mode *m = ptw_mode_aarch64(12, 48);
	struct a64g g;
	assert_true(a64g_init(&g, 12, 48));
	struct a64g_attr a = { .af = true, .ng = true, .user = true, .ro = true,
			       .pxn = true, .cont = true, .sh = 3 };
	assert_string_equal(flags(m, 3, a64g_page_desc(&g, 0x40001000, &a)), "C---AUR-EV");
	assert_string_equal(flags(m, 2, a64g_block_desc(&g, 0x40000000, &a)), "C-L-AUR-EV");
	assert_string_equal(flags(m, 1, a64g_block_desc(&g, 0x40000000, &a)), "C-L-AUR-EV");
	assert_string_equal(rights(m, 3, a64g_page_desc(&g, 0x40001000, &a)), "---AUR-EV");
	assert_string_equal(rights(m, 2, a64g_block_desc(&g, 0x40000000, &a)), "-L-AUR-EV");
	assert_string_equal(flags(m, 0, a64g_table_desc(&g, 0x40002000, 0)), "-----UWXEV");
	assert_string_equal(flags(m, 2, a64g_table_desc(&g, 0x40002000, A64G_APTABLE0 |
		A64G_APTABLE1 | A64G_UXNTABLE | A64G_PXNTABLE)), "-----KR--V");
	/* a table's own AF, nG, DBM, CONT bits are not its letters */
	assert_string_equal(flags(m, 1, a64g_table_desc(&g, 0x40002000, A64G_AF | A64G_NG |
		A64G_DBM | A64G_CONT)), "-----UWXEV");
	/* a kernel page: global, writable, EL1-executable */
	struct a64g_attr k = { .af = true, .uxn = true };
	assert_string_equal(flags(m, 3, a64g_page_desc(&g, 0x40001000, &k)), "-G--AKWX-V");
	/* LPA2: address bits in 9:8 change nothing */
	const struct ptw_mode *m52 = ptw_mode_aarch64(12, 52);
	struct a64g g52;
	assert_true(a64g_init(&g52, 12, 52));
	assert_string_equal(flags(m52, 4, a64g_page_desc(&g52, 0x000f000040001000ULL, &k)),
			    "-G--AKWX-V");
	assert_string_equal(flags(m52, 1, a64g_block_desc(&g52, 0x000c000000000000ULL, &k)),
			    "-GL-AKWX-V");
	/* 64 KiB: bits 15:12 are address */
	const struct ptw_mode *m64 = ptw_mode_aarch64(16, 48);
	struct a64g g64;
	assert_true(a64g_init(&g64, 16, 48));
	assert_string_equal(flags(m64, 2, a64g_page_desc(&g64, 0x000f000040010000ULL, &k)),
			    "-G--AKWX-V");
	assert_string_equal(flags(m64, 0, a64g_block_desc(&g64, 0x000f000000000000ULL, &k)),
			    "-GL-AKWX-V");
	assert_int_equal(m->flag_columns, 10);
}

/* ---- iteration ------------------------------------------------------------------------------ */

/* Pages under the contiguous hint coalesce with each other and with a
 * neighbour alike in all but the hint; a change of rights starts a run. */
static void iterate_contiguous_runs(void **state)
{
	(void)state;
	struct fixture *f = fx_new(12, 48);
	struct a64g *g = &f->g;
	uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
	uint64_t data = a64g_alloc(g, f->ram, 0x20000, 0x10000);
	struct a64g_attr a = U_RW.a, c = U_RW.a, ro = U_RW.a;
	c.cont = true;
	ro.ro = true;
	for (unsigned i = 0; i < 16; i++)
		a64g_map(g, t0, 0x10000 + i * 0x1000ULL, data + i * 0x1000ULL, 3, &c);
	a64g_map(g, t0, 0x20000, data + 0x10000, 3, &a);
	a64g_map(g, t0, 0x21000, data + 0x11000, 3, &ro);
	/* sixteen 2 MiB blocks under the hint: 32 MiB, aligned */
	for (unsigned i = 0; i < 16; i++)
		a64g_map(g, t0, 0x80000000ULL + i * 0x200000ULL, RAM + i * 0x200000ULL, 2, &c);
	/* four pages of a hint's sixteen in the upper half */
	for (unsigned i = 0; i < 4; i++)
		a64g_map(g, t1, 0xffff000000100000ULL + i * 0x1000ULL, data + i * 0x1000ULL, 3, &c);
	fx_open(f, t0, t1);
	struct collect col;
	struct ptw_iter_stats st;
	iterate(&f->s, 0, ~0ULL, &col, &st);
	assert_int_equal(col.n, 4);
	check_run(&col.runs[0], 0x10000, 0x11000, data, 0x1000);
	check_run(&col.runs[1], 0x21000, 0x1000, data + 0x11000, 0x1000);
	check_run(&col.runs[2], 0x80000000ULL, 0x2000000, RAM, 0x200000);
	check_run(&col.runs[3], 0xffff000000100000ULL, 0x4000, data, 0x1000);
	assert_string_equal(rights(f->m, 3, col.runs[0].eff), "---AUW--V");
	assert_string_equal(rights(f->m, 3, col.runs[1].eff), "---AUR--V");
	assert_string_equal(rights(f->m, 2, col.runs[2].eff), "-L-AUW--V");
	assert_int_equal(st.pages[3], 22);
	assert_int_equal(st.pages[2], 16);
	assert_int_equal(st.pages[1], 0);
	assert_int_equal(st.pages[0], 0);
	/* translation ignores the hint: each page its own */
	struct ptw_xlat x = xlat(&f->s, 0x1f123);
	assert_int_equal(x.pa, data + 0xf123);
	assert_int_equal(x.page_size, 0x1000);
	assert_string_equal(flags(f->m, 3, x.step[3].entry), "C---AUW--V");
	x = xlat(&f->s, 0x81e00000ULL + 5);
	assert_int_equal(x.pa, RAM + 0x1e00005);
	assert_int_equal(x.page_size, 0x200000);
	assert_string_equal(flags(f->m, 2, x.step[2].entry), "C-L-AUW--V");
	fx_close(f);
}

/* An entry pointing at its own table (the recursive mapping): under it the
 * table's entries are read one level down, its table entries as pages.
 * Finite, exact. */
static void iterate_self_entry_exact(void **state)
{
	(void)state;
	struct fixture *f = fx_new(12, 48);
	struct a64g *g = &f->g;
	uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
	uint64_t p = a64g_page(g, f->ram);
	struct a64g_attr a = U_RW.a;
	a64g_map(g, t0, 0x40000000, p, 3, &a);
	uint64_t l3 = a64g_addr(g, a64g_get(g, a64g_entry(g, t0, 0x40000000, 2)));
	uint64_t l2 = a64g_loop(g, t0, 0x40000000 + 5 * 0x200000ULL, 2);
	assert_int_equal(l2, a64g_entry(g, t0, 0x40000000, 2));
	fx_open(f, t0, t1);
	uint64_t loop = 0x40000000 + 5 * 0x200000ULL;
	struct ptw_xlat x = xlat(&f->s, loop + 5 * 0x1000 + 8);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, l2 + 8);
	assert_int_equal(x.nsteps, 4);
	assert_int_equal(x.step[3].table, l2);
	assert_int_equal(x.step[2].table, l2);
	x = xlat(&f->s, loop);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, l3);
	x = xlat(&f->s, loop + 0x1000);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	struct collect c;
	struct ptw_iter_stats st;
	iterate(&f->s, 0, ~0ULL, &c, &st);
	assert_int_equal(c.n, 3);
	check_run(&c.runs[0], 0x40000000, 0x1000, p, 0x1000);
	check_run(&c.runs[1], loop, 0x1000, l3, 0x1000);
	check_run(&c.runs[2], loop + 0x5000, 0x1000, l2, 0x1000);
	/* a table descriptor read as a page: AF, nG, AP, XN all clear */
	assert_string_equal(rights(f->m, 3, c.runs[1].eff), "G---KWXEV");
	/* t0, l1, l2, l3, l2 again as a last-level table, and t1 */
	assert_int_equal(st.tables, 6);
	assert_int_equal(st.revisits, 0);
	assert_false(st.truncated);
	fx_close(f);
}

static int count_run(void *ctx, const struct ptw_run *r)
{
	(void)r;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* A table whose every entry points at itself, as the top table: every
 * path loops.  The iteration ends, says so, and stays within its bounds
 * (the same as x86's: 2^18 pages under shared tables). */
static void iterate_loops_are_bounded(void **state)
{
	(void)state;
	static const unsigned modes[][2] = { { 12, 48 }, { 16, 42 }, { 14, 36 } };
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		struct fixture *f = fx_new(modes[i][0], modes[i][1]);
		struct a64g *g = &f->g;
		uint64_t page = 1ULL << g->granule;
		/* a full granule, so that every index reads a table entry */
		uint64_t t = a64g_alloc(g, f->ram, page, page);
		unsigned n = (unsigned)(page / 8);
		for (unsigned k = 0; k < n; k++)
			a64g_set(g, t + 8ULL * k, a64g_table_desc(g, t, A64G_AF));
		fx_open(f, t, t);
		uint64_t runs = 0;
		struct ptw_iter_stats st;
		assert_int_equal(ptw_iterate(&f->s, 0, (1ULL << g->va_bits) - 1, count_run, &runs,
					     &st, NULL), 0);
		assert_true(st.truncated);
		assert_true(st.revisits > 0 && st.revisits <= 4096);
		assert_int_equal(st.pages[g->nlevels - 1], n + (1u << 18));
		assert_int_equal(runs, n + (1u << 18));
		/* a translation through the loop ends at the last level */
		struct ptw_xlat x = xlat(&f->s, 0x123456789ULL & ((1ULL << g->va_bits) - 1));
		assert_int_equal(x.status, PTW_MAPPED);
		assert_int_equal(x.nsteps, g->nlevels);
		assert_int_equal(x.page_pa, t);
		fx_close(f);
	}
}

/* ---- holes ------------------------------------------------------------------------------------ */

static void tables_past_memory(void **state)
{
	(void)state;
	struct fixture *f = fx_new(12, 48);
	struct a64g *g = &f->g;
	uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
	uint64_t p = a64g_page(g, f->ram);
	struct a64g_attr a = U_RW.a;
	/* an L1 entry whose table lies in no range of the dump */
	a64g_raw(g, t0, 0x8000000000ULL, 1, a64g_table_desc(g, 0x80000000, 0));
	/* a page outside memory */
	a64g_map(g, t0, 0x10000000000ULL, 0x7000000000ULL, 3, &a);
	a64g_map(g, t0, 0x20000000000ULL, p, 3, &a);
	fx_open(f, t0, t1);
	struct ptw_xlat x = xlat(&f->s, 0x8000001000ULL);
	assert_int_equal(x.status, PTW_TABLE_HOLE);
	assert_int_equal(x.nsteps, 2);
	assert_int_equal(x.step[2].table, 0x80000000);
	assert_int_equal(x.span_start, 0x8000000000ULL);
	assert_int_equal(x.span_size, 1ULL << 30);
	uint64_t pa;
	assert_int_equal(ptw_vtop(&f->s, NULL, 0x8000001000ULL, &pa), 1);
	struct ptw_tlb tlb = {0};
	assert_int_equal(ptw_vtop(&f->s, &tlb, 0x8000001000ULL, &pa), 1);
	char buf[8];
	memset(buf, 0x55, sizeof buf);
	assert_int_equal(ptw_vread(&f->s, &tlb, 0x8000001000ULL, buf, 8), 0);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	/* the page outside memory maps, but reads as zeros, unbacked */
	x = xlat(&f->s, 0x10000000010ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, 0x7000000010ULL);
	memset(buf, 0x55, sizeof buf);
	assert_int_equal(ptw_vread(&f->s, &tlb, 0x10000000010ULL, buf, 8), 0);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	struct collect c;
	struct ptw_iter_stats st;
	iterate(&f->s, 0, ~0ULL, &c, &st);
	assert_int_equal(st.holes, 1);
	assert_int_equal(c.n, 2);
	check_run(&c.runs[0], 0x10000000000ULL, 0x1000, 0x7000000000ULL, 0x1000);
	check_run(&c.runs[1], 0x20000000000ULL, 0x1000, p, 0x1000);
	fx_close(f);
}

/* A 64 KiB last-level table that the dump holds only the first half of:
 * its entries there map, those past the end are a hole of their own span. */
static void table_partly_held(void **state)
{
	(void)state;
	struct fixture *f = fx_new(16, 48);
	struct a64g *g = &f->g;
	unsigned tail = a64g_add_region(g, 0x50000000, 0x8000);
	(void)tail;
	uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
	uint64_t p = a64g_page(g, f->ram);
	struct a64g_attr a = K_DIRTY.a;
	uint64_t va = 0x20000000;   /* L1 0, L2 1 */
	a64g_raw(g, t0, va, 2, a64g_table_desc(g, 0x50000000, 0));
	a64g_set(g, 0x50000000 + 8, a64g_page_desc(g, p, &a));
	a64g_set(g, 0x50000000 + 8 * 4095, a64g_page_desc(g, p, &a));
	fx_open(f, t0, t1);
	struct ptw_xlat x = xlat(&f->s, va + 0x10000 + 4);
	assert_int_equal(x.status, PTW_MAPPED);
	assert_int_equal(x.pa, p + 4);
	x = xlat(&f->s, va + 4095 * 0x10000ULL);
	assert_int_equal(x.status, PTW_MAPPED);
	x = xlat(&f->s, va + 5000 * 0x10000ULL);
	assert_int_equal(x.status, PTW_TABLE_HOLE);
	assert_int_equal(x.nsteps, 2);
	assert_int_equal(x.step[2].addr, 0x50000000 + 8 * 5000);
	assert_int_equal(x.span_start, va + 5000 * 0x10000ULL);
	assert_int_equal(x.span_size, 0x10000);
	uint64_t pa;
	struct ptw_tlb tlb = {0};
	assert_int_equal(ptw_vtop(&f->s, &tlb, va + 0x10000, &pa), 0);
	assert_int_equal(ptw_vtop(&f->s, &tlb, va + 5000 * 0x10000ULL, &pa), 1);
	assert_int_equal(ptw_vtop(&f->s, &tlb, va + 0x10000, &pa), 0);
	assert_int_equal(pa, p);
	struct collect c;
	struct ptw_iter_stats st;
	iterate(&f->s, 0, ~0ULL, &c, &st);
	assert_int_equal(st.holes, 1);
	assert_int_equal(c.n, 2);
	check_run(&c.runs[0], va + 0x10000, 0x10000, p, 0x10000);
	check_run(&c.runs[1], va + 4095 * 0x10000ULL, 0x10000, p, 0x10000);
	fx_close(f);
}

/* ---- Linux's non-valid entries ------------------------------------------------------------ */

static struct ptw_swpte decode(const struct ptw_mode *m, uint32_t release, unsigned lvl,
			       uint64_t e)
{
	struct ptw_swpte o;
	memset(&o, 0xa5, sizeof o);
	ptw_decode_entry(m, PTW_OS_LINUX, release, lvl, e, 0, &o);
	return o;
}

#define R6_1  0x060100
#define R6_10 0x060a00

/* PAGE_NONE as 6.1 writes it: bits 1:0 10, AF, SH, RDONLY, nG, PXN, UXN,
 * PTE_PROT_NONE (58); 6.10's has PTE_PRESENT_INVALID (11, nG's place)
 * instead of bit 58. */
#define PROTNONE_6_1  0x0460000040123f82ULL
#define PROTNONE_6_10 0x0060000040123f82ULL

static void expect_swap(struct ptw_swpte o, uint64_t type, uint64_t offset)
{
	assert_int_equal(o.kind, PTW_SW_SWAP);
	assert_int_equal(o.file, type);
	assert_int_equal(o.offset, offset);
}

static void expect_protnone(struct ptw_swpte o, uint64_t pfn)
{
	assert_int_equal(o.kind, PTW_SW_PROTNONE);
	assert_int_equal(o.pfn, pfn);
}

static void decode_linux_6_1(void **state)
{
	(void)state;
	const struct ptw_mode *m = ptw_mode_aarch64(12, 48);
	expect_protnone(decode(m, R6_1, 3, PROTNONE_6_1), 0x40123);
	/* 6.10's PAGE_NONE has no bit 58: to 6.1 it is a swap entry */
	expect_swap(decode(m, R6_1, 3, PROTNONE_6_10), 16, 0x60000040123fULL);
	/* swap: type 7:3, offset 57:8 */
	expect_swap(decode(m, R6_1, 3, (9 << 3) | (0xabcd0ULL << 8)), 9, 0xabcd0);
	expect_swap(decode(m, R6_1, 3, (31 << 3) | (((1ULL << 50) - 1) << 8)), 31,
		    (1ULL << 50) - 1);
	/* exclusive (bit 2) is not the type */
	expect_swap(decode(m, R6_1, 3, (1 << 2) | (2 << 3) | (0x10ULL << 8)), 2, 0x10);
	/* 5.19 is the first release of this layout */
	expect_swap(decode(m, 0x051300, 3, (9 << 3) | (0xabcd0ULL << 8)), 9, 0xabcd0);
}

static void decode_linux_6_10(void **state)
{
	(void)state;
	const struct ptw_mode *m = ptw_mode_aarch64(12, 48);
	for (unsigned k = 0; k < 2; k++) {
		uint32_t rel = k ? 0 : R6_10;  /* 0: unknown, read as the newest */
		expect_protnone(decode(m, rel, 3, PROTNONE_6_10), 0x40123);
		/* 6.1's PAGE_NONE has nG set too */
		expect_protnone(decode(m, rel, 3, PROTNONE_6_1), 0x40123);
		/* swap: type 10:6, offset 61:12 */
		expect_swap(decode(m, rel, 3, (3 << 6) | (0x45678ULL << 12)), 3, 0x45678);
		expect_swap(decode(m, rel, 3, (31 << 6) | (((1ULL << 50) - 1) << 12)), 31,
			    (1ULL << 50) - 1);
		/* exclusive (2) and uffd-wp (3) are not the type */
		expect_swap(decode(m, rel, 3, 0xc | (5 << 6) | (0x7ULL << 12)), 5, 0x7);
		/* a 6.1 swap entry read this way */
		expect_swap(decode(m, rel, 3, (9 << 3) | (0xabcd0ULL << 8)), 1, 0xabcd);
	}
	expect_swap(decode(m, 0x061200, 3, (3 << 6) | (0x45678ULL << 12)), 3, 0x45678);
	/* 6.9 is still the old layout */
	expect_swap(decode(m, 0x060900, 3, (3 << 6) | (0x45678ULL << 12)), 24, 0x456780);
}

/* Huge PROT_NONE pages at the PMD (level 2): valid clear, bits 1:0 00, the
 * frame where a block keeps it; and 6.1's PMD_PRESENT_INVALID (bit 59),
 * which only means "resident" above the last level. */
static void decode_linux_huge_and_wide(void **state)
{
	(void)state;
	const struct ptw_mode *m = ptw_mode_aarch64(12, 48);
	expect_protnone(decode(m, R6_1, 2, 0x0460000040200f80ULL), 0x40200);
	expect_protnone(decode(m, R6_10, 2, 0x0060000040200f80ULL), 0x40200);
	expect_protnone(decode(m, R6_1, 2, 0x0800000040200f00ULL), 0x40200);
	expect_swap(decode(m, R6_1, 3, 0x0800000040200f00ULL), 0, 0x40200f);
	/* 1 GiB at level 1 */
	expect_protnone(decode(m, R6_10, 1, 0x0060000040000f80ULL), 0x40000);
	/* 16 KiB pages: pfn in 16 KiB frames */
	const struct ptw_mode *m16 = ptw_mode_aarch64(14, 48);
	expect_protnone(decode(m16, R6_10, 3, 0x0060000040124f82ULL), 0x10049);
	/* 64 KiB, FEAT_LPA: address bits 51:48 in 15:12 */
	const struct ptw_mode *m64 = ptw_mode_aarch64(16, 52);
	expect_protnone(decode(m64, R6_10, 2, 0x006000004001bf82ULL), 0xb00004001ULL);
	/* 4 KiB, 52 bits, LPA2: address bits 51:50 in 9:8 (no SH) */
	const struct ptw_mode *m52 = ptw_mode_aarch64(12, 52);
	expect_protnone(decode(m52, R6_10, 4, 0x0063000040123e82ULL), 0xb000040123ULL);
}

static void decode_linux_before_5_19(void **state)
{
	(void)state;
	const struct ptw_mode *m = ptw_mode_aarch64(12, 48);
	/* type 7:2 (six bits), offset 57:8 */
	expect_swap(decode(m, 0x050a00, 3, (0x25 << 2) | (0x777ULL << 8)), 0x25, 0x777);
	expect_swap(decode(m, 0x051200, 3, (0x3f << 2) | (0x1ULL << 8)), 0x3f, 1);
	expect_swap(decode(m, 0x040e00, 3, (0x25 << 2) | (0x777ULL << 8)), 0x25, 0x777);
	expect_protnone(decode(m, 0x050a00, 3, PROTNONE_6_1), 0x40123);
	/* the same entry read as 5.19 on */
	expect_swap(decode(m, 0x051300, 3, (0x25 << 2) | (0x777ULL << 8)), 0x12, 0x777);
}

static void decode_not_linux_valid_zero(void **state)
{
	(void)state;
	const struct ptw_mode *m = ptw_mode_aarch64(12, 48);
	struct ptw_swpte o;
	ptw_decode_entry(m, PTW_OS_LINUX, R6_10, 3, 0, 0, &o);
	assert_int_equal(o.kind, PTW_SW_ZERO);
	ptw_decode_entry(m, PTW_OS_LINUX, R6_10, 3, 0x0060000040123f43ULL, 0, &o);
	assert_int_equal(o.kind, PTW_SW_VALID);
	/* a valid block, and a reserved but valid entry */
	ptw_decode_entry(m, PTW_OS_LINUX, R6_10, 2, 0x40200401, 0, &o);
	assert_int_equal(o.kind, PTW_SW_VALID);
	ptw_decode_entry(m, PTW_OS_LINUX, R6_10, 3, 0x40200401, 0, &o);
	assert_int_equal(o.kind, PTW_SW_VALID);
	ptw_decode_entry(m, PTW_OS_UNKNOWN, R6_10, 3, PROTNONE_6_10, 0, &o);
	assert_int_equal(o.kind, PTW_SW_UNKNOWN);
	ptw_decode_entry(m, PTW_OS_WINDOWS, R6_10, 3, PROTNONE_6_10, 0, &o);
	assert_int_equal(o.kind, PTW_SW_UNKNOWN);
	/* and nothing is read through a non-valid entry */
	struct fixture *f = fx_new(12, 48);
	uint64_t t0 = a64g_top(&f->g, 64);
	a64g_raw(&f->g, t0, 0x1000, 3, PROTNONE_6_10);
	fx_open(f, t0, t0);
	f->s.os = PTW_OS_LINUX;
	struct ptw_xlat x = xlat(&f->s, 0x1000);
	assert_int_equal(x.status, PTW_NOT_PRESENT);
	assert_int_equal(x.step[3].entry, PROTNONE_6_10);
	uint64_t pfn;
	assert_false(ptw_soft_resident(&f->s, 3, PROTNONE_6_10, &pfn));
	struct collect c;
	struct ptw_iter_stats st;
	iterate(&f->s, 0, ~0ULL, &c, &st);
	assert_int_equal(c.n, 0);
	fx_close(f);
}

/* The generator's Linux entries in tables of every granule: the walk
 * stops at them (not present), and decoding the entry it stopped at, as
 * the release that wrote it, gives back the frame, or the swap type and
 * offset. */
static void linux_entries_in_tables(void **state)
{
	(void)state;
	static const unsigned modes[][2] = { { 12, 48 }, { 14, 47 }, { 16, 52 }, { 12, 52 } };
	static const struct { enum a64g_linux era; uint32_t release; } eras[] = {
		{ A64G_LINUX_4_0, 0x050a00 }, { A64G_LINUX_5_19, R6_1 },
		{ A64G_LINUX_6_10, R6_10 }, { A64G_LINUX_6_10, 0 },
	};
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		for (size_t k = 0; k < sizeof eras / sizeof eras[0]; k++) {
			struct fixture *f = fx_new(modes[i][0], modes[i][1]);
			struct a64g *g = &f->g;
			uint64_t t0 = a64g_top(g, 64), t1 = a64g_top(g, 64);
			unsigned r = f->high != UINT_MAX ? f->high : f->ram;
			uint64_t p = a64g_page(g, r);
			uint64_t huge = p & ~(a64g_span(g, 2) - 1);
			uint64_t span2 = a64g_span(g, 2);
			uint64_t va[4] = { span2, 2 * span2 + (1ULL << g->granule),
					   3 * span2, 4 * span2 + 3 * (1ULL << g->granule) };
			uint64_t e[4] = {
				a64g_linux_protnone(g, eras[k].era, p, 3),
				a64g_linux_swap(eras[k].era, 5, 0x1234),
				a64g_linux_protnone(g, eras[k].era, huge, 2),
				a64g_linux_swap(eras[k].era, 7, (1ULL << 50) - 1),
			};
			static const int level[4] = { 3, 3, 2, 3 };
			for (unsigned n = 0; n < 4; n++)
				a64g_raw(g, t0, va[n], level[n], e[n]);
			fx_open(f, t0, t1);
			f->s.os = PTW_OS_LINUX;
			f->s.os_release = eras[k].release;
			for (unsigned n = 0; n < 4; n++) {
				unsigned li = lx(g, level[n]);
				struct ptw_xlat x = xlat(&f->s, va[n]);
				assert_int_equal(x.status, PTW_NOT_PRESENT);
				assert_int_equal(x.nsteps, li + 1);
				assert_int_equal(x.step[li].entry, e[n]);
				struct ptw_swpte o = decode(f->m, eras[k].release, li, x.step[li].entry);
				switch (n) {
				case 0: expect_protnone(o, p >> g->granule); break;
				case 1: expect_swap(o, 5, 0x1234); break;
				case 2: expect_protnone(o, huge >> g->granule); break;
				default: expect_swap(o, 7, (1ULL << 50) - 1); break;
				}
			}
			struct collect c;
			struct ptw_iter_stats st;
			iterate(&f->s, 0, ~0ULL, &c, &st);
			assert_int_equal(c.n, 0);
			assert_int_equal(st.reserved, 0);
			fx_close(f);
		}
	/* the literal entries of the decoding tests are these */
	struct a64g g;
	assert_true(a64g_init(&g, 12, 48));
	assert_int_equal(a64g_linux_protnone(&g, A64G_LINUX_5_19, 0x40123000, 3), PROTNONE_6_1);
	assert_int_equal(a64g_linux_protnone(&g, A64G_LINUX_6_10, 0x40123000, 3), PROTNONE_6_10);
	assert_int_equal(a64g_linux_protnone(&g, A64G_LINUX_5_19, 0x40200000, 2),
			 0x0460000040200f80ULL);
	assert_int_equal(a64g_linux_swap(A64G_LINUX_6_10, 3, 0x45678), 0x456780c0);
	assert_int_equal(a64g_linux_swap(A64G_LINUX_4_0, 0x25, 0x777), 0x77794);
}

static void parse_release(void **state)
{
	(void)state;
	assert_int_equal(ptw_parse_release("6.1.0-57-arm64"), 0x060100);
	assert_int_equal(ptw_parse_release("6.10"), 0x060a00);
	assert_int_equal(ptw_parse_release("6.10.0-rc3+"), 0x060a00);
	assert_int_equal(ptw_parse_release("5.19.17"), 0x051311);
	assert_int_equal(ptw_parse_release("abc"), 0);
	assert_int_equal(ptw_parse_release("6"), 0);
	assert_int_equal(ptw_parse_release(""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(mode_geometry_every_mode, fx_teardown),
		cmocka_unit_test_teardown(mode_geometry_reference_table, fx_teardown),
		cmocka_unit_test_teardown(mode_block_levels, fx_teardown),
		cmocka_unit_test_teardown(descriptor_bit_constants, fx_teardown),
		cmocka_unit_test_teardown(va_offsets_fold_upper_half, fx_teardown),
		cmocka_unit_test_teardown(translate_4k_39, fx_teardown),
		cmocka_unit_test_teardown(translate_4k_42, fx_teardown),
		cmocka_unit_test_teardown(translate_4k_47, fx_teardown),
		cmocka_unit_test_teardown(translate_4k_48, fx_teardown),
		cmocka_unit_test_teardown(translate_4k_52, fx_teardown),
		cmocka_unit_test_teardown(translate_16k_36, fx_teardown),
		cmocka_unit_test_teardown(translate_16k_39, fx_teardown),
		cmocka_unit_test_teardown(translate_16k_42, fx_teardown),
		cmocka_unit_test_teardown(translate_16k_47, fx_teardown),
		cmocka_unit_test_teardown(translate_16k_48, fx_teardown),
		cmocka_unit_test_teardown(translate_16k_52, fx_teardown),
		cmocka_unit_test_teardown(translate_64k_39, fx_teardown),
		cmocka_unit_test_teardown(translate_64k_42, fx_teardown),
		cmocka_unit_test_teardown(translate_64k_47, fx_teardown),
		cmocka_unit_test_teardown(translate_64k_48, fx_teardown),
		cmocka_unit_test_teardown(translate_64k_52, fx_teardown),
		cmocka_unit_test_teardown(translate_4k_48_literal, fx_teardown),
		cmocka_unit_test_teardown(translate_64k_52_literal, fx_teardown),
		cmocka_unit_test_teardown(translate_4k_52_literal, fx_teardown),
		cmocka_unit_test_teardown(vread_runs_across_halves, fx_teardown),
		cmocka_unit_test_teardown(kernel_space_without_lower_root, fx_teardown),
		cmocka_unit_test_teardown(top_table_alignment, fx_teardown),
		cmocka_unit_test_teardown(top_table_16_bytes_48bit_oa, fx_teardown),
		cmocka_unit_test_teardown(reserved_encodings_and_bits, fx_teardown),
		cmocka_unit_test_teardown(tlb_refuses_what_the_walk_refuses, fx_teardown),
		cmocka_unit_test_teardown(rights_from_tables, fx_teardown),
		cmocka_unit_test_teardown(rights_el0_writable_never_el1_executable, fx_teardown),
		cmocka_unit_test_teardown(flag_letters, fx_teardown),
		cmocka_unit_test_teardown(iterate_contiguous_runs, fx_teardown),
		cmocka_unit_test_teardown(iterate_self_entry_exact, fx_teardown),
		cmocka_unit_test_teardown(iterate_loops_are_bounded, fx_teardown),
		cmocka_unit_test_teardown(tables_past_memory, fx_teardown),
		cmocka_unit_test_teardown(table_partly_held, fx_teardown),
		cmocka_unit_test_teardown(decode_linux_6_1, fx_teardown),
		cmocka_unit_test_teardown(decode_linux_6_10, fx_teardown),
		cmocka_unit_test_teardown(decode_linux_huge_and_wide, fx_teardown),
		cmocka_unit_test_teardown(decode_linux_before_5_19, fx_teardown),
		cmocka_unit_test_teardown(decode_not_linux_valid_zero, fx_teardown),
		cmocka_unit_test_teardown(linux_entries_in_tables, fx_teardown),
		cmocka_unit_test_teardown(parse_release, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
