/* fuzz_dump.c — libFuzzer target: the whole path from a dump's bytes to
 * physical memory.
 *
 * The input is a dump file.  ptw_dump_open_memory_with detects its format
 * and runs the reader (ELF through libelf, with QEMU CPU notes and
 * VMCOREINFO; kdump, LiME, Windows crash dumps; raw for anything else).
 * One input in 256 also names a raw image's physical base (PHYS_BASE_WORD
 * below), which only a raw image may take.  A dump that opens is then
 * checked against what ptwalk.h promises: sorted, disjoint, merged ranges;
 * reads and presence that agree with those ranges (holes read as zeros,
 * never counted); VMCOREINFO lookups that find the keys the text holds.
 */
#include "fuzz_common.h"

#define READ_MAX 8192

/* The input's tail word that may name a phys_base: when its low byte is
 * PHYS_BASE_TAG, the rest (52 bits, not necessarily aligned) is the base.
 * Words 0-7 are the reads' addresses and lengths. */
enum { PHYS_BASE_WORD = 8, PHYS_BASE_TAG = 0xa6 };

static uint64_t phys_base_of(const uint8_t *data, size_t size)
{
	uint64_t w = fuzz_tail64(data, size, PHYS_BASE_WORD);
	return (w & 0xff) == PHYS_BASE_TAG ? (w >> 8) & ((1ULL << 52) - 1) : 0;
}


/* Bytes of [pa, pa + len) (clipped at 2^64) that lie inside the ranges. */
static uint64_t expect_backed(const struct ptw_range *r, size_t nr,
			      uint64_t pa, size_t len)
{
	uint64_t last = pa + len - 1;
	if (last < pa)
		last = UINT64_MAX;
	uint64_t n = 0;
	for (size_t i = 0; i < nr; i++) {
		uint64_t rlast = r[i].start + r[i].size - 1;
		uint64_t lo = pa > r[i].start ? pa : r[i].start;
		uint64_t hi = last < rlast ? last : rlast;
		if (lo <= hi)
			n += hi - lo + 1;
	}
	return n;
}

/* The range holding pa, or NULL. */
static const struct ptw_range *range_of(const struct ptw_range *r, size_t nr,
					uint64_t pa)
{
	for (size_t i = 0; i < nr; i++)
		if (pa >= r[i].start && pa - r[i].start < r[i].size)
			return &r[i];
	return NULL;
}

static void check_ranges(const ptw_dump *d, const struct ptw_range *r,
			 size_t nr)
{
	FUZZ_CHECK(nr >= 1 && r != NULL);
	uint64_t sum = 0;
	for (size_t i = 0; i < nr; i++) {
		FUZZ_CHECK(r[i].size > 0);
		FUZZ_CHECK(r[i].start + r[i].size > r[i].start); /* no wrap */
		/* sorted, disjoint, and adjacent ranges merged */
		if (i)
			FUZZ_CHECK(r[i].start > r[i - 1].start + r[i - 1].size);
		sum += r[i].size;
	}
	FUZZ_CHECK(ptw_dump_phys_size(d) == sum);
	FUZZ_CHECK(ptw_dump_phys_end(d) == r[nr - 1].start + r[nr - 1].size);
}

static void check_present(const ptw_dump *d, const struct ptw_range *r,
			  size_t nr, uint64_t pa)
{
	uint64_t run = 0;
	bool present = ptw_phys_present(d, pa, &run);
	const struct ptw_range *in = range_of(r, nr, pa);
	FUZZ_CHECK(present == (in != NULL));
	FUZZ_CHECK(ptw_phys_present(d, pa, NULL) == present);
	if (present) {
		/* Exactly to the end of its (merged) range. */
		FUZZ_CHECK(run == in->start + in->size - pa);
		return;
	}
	const struct ptw_range *next = NULL;
	for (size_t i = 0; i < nr && !next; i++)
		if (r[i].start > pa)
			next = &r[i];
	FUZZ_CHECK(run == (next ? next->start - pa : 0 - pa));
}

/* raw: the dump is the raw image data, its first byte at PA base. */
struct raw_view {
	bool raw;
	uint64_t base;
};

static void check_read(const ptw_dump *d, const struct ptw_range *r,
		       size_t nr, const uint8_t *data, size_t size,
		       struct raw_view raw, uint64_t pa, size_t len)
{
	static const uint8_t poison = 0xa5;
	uint8_t buf[READ_MAX];
	if (len > READ_MAX)
		len = READ_MAX;
	if (len == 0)
		return;
	memset(buf, poison, len);
	size_t got = ptw_phys_read(d, pa, buf, len);
	FUZZ_CHECK(got <= len);
	/* kdump pages are decompressed on demand: a corrupt one lies in its
	 * range but reads as a hole (zeros, not counted) */
	if (strcmp(ptw_dump_format(d), "kdump") == 0)
		FUZZ_CHECK(got <= expect_backed(r, nr, pa, len));
	else
		FUZZ_CHECK(got == expect_backed(r, nr, pa, len));
	for (size_t i = 0; i < len; i++) {
		uint64_t a = pa + i;
		if (a < pa) { /* past 2^64: nothing there, no wrap to 0 */
			FUZZ_CHECK(buf[i] == 0);
			continue;
		}
		if (!range_of(r, nr, a))
			FUZZ_CHECK(buf[i] == 0); /* holes read as zeros */
		else if (raw.raw)
			FUZZ_CHECK(a - raw.base < size && buf[i] == data[a - raw.base]);
	}
	check_present(d, r, nr, pa);
}

static void check_vmcoreinfo(const ptw_dump *d)
{
	static const char *const keys[] = {
		"OSRELEASE", "PAGESIZE", "SYMBOL(init_top_pgt)",
		"SYMBOL(swapper_pg_dir)", "NUMBER(phys_base)",
		"NUMBER(pgtable_l5_enabled)", "CONFIG_X86_PAE", "KERNELOFFSET",
		"", "=",
	};
	static const size_t sizes[] = { 1, 2, 17, 64, 300 };
	char val[300];
	size_t len = 12345;
	const char *text = ptw_dump_vmcoreinfo(d, &len);
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			memset(val, 'x', sizeof val);
			if (ptw_vmcoreinfo_get(d, keys[k], val, sizes[s]))
				FUZZ_CHECK(memchr(val, '\0', sizes[s]) != NULL);
			else
				FUZZ_CHECK(val[0] == 'x'); /* untouched */
		}
	FUZZ_CHECK(!ptw_vmcoreinfo_get(d, "OSRELEASE", val, 0));
	if (!text) {
		FUZZ_CHECK(len == 0);
		FUZZ_CHECK(!ptw_vmcoreinfo_get(d, "OSRELEASE", val, sizeof val));
		return;
	}
	FUZZ_CHECK(strlen(text) == len);
	/* The first line's key is found, with the rest of the line. */
	size_t eol = strcspn(text, "\n");
	const char *eq = memchr(text, '=', eol);
	if (!eq)
		return;
	size_t klen = (size_t)(eq - text);
	char key[256];
	if (klen >= sizeof key)
		return;
	memcpy(key, text, klen);
	key[klen] = '\0';
	FUZZ_CHECK(ptw_vmcoreinfo_get(d, key, val, sizeof val));
	size_t vlen = eol - klen - 1;
	if (vlen > sizeof val - 1)
		vlen = sizeof val - 1;
	FUZZ_CHECK(strlen(val) == vlen && memcmp(val, eq + 1, vlen) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ptw_dump *d = NULL;
	struct ptw_error err = { .code = -1 };
	const struct ptw_dump_opts opts = { .phys_base = phys_base_of(data, size) };
	int rc = ptw_dump_open_memory_with(data, size, &opts, &d, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		/* a bad option is the one invalid argument opening can meet */
		FUZZ_CHECK(rc != PTW_ERR_INVALID || opts.phys_base != 0);
		return 0;
	}
	FUZZ_CHECK(d != NULL);

	const char *fmt = ptw_dump_format(d);
	struct raw_view raw = { strcmp(fmt, "raw") == 0, opts.phys_base };
	/* a base moves raw images alone, by whole pages, below 2^52 */
	if (opts.phys_base)
		FUZZ_CHECK(raw.raw && opts.phys_base % FUZZ_PAGE == 0 &&
			   opts.phys_base + size <= (1ULL << 52));
	bool windows = !strcmp(fmt, "windows32") || !strcmp(fmt, "windows64");
	FUZZ_CHECK(raw.raw || windows || !strcmp(fmt, "elf32") || !strcmp(fmt, "elf64") ||
		   !strcmp(fmt, "lime") || !strcmp(fmt, "kdump"));
	FUZZ_CHECK(ptw_dump_file_size(d) == size);
	enum ptw_machine mach = ptw_dump_machine(d);
	FUZZ_CHECK(mach == PTW_MACHINE_UNKNOWN || mach == PTW_MACHINE_I386 ||
		   mach == PTW_MACHINE_X86_64 || mach == PTW_MACHINE_AARCH64);
	if (windows) /* the header names the machine and the OS */
		FUZZ_CHECK(mach != PTW_MACHINE_UNKNOWN &&
			   ptw_dump_hints(d)->os == PTW_OS_WINDOWS);

	const struct ptw_range *r = NULL;
	size_t nr = ptw_dump_ranges(d, &r);
	check_ranges(d, r, nr);
	if (raw.raw) {
		FUZZ_CHECK(nr == 1 && r[0].start == raw.base && r[0].size == size);
		FUZZ_CHECK(mach == PTW_MACHINE_UNKNOWN);
	}
	/* AArch64 records no translation registers */
	const struct ptw_cpu *cpus = NULL;
	size_t ncpus = ptw_dump_cpus(d, &cpus);
	FUZZ_CHECK(mach != PTW_MACHINE_AARCH64 || ncpus == 0);

	for (size_t i = 0; i < ncpus; i++)
		FUZZ_CHECK(cpus[i].index == i);
	check_vmcoreinfo(d);

	/* Reads around every range's edges (the first few ranges), at the top
	 * of the address space, and at addresses the input names. */
	size_t lens[4];
	for (unsigned k = 0; k < 4; k++)
		lens[k] = 1 + (size_t)(fuzz_tail64(data, size, 4 + k) % READ_MAX);
	for (size_t i = 0; i < nr && i < 8; i++) {
		uint64_t end = r[i].start + r[i].size;
		check_read(d, r, nr, data, size, raw, r[i].start, lens[i % 4]);
		check_read(d, r, nr, data, size, raw, r[i].start - 1, 2);
		check_read(d, r, nr, data, size, raw, end - 1, 64);
		check_read(d, r, nr, data, size, raw, end, 16);
		if (end > 4096)
			check_read(d, r, nr, data, size, raw, end - 4096, 4096 + 64);
	}
	check_read(d, r, nr, data, size, raw, 0, 4096);
	check_read(d, r, nr, data, size, raw, UINT64_MAX, 1);
	check_read(d, r, nr, data, size, raw, UINT64_MAX - 15, 64);
	for (unsigned k = 0; k < 4; k++) {
		uint64_t pa = fuzz_tail64(data, size, k);
		check_read(d, r, nr, data, size, raw, pa, lens[k]);
		/* and the same inside the dump's span */
		uint64_t end = ptw_dump_phys_end(d);
		if (end)
			check_read(d, r, nr, data, size, raw, pa % end, lens[k]);
	}

	ptw_dump_close(d);
	return 0;
}
