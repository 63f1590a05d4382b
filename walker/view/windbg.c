/* view/windbg.c — what WinDbg's !pte, !vtop and !ptov print, for every
 * paging mode (Microsoft's debugger reference for the three extensions,
 * and WinDbg's output as public captures show it).
 *
 * Entry addresses in !pte are virtual, through the self-map: with the top
 * table's entry s pointing at the table itself, the entry of VA at level L
 * sits at the VA whose first (nlevels - L) indexes are s, whose next ones
 * are VA's first L indexes, and whose page offset is VA's index at L times
 * the entry size.  PAE's self-map is four entries of the PD under PDPTE 3
 * (PTEs at c0000000, PDEs at c0600000).  Tables without a self-map (Linux)
 * get physical entry addresses, and the text says so.
 */
#include "view/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define COLUMN 27          /* one !pte column, as WinDbg prints it */
#define FAIL_STATUS "0xD0000147"

/* ---- self-map arithmetic ----------------------------------------------------- */

static struct ptv_selfmap selfmap_of(const struct ptw_space *sp)
{
	int s = ptw_space_selfmap(sp);
	return (struct ptv_selfmap){ s, s >= 0 && sp->mode->pae_selfmap };
}

static uint64_t index_at(const struct ptw_mode *m, unsigned lvl, uint64_t va)
{
	return (va >> m->level[lvl].shift) & ((1ULL << m->level[lvl].bits) - 1);
}

/* The VA of VA's entry at level lvl, through the self-map. */
static uint64_t entry_va(const struct ptw_mode *m, struct ptv_selfmap sm,
			 unsigned lvl, uint64_t va)
{
	if (sm.pae) /* PDEs at c0600000, PTEs at c0000000 */
		return lvl == 1 ? 0xc0600000ULL + (va >> 21) * 8
				: 0xc0000000ULL + (va >> 12) * 8;
	unsigned n = m->nlevels, k = n - lvl;
	uint64_t a = 0;
	for (unsigned j = 0; j < k; j++)
		a |= (uint64_t)sm.s << m->level[j].shift;
	for (unsigned j = 0; j < lvl; j++)
		a |= index_at(m, j, va) << m->level[j + k].shift;
	a |= index_at(m, lvl, va) * m->entry_size;
	return ptw_sign_extend(m, a);
}

/* WinDbg's "!pte PTE" form: if addr is an entry's own VA in the self-map
 * window, the VA that entry maps and its level. */
static bool entry_of_address(const struct ptw_mode *m, struct ptv_selfmap sm,
			     uint64_t addr, uint64_t *va, unsigned *lvl)
{
	if (sm.s < 0)
		return false;
	if (sm.pae) {
		if (addr < 0xc0000000ULL || addr >= 0xc0800000ULL)
			return false;
		bool pde = addr >= 0xc0600000ULL && addr < 0xc0604000ULL;
		*lvl = pde ? 1 : 2;
		*va = pde ? ((addr - 0xc0600000ULL) / 8) << 21
			  : ((addr - 0xc0000000ULL) / 8) << 12;
		return true;
	}
	unsigned n = m->nlevels, k = 0;
	while (k < n && index_at(m, k, addr) == (uint64_t)sm.s)
		k++;
	if (k == 0)
		return false;
	*lvl = n - k;
	uint64_t v = 0;
	for (unsigned j = 0; j < *lvl; j++)
		v |= index_at(m, j + k, addr) << m->level[j].shift;
	uint64_t off = addr & ((1ULL << m->level[n - 1].shift) - 1);
	v |= (off / m->entry_size) << m->level[*lvl].shift;
	*va = ptw_sign_extend(m, v);
	return true;
}

/* ---- !pte ---------------------------------------------------------------------- */

/* The first level !pte shows (the levels' windbg_pte: PAE's PDPTE is not
 * a column). */
static unsigned first_column(const struct ptw_mode *m)
{
	unsigned lvl = 0;
	while (lvl + 1 < m->nlevels && !m->level[lvl].windbg_pte)
		lvl++;
	return lvl;
}

static void pad_to(struct ptv_text *t, size_t start, size_t width)
{
	size_t used = t->len - start;
	if (!t->oom && used < width)
		ptv_printf(t, "%*s", (int)(width - used), "");
}

uint64_t ptv_pte_column_addr(const struct ptv_pte *v, unsigned lvl, bool *ok)
{
	*ok = true;
	if (v->sm.s >= 0)
		return entry_va(v->m, v->sm, lvl, v->x.va);
	if (lvl < v->x.nsteps)
		return v->x.step[lvl].addr;
	*ok = false; /* physical: only the levels the walk reached */
	return 0;
}

void ptv_entry_rec(const struct ptw_space *s, unsigned lvl, uint64_t e,
		   struct ptv_entry_rec *r)
{
	const struct ptw_mode *m = s->mode;
	*r = (struct ptv_entry_rec){ .lvl = lvl, .e = e, .valid = pt_valid(m, lvl, e) };
	if (!r->valid)
		return;
	r->pfn = pt_address(m, lvl, e) >> m->page_shift;
	ptw_space_flags_string(s, lvl, e, r->flags);
}

/* The third line's text for one entry. */
static void rec_state(const struct ptv_entry_rec *r, char *buf, size_t n)
{
	if (!r->valid) {
		snprintf(buf, n, "not valid");
		return;
	}
	char pfn[24];
	snprintf(pfn, sizeof pfn, "%" PRIx64, r->pfn);
	snprintf(buf, n, "pfn %-10s%s", pfn, r->flags);
}

/* 32-bit x86's third line: pfn and flags run together ("pfn 3b G-DA--KWV"). */
static void rec_compact(const struct ptv_entry_rec *r, char *buf, size_t n)
{
	if (!r->valid)
		snprintf(buf, n, "not valid");
	else
		snprintf(buf, n, "pfn %" PRIx64 " %s", r->pfn, r->flags);
}

static void column_state(const struct ptv_pte *v, unsigned lvl, char *buf,
			 size_t n)
{
	struct ptv_entry_rec r;
	ptv_entry_rec(v->sp, lvl, v->x.step[lvl].entry, &r);
	rec_state(&r, buf, n);
}

static void compact_state(const struct ptv_pte *v, unsigned lvl, char *buf, size_t n)
{
	struct ptv_entry_rec r;
	ptv_entry_rec(v->sp, lvl, v->x.step[lvl].entry, &r);
	rec_compact(&r, buf, n);
}

/* One line of !pte: cells 27 characters apart, no trailing spaces. */
struct cells {
	char c[PTW_MAX_LEVELS + 1][64];
	unsigned n;
};

static void put_cells(struct ptv_text *t, const struct cells *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		size_t start = t->len;
		ptv_printf(t, "%s", c->c[i]);
		if (i + 1 < c->n)
			pad_to(t, start, COLUMN);
	}
	ptv_printf(t, "\n");
}

static char *cell(struct cells *c)
{
	return c->c[c->n++];
}

static void render_modern(struct ptv_pte *v, struct ptv_text *t)
{
	const struct ptw_mode *m = v->m;
	const struct ptw_xlat *x = &v->x;
	int w = ptv_va_digits(m);
	int aw = v->sm.s >= 0 ? w : 16;
	unsigned reached = x->nsteps ? x->nsteps - 1 : 0;
	bool large = x->status == PTW_MAPPED && reached < m->nlevels - 1 && !x->soft;
	bool selfmap = v->sm.s >= 0;
	struct cells at = { .n = 0 }, has = { .n = 0 }, state = { .n = 0 };
	/* The VA over the columns: 43 spaces on x86-64, 20 on PAE. */
	ptv_printf(t, "%*sVA %0*" PRIx64 "\n", w == 16 ? 43 : 20, "", w, x->va);
	for (unsigned l = v->first; l <= v->last; l++) {
		bool ok;
		uint64_t a = ptv_pte_column_addr(v, l, &ok);
		if (!ok)
			break;
		snprintf(cell(&at), 64, "%s at %0*" PRIX64, m->level[l].windbg_pte, aw, a);
	}
	/* Contents down to the first missing entry; under a large page the
	 * lower entries are zeros where their addresses are known. */
	for (unsigned l = v->first; l <= v->last; l++) {
		if (l <= reached)
			snprintf(cell(&has), 64, "contains %0*" PRIX64, (int)m->entry_size * 2,
				 x->step[l].entry);
		else if (large && selfmap)
			snprintf(cell(&has), 64, "contains %0*d", (int)m->entry_size * 2, 0);
		else
			break;
	}
	for (unsigned l = v->first; l <= v->last; l++) {
		if (l <= reached) {
			column_state(v, l, cell(&state), 64);
		} else if (large && (l == v->last || !selfmap)) {
			/* the 4 KiB frame that holds the VA */
			snprintf(cell(&state), 64, "LARGE PAGE pfn %" PRIx64, x->pa >> v->m->page_shift);
			break;
		} else if (large) {
			cell(&state)[0] = '\0';
		} else {
			break;
		}
	}
	put_cells(t, &at);
	put_cells(t, &has);
	put_cells(t, &state);
}

/* 32-bit x86: WinDbg's older two-column form (Microsoft's !pte page). */
static void render_x86(struct ptv_pte *v, struct ptv_text *t)
{
	const struct ptw_xlat *x = &v->x;
	bool ok0, ok1;
	uint64_t a0 = ptv_pte_column_addr(v, 0, &ok0), a1 = ptv_pte_column_addr(v, 1, &ok1);
	unsigned reached = x->nsteps ? x->nsteps - 1 : 0;
	bool large = x->status == PTW_MAPPED && x->nsteps == 1;
	ptv_printf(t, "%08" PRIX64 "  - PDE at %08" PRIX64, x->va, a0);
	if (ok1 && v->last >= 1)
		ptv_printf(t, "        PTE at %08" PRIX64, a1);
	ptv_printf(t, "\n          contains %08" PRIX64, x->step[0].entry);
	if (v->last >= 1 && (reached >= 1 || large))
		ptv_printf(t, "      contains %08" PRIX64, reached >= 1 ? x->step[1].entry : 0);
	/* WinDbg's x86 form runs pfn and flags together: "pfn 3b G-DA--KWV" */
	char st[64];
	compact_state(v, 0, st, sizeof st);
	ptv_printf(t, "\n        %s", st);
	if (v->last >= 1 && reached >= 1) {
		compact_state(v, 1, st, sizeof st);
		ptv_printf(t, "    %s", st);
	} else if (v->last >= 1 && large) {
		ptv_printf(t, "    LARGE PAGE pfn %" PRIx64, x->pa >> v->m->page_shift);
	}
	ptv_printf(t, "\n");
}

/* The OS's software bits of the entries shown, by its names, where
 * WinDbg's letters have none (Linux x86: "special", "soft-dirty"...;
 * paging/x86.c): one line after the block, only when some is set.
 * Windows spaces never get it: their text stays WinDbg's. */
static void software_note(const struct ptw_space *sp, const unsigned *lvl,
			  const uint64_t *e, unsigned n, struct ptv_text *t)
{
	bool any = false;
	for (unsigned i = 0; i < n; i++) {
		char names[128];
		if (!ptw_entry_software(sp, lvl[i], e[i], names, sizeof names))
			continue;
		ptv_printf(t, "%s%s %s", any ? "; " : "(Linux software bits: ",
			   sp->mode->level[lvl[i]].windbg_pte, names);
		any = true;
	}
	if (any)
		ptv_printf(t, ")\n");
}

static void block_software(const struct ptv_pte *v, struct ptv_text *t)
{
	unsigned lvl[PTW_MAX_LEVELS], n = 0;
	uint64_t e[PTW_MAX_LEVELS];
	for (unsigned l = v->first; l <= v->last && l < v->x.nsteps; l++) {
		lvl[n] = l;
		e[n++] = v->x.step[l].entry;
	}
	software_note(v->sp, lvl, e, n, t);
}

int ptv_pte_at(const struct ptw_space *sp, uint64_t va, unsigned last,
	       struct ptv_pte *v, struct ptv_text *why)
{
	*v = (struct ptv_pte){ .sp = sp, .m = sp->mode, .sm = selfmap_of(sp) };
	struct ptw_error err;
	if (ptw_translate(sp, va, &v->x, &err)) {
		ptv_printf(why, "%s\n", err.msg);
		return -EINVAL;
	}
	v->first = first_column(v->m);
	v->last = last;
	return 0;
}

int ptv_pte_of(const struct ptw_space *sp, uint64_t addr, struct ptv_pte *v,
	       struct ptv_text *why)
{
	const struct ptw_mode *m = sp->mode;
	if (!ptw_mode_va_valid(m, addr)) {
		ptv_printf(why, "%s\n", m->canonical ? "not a canonical address"
						     : "beyond the 4 GiB address space");
		return -EINVAL;
	}
	uint64_t va;
	unsigned lvl;
	if (entry_of_address(m, selfmap_of(sp), addr, &va, &lvl))
		return ptv_pte_at(sp, va, lvl, v, why);
	return ptv_pte_at(sp, addr, m->nlevels - 1, v, why);
}

int ptv_pte_range_pages(const struct ptw_space *sp, uint64_t start, uint64_t end,
			uint64_t max_pages, uint64_t *first, uint64_t *last,
			struct ptv_text *why)
{
	const struct ptw_mode *m = sp->mode;
	if (!ptw_mode_va_valid(m, start) || !ptw_mode_va_valid(m, end)) {
		ptv_printf(why, "%" PRIx64 " is not a %s address\n",
			   ptw_mode_va_valid(m, start) ? end : start,
			   m->canonical ? "canonical" : "32-bit");
		return -EINVAL;
	}
	if (ptw_mode_offset_from_va(m, end) < ptw_mode_offset_from_va(m, start)) {
		/* WinDbg reads any small second number as the literal form;
		 * ptfs only 1 (ptv_render_pte_literal), so that a range is
		 * never mistaken for it. */
		ptv_printf(why, "the range's end %" PRIx64 " lies below its start %" PRIx64
			   " (an entry at a literal address is pte ADDR 1)\n", end, start);
		return -EINVAL;
	}
	/* a block per page of the mode's size */
	const uint64_t page = 1ULL << m->page_shift;
	*first = ptw_mode_offset_from_va(m, start) & ~(page - 1);
	*last = ptw_mode_offset_from_va(m, end) & ~(page - 1);
	if (max_pages && (*last - *first) / page + 1 > max_pages)
		return -E2BIG;
	return 0;
}

static void render_pte_block(struct ptv_pte *v, struct ptv_text *t)
{
	if (v->m->windbg.two_column) {
		render_x86(v, t);
	} else if (v->x.nsteps && v->x.nsteps - 1 < v->first && v->x.status != PTW_MAPPED) {
		/* PAE: the walk ends at a PDPTE, which !pte has no column for */
		const struct ptw_step *st = &v->x.step[v->x.nsteps - 1];
		ptv_printf(t, "%20sVA %08" PRIx64 "\n%s at %016" PRIX64 "  contains %016" PRIX64
			   "\nnot valid\n", "", v->x.va, v->m->level[v->x.nsteps - 1].entry_name,
			   st->addr, st->entry);
	} else {
		render_modern(v, t);
	}
	ptv_render_nonpresent_notes(v->sp, &v->x, v->last, t);
	block_software(v, t);
	if (v->sm.s < 0)
		ptv_printf(t, "(no self-map: the entry addresses above are physical)\n");
}

int ptv_render_pte(const struct ptw_space *sp, uint64_t addr, struct ptv_text *t)
{
	struct ptv_pte v;
	if (ptv_pte_of(sp, addr, &v, t))
		return -EINVAL;
	render_pte_block(&v, t);
	return 0;
}

int ptv_render_pte_range(const struct ptw_space *sp, uint64_t start,
			 uint64_t end, uint64_t max_pages, struct ptv_text *t)
{
	const struct ptw_mode *m = sp->mode;
	uint64_t first, last;
	int rc = ptv_pte_range_pages(sp, start, end, max_pages, &first, &last, t);
	if (rc)
		return rc;
	for (uint64_t off = first;; off += 1ULL << m->page_shift) {
		struct ptv_pte v;
		if (off != first)
			ptv_printf(t, "\n");
		if (!ptv_pte_at(sp, ptw_mode_va_from_offset(m, off), m->nlevels - 1, &v, t))
			render_pte_block(&v, t);
		if (off == last || t->oom)
			break;
	}
	return t->oom ? -ENOMEM : 0;
}

/* ---- !pte LiteralAddress 1 ---------------------------------------------------- */

/* The self-map window: the VAs at which the space's entries appear. */
static void window_of(const struct ptw_mode *m, struct ptv_selfmap sm, uint64_t *lo,
		      uint64_t *hi)
{
	if (sm.pae) { /* four PDs' worth of PTEs from c0000000 */
		*lo = 0xc0000000ULL;
		*hi = 0xc07fffffULL;
		return;
	}
	unsigned shift = m->level[0].shift;
	*lo = ptw_sign_extend(m, (uint64_t)sm.s << shift);
	*hi = *lo + ((1ULL << shift) - 1);
}

/* The entry-sized value at addr: a VA in the self-map window where the
 * space has one (read through the space, as WinDbg reads it), else a
 * physical address (Linux: no window).  why says what is wrong. */
static int literal_entry(const struct ptw_space *sp, struct ptv_selfmap sm, uint64_t addr,
			 uint64_t *pa_out, uint64_t *e, struct ptv_text *why)
{
	const struct ptw_mode *m = sp->mode;
	unsigned es = m->entry_size;
	int w = ptv_va_digits(m);
	if (addr % es) {
		ptv_printf(why, "%" PRIx64 " is not %u-byte aligned, as an entry's address is\n",
			   addr, es);
		return -EINVAL;
	}
	uint64_t pa = addr;
	if (sm.s >= 0) {
		uint64_t lo, hi;
		window_of(m, sm, &lo, &hi);
		if (addr < lo || addr > hi) {
			ptv_printf(why, "%" PRIx64 " is not in the page tables' self-map window %0*"
				   PRIX64 "-%0*" PRIX64 "\n", addr, w, lo, w, hi);
			return -EINVAL;
		}
		struct ptw_xlat x;
		struct ptw_error err;
		if (ptw_translate(sp, addr, &x, &err)) {
			ptv_printf(why, "%s\n", err.msg);
			return -EINVAL;
		}
		if (x.status != PTW_MAPPED) {
			ptv_printf(why, "%" PRIx64 " is not mapped: no table of the space is there\n",
				   addr);
			return -EINVAL;
		}
		pa = x.pa;
	}
	if (!ptw_phys_entry(sp->dump, pa, es, e)) {
		if (sm.s >= 0)
			ptv_printf(why, "%" PRIx64 " is unreadable: its physical address %" PRIx64
				   " lies outside the dump\n", addr, pa);
		else
			ptv_printf(why, "%" PRIx64 " is unreadable: physical address outside the dump"
				   " (no self-map: the address is physical)\n", addr);
		return -EINVAL;
	}
	*pa_out = pa;
	return 0;
}

int ptv_pte_literal_of(const struct ptw_space *sp, uint64_t addr,
		       struct ptv_pte_literal *r, struct ptv_text *why)
{
	const struct ptw_mode *m = sp->mode;
	*r = (struct ptv_pte_literal){ .sp = sp, .sm = selfmap_of(sp), .addr = addr };
	int rc = literal_entry(sp, r->sm, addr, &r->pa, &r->e, why);
	if (rc)
		return rc;
	/* The value as the last level's entry and as the one above it. */
	unsigned pte = m->nlevels - 1;
	ptv_entry_rec(sp, pte - 1, r->e, &r->as_pde);
	ptv_entry_rec(sp, pte, r->e, &r->as_pte);
	return 0;
}

int ptv_render_pte_literal(const struct ptw_space *sp, uint64_t addr, struct ptv_text *t)
{
	const struct ptw_mode *m = sp->mode;
	struct ptv_pte_literal r;
	int rc = ptv_pte_literal_of(sp, addr, &r, t);
	if (rc)
		return rc;
	unsigned pde = r.as_pde.lvl, pte = r.as_pte.lvl;
	uint64_t e = r.e;
	bool selfmap = r.sm.s >= 0;
	int w = ptv_va_digits(m), aw = selfmap ? w : 16, cw = (int)m->entry_size * 2;
	char st0[64], st1[64];
	size_t col;
	if (m->windbg.two_column) {
		rec_compact(&r.as_pde, st0, sizeof st0);
		rec_compact(&r.as_pte, st1, sizeof st1);
		ptv_printf(t, "%08" PRIX64 "  - PDE at %08" PRIX64 "        PTE at %08" PRIX64
			   "\n          contains %08" PRIX64 "      contains %08" PRIX64
			   "\n        %s    %s\n", addr, addr, addr, e, e, st0, st1);
		col = m->level[pte].windbg_col;
	} else {
		struct cells at = { .n = 0 }, has = { .n = 0 }, state = { .n = 0 };
		rec_state(&r.as_pde, st0, sizeof st0);
		rec_state(&r.as_pte, st1, sizeof st1);
		/* WinDbg echoes the address over the columns; a physical one
		 * (no self-map) is no VA, and says so. */
		ptv_printf(t, "%*s%s %0*" PRIx64 "\n", w == 16 ? 43 : 20, "",
			   selfmap ? "VA" : "PA", selfmap ? w : 16, addr);
		snprintf(cell(&at), 64, "%s at %0*" PRIX64, m->level[pde].windbg_pte, aw, addr);
		snprintf(cell(&at), 64, "%s at %0*" PRIX64, m->level[pte].windbg_pte, aw, addr);
		for (unsigned i = 0; i < 2; i++)
			snprintf(cell(&has), 64, "contains %0*" PRIX64, cw, e);
		snprintf(cell(&state), 64, "%s", st0);
		snprintf(cell(&state), 64, "%s", st1);
		put_cells(t, &at);
		put_cells(t, &has);
		put_cells(t, &state);
		col = COLUMN;
	}
	if (e && !r.as_pte.valid) {
		/* what the OS keeps in it, as a PTE, under its column */
		char indent[160];
		if (col > sizeof indent - 2)
			col = sizeof indent - 2;
		memset(indent, ' ', col + 1);
		indent[col + 1] = '\0';
		ptv_describe_soft(sp, pte, e, indent, t);
	}
	software_note(sp, (const unsigned[]){ pde, pte }, (const uint64_t[]){ e, e }, 2, t);
	if (!selfmap)
		ptv_printf(t, "(no self-map: the entry address above is physical)\n");
	return t->oom ? -ENOMEM : 0;
}

/* ---- non-present entries ---------------------------------------------------- */

void ptv_soft_of(const struct ptw_space *s, unsigned lvl, uint64_t e,
		 struct ptw_swpte *sw)
{
	const struct ptw_mode *m = s->mode;
	ptw_decode_entry(m, s->os, s->os_release, lvl, e,
			 (ptw_dump_phys_end(s->dump) - 1) >> m->page_shift, sw);
}

/* What a non-present entry holds, as lines of "key: value" text (shared by
 * !pte's notes and the entry files). */
void ptv_describe_soft(const struct ptw_space *s, unsigned lvl, uint64_t e,
		       const char *indent, struct ptv_text *t)
{
	const struct ptw_mode *m = s->mode;
	struct ptw_swpte sw;
	char prot[48];
	ptv_soft_of(s, lvl, e, &sw);
	ptw_win_protection(sw.protection, prot, sizeof prot);
	/* WinDbg's lines (its !pte of an invalid PTE). */
	switch (sw.kind) {
	case PTW_SW_TRANSITION:
		ptv_printf(t, "%sTransition: %" PRIx64 "\n%sProtect: %s\n", indent, sw.pfn,
			   indent, prot);
		break;
	case PTW_SW_PROTOTYPE:
		if (sw.vad)
			ptv_printf(t, "%sProto: VAD\n%sProtect: %s\n", indent, indent, prot);
		else
			ptv_printf(t, "%sProto: %0*" PRIX64 "\n", indent,
				   m->entry_size == 8 && m->canonical ? 16 : 8, sw.proto);
		break;
	case PTW_SW_PAGEFILE:
		ptv_printf(t, "%sPageFile: %2" PRIx64 "\n%sOffset: %" PRIx64 "\n%sProtect: %s\n",
			   indent, sw.file, indent, sw.offset, indent, prot);
		break;
	case PTW_SW_DEMAND_ZERO:
		ptv_printf(t, "%sDemandZero\n%sProtect: %s\n", indent, indent, prot);
		break;
	case PTW_SW_SWAP:
		ptv_printf(t, "%sSwap: type %" PRIu64 ", offset %" PRIx64 "\n", indent,
			   sw.file, sw.offset);
		break;
	case PTW_SW_PROTNONE:
		ptv_printf(t, "%sProtNone: pfn %" PRIx64 " (resident; not present to the CPU)\n",
			   indent, sw.pfn);
		break;
	default:
		break;
	}
}

void ptv_render_nonpresent_notes(const struct ptw_space *s,
				 const struct ptw_xlat *x, unsigned last,
				 struct ptv_text *t)
{
	const struct ptw_mode *m = s->mode;
	if (!x->nsteps)
		return;
	unsigned lvl = x->nsteps - 1;
	uint64_t e = x->step[lvl].entry;
	if (pt_valid(m, lvl, e) || e == 0 || lvl > last)
		return;
	/* Under the "not valid" of its column, as WinDbg indents them. */
	char indent[160];
	size_t col = m->level[lvl].windbg_col;
	if (col > sizeof indent - 2)
		col = sizeof indent - 2;
	memset(indent, ' ', col + 1);
	indent[col + 1] = '\0';
	ptv_describe_soft(s, lvl, e, indent, t);
}

/* ---- !vtop ---------------------------------------------------------------------- */

/* WinDbg's names of the levels in !vtop lines. */
static const char *vtop_name(const struct ptw_mode *m, unsigned lvl)
{
	return m->level[lvl].windbg_vtop;
}

/* Amd64VtoP prints each entry's physical address; X86VtoP adds " - " and
 * its contents, and PAE puts "PAE " before every step. */
int ptv_render_vtop(const struct ptw_space *sp, uint64_t va, struct ptv_text *t)
{
	const struct ptw_mode *m = sp->mode;
	bool wide = m->va_bits > 32;
	char who[24];
	snprintf(who, sizeof who, "%sVtoP", m->windbg.cpu);
	const char *tag = m->windbg.pae ? "PAE " : "";
	int cw = (int)m->entry_size * 2;
	struct ptw_xlat x;
	struct ptw_error err;
	if (ptw_translate(sp, va, &x, &err)) {
		ptv_printf(t, "%s: %s\n", who, err.msg);
		return -EINVAL;
	}
	ptv_printf(t, "%s: Virt %016" PRIx64 ", pagedir %016" PRIx64 "\n", who, va,
		   sp->dirbase);
	for (unsigned l = 0; l < x.nsteps; l++) {
		uint64_t e = x.step[l].entry;
		ptv_printf(t, "%s: %s%s %016" PRIx64, who, tag, vtop_name(m, l), x.step[l].addr);
		if (!wide)
			ptv_printf(t, " - %0*" PRIx64, cw, e);
		ptv_printf(t, "\n");
		if (!pt_valid(m, l, e) && !x.soft) {
			/* WinDbg's "zero PTE" for an empty entry; what a
			 * non-zero one holds, in the words of !pte. */
			if (e == 0) {
				ptv_printf(t, "%s: %szero %s\n", who, tag, vtop_name(m, l));
			} else {
				struct ptv_text d = {0};
				ptv_describe_soft(sp, l, e, "", &d);
				ptv_printf(t, "%s: %s%s not valid%s", who, tag, vtop_name(m, l),
					   d.len ? ": " : "\n");
				for (size_t i = 0; i < d.len; i++) /* one line of it */
					ptv_printf(t, "%s", d.p[i] == '\n' && i + 1 < d.len ? ", "
							    : (char[2]){ d.p[i], 0 });
				ptv_text_free(&d);
			}
			break;
		}
	}
	if (x.status == PTW_MAPPED) {
		bool large = x.page_size > 1ULL << m->page_shift;
		if (x.soft)
			ptv_printf(t, "%s: %stransition PTE, page in memory\n", who, tag);
		ptv_printf(t, "%s: %s%sapped phys %016" PRIx64 "\n", who, tag,
			   large ? "Large page m" : "M", x.pa);
		ptv_printf(t, "Virtual address %" PRIx64 " translates to physical address %" PRIx64 ".\n",
			   va, x.pa);
	} else {
		if (x.status == PTW_RESERVED)
			ptv_printf(t, "%s: %sreserved bits set in %s\n", who, tag,
				   vtop_name(m, x.nsteps - 1));
		else if (x.status == PTW_TABLE_HOLE)
			ptv_printf(t, "%s: %stable outside the dump\n", who, tag);
		ptv_printf(t, "Virtual address %" PRIx64 " translation fails, error " FAIL_STATUS ".\n",
			   va);
	}
	return t->oom ? -ENOMEM : 0;
}

/* ---- !ptov ----------------------------------------------------------------------- */

struct each_ptov {
	ptv_ptov_fn fn;
	void *ctx;
};

/* A run is one line per page of it. */
static int ptov_pages(void *ctx, const struct ptw_run *r)
{
	struct each_ptov *c = ctx;
	for (uint64_t off = 0; off < r->size; off += r->page_size)
		if (c->fn(c->ctx, r->pa + off, r->va + off, r->page_size))
			return 1;
	return 0;
}

int ptv_each_ptov(const struct ptw_space *sp, ptv_ptov_fn fn, void *ctx)
{
	const struct ptw_mode *m = sp->mode;
	struct each_ptov c = { fn, ctx };
	uint64_t top = ptw_mode_va_from_offset(m, ptw_mode_va_size(m) - 1);
	return ptw_iterate(sp, 0, top, ptov_pages, &c, NULL, NULL) ? -ENOMEM : 0;
}

struct ptov_ctx {
	const struct ptw_mode *m;
	struct ptv_text *t;
	uint64_t len;
};

/* Amd64PtoV prints 16-digit columns; X86PtoV compact hex. */
static int ptov_line(void *ctx, uint64_t pa, uint64_t va, uint64_t page_size)
{
	struct ptov_ctx *c = ctx;
	bool wide = c->m->va_bits > 32;
	int w = wide ? 16 : 0;
	const char *tag = page_size == 1ULL << c->m->page_shift ? ""
			  : page_size >= (1ULL << 30) ? " (1GB large page)"
						      : " (large page)";
	char line[96];
	int n = snprintf(line, sizeof line, "%0*" PRIx64 " %0*" PRIx64 "%s\n",
			 w, pa, w, va, tag);
	c->len += (uint64_t)n;
	if (c->t)
		ptv_printf(c->t, "%s", line);
	return c->t && c->t->oom;
}

int ptv_render_ptov(const struct ptw_space *sp, struct ptv_text *t, uint64_t *len)
{
	const struct ptw_mode *m = sp->mode;
	bool wide = m->va_bits > 32;
	char head[64];
	int n = wide ? snprintf(head, sizeof head, "%sPtoV: pagedir %016" PRIx64 "\n",
				m->windbg.cpu, sp->dirbase)
		     : snprintf(head, sizeof head, "%sPtoV: pagedir %" PRIx64 "%s\n",
				m->windbg.cpu, sp->dirbase,
				m->windbg.pae ? ", PAE enabled." : "");
	struct ptov_ctx c = { m, t, (uint64_t)n };
	if (t)
		ptv_printf(t, "%s", head);
	if (ptv_each_ptov(sp, ptov_line, &c))
		return -ENOMEM;
	if (len)
		*len = c.len;
	return t && t->oom ? -ENOMEM : 0;
}
