/* test_kdump.c — the kdump-compressed reader: ranges and holes from the
 * bitmap, page bytes for every compression (mixed in one file), the
 * flattened stream read the same as the file it describes, VMCOREINFO and
 * QEMU's CPU notes, the i386 layout, AArch64's 16 and 64 KiB blocks,
 * shared zero pages, incomplete dumps, every malformed input giving its
 * message, corrupt pages reading as holes, and many threads reading at
 * once. */
#include "testutil.h"

#include "dump/dump.h"   /* ptw_dump_pass: the scan's pass over memory */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096ULL
#define NPAGES 256ULL

static const char VMCOREINFO[] =
	"OSRELEASE=6.1.0-gen\nPAGESIZE=4096\n"
	"SYMBOL(init_top_pgt)=ffffffff9d410000\nNUMBER(phys_base)=-446693376\n"
	"KERNELOFFSET=1aa00000\n";

/* Header and sub-header fields of the x86-64 layout the tests corrupt. */
enum {
	H_VERSION = 0x8, H_MACHINE = 0x110, H_STATUS = 0x1a8,
	H_BLOCK_SIZE = 0x1ac, H_SUB_HDR_SIZE = 0x1b0, H_BITMAP_BLOCKS = 0x1b4,
	S_OFF_VMCOREINFO = 4096 + 32, S_SIZE_VMCOREINFO = 4096 + 40,
	S_OFF_NOTE = 4096 + 48, S_SIZE_NOTE = 4096 + 56,
	S_MAX_MAPNR_64 = 4096 + 96,
};

/* ---- the image -------------------------------------------------------------- */

/* 256 pages: text naming each page, zero pages (pfn % 16 == 5) and
 * incompressible ones (pfn % 16 == 9). */
static void image(struct gen *g)
{
	gen_init(g, PTW_MODE_X64, NPAGES * PAGE, 0);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (uint64_t pfn = 0; pfn < NPAGES; pfn++) {
		uint64_t pa = pfn * PAGE;
		if (pfn % 16 == 5)
			continue;
		if (pfn % 16 == 9) {
			for (uint64_t i = 0; i < PAGE; i += 8) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				memcpy(g->mem + pa + i, &x, 8);
			}
			continue;
		}
		char text[64];
		snprintf(text, sizeof text, "page %#llx of the kdump test",
			 (unsigned long long)pfn);
		gen_fill_page(g, pa, text);
		memcpy(g->mem + pa, &pa, 8);
	}
}

/* Holes: frames 0x10-0x17, every 7th from 3, and the last. */
static bool excluded(uint64_t pfn)
{
	return (pfn >= 0x10 && pfn < 0x18) || pfn % 7 == 3 || pfn == NPAGES - 1;
}

/* Every way of storing a frame in turn: raw, zlib, LZO, snappy, zstd. */
static enum gen_kdump_page kind_by(uint64_t frame)
{
	static const enum gen_kdump_page kinds[] = {
		GEN_KDUMP_RAW, GEN_KDUMP_ZLIB, GEN_KDUMP_LZO, GEN_KDUMP_SNAPPY,
		GEN_KDUMP_ZSTD,
	};
	return kinds[frame % 5];
}

/* Every compression, mixed: by frame number. */
static enum gen_kdump_page mixed(uint64_t pfn, void *arg)
{
	(void)arg;
	return excluded(pfn) ? GEN_KDUMP_EXCLUDED : kind_by(pfn);
}

static struct gen_kdump options(void)
{
	struct gen_kdump o = {
		.vmcoreinfo = VMCOREINFO, .page = mixed, .share_zero = true,
		.ncpus = 2,
	};
	o.cpu[0] = gen_cpu_for(PTW_MODE_X64, 0x6398000);
	o.cpu[1] = gen_cpu_for(PTW_MODE_X64, 0x1234000);
	return o;
}

static ptw_dump *open_bytes(const uint8_t *f, size_t len)
{
	ptw_dump *d = NULL;
	struct ptw_error err = {0};
	if (ptw_dump_open_memory(f, len, &d, &err))
		fail_msg("open: %s", err.msg);
	assert_string_equal(ptw_dump_format(d), "kdump");
	return d;
}

/* The dumped runs are the ranges, exactly (hole: by 4 KiB frame). */
static void check_ranges(const ptw_dump *d, bool (*hole)(uint64_t pfn))
{
	const struct ptw_range *r;
	size_t n = ptw_dump_ranges(d, &r), k = 0;
	for (uint64_t pfn = 0; pfn < NPAGES;) {
		if (hole(pfn)) {
			pfn++;
			continue;
		}
		uint64_t end = pfn;
		while (end < NPAGES && !hole(end))
			end++;
		assert_true(k < n);
		assert_int_equal(r[k].start, pfn * PAGE);
		assert_int_equal(r[k].size, (end - pfn) * PAGE);
		k++;
		pfn = end;
	}
	assert_int_equal(k, n);
}

/* Every page reads back as the image, holes as zeros not held. */
static void check_pages(const ptw_dump *d, const struct gen *g,
			bool (*hole)(uint64_t pfn))
{
	static uint8_t zero[PAGE];
	uint8_t buf[PAGE];
	for (uint64_t pfn = 0; pfn < NPAGES; pfn++) {
		memset(buf, 0xa5, sizeof buf);
		size_t held = ptw_phys_read(d, pfn * PAGE, buf, PAGE);
		if (hole(pfn)) {
			assert_int_equal(held, 0);
			assert_memory_equal(buf, zero, PAGE);
		} else {
			assert_int_equal(held, PAGE);
			assert_memory_equal(buf, g->mem + pfn * PAGE, PAGE);
		}
	}
}

/* ---- reading ------------------------------------------------------------------ */

static void every_compression(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = options();
	struct gen_kdump_info info;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, &info);
	for (int k = GEN_KDUMP_RAW; k <= GEN_KDUMP_ZSTD; k++)
		assert_true(info.stored[k] > 0);
	ptw_dump *d = open_bytes(f, len);
	assert_int_equal(ptw_dump_machine(d), PTW_MACHINE_X86_64);
	check_ranges(d, excluded);
	check_pages(d, &g, excluded);
	/* across pages and holes in one read: of 0xe-0x19 the file holds 0xe,
	 * 0xf and 0x19 */
	uint8_t *big = malloc(12 * PAGE);
	static uint8_t zero[PAGE];
	assert_int_equal(ptw_phys_read(d, 0xe * PAGE + 100, big, 12 * PAGE - 200),
			 3 * PAGE - 200);
	assert_memory_equal(big, g.mem + 0xe * PAGE + 100, 2 * PAGE - 100);
	assert_memory_equal(big + 10 * PAGE - 100, zero, PAGE);
	assert_memory_equal(big + 11 * PAGE - 100, g.mem + 0x19 * PAGE, PAGE - 100);
	free(big);
	/* an 8-byte entry, as the walk reads tables */
	uint64_t e = 0;
	assert_int_equal(ptw_phys_read(d, 0x21 * PAGE, &e, 8), 8);
	assert_int_equal(e, 0x21 * PAGE);
	ptw_dump_close(d);
	free(f);
	gen_free(&g);
}

static void every_single_compression(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	for (int k = GEN_KDUMP_RAW; k <= GEN_KDUMP_ZSTD; k++) {
		struct gen_kdump o = { .kind = (enum gen_kdump_page)k };
		struct gen_kdump_info info;
		size_t len;
		uint8_t *f = gen_kdump(&g, &o, &len, &info);
		assert_true(info.stored[k] > NPAGES / 2);
		ptw_dump *d = open_bytes(f, len);
		const struct ptw_range *r;
		assert_int_equal(ptw_dump_ranges(d, &r), 1);
		assert_int_equal(r[0].size, NPAGES * PAGE);
		uint8_t buf[PAGE];
		for (uint64_t pfn = 0; pfn < NPAGES; pfn++) {
			assert_int_equal(ptw_phys_read(d, pfn * PAGE, buf, PAGE), PAGE);
			assert_memory_equal(buf, g.mem + pfn * PAGE, PAGE);
		}
		ptw_dump_close(d);
		free(f);
	}
	gen_free(&g);
}

static void flattened_equals_plain(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = options();
	size_t plen;
	uint8_t *plain = gen_kdump(&g, &o, &plen, NULL);
	ptw_dump *p = open_bytes(plain, plen);
	static const size_t chunks[] = { 3000, 4096, 24, 1 << 20, 17 };
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		o.flattened = true;
		o.flat_chunk = chunks[c];
		size_t len;
		uint8_t *f = gen_kdump(&g, &o, &len, NULL);
		assert_memory_equal(f, "makedumpfile", 12);
		ptw_dump *d = open_bytes(f, len);
		check_ranges(d, excluded);
		check_pages(d, &g, excluded);
		const struct ptw_range *a, *b;
		size_t na = ptw_dump_ranges(p, &a), nb = ptw_dump_ranges(d, &b);
		assert_int_equal(na, nb);
		assert_memory_equal(a, b, na * sizeof *a);
		size_t la, lb;
		assert_string_equal(ptw_dump_vmcoreinfo(p, &la),
				    ptw_dump_vmcoreinfo(d, &lb));
		const struct ptw_cpu *ca, *cb;
		assert_int_equal(ptw_dump_cpus(p, &ca), 2);
		assert_int_equal(ptw_dump_cpus(d, &cb), 2);
		for (unsigned i = 0; i < 2; i++) {
			assert_int_equal(ca[i].cr0, cb[i].cr0);
			assert_int_equal(ca[i].cr3, cb[i].cr3);
			assert_int_equal(ca[i].cr4, cb[i].cr4);
		}
		ptw_dump_close(d);
		free(f);
	}
	ptw_dump_close(p);
	free(plain);
	gen_free(&g);
}

static void vmcoreinfo_and_cpus(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = options();
	const char *path = test_path("notes.kdump");
	assert_int_equal(gen_write_kdump(&g, &o, path, NULL), 0);
	ptw_dump *d = NULL;
	struct ptw_error err = {0};
	if (ptw_dump_open(path, &d, &err))
		fail_msg("open: %s", err.msg);
	size_t len;
	assert_string_equal(ptw_dump_vmcoreinfo(d, &len), VMCOREINFO);
	assert_int_equal(len, strlen(VMCOREINFO));
	char v[64];
	assert_true(ptw_vmcoreinfo_get(d, "SYMBOL(init_top_pgt)", v, sizeof v));
	assert_string_equal(v, "ffffffff9d410000");
	const struct ptw_cpu *c;
	assert_int_equal(ptw_dump_cpus(d, &c), 2);
	assert_int_equal(c[0].cr3, 0x6398000);
	assert_int_equal(c[1].cr3, 0x1234000);
	assert_int_equal(c[1].index, 1);
	assert_int_equal(c[0].cr4, o.cpu[0].cr4);
	const struct ptw_dump_hints *h = ptw_dump_hints(d);
	assert_int_equal(h->os, PTW_OS_LINUX);
	assert_int_equal(h->nprocessors, 2);
	ptw_dump_close(d);

	/* without VMCOREINFO or notes */
	o = (struct gen_kdump){ .kind = GEN_KDUMP_ZLIB };
	size_t n;
	uint8_t *f = gen_kdump(&g, &o, &n, NULL);
	d = open_bytes(f, n);
	assert_null(ptw_dump_vmcoreinfo(d, &len));
	assert_int_equal(ptw_dump_cpus(d, &c), 0);
	ptw_dump_close(d);
	free(f);
	gen_free(&g);
}

/* The i386 layout: under its own name, and under QEMU's "x86_64" (a
 * 32-bit guest of qemu-system-x86_64), told by its fields and NT_PRSTATUS. */
static void i386_layout(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = options();
	o.machine = "i686";
	struct gen_kdump_info info;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, &info);
	assert_false(info.bits64);
	ptw_dump *d = open_bytes(f, len);
	assert_int_equal(ptw_dump_machine(d), PTW_MACHINE_I386);
	check_ranges(d, excluded);
	check_pages(d, &g, excluded);
	assert_non_null(ptw_dump_vmcoreinfo(d, NULL));
	const struct ptw_cpu *c;
	assert_int_equal(ptw_dump_cpus(d, &c), 2);
	ptw_dump_close(d);
	free(f);

	o.machine = "x86_64";
	o.layout = 32;
	f = gen_kdump(&g, &o, &len, &info);
	d = open_bytes(f, len);
	assert_int_equal(ptw_dump_machine(d), PTW_MACHINE_I386);
	check_pages(d, &g, excluded);
	ptw_dump_close(d);
	free(f);
	gen_free(&g);
}

/* QEMU stores one zero page for all: every zero page's descriptor names
 * the same data. */
static void shared_zero_pages(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = { .kind = GEN_KDUMP_ZLIB, .share_zero = true };
	struct gen_kdump_info info;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, &info);
	uint64_t zero_off = 0;
	unsigned shared = 0;
	for (uint64_t pfn = 5; pfn < NPAGES; pfn += 16) {
		uint64_t off;
		memcpy(&off, f + info.desc_off + pfn * 24, 8);
		if (!zero_off)
			zero_off = off;
		shared += off == zero_off;
	}
	assert_int_equal(shared, NPAGES / 16);
	ptw_dump *d = open_bytes(f, len);
	uint8_t buf[PAGE], zero[PAGE] = {0};
	for (uint64_t pfn = 5; pfn < NPAGES; pfn += 16) {
		memset(buf, 1, sizeof buf);
		assert_int_equal(ptw_phys_read(d, pfn * PAGE, buf, PAGE), PAGE);
		assert_memory_equal(buf, zero, PAGE);
	}
	ptw_dump_close(d);
	free(f);
	gen_free(&g);
}

static void expect_error(const uint8_t *f, size_t len, const char *want,
			 const char *what);

/* makedumpfile marks a dump it could not finish: pages it never wrote
 * (zeroed descriptors, data cut off) are holes, not errors. */
static void incomplete_dump(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = { .kind = GEN_KDUMP_ZLIB };
	struct gen_kdump_info info;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, &info);
	uint32_t status;
	memcpy(&status, f + H_STATUS, 4);
	status |= 0x8;
	memcpy(f + H_STATUS, &status, 4);
	memset(f + info.desc_off + 0x40 * 24, 0, 24);
	/* and the file ends inside the last page's data */
	uint64_t last;
	memcpy(&last, f + info.desc_off + (NPAGES - 1) * 24, 8);
	ptw_dump *d = open_bytes(f, last + 10);
	assert_false(ptw_phys_present(d, 0x40 * PAGE, NULL));
	assert_false(ptw_phys_present(d, (NPAGES - 1) * PAGE, NULL));
	const struct ptw_range *r;
	assert_int_equal(ptw_dump_ranges(d, &r), 2);
	assert_int_equal(r[1].start, 0x41 * PAGE);
	uint8_t buf[PAGE];
	assert_int_equal(ptw_phys_read(d, 0x41 * PAGE, buf, PAGE), PAGE);
	assert_memory_equal(buf, g.mem + 0x41 * PAGE, PAGE);
	ptw_dump_close(d);
	/* cut before any descriptor, or inside them (the data follows them):
	 * nothing to read, and that is said */
	const char *none = "kdump dump is incomplete (status 0x8: makedumpfile stopped early) and holds no page";
	expect_error(f, info.desc_off, none, "incomplete, no descriptor");
	expect_error(f, info.desc_off + 0x20 * 24 + 10, none, "incomplete, cut in descriptors");
	free(f);
	gen_free(&g);
}

/* One part of a split dump (makedumpfile --split): its descriptors are for
 * the dumped frames in [start_pfn, end_pfn) only; bits outside are not
 * its pages. */
static enum gen_kdump_page split_part(uint64_t pfn, void *arg)
{
	(void)arg;
	return pfn >= 0x21 && pfn < 0x80 ? mixed(pfn, NULL) : GEN_KDUMP_EXCLUDED;
}

static void split_dump(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = { .page = split_part };
	struct gen_kdump_info info;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, &info);
	uint32_t one = 1;
	memcpy(f + 4096 + 12, &one, 4);               /* split */
	uint64_t lo = 0x21, hi = 0x80;
	memcpy(f + 4096 + 80, &lo, 8);                /* start_pfn_64 */
	memcpy(f + 4096 + 88, &hi, 8);                /* end_pfn_64 */
	uint64_t bm2 = info.bitmap_off + info.bitmap_bytes;
	f[bm2] = 0xff;                                /* frames 0-7: not its own */
	f[bm2 + 0x80 / 8] = 0xff;                     /* frames 0x80-0x87 neither */
	f[bm2 + 0x20 / 8] |= 1;                       /* nor 0x20 */
	ptw_dump *d = open_bytes(f, len);
	const struct ptw_range *r;
	size_t n = ptw_dump_ranges(d, &r);
	assert_int_equal(r[0].start, 0x21 * PAGE);
	assert_int_equal(r[n - 1].start + r[n - 1].size, 0x80 * PAGE);
	uint8_t buf[PAGE];
	for (uint64_t pfn = 0; pfn < NPAGES; pfn++) {
		bool held = pfn >= lo && pfn < hi && !excluded(pfn);
		assert_int_equal(ptw_phys_read(d, pfn * PAGE, buf, PAGE), held ? PAGE : 0);
		if (held)
			assert_memory_equal(buf, g.mem + pfn * PAGE, PAGE);
	}
	ptw_dump_close(d);
	hi = NPAGES + 1;                              /* past max_mapnr */
	memcpy(f + 4096 + 88, &hi, 8);
	expect_error(f, len, "split kdump's frames 0x21-0x101 do not lie within max_mapnr 0x100",
		     "split past max_mapnr");
	free(f);
	gen_free(&g);
}

/* ---- malformed input ------------------------------------------------------------ */

static void put32(uint8_t *f, uint64_t off, uint32_t v)
{
	memcpy(f + off, &v, 4);
}

static void put64(uint8_t *f, uint64_t off, uint64_t v)
{
	memcpy(f + off, &v, 8);
}

static void expect_error(const uint8_t *f, size_t len, const char *want,
			 const char *what)
{
	ptw_dump *d = NULL;
	struct ptw_error err = {0};
	int rc = ptw_dump_open_memory(f, len, &d, &err);
	if (rc == 0) {
		ptw_dump_close(d);
		fail_msg("%s: opened, want an error with \"%s\"", what, want);
	}
	assert_int_equal(rc, PTW_ERR_FORMAT);
	if (!strstr(err.msg, want))
		fail_msg("%s: \"%s\" lacks \"%s\"", what, err.msg, want);
}

/* The descriptor of the first page stored with flags (0: raw). */
static uint64_t desc_with(const uint8_t *f, const struct gen_kdump_info *info,
			  uint32_t flags)
{
	for (uint64_t i = 0; i < info->ndesc; i++) {
		uint32_t fl;
		memcpy(&fl, f + info->desc_off + i * 24 + 12, 4);
		if (fl == flags)
			return info->desc_off + i * 24;
	}
	fail_msg("no page stored with flags %#x", flags);
	return 0;
}

struct mutation {
	const char *what, *want;
	void (*apply)(uint8_t *f, size_t *len, const struct gen_kdump_info *i);
};

#define MUT(name, body)                                                     \
	static void name(uint8_t *f, size_t *len,                           \
			 const struct gen_kdump_info *i)                    \
	{                                                                   \
		(void)f, (void)len, (void)i;                                \
		body;                                                       \
	}

MUT(cut_header, *len = 0x100)
MUT(cut_bitmap, *len = i->bitmap_off + i->bitmap_bytes)
MUT(cut_descs, *len = i->desc_off + 24 * 10 + 5)
/* The file ends inside the descriptors, the first ten naming data that is
 * there (a bitmap block, as a raw page). */
MUT(cut_descs_data_there, {
	for (uint64_t k = 0; k < 10; k++) {
		put64(f, i->desc_off + k * 24, i->bitmap_off);
		put32(f, i->desc_off + k * 24 + 8, 4096);
		put32(f, i->desc_off + k * 24 + 12, 0);
	}
	*len = i->desc_off + 24 * 10 + 5;
})
MUT(cut_data, *len = i->data_off + 1000)
MUT(block_3000, put32(f, H_BLOCK_SIZE, 3000))
MUT(block_8192, put32(f, H_BLOCK_SIZE, 8192))
MUT(block_0, put32(f, H_BLOCK_SIZE, 0))
MUT(sub_0, put32(f, H_SUB_HDR_SIZE, 0))
MUT(sub_neg, put32(f, H_SUB_HDR_SIZE, 0x80000000u))
MUT(sub_huge, put32(f, H_SUB_HDR_SIZE, 0x7fffffff))
MUT(bitmap_odd, put32(f, H_BITMAP_BLOCKS, 3))
MUT(bitmap_0, put32(f, H_BITMAP_BLOCKS, 0))
MUT(bitmap_huge, put32(f, H_BITMAP_BLOCKS, 0xfffffffe))
MUT(mapnr_bits, put64(f, S_MAX_MAPNR_64, i->bitmap_bytes * 8 + 1))
MUT(mapnr_2_52, put64(f, S_MAX_MAPNR_64, 1ULL << 41))
MUT(machine_ppc, memcpy(f + H_MACHINE, "ppc64le", 8))
MUT(machine_arm_8192, {
	memcpy(f + H_MACHINE, "aarch64", 8);
	put32(f, H_BLOCK_SIZE, 8192);
})
MUT(machine_arm_1024, {
	memcpy(f + H_MACHINE, "aarch64", 8);
	put32(f, H_BLOCK_SIZE, 1024);
})
MUT(machine_none, memset(f + H_MACHINE, 0, 65))
MUT(version_neg, put32(f, H_VERSION, 0xffffffffu))
MUT(vmci_past, put64(f, S_OFF_VMCOREINFO, 1ULL << 40))
MUT(vmci_huge, put64(f, S_SIZE_VMCOREINFO, 1ULL << 62))
MUT(note_bad, put64(f, S_SIZE_NOTE, 20))
/* QEMUCPUState's size field: the notes start after the 104-byte
 * sub-header, NT_PRSTATUS (12 + 8 + 336 bytes) first, then QEMU's. */
MUT(qemu_note_small, put32(f, 4096 + 104 + 356 + 20 + 4, 0x10))
MUT(desc_size_big, put32(f, desc_with(f, i, 1) + 8, 5000))
MUT(desc_size_0, put32(f, desc_with(f, i, 1) + 8, 0))
MUT(desc_flags_unknown, put32(f, desc_with(f, i, 1) + 12, 0x40))
MUT(desc_flags_two, put32(f, desc_with(f, i, 1) + 12, 0x3))
MUT(desc_raw_short, put32(f, desc_with(f, i, 0) + 8, 100))
MUT(desc_off_past, put64(f, desc_with(f, i, 4) + 0, *len - 10))
MUT(desc_off_neg, put64(f, desc_with(f, i, 0x20) + 0, (uint64_t)-4096))

static void malformed(void **state)
{
	(void)state;
	/* The signature and nothing more: shorter than the flattened form's
	 * 16-byte signature, which open must not read past (fuzz_dump). */
	for (size_t n = 8; n < 16; n++) {
		uint8_t *tiny = malloc(n); /* exact size, for ASan */
		memcpy(tiny, "KDUMP   abcdefgh", n);
		expect_error(tiny, n, "kdump header is truncated", "signature only");
		free(tiny);
	}
	static const struct mutation muts[] = {
		{ "truncated header", "header is truncated", cut_header },
		{ "truncated bitmap", "bitmaps", cut_bitmap },
		{ "truncated descriptors", "lies past the end of the", cut_descs },
		{ "truncated descriptors", "page descriptor 10 (page at 0xc000) at 0x",
		  cut_descs_data_there },
		{ "truncated descriptors", "the bitmap names more pages than the file holds",
		  cut_descs_data_there },
		{ "truncated data", "lies past the end of the", cut_data },
		{ "block size 3000", "block size 3000 is not a power of two", block_3000 },
		{ "block size 8192", "4096-byte pages", block_8192 },
		{ "block size 0", "block size 0", block_0 },
		{ "sub-header 0", "sub-header of 0 blocks", sub_0 },
		{ "sub-header negative", "sub-header of -2147483648", sub_neg },
		{ "sub-header huge", "does not fit", sub_huge },
		{ "odd bitmap", "two bitmaps of equal size", bitmap_odd },
		{ "no bitmap", "two bitmaps of equal size", bitmap_0 },
		{ "huge bitmap", "bitmaps", bitmap_huge },
		{ "max_mapnr > bitmap", "needs more bits than its bitmaps hold", mapnr_bits },
		{ "max_mapnr > 2^52", "2^52", mapnr_2_52 },
		{ "machine ppc64le", "\"ppc64le\": ptfs reads x86 and AArch64 dumps only", machine_ppc },
		{ "no machine", "x86 and AArch64 dumps only", machine_none },
		{ "aarch64 block 8192", "block size 8192: AArch64 pages are 4096, 16384 or 65536 bytes",
		  machine_arm_8192 },
		{ "aarch64 block 1024", "block size 1024: AArch64 pages", machine_arm_1024 },
		{ "version -1", "header version -1", version_neg },
		{ "VMCOREINFO past the end", "VMCOREINFO", vmci_past },
		{ "VMCOREINFO huge", "VMCOREINFO", vmci_huge },
		{ "note cut", "note at offset", note_bad },
		{ "QEMU note small", "QEMU CPU note 0 says it is 0x10 bytes", qemu_note_small },
		{ "page size > block", "more than the block size", desc_size_big },
		{ "page size 0", "no data (size 0)", desc_size_0 },
		{ "page flags unknown", "unknown compression flags 0x40", desc_flags_unknown },
		{ "page flags two", "more than one compression", desc_flags_two },
		{ "raw page short", "not a whole page", desc_raw_short },
		{ "page data past the end", "lies past the end of the", desc_off_past },
		{ "page data offset negative", "lies past the end of the", desc_off_neg },
	};
	struct gen g;
	image(&g);
	struct gen_kdump o = options();
	struct gen_kdump_info info;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, &info);
	uint8_t *m = malloc(len);
	for (size_t k = 0; k < sizeof muts / sizeof muts[0]; k++) {
		memcpy(m, f, len);
		size_t n = len;
		muts[k].apply(m, &n, &info);
		expect_error(m, n, muts[k].want, muts[k].what);
		/* the same through the flattened form */
		size_t flen;
		uint8_t *flat = gen_kdump_flatten(m, n, 3000, &flen);
		expect_error(flat, flen, muts[k].want, muts[k].what);
		free(flat);
	}
	free(m);
	free(f);
	gen_free(&g);
}

static uint64_t be(uint64_t v)
{
	return __builtin_bswap64(v);
}

static void malformed_flattened(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = options();
	o.flattened = true;
	o.flat_chunk = 8192;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, NULL);
	uint8_t *m = malloc(len + 64);
	/* the record after the header's garbage copy: at 4096 + 16 + 8192 */
	uint64_t rec = 4096 + 16 + 8192;

	expect_error(f, 100, "shorter than its 4096-byte header", "short");
	memcpy(m, f, len);
	expect_error(m, len - 16, "without its end marker", "no end marker");
	expect_error(m, len - 100, "run past the end of the file", "cut record");
	expect_error(m, 4096 + 8, "without its end marker", "cut record header");
	put64(m, 16, be(2));
	expect_error(m, len, "type 2 version 1", "type");
	memcpy(m, f, len);
	put64(m, 24, be(7));
	expect_error(m, len, "type 1 version 7", "version");
	memcpy(m, f, len);
	put64(m, rec + 8, be((uint64_t)-5));
	expect_error(m, len, "negative", "negative size");
	memcpy(m, f, len);
	put64(m, rec, be(100));           /* onto the header's record */
	expect_error(m, len, "both give image bytes", "overlap");
	memcpy(m, f, len);
	put64(m, rec + 8, be(1ULL << 40));
	expect_error(m, len, "run past the end of the file", "huge record");
	/* an ELF core in the stream, and something else */
	/* (the header's real record comes third, after its garbage copy and
	 * the swapped second chunk) */
	uint64_t rec0 = 4096 + 2 * (16 + 8192);
	memcpy(m, f, len);
	memcpy(m + rec0 + 16, "\177ELF", 4);
	expect_error(m, len, "holds an ELF core", "ELF");
	memcpy(m + rec0 + 16, "XXXX", 4);
	expect_error(m, len, "does not hold a kdump", "not a kdump");
	/* an image too short for the signature */
	memcpy(m, f, 4096);
	put64(m, 4096, be(0));
	put64(m, 4096 + 8, be(4));
	memcpy(m + 4096 + 16, "KDUM", 4);
	put64(m, 4096 + 20, be((uint64_t)-1));
	put64(m, 4096 + 28, be((uint64_t)-1));
	expect_error(m, 4096 + 36, "too short for a header", "tiny image");
	/* no records at all */
	memcpy(m, f, 4096);
	put64(m, 4096, be((uint64_t)-1));
	put64(m, 4096 + 8, be((uint64_t)-1));
	expect_error(m, 4096 + 16, "holds no records", "empty");
	free(m);
	free(f);
	gen_free(&g);
}

/* A page whose compressed data is corrupt: the dump opens, the page stays
 * in its range but reads as a hole (not held, zeros). */
static void corrupt_page_is_hole(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = options();
	struct gen_kdump_info info;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, &info);
	static const uint32_t flags[] = { 0x1, 0x2, 0x4, 0x20 };
	uint8_t *m = malloc(len);
	for (size_t k = 0; k < 4; k++) {
		memcpy(m, f, len);
		uint64_t at = desc_with(m, &info, flags[k]);
		uint64_t off, rank = (at - info.desc_off) / 24;
		uint32_t size;
		memcpy(&off, m + at, 8);
		memcpy(&size, m + at + 8, 4);
		memset(m + off, 0xff, size);
		/* the frame of descriptor rank */
		uint64_t pfn = 0;
		for (uint64_t r = 0;; pfn++)
			if (!excluded(pfn) && r++ == rank)
				break;
		ptw_dump *d = open_bytes(m, len);
		uint8_t buf[PAGE];
		assert_true(ptw_phys_present(d, pfn * PAGE, NULL));
		memset(buf, 0xa5, sizeof buf);
		assert_int_equal(ptw_phys_read(d, pfn * PAGE, buf, PAGE), 0);
		for (size_t i = 0; i < PAGE; i++)
			assert_int_equal(buf[i], 0);
		/* a read across it counts only its neighbours */
		uint64_t from = (pfn - 1) * PAGE;
		size_t want = (excluded(pfn - 1) ? 0 : PAGE) + (excluded(pfn + 1) ? 0 : PAGE);
		uint8_t three[3 * PAGE];
		assert_int_equal(ptw_phys_read(d, from, three, sizeof three), want);
		uint64_t e;
		assert_int_equal(ptw_phys_read(d, pfn * PAGE + 8, &e, 8), 0);
		/* the scan covers it, cannot read it, and goes on */
		struct ptw_discover_opts o = { .threads = 1 };
		struct ptw_spaces sp;
		struct ptw_error err;
		assert_int_equal(ptw_discover(d, &o, &sp, &err), 0);
		assert_int_equal(sp.scan.pages_bad, 1);
		assert_int_equal(sp.scan.pages_hole, 0);
		assert_int_equal(sp.scan.pages, ptw_dump_phys_size(d) / PAGE);
		ptw_spaces_free(&sp);
		ptw_dump_close(d);
	}
	free(m);
	free(f);
	gen_free(&g);
}

/* ---- threads ------------------------------------------------------------------- */

struct reader {
	const ptw_dump *d;
	const struct gen *g;
	bool (*hole)(uint64_t pfn);   /* by 4 KiB frame */
	unsigned seed;
	unsigned bad;
};

static void *read_pages(void *arg)
{
	struct reader *r = arg;
	uint8_t buf[PAGE];
	unsigned x = r->seed;
	for (unsigned n = 0; n < 6000; n++) {
		x = x * 1103515245 + 12345;
		/* half the reads on a few hot pages, half anywhere */
		uint64_t pfn = n % 2 ? (x >> 8) % NPAGES : 0x20 + (x >> 8) % 4;
		uint64_t at = (x >> 4) % 64 * 8;
		size_t want = r->hole(pfn) ? 0 : PAGE - at;
		if (ptw_phys_read(r->d, pfn * PAGE + at, buf, PAGE - at) != want ||
		    (want && memcmp(buf, r->g->mem + pfn * PAGE + at, want)))
			r->bad++;
	}
	return NULL;
}

/* Eight threads reading the dump o makes of g at once, each page as g
 * has it or a hole. */
static void read_in_threads(const struct gen *g, const struct gen_kdump *o,
			    bool (*hole)(uint64_t pfn))
{
	size_t len;
	uint8_t *f = gen_kdump(g, o, &len, NULL);
	ptw_dump *d = open_bytes(f, len);
	enum { N = 8 };
	pthread_t t[N];
	struct reader r[N];
	for (unsigned i = 0; i < N; i++) {
		r[i] = (struct reader){ d, g, hole, 7 + i * 31, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, read_pages, &r[i]), 0);
	}
	for (unsigned i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].bad, 0);
	}
	ptw_dump_close(d);
	free(f);
}

static void threads(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	struct gen_kdump o = options();
	for (int flat = 0; flat < 2; flat++) {
		o.flattened = flat;
		read_in_threads(&g, &o, excluded);
	}
	gen_free(&g);
}

/* ---- AArch64: 4, 16 and 64 KiB blocks ------------------------------------------ *
 * arm64 kernels with 16 K or 64 K pages write blocks of that size (and
 * QEMU writes 64 KiB blocks for any arm guest): a frame, a bitmap bit and
 * a descriptor are a block; the reader's pages stay 4 KiB. */

static const char ARM_VMCOREINFO[] =
	"OSRELEASE=6.1.0-gen-arm64\nPAGESIZE=65536\n"
	"SYMBOL(swapper_pg_dir)=ffff800009f5a000\nNUMBER(VA_BITS)=48\n";

/* Holes: 64 KiB frames 4 and 10, whole frames at every block size (4 KiB
 * pages 0x40-0x4f and 0xa0-0xaf). */
static bool arm_hole(uint64_t pfn)
{
	return pfn / 16 == 4 || pfn / 16 == 10;
}

/* By block: holes where arm_hole says, every compression mixed. */
static enum gen_kdump_page arm_mixed(uint64_t frame, void *arg)
{
	uint32_t bs = *(const uint32_t *)arg;
	return arm_hole(frame * bs / PAGE) ? GEN_KDUMP_EXCLUDED : kind_by(frame);
}

static struct gen_kdump arm_options(uint32_t *bs)
{
	struct gen_kdump o = {
		.machine = "aarch64", .block_size = *bs, .vmcoreinfo = ARM_VMCOREINFO,
		.page = arm_mixed, .arg = bs, .ncpus = 1,
	};
	/* A QEMU CPU note (x86's layout), which says nothing of an arm CPU. */
	o.cpu[0] = gen_cpu_for(PTW_MODE_X64, 0x6398000);
	return o;
}

/* The ranges (runs of dumped blocks) start and end on blocks. */
static void check_block_aligned(const ptw_dump *d, uint32_t bs)
{
	const struct ptw_range *r;
	size_t n = ptw_dump_ranges(d, &r);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(r[k].start % bs, 0);
		assert_int_equal(r[k].size % bs, 0);
	}
}

static void aarch64_blocks(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	static const uint32_t sizes[] = { 65536, 16384, 4096 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint32_t bs = sizes[i];
		struct gen_kdump o = arm_options(&bs);
		for (int flat = 0; flat < 2; flat++) {
			o.flattened = flat;
			o.flat_chunk = 5000;
			struct gen_kdump_info info;
			size_t len;
			uint8_t *f = gen_kdump(&g, &o, &len, &info);
			if (!flat) /* every kind stored, one block each at least */
				for (int k = GEN_KDUMP_RAW; k <= GEN_KDUMP_ZSTD; k++)
					assert_true(info.stored[k] > 0);
			ptw_dump *d = open_bytes(f, len);
			assert_int_equal(ptw_dump_machine(d), PTW_MACHINE_AARCH64);
			assert_int_equal(ptw_dump_hints(d)->os, PTW_OS_LINUX);
			check_ranges(d, arm_hole);
			check_pages(d, &g, arm_hole);
			check_block_aligned(d, bs);
			/* one read across blocks: the end of block 0, all of
			 * block 1 (64 KiB) or blocks 1-3 (16 KiB), into the next */
			uint8_t *big = malloc(64 * 1024 + 200);
			assert_int_equal(ptw_phys_read(d, 0x10000 - 100, big, 64 * 1024 + 200),
					 64 * 1024 + 200);
			assert_memory_equal(big, g.mem + 0x10000 - 100, 64 * 1024 + 200);
			free(big);
			/* no translation registers: the QEMU note is x86's */
			const struct ptw_cpu *c;
			assert_int_equal(ptw_dump_cpus(d, &c), 0);
			char v[64];
			assert_true(ptw_vmcoreinfo_get(d, "OSRELEASE", v, sizeof v));
			assert_string_equal(v, "6.1.0-gen-arm64");
			ptw_dump_close(d);
			free(f);
			/* and many threads at once, sharing 64 KiB blocks */
			if (bs == 65536)
				read_in_threads(&g, &o, arm_hole);
		}
	}
	gen_free(&g);
}

/* What one pass over a dump's paged memory delivered. */
struct pass_check {
	const struct gen *g;
	uint64_t pages, bad;
};

static void pass_pages(void *ctx, unsigned thread, const struct ptw_seg *s,
		       uint64_t in, const uint8_t *p, uint64_t npages)
{
	(void)thread;
	struct pass_check *c = ctx;
	c->pages += npages;
	c->bad += memcmp(p, c->g->mem + s->pa + in, npages * PAGE) != 0;
}

/* A corrupt compressed 64 KiB block: its 16 pages read as holes, its
 * neighbours' as before, and the scan's pass over memory counts them bad
 * and reads the rest as the image; descriptors are checked against the
 * block size. */
static void aarch64_corrupt_and_malformed(void **state)
{
	(void)state;
	struct gen g;
	image(&g);
	uint32_t bs = 65536;
	struct gen_kdump o = arm_options(&bs);
	struct gen_kdump_info info;
	size_t len;
	uint8_t *f = gen_kdump(&g, &o, &len, &info);
	uint8_t *m = malloc(len);
	memcpy(m, f, len);
	/* descriptor 1 is frame 1's, zlib */
	uint64_t at = info.desc_off + 1 * 24, off;
	uint32_t size, flags;
	memcpy(&off, m + at, 8);
	memcpy(&size, m + at + 8, 4);
	memcpy(&flags, m + at + 12, 4);
	assert_int_equal(flags, 0x1);
	memset(m + off, 0xff, size);
	ptw_dump *d = open_bytes(m, len);
	uint8_t buf[PAGE];
	for (uint64_t pfn = 0; pfn < 0x30; pfn++) {
		bool bad = pfn >= 0x10 && pfn < 0x20;
		assert_true(ptw_phys_present(d, pfn * PAGE, NULL));
		assert_int_equal(ptw_phys_read(d, pfn * PAGE, buf, PAGE), bad ? 0 : PAGE);
		if (!bad)
			assert_memory_equal(buf, g.mem + pfn * PAGE, PAGE);
	}
	struct pass_check pc = { .g = &g };
	struct ptw_pass_opts po = { .segs = PTW_PASS_PAGED, .threads = 1,
				    .pages = pass_pages, .ctx = &pc };
	struct ptw_pass_stats st;
	assert_int_equal(ptw_dump_pass(d, &po, &st, NULL), 0);
	assert_int_equal(st.pages, ptw_dump_phys_size(d) / PAGE);
	assert_int_equal(st.pages_bad, 16);
	assert_int_equal(pc.pages + st.pages_zero + st.pages_bad, st.pages);
	assert_int_equal(pc.bad, 0);
	ptw_dump_close(d);
	/* a descriptor's data larger than a block; a raw one of one 4 KiB
	 * page, not a whole block */
	memcpy(m, f, len);
	put32(m, at + 8, 0x10001);
	expect_error(m, len, "kdump page at 0x10000: 0x10001 bytes of data, more than the block size 0x10000",
		     "64K: size > block");
	memcpy(m, f, len);
	uint64_t raw = info.desc_off;  /* frame 0: raw */
	memcpy(&flags, m + raw + 12, 4);
	assert_int_equal(flags, 0);
	put32(m, raw + 8, 4096);
	expect_error(m, len, "kdump page at 0x0: stored uncompressed in 0x1000 bytes, not a whole page",
		     "64K: raw page short");
	/* max_mapnr beyond 2^52 in 64 KiB frames */
	memcpy(m, f, len);
	put64(m, 65536 + 96, 1ULL << 37);
	expect_error(m, len, "kdump max_mapnr 0x2000000000 reaches past 2^52", "64K: max_mapnr");
	free(m);
	free(f);
	gen_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_compression),
		cmocka_unit_test(every_single_compression),
		cmocka_unit_test(flattened_equals_plain),
		cmocka_unit_test(vmcoreinfo_and_cpus),
		cmocka_unit_test(i386_layout),
		cmocka_unit_test(shared_zero_pages),
		cmocka_unit_test(incomplete_dump),
		cmocka_unit_test(split_dump),
		cmocka_unit_test(malformed),
		cmocka_unit_test(malformed_flattened),
		cmocka_unit_test(corrupt_page_is_hole),
		cmocka_unit_test(threads),
		cmocka_unit_test(aarch64_blocks),
		cmocka_unit_test(aarch64_corrupt_and_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
