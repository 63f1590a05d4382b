/* fuzz_walk.c — libFuzzer target: the page walk, virtual reads and the
 * iterator over hostile page tables.
 *
 * Input: byte 0 selects the mode (bits 1:0: x86, pae, x64, la57; with bit
 * 3 set AArch64 instead, the granule 4/16/64 KiB by bits 1:0 modulo 3 and
 * the VA size 39/42/48/52 by bits 7:6, the upper root from the input's
 * last word but 8, reduced like the DirBase), how
 * the DirBase is used (bit 2 set: as given; clear: reduced into the dump
 * and aligned for the mode) and whose tables they are (bits 5:4, modulo 3:
 * unknown, Windows, Linux: Windows' transition PTEs then map, and every
 * entry is decoded); bytes 1-8 are the DirBase, little-endian; the
 * rest is physical memory from address 0, opened with
 * ptw_dump_open_memory (so it is read as a raw dump unless it happens to
 * start with an ELF header).  Virtual addresses come from the last words of
 * the input and from the mappings the iterator reports.
 *
 * Beyond "no crash, no hang", the iterator and the walk must agree: every
 * page a run reports translates to the run's physical page with the run's
 * page size and flags, and a virtual read returns what page-by-page
 * translation and physical reads give.
 */
#include "fuzz_common.h"

#define HEADER 9
#define RUNS_KEPT 16
#define VREAD_MAX 8192


struct runs {
	const struct ptw_mode *m;
	bool windows;             /* transition pages may be reported (P clear) */
	uint64_t calls, stop_after;
	uint64_t bytes;           /* sum of run sizes */
	bool have_prev;
	uint64_t prev_end;        /* VA offset one past the last run */
	uint64_t from, to;        /* VA offsets the runs must meet */
	struct ptw_run kept[RUNS_KEPT];
	unsigned nkept;
};

FUZZ_NO_COVERAGE
static bool valid_page_size(const struct ptw_mode *m, uint64_t size)
{
	for (unsigned l = 0; l < m->nlevels; l++)
		if (ptw_level_span(m, l) == size && ptw_level_maps_pages(m, l))
			return true;
	return false;
}

FUZZ_NO_COVERAGE
static int count_run(void *ctx, const struct ptw_run *r)
{
	struct runs *c = ctx;
	const struct ptw_mode *m = c->m;
	FUZZ_CHECK(c->stop_after == 0 || c->calls < c->stop_after);
	c->calls++;
	FUZZ_CHECK(valid_page_size(m, r->page_size));
	FUZZ_CHECK(r->size >= r->page_size && r->size % r->page_size == 0);
	FUZZ_CHECK(ptw_mode_va_valid(m, r->va));
	FUZZ_CHECK((r->va & (r->page_size - 1)) == 0);
	FUZZ_CHECK((r->pa & (r->page_size - 1)) == 0);
	FUZZ_CHECK((r->eff & PTW_P) || c->windows);
	uint64_t off = ptw_mode_offset_from_va(m, r->va);
	/* Within the space, ascending, disjoint. */
	FUZZ_CHECK(r->size <= ptw_mode_va_size(m) - off);
	if (c->have_prev)
		FUZZ_CHECK(off >= c->prev_end);
	c->have_prev = true;
	c->prev_end = off + r->size;
	/* Meets [from, to]. */
	FUZZ_CHECK(off <= c->to && off + r->size - 1 >= c->from);
	c->bytes += r->size;
	if (c->nkept < RUNS_KEPT)
		c->kept[c->nkept++] = *r;
	return c->stop_after && c->calls == c->stop_after;
}

/* The input's TLB for ptw_vtop, shared by every check of one input (made
 * afresh for each: a TLB holds pointers into its dump). */
static struct ptw_tlb *input_tlb;

/* ptw_vtop, with and without the input's TLB, against the walk. */
static void check_vtop(const struct ptw_space *s, uint64_t va,
		       const struct ptw_xlat *x, bool valid)
{
	uint64_t pa = ~0ULL, tpa = ~0ULL;
	int rc = ptw_vtop(s, NULL, va, &pa);
	int trc = ptw_vtop(s, input_tlb, va, &tpa);
	FUZZ_CHECK(rc == trc);
	if (!valid) {
		FUZZ_CHECK(rc == -1 && pa == ~0ULL && tpa == ~0ULL);
		return;
	}
	FUZZ_CHECK(rc == (x->status == PTW_MAPPED ? 0 : 1));
	if (rc == 0)
		FUZZ_CHECK(pa == x->pa && tpa == x->pa);
}

static void check_xlat(const struct ptw_space *s, uint64_t va,
		       struct ptw_xlat *x)
{
	const struct ptw_mode *m = s->mode;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_translate(s, va, x, &err);
	check_vtop(s, va, x, ptw_mode_va_valid(m, va));
	if (!ptw_mode_va_valid(m, va)) {
		FUZZ_CHECK(rc == PTW_ERR_NONCANONICAL);
		fuzz_check_error(rc, &err);
		return;
	}
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(x->va == va);
	FUZZ_CHECK(x->nsteps <= m->nlevels);
	for (unsigned i = 0; i < x->nsteps; i++) {
		FUZZ_CHECK(x->step[i].index < ptw_level_entries(m, i));
		FUZZ_CHECK(x->step[i].addr ==
			   x->step[i].table + (uint64_t)x->step[i].index * m->entry_size);
	}
	/* the walk starts at va's root; a half with none reads nothing */
	uint64_t root = s->root[va >> 63];
	FUZZ_CHECK(x->nsteps == 0 || x->step[0].table == root);
	switch (x->status) {
	case PTW_MAPPED:
		FUZZ_CHECK(x->nsteps >= 1);
		FUZZ_CHECK(x->page_size == ptw_level_span(m, x->nsteps - 1));
		FUZZ_CHECK(valid_page_size(m, x->page_size));
		FUZZ_CHECK(x->pa == x->page_pa + (va & (x->page_size - 1)));
		FUZZ_CHECK(x->span_size == x->page_size);
		/* present, or a Windows transition page read back as it is */
		FUZZ_CHECK(x->soft == !(x->eff & PTW_P));
		FUZZ_CHECK(!x->soft || s->os == PTW_OS_WINDOWS);
		break;
	case PTW_NOT_PRESENT:
		FUZZ_CHECK(x->nsteps >= 1 || root == PTW_NO_ROOT);
		break;
	case PTW_RESERVED:
		FUZZ_CHECK(x->nsteps >= 1);
		break;
	case PTW_TABLE_HOLE:
		FUZZ_CHECK(x->nsteps < m->nlevels);
		break;
	default:
		FUZZ_CHECK(!"unknown status");
	}
	/* The span holds va (an unreadable top table has none). */
	if (x->span_size)
		FUZZ_CHECK(va - x->span_start < x->span_size);
	else
		FUZZ_CHECK(x->status == PTW_TABLE_HOLE && x->nsteps == 0);
}

/* The iterator's run and a walk of one of its pages agree. */
static void check_run_page(const struct ptw_space *s, const struct ptw_run *r,
			   uint64_t in)
{
	const struct ptw_mode *m = s->mode;
	struct ptw_xlat x;
	uint64_t va = r->va + in;
	check_xlat(s, va, &x);
	FUZZ_CHECK(x.status == PTW_MAPPED);
	FUZZ_CHECK(x.page_size == r->page_size);
	FUZZ_CHECK(x.pa == r->pa + in);
	if (in < r->page_size)
		FUZZ_CHECK(x.eff == r->eff);
	else
		FUZZ_CHECK((x.eff & m->flag_bits) == (r->eff & m->flag_bits));
}

/* ptw_vread against translations and physical reads, page by page. */
static void check_vread(const struct ptw_space *s, struct ptw_tlb *tlb,
			uint64_t va, size_t len)
{
	const struct ptw_mode *m = s->mode;
	uint8_t got[VREAD_MAX], want[VREAD_MAX];
	if (len > VREAD_MAX)
		len = VREAD_MAX;
	memset(got, 0xa5, len);
	size_t backed = ptw_vread(s, tlb, va, got, len);
	FUZZ_CHECK(backed <= len);
	size_t done = 0, want_backed = 0;
	uint64_t cur = va;
	while (done < len) {
		struct ptw_xlat x;
		check_xlat(s, cur, &x);
		size_t n = (size_t)(FUZZ_PAGE - (cur & (FUZZ_PAGE - 1)));
		if (n > len - done)
			n = len - done;
		if (x.status == PTW_MAPPED)
			want_backed += ptw_phys_read(s->dump, x.pa, want + done, n);
		else
			memset(want + done, 0, n);
		done += n;
		cur = ptw_mode_va_from_offset(m, ptw_mode_offset_from_va(m, cur) + n);
	}
	FUZZ_CHECK(backed == want_backed);
	FUZZ_CHECK(memcmp(got, want, len) == 0);
}

static void iterate(const struct ptw_space *s, uint64_t from, uint64_t to,
		    uint64_t stop_after, struct runs *c)
{
	const struct ptw_mode *m = s->mode;
	struct ptw_iter_stats st;
	struct ptw_error err = { .code = -1 };
	memset(c, 0, sizeof *c);
	c->m = m;
	c->windows = s->os == PTW_OS_WINDOWS;
	c->stop_after = stop_after;
	c->from = ptw_mode_offset_from_va(m, from);
	c->to = ptw_mode_offset_from_va(m, to);
	int rc = ptw_iterate(s, from, to, count_run, c, &st, &err);
	if (!ptw_mode_va_valid(m, from) || !ptw_mode_va_valid(m, to)) {
		FUZZ_CHECK(rc == PTW_ERR_NONCANONICAL);
		fuzz_check_error(rc, &err);
		return;
	}
	if (rc) { /* only running out of memory may stop it */
		FUZZ_CHECK(rc == PTW_ERR_NOMEM);
		fuzz_check_error(rc, &err);
		return;
	}
	if (c->from > c->to)
		FUZZ_CHECK(c->calls == 0);
	if (stop_after && c->calls == stop_after)
		return; /* stopped early: the counts cover more than the runs */
	/* Every page counted once, in some run. */
	uint64_t bytes = 0;
	for (unsigned l = 0; l < PTW_MAX_LEVELS; l++) {
		FUZZ_CHECK(st.pages[l] == 0 ||
			   (l < m->nlevels && ptw_level_maps_pages(m, l)));
		if (l < m->nlevels)
			bytes += st.pages[l] * ptw_level_span(m, l);
	}
	FUZZ_CHECK(bytes == c->bytes);
	FUZZ_CHECK(!st.truncated || st.revisits > 0);
}

/* Non-present entries decoded as each OS writes them: the kind follows
 * from the entry, and the fields fit their widths. */
static void check_decode(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			 uint64_t phys_end)
{
	for (int k = 0; k < 6; k++) {
		/* each OS, as the newest kernels and as Linux 6.1 write them */
		int os = k % 3;
		struct ptw_swpte o;
		ptw_decode_entry(m, (enum ptw_os)os, k < 3 ? 0 : 0x060100, lvl, e,
				 (phys_end - 1) >> 12, &o);
		if (e == 0)
			FUZZ_CHECK(o.kind == PTW_SW_ZERO);
		else if (e & PTW_P)
			FUZZ_CHECK(o.kind == PTW_SW_VALID);
		else if (os == PTW_OS_UNKNOWN ||
			 (os == PTW_OS_WINDOWS && m->id == PTW_MODE_AARCH64))
			FUZZ_CHECK(o.kind == PTW_SW_UNKNOWN); /* no Windows on ARM64 */
		else if (os == PTW_OS_WINDOWS)
			FUZZ_CHECK(o.kind == PTW_SW_PROTOTYPE || o.kind == PTW_SW_TRANSITION ||
				   o.kind == PTW_SW_PAGEFILE || o.kind == PTW_SW_DEMAND_ZERO);
		else
			FUZZ_CHECK(o.kind == PTW_SW_PROTNONE || o.kind == PTW_SW_SWAP);
		FUZZ_CHECK(o.protection < 32 && o.pfn < (1ULL << 40));
		if (o.kind == PTW_SW_SWAP)
			FUZZ_CHECK(o.file < 32);
		char buf[48];
		ptw_win_protection(o.protection, buf, sizeof buf);
		FUZZ_CHECK(strlen(buf) > 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size <= HEADER)
		return 0;
	static const unsigned arm_va[4] = { 39, 42, 48, 52 };
	static const unsigned arm_granule[3] = { 12, 14, 16 };
	const struct ptw_mode *m =
		data[0] & 8 ? ptw_mode_aarch64(arm_granule[(data[0] & 3) % 3], arm_va[data[0] >> 6])
			    : ptw_mode_get((enum ptw_mode_id)(PTW_MODE_X86 + (data[0] & 3)));
	FUZZ_CHECK(m != NULL);
	uint64_t dirbase = fuzz_le64(data, size, 1);
	const uint8_t *mem = data + HEADER;
	size_t memsz = size - HEADER;
	if (!(data[0] & 4))
		dirbase = (dirbase % memsz) & m->dirbase_mask;

	ptw_dump *d = NULL;
	struct ptw_error err = { .code = -1 };
	if (ptw_dump_open_memory(mem, memsz, &d, &err))
		return 0;
	struct ptw_space s;
	int rc = ptw_space_init(&s, d, m, dirbase, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_INVALID || rc == PTW_ERR_NOT_FOUND);
		ptw_dump_close(d);
		return 0;
	}
	FUZZ_CHECK(s.dirbase == dirbase && s.mode == m && s.dump == d);
	if (m->split) {
		uint64_t upper = (fuzz_tail64(data, size, 8) % memsz) & m->dirbase_mask;
		rc = ptw_space_set_roots(&s, dirbase, upper == dirbase ? PTW_NO_ROOT : upper, &err);
		if (rc) {
			fuzz_check_error(rc, &err);
			FUZZ_CHECK(rc == PTW_ERR_INVALID || rc == PTW_ERR_NOT_FOUND);
			ptw_dump_close(d);
			return 0;
		}
	}
	struct ptw_tlb vtop_tlb = { 0 };
	input_tlb = &vtop_tlb;
	s.os = (enum ptw_os)(((unsigned)data[0] >> 4 & 3) % 3);

	int sm = ptw_space_selfmap(&s);
	FUZZ_CHECK(sm >= -1 && sm < (int)ptw_level_entries(m, 0));

	/* The whole space, then checks of the first runs against the walk. */
	uint64_t top = ptw_mode_va_from_offset(m, ptw_mode_va_size(m) - 1);
	struct runs c;
	iterate(&s, 0, top, 0, &c);
	for (unsigned i = 0; i < c.nkept; i++) {
		const struct ptw_run *r = &c.kept[i];
		check_run_page(&s, r, 0);
		check_run_page(&s, r, r->size - 1);
		check_run_page(&s, r, (r->size / 2) & ~(FUZZ_PAGE - 1));
	}
	uint64_t total = c.calls;

	/* Stopping early stops at once. */
	if (total > 1) {
		uint64_t stop = 1 + fuzz_tail64(data, size, 0) % (total - 1);
		iterate(&s, 0, top, stop < 1000 ? stop : 1000, &c);
	}

	/* A window the input names (either order, maybe non-canonical); not
	 * for tables that fan out to hundreds of thousands of runs, which the
	 * whole walk above has covered at some cost under the sanitizers. */
	if (total <= 20000) {
		uint64_t w0 = fuzz_tail64(data, size, 1), w1 = fuzz_tail64(data, size, 2);
		iterate(&s, ptw_mode_va_from_offset(m, w0),
			ptw_mode_va_from_offset(m, w1), 0, &c);
		iterate(&s, w0, w1, 0, &c);
	}

	/* Walks of addresses from the input, and the same raw (maybe
	 * non-canonical, to be refused). */
	struct ptw_xlat x;
	for (unsigned k = 0; k < 6; k++) {
		uint64_t w = fuzz_tail64(data, size, k);
		check_xlat(&s, ptw_mode_va_from_offset(m, w), &x);
		check_xlat(&s, w, &x);
	}

	/* Virtual reads: at the input's addresses, across the runs' edges, and
	 * over the top of the lower half and of the space, through one TLB
	 * that every read reuses. */
	struct ptw_tlb tlb;
	ptw_tlb_reset(&tlb);
	for (unsigned k = 0; k < 3; k++) {
		uint64_t va = ptw_mode_va_from_offset(m, fuzz_tail64(data, size, k));
		size_t len = 1 + (size_t)(fuzz_tail64(data, size, k + 3) % VREAD_MAX);
		check_vread(&s, &tlb, va, len);
	}
	for (unsigned i = 0; i < c.nkept && i < 4; i++) {
		uint64_t off = ptw_mode_offset_from_va(m, c.kept[i].va);
		check_vread(&s, &tlb, ptw_mode_va_from_offset(m, off - 100), 4096);
		check_vread(&s, &tlb,
			    ptw_mode_va_from_offset(m, off + c.kept[i].size - 100), 200);
	}
	check_vread(&s, &tlb, ptw_mode_va_from_offset(m, ptw_mode_va_size(m) / 2 - 64),
		    128);
	check_vread(&s, &tlb, top - 63, 128);
	struct ptw_tlb fresh = { 0 };
	check_vread(&s, &fresh, ptw_mode_va_from_offset(m, fuzz_tail64(data, size, 0)),
		    VREAD_MAX);

	/* Flag strings of entries from the input, at every level. */
	for (unsigned lvl = 0; lvl < m->nlevels; lvl++) {
		char buf[16];
		uint64_t e = fuzz_tail64(data, size, lvl);
		if (m->entry_size == 4)
			e &= 0xffffffffULL;
		memset(buf, 'x', sizeof buf);
		ptw_flags_string(m, lvl, e, buf);
		FUZZ_CHECK(strlen(buf) == m->flag_columns);
		/* as a Linux space reads them: the same columns, and names */
		struct ptw_space lx = s;
		char names[96];
		lx.os = PTW_OS_LINUX;
		ptw_space_flags_string(&lx, lvl, e, buf);
		FUZZ_CHECK(strlen(buf) == m->flag_columns);
		(void)ptw_entry_software(&lx, lvl, e, names, sizeof names);
		FUZZ_CHECK(strlen(names) < sizeof names);
		(void)ptw_entry_address(m, lvl, e);
		(void)ptw_entry_reserved(m, lvl, e);
		(void)ptw_entry_is_leaf(m, lvl, e);
		check_decode(m, lvl, e, ptw_dump_phys_end(d));
	}

	ptw_dump_close(d);
	return 0;
}
