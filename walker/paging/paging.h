/* paging/paging.h — paging modes as data and the one walk: the inline
 * accessors of entries the walk's hot loop uses, and the translation
 * readers step through memory with.  Includes only the dump and base layers. */
#ifndef PTW_PAGING_H
#define PTW_PAGING_H

#include "dump/dump.h"

/* ---- modes -------------------------------------------------------------- */

static inline unsigned ptw_index(const struct ptw_mode *m, unsigned lvl,
				 uint64_t va)
{
	const struct ptw_level *L = &m->level[lvl];
	return (unsigned)((va >> L->shift) & ((1ULL << L->bits) - 1));
}

/* A CR3 value (or a DirBase a user typed, or a kernel recorded) as the
 * mode's top-table address: PCID and flag bits dropped.  false when bits
 * remain that no CR3 has (mode.c). */
bool ptw_dirbase_from_cr3(const struct ptw_mode *m, uint64_t cr3, uint64_t *out);

static inline uint64_t ptw_sign_extend(const struct ptw_mode *m, uint64_t va)
{
	if (!m->canonical)
		return va;
	unsigned top = m->va_bits - 1;
	uint64_t high = ~0ULL << m->va_bits;
	return (va >> top) & 1 ? (va | high) : (va & ~high);
}

/* The hot accessors of the walk, inline here; mode.c exports them. */
static inline uint64_t pt_span(const struct ptw_mode *m, unsigned lvl)
{
	return 1ULL << m->level[lvl].shift;
}

/* Whether e maps a large page: PS where the level allows one. */
static inline bool pt_is_large(const struct ptw_mode *m, unsigned lvl,
			       uint64_t e)
{
	return lvl + 1 < m->nlevels && m->level[lvl].large && (e & PTW_PS);
}

static inline bool pt_is_leaf(const struct ptw_mode *m, unsigned lvl,
			      uint64_t e)
{
	return lvl + 1 == m->nlevels || pt_is_large(m, lvl, e);
}

static inline uint64_t pt_address(const struct ptw_mode *m, unsigned lvl,
				  uint64_t e)
{
	uint64_t a = e & m->frame_mask;
	if (pt_is_large(m, lvl, e)) {
		a &= ~(pt_span(m, lvl) - 1);
		if (m->pse36) /* PDE bits 20:13 hold PA bits 39:32 */
			a |= ((e >> 13) & 0xffULL) << 32;
	}
	return a;
}

static inline uint64_t pt_reserved(const struct ptw_mode *m, unsigned lvl,
				   uint64_t e)
{
	const struct ptw_level *L = &m->level[lvl];
	uint64_t r = e & L->rsvd;
	if (pt_is_large(m, lvl, e))
		r |= e & L->rsvd_large;
	return r;
}

/* Effective rights (QEMU's mmu_translate accumulates them the same way):
 * the accumulator keeps R/W and U/S while every level so far granted them,
 * and XD once any level forbade execution. */
static inline uint64_t pt_rights_add(const struct ptw_mode *m, unsigned lvl,
				     uint64_t acc, uint64_t e)
{
	if (!m->level[lvl].rights)
		return acc;
	acc &= e | ~(PTW_RW | PTW_US);
	if (m->nx)
		acc |= e & PTW_XD;
	return acc;
}

#define PT_RIGHTS_INIT (PTW_RW | PTW_US)

static inline uint64_t pt_rights_apply(uint64_t acc, uint64_t leaf)
{
	return (leaf & ~(PTW_RW | PTW_US | PTW_XD)) | acc;
}

/* Bytes of one table at level lvl (32 for the PAE PDPT). */
static inline uint64_t ptw_table_bytes(const struct ptw_mode *m, unsigned lvl)
{
	return (uint64_t)m->entry_size << m->level[lvl].bits;
}


/* ---- translation ---------------------------------------------------------- */

/* ptw_vtop for a VA valid for the mode, also telling in *left the bytes
 * from va that share the answer: to the end of its page when mapped, else
 * to the end of the unmapped stretch the failing entry covers.  For readers
 * that step through memory (ptw_vread, the owners' kernel reads, seeks). */
bool ptw_vtop_run(const struct ptw_space *s, struct ptw_tlb *t, uint64_t va,
		  uint64_t *pa, uint64_t *left);

#endif
