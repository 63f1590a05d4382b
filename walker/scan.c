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

/* A page during the pass, by physical address, for the PAE detector: read
 * with pread, as the pass reads (the mapping stays untouched), or through
 * the walker's view where the page is not one whole stretch of a file. */
static const uint8_t *pass_view(const ptw_dump *d, uint64_t pa, uint8_t *buf)
{
	const struct ptw_seg *s = ptw_dump_seg(d, pa);
	if (d->fd >= 0 && s && !s->pager && pa - s->pa <= s->data_len &&
	    s->data_len - (pa - s->pa) >= PTW_PAGE)
		return ptw_seg_bytes(d, s, pa - s->pa, PTW_PAGE, buf);
	return ptw_phys_view(d, pa, PTW_PAGE, buf);
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
	/* First, without a branch, the slots whose PDPTE 3 is present, has no
	 * reserved bit and points inside memory (the first test below): in a
	 * page of data, few or none. */
	uint64_t maybe[2] = { 0, 0 };
	const uint64_t rsvd = m->level[0].rsvd | PTW_P;
	for (unsigned slot = 0; slot < 128; slot++) {
		uint64_t e = ptw_le64(p + slot * 32 + 24);
		maybe[slot / 64] |= (uint64_t)(((e & rsvd) == PTW_P) &
					       ((e & m->frame_mask) < phys_end))
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
		const uint8_t *pd3 = pass_view(d, pd[3], buf);
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

/* How the pass reads.  Memory goes in chunks of CHUNK_PAGES pages, claimed
 * in order of physical address by the threads from one counter, so that
 * the file is read front to back as `cat` reads it and each thread's
 * candidates come in ascending order.  A chunk of a mapped segment is read
 * with pread, in one call per stretch of data, into the thread's buffer:
 * large sequential reads at the disk's speed, and nothing of the dump's
 * mapping is touched, so the resident size stays the buffers' whatever the
 * dump's size (touching the mapping makes every page read resident in the
 * process until unmapped; madvise can hand pages back, but costs a page
 * fault per 4 KiB, at best 64 KiB with fault-around, where one pread brings
 * 4 MiB).  Holes of a sparse file (SEEK_DATA, SEEK_HOLE) are not read at
 * all: they read as zeros, and a zero page is no table and no text.  Pages
 * a pager produces (kdump) come one by one from it.  Every page read is
 * first tested for zeros, cheaply, then handed to the detectors and, while
 * the dump's VMCOREINFO is pending, its runs of non-zero pages to the
 * VMCOREINFO search (vmcoreinfo_find.c). */
#define CHUNK_PAGES 1024u
/* Chunks of paged segments between two hand-backs of the mapping (64 MiB
 * of memory, a fraction of that compressed). */
#define HANDBACK_CHUNKS 16u
/* Chunks read ahead of the one a thread claims (64 MiB): on the 16 GiB
 * image of mkbigdump.py, whose 2 GiB of data lie in 14 595 stretches, a
 * cold scan on two threads takes 2.2 s without, 1.0 s with. */
#define PREFETCH_AHEAD 16u
/* Progress reports at most this often (ns). */
#define REPORT_NS 100000000LL

struct ptw_scan {
	const ptw_dump *d;
	const struct ptw_mode *modes[3];
	unsigned nmodes;
	struct cands out[3];
};

struct pass {
	const ptw_dump *d;
	const struct ptw_mode *modes[3];
	unsigned nmodes;
	bool vmci;                    /* search for VMCOREINFO too */
	const uint64_t *chunk_first;  /* per segment: its first chunk; [nsegs]:
				       * the number of chunks */
	uint64_t nchunks;
	uint64_t next;                /* the next chunk to claim (atomic) */
	uint64_t done;                /* pages covered so far (atomic) */
	uint64_t total;               /* pages to cover */
	const struct ptw_scan_opts *o;
	struct timespec last;         /* the last report (calling thread only) */
};

struct worker {
	struct pass *p;
	struct cands out[3];
	struct ptw_vmci_search vmci;
	uint64_t hole, zero, bad, bytes;
	uint64_t paged_chunks;        /* chunks of paged segments done */
	uint8_t *buf;                 /* CHUNK_PAGES pages */
	bool started;                 /* runs in a thread of its own */
	bool main;                    /* the calling thread: reports progress */
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

/* Whether a page is all zero.  A page of data nearly always shows it in
 * its first or last word; a zero page costs one pass of wide ORs. */
static bool page_zero(const uint8_t *p)
{
	uint64_t a, b;
	memcpy(&a, p, 8);
	memcpy(&b, p + PTW_PAGE - 8, 8);
	if (a | b)
		return false;
	uint64_t acc = 0;
	for (size_t i = 0; i < PTW_PAGE; i += 64) {
		uint64_t v[8];
		memcpy(v, p + i, 64);
		acc |= v[0] | v[1] | v[2] | v[3] | v[4] | v[5] | v[6] | v[7];
	}
	return acc == 0;
}

static void detect(struct worker *w, const uint8_t *q, uint64_t pa)
{
	const struct pass *p = w->p;
	for (unsigned k = 0; k < p->nmodes; k++) {
		const struct ptw_mode *m = p->modes[k];
		if (m->id == PTW_MODE_PAE)
			detect_pae(m, p->d, q, pa, p->d->phys_end, &w->out[k]);
		else
			detect_page_table(m, q, pa, p->d->phys_end, &w->out[k]);
	}
}

/* npages pages read from segment s, its bytes from `in` on, at q. */
static void visit(struct worker *w, const struct ptw_seg *s, uint64_t in,
		  const uint8_t *q, uint64_t npages)
{
	const struct pass *p = w->p;
	bool search = p->vmci && !s->pager;
	uint64_t run = 0; /* the first page of the current non-zero run */
	w->bytes += npages * PTW_PAGE;
	for (uint64_t i = 0; i < npages; i++) {
		const uint8_t *page = q + i * PTW_PAGE;
		if (page_zero(page)) {
			w->zero++;
			if (search && run < i)
				ptw_vmci_feed(p->d, s, in + run * PTW_PAGE, q + run * PTW_PAGE,
					      (size_t)((i - run) * PTW_PAGE), &w->vmci);
			run = i + 1;
			continue;
		}
		detect(w, page, s->pa + in + i * PTW_PAGE);
	}
	if (search && run < npages)
		ptw_vmci_feed(p->d, s, in + run * PTW_PAGE, q + run * PTW_PAGE,
			      (size_t)((npages - run) * PTW_PAGE), &w->vmci);
}

/* npages pages of mapped segment s from `in`: one read, else (an I/O
 * error) page by page, so that one bad sector costs one page. */
static void read_pages(struct worker *w, const struct ptw_seg *s, uint64_t in,
		       uint64_t npages)
{
	const ptw_dump *d = w->p->d;
	const uint8_t *q = ptw_seg_bytes(d, s, in, (size_t)(npages * PTW_PAGE), w->buf);
	if (q) {
		visit(w, s, in, q, npages);
		return;
	}
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t at = in + i * PTW_PAGE;
		if ((q = ptw_seg_bytes(d, s, at, PTW_PAGE, w->buf)))
			visit(w, s, at, q, 1);
		else
			w->bad++;
	}
}

/* Whether the pass visits s's pages: a pass that only searches for
 * VMCOREINFO skips the pages a pager produces. */
static bool seg_visited(const struct pass *p, const struct ptw_seg *s)
{
	return p->nmodes || !s->pager;
}

/* Chunk c: its segment, the file offset in it of its first page, and its
 * number of pages. */
static const struct ptw_seg *chunk_at(const struct pass *p, uint64_t c,
				      uint64_t *in0, uint64_t *n)
{
	const ptw_dump *d = p->d;
	size_t lo = 0, hi = d->nsegs; /* the segment with c in its chunks */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->chunk_first[mid + 1] <= c)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct ptw_seg *s = &d->segs[lo];
	uint64_t first_pa, npages;
	seg_pages(s, &first_pa, &npages);
	uint64_t page0 = (c - p->chunk_first[lo]) * CHUNK_PAGES;
	*n = npages - page0 < CHUNK_PAGES ? npages - page0 : CHUNK_PAGES;
	*in0 = first_pa - s->pa + page0 * PTW_PAGE;
	return s;
}

/* Ask the kernel to start reading chunk c's data now, so that the disk
 * has more than one read per thread to work on (a sparse file's data
 * comes in short stretches, each a read of its own). */
static void prefetch(const struct pass *p, uint64_t c)
{
	if (c >= p->nchunks || p->d->fd < 0)
		return;
	uint64_t in0, n, x, y;
	const struct ptw_seg *s = chunk_at(p, c, &in0, &n);
	if (s->pager)
		return;
	for (uint64_t pos = in0, end = in0 + n * PTW_PAGE;
	     pos < end && ptw_seg_next_data(p->d, s, pos, end, &x, &y); pos = y)
		ptw_seg_prefetch(p->d, s, x, y - x);
}

static void do_chunk(struct worker *w, uint64_t c)
{
	struct pass *p = w->p;
	const ptw_dump *d = p->d;
	uint64_t in0, n;
	const struct ptw_seg *s = chunk_at(p, c, &in0, &n);
	if (s->pager) {
		for (uint64_t i = 0; i < n; i++) {
			uint64_t in = in0 + i * PTW_PAGE;
			if (s->pager->page(d, s, s->aux + in / PTW_PAGE, w->buf))
				visit(w, s, in, w->buf, 1);
			else
				w->bad++;
		}
		/* A pager reads its compressed pages through the mapping: hand
		 * them back now and then, so that the resident size does not
		 * grow to the file's (the page cache keeps them; a page still
		 * in use faults back in). */
		if (d->owns_mapping && ++w->paged_chunks % HANDBACK_CHUNKS == 0)
			madvise((void *)d->data, d->size, MADV_DONTNEED);
	} else {
		/* Stretches of data, widened to whole pages of the chunk. */
		uint64_t pos = in0, end = in0 + n * PTW_PAGE, x, y;
		while (pos < end) {
			if (!ptw_seg_next_data(d, s, pos, end, &x, &y)) {
				w->hole += (end - pos) / PTW_PAGE;
				break;
			}
			x = in0 + (x - in0) / PTW_PAGE * PTW_PAGE;
			y = in0 + (y - in0 + PTW_PAGE - 1) / PTW_PAGE * PTW_PAGE;
			if (x < pos)
				x = pos;
			if (y > end)
				y = end;
			w->hole += (x - pos) / PTW_PAGE;
			read_pages(w, s, x, (y - x) / PTW_PAGE);
			pos = y;
		}
	}
	__atomic_add_fetch(&p->done, n, __ATOMIC_RELAXED);
}

/* The caller's progress, at most every REPORT_NS; `force` for the first
 * and the last report. */
static void report(struct pass *p, bool force)
{
	if (!p->o->progress)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ns = (long long)(now.tv_sec - p->last.tv_sec) * 1000000000LL +
		       (now.tv_nsec - p->last.tv_nsec);
	if (!force && ns < REPORT_NS)
		return;
	p->last = now;
	/* One thread reports and the count only grows: never decreasing. */
	uint64_t done = __atomic_load_n(&p->done, __ATOMIC_RELAXED);
	p->o->progress(p->o->progress_ctx, done * PTW_PAGE, p->total * PTW_PAGE);
}

static void *pass_thread(void *arg)
{
	struct worker *w = arg;
	struct pass *p = w->p;
	for (;;) {
		uint64_t c = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		if (c >= p->nchunks)
			break;
		prefetch(p, c + PREFETCH_AHEAD);
		do_chunk(w, c);
		if (w->main)
			report(p, false);
	}
	return NULL;
}

/* The VMCOREINFO search also looks at the bytes of a mapped segment that
 * are no whole page: before its first page and after its last. */
static void feed_fragments(struct worker *w)
{
	const ptw_dump *d = w->p->d;
	for (size_t i = 0; i < d->nsegs; i++) {
		const struct ptw_seg *s = &d->segs[i];
		if (s->pager || !s->data_len)
			continue;
		uint64_t first_pa, npages, piece[2][2];
		seg_pages(s, &first_pa, &npages);
		if (!npages) { /* less than two pages of data */
			piece[0][0] = 0;
			piece[0][1] = s->data_len;
			piece[1][0] = piece[1][1] = 0;
		} else {
			piece[0][0] = 0;
			piece[0][1] = first_pa - s->pa;
			piece[1][0] = first_pa - s->pa + npages * PTW_PAGE;
			piece[1][1] = s->data_len;
		}
		for (unsigned k = 0; k < 2; k++) {
			uint64_t in = piece[k][0];
			size_t len = (size_t)(piece[k][1] - in);
			const uint8_t *q;
			if (len && (q = ptw_seg_bytes(d, s, in, len, w->buf)))
				ptw_vmci_feed(d, s, in, q, len, &w->vmci);
		}
	}
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
	free(sc);
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
	struct pass p = { .d = d, .nmodes = nmodes, .o = o, .last = t0 };
	for (unsigned k = 0; k < nmodes; k++)
		p.modes[k] = modes[k];
	p.vmci = ptw_dump_vmcoreinfo_pending(d);
	struct ptw_scan *sc = calloc(1, sizeof *sc);
	uint64_t *chunk_first = calloc(d->nsegs + 1, sizeof *chunk_first);
	struct worker *w = NULL;
	pthread_t *tids = NULL;
	unsigned threads = o->threads;
	int rc = 0;
	if (!sc || !chunk_first) {
		rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
		goto out;
	}
	sc->d = d;
	sc->nmodes = nmodes;
	for (unsigned k = 0; k < nmodes; k++)
		sc->modes[k] = modes[k];
	for (size_t i = 0; i < d->nsegs; i++) {
		uint64_t fp, np;
		seg_pages(&d->segs[i], &fp, &np);
		if (!seg_visited(&p, &d->segs[i]) || !(nmodes || p.vmci))
			np = 0;
		chunk_first[i] = p.nchunks;
		p.nchunks += (np + CHUNK_PAGES - 1) / CHUNK_PAGES;
		p.total += np;
	}
	chunk_first[d->nsegs] = p.nchunks;
	p.chunk_first = chunk_first;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if (threads > 64)
		threads = 64;
	if (p.total < 4096)
		threads = 1;
	w = calloc(threads, sizeof *w);
	tids = calloc(threads, sizeof *tids);
	if (!w || !tids) {
		rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
		goto out;
	}
	for (unsigned t = 0; t < threads; t++) {
		w[t].p = &p;
		w[t].main = t == 0;
		ptw_vmci_search_init(&w[t].vmci);
		w[t].buf = malloc(CHUNK_PAGES * PTW_PAGE);
		if (!w[t].buf) {
			rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
			goto out;
		}
	}
	report(&p, true);
	for (uint64_t c = 0; c < PREFETCH_AHEAD; c++)
		prefetch(&p, c);
	if (p.vmci)
		feed_fragments(&w[0]);
	for (unsigned t = 1; t < threads; t++)
		w[t].started = pthread_create(&tids[t], NULL, pass_thread, &w[t]) == 0;
	/* The calling thread works too; a thread that did not start leaves
	 * its chunks to the others. */
	pass_thread(&w[0]);
	for (unsigned t = 1; t < threads; t++)
		if (w[t].started)
			pthread_join(tids[t], NULL);
	for (unsigned k = 0; k < nmodes && !rc; k++)
		if (merge_cands(&sc->out[k], w, threads, k))
			rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	if (p.vmci && !rc) {
		for (unsigned t = 1; t < threads; t++)
			ptw_vmci_merge(&w[0].vmci, &w[t].vmci);
		rc = ptw_dump_vmcoreinfo_settle(d, &w[0].vmci, err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stats) {
		*stats = (struct ptw_scan_stats){
			.pages = p.total, .vmcoreinfo = p.vmci, .threads = threads,
			.seconds = (double)(t1.tv_sec - t0.tv_sec) +
				   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		};
		for (unsigned t = 0; t < threads; t++) {
			stats->pages_hole += w[t].hole;
			stats->pages_zero += w[t].zero;
			stats->pages_bad += w[t].bad;
			stats->bytes_read += w[t].bytes;
		}
	}
out:
	/* The last report says all is done, also when the scan stopped. */
	__atomic_store_n(&p.done, p.total, __ATOMIC_RELAXED);
	if (o->progress)
		report(&p, true);
	if (w)
		for (unsigned t = 0; t < threads; t++) {
			for (unsigned k = 0; k < 3; k++)
				free(w[t].out[k].v);
			free(w[t].buf);
		}
	free(w);
	free(tids);
	free(chunk_first);
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


/* Modes whose top tables the detectors see alike: la57's PML5 is x64's
 * PML4 (the same entries, bits and reserved bits, the same kernel half),
 * so one pass's x64 candidates serve a kernel that VMCOREINFO says runs
 * 5-level paging. */
static enum ptw_mode_id shape_of(const struct ptw_mode *m)
{
	return m->id == PTW_MODE_LA57 ? PTW_MODE_X64 : m->id;
}

int ptw_scan_judge(struct ptw_scan *sc, const struct ptw_mode *m,
		   const uint64_t *seeds, size_t nseeds,
		   struct ptw_scan_hits *hits, struct ptw_error *err)
{
	unsigned k = 0;
	while (k < sc->nmodes && sc->modes[k] != m)
		k++;
	if (k == sc->nmodes)
		for (k = 0; k < sc->nmodes && shape_of(sc->modes[k]) != shape_of(m);)
			k++;
	if (k == sc->nmodes)
		return 0;
	hits->capped = sc->out[k].capped;
	if (judge(m, sc->d, &sc->out[k], seeds, nseeds, hits))
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	return 0;
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
