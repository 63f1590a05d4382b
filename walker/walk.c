/* walk.c — the one page walk, driven by the mode's table of levels, and the
 * virtual-memory reads built on it.
 *
 * Like QEMU's mmu_translate, a single loop serves every mode: index the
 * table, read the entry, stop at a non-present or reserved entry, accumulate
 * rights, and either map a page (last level, or PS where the level allows
 * it) or descend.  The depth is the mode's level count, so a walk always
 * ends, whatever the tables point at.
 */
#include "internal.h"

#include <string.h>

int ptw_space_init(struct ptw_space *s, const ptw_dump *d,
		   const struct ptw_mode *m, uint64_t dirbase,
		   struct ptw_error *err)
{
	memset(s, 0, sizeof *s);
	s->dump = d;
	s->mode = m;
	s->cid = -1;
	s->ppid = -1;
	s->cpu = -1;
	if (dirbase & ~m->dirbase_mask)
		return ptw_fail(err, PTW_ERR_INVALID,
				"DirBase 0x%llx is not where a %s top table can start (%s)",
				(unsigned long long)dirbase, m->title,
				m->id == PTW_MODE_PAE	? "32-byte aligned, below 4 GiB"
				: m->id == PTW_MODE_X86 ? "page-aligned, below 4 GiB"
							: "page-aligned, within 52 bits");
	if (!ptw_phys_holds(d, dirbase, ptw_table_bytes(m, 0)))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"DirBase 0x%llx lies outside the dump's physical memory",
				(unsigned long long)dirbase);
	s->dirbase = dirbase;
	return 0;
}

int ptw_space_selfmap(const struct ptw_space *s)
{
	const struct ptw_mode *m = s->mode;
	const ptw_dump *d = s->dump;
	uint64_t e;
	if (m->id == PTW_MODE_PAE) {
		/* Windows PAE: the PD under PDPTE 3 maps the four PDs, so PTEs
		 * appear at C0000000 and PDEs at C0600000. */
		uint64_t pdpte[4], pd3;
		for (unsigned i = 0; i < 4; i++)
			if (!ptw_phys_entry(d, s->dirbase + 8 * i, 8, &pdpte[i]) ||
			    !(pdpte[i] & PTW_P))
				return -1;
		pd3 = pt_address(m, 0, pdpte[3]);
		for (unsigned i = 0; i < 4; i++)
			if (!ptw_phys_entry(d, pd3 + 8 * i, 8, &e) || !(e & PTW_P) ||
			    (e & PTW_PS) ||
			    pt_address(m, 1, e) != pt_address(m, 0, pdpte[i]))
				return -1;
		return 3;
	}
	unsigned n = ptw_level_entries(m, 0);
	/* The kernel's half holds the self-map on every system that has one;
	 * search it first, then the rest. */
	for (unsigned k = 0; k < n; k++) {
		unsigned i = (k + n / 2) % n;
		if (!ptw_phys_entry(d, s->dirbase + (uint64_t)i * m->entry_size,
				    m->entry_size, &e))
			return -1;
		if ((e & PTW_P) && !(e & PTW_PS) &&
		    pt_address(m, 0, e) == s->dirbase)
			return (int)i;
	}
	return -1;
}

static void set_span(const struct ptw_mode *m, struct ptw_xlat *x,
		     unsigned lvl)
{
	uint64_t span = pt_span(m, lvl);
	x->span_size = span;
	x->span_start = ptw_sign_extend(m, x->va & ~(span - 1));
}

int ptw_translate(const struct ptw_space *s, uint64_t va, struct ptw_xlat *x,
		  struct ptw_error *err)
{
	const struct ptw_mode *m = s->mode;
	/* Only the fields a caller may read; step[] is filled as far as
	 * nsteps says. */
	x->va = va;
	x->status = PTW_NOT_PRESENT;
	x->soft = false;
	x->nsteps = 0;
	x->pa = x->page_pa = x->page_size = x->eff = 0;
	x->span_start = x->span_size = 0;
	if (!ptw_mode_va_valid(m, va))
		return ptw_fail(err, PTW_ERR_NONCANONICAL,
				m->canonical ? "0x%llx is not a canonical %s address"
					     : "0x%llx is beyond the 4 GiB of %s",
				(unsigned long long)va, m->title);
	uint64_t table = s->dirbase;
	uint64_t acc = PT_RIGHTS_INIT;
	for (unsigned lvl = 0; lvl < m->nlevels; lvl++) {
		struct ptw_step *st = &x->step[lvl];
		st->table = table;
		st->index = ptw_index(m, lvl, va);
		st->addr = table + (uint64_t)st->index * m->entry_size;
		if (!ptw_phys_entry(s->dump, st->addr, m->entry_size, &st->entry)) {
			x->status = PTW_TABLE_HOLE;
			/* A table the dump holds none of fails its parent's whole
			 * span; one it holds part of fails only this entry's, as
			 * its other entries may still map. */
			if (lvl > 0 && !ptw_phys_any(s->dump, table, ptw_table_bytes(m, lvl)))
				set_span(m, x, lvl - 1);
			else
				set_span(m, x, lvl);
			return 0;
		}
		x->nsteps = lvl + 1;
		uint64_t e = st->entry;
		uint64_t pfn;
		if (!(e & PTW_P) && ptw_soft_resident(s, lvl, e, &pfn)) {
			/* A Windows transition PTE: read as the soft fault would. */
			x->status = PTW_MAPPED;
			x->soft = true;
			set_span(m, x, lvl);
			x->page_size = PTW_PAGE;
			x->page_pa = pfn << 12;
			x->pa = x->page_pa + (va & (PTW_PAGE - 1));
			x->eff = ptw_soft_flags(m, acc, e);
			return 0;
		}
		if (!(e & PTW_P)) {
			x->status = PTW_NOT_PRESENT;
			set_span(m, x, lvl);
			return 0;
		}
		if (pt_reserved(m, lvl, e)) {
			x->status = PTW_RESERVED;
			set_span(m, x, lvl);
			return 0;
		}
		acc = pt_rights_add(m, lvl, acc, e);
		if (pt_is_leaf(m, lvl, e)) {
			x->status = PTW_MAPPED;
			set_span(m, x, lvl);
			x->page_size = pt_span(m, lvl);
			x->page_pa = pt_address(m, lvl, e);
			x->pa = x->page_pa + (va & (x->page_size - 1));
			x->eff = pt_rights_apply(acc, e);
			return 0;
		}
		table = pt_address(m, lvl, e);
	}
	return 0; /* not reached: the last level is always a leaf */
}

/* ---- a small translation cache ------------------------------------------ */

void ptw_tlb_reset(struct ptw_tlb *t)
{
	memset(t, 0, sizeof *t);
}

/* Translate va for a read, through the cache: *pa (when mapped) and the
 * number of bytes from va that share the result. */
static bool tlb_lookup(const struct ptw_space *s, struct ptw_tlb *t,
		       uint64_t va, uint64_t *pa, uint64_t *left)
{
	if (t->space != s) {
		ptw_tlb_reset(t);
		t->space = s;
	}
	for (unsigned i = 0; i < PTW_TLB_SLOTS; i++) {
		uint64_t off = va - t->slot[i].start;
		if (t->slot[i].size && off < t->slot[i].size) {
			*left = t->slot[i].size - off;
			*pa = t->slot[i].pa + off;
			return t->slot[i].mapped;
		}
	}
	struct ptw_xlat x;
	ptw_translate(s, va, &x, NULL); /* an invalid VA: not present */
	unsigned i = t->next++ % PTW_TLB_SLOTS;
	bool mapped = x.status == PTW_MAPPED;
	uint64_t start = mapped ? va & ~(x.page_size - 1) : x.span_start;
	uint64_t size = mapped ? x.page_size : x.span_size;
	if (size == 0) { /* unreadable top table: one page at a time */
		start = va & ~(PTW_PAGE - 1);
		size = PTW_PAGE;
	}
	t->slot[i].start = start;
	t->slot[i].size = size;
	t->slot[i].mapped = mapped;
	t->slot[i].pa = mapped ? x.page_pa + (start & (x.page_size - 1)) : 0;
	uint64_t off = va - start;
	*left = size - off;
	*pa = t->slot[i].pa + off;
	return mapped;
}

size_t ptw_vread(const struct ptw_space *s, struct ptw_tlb *tlb, uint64_t va,
		 void *buf, size_t len)
{
	const struct ptw_mode *m = s->mode;
	uint8_t *out = buf;
	size_t backed = 0;
	while (len) {
		uint64_t pa, left; /* left >= 1: va lies in the slot it found */
		bool mapped = tlb_lookup(s, tlb, va, &pa, &left);
		size_t n = left < len ? (size_t)left : len;
		if (mapped)
			backed += ptw_phys_read(s->dump, pa, out, n);
		else
			memset(out, 0, n);
		out += n;
		len -= n;
		/* Step within the mode's space: from the top of the lower half
		 * into the upper half, as the vmem file's offsets do. */
		va = ptw_mode_va_from_offset(m, ptw_mode_offset_from_va(m, va) + n);
	}
	return backed;
}
