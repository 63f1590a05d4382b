/* scan.c — find top-level page tables in physical memory (REFERENCE §5).
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
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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

/* Where Linux keeps the kernel's shared region, per mode: the table reached
 * from the top table through `via` (or the top table itself when via < 0),
 * entries [first, first + count). */
struct kregion {
	int via;
	unsigned first, count;
	unsigned user_count;  /* top-table entries below the kernel's */
};

static struct kregion kregion_of(const struct ptw_mode *m)
{
	switch (m->id) {
	case PTW_MODE_X86: return (struct kregion){ -1, 768, 256, 768 };
	case PTW_MODE_PAE: return (struct kregion){ 3, 0, 512, 3 };
	default: return (struct kregion){ -1, 256, 256, 256 };
	}
}

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
		uint64_t e = pt_load(p + (size_t)i * m->entry_size, m->entry_size);
		if (!e)
			continue;
		if (!(e & PTW_P) || pt_reserved(m, lvl, e))
			return 0;
		uint64_t a = pt_address(m, lvl, e);
		if (a >= phys_end && !pt_is_leaf(m, lvl, e))
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

/* x64 / la57 (same shape) and 32-bit: one page is one top table. */
static void detect_page_table(const struct ptw_mode *m, const uint8_t *p,
			      uint64_t pa, uint64_t phys_end,
			      struct cands *out)
{
	struct kregion k = kregion_of(m);
	unsigned n = ptw_level_entries(m, 0), es = m->entry_size;
	unsigned half = n / 2, selfs = 0, supervisor = 0, present = 0, runs = 0;
	unsigned odd = 0;
	uint64_t prev = ~0ULL;
	bool linux_ok = true;
	for (unsigned i = 0; i < n; i++) {
		uint64_t e = pt_load(p + (size_t)i * es, es);
		if (!e)
			continue;
		odd += i & 1;
		if (!(e & PTW_P)) {
			if (i >= half)
				return; /* neither OS leaves junk up there */
			linux_ok = false;
			continue;
		}
		if (pt_reserved(m, 0, e))
			return;
		/* Tables live in RAM; a large page may map MMIO past it. */
		uint64_t a = pt_address(m, 0, e);
		if (a >= phys_end && !pt_is_leaf(m, 0, e))
			return;
		present++;
		runs += a == prev + PTW_PAGE;
		prev = a;
		if (i < half)
			continue;
		if (!(e & PTW_US))
			supervisor++;
		if (!(e & PTW_PS) && a == pa && (e & (PTW_RW | PTW_US)) == PTW_RW)
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
	for (unsigned slot = 0; slot < 128; slot++) {
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
			if (!(e & PTW_P) || pt_reserved(m, 0, e)) {
				ok = false;
				break;
			}
			pd[i] = pt_address(m, 0, e);
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
		const uint8_t *pd3 = ptw_phys_view(d, pd[3], PTW_PAGE, buf);
		if (!pd3)
			continue;
		unsigned self = 0;
		for (unsigned i = 0; i < 4; i++) {
			uint64_t e = pt_load(pd3 + 8 * i, 8);
			if ((e & PTW_P) && !(e & PTW_PS) &&
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

/* ---- the pass ------------------------------------------------------------ */

struct job {
	const ptw_dump *d;
	const struct ptw_mode *modes[3];
	unsigned nmodes;
	uint64_t first, count;        /* global page indexes */
	const uint64_t *seg_first;    /* page index of each segment's first page */
	struct cands out[3];
	uint64_t pages;
	bool started;                 /* runs in a thread of its own */
};

/* The first whole page of a segment and how many whole pages it holds in
 * the file (pages partly zero-filled hold no tables worth finding). */
static void seg_pages(const struct ptw_seg *s, uint64_t *first_pa,
		      uint64_t *npages)
{
	/* Segments end below 2^52 (dump.c), so none of this overflows. */
	uint64_t start = (s->pa + PTW_PAGE - 1) & ~(PTW_PAGE - 1);
	uint64_t end = (s->pa + s->data_len) & ~(PTW_PAGE - 1);
	*first_pa = start;
	*npages = end > start && s->data_len ? (end - start) / PTW_PAGE : 0;
}

static void *scan_thread(void *arg)
{
	struct job *j = arg;
	const ptw_dump *d = j->d;
	uint64_t phys_end = d->phys_end;
	/* Find the segment holding page j->first. */
	size_t si = 0;
	while (si + 1 < d->nsegs && j->seg_first[si + 1] <= j->first)
		si++;
	uint64_t idx = j->first, end = j->first + j->count;
	long pagesz = sysconf(_SC_PAGESIZE);
	uint8_t page[PTW_PAGE];
	while (idx < end && si < d->nsegs) {
		const struct ptw_seg *s = &d->segs[si];
		uint64_t first_pa, npages;
		seg_pages(s, &first_pa, &npages);
		uint64_t in = idx - j->seg_first[si];
		if (in >= npages) {
			si++;
			continue;
		}
		uint64_t pa = first_pa + in * PTW_PAGE;
		/* A page the format produces is a copy (NULL if corrupt). */
		const uint8_t *p = s->data ? s->data + (pa - s->pa) : NULL;
		if (s->pager && s->pager->page(d, s, s->aux + (pa - s->pa) / PTW_PAGE, page))
			p = page;
		for (unsigned k = 0; p && k < j->nmodes; k++) {
			const struct ptw_mode *m = j->modes[k];
			if (m->id == PTW_MODE_PAE)
				detect_pae(m, d, p, pa, phys_end, &j->out[k]);
			else
				detect_page_table(m, p, pa, phys_end, &j->out[k]);
		}
		j->pages++;
		idx++;
		/* Hand scanned pages back every 2 MiB so the daemon's resident
		 * size does not grow to the dump's (the page cache keeps them). */
		if (d->owns_mapping && s->data && pagesz > 0 &&
		    (idx % 512 == 0 || idx == end)) {
			uintptr_t lo = (uintptr_t)(p + PTW_PAGE) - 512 * PTW_PAGE;
			uintptr_t a = ((uintptr_t)lo + (uintptr_t)pagesz - 1) &
				      ~((uintptr_t)pagesz - 1);
			uintptr_t b = (uintptr_t)(p + PTW_PAGE) & ~((uintptr_t)pagesz - 1);
			if (a < (uintptr_t)s->data)
				a = ((uintptr_t)s->data + (uintptr_t)pagesz - 1) &
				    ~((uintptr_t)pagesz - 1);
			if (b > a)
				madvise((void *)a, b - a, MADV_DONTNEED);
		}
	}
	return NULL;
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
	struct kregion k = kregion_of(m);
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
		uint64_t e = pt_load(p + i, m->entry_size);
		if (!(e & PTW_P))
			continue;
		if (pt_reserved(m, lvl, e) ||
		    (!pt_is_leaf(m, lvl, e) &&
		     pt_address(m, lvl, e) >= d->phys_end))
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
	if (m->id == PTW_MODE_PAE)
		return true; /* its four PDs were matched one by one */
	unsigned n = ptw_level_entries(m, 0), good = 0, bad = 0;
	for (unsigned i = n / 2; i < n; i++) {
		uint64_t e;
		if (!ptw_phys_entry(d, dirbase + (uint64_t)i * m->entry_size,
				    m->entry_size, &e) || !(e & PTW_P) ||
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
		if ((e & PTW_P) && !pt_is_leaf(m, 0, e) &&
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

int ptw_scan(const ptw_dump *d, const struct ptw_mode *const *modes,
	     unsigned nmodes, const uint64_t *seeds, size_t nseeds,
	     unsigned threads, struct ptw_scan_hits *hits,
	     struct ptw_scan_stats *stats, struct ptw_error *err)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (nmodes > 3)
		nmodes = 3;
	uint64_t *seg_first = calloc(d->nsegs + 1, sizeof *seg_first);
	if (!seg_first)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	uint64_t total = 0;
	for (size_t i = 0; i < d->nsegs; i++) {
		uint64_t fp, np;
		seg_pages(&d->segs[i], &fp, &np);
		seg_first[i] = total;
		total += np;
	}
	seg_first[d->nsegs] = total;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if (threads > 64)
		threads = 64;
	if (total < 4096)
		threads = 1;
	struct job *jobs = calloc(threads, sizeof *jobs);
	pthread_t *tids = calloc(threads, sizeof *tids);
	int rc = 0;
	if (!jobs || !tids) {
		rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
		goto out;
	}
	for (unsigned t = 0; t < threads; t++) {
		struct job *j = &jobs[t];
		j->d = d;
		j->nmodes = nmodes;
		for (unsigned k = 0; k < nmodes; k++)
			j->modes[k] = modes[k];
		j->seg_first = seg_first;
		j->first = total * t / threads;
		j->count = total * (t + 1) / threads - j->first;
		j->started = t > 0 && pthread_create(&tids[t], NULL, scan_thread, j) == 0;
	}
	/* Thread 0's share (and any thread that failed to start) runs here. */
	for (unsigned t = 0; t < threads; t++)
		if (!jobs[t].started)
			scan_thread(&jobs[t]);
	for (unsigned t = 1; t < threads; t++)
		if (jobs[t].started)
			pthread_join(tids[t], NULL);
	/* Merge the threads' candidates, then judge each mode. */
	uint64_t pages = 0;
	for (unsigned k = 0; k < nmodes && !rc; k++) {
		struct cands all = {0};
		for (unsigned t = 0; t < threads; t++) {
			struct cands *c = &jobs[t].out[k];
			for (size_t i = 0; i < c->n; i++)
				cand_add(&all, c->v[i].pa, c->v[i].hash, c->v[i].nz,
					 c->v[i].kind);
			all.capped |= c->capped;
		}
		hits[k].capped = all.capped;
		if (judge(modes[k], d, &all, seeds, nseeds, &hits[k]))
			rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
		free(all.v);
	}
	for (unsigned t = 0; t < threads; t++)
		pages += jobs[t].pages;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stats) {
		stats->pages = pages;
		stats->threads = threads;
		stats->seconds = (double)(t1.tv_sec - t0.tv_sec) +
				 (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
out:
	if (jobs)
		for (unsigned t = 0; t < threads; t++)
			for (unsigned k = 0; k < 3; k++)
				free(jobs[t].out[k].v);
	free(jobs);
	free(tids);
	free(seg_first);
	return rc;
}

/* ---- KPTI pairs ---------------------------------------------------------- */

bool ptw_kpti_pair(const ptw_dump *d, const struct ptw_mode *m,
		   uint64_t kernel)
{
	if (kernel & 0x1fff)
		return false; /* the pair is one 8 KiB-aligned allocation */
	struct kregion k = kregion_of(m);
	uint64_t user = kernel + PTW_PAGE;
	unsigned es = m->entry_size, n = ptw_level_entries(m, 0);
	unsigned same = 0, kernel_same = 0;
	bool kernel_differs = false;
	for (unsigned i = 0; i < n; i++) {
		uint64_t ek, eu;
		if (!ptw_phys_entry(d, kernel + (uint64_t)i * es, es, &ek) ||
		    !ptw_phys_entry(d, user + (uint64_t)i * es, es, &eu))
			return false;
		if (eu && (!(eu & PTW_P) || pt_reserved(m, 0, eu) ||
			   (!pt_is_leaf(m, 0, eu) &&
			    !ptw_phys_present(d, pt_address(m, 0, eu), NULL))))
			return false;
		if (i < k.user_count) {
			/* Linux sets NX on the kernel copy's user entries. */
			if ((ek & ~PTW_XD) != (eu & ~PTW_XD))
				return false;
			same += eu != 0;
		} else {
			kernel_same += eu && eu == ek;
			kernel_differs |= ek != eu;
		}
	}
	if (!kernel_differs)
		return false;
	/* PAE: the user PDs are shared, the kernel PD is the user copy's own.
	 * Elsewhere the user copy maps a little of the kernel (entry code,
	 * cpu_entry_area) with some of the kernel's own entries. */
	if (m->id == PTW_MODE_PAE)
		return same > 0;
	return kernel_same > 0;
}
