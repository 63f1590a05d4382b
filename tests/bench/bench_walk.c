/* bench_walk.c — in-process figures for the walker library (bench.sh runs it).
 *
 *   bench_walk [--min-time SECONDS] [--space-out FILE] [--vms] DUMP
 *
 * --vms: figure 9 alone (for a dump whose memory holds guests).
 *
 * Prints one labelled line per figure: the measured rate, the baseline
 * measured in this same run, and their ratio.  Nothing is asserted; the
 * numbers only mean something relative to each other.
 *
 *   1  translations per second through ptw_translate (sequential and
 *      random VAs of one real address space) against random 8-byte
 *      ptw_phys_read calls (one memory access each); the same through
 *      ptw_vread with a struct ptw_tlb; bulk ptw_vread against ptw_phys_read.
 *   1g ptw_vtop on random VAs without a TLB, 1h on sequential pages and
 *      1i on sequential 64-byte lines with one, against a naive x86-64 4-level walk written here: the
 *      dump file mapped, each PA found among its segments, no checks
 *      beyond staying inside the file (what the library must not be
 *      slower than, for all its validation).
 *   2  pages per second of ptw_discover's scan (one thread, default
 *      threads) against summing every 8-byte word of the dump (bandwidth).
 *   9a the scan's pass with the VMCB sniffing every x86 dump now pays
 *      (discover/vm.c) against the same pass without it (pages per second).
 *   9b (a dump with guests: --vms) reading every byte of a guest's
 *      physical memory through its translated dump (ptw_vm_open) against
 *      reading the same host bytes directly; 9c ptw_translate on a guest
 *      space (its tables read through the nested runs) against the same on
 *      the host's first space.
 *   8  (x86-64 Linux) the time ptw_ksym_find takes to find kallsyms in the
 *      kernel image (what kernels before 6.0 need: their VMCOREINFO names
 *      no table) against reading the image's mapped range once, from
 *      VMCOREINFO's _stext, as much as the finder may read.
 *
 * --space-out writes the chosen space's DirBase (lowercase hex, as the
 * mount names it under /dtb) so that bench.sh measures the same space.
 */
#include "ptwalk.h"
#include "discover/discover.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ULL
#define RANDOM_COUNT (1u << 20)     /* random VAs / PAs per pass */
#define SEQ_PAGE_CAP (4u << 20)     /* at most this many pages in the sequential list */
#define WORD_PAGES 4096u            /* pages read word by word (16 MiB) */
#define TRIALS 5                    /* rates are the median of this many trials */
#define SCAN_REPS 5

static double min_time = 0.1;       /* seconds per trial, at least */
static volatile uint64_t sink;      /* keeps results alive */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: fixed seed, so each run draws the same addresses. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void die(const char *what, const struct ptw_error *err)
{
	fprintf(stderr, "bench_walk: %s: %s\n", what, err ? err->msg : strerror(errno));
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fprintf(stderr, "bench_walk: out of memory\n");
		exit(1);
	}
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- timed passes ----------------------------------------------------------- */

/* Everything a pass may use. */
struct work {
	const ptw_dump *d;
	const struct ptw_space *s;
	const uint64_t *va;          /* VAs to translate or read */
	const uint64_t *pa;          /* PAs to read */
	size_t n;                    /* entries of va / pa used by the pass */
	size_t bytes;                /* bytes per access (bulk passes) */
	uint8_t *buf;
	struct ptw_tlb tlb;
	bool use_tlb;                /* pass_vtop: through tlb */
};

/* One pass over the work; returns the number of operations it did. */
typedef uint64_t (*pass_fn)(struct work *w);

/* Operations per second of one trial: the pass repeated until min_time has
 * gone by. */
static double trial(pass_fn fn, struct work *w)
{
	uint64_t ops = 0;
	double t0 = now(), el;
	do {
		ops += fn(w);
		el = now() - t0;
	} while (el < min_time);
	return (double)ops / el;
}

/* Rates of a pass and of its baseline, trial by trial in turn so that a
 * change in the machine's load (other jobs) falls on both alike; each the
 * median of TRIALS trials. */
static void rates(pass_fn fn, struct work *w, pass_fn base_fn,
		  struct work *bw, double *rate, double *base)
{
	double r[TRIALS], b[TRIALS];
	fn(w); /* warm caches */
	base_fn(bw);
	for (unsigned t = 0; t < TRIALS; t++) {
		r[t] = trial(fn, w);
		b[t] = trial(base_fn, bw);
	}
	*rate = median(r, TRIALS);
	*base = median(b, TRIALS);
}

static uint64_t pass_translate(struct work *w)
{
	uint64_t acc = 0;
	struct ptw_xlat x;
	for (size_t i = 0; i < w->n; i++) {
		ptw_translate(w->s, w->va[i], &x, NULL);
		acc += x.pa + x.status;
	}
	sink += acc;
	return w->n;
}

static uint64_t pass_phys8(struct work *w)
{
	uint64_t acc = 0, v;
	for (size_t i = 0; i < w->n; i++) {
		ptw_phys_read(w->d, w->pa[i], &v, 8);
		acc += v;
	}
	sink += acc;
	return w->n;
}

static uint64_t pass_vread8(struct work *w)
{
	uint64_t acc = 0, v;
	for (size_t i = 0; i < w->n; i++) {
		ptw_vread(w->s, &w->tlb, w->va[i], &v, 8);
		acc += v;
	}
	sink += acc;
	return w->n;
}

/* Every 8-byte word of w->n pages, in order: the TLB's hit path. */
static uint64_t pass_vread_words(struct work *w)
{
	uint64_t acc = 0, v;
	for (size_t i = 0; i < w->n; i++)
		for (uint64_t off = 0; off < PAGE; off += 8) {
			ptw_vread(w->s, &w->tlb, w->va[i] + off, &v, 8);
			acc += v;
		}
	sink += acc;
	return w->n * (PAGE / 8);
}

static uint64_t pass_phys_words(struct work *w)
{
	uint64_t acc = 0, v;
	for (size_t i = 0; i < w->n; i++)
		for (uint64_t off = 0; off < PAGE; off += 8) {
			ptw_phys_read(w->d, w->pa[i] + off, &v, 8);
			acc += v;
		}
	sink += acc;
	return w->n * (PAGE / 8);
}

/* Bulk reads of w->bytes at each address (what the vmem and phys files do). */
static uint64_t pass_vread_bulk(struct work *w)
{
	for (size_t i = 0; i < w->n; i++)
		ptw_vread(w->s, &w->tlb, w->va[i], w->buf, w->bytes);
	sink += w->buf[0];
	return w->n;
}

static uint64_t pass_phys_bulk(struct work *w)
{
	for (size_t i = 0; i < w->n; i++)
		ptw_phys_read(w->d, w->pa[i], w->buf, w->bytes);
	sink += w->buf[0];
	return w->n;
}

/* ---- the naive walk: the baseline for ptw_vtop ----------------------------- */

/* Physical memory as the file lays it out: a raw image (offset = PA) or an
 * ELF core's PT_LOAD segments. */
#define NAIVE_SEGS 64
struct naive {
	const uint8_t *file;
	size_t size;
	struct { uint64_t pa, len, off; } seg[NAIVE_SEGS];
	unsigned nseg;
	uint64_t dirbase;
	uint64_t root[2];      /* AArch64: TTBR0's table and TTBR1's */
};

static bool naive_open(struct naive *nv, const char *path, const ptw_dump *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return false;
	nv->size = (size_t)st.st_size;
	nv->file = mmap(NULL, nv->size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (nv->file == MAP_FAILED)
		return false;
	nv->nseg = 0;
	if (!strcmp(ptw_dump_format(d), "raw")) {
		nv->seg[0].pa = nv->seg[0].off = 0;
		nv->seg[0].len = nv->size;
		nv->nseg = 1;
		return true;
	}
	if (strcmp(ptw_dump_format(d), "elf64") || nv->size < sizeof(Elf64_Ehdr))
		return false;
	const Elf64_Ehdr *eh = (const void *)nv->file;
	for (unsigned i = 0; i < eh->e_phnum && nv->nseg < NAIVE_SEGS; i++) {
		uint64_t at = eh->e_phoff + (uint64_t)i * eh->e_phentsize;
		if (at + sizeof(Elf64_Phdr) > nv->size)
			return false;
		const Elf64_Phdr *ph = (const void *)(nv->file + at);
		if (ph->p_type != PT_LOAD || ph->p_offset + ph->p_filesz > nv->size)
			continue;
		nv->seg[nv->nseg].pa = ph->p_paddr;
		nv->seg[nv->nseg].len = ph->p_filesz;
		nv->seg[nv->nseg].off = ph->p_offset;
		nv->nseg++;
	}
	return nv->nseg > 0;
}

/* The 8 bytes at pa, or 0 outside the file's segments. */
static inline uint64_t naive_load(const struct naive *nv, uint64_t pa)
{
	for (unsigned i = 0; i < nv->nseg; i++)
		if (pa - nv->seg[i].pa < nv->seg[i].len && nv->seg[i].len - (pa - nv->seg[i].pa) >= 8) {
			uint64_t v;
			memcpy(&v, nv->file + nv->seg[i].off + (pa - nv->seg[i].pa), 8);
			return v;
		}
	return 0;
}

/* A textbook x86-64 4-level walk: P, PS at the PDPT and PD, nothing else. */
static inline bool naive_vtop(const struct naive *nv, uint64_t va, uint64_t *pa)
{
	const uint64_t addr = 0x000ffffffffff000ULL;
	uint64_t table = nv->dirbase;
	for (int shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = naive_load(nv, (table & addr) + ((va >> shift) & 511) * 8);
		if (!(e & 1))
			return false;
		if (shift == 12 || (shift <= 30 && (e & 0x80))) {
			uint64_t size = 1ULL << shift;
			*pa = (e & addr & ~(size - 1)) + (va & (size - 1));
			return true;
		}
		table = e;
	}
	return false;
}

/* A textbook AArch64 walk, 4 KiB granule and 48-bit VA: the root by
 * the VA's top bit; bits[1:0] 11 a table (a page at level 3), 01 a block
 * at levels 1 and 2, anything else a fault; nothing else checked. */
static inline bool naive_vtop_a64(const struct naive *nv, uint64_t va, uint64_t *pa)
{
	const uint64_t addr = 0x0000fffffffff000ULL;
	uint64_t table = nv->root[va >> 63];
	for (int shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = naive_load(nv, table + ((va >> shift) & 511) * 8);
		unsigned type = (unsigned)e & 3;
		if (shift == 12 ? type != 3 : !(type == 3 || (type == 1 && shift <= 30)))
			return false;
		if (shift == 12 || type == 1) {
			uint64_t size = 1ULL << shift;
			*pa = (e & addr & ~(size - 1)) + (va & (size - 1));
			return true;
		}
		table = e & addr;
	}
	return false;
}

static struct naive naive_mem;

/* The naive walks over w's VAs; arm is a constant at each call, so each
 * pass keeps its own walk inline (no call in the baseline's loop). */
static inline __attribute__((always_inline)) uint64_t
naive_pass(struct work *w, const bool arm)
{
	uint64_t acc = 0, pa = 0;
	for (size_t i = 0; i < w->n; i++) {
		acc += arm ? naive_vtop_a64(&naive_mem, w->va[i], &pa)
			   : naive_vtop(&naive_mem, w->va[i], &pa);
		acc += pa;
	}
	sink += acc;
	return w->n;
}

static uint64_t pass_naive(struct work *w)
{
	return naive_pass(w, false);
}

static uint64_t pass_naive_a64(struct work *w)
{
	return naive_pass(w, true);
}

/* ptw_vtop over the VAs, through w's TLB when w->use_tlb. */
static uint64_t pass_vtop(struct work *w)
{
	uint64_t acc = 0, pa = 0;
	struct ptw_tlb *tlb = w->use_tlb ? &w->tlb : NULL;
	for (size_t i = 0; i < w->n; i++) {
		acc += (uint64_t)ptw_vtop(w->s, tlb, w->va[i], &pa);
		acc += pa;
	}
	sink += acc;
	return w->n;
}

/* The naive descent over every table of a space, counting 4 KiB units of
 * what the leaves map: x86-64 4-level (P, PS at the PDPT and PD) or
 * AArch64 4 KiB, 48-bit (both roots; 11 a table or page, 01 a block at
 * levels 1 and 2); no checks, no coalescing, no loop bounds (the real
 * tables have none). */
static uint64_t naive_count(const struct naive *nv, bool arm, uint64_t table, int shift)
{
	const uint64_t addr = arm ? 0x0000fffffffff000ULL : 0x000ffffffffff000ULL;
	uint64_t pages = 0;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = naive_load(nv, table + i * 8);
		bool leaf;
		if (arm) {
			unsigned type = (unsigned)e & 3;
			if (shift == 12 ? type != 3 : !(type == 3 || (type == 1 && shift <= 30)))
				continue;
			leaf = shift == 12 || type == 1;
		} else {
			if (!(e & 1))
				continue;
			leaf = shift == 12 || (shift <= 30 && (e & 0x80));
		}
		pages += leaf ? 1ULL << (shift - 12) : naive_count(nv, arm, e & addr, shift - 9);
	}
	return pages;
}

static bool naive_arm;

static uint64_t pass_naive_iterate(struct work *w)
{
	uint64_t pages = 0;
	for (unsigned r = 0; r < (naive_arm ? 2u : 1u); r++)
		if (naive_mem.root[r] != PTW_NO_ROOT)
			pages += naive_count(&naive_mem, naive_arm, naive_mem.root[r], 39);
	sink += pages;
	(void)w;
	return pages;
}

static int count_pages(void *ctx, const struct ptw_run *r)
{
	*(uint64_t *)ctx += r->size / PAGE;
	return 0;
}

/* ptw_iterate over the whole space: its pages, in 4 KiB units. */
static uint64_t pass_iterate(struct work *w)
{
	uint64_t pages = 0;
	if (ptw_iterate(w->s, 0, ptw_mode_va_from_offset(w->s->mode, ptw_mode_va_size(w->s->mode) - 1),
			count_pages, &pages, NULL, NULL))
		die("ptw_iterate", NULL);
	sink += pages;
	return pages;
}

/* Whether the naive walk and ptw_vtop agree on every VA (else the figure
 * would compare different work). */
static bool naive_agrees(const struct ptw_space *s, const uint64_t *va, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t a = 0, b = 0;
		bool ok = s->mode->split ? naive_vtop_a64(&naive_mem, va[i], &a)
					 : naive_vtop(&naive_mem, va[i], &a);
		if (ok != (ptw_vtop(s, NULL, va[i], &b) == 0) || (ok && a != b))
			return false;
	}
	return true;
}

/* ---- the address space ---------------------------------------------------------- */

struct runs {
	struct ptw_run *v;
	size_t n, cap;
	uint64_t bytes;
};

static int collect_run(void *ctx, const struct ptw_run *r)
{
	struct runs *rs = ctx;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 1024;
		struct ptw_run *v = realloc(rs->v, cap * sizeof *v);
		if (!v)
			return 1;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = *r;
	rs->bytes += r->size;
	return 0;
}

static int count_run(void *ctx, const struct ptw_run *r)
{
	*(uint64_t *)ctx += r->size;
	return 0;
}

static uint64_t top_va(const struct ptw_mode *m)
{
	return ptw_mode_va_from_offset(m, ptw_mode_va_size(m) - 1);
}

/* The space mapping the most bytes (ties: the one a vCPU's CR3 names). */
static const struct ptw_space *pick_space(const struct ptw_spaces *sp,
					  uint64_t *mapped)
{
	const struct ptw_space *best = NULL;
	uint64_t best_bytes = 0;
	for (size_t i = 0; i < sp->n; i++) {
		const struct ptw_space *s = &sp->v[i];
		uint64_t bytes = 0;
		if (ptw_iterate(s, 0, top_va(s->mode), count_run, &bytes, NULL, NULL))
			continue;
		if (!best || bytes > best_bytes ||
		    (bytes == best_bytes && (s->found & PTW_FOUND_CR3)))
			best = s, best_bytes = bytes;
	}
	*mapped = best_bytes;
	return best;
}

/* ---- figures -------------------------------------------------------------------- */

static void line(const char *label, double v, const char *unit,
		 const char *base_label, double base, const char *note)
{
	printf("%-44s %10.3f %-5s | baseline %-36s %10.3f %-5s | ratio %7.4f%s%s\n",
	       label, v, unit, base_label, base, unit, base > 0 ? v / base : 0.0,
	       note && *note ? "  " : "", note ? note : "");
}

/* A random 8-byte-aligned PA inside the dump's ranges. */
static uint64_t random_pa(const ptw_dump *d, uint64_t span)
{
	const struct ptw_range *r;
	size_t nr = ptw_dump_ranges(d, &r);
	uint64_t k = rnd_below(ptw_dump_phys_size(d) / 8) * 8;
	for (size_t i = 0; i < nr; i++) {
		if (k < r[i].size) {
			if (r[i].size >= span && k > r[i].size - span)
				k = r[i].size - span;
			return r[i].start + k;
		}
		k -= r[i].size;
	}
	return r[0].start;
}

/* The largest physical range: the sequential baselines read from its start. */
static struct ptw_range largest_range(const ptw_dump *d)
{
	const struct ptw_range *r;
	size_t nr = ptw_dump_ranges(d, &r);
	struct ptw_range best = r[0];
	for (size_t i = 1; i < nr; i++)
		if (r[i].size > best.size)
			best = r[i];
	return best;
}

static void figure_translate(const ptw_dump *d, const struct ptw_spaces *sp,
			     const char *space_out, const char *dump_path)
{
	uint64_t mapped;
	const struct ptw_space *s = pick_space(sp, &mapped);
	if (!s || mapped == 0) {
		printf("[1] no address space maps anything: translation figures skipped\n");
		return;
	}
	if (space_out) {
		FILE *f = fopen(space_out, "w");
		if (!f)
			die(space_out, NULL);
		fprintf(f, "%" PRIx64 "\n", s->dirbase);
		fclose(f);
	}
	struct runs rs = {0};
	struct ptw_error err;
	if (ptw_iterate(s, 0, top_va(s->mode), collect_run, &rs, NULL, &err))
		die("ptw_iterate", &err);

	/* Every 4 KiB page of the runs, in VA order (capped). */
	uint64_t total = mapped / PAGE;
	size_t nseq = total > SEQ_PAGE_CAP ? SEQ_PAGE_CAP : (size_t)total;
	uint64_t *seq = xcalloc(nseq, sizeof *seq);
	size_t k = 0;
	for (size_t i = 0; i < rs.n && k < nseq; i++)
		for (uint64_t p = 0; p < rs.v[i].size / PAGE && k < nseq; p++)
			seq[k++] = rs.v[i].va + p * PAGE;
	nseq = k;

	/* Random mapped pages (a random word in each) and random PAs. */
	uint64_t *rva = xcalloc(RANDOM_COUNT, sizeof *rva);
	uint64_t *rpa = xcalloc(RANDOM_COUNT, sizeof *rpa);
	for (size_t i = 0; i < RANDOM_COUNT; i++) {
		rva[i] = seq[rnd_below(nseq)] + rnd_below(PAGE / 8) * 8;
		rpa[i] = random_pa(d, 8);
	}

	char how[256], note[512];
	ptw_found_string(s, how, sizeof how);
	printf("[1] space %" PRIx64 " (%s; %s): %" PRIu64 " KiB mapped in %zu runs; "
	       "%zu sequential pages%s, %u random pages\n",
	       s->dirbase, s->mode->name, how, mapped / 1024, rs.n, nseq,
	       (uint64_t)nseq < total ? " (capped)" : "", RANDOM_COUNT);

	/* The baseline: random 8-byte physical reads, one memory access each. */
	struct work bw = { .d = d, .pa = rpa, .n = RANDOM_COUNT };
	const char *bl = "random 8B ptw_phys_read";
	struct work w = { .d = d, .s = s };
	double v, base;

	w.va = seq;
	w.n = nseq;
	rates(pass_translate, &w, pass_phys8, &bw, &v, &base);
	snprintf(note, sizeof note, "(%.0f ns per translation, %.0f ns per read)",
		 1e9 / v, 1e9 / base);
	line("1a ptw_translate, sequential VAs (M/s)", v / 1e6, "M/s", bl,
	     base / 1e6, note);

	w.va = rva;
	w.n = RANDOM_COUNT;
	rates(pass_translate, &w, pass_phys8, &bw, &v, &base);
	snprintf(note, sizeof note, "(%.0f ns per translation, %.0f ns per read)",
		 1e9 / v, 1e9 / base);
	line("1b ptw_translate, random VAs (M/s)", v / 1e6, "M/s", bl,
	     base / 1e6, note);

	ptw_tlb_reset(&w.tlb);
	w.va = seq;
	w.n = nseq;
	rates(pass_vread8, &w, pass_phys8, &bw, &v, &base);
	line("1c ptw_vread+tlb 8B, sequential pages (M/s)", v / 1e6, "M/s", bl,
	     base / 1e6, "(one read per 4 KiB page: a TLB miss each)");

	ptw_tlb_reset(&w.tlb);
	w.va = rva;
	w.n = RANDOM_COUNT;
	rates(pass_vread8, &w, pass_phys8, &bw, &v, &base);
	line("1d ptw_vread+tlb 8B, random pages (M/s)", v / 1e6, "M/s", bl,
	     base / 1e6, "(translation plus the read itself)");

	/* The TLB's hit path: every word of the first pages, against every
	 * word of as many physical pages. */
	struct ptw_range big = largest_range(d);
	size_t nphys = (size_t)(big.size / PAGE);
	size_t nwords = nseq < WORD_PAGES ? nseq : WORD_PAGES;
	if (nphys < nwords)
		nwords = nphys;
	uint64_t *spa = xcalloc(nseq, sizeof *spa);
	for (size_t i = 0; i < nseq; i++)
		spa[i] = big.start + (uint64_t)(i % (nphys ? nphys : 1)) * PAGE;
	ptw_tlb_reset(&w.tlb);
	w.va = seq;
	w.n = nwords;
	struct work sw = { .d = d, .pa = spa, .n = nwords };
	rates(pass_vread_words, &w, pass_phys_words, &sw, &v, &base);
	snprintf(note, sizeof note, "(%zu pages word by word: TLB hits)", nwords);
	line("1e ptw_vread+tlb 8B, every word (M/s)", v / 1e6, "M/s",
	     "sequential 8B ptw_phys_read", base / 1e6, note);

	/* Bulk: a page per call over the sequential pages, as the vmem file
	 * does, against as many physical pages in order. */
	w.buf = xcalloc(1, PAGE);
	w.bytes = PAGE;
	w.n = nseq;
	sw.buf = xcalloc(1, PAGE);
	sw.bytes = PAGE;
	sw.n = nseq;
	ptw_tlb_reset(&w.tlb);
	rates(pass_vread_bulk, &w, pass_phys_bulk, &sw, &v, &base);
	line("1f ptw_vread 4 KiB, sequential pages (MB/s)", v * PAGE / 1e6, "MB/s",
	     "sequential 4 KiB ptw_phys_read", base * PAGE / 1e6, "");

	/* ptw_vtop against the naive walk over the same VAs. */
	bool arm = s->mode == ptw_mode_aarch64(12, 48);
	if ((s->mode->id != PTW_MODE_X64 && !arm) || !naive_open(&naive_mem, dump_path, d)) {
		printf("[1g/1h] the naive baseline needs an x86-64 or AArch64 (4 KiB, 48-bit) raw or ELF64 dump: skipped\n");
	} else {
		naive_mem.dirbase = s->dirbase;
		naive_mem.root[0] = s->root[0];
		naive_mem.root[1] = s->root[1];
		pass_fn naive_pass = arm ? pass_naive_a64 : pass_naive;
		const char *nb = arm ? "naive AArch64 4-level walk, no checks"
				     : "naive 4-level walk, no checks";
		if (!naive_agrees(s, rva, RANDOM_COUNT) || !naive_agrees(s, seq, nseq))
			printf("[1g/1h] the naive walk disagrees with ptw_vtop: figures "
			       "compare different work\n");
		struct work nw = { .d = d, .va = rva, .n = RANDOM_COUNT };
		w.va = rva;
		w.n = RANDOM_COUNT;
		rates(pass_vtop, &w, naive_pass, &nw, &v, &base);
		snprintf(note, sizeof note, "(%.1f ns vs %.1f ns per address)", 1e9 / v,
			 1e9 / base);
		line("1g ptw_vtop, random VAs, no tlb (M/s)", v / 1e6, "M/s", nb,
		     base / 1e6, note);
		nw.va = seq;
		nw.n = nseq;
		w.va = seq;
		w.n = nseq;
		ptw_tlb_reset(&w.tlb);
		w.use_tlb = true;
		rates(pass_vtop, &w, naive_pass, &nw, &v, &base);
		snprintf(note, sizeof note, "(%.1f ns vs %.1f ns per page)", 1e9 / v,
			 1e9 / base);
		line("1h ptw_vtop+tlb, sequential pages (M/s)", v / 1e6, "M/s", nb,
		     base / 1e6, note);
		/* A reader going through memory a cache line at a time. */
		size_t nlines = nwords * (PAGE / 64);
		uint64_t *lines = xcalloc(nlines, sizeof *lines);
		for (size_t i = 0; i < nlines; i++)
			lines[i] = seq[i / (PAGE / 64)] + (i % (PAGE / 64)) * 64;
		nw.va = w.va = lines;
		nw.n = w.n = nlines;
		ptw_tlb_reset(&w.tlb);
		rates(pass_vtop, &w, naive_pass, &nw, &v, &base);
		snprintf(note, sizeof note, "(%.1f ns vs %.1f ns per line, %zu pages)",
			 1e9 / v, 1e9 / base, nwords);
		line("1i ptw_vtop+tlb, sequential 64 B lines (M/s)", v / 1e6, "M/s", nb,
		     base / 1e6, note);
		free(lines);
		/* The whole space, as maps and the counts walk it. */
		naive_arm = arm;
		struct work iw = { .d = d, .s = s }, niw = { .d = d };
		uint64_t a = pass_iterate(&iw), b = pass_naive_iterate(&niw);
		rates(pass_iterate, &iw, pass_naive_iterate, &niw, &v, &base);
		snprintf(note, sizeof note, "(%" PRIu64 " pages%s; %.2f ms vs %.2f ms per walk)",
			 a, a == b ? "" : ", the naive walk counts another number",
			 1e3 * (double)a / v, 1e3 * (double)b / base);
		line("1j ptw_iterate, whole space (Mpages/s)", v / 1e6, "Mp/s",
		     arm ? "naive AArch64 descent, no checks" : "naive 4-level descent, no checks",
		     base / 1e6, note);
		munmap((void *)naive_mem.file, naive_mem.size);
	}

	free(sw.buf);
	free(w.buf);
	free(spa);
	free(rva);
	free(rpa);
	free(seq);
	free(rs.v);
}

/* Bytes per second summing every 8-byte word of the dump through a fresh
 * mapping (so page faults count; the scan pays for its reads with pread
 * copies instead, and skips the holes of a sparse file). */
static double sum_once(int fd, size_t size)
{
	double t0 = now();
	const uint64_t *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap", NULL);
	uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
	size_t n = size / 8, i = 0;
	for (; i + 4 <= n; i += 4) {
		a0 += p[i];
		a1 += p[i + 1];
		a2 += p[i + 2];
		a3 += p[i + 3];
	}
	for (; i < n; i++)
		a0 += p[i];
	munmap((void *)p, size);
	sink += a0 + a1 + a2 + a3;
	return (double)size / (now() - t0);
}

/* Pages per second of one discovery's scan. */
static double scan_once(const ptw_dump *d, unsigned threads,
			struct ptw_scan_stats *st)
{
	struct ptw_discover_opts o = { .threads = threads };
	struct ptw_spaces sp;
	struct ptw_error err;
	if (ptw_discover(d, &o, &sp, &err))
		die("ptw_discover", &err);
	*st = sp.scan;
	ptw_spaces_free(&sp);
	return st->seconds > 0 ? (double)st->pages / st->seconds : 0;
}

static void figure_scan(const ptw_dump *d, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat stt;
	if (fd < 0 || fstat(fd, &stt) < 0)
		die(path, NULL);
	size_t size = (size_t)stt.st_size & ~(size_t)7;
	double one[SCAN_REPS], dflt[SCAN_REPS], sum[SCAN_REPS];
	double one_s[SCAN_REPS], dflt_s[SCAN_REPS];
	struct ptw_scan_stats st1 = {0}, stn = {0};
	sum_once(fd, size); /* warm the page cache */
	for (unsigned rep = 0; rep < SCAN_REPS; rep++) {
		one[rep] = scan_once(d, 1, &st1);
		one_s[rep] = st1.seconds;
		sum[rep] = sum_once(fd, size);
		dflt[rep] = scan_once(d, 0, &stn);
		dflt_s[rep] = stn.seconds;
	}
	close(fd);
	double sum_bps = median(sum, SCAN_REPS), base = sum_bps / PAGE;
	double r1 = median(one, SCAN_REPS), rn = median(dflt, SCAN_REPS);
	const char *bl = "sum 8B words of the dump, 1 thread";
	char note[200];
	snprintf(note, sizeof note,
		 "(%" PRIu64 " pages, median %.1f ms; baseline %.0f MB/s)",
		 st1.pages, median(one_s, SCAN_REPS) * 1e3, sum_bps / 1e6);
	line("2a scan, threads=1 (kpages/s)", r1 / 1e3, "kp/s", bl, base / 1e3, note);
	snprintf(note, sizeof note,
		 "(%u threads, median %.1f ms; %.2fx the 1-thread scan)",
		 stn.threads, median(dflt_s, SCAN_REPS) * 1e3, r1 > 0 ? rn / r1 : 0.0);
	line("2b scan, default threads (kpages/s)", rn / 1e3, "kp/s", bl,
	     base / 1e3, note);
}

/* ---- figure 9: guests ------------------------------------------------------------ */

/* Seconds of one scan pass over d for mode m, sniffing for VMCBs or not. */
static double pass_once(const ptw_dump *d, const struct ptw_mode *m, bool vms)
{
	const struct ptw_scan_opts o = { .threads = 1, .vms = vms };
	struct ptw_scan *sc;
	struct ptw_scan_stats st;
	struct ptw_error err;
	double t0 = now();
	if (ptw_scan_pass(d, &m, 1, &o, &sc, &st, &err))
		die("ptw_scan_pass", &err);
	double t = now() - t0;
	ptw_scan_free(sc);
	return t;
}

static void figure_vm_sniff(const ptw_dump *d, const struct ptw_spaces *sp)
{
	double with[SCAN_REPS], without[SCAN_REPS];
	pass_once(d, sp->mode, true); /* warm */
	for (unsigned rep = 0; rep < SCAN_REPS; rep++) {
		without[rep] = pass_once(d, sp->mode, false);
		with[rep] = pass_once(d, sp->mode, true);
	}
	double pages = (double)(ptw_dump_phys_size(d) / PAGE);
	double w = median(with, SCAN_REPS), wo = median(without, SCAN_REPS);
	char note[120];
	snprintf(note, sizeof note, "(1 thread, %s; median %.1f ms with, %.1f ms without)",
		 sp->mode->name, w * 1e3, wo * 1e3);
	line("9a scan pass sniffing VMCBs (kpages/s)", pages / w / 1e3, "kp/s",
	     "the same pass, no sniffing", pages / wo / 1e3, note);
}

struct guest_work {
	const ptw_dump *d;           /* the dump read */
	const struct ptw_range *r;   /* its ranges (guest PAs) */
	size_t nr;
	const ptw_dump *guest;       /* for host addresses */
	uint8_t *buf;
	bool host;                   /* read the host bytes behind them */
};

/* Every byte of the guest's memory once, through the guest dump or at
 * the host addresses behind it: bytes read. */
static uint64_t guest_pass(struct guest_work *w)
{
	uint64_t n = 0;
	for (size_t i = 0; i < w->nr; i++)
		for (uint64_t off = 0; off < w->r[i].size; off += PAGE) {
			uint64_t pa = w->r[i].start + off, hpa;
			if (w->host && ptw_dump_host_pa(w->guest, pa, &hpa))
				ptw_phys_read(w->d, hpa, w->buf, PAGE);
			else
				ptw_phys_read(w->d, pa, w->buf, PAGE);
			sink += w->buf[off & 4095];
			n += PAGE;
		}
	return n;
}

static double guest_rate(struct guest_work *w)
{
	double v[TRIALS];
	for (unsigned k = 0; k < TRIALS; k++) {
		uint64_t bytes = 0;
		double t0 = now(), t;
		do
			bytes += guest_pass(w);
		while ((t = now() - t0) < min_time);
		v[k] = (double)bytes / t;
	}
	return median(v, TRIALS);
}

/* Random VAs of s's runs, translated, per second. */
static double translate_rate(const struct ptw_space *s)
{
	struct runs rs = {0};
	if (ptw_iterate(s, 0, top_va(s->mode), collect_run, &rs, NULL, NULL) || !rs.n)
		return 0;
	uint64_t *va = xcalloc(RANDOM_COUNT, sizeof *va);
	for (size_t i = 0; i < RANDOM_COUNT; i++) {
		const struct ptw_run *r = &rs.v[rnd_below(rs.n)];
		va[i] = r->va + (rnd_below(r->size) & ~7ULL);
	}
	double v[TRIALS];
	for (unsigned k = 0; k < TRIALS; k++) {
		uint64_t done = 0;
		double t0 = now(), t;
		do {
			for (size_t i = 0; i < RANDOM_COUNT; i++) {
				struct ptw_xlat x;
				ptw_translate(s, va[i], &x, NULL);
				sink += x.pa;
			}
			done += RANDOM_COUNT;
		} while ((t = now() - t0) < min_time);
		v[k] = (double)done / t;
	}
	free(va);
	free(rs.v);
	return median(v, TRIALS);
}

static void figure_vm_reads(const ptw_dump *d, const struct ptw_spaces *sp)
{
	if (!sp->vms.n) {
		printf("[9b] no guests in this dump: guest figures skipped\n");
		return;
	}
	const struct ptw_vm *vm = &sp->vms.v[0];
	ptw_dump *g;
	struct ptw_error err;
	if (ptw_vm_open(d, vm, &g, &err))
		die("ptw_vm_open", &err);
	struct guest_work w = { .d = g, .guest = g, .buf = xcalloc(1, PAGE) };
	w.nr = ptw_dump_ranges(g, &w.r);
	double gr = guest_rate(&w);
	w.d = d;
	w.host = true;
	double hr = guest_rate(&w);
	char note[120];
	snprintf(note, sizeof note, "(guest %" PRIx64 ": %" PRIu64 " bytes in %zu ranges)",
		 vm->id, ptw_dump_phys_size(g), w.nr);
	line("9b guest phys read, 4 KiB (MB/s)", gr / 1e6, "MB/s",
	     "the same host bytes read directly", hr / 1e6, note);
	struct ptw_discover_opts o = {0};
	struct ptw_spaces gsp;
	if (ptw_discover(g, &o, &gsp, &err))
		die("ptw_discover (guest)", &err);
	if (gsp.n && sp->n) {
		double gt = translate_rate(&gsp.v[0]), ht = translate_rate(&sp->v[0]);
		snprintf(note, sizeof note, "(guest %" PRIx64 " vs host %" PRIx64 ")",
			 gsp.v[0].dirbase, sp->v[0].dirbase);
		line("9c ptw_translate, guest space (M/s)", gt / 1e6, "M/s",
		     "ptw_translate, a host space", ht / 1e6, note);
	}
	ptw_spaces_free(&gsp);
	free(w.buf);
	ptw_dump_close(g);
}

/* ---- figure 8: kallsyms found in memory ------------------------------------------ */

/* Bytes read from every mapped page of [start, start + span), at most
 * PTW_KSYM_READ_MAX, in 1 MiB reads: the finder's reading without its
 * search. */
static uint64_t read_image(const struct ptw_space *k, uint64_t start, uint64_t span,
			   uint8_t *buf)
{
	uint64_t va = start, end = start + span, got = 0;
	while (va < end && got < PTW_KSYM_READ_MAX) {
		size_t n = ptw_kread_upto(k, va, buf, 1u << 20);
		if (n) {
			sink += buf[0] + buf[n - 1];
			got += n;
			va += n;
			continue;
		}
		uint64_t pa, left;
		if (ptw_vtop_run(k, NULL, va, &pa, &left) || left == 0)
			left = PAGE - (va & (PAGE - 1));
		va += left;
	}
	return got;
}

static void figure_kallsyms(const ptw_dump *d)
{
	size_t len;
	const char *text = ptw_dump_vmcoreinfo(d, &len);
	struct ptw_linux_kernel kt;
	char v[32];
	uint64_t start;
	if (!text || !ptw_linux_kernel_table(text, len, &kt) || !ptw_mode_x86_64(kt.mode) ||
	    !ptw_vmcoreinfo_get(d, "SYMBOL(_stext)", v, sizeof v) || ptw_parse_hex(v, &start, NULL)) {
		printf("8  kallsyms found in memory: skipped (not x86-64 Linux with _stext)\n");
		return;
	}
	struct ptw_space k;
	struct ptw_error err;
	if (ptw_space_init(&k, d, kt.mode, kt.pa, &err))
		die("ptw_space_init", &err);
	const uint64_t span = 1ULL << 30;
	uint8_t *buf = xcalloc(1, 1u << 20);
	double find[TRIALS], rd[TRIALS];
	struct ptw_ksym_tables t;
	struct ptw_ksym_search st = {0};
	uint64_t bytes = 0;
	for (unsigned i = 0; i < TRIALS; i++) {
		double t0 = now();
		if (ptw_ksym_find(&k, start, span, &t, &st, &err))
			die("ptw_ksym_find", &err);
		find[i] = now() - t0;
		t0 = now();
		bytes = read_image(&k, start, span, buf);
		rd[i] = now() - t0;
	}
	free(buf);
	char note[200];
	snprintf(note, sizeof note,
		 "(found %" PRIu32 " symbols at %" PRIx64 " after %.1f MiB, layout %s; baseline"
		 " %.1f MiB)", t.nsyms, t.token_table, (double)st.bytes / (1 << 20),
		 ptw_ksym_layout(&t), (double)bytes / (1 << 20));
	line("8  kallsyms found in memory (ms)", median(find, TRIALS) * 1e3, "ms",
	     "read the kernel image's mapped range", median(rd, TRIALS) * 1e3, note);
}

int main(int argc, char **argv)
{
	const char *space_out = NULL, *path = NULL;
	bool vms_only = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--min-time") && i + 1 < argc)
			min_time = atof(argv[++i]);
		else if (!strcmp(argv[i], "--space-out") && i + 1 < argc)
			space_out = argv[++i];
		else if (!strcmp(argv[i], "--vms"))
			vms_only = true;
		else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "usage: bench_walk [--min-time S] [--space-out FILE] [--vms] DUMP\n");
			return 2;
		} else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: bench_walk [--min-time S] [--space-out FILE] [--vms] DUMP\n");
		return 2;
	}
	if (min_time <= 0)
		min_time = 0.1;

	ptw_dump *d;
	struct ptw_error err;
	if (ptw_dump_open(path, &d, &err))
		die("ptw_dump_open", &err);
	struct ptw_discover_opts o = {0};
	struct ptw_spaces sp;
	if (ptw_discover(d, &o, &sp, &err))
		die("ptw_discover", &err);
	printf("dump: %s (%s, %" PRIu64 " bytes, %" PRIu64 " physical bytes), "
	       "mode %s, %zu address spaces\n",
	       path, ptw_dump_format(d), ptw_dump_file_size(d),
	       ptw_dump_phys_size(d), sp.mode->name, sp.n);
	fflush(stdout);

	if (vms_only) {
		figure_vm_sniff(d, &sp);
		fflush(stdout);
		figure_vm_reads(d, &sp);
		ptw_spaces_free(&sp);
		ptw_dump_close(d);
		return 0;
	}
	figure_translate(d, &sp, space_out, path);
	fflush(stdout);
	figure_scan(d, path);
	fflush(stdout);
	figure_vm_sniff(d, &sp);
	fflush(stdout);
	figure_kallsyms(d);

	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	return 0;
}
