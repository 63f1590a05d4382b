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

/* ---- architectures ------------------------------------------------------ */

/* What an architecture's entries mean beyond the levels' masks: one
 * instance per architecture, in its own file (paging/x86.c), shared by its
 * modes (mode.c).
 *
 * What an entry is (not valid, table, leaf, reserved) is not an operation
 * here but the levels' data (struct ptw_level), read inline by pt_classify
 * below: the walk asks it of every entry of every translation, and a call
 * there would cost more than the rest of the level.  x86 and AArch64 both
 * fit it (a valid bit; a leaf test by mask and value, PS or bits[1:0]; a
 * reserved encoding, AArch64's 01 at the last level; reserved bits per
 * form; address masks; one field of displaced address bits, PSE-36 or
 * LPA/LPA2).  Rights pass down the same way, as masks (AArch64's APTable,
 * UXNTable and PXNTable OR-accumulate like x86's XD); only merging them
 * into the leaf, once per page, is the arch's. */
struct ptw_arch {
	const char *name;        /* "x86" */
	/* Rights: the accumulator before the top level (x86: R/W and U/S
	 * granted), and the effective entry of a leaf at lvl under the rights
	 * acc its tables passed down (the levels' rights_and/rights_or).
	 * ptw_translate and the iteration call it; ptw_vtop does not. */
	uint64_t rights_init;
	uint64_t (*rights_apply)(const struct ptw_mode *m, unsigned lvl,
				 uint64_t acc, uint64_t leaf);
	/* Letters for an entry's own flags, and for a page's effective rights
	 * (maps): ptw_flags_string, ptw_rights_string. */
	void (*flags_string)(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			     char *buf);
	void (*rights_string)(const struct ptw_mode *m, unsigned lvl,
			      uint64_t eff, char *buf);
	/* A non-zero entry that is not valid, as os wrote it (out zeroed). */
	void (*decode)(const struct ptw_mode *m, enum ptw_os os, uint32_t release,
		       unsigned lvl, uint64_t e, uint64_t max_pfn,
		       struct ptw_swpte *out);
	/* Such an entry whose page the OS reads back without I/O (Windows'
	 * transition PTEs), and the effective flags of a page read through
	 * it: ptw_soft_resident, ptw_soft_flags. */
	bool (*soft_resident)(const struct ptw_space *s, unsigned lvl,
			      uint64_t e, uint64_t *pfn);
	uint64_t (*soft_flags)(const struct ptw_mode *m, uint64_t acc, uint64_t e);
	/* A valid entry's fields by name, beyond what the letters show, for
	 * entry files (ptw_entry_attributes); NULL: none (x86: its letters
	 * say all). */
	void (*attributes)(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			   char *buf, size_t size);
	/* The bits of an entry that os uses for its own ends where the
	 * letters would name something else (x86 Linux: bit 9, WinDbg's C),
	 * left out of ptw_space_flags_string; NULL: none. */
	uint64_t (*unlettered)(const struct ptw_mode *m, enum ptw_os os);
	/* A valid entry's software bits by the names os gives them, into
	 * buf (ptw_entry_software); NULL: none. */
	void (*software)(const struct ptw_mode *m, enum ptw_os os, uint32_t release,
			 unsigned lvl, uint64_t e, char *buf, size_t size);
};

extern const struct ptw_arch ptw_arch_x86;
extern const struct ptw_arch ptw_arch_aarch64;

/* Whether m is x86-64 (4- or 5-level): for what only its kernels do
 * (Linux's __START_KERNEL_map, KALLSYMS_ABSOLUTE_PERCPU). */
static inline bool ptw_mode_x86_64(const struct ptw_mode *m)
{
	return m->arch == &ptw_arch_x86 && m->va_bits > 32;
}

/* ---- entries: the levels' masks, inline for the hot paths --------------- */

static inline uint64_t pt_span(const struct ptw_mode *m, unsigned lvl)
{
	return 1ULL << m->level[lvl].shift;
}

static inline bool pt_valid(const struct ptw_mode *m, unsigned lvl, uint64_t e)
{
	return (e & m->level[lvl].valid) != 0;
}

/* Whether e is in the form of a leaf (valid or not): the last level's
 * entries all are. */
static inline bool pt_is_leaf(const struct ptw_mode *m, unsigned lvl,
			      uint64_t e)
{
	const struct ptw_level *L = &m->level[lvl];
	return lvl + 1 == m->nlevels || (e & L->leaf_mask) == L->leaf_value;
}

/* The displaced address bits of e that f describes. */
static inline uint64_t pt_oa_bits(struct ptw_oa_bits f, uint64_t e)
{
	return ((e >> f.from) & ((1ULL << f.width) - 1)) << f.to;
}

static inline uint64_t pt_leaf_address(const struct ptw_level *L, uint64_t e)
{
	uint64_t a = e & L->addr_leaf;
	if (__builtin_expect(L->oa_leaf.width != 0, 0))
		a |= pt_oa_bits(L->oa_leaf, e);
	return a;
}

static inline uint64_t pt_table_address(const struct ptw_level *L, uint64_t e)
{
	uint64_t a = e & L->addr_table;
	if (__builtin_expect(L->oa_table.width != 0, 0))
		a |= pt_oa_bits(L->oa_table, e);
	return a;
}

/* The address in e as its form reads it: the page's base or the next
 * table's. */
static inline uint64_t pt_address(const struct ptw_mode *m, unsigned lvl,
				  uint64_t e)
{
	const struct ptw_level *L = &m->level[lvl];
	return pt_is_leaf(m, lvl, e) ? pt_leaf_address(L, e) : pt_table_address(L, e);
}

static inline bool pt_bad_encoding(const struct ptw_level *L, uint64_t e)
{
	return (e & L->bad_mask) == L->bad_value;
}

/* The reserved bits e has set as its form reads it; a reserved encoding
 * gives the bits of its encoding. */
static inline uint64_t pt_reserved(const struct ptw_mode *m, unsigned lvl,
				   uint64_t e)
{
	const struct ptw_level *L = &m->level[lvl];
	uint64_t r = e & (pt_is_leaf(m, lvl, e) ? L->rsvd_leaf : L->rsvd_table);
	return pt_bad_encoding(L, e) ? r | L->bad_mask : r;
}

/* What e is, and in *addr the address it holds (0 when not valid). */
static inline enum ptw_entry_kind pt_classify(const struct ptw_mode *m,
					      unsigned lvl, uint64_t e,
					      uint64_t *addr)
{
	const struct ptw_level *L = &m->level[lvl];
	if (!(e & L->valid)) {
		*addr = 0;
		return PTW_ENTRY_INVALID;
	}
	bool leaf = pt_is_leaf(m, lvl, e);
	*addr = leaf ? pt_leaf_address(L, e) : pt_table_address(L, e);
	if (pt_bad_encoding(L, e) || (e & (leaf ? L->rsvd_leaf : L->rsvd_table)))
		return PTW_ENTRY_RESERVED;
	return leaf ? PTW_ENTRY_LEAF : PTW_ENTRY_TABLE;
}

/* Rights a table entry e at lvl passes down, added to acc. */
static inline uint64_t pt_rights_add(const struct ptw_level *L, uint64_t acc,
				     uint64_t e)
{
	return (acc & (e | ~L->rights_and)) | (e & L->rights_or);
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
