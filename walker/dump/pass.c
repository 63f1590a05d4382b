/* dump/pass.c — one pass over every page the dump holds, split among
 * threads, for those that must look at all of memory: the scan (its
 * detectors) and the VMCOREINFO search, which the scan feeds as it goes
 * or which runs a pass on its own.
 *
 * How the pass reads.  Memory goes in chunks of CHUNK_PAGES pages, claimed
 * in order of physical address by the threads from one counter, so that
 * the file is read front to back as `cat` reads it and each thread's
 * findings come in ascending order.  A chunk of a mapped segment is read
 * with pread, in one call per stretch of data, into the thread's buffer:
 * large sequential reads at the disk's speed, and nothing of the dump's
 * mapping is touched, so the resident size stays the buffers' whatever the
 * dump's size (touching the mapping makes every page read resident in the
 * process until unmapped; madvise can hand pages back, but costs a page
 * fault per 4 KiB, at best 64 KiB with fault-around, where one pread brings
 * 4 MiB).  Holes of a sparse file (SEEK_DATA, SEEK_HOLE) are not read at
 * all: they read as zeros, and a zero page is no table and no text.  Pages
 * a pager produces (kdump) come one by one from it.  Every page read is
 * first tested for zeros, cheaply; runs of non-zero pages go to the
 * caller.
 */
#include "dump/dump.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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

struct pass {
	const ptw_dump *d;
	const struct ptw_pass_opts *o;
	const uint64_t *chunk_first;  /* per segment: its first chunk; [nsegs]:
				       * the number of chunks */
	uint64_t nchunks;
	uint64_t next;                /* the next chunk to claim (atomic) */
	uint64_t done;                /* pages covered so far (atomic) */
	uint64_t total;               /* pages to cover */
	struct timespec last;         /* the last report (calling thread only) */
};

struct worker {
	struct pass *p;
	unsigned index;               /* the caller's thread number */
	uint64_t hole, zero, bad, bytes;
	uint64_t paged_chunks;        /* chunks of paged segments done */
	uint8_t *buf;                 /* CHUNK_PAGES pages */
	bool started;                 /* runs in a thread of its own */
};

void ptw_seg_pages(const struct ptw_seg *s, uint64_t *first_pa,
		   uint64_t *npages)
{
	/* Segments end below 2^52 (dump.c), so none of this overflows. */
	uint64_t start = (s->pa + PTW_PAGE - 1) & ~(PTW_PAGE - 1);
	uint64_t end = (s->pa + s->data_len) & ~(PTW_PAGE - 1);
	*first_pa = start;
	*npages = end > start && s->data_len ? (end - start) / PTW_PAGE : 0;
}

const uint8_t *ptw_pass_view(const ptw_dump *d, uint64_t pa, uint8_t *buf)
{
	const struct ptw_seg *s = ptw_dump_seg(d, pa);
	if (d->fd >= 0 && s && !s->pager && pa - s->pa <= s->data_len &&
	    s->data_len - (pa - s->pa) >= PTW_PAGE)
		return ptw_seg_bytes(d, s, pa - s->pa, PTW_PAGE, buf);
	return ptw_phys_view(d, pa, PTW_PAGE, buf);
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

/* npages pages read from segment s, its bytes from `in` on, at q: the
 * zero ones counted, the runs of the others handed over. */
static void visit(struct worker *w, const struct ptw_seg *s, uint64_t in,
		  const uint8_t *q, uint64_t npages)
{
	const struct ptw_pass_opts *o = w->p->o;
	uint64_t run = 0; /* the first page of the current non-zero run */
	w->bytes += npages * PTW_PAGE;
	for (uint64_t i = 0; i < npages; i++) {
		if (!page_zero(q + i * PTW_PAGE))
			continue;
		w->zero++;
		if (run < i)
			o->pages(o->ctx, w->index, s, in + run * PTW_PAGE,
				 q + run * PTW_PAGE, i - run);
		run = i + 1;
	}
	if (run < npages)
		o->pages(o->ctx, w->index, s, in + run * PTW_PAGE, q + run * PTW_PAGE,
			 npages - run);
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

/* Whether the pass visits s's pages. */
static bool seg_visited(const struct ptw_pass_opts *o, const struct ptw_seg *s)
{
	return o->segs & (s->pager ? PTW_PASS_PAGED : PTW_PASS_MAPPED);
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
	ptw_seg_pages(s, &first_pa, &npages);
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
		if (w->index == 0)
			report(p, false);
	}
	return NULL;
}

/* The chunks of every segment the pass visits into p (chunk_first has
 * nsegs + 1 slots). */
static void plan_chunks(struct pass *p, uint64_t *chunk_first)
{
	const ptw_dump *d = p->d;
	for (size_t i = 0; i < d->nsegs; i++) {
		uint64_t fp, np;
		ptw_seg_pages(&d->segs[i], &fp, &np);
		if (!seg_visited(p->o, &d->segs[i]))
			np = 0;
		chunk_first[i] = p->nchunks;
		p->nchunks += (np + CHUNK_PAGES - 1) / CHUNK_PAGES;
		p->total += np;
	}
	chunk_first[d->nsegs] = p->nchunks;
	p->chunk_first = chunk_first;
}

/* Threads for a pass of `total` pages: as asked (0: one per CPU), at
 * most 64, and one for a pass too small to share. */
static unsigned pass_threads(unsigned threads, uint64_t total)
{
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if (threads > 64)
		threads = 64;
	if (total < 4096)
		threads = 1;
	return threads;
}

static void run_threads(struct worker *w, unsigned threads, pthread_t *tids)
{
	for (unsigned t = 1; t < threads; t++)
		w[t].started = pthread_create(&tids[t], NULL, pass_thread, &w[t]) == 0;
	/* The calling thread works too; a thread that did not start leaves
	 * its chunks to the others. */
	pass_thread(&w[0]);
	for (unsigned t = 1; t < threads; t++)
		if (w[t].started)
			pthread_join(tids[t], NULL);
}

int ptw_dump_pass(const ptw_dump *d, const struct ptw_pass_opts *o,
		  struct ptw_pass_stats *stats, struct ptw_error *err)
{
	struct pass p = { .d = d, .o = o };
	clock_gettime(CLOCK_MONOTONIC, &p.last);
	uint64_t *chunk_first = calloc(d->nsegs + 1, sizeof *chunk_first);
	struct worker *w = NULL;
	pthread_t *tids = NULL;
	unsigned threads = 0;
	int rc = 0;
	if (!chunk_first) {
		rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
		goto out;
	}
	plan_chunks(&p, chunk_first);
	threads = pass_threads(o->threads, p.total);
	w = calloc(threads, sizeof *w);
	tids = calloc(threads, sizeof *tids);
	if (!w || !tids) {
		rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
		goto out;
	}
	for (unsigned t = 0; t < threads; t++) {
		w[t].p = &p;
		w[t].index = t;
		w[t].buf = malloc(CHUNK_PAGES * PTW_PAGE);
		if (!w[t].buf) {
			rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
			goto out;
		}
	}
	if (o->start && (rc = o->start(o->ctx, threads, err)))
		goto out;
	report(&p, true);
	for (uint64_t c = 0; c < PREFETCH_AHEAD; c++)
		prefetch(&p, c);
	run_threads(w, threads, tids);
	if (stats) {
		*stats = (struct ptw_pass_stats){ .pages = p.total, .threads = threads };
		for (unsigned t = 0; t < threads; t++) {
			stats->pages_hole += w[t].hole;
			stats->pages_zero += w[t].zero;
			stats->pages_bad += w[t].bad;
			stats->bytes_read += w[t].bytes;
		}
	}
out:
	/* The last report says all is done, also when the pass stopped. */
	__atomic_store_n(&p.done, p.total, __ATOMIC_RELAXED);
	if (o->progress)
		report(&p, true);
	if (w)
		for (unsigned t = 0; t < threads; t++)
			free(w[t].buf);
	free(w);
	free(tids);
	free(chunk_first);
	return rc;
}
