/* paging/walk.c — the one page walk, driven by the mode's table of levels, and the
 * virtual-memory reads built on it.
 *
 * Like QEMU's mmu_translate, a single loop serves every mode: index the
 * table, read the entry, stop at a non-present or reserved entry, accumulate
 * rights, and either map a page (last level, or PS where the level allows
 * it) or descend.  The depth is the mode's level count, so a walk always
 * ends, whatever the tables point at.
 */
#include "paging/paging.h"

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
				(unsigned long long)dirbase, m->title, m->dirbase_rule);
	if (!ptw_phys_holds(d, dirbase, ptw_table_bytes(m, 0)))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"DirBase 0x%llx lies outside the dump's physical memory",
				(unsigned long long)dirbase);
	s->dirbase = dirbase;
	s->root[0] = s->root[1] = dirbase;
	return 0;
}

int ptw_space_set_roots(struct ptw_space *s, uint64_t lower, uint64_t upper,
			struct ptw_error *err)
{
	const struct ptw_mode *m = s->mode;
	if (!m->split)
		return ptw_fail(err, PTW_ERR_INVALID,
				"%s has one root, not a lower and an upper one", m->title);
	const uint64_t roots[2] = { lower, upper };
	for (unsigned i = 0; i < 2; i++) {
		uint64_t r = roots[i];
		if (r == PTW_NO_ROOT)
			continue;
		if (r & ~m->dirbase_mask)
			return ptw_fail(err, PTW_ERR_INVALID,
					"%s table 0x%llx is not where a %s top table can start (%s)",
					i ? "upper" : "lower", (unsigned long long)r,
					m->title, m->dirbase_rule);
		if (!ptw_phys_holds(s->dump, r, ptw_table_bytes(m, 0)))
			return ptw_fail(err, PTW_ERR_NOT_FOUND,
					"%s table 0x%llx lies outside the dump's physical memory",
					i ? "upper" : "lower", (unsigned long long)r);
	}
	s->root[0] = lower;
	s->root[1] = upper;
	return 0;
}

int ptw_space_selfmap(const struct ptw_space *s)
{
	const struct ptw_mode *m = s->mode;
	const ptw_dump *d = s->dump;
	uint64_t e, a;
	if (m->pae_selfmap) {
		/* Windows PAE: the PD under PDPTE 3 maps the four PDs, so PTEs
		 * appear at C0000000 and PDEs at C0600000. */
		uint64_t pdpte[4], pd3;
		for (unsigned i = 0; i < 4; i++)
			if (!ptw_phys_entry(d, s->dirbase + 8 * i, 8, &pdpte[i]) ||
			    !pt_valid(m, 0, pdpte[i]))
				return -1;
		pd3 = pt_address(m, 0, pdpte[3]);
		for (unsigned i = 0; i < 4; i++)
			if (!ptw_phys_entry(d, pd3 + 8 * i, 8, &e) || !pt_valid(m, 1, e) ||
			    pt_is_leaf(m, 1, e) ||
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
		if (pt_classify(m, 0, e, &a) == PTW_ENTRY_TABLE && a == s->dirbase)
			return (int)i;
	}
	return -1;
}

/* ---- the walk ---------------------------------------------------------------- */

/* How a walk ended: the common result of ptw_translate, which also records
 * every step for display, and of the address-only ptw_vtop. */
struct walk_end {
	enum ptw_status status;
	unsigned lvl;           /* the level of the last entry read, or of the
				 * entry that could not be read */
	bool parent_span;       /* TABLE_HOLE: the dump holds none of the table,
				 * so its parent's whole span fails alike */
	uint64_t page_pa;       /* MAPPED: the page's base, */
	uint64_t page_size;     /* its size */
	uint64_t eff;           /* and its effective flags (set by the walks
				 * that record, x: only ptw_translate reads it) */
	bool soft;              /* mapped through a Windows transition PTE */
	bool bail;              /* a walk_shape.bail walk gave up */
	bool no_root;           /* NOT_PRESENT: va's half has no table */
};

/* The top table va's half translates through (split modes have two). */
static inline uint64_t root_of(const struct ptw_space *s, uint64_t va)
{
	return s->root[va >> 63];
}

/* Whether the tlb's cached tables belong to s.  Its identity is what the
 * walk depends on, not the address of a struct that may be reused. */
static bool tlb_owned(const struct ptw_tlb *t, const struct ptw_space *s)
{
	return t->dump == s->dump && t->mode == s->mode && t->root[0] == s->root[0] &&
	       t->root[1] == s->root[1] && t->os == s->os;
}

static void tlb_claim(struct ptw_tlb *t, const struct ptw_space *s)
{
	ptw_tlb_reset(t);
	t->dump = s->dump;
	t->mode = s->mode;
	t->root[0] = s->root[0];
	t->root[1] = s->root[1];
	t->os = s->os;
}

/* Remember the table a walk enters at level lvl, with the rights above it,
 * and a pointer to its bytes when the file holds it whole in one place. */
static inline void tlb_enter(struct ptw_tlb *t, const struct ptw_space *s,
			     unsigned lvl, uint64_t va, uint64_t table, uint64_t acc)
{
	t->pwc_va = va;
	t->pwc_depth = lvl + 1;
	t->pwc_table[lvl] = table;
	t->pwc_acc[lvl] = acc;
	t->pwc_ptr[lvl] = ptw_phys_ptr(s->dump, table, ptw_table_bytes(s->mode, lvl));
	const struct ptw_mode *m = s->mode;
	if (lvl == m->nlevels - 1u && lvl > 0 && t->pwc_ptr[lvl]) {
		const struct ptw_level *L = &m->level[lvl];
		t->leaf.tab = t->pwc_ptr[lvl];
		t->leaf.tag_shift = m->level[lvl - 1].shift;
		t->leaf.tag = va >> t->leaf.tag_shift;
		t->leaf.shift = L->shift;
		t->leaf.index_mask = (uint16_t)((1u << L->bits) - 1);
		t->leaf.esz = (uint8_t)m->entry_size;
		t->leaf.want_mask = L->valid | L->leaf_mask;
		t->leaf.want = L->valid | L->leaf_value;
		t->leaf.rsvd = L->rsvd_leaf;
		t->leaf.frame = L->addr_leaf;
		/* The hit path reads an entry by these alone: it leaves to the
		 * walk levels whose pages carry displaced address bits, or
		 * whose reserved encoding those masks do not already refuse. */
		if (L->oa_leaf.width ||
		    (L->bad_mask && !((L->bad_value ^ t->leaf.want) & L->bad_mask &
				      t->leaf.want_mask)))
			t->leaf.tab = NULL;
	}
}

/* The deepest level whose table the last walk entered on va's path: the
 * table at level L depends only on the indices of the levels above it. */
static inline unsigned tlb_start(const struct ptw_tlb *t, const struct ptw_mode *m,
				 uint64_t va)
{
	uint64_t diff = (va ^ t->pwc_va) & ((1ULL << m->va_bits) - 1);
	for (unsigned lvl = t->pwc_depth; lvl-- > 1;)
		if ((diff >> m->level[lvl - 1].shift) == 0)
			return lvl;
	return 0;
}

/* Where a walk stops at the entry e of level lvl that is not present or has
 * reserved bits set; acc holds the rights granted above it. */
static void walk_stop(const struct ptw_space *s, unsigned lvl, uint64_t e,
		      uint64_t acc, struct walk_end *end)
{
	uint64_t pfn;
	if (pt_valid(s->mode, lvl, e)) {
		end->status = PTW_RESERVED;
	} else if (ptw_soft_resident(s, lvl, e, &pfn)) {
		/* A Windows transition PTE: read as the soft fault would. */
		end->status = PTW_MAPPED;
		end->soft = true;
		end->page_size = 1ULL << s->mode->page_shift;
		end->page_pa = pfn << s->mode->page_shift;
		end->eff = ptw_soft_flags(s->mode, acc, e);
	} else {
		end->status = PTW_NOT_PRESENT;
	}
}

/* Whether e, in the form whose check mask (valid | reserved bits) is
 * check, is valid, with no reserved bit set and (unless the mode is plain)
 * not a reserved encoding. */
static inline __attribute__((always_inline)) bool
entry_ok(const struct ptw_level *L, uint64_t e, uint64_t check, bool plain)
{
	return (e & check) == L->valid && (plain || !pt_bad_encoding(L, e));
}

/* What a call site fixes of the walk at compile time.  esz and nlevels, when
 * not 0, are the mode's entry size and level count (the common x86-64
 * 4-level form gets its own unrolled copy); with bail, the walk gives up
 * (end->bail) at anything but a present, valid entry the file holds as
 * plain bytes, so that its copy calls nothing and keeps all it needs in
 * registers: the caller then walks again the general way; with plain, the
 * mode is one whose levels have no reserved encoding and no displaced
 * address bits (struct ptw_mode's walk_plain), and the copy leaves out
 * their tests. */
struct walk_shape {
	unsigned esz, nlevels;
	bool bail, plain;
};
#define SHAPE_ANY ((struct walk_shape){ 0, 0, false, false })
#define SHAPE_X64_FAST ((struct walk_shape){ 8, 4, true, true })
/* Four levels of 8-byte entries with reserved encodings or displaced
 * address bits to test (AArch64 4 KiB, 48 bits): the same bail copy. */
#define SHAPE_4L_FAST ((struct walk_shape){ 8, 4, true, false })

/* The one walk: from the table at level lvl, with rights acc accumulated
 * above it.  x (when given) records each step for display; t (when given)
 * remembers the tables entered.  x, t and shape are constants at each call
 * site, so the compiler makes a lean copy for ptw_vtop and a recording one
 * for ptw_translate from this one text. */
static inline __attribute__((always_inline)) void
walk(const struct ptw_space *s, uint64_t va, unsigned lvl, uint64_t table,
     uint64_t acc, struct ptw_xlat *x, struct ptw_tlb *t,
     const struct walk_shape shape, struct walk_end *end)
{
	/* The mode's constants, read once: the loop below is the hot path of
	 * every read of virtual memory. */
	const struct ptw_mode *m = s->mode;
	const ptw_dump *d = s->dump;
	const unsigned esz = shape.esz ? shape.esz : m->entry_size;
	const unsigned last = (shape.nlevels ? shape.nlevels : m->nlevels) - 1;
	/* Once per walk, not per level: the tests plain modes do without
	 * (two loads and a compare each). */
	const bool plain = shape.plain || m->walk_plain;
	struct ptw_window win = d->window;
	/* The last offset in the window an entry can start at (bail walks:
	 * the window never moves); an empty window has none. */
	const uint64_t win_last = win.len >= esz ? win.len - esz : 0;
	if (shape.bail && win.len < esz) {
		end->bail = true;
		return;
	}
	end->soft = false;
	end->parent_span = false;
	end->bail = false;
	end->no_root = false;
	end->status = PTW_NOT_PRESENT; /* not reached: the last level ends it */
	if (__builtin_expect(table == PTW_NO_ROOT, 0)) {
		/* A split space's half with no table (only ever at the top). */
		end->lvl = 0;
		end->no_root = true;
		return;
	}
#pragma GCC unroll 6
	for (const struct ptw_level *L = &m->level[lvl]; lvl <= last; lvl++, L++) {
		unsigned index = (unsigned)((va >> L->shift) & L->index_mask);
		uint64_t addr = table + (uint64_t)index * esz;
		const uint8_t *tab = t ? t->pwc_ptr[lvl] : NULL;
		uint64_t e;
		bool held = true;
		if (tab) {
			e = pt_load(tab + (size_t)index * esz, esz);
		} else if (shape.bail) {
			uint64_t in = addr - win.lo;
			if (in > win_last) {
				end->bail = true;
				return;
			}
			e = pt_load(win.base + in, esz);
		} else {
			const uint8_t *p = ptw_window_ptr(&win, d, addr, esz);
			if (__builtin_expect(p != NULL, 1))
				e = pt_load(p, esz);
			else /* zero fill, segment boundary, compressed page: exact */
				held = ptw_phys_entry(d, addr, esz, &e);
		}
		end->lvl = lvl;
		if (x) {
			struct ptw_step *st = &x->step[lvl];
			st->table = table;
			st->index = index;
			st->addr = addr;
			st->entry = e;
			if (held)
				x->nsteps = lvl + 1;
		}
		if (__builtin_expect(!held, 0)) {
			end->status = PTW_TABLE_HOLE;
			end->parent_span = lvl > 0 &&
				!ptw_phys_any(d, table, ptw_table_bytes(m, lvl));
			return;
		}
		/* What the entry is, from the level's masks (pt_classify
		 * folded for the hot path): a table, the common case, on the
		 * straight path; a leaf, or a fault, off it. */
		if (__builtin_expect(lvl != last &&
				     (e & L->leaf_mask) != L->leaf_value, 1)) {
			if (__builtin_expect(!entry_ok(L, e, L->check_table, plain), 0))
				goto stop;
			acc = pt_rights_add(L, acc, e);
			table = plain ? e & L->addr_table : pt_table_address(L, e);
			if (t)
				tlb_enter(t, s, lvl + 1, va, table, acc);
			continue;
		}
		if (__builtin_expect(!entry_ok(L, e, L->check_leaf, plain), 0))
			goto stop;
		end->status = PTW_MAPPED;
		end->page_size = 1ULL << L->shift;
		end->page_pa = plain ? e & L->addr_leaf : pt_leaf_address(L, e);
		/* The rights only for the walks that report them: the arch's
		 * call would stay in ptw_vtop's lean copies. */
		if (x)
			end->eff = m->arch->rights_apply(m, lvl, acc, e);
		return;
	stop:
		if (shape.bail)
			end->bail = true;
		else
			walk_stop(s, lvl, e, acc, end);
		return;
	}
}

/* The VA range a result applies to: the page when mapped, else what the
 * failing entry covers (its parent's, for a table the dump lacks whole). */
static void end_span(const struct ptw_mode *m, uint64_t va,
		     const struct walk_end *end, uint64_t *start, uint64_t *size)
{
	if (end->status == PTW_MAPPED) {
		*size = end->page_size;
	} else if (end->no_root) {
		*size = 1ULL << (m->va_bits - 1);
	} else {
		unsigned lvl = end->lvl - (end->parent_span ? 1 : 0);
		*size = pt_span(m, lvl);
	}
	*start = ptw_sign_extend(m, va & ~(*size - 1));
}

static int noncanonical(const struct ptw_mode *m, uint64_t va, struct ptw_error *err)
{
	return ptw_fail(err, PTW_ERR_NONCANONICAL,
			m->canonical ? "0x%llx is not a canonical %s address"
				     : "0x%llx is beyond the 4 GiB of %s",
			(unsigned long long)va, m->title);
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
		return noncanonical(m, va, err);
	struct walk_end end;
	walk(s, va, 0, root_of(s, va), s->mode->arch->rights_init, x, NULL, SHAPE_ANY, &end);
	x->status = end.status;
	/* An unreadable top table: no span applies (the walk read nothing). */
	if (end.status != PTW_TABLE_HOLE || end.lvl > 0)
		end_span(m, va, &end, &x->span_start, &x->span_size);
	if (end.status == PTW_MAPPED) {
		x->soft = end.soft;
		x->page_size = end.page_size;
		x->page_pa = end.page_pa;
		x->pa = end.page_pa + (va & (end.page_size - 1));
		x->eff = end.eff;
	}
	return 0;
}

/* ---- address-only translation and its cache ------------------------------------ */

void ptw_tlb_reset(struct ptw_tlb *t)
{
	memset(t, 0, sizeof *t);
}

/* A walk through the tlb: from the deepest table the last walk entered on
 * va's path. */
static inline __attribute__((always_inline)) void
tlb_walk(const struct ptw_space *s, struct ptw_tlb *t, uint64_t va,
	 struct walk_end *end)
{
	if (!tlb_owned(t, s))
		tlb_claim(t, s);
	/* From the top again when the last walk shared no table with va's
	 * (or took the other root). */
	unsigned lvl = tlb_start(t, s->mode, va);
	uint64_t root = root_of(s, va);
	if (lvl == 0 && (t->pwc_depth == 0 || t->pwc_table[0] != root))
		tlb_enter(t, s, 0, va, root, s->mode->arch->rights_init);
	walk(s, va, lvl, t->pwc_table[lvl], t->pwc_acc[lvl], NULL, t, SHAPE_ANY, end);
}

/* A walk from the top that handles every case: the fast copies' fallback. */
static __attribute__((noinline)) void walk_general(const struct ptw_space *s,
						   uint64_t va, struct walk_end *end)
{
	walk(s, va, 0, root_of(s, va), s->mode->arch->rights_init, NULL, NULL, SHAPE_ANY, end);
}

/* ptw_vtop's two paths, each its own function so that each keeps its few
 * values in registers. */
static __attribute__((noinline)) int vtop_plain(const struct ptw_space *s,
						uint64_t va, uint64_t *pa)
{
	struct walk_end end;
	const struct ptw_mode *m = s->mode;
	if (m->entry_size == 8 && m->nlevels == 4) {
		/* Its own result, never seen outside: the compiler keeps it in
		 * registers and drops what ptw_vtop does not read. */
		struct walk_end fast = { 0 };
		if (m->walk_plain)
			walk(s, va, 0, root_of(s, va), s->mode->arch->rights_init, NULL,
			     NULL, SHAPE_X64_FAST, &fast);
		else
			walk(s, va, 0, root_of(s, va), s->mode->arch->rights_init, NULL,
			     NULL, SHAPE_4L_FAST, &fast);
		if (!fast.bail && fast.status == PTW_MAPPED) {
			*pa = fast.page_pa + (va & (fast.page_size - 1));
			return 0;
		}
		if (!fast.bail && fast.no_root)
			return 1;
	}
	walk_general(s, va, &end);
	if (end.status != PTW_MAPPED)
		return 1;
	*pa = end.page_pa + (va & (end.page_size - 1));
	return 0;
}

/* The slot the tlb filled last: a run of VAs in one large page meets it
 * again and again. */
static inline unsigned tlb_last(const struct ptw_tlb *t)
{
	return (t->next - 1) % PTW_TLB_SLOTS;
}

static inline void tlb_remember(struct ptw_tlb *t, uint64_t start, uint64_t size,
				bool mapped, uint64_t pa)
{
	unsigned i = t->next++ % PTW_TLB_SLOTS;
	t->slot[i].start = start;
	t->slot[i].size = size;
	t->slot[i].mapped = mapped;
	t->slot[i].pa = pa;
}

/* The tlb's hit paths: the last page or unmapped stretch it remembered, then
 * a 4 KiB page of the last-level table the last walk entered (one entry
 * read, checked as the walk checks it).  Anything else, a non-present or
 * reserved entry among them, is the full walk's to decide. */
static inline __attribute__((always_inline)) int
tlb_hit(const struct ptw_space *s, const struct ptw_tlb *t, uint64_t va, uint64_t *pa)
{
	if (!tlb_owned(t, s))
		return -1;
	unsigned i = tlb_last(t);
	uint64_t off = va - t->slot[i].start;
	if (off < t->slot[i].size) {
		*pa = t->slot[i].pa + off;
		return t->slot[i].mapped ? 0 : 1;
	}
	if (!t->leaf.tab || va >> t->leaf.tag_shift != t->leaf.tag)
		return -1;
	unsigned index = (unsigned)(va >> t->leaf.shift) & t->leaf.index_mask;
	uint64_t e = pt_load(t->leaf.tab + (size_t)index * t->leaf.esz, t->leaf.esz);
	if ((e & t->leaf.want_mask) != t->leaf.want || (e & t->leaf.rsvd))
		return -1;
	*pa = (e & t->leaf.frame) + (va & ((1ULL << t->leaf.shift) - 1));
	return 0;
}

static __attribute__((noinline)) int vtop_tlb(const struct ptw_space *s,
					      struct ptw_tlb *t, uint64_t va,
					      uint64_t *pa)
{
	struct walk_end end;
	tlb_walk(s, t, va, &end);
	/* A page of the last level is one entry below the cached tables
	 * anyway; large pages and unmapped stretches are worth a slot. */
	if (end.status != PTW_MAPPED || end.page_size >> s->mode->page_shift > 1) {
		uint64_t start, size;
		end_span(s->mode, va, &end, &start, &size);
		tlb_remember(t, start, size, end.status == PTW_MAPPED,
			     end.status == PTW_MAPPED ? end.page_pa : 0);
	}
	if (end.status != PTW_MAPPED)
		return 1;
	*pa = end.page_pa + (va & (end.page_size - 1));
	return 0;
}

int ptw_vtop(const struct ptw_space *s, struct ptw_tlb *tlb, uint64_t va,
	     uint64_t *pa)
{
	const struct ptw_mode *m = s->mode;
	/* Canonical: bits 63..va_bits-1 all equal (GCC's >> of a negative
	 * value is arithmetic); otherwise none above va_bits. */
	const unsigned sh = 64 - m->va_bits;
	if (m->canonical ? (uint64_t)((int64_t)(va << sh) >> sh) != va : va >> m->va_bits)
		return -1;
	if (!tlb)
		return vtop_plain(s, va, pa);
	int hit = tlb_hit(s, tlb, va, pa);
	return hit >= 0 ? hit : vtop_tlb(s, tlb, va, pa);
}

/* Translate va (valid for the mode) through s, with the cache when t is
 * given: whether it maps, *pa, and in *left the bytes from va that share
 * the result (to the end of its page, or of the unmapped span).  The tlb's
 * slots keep the last pages and unmapped stretches for readers that come
 * back to them word by word. */
bool ptw_vtop_run(const struct ptw_space *s, struct ptw_tlb *t, uint64_t va,
		  uint64_t *pa, uint64_t *left)
{
	const struct ptw_mode *m = s->mode;
	struct walk_end end;
	uint64_t start, size;
	if (!t) {
		walk(s, va, 0, root_of(s, va), s->mode->arch->rights_init, NULL, NULL,
		     SHAPE_ANY, &end);
		end_span(m, va, &end, &start, &size);
	} else {
		if (tlb_owned(t, s)) {
			for (unsigned i = 0; i < PTW_TLB_SLOTS; i++) {
				uint64_t off = va - t->slot[i].start;
				if (t->slot[i].size && off < t->slot[i].size) {
					*left = t->slot[i].size - off;
					*pa = t->slot[i].pa + off;
					return t->slot[i].mapped;
				}
			}
		}
		tlb_walk(s, t, va, &end);
		end_span(m, va, &end, &start, &size);
		tlb_remember(t, start, size, end.status == PTW_MAPPED,
			     end.status == PTW_MAPPED ? end.page_pa : 0);
	}
	*left = size - (va - start);
	*pa = end.status == PTW_MAPPED ? end.page_pa + (va - start) : 0;
	return end.status == PTW_MAPPED;
}

size_t ptw_vread(const struct ptw_space *s, struct ptw_tlb *tlb, uint64_t va,
		 void *buf, size_t len)
{
	const struct ptw_mode *m = s->mode;
	uint8_t *out = buf;
	size_t backed = 0;
	while (len) {
		uint64_t pa = 0, left = PTW_PAGE - (va & (PTW_PAGE - 1));
		/* left >= 1: va lies in the run it found.  An invalid VA (above
		 * 4 GiB on 32-bit modes) reads as unmapped, a page at a time. */
		bool mapped = ptw_mode_va_valid(m, va) &&
			      ptw_vtop_run(s, tlb, va, &pa, &left);
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
