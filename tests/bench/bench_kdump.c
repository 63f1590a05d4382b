/* bench_kdump.c — ptfs's kdump reader against libkdumpfile, in one run.
 *
 *   bench_kdump [--trials N] KDUMP-FILE
 *
 * Single-threaded, each reader opened afresh for every trial (cold
 * caches), the same addresses for both:
 *
 *   seq     every dumped page once, in address order, 4096 bytes a read
 *   random  RANDOM_READS pages drawn at random (with repeats) from the
 *           dumped ones, 4096 bytes a read
 *   entry   RANDOM_READS 8-byte reads at random places of dumped pages (a
 *           page-table walk's access pattern)
 *
 * Prints the best of the trials for each reader and the ratio of their
 * times, ours / libkdumpfile (below 1: ours is faster).  Both readers'
 * bytes are hashed and compared: a benchmark of wrong answers is none.
 * Nothing is asserted about time.
 */
#include "ptwalk.h"

#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ULL
#define RANDOM_READS 200000u

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* The reads of one figure: addresses and lengths. */
struct job {
	const char *name;
	uint64_t *pa;
	size_t n, len;
};

/* One reader: open, read one address, close. */
struct reader {
	const char *name;
	void *(*open)(const char *path);
	bool (*read)(void *h, uint64_t pa, void *buf, size_t len);
	void (*close)(void *h);
};

static void *ours_open(const char *path)
{
	ptw_dump *d;
	struct ptw_error err;
	if (ptw_dump_open(path, &d, &err)) {
		fprintf(stderr, "bench_kdump: %s\n", err.msg);
		exit(1);
	}
	return d;
}

static bool ours_read(void *h, uint64_t pa, void *buf, size_t len)
{
	return ptw_phys_read(h, pa, buf, len) == len;
}

static void ours_close(void *h)
{
	ptw_dump_close(h);
}

struct lib {
	kdump_ctx_t *ctx;
	int fd;
};

static void *lib_open(const char *path)
{
	struct lib *l = malloc(sizeof *l);
	if (!l)
		exit(1);
	l->fd = open(path, O_RDONLY);
	l->ctx = kdump_new();
	if (l->fd < 0 || !l->ctx || kdump_open_fd(l->ctx, l->fd) != KDUMP_OK) {
		fprintf(stderr, "bench_kdump: libkdumpfile cannot open %s: %s\n", path,
			l->ctx ? kdump_get_err(l->ctx) : "?");
		exit(1);
	}
	return l;
}

static bool lib_read(void *h, uint64_t pa, void *buf, size_t len)
{
	struct lib *l = h;
	size_t n = len;
	/* Machine physical addresses: KDUMP_KPHYSADDR goes through the OS's
	 * translation, which libkdumpfile 0.5.1 does not set up for this
	 * dump ("No way to translate"); without Xen they are the same. */
	return kdump_read(l->ctx, KDUMP_MACHPHYSADDR, pa, buf, &n) == KDUMP_OK &&
	       n == len;
}

static void lib_close(void *h)
{
	struct lib *l = h;
	kdump_free(l->ctx);
	close(l->fd);
	free(l);
}

static const struct reader readers[2] = {
	{ "ptfs", ours_open, ours_read, ours_close },
	{ "libkdumpfile", lib_open, lib_read, lib_close },
};

/* Best time of trials; *hash of the bytes read (the same every trial). */
static double run(const struct reader *r, const char *path,
		  const struct job *j, unsigned trials, uint64_t *hash)
{
	double best = 1e30;
	uint8_t buf[PAGE];
	for (unsigned t = 0; t < trials; t++) {
		void *h = r->open(path);
		uint64_t hs = 0xcbf29ce484222325ULL;
		size_t bad = 0;
		double t0 = now();
		for (size_t i = 0; i < j->n; i++) {
			if (!r->read(h, j->pa[i], buf, j->len))
				bad++;
			/* cheap enough not to matter: one word per read */
			uint64_t w;
			memcpy(&w, buf, 8);
			hs = (hs ^ w) * 0x100000001b3ULL;
		}
		double dt = now() - t0;
		r->close(h);
		if (bad)
			fprintf(stderr, "bench_kdump: %s: %zu of %zu reads failed\n",
				r->name, bad, j->n);
		*hash = hs;
		if (dt < best)
			best = dt;
	}
	return best;
}

/* Every dumped page once: also compares the full bytes of both readers. */
static int compare_all(const char *path, const struct job *seq)
{
	void *a = readers[0].open(path), *b = readers[1].open(path);
	uint8_t x[PAGE], y[PAGE];
	size_t differ = 0;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < seq->n; i++) {
		bool ra = readers[0].read(a, seq->pa[i], x, PAGE);
		bool rb = readers[1].read(b, seq->pa[i], y, PAGE);
		if (ra != rb || (ra && memcmp(x, y, PAGE))) {
			if (differ++ < 5)
				fprintf(stderr, "bench_kdump: page at 0x%llx differs\n",
					(unsigned long long)seq->pa[i]);
		}
		h = fnv(h, x, PAGE);
	}
	readers[0].close(a);
	readers[1].close(b);
	printf("compare  %zu pages, %zu differ (fnv1a64 of all: %016llx)\n",
	       seq->n, differ, (unsigned long long)h);
	return differ ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned trials = 3;
	int a = 1;
	if (argc > 2 && strcmp(argv[1], "--trials") == 0) {
		trials = (unsigned)atoi(argv[2]);
		a = 3;
	}
	if (argc != a + 1 || trials == 0) {
		fprintf(stderr, "usage: bench_kdump [--trials N] KDUMP-FILE\n");
		return 2;
	}
	const char *path = argv[a];

	/* The dumped pages, from our ranges. */
	ptw_dump *d = ours_open(path);
	const struct ptw_range *r;
	size_t nr = ptw_dump_ranges(d, &r);
	uint64_t npages = ptw_dump_phys_size(d) / PAGE;
	struct job seq = { "seq", malloc(npages * sizeof(uint64_t)), 0, PAGE };
	for (size_t i = 0; i < nr; i++)
		for (uint64_t pa = r[i].start; pa < r[i].start + r[i].size; pa += PAGE)
			seq.pa[seq.n++] = pa;
	ptw_dump_close(d);

	struct job rnd = { "random", malloc(RANDOM_READS * sizeof(uint64_t)),
			   RANDOM_READS, PAGE };
	struct job ent = { "entry", malloc(RANDOM_READS * sizeof(uint64_t)),
			   RANDOM_READS, 8 };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < RANDOM_READS; i++) {
		x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
		uint64_t v = x * 0x2545f4914f6cdd1dULL;
		rnd.pa[i] = seq.pa[v % seq.n];
		ent.pa[i] = seq.pa[(v >> 20) % seq.n] + (v & 0xff8);
	}

	printf("kdump    %s: %zu dumped pages in %zu ranges; best of %u trials, single thread\n",
	       path, seq.n, nr, trials);
	int rc = compare_all(path, &seq);
	const struct job *jobs[] = { &seq, &rnd, &ent };
	for (size_t k = 0; k < 3; k++) {
		const struct job *j = jobs[k];
		uint64_t ha, hb;
		double ta = run(&readers[0], path, j, trials, &ha);
		double tb = run(&readers[1], path, j, trials, &hb);
		printf("%-8s %7zu reads of %4zu B: ptfs %8.3f ms (%6.0f MB/s, %5.2f us/read), "
		       "libkdumpfile %8.3f ms (%6.0f MB/s, %5.2f us/read); ours/libkdumpfile %.3f%s\n",
		       j->name, j->n, j->len, ta * 1e3, j->n * (double)j->len / ta / 1e6,
		       ta / j->n * 1e6, tb * 1e3, j->n * (double)j->len / tb / 1e6,
		       tb / j->n * 1e6, ta / tb, ha == hb ? "" : "  (BYTES DIFFER)");
		rc |= ha != hb;
	}
	free(seq.pa);
	free(rnd.pa);
	free(ent.pa);
	return rc;
}
