/* test_scan.c — the scan's one pass over memory (scan.c): the holes of a
 * sparse file skipped unread (SEEK_DATA) with every page counted exactly,
 * zero pages rejected, the same tables from the file (pread) as from
 * memory on one thread and two, and the progress callback.
 */
#include "testutil.h"
#include "discover/discover.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 24 MiB, 6144 pages: the scenario's first, then zeros; more than 4096
 * pages, so the pass runs on two threads when asked. */
#define BIG (24u << 20)
#define NPAGES (BIG / 4096)

struct sparse {
	struct scenario s;
	uint8_t *mem;          /* BIG bytes */
	const char *path;      /* the same bytes, as a sparse file */
	uint64_t data;         /* pages not all zero: written */
	uint64_t zero;         /* zero pages written all the same (every 5th) */
	uint64_t hole;         /* zero pages never written: holes */
};

static bool page_is_zero(const uint8_t *p)
{
	static const uint8_t zero[4096];
	return memcmp(p, zero, sizeof zero) == 0;
}

/* Build scenario scen into x; false (test skipped) when the file system
 * keeps no holes. */
static bool make_sparse(struct sparse *x, const char *scen)
{
	memset(x, 0, sizeof *x);
	assert_true(scenario_build(scen, &x->s));
	assert_true(x->s.g.size <= BIG);
	x->mem = calloc(1, BIG);
	assert_non_null(x->mem);
	memcpy(x->mem, x->s.g.mem, x->s.g.size);
	char name[64];
	snprintf(name, sizeof name, "%s.sparse", scen);
	x->path = test_path(name);
	int fd = open(x->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, BIG), 0);
	uint64_t first_hole = UINT64_MAX;
	for (uint64_t i = 0; i < NPAGES; i++) {
		const uint8_t *p = x->mem + i * 4096;
		if (!page_is_zero(p))
			x->data++;
		else if (i % 5 == 0)
			x->zero++;
		else {
			x->hole++;
			if (first_hole == UINT64_MAX)
				first_hole = i;
			continue;
		}
		assert_int_equal(pwrite(fd, p, 4096, (off_t)(i * 4096)), 4096);
	}
	off_t at = lseek(fd, (off_t)(first_hole * 4096), SEEK_DATA);
	bool holes = at > (off_t)(first_hole * 4096) || (at < 0 && errno == ENXIO);
	close(fd);
	assert_int_equal(x->data + x->zero + x->hole, NPAGES);
	return holes;
}

static void free_sparse(struct sparse *x)
{
	free(x->mem);
	scenario_free(&x->s);
}

static void discover_with(const ptw_dump *d, const struct ptw_discover_opts *o,
			  struct ptw_spaces *sp)
{
	struct ptw_error e;
	if (ptw_discover(d, o, sp, &e))
		fail_msg("discover: %s", e.msg);
}

static void same_spaces(const struct ptw_spaces *a, const struct ptw_spaces *b)
{
	assert_ptr_equal(a->mode, b->mode);
	assert_string_equal(a->mode_how, b->mode_how);
	assert_int_equal(a->os, b->os);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->v[i].dirbase, b->v[i].dirbase);
		assert_int_equal(a->v[i].found, b->v[i].found);
		assert_int_equal(a->v[i].kpti_peer, b->v[i].kpti_peer);
		assert_int_equal(a->v[i].kpti_user, b->v[i].kpti_user);
	}
}

/* Every scenario, written sparse: from the file the pass reads the data
 * and the zero pages written, skips the holes, and finds what it finds
 * in the same bytes in memory. */
static void sparse_file_holes(void **state)
{
	(void)state;
	for (const char *const *scen = scenario_names; *scen; scen++) {
		struct sparse x;
		if (!make_sparse(&x, *scen)) {
			free_sparse(&x);
			skip();
		}
		ptw_dump *dm, *df;
		struct ptw_error e;
		assert_int_equal(ptw_dump_open_memory(x.mem, BIG, &dm, &e), 0);
		struct ptw_discover_opts o = { .threads = 1 };
		struct ptw_spaces want, got;
		discover_with(dm, &o, &want);
		/* From memory: no holes, every zero page read and rejected. */
		assert_int_equal(want.scan.pages, NPAGES);
		assert_int_equal(want.scan.pages_hole, 0);
		assert_int_equal(want.scan.pages_zero, x.zero + x.hole);
		assert_int_equal(want.scan.pages_bad, 0);
		assert_int_equal(want.scan.bytes_read, (uint64_t)BIG);
		assert_non_null(ptw_spaces_find(&want, x.s.kernel));
		for (unsigned i = 0; i < x.s.nprocs; i++)
			assert_non_null(ptw_spaces_find(&want, x.s.proc[i]));
		for (unsigned t = 1; t <= 2; t++) {
			assert_int_equal(ptw_dump_open(x.path, &df, &e), 0);
			o.threads = t;
			discover_with(df, &o, &got);
			same_spaces(&want, &got);
			assert_int_equal(got.scan.threads, t);
			assert_int_equal(got.scan.pages, NPAGES);
			assert_int_equal(got.scan.pages_hole, x.hole);
			assert_int_equal(got.scan.pages_zero, x.zero);
			assert_int_equal(got.scan.pages_bad, 0);
			assert_int_equal(got.scan.bytes_read, (x.data + x.zero) * 4096);
			ptw_spaces_free(&got);
			ptw_dump_close(df);
		}
		ptw_spaces_free(&want);
		ptw_dump_close(dm);
		free_sparse(&x);
	}
}

/* A file cut into the holes at odd places: a LiME capture whose data
 * starts 32 bytes into the file, so that no page of memory is a block of
 * the file.  A page is skipped only when all of it lies in a hole. */
static void sparse_lime_unaligned(void **state)
{
	(void)state;
	struct sparse x;
	if (!make_sparse(&x, "linux-x64")) {
		free_sparse(&x);
		skip();
	}
	const char *path = test_path("unaligned.lime");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	uint8_t h[32] = { 0x45, 0x4d, 0x69, 0x4c, 1 };
	uint64_t end = BIG - 1;
	memcpy(h + 16, &end, 8);
	assert_int_equal(pwrite(fd, h, 32, 0), 32);
	assert_int_equal(ftruncate(fd, 32 + BIG), 0);
	/* Only the file blocks that hold a byte of a non-zero page (and the
	 * header's): block b holds the last 32 bytes of page b - 1 and the
	 * rest of page b. */
	static bool written[NPAGES + 1];
	memset(written, 0, sizeof written);
	written[0] = true;
	for (uint64_t i = 0; i < NPAGES; i++) {
		if (page_is_zero(x.mem + i * 4096))
			continue;
		for (uint64_t b = i; b <= i + 1; b++) {
			if (written[b] && b)
				continue;
			uint8_t blk[4096];
			memset(blk, 0, sizeof blk);
			for (uint64_t k = 0; k < 4096; k++) {
				uint64_t off = b * 4096 + k;
				if (off >= 32 && off - 32 < BIG)
					blk[k] = x.mem[off - 32];
			}
			if (b == 0)
				memcpy(blk, h, 32);
			assert_int_equal(pwrite(fd, blk, 4096, (off_t)(b * 4096)), 4096);
			written[b] = true;
		}
	}
	close(fd);
	/* A page is read when either block holding its bytes is data. */
	uint64_t read = 0;
	for (uint64_t i = 0; i < NPAGES; i++)
		read += written[i] || written[i + 1];
	ptw_dump *dm, *df;
	struct ptw_error e;
	assert_int_equal(ptw_dump_open_memory(x.mem, BIG, &dm, &e), 0);
	assert_int_equal(ptw_dump_open(path, &df, &e), 0);
	assert_string_equal(ptw_dump_format(df), "lime");
	struct ptw_discover_opts o = { .threads = 2 };
	struct ptw_spaces want, got;
	discover_with(dm, &o, &want);
	discover_with(df, &o, &got);
	same_spaces(&want, &got);
	assert_int_equal(got.scan.pages, NPAGES);
	assert_true(read > x.data && read < 3 * x.data);
	assert_int_equal(got.scan.pages_hole, NPAGES - read);
	assert_int_equal(got.scan.pages_zero, read - x.data);
	assert_int_equal(got.scan.bytes_read, read * 4096);
	ptw_spaces_free(&got);
	ptw_spaces_free(&want);
	ptw_dump_close(df);
	ptw_dump_close(dm);
	free_sparse(&x);
}

/* ---- progress ------------------------------------------------------------------ */

struct calls {
	uint64_t done[1024], total[1024];
	size_t n;
	pthread_t caller;
	bool elsewhere;        /* a call from another thread */
};

static void record(void *ctx, uint64_t done, uint64_t total)
{
	struct calls *c = ctx;
	if (!pthread_equal(pthread_self(), c->caller))
		c->elsewhere = true;
	if (c->n < 1024) {
		c->done[c->n] = done;
		c->total[c->n] = total;
	}
	c->n++;
}

static void check_calls(const struct calls *c, uint64_t total)
{
	assert_true(c->n >= 2 && c->n <= 1024);
	assert_false(c->elsewhere);
	assert_int_equal(c->done[0], 0);
	for (size_t i = 0; i < c->n; i++) {
		assert_int_equal(c->total[i], total);
		if (i)
			assert_true(c->done[i] >= c->done[i - 1]);
	}
	assert_int_equal(c->done[c->n - 1], total);
}

static void progress_calls(void **state)
{
	(void)state;
	struct sparse x;
	bool holes = make_sparse(&x, "linux-x64");
	(void)holes; /* the file serves with or without them */
	for (unsigned way = 0; way < 3; way++) {
		ptw_dump *d;
		struct ptw_error e;
		if (way == 0)
			assert_int_equal(ptw_dump_open_memory(x.mem, BIG, &d, &e), 0);
		else
			assert_int_equal(ptw_dump_open(x.path, &d, &e), 0);
		struct calls c = { .caller = pthread_self() };
		struct ptw_discover_opts o = {
			.threads = way == 2 ? 1 : 2, .progress = record, .progress_ctx = &c,
		};
		struct ptw_spaces sp;
		discover_with(d, &o, &sp);
		check_calls(&c, BIG);
		ptw_spaces_free(&sp);
		/* No scan, no calls. */
		c.n = 0;
		o.no_scan = true;
		discover_with(d, &o, &sp);
		assert_int_equal(c.n, 0);
		ptw_spaces_free(&sp);
		ptw_dump_close(d);
	}
	/* An ELF core: the total is its segments' whole pages. */
	struct scenario s;
	ptw_dump *d = open_scenario("linux-pae", true, &s);
	struct calls c = { .caller = pthread_self() };
	struct ptw_discover_opts o = { .threads = 1, .progress = record, .progress_ctx = &c };
	struct ptw_spaces sp;
	discover_with(d, &o, &sp);
	check_calls(&c, sp.scan.pages * 4096);
	assert_int_equal(sp.scan.pages * 4096, ptw_dump_phys_size(d));
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
	free_sparse(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sparse_file_holes),
		cmocka_unit_test(sparse_lime_unaligned),
		cmocka_unit_test(progress_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
