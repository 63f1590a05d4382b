/* paging/iterate.c — every mapping of an address space, in VA order, coalesced.
 *
 * A depth-first descent over the tables, driven by the mode's levels like
 * the walk.  Page tables can share subtrees legitimately (Linux's trampoline
 * PGD reuses the direct map's PDPT; Windows' self-map shows each table again
 * one level down) and corrupt ones can loop or fan out 512^4 ways, so every
 * (level, table) pair is remembered: meeting one again is allowed a bounded
 * number of times, after which the walk stops and says so.  Work is thus
 * bounded by the distinct tables in the dump plus that allowance.
 */
#include "paging/paging.h"

#include <stdlib.h>
#include <string.h>

/* Tables met again at the same level before we call the tables a loop,
 * and pages reached through such shared tables.  Linux's ESPFIX area alone
 * shares one PMD page under 4 PUD entries and one PTE page under all 512
 * PMD entries: 2052 revisits and 131072 pages in every process. */
#define REVISIT_LIMIT 4096
#define SHARED_PAGE_LIMIT (1u << 18)

struct iter {
	const struct ptw_space *s;
	const struct ptw_mode *m;
	uint64_t from, to;       /* VA offsets (upper half folded), inclusive */
	uint64_t flag_mask;      /* bits that the flag string shows */
	ptw_run_fn fn;
	void *ctx;
	ptw_enter_fn enter;      /* may leave entries out; NULL: none */
	void *enter_ctx;
	struct ptw_run cur;
	bool have;
	int stop;                /* callback's non-zero return */
	struct ptw_iter_stats *st;
	struct ptw_addrset seen; /* (table, level) pairs entered */
	struct ptw_addrset empty; /* of them, walked whole and mapping nothing */
	uint64_t emitted;        /* pages and soft-resident pages met */
	uint64_t cuts;           /* times a budget cut the walk short */
	struct ptw_error *err;
	int rc;
	uint64_t shared_pages;   /* pages met under shared tables */
	/* A copy of one table per level, for tables over 4 KiB the file does
	 * not hold as one stretch (up to 64 KiB: AArch64's 64 KiB granule). */
	uint8_t *copy[PTW_MAX_LEVELS];
};

static int flush(struct iter *it)
{
	if (!it->have)
		return 0;
	it->have = false;
	it->stop = it->fn(it->ctx, &it->cur);
	return it->stop;
}

/* A page of the level lvl (its span the page's size) at VA offset off. */
static inline __attribute__((always_inline)) int emit(struct iter *it, unsigned lvl, uint64_t off, uint64_t pa,
		uint64_t eff)
{
	it->emitted++;
	uint64_t va = ptw_sign_extend(it->m, off);
	uint64_t size = pt_span(it->m, lvl);
	struct ptw_run *c = &it->cur;
	it->st->pages[lvl]++;
	if (it->have && c->page_size == size && c->va + c->size == va &&
	    c->pa + c->size == pa &&
	    (c->eff & it->flag_mask) == (eff & it->flag_mask)) {
		c->size += size;
		return 0;
	}
	if (flush(it))
		return it->stop;
	*c = (struct ptw_run){ .va = va, .size = size, .pa = pa,
			       .page_size = size, .eff = eff };
	it->have = true;
	return 0;
}

/* Whether to descend into the table at (lvl, pa): yes the first time, and
 * again only within the revisit allowance. */
static bool enter_table(struct iter *it, unsigned lvl, uint64_t pa,
			bool *again)
{
	bool dup;
	if ((it->rc = ptw_addrset_add(&it->seen, (pa << 3) | lvl, &dup, it->err)))
		return false;
	if (!dup)
		return true;
	*again = true;
	if (it->st->revisits >= REVISIT_LIMIT) {
		it->st->truncated = true;
		it->cuts++;
		return false;
	}
	it->st->revisits++;
	return true;
}

/* The n entries of the table at pa into copy, each one the dump holds
 * whole (ptw_phys_entry, the walk's own read), the others as zero;
 * returns how many it holds. */
static unsigned read_entries(const struct ptw_dump *d, const struct ptw_mode *m,
			     uint64_t pa, unsigned n, uint8_t *copy)
{
	unsigned held = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t e = 0;
		if (ptw_phys_entry(d, pa + (uint64_t)i * m->entry_size,
				   m->entry_size, &e))
			held++;
		pt_store(copy + (size_t)i * m->entry_size, m->entry_size, e);
	}
	return held;
}

static int descend(struct iter *it, unsigned lvl, uint64_t table,
		   uint64_t base, uint64_t acc, bool shared)
{
	const struct ptw_mode *m = it->m;
	unsigned n = ptw_level_entries(m, lvl);
	uint64_t span = pt_span(m, lvl);
	uint64_t bytes = ptw_table_bytes(m, lvl);
	/* A copy only where the file does not hold the table as one stretch:
	 * on the stack up to 4 KiB, tables above that (AArch64's 16 and
	 * 64 KiB granules) in a buffer per level, made once per iteration. */
	uint8_t small[4096];
	uint8_t *copy = bytes <= sizeof small ? small : it->copy[lvl];
	if (!copy && !(copy = it->copy[lvl] = malloc(bytes))) {
		it->rc = ptw_fail(it->err, PTW_ERR_NOMEM, "no memory for a page table");
		return it->rc;
	}
	const uint8_t *tab = ptw_phys_view(it->s->dump, table, bytes, copy);
	if (!tab) {
		/* Zero-filled, across segments, or partly or wholly outside the
		 * dump: entry by entry as the walk reads them, so that one the
		 * dump holds only part of is missing there too; the missing
		 * ones read as zero (not present). */
		unsigned held = read_entries(it->s->dump, m, table, n, copy);
		if (held != n)
			it->st->holes++;
		if (held == 0)
			return 0;
		tab = copy;
	}
	it->st->tables++;
	/* Only the entries whose span meets [from, to]. */
	unsigned first = 0, last = n - 1;
	if (it->from > base)
		first = (unsigned)((it->from - base) / span);
	if (it->to < base + span * n - 1)
		last = (unsigned)((it->to - base) / span);
	for (unsigned i = first; i <= last && i < n; i++) {
		uint64_t e = pt_load(tab + (size_t)i * m->entry_size, m->entry_size);
		uint64_t off = base + span * i, pfn, addr;
		if (e && it->enter && !it->enter(it->enter_ctx, lvl, off, e)) {
			/* Left out: what lies under it does not count as empty. */
			it->cuts++;
			continue;
		}
		enum ptw_entry_kind kind = pt_classify(m, lvl, e, &addr);
		if (kind == PTW_ENTRY_INVALID) {
			/* A resident page the OS reads back without I/O (a
			 * Windows transition PTE) maps as vmem reads it; an
			 * empty entry is nothing. */
			if (e && ptw_soft_resident(it->s, lvl, e, &pfn) &&
			    emit(it, lvl, off, pfn << m->page_shift,
				 ptw_soft_flags(m, acc, e)))
				return it->stop;
			continue;
		}
		if (kind == PTW_ENTRY_RESERVED) {
			it->st->reserved++;
			continue;
		}
		if (kind == PTW_ENTRY_LEAF) {
			/* Pages under shared tables have their own budget. */
			if (shared && it->shared_pages++ >= SHARED_PAGE_LIMIT) {
				it->st->truncated = true;
				it->cuts++;
				return 0;
			}
			if (emit(it, lvl, off, addr, m->arch->rights_apply(m, lvl, acc, e)))
				return it->stop;
			continue;
		}
		uint64_t a = pt_rights_add(&m->level[lvl], acc, e);
		/* A table walked whole before and found to map nothing maps
		 * nothing again: tables that loop would otherwise be walked
		 * once per revisit, each time for nothing. */
		uint64_t key = (addr << 3) | (lvl + 1);
		if (ptw_addrset_has(&it->empty, key))
			continue;
		bool again = false;
		if (!enter_table(it, lvl + 1, addr, &again)) {
			if (it->rc)
				return it->rc;
			continue;
		}
		/* Empty only if walked whole: no budget cut anything below,
		 * else a later, unshared path would find its pages skipped. */
		uint64_t emitted = it->emitted, cuts = it->cuts;
		int rc = descend(it, lvl + 1, addr, off, a, shared || again);
		if (rc)
			return rc;
		bool whole = off >= it->from && it->to - off >= span - 1;
		if (whole && it->emitted == emitted && it->cuts == cuts) {
			bool dup;
			if ((it->rc = ptw_addrset_add(&it->empty, key, &dup, it->err)))
				return it->rc;
		}
	}
	return 0;
}

int ptw_iterate(const struct ptw_space *s, uint64_t va_from, uint64_t va_to,
		ptw_run_fn fn, void *ctx, struct ptw_iter_stats *stats,
		struct ptw_error *err)
{
	return ptw_iterate_where(s, va_from, va_to, NULL, NULL, fn, ctx, stats, err);
}

int ptw_iterate_where(const struct ptw_space *s, uint64_t va_from, uint64_t va_to,
		      ptw_enter_fn enter, void *enter_ctx, ptw_run_fn fn, void *ctx,
		      struct ptw_iter_stats *stats, struct ptw_error *err)
{
	const struct ptw_mode *m = s->mode;
	struct ptw_iter_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	if (!ptw_mode_va_valid(m, va_from) || !ptw_mode_va_valid(m, va_to))
		return ptw_fail(err, PTW_ERR_NONCANONICAL,
				"iteration bounds 0x%llx-0x%llx are not valid %s addresses",
				(unsigned long long)va_from,
				(unsigned long long)va_to, m->title);
	struct iter it = {
		.s = s, .m = m, .fn = fn, .ctx = ctx, .st = stats, .err = err,
		.enter = enter, .enter_ctx = enter_ctx,
		.from = ptw_mode_offset_from_va(m, va_from),
		.to = ptw_mode_offset_from_va(m, va_to),
		.flag_mask = m->flag_bits,
	};
	if (it.from > it.to)
		return 0;
	/* Each root's half in turn (one root: the whole space). */
	unsigned nroots = m->split ? 2 : 1;
	uint64_t half = m->split ? 1ULL << (m->va_bits - 1) : 0;
	for (unsigned r = 0; r < nroots && !it.rc && !it.stop; r++) {
		uint64_t base = half * r;
		if (s->root[r] == PTW_NO_ROOT || it.to < base ||
		    (r + 1 < nroots && it.from >= base + half))
			continue;
		bool dup;
		it.rc = ptw_addrset_add(&it.seen, s->root[r] << 3, &dup, err);
		if (!it.rc) /* sets it.rc or it.stop when it ends early */
			descend(&it, 0, s->root[r], base, m->arch->rights_init, false);
	}
	if (!it.rc && !it.stop)
		flush(&it);
	ptw_addrset_free(&it.seen);
	ptw_addrset_free(&it.empty);
	for (unsigned l = 0; l < PTW_MAX_LEVELS; l++)
		free(it.copy[l]);
	return it.rc;
}
