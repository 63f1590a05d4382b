/* discover/scan.c — find top-level page tables in physical memory: the
 * self-map of Windows' x86 kernels, the kernel half Linux copies into every
 * top table (walker/README.md, "How address spaces are found").
 *
 * One pass over every page the dump holds, split among threads, runs a
 * detector per paging mode:
 *   - Windows: a top table maps itself through exactly one kernel-half
 *     entry (x64 and 32-bit), or the PD under PDPTE 3 maps the four PDs
 *     (PAE).
 *   - Linux: every process's top table carries a copy of the kernel's half
 *     (the PD under PDPTE 3 on PAE).  Candidates are grouped by a hash of
 *     that region; the groups of the tables the dump names (CR3,
 *     VMCOREINFO) and the largest group are the kernel's, and candidates
 *     within two entries of them (a per-process LDT slot) join.
 * Each candidate must look like a table: present entries, no reserved or
 * impossible bits, frames inside memory, and (Linux) no frame repeated.
 */
#include "discover/discover.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Per-mode limit on recorded candidates, so that a hostile dump cannot make
 * the scan's memory grow with it. */
#define CAND_LIMIT (1u << 20)
/* Tables the scan accepts per mode: more than any real system has (a
 * large Windows server runs a few thousand processes), few enough that a
 * crafted dump cannot flood the tree. */
#define ACCEPT_LIMIT 16384

/* Kernel-region entries a Linux table may differ by from its group (a
 * per-process LDT slot), at most one per 8 the region holds. */
#define KSHARED_SLACK 2
#define KSHARED_SLACK_PER 8

enum cand_kind { CAND_SELFMAP = 1, CAND_KSHARED = 2 };

struct cand {
	uint64_t pa;
	uint64_t hash;
	uint32_t nz;          /* non-zero entries in the kernel region */
	uint8_t kind;
};

struct cands {
	struct cand *v;
	size_t n, cap;
	bool capped;
};

static void cand_add(struct cands *c, uint64_t pa, uint64_t hash, uint32_t nz,
		     enum cand_kind kind)
{
	if (c->n >= CAND_LIMIT) {
		c->capped = true;
		return;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct cand *v = realloc(c->v, cap * sizeof *v);
		if (!v) {
			c->capped = true;
			return;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (struct cand){ pa, hash, nz, (uint8_t)kind };
}

static uint64_t region_hash(const uint8_t *p, size_t bytes)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i + 8 <= bytes; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		h = (h ^ v) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	return h;
}

/* Orders uint64_t values, and hits by dirbase (their first member). */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Check a Linux kernel region: every non-zero entry present and valid, at
 * least two of them, no frame twice.  Returns the non-zero count or 0. */
static unsigned kregion_valid(const struct ptw_mode *m, unsigned lvl,
			      const uint8_t *p, unsigned count,
			      uint64_t phys_end)
{
	uint64_t frames[1024];
	unsigned nz = 0;
	for (unsigned i = 0; i < count; i++) {
		uint64_t e = pt_load(p + (size_t)i * m->entry_size, m->entry_size), a;
		if (!e)
			continue;
		enum ptw_entry_kind kind = pt_classify(m, lvl, e, &a);
		if (kind < PTW_ENTRY_TABLE || (a >= phys_end && kind == PTW_ENTRY_TABLE))
			return 0;
		frames[nz++] = a;
	}
	if (nz < 2)
		return 0;
	qsort(frames, nz, sizeof frames[0], cmp_u64);
	for (unsigned i = 1; i < nz; i++)
		if (frames[i] == frames[i - 1])
			return 0;
	return nz;
}

/* ---- detectors, one page at a time -------------------------------------- */

/* x86's detectors.  x64 / la57 (same shape) and 32-bit: one page is one
 * top table. */
static void detect_page_table(const struct ptw_mode *m, const ptw_dump *d,
			      const uint8_t *p, uint64_t pa, uint64_t phys_end,
			      struct cands *out)
{
	(void)d;
	struct ptw_kregion k = ptw_linux_kregion(m);
	unsigned n = ptw_level_entries(m, 0), es = m->entry_size;
	unsigned half = n / 2, selfs = 0, supervisor = 0, present = 0, runs = 0;
	unsigned odd = 0;
	uint64_t prev = ~0ULL;
	bool linux_ok = true;
	for (unsigned i = 0; i < n; i++) {
		uint64_t e = pt_load(p + (size_t)i * es, es), a;
		if (!e)
			continue;
		odd += i & 1;
		enum ptw_entry_kind kind = pt_classify(m, 0, e, &a);
		if (kind == PTW_ENTRY_INVALID) {
			if (i >= half)
				return; /* neither OS leaves junk up there */
			linux_ok = false;
			continue;
		}
		if (kind == PTW_ENTRY_RESERVED)
			return;
		/* Tables live in RAM; a large page may map MMIO past it. */
		if (a >= phys_end && kind == PTW_ENTRY_TABLE)
			return;
		present++;
		runs += a == prev + PTW_PAGE;
		prev = a;
		if (i < half)
			continue;
		if (!(e & PTW_US))
			supervisor++;
		if (kind == PTW_ENTRY_TABLE && a == pa && (e & (PTW_RW | PTW_US)) == PTW_RW)
			selfs++;
	}
	/* 8-byte entries read as 4-byte ones leave every odd word zero (or
	 * NX alone, which failed above): not a 32-bit table. */
	if (es == 4 && present >= 3 && odd == 0)
		return;
	/* A leaf table whose own PTE maps it (a direct map's PT covering
	 * itself) looks like a self-map too, but its frames run on one after
	 * another; a top table's are scattered. */
	if (selfs == 1 && supervisor >= 2 && !(runs >= 8 && 2 * runs > present))
		cand_add(out, pa, 0, supervisor, CAND_SELFMAP);
	if (!linux_ok)
		return;
	const uint8_t *kp = p + (size_t)k.first * es;
	unsigned nz = kregion_valid(m, 0, kp, k.count, phys_end);
	if (nz)
		cand_add(out, pa, region_hash(kp, (size_t)k.count * es), nz,
			 CAND_KSHARED);
}

/* PAE: a PDPT is 4 entries, 32-byte aligned, anywhere in a page. */
static void detect_pae(const struct ptw_mode *m, const ptw_dump *d,
		       const uint8_t *p, uint64_t pa, uint64_t phys_end,
		       struct cands *out)
{
	uint64_t memo_pd = ~0ULL, memo_hash = 0;
	unsigned memo_nz = 0;
	/* First, without a branch, the slots whose PDPTE 3 is present, has no
	 * reserved bit and points inside memory (the first test below): in a
	 * page of data, few or none. */
	uint64_t maybe[2] = { 0, 0 };
	const struct ptw_level *L0 = &m->level[0]; /* PDPTEs: never a leaf */
	const uint64_t rsvd = L0->rsvd_table | L0->valid;
	for (unsigned slot = 0; slot < 128; slot++) {
		uint64_t e = ptw_le64(p + slot * 32 + 24);
		maybe[slot / 64] |= (uint64_t)(((e & rsvd) == L0->valid) &
					       ((e & L0->addr_table) < phys_end))
				    << (slot % 64);
	}
	for (unsigned slot = 0; slot < 128; slot++) {
		if (!(maybe[slot / 64] >> (slot % 64) & 1))
			continue;
		const uint8_t *s = p + slot * 32;
		/* PDPTE 3 (the kernel's quarter) must be present; Linux's
		 * swapper_pg_dir leaves 0-2 empty, Windows fills all four. */
		uint64_t pd[4];
		unsigned npresent = 0;
		bool ok = true;
		for (unsigned i = 4; i-- > 0 && ok;) {
			uint64_t e = pt_load(s + 8 * i, 8);
			pd[i] = 0;
			if (!e && i < 3)
				continue;
			if (pt_classify(m, 0, e, &pd[i]) != PTW_ENTRY_TABLE) {
				pd[i] = 0;
				ok = false;
				break;
			}
			npresent++;
			if (pd[i] >= phys_end)
				ok = false;
			for (unsigned j = i + 1; j < 4; j++)
				if (pd[j] == pd[i])
					ok = false;
		}
		if (!ok)
			continue;
		uint64_t dirbase = pa + slot * 32;
		uint8_t buf[PTW_PAGE];
		const uint8_t *pd3 = ptw_pass_view(d, pd[3], buf);
		if (!pd3)
			continue;
		unsigned self = 0;
		for (unsigned i = 0; i < 4; i++) {
			uint64_t e = pt_load(pd3 + 8 * i, 8);
			if (pt_valid(m, 1, e) && !pt_is_leaf(m, 1, e) &&
			    pt_address(m, 1, e) == pd[i])
				self++;
		}
		if (self == 4 && npresent == 4)
			cand_add(out, dirbase, 0, 4, CAND_SELFMAP);
		/* Linux PDPTs in one page (a 32-byte slab) share the kernel's
		 * PD: judge each PD once per page. */
		if (pd[3] != memo_pd) {
			memo_pd = pd[3];
			memo_nz = kregion_valid(m, 1, pd3, 512, phys_end);
			memo_hash = memo_nz ? region_hash(pd3, PTW_PAGE) : 0;
		}
		if (memo_nz)
			cand_add(out, dirbase, memo_hash, memo_nz, CAND_KSHARED);
	}
}

typedef void detect_fn(const struct ptw_mode *m, const ptw_dump *d,
		       const uint8_t *p, uint64_t pa, uint64_t phys_end,
		       struct cands *out);

/* The detector of m's top tables, by architecture: a new one adds its
 * branch here. */
static detect_fn *detector_of(const struct ptw_mode *m)
{
	if (m->arch == &ptw_arch_x86) /* PAE's PDPT: 4 entries in a page */
		return ptw_level_entries(m, 0) == 4 ? detect_pae : detect_page_table;
	return NULL;
}

/* ---- the pass ------------------------------------------------------------ */

/* The scan reads memory through dump/'s pass (pass.c): each non-zero page
 * goes to the detectors and, while the dump's VMCOREINFO is pending, the
 * runs of them in mapped segments to the VMCOREINFO search
 * (dump/vmcoreinfo.c), so that one read of the dump serves both.  The
 * pass's threads claim chunks in order of physical address, so each
 * thread's candidates come in ascending order. */

/* Pages that may be VMCBs or host-save areas, in ascending order. */
struct vm_cands {
	struct ptw_vm_cand *v;
	size_t n, cap;
	bool capped;
};

struct ptw_scan {
	const ptw_dump *d;
	const struct ptw_mode *modes[3];
	unsigned nmodes;
	struct cands out[3];
	struct vm_cands vm;
};

/* What one thread of the pass found. */
struct worker {
	struct cands out[3];
	struct vm_cands vm;
};

static void vm_cand_add(struct vm_cands *c, uint64_t pa, unsigned kind)
{
	if (c->n == PTW_VM_CANDS_MAX) {
		c->capped = true;
		return;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct ptw_vm_cand *v = realloc(c->v, cap * sizeof *v);
		if (!v) { /* counted as capped: the judge says so */
			c->capped = true;
			return;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (struct ptw_vm_cand){ pa, kind };
}

struct scan_pass {
	const ptw_dump *d;
	const struct ptw_mode *modes[3];
	detect_fn *detect[3];         /* each mode's detector (NULL: none) */
	unsigned nmodes;
	bool vmci;                    /* search for VMCOREINFO too */
	bool vms;                     /* keep VMCB candidates */
	struct worker *w;             /* one per thread of the pass */
	struct ptw_vmci_search *v;    /* the same, while vmci */
	unsigned threads;
};

static void detect(const struct scan_pass *p, struct worker *w,
		   const uint8_t *q, uint64_t pa)
{
	for (unsigned k = 0; k < p->nmodes; k++)
		if (p->detect[k])
			p->detect[k](p->modes[k], p->d, q, pa, p->d->phys_end, &w->out[k]);
	unsigned kind;
	if (p->vms && (kind = ptw_vm_sniff(q)))
		vm_cand_add(&w->vm, pa, kind);
}

/* Before the pass reads: a worker per thread, and a search per thread
 * while VMCOREINFO is pending. */
static int scan_start(void *ctx, unsigned threads, struct ptw_error *err)
{
	struct scan_pass *p = ctx;
	p->w = calloc(threads, sizeof *p->w);
	if (!p->w)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	p->threads = threads;
	if (p->vmci && !(p->v = ptw_vmci_searches(p->d, threads, ptw_vmci_current)))
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	return 0;
}

/* npages non-zero pages of segment s from `in`, at q, read by thread t. */
static void scan_pages(void *ctx, unsigned t, const struct ptw_seg *s,
		       uint64_t in, const uint8_t *q, uint64_t npages)
{
	struct scan_pass *p = ctx;
	struct worker *w = &p->w[t];
	for (uint64_t i = 0; i < npages; i++)
		detect(p, w, q + i * PTW_PAGE, s->pa + in + i * PTW_PAGE);
	if (p->vmci && !s->pager)
		ptw_vmci_feed(p->d, s, in, q, (size_t)(npages * PTW_PAGE), &p->v[t]);
}

static int cand_cmp_pa(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/* One mode's candidates from every thread.  Each thread's come in
 * ascending order and stop at its limit, so the CAND_LIMIT lowest are all
 * here: those are kept, whatever the threads' timing. */
static int merge_cands(struct cands *all, struct worker *w, unsigned nw,
		       unsigned k)
{
	size_t n = 0;
	for (unsigned t = 0; t < nw; t++) {
		n += w[t].out[k].n;
		all->capped |= w[t].out[k].capped;
	}
	if (!n)
		return 0;
	all->v = malloc(n * sizeof *all->v);
	if (!all->v)
		return PTW_ERR_NOMEM;
	for (unsigned t = 0; t < nw; t++) {
		if (!w[t].out[k].n)
			continue;
		memcpy(all->v + all->n, w[t].out[k].v, w[t].out[k].n * sizeof *all->v);
		all->n += w[t].out[k].n;
	}
	all->cap = n;
	if (n > CAND_LIMIT) {
		qsort(all->v, n, sizeof *all->v, cand_cmp_pa);
		all->n = CAND_LIMIT;
		all->capped = true;
	}
	return 0;
}

void ptw_scan_free(struct ptw_scan *sc)
{
	if (!sc)
		return;
	for (unsigned k = 0; k < 3; k++)
		free(sc->out[k].v);
	free(sc->vm.v);
	free(sc);
}

static int vm_cand_cmp(const void *a, const void *b)
{
	const struct ptw_vm_cand *x = a, *y = b;
	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/* Every thread's VMCB candidates, the lowest PTW_VM_CANDS_MAX of them. */
static int merge_vm_cands(struct vm_cands *all, struct worker *w, unsigned nw)
{
	size_t n = 0;
	for (unsigned t = 0; t < nw; t++) {
		n += w[t].vm.n;
		all->capped |= w[t].vm.capped;
	}
	if (!n)
		return 0;
	if (!(all->v = malloc(n * sizeof *all->v)))
		return PTW_ERR_NOMEM;
	for (unsigned t = 0; t < nw; t++) {
		if (!w[t].vm.n)
			continue;
		memcpy(all->v + all->n, w[t].vm.v, w[t].vm.n * sizeof *all->v);
		all->n += w[t].vm.n;
	}
	qsort(all->v, n, sizeof *all->v, vm_cand_cmp);
	if (all->n > PTW_VM_CANDS_MAX) {
		all->n = PTW_VM_CANDS_MAX;
		all->capped = true;
	}
	return 0;
}

void ptw_scan_vm_cands(const struct ptw_scan *sc, const struct ptw_vm_cand **v,
		       size_t *n, bool *capped)
{
	*v = sc->vm.v;
	*n = sc->vm.n;
	*capped = sc->vm.capped;
}

/* What the pass reads: every page for the detectors; with no mode, only
 * the search's, which skips the pages a pager produces (the formats that
 * compress carry VMCOREINFO in their headers). */
static unsigned pass_segs(const struct scan_pass *p)
{
	if (p->nmodes || p->vms)
		return PTW_PASS_MAPPED | PTW_PASS_PAGED;
	return p->vmci ? PTW_PASS_MAPPED : 0;
}

/* The threads' findings into sc, and the search settled. */
static int scan_collect(struct scan_pass *p, struct ptw_scan *sc,
			struct ptw_error *err)
{
	for (unsigned k = 0; k < p->nmodes; k++)
		if (merge_cands(&sc->out[k], p->w, p->threads, k))
			return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	if (p->vms && merge_vm_cands(&sc->vm, p->w, p->threads))
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	return p->vmci ? ptw_vmci_settle_all(p->d, p->v, p->threads, err) : 0;
}

int ptw_scan_pass(const ptw_dump *d, const struct ptw_mode *const *modes,
		  unsigned nmodes, const struct ptw_scan_opts *o,
		  struct ptw_scan **out, struct ptw_scan_stats *stats,
		  struct ptw_error *err)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*out = NULL;
	if (nmodes > 3)
		nmodes = 3;
	struct scan_pass p = { .d = d, .nmodes = nmodes };
	for (unsigned k = 0; k < nmodes; k++) {
		p.modes[k] = modes[k];
		p.detect[k] = detector_of(modes[k]);
	}
	p.vmci = ptw_dump_vmcoreinfo_pending(d);
	p.vms = o->vms;
	struct ptw_scan *sc = calloc(1, sizeof *sc);
	if (!sc) {
		/* The last report says all is done, also when the scan stopped. */
		if (o->progress)
			o->progress(o->progress_ctx, 0, 0);
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	}
	sc->d = d;
	sc->nmodes = nmodes;
	for (unsigned k = 0; k < nmodes; k++)
		sc->modes[k] = modes[k];
	const struct ptw_pass_opts po = {
		.segs = pass_segs(&p), .threads = o->threads,
		.progress = o->progress, .progress_ctx = o->progress_ctx,
		.start = scan_start, .pages = scan_pages, .ctx = &p,
	};
	struct ptw_pass_stats ps;
	int rc = ptw_dump_pass(d, &po, &ps, err);
	if (!rc) {
		rc = scan_collect(&p, sc, err);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (stats)
			*stats = (struct ptw_scan_stats){
				.pages = ps.pages, .vmcoreinfo = p.vmci,
				.threads = ps.threads,
				.seconds = (double)(t1.tv_sec - t0.tv_sec) +
					   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
				.pages_hole = ps.pages_hole, .pages_zero = ps.pages_zero,
				.pages_bad = ps.pages_bad, .bytes_read = ps.bytes_read,
			};
	}
	for (unsigned t = 0; t < p.threads; t++) {
		for (unsigned k = 0; k < 3; k++)
			free(p.w[t].out[k].v);
		free(p.w[t].vm.v);
	}
	free(p.w);
	free(p.v);
	if (rc)
		ptw_scan_free(sc);
	else
		*out = sc;
	return rc;
}

static int cand_cmp_hash(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/* Entries of the kernel region that differ between two tables. */
static unsigned kregion_distance(const struct ptw_mode *m, const ptw_dump *d,
				 uint64_t a, uint64_t b)
{
	struct ptw_kregion k = ptw_linux_kregion(m);
	const uint8_t *pa, *pb;
	if (k.via >= 0) {
		uint64_t ea, eb;
		unsigned es = m->entry_size;
		if (!ptw_phys_entry(d, a + (uint64_t)k.via * es, es, &ea) ||
		    !ptw_phys_entry(d, b + (uint64_t)k.via * es, es, &eb))
			return ~0u;
		a = pt_address(m, 0, ea);
		b = pt_address(m, 0, eb);
	}
	size_t off = (size_t)k.first * m->entry_size;
	size_t bytes = (size_t)k.count * m->entry_size;
	uint8_t bufa[PTW_PAGE], bufb[PTW_PAGE];
	pa = ptw_phys_view(d, a + off, bytes, bufa);
	pb = ptw_phys_view(d, b + off, bytes, bufb);
	if (!pa || !pb)
		return ~0u;
	unsigned diff = 0;
	for (size_t i = 0; i < bytes; i += m->entry_size)
		diff += pt_load(pa + i, m->entry_size) != pt_load(pb + i, m->entry_size);
	return diff;
}

/* Whether the page at pa looks like a table of level lvl: some present
 * entries, every present one valid and inside the dump's span. */
static bool looks_like_table(const struct ptw_mode *m, const ptw_dump *d,
			     unsigned lvl, uint64_t pa)
{
	uint64_t bytes = ptw_table_bytes(m, lvl);
	uint8_t buf[PTW_PAGE];
	const uint8_t *p = ptw_phys_view(d, pa, bytes, buf);
	if (!p)
		return false;
	unsigned present = 0;
	for (uint64_t i = 0; i < bytes; i += m->entry_size) {
		uint64_t e = pt_load(p + i, m->entry_size), a;
		enum ptw_entry_kind kind = pt_classify(m, lvl, e, &a);
		if (kind == PTW_ENTRY_INVALID)
			continue;
		if (kind == PTW_ENTRY_RESERVED ||
		    (kind == PTW_ENTRY_TABLE && a >= d->phys_end))
			return false;
		present++;
	}
	return present > 0;
}

/* A self-map candidate's other kernel entries lead to real tables (a
 * data page's "entries" point all over, or nowhere). */
static bool selfmap_sound(const struct ptw_mode *m, const ptw_dump *d,
			  uint64_t dirbase)
{
	if (m->pae_selfmap)
		return true; /* its four PDs were matched one by one */
	unsigned n = ptw_level_entries(m, 0), good = 0, bad = 0;
	for (unsigned i = n / 2; i < n; i++) {
		uint64_t e;
		if (!ptw_phys_entry(d, dirbase + (uint64_t)i * m->entry_size,
				    m->entry_size, &e) || !pt_valid(m, 0, e) ||
		    pt_is_leaf(m, 0, e))
			continue;
		uint64_t a = pt_address(m, 0, e);
		if (a == dirbase)
			continue;
		if (looks_like_table(m, d, 1, a))
			good++;
		else
			bad++;
	}
	return good >= 1 && bad * 4 <= good;
}

/* Every present entry of the top table points inside the dump. */
static bool top_table_sound(const struct ptw_mode *m, const ptw_dump *d,
			    uint64_t dirbase)
{
	unsigned n = ptw_level_entries(m, 0);
	for (unsigned i = 0; i < n; i++) {
		uint64_t e;
		if (!ptw_phys_entry(d, dirbase + (uint64_t)i * m->entry_size,
				    m->entry_size, &e))
			return false;
		if (pt_valid(m, 0, e) && !pt_is_leaf(m, 0, e) &&
		    !ptw_phys_present(d, pt_address(m, 0, e), NULL))
			return false;
	}
	return true;
}

/* Accepted tables by the hash of their whole contents.  No two real top
 * tables are identical (each process has its own user half, each Windows
 * table maps itself), so copies of one (a crafted dump's thousands) count
 * once. */
struct seen_tables {
	uint64_t *hash, *pa;   /* open addressing; pa 0 marks empty (PA 0 is
				* never accepted: it is where real mode lives) */
	size_t cap;
};

/* true if the table at pa is new (and now remembered). */
static bool table_is_new(struct seen_tables *t, const struct ptw_mode *m,
			 const ptw_dump *d, uint64_t pa)
{
	uint64_t bytes = ptw_table_bytes(m, 0);
	uint8_t bufp[PTW_PAGE], bufq[PTW_PAGE];
	const uint8_t *p = ptw_phys_view(d, pa, bytes, bufp);
	if (!p || !t->cap)
		return true; /* partly held: cannot be a cheap copy */
	uint64_t h = region_hash(p, (size_t)bytes) | 1;
	size_t j = h & (t->cap - 1);
	for (; t->pa[j]; j = (j + 1) & (t->cap - 1)) {
		if (t->hash[j] != h)
			continue;
		const uint8_t *q = ptw_phys_view(d, t->pa[j], bytes, bufq);
		if (q && memcmp(p, q, (size_t)bytes) == 0)
			return false;
	}
	t->hash[j] = h;
	t->pa[j] = pa;
	return true;
}

static int add_hit(struct ptw_scan_hits *h, uint64_t dirbase, unsigned found)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 32;
		struct ptw_scan_hit *v = realloc(h->v, cap * sizeof *v);
		if (!v)
			return PTW_ERR_NOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = (struct ptw_scan_hit){ dirbase, found };
	return 0;
}

static int accept(const struct ptw_mode *m, const ptw_dump *d,
		  const struct cands *c, const uint64_t *refs,
		  const uint64_t *ref_pa, const unsigned *ref_slack,
		  size_t nrefs, struct seen_tables *seen,
		  struct ptw_scan_hits *hits);

/* Turn one mode's candidates into accepted tables. */
static int judge(const struct ptw_mode *m, const ptw_dump *d,
		 struct cands *c, const uint64_t *seeds, size_t nseeds,
		 struct ptw_scan_hits *hits)
{
	if (c->n == 0)
		return 0;
	qsort(c->v, c->n, sizeof *c->v, cand_cmp_hash);
	/* Reference groups: the seeds' and the largest (ties: fuller region). */
	uint64_t refs[17];
	uint64_t ref_pa[17];
	unsigned ref_slack[17];
	size_t nrefs = 0;
	size_t best = 0, best_len = 0;
	for (size_t i = 0; i < c->n;) {
		size_t j = i;
		while (j < c->n && c->v[j].hash == c->v[i].hash)
			j++;
		if (c->v[i].kind == CAND_KSHARED && j - i >= 2 &&
		    (j - i > best_len ||
		     (j - i == best_len && c->v[i].nz > c->v[best].nz))) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
#define ADD_REF(x)                                                      \
	do {                                                            \
		refs[nrefs] = (x)->hash;                                \
		ref_pa[nrefs] = (x)->pa;                                \
		ref_slack[nrefs] = (x)->nz / KSHARED_SLACK_PER;         \
		if (ref_slack[nrefs] > KSHARED_SLACK)                   \
			ref_slack[nrefs] = KSHARED_SLACK;               \
		nrefs++;                                                \
	} while (0)
	if (best_len)
		ADD_REF(&c->v[best]);
	/* A seed's group counts when the seed shares its region with another
	 * table: alone, it would only vouch for itself. */
	for (size_t s = 0; s < nseeds && nrefs < 17; s++)
		for (size_t i = 0; i < c->n; i++) {
			if (c->v[i].kind != CAND_KSHARED || c->v[i].pa != seeds[s])
				continue;
			bool shared = (i > 0 && c->v[i - 1].hash == c->v[i].hash) ||
				      (i + 1 < c->n && c->v[i + 1].hash == c->v[i].hash);
			if (shared)
				ADD_REF(&c->v[i]);
			break;
		}
#undef ADD_REF
	struct seen_tables seen = { 0 };
	size_t cap = 64;
	while (cap < 2 * c->n && cap < 4 * (size_t)ACCEPT_LIMIT)
		cap *= 2;
	seen.hash = calloc(cap, sizeof *seen.hash);
	seen.pa = calloc(cap, sizeof *seen.pa);
	if (!seen.hash || !seen.pa) {
		free(seen.hash);
		free(seen.pa);
		return PTW_ERR_NOMEM;
	}
	seen.cap = cap;
	int rc = accept(m, d, c, refs, ref_pa, ref_slack, nrefs, &seen, hits);
	free(seen.hash);
	free(seen.pa);
	return rc;
}

/* Whether one more table may be accepted: new, and under the limit. */
static bool admit(struct seen_tables *seen, const struct ptw_mode *m,
		  const ptw_dump *d, struct ptw_scan_hits *hits, size_t first,
		  uint64_t pa)
{
	if (hits->n - first >= ACCEPT_LIMIT) {
		hits->capped = true;
		return false;
	}
	return pa != 0 && table_is_new(seen, m, d, pa);
}

static int accept(const struct ptw_mode *m, const ptw_dump *d,
		  const struct cands *c, const uint64_t *refs,
		  const uint64_t *ref_pa, const unsigned *ref_slack,
		  size_t nrefs, struct seen_tables *seen,
		  struct ptw_scan_hits *hits)
{
	/* Self-maps first: a Windows table is reported as one, not also as
	 * sharing the kernel half (it does, but that says less). */
	size_t first = hits->n;
	for (size_t i = 0; i < c->n; i++) {
		const struct cand *x = &c->v[i];
		if (x->kind == CAND_SELFMAP && selfmap_sound(m, d, x->pa) &&
		    top_table_sound(m, d, x->pa) && admit(seen, m, d, hits, first, x->pa) &&
		    add_hit(hits, x->pa, PTW_FOUND_SELFMAP))
			return PTW_ERR_NOMEM;
	}
	size_t nself = hits->n - first;
	if (nself)
		qsort(hits->v + first, nself, sizeof *hits->v, cmp_u64);
	for (size_t i = 0; i < c->n; i++) {
		const struct cand *x = &c->v[i];
		if (x->kind != CAND_KSHARED ||
		    (nself && bsearch(&x->pa, hits->v + first, nself, sizeof *hits->v,
				      cmp_u64)))
			continue;
		bool match = false;
		for (size_t r = 0; r < nrefs && !match; r++)
			match = x->hash == refs[r] ||
				(ref_slack[r] &&
				 kregion_distance(m, d, x->pa, ref_pa[r]) <= ref_slack[r]);
		if (match && top_table_sound(m, d, x->pa) &&
		    admit(seen, m, d, hits, first, x->pa) &&
		    add_hit(hits, x->pa, PTW_FOUND_KSHARED))
			return PTW_ERR_NOMEM;
	}
	return 0;
}


/* Whether the detectors see the top tables of a and b alike: la57's PML5
 * is x64's PML4 (the same entries, bits and reserved bits, the same kernel
 * half), so one pass's x64 candidates serve a kernel that VMCOREINFO says
 * runs 5-level paging.  The detector and what it reads: the top level's
 * masks, the entry size, the kernel's region. */
static bool top_alike(const struct ptw_mode *a, const struct ptw_mode *b)
{
	const struct ptw_level *x = &a->level[0], *y = &b->level[0];
	struct ptw_kregion ka = ptw_linux_kregion(a), kb = ptw_linux_kregion(b);
	return detector_of(a) == detector_of(b) && a->entry_size == b->entry_size &&
	       a->pae_selfmap == b->pae_selfmap && x->bits == y->bits &&
	       x->valid == y->valid && x->leaf_mask == y->leaf_mask &&
	       x->leaf_value == y->leaf_value && x->bad_mask == y->bad_mask &&
	       x->bad_value == y->bad_value && x->rsvd_table == y->rsvd_table &&
	       x->rsvd_leaf == y->rsvd_leaf && x->addr_table == y->addr_table &&
	       x->addr_leaf == y->addr_leaf && !x->oa_table.width &&
	       !y->oa_table.width && !x->oa_leaf.width && !y->oa_leaf.width &&
	       ka.via == kb.via && ka.first == kb.first && ka.count == kb.count;
}

int ptw_scan_judge(struct ptw_scan *sc, const struct ptw_mode *m,
		   const uint64_t *seeds, size_t nseeds,
		   struct ptw_scan_hits *hits, struct ptw_error *err)
{
	unsigned k = 0;
	while (k < sc->nmodes && sc->modes[k] != m)
		k++;
	if (k == sc->nmodes)
		for (k = 0; k < sc->nmodes && !top_alike(sc->modes[k], m);)
			k++;
	if (k == sc->nmodes)
		return 0;
	hits->capped = sc->out[k].capped;
	if (judge(m, sc->d, &sc->out[k], seeds, nseeds, hits))
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	return 0;
}
