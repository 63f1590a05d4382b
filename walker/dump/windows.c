/* dump/windows.c — Windows crash dumps (a bugcheck's MEMORY.DMP, LiveKD,
 * Task Manager's live kernel dump, WinDbg's .dump), detected by content.
 *
 * The header (public parsers agree on it: Volatility's crash/crash64 layers,
 * Rekall's crashdump overlay, kdmp-parser; little-endian throughout):
 *
 *   64-bit: "PAGE" "DU64", 0x2000 bytes        32-bit: "PAGE" "DUMP", 0x1000 bytes
 *     0x10  DirectoryTableBase  u64              0x10  u32
 *     0x18  PfnDataBase         u64              0x14  u32
 *     0x20  PsLoadedModuleList  u64              0x18  u32
 *     0x28  PsActiveProcessHead u64              0x1c  u32
 *     0x30  MachineImageType    u32 (0x8664)     0x20  u32 (0x14c)
 *     0x34  NumberProcessors    u32              0x24  u32
 *     0x38  BugCheckCode        u32              0x28  u32
 *     0x80  KdDebuggerDataBlock u64              0x60  u32
 *                                                0x5c  PaeEnabled u8
 *     0x88  PhysicalMemoryBlock (700 bytes)      0x64  (700 bytes)
 *           u32 NumberOfRuns, u32 pad,                 u32 NumberOfRuns,
 *           u64 NumberOfPages,                         u32 NumberOfPages,
 *           runs {u64 BasePage, u64 PageCount}         runs {u32, u32}
 *     0xf98 DumpType            u32              0xf88 u32
 *
 * DumpType 1 (full): the pages of the runs follow the header, run after run.
 * DumpType 5 (DUMP_TYPE_BITMAP_FULL: a complete memory dump as a bitmap,
 * usually "FDMP") and 6 (DUMP_TYPE_BITMAP_KERNEL: a bugcheck's kernel or
 * automatic dump, and Task Manager's live kernel dump, usually "SDMP"):
 * right after the header a summary header: u32 "SDMP"/"FDMP", u32 "DUMP",
 * u64 FirstPage (file offset of the first stored page) @+0x20, u64
 * TotalPresentPages @+0x28, u64 bit count @+0x30, the bitmap @+0x38; bit n
 * set means PFN n is stored, the stored pages following each other in PFN
 * order.  Volatility
 * reads the same summary header after a 32-bit header, so both widths take
 * both kinds here.
 *
 * DumpType 8, 9 and 10 (WinDbg's .dump /k, /ka and /f since 2022): an
 * "RDMP" header and a table of PFN ranges instead (see open_ranges).
 *
 * Each run, range, or maximal run of set bits, becomes one mapped segment:
 * nothing is read whole.  The header's facts go to d->hints for discovery.
 */
#include "dump/dump.h"

#include <inttypes.h>
#include <stdio.h>

/* Where one header width keeps its fields. */
struct win_layout {
	const char *format;
	size_t header;         /* bytes of the header */
	unsigned ptr;          /* width of addresses and run fields */
	uint32_t machine;      /* the MachineImageType it must name */
	size_t dirbase, pfndb, modules, processes, machine_at, ncpus, bugcheck;
	size_t kddebugger, physmem, physmem_bytes, dump_type;
};

static const struct win_layout layout64 = {
	.format = "windows64", .header = 0x2000, .ptr = 8, .machine = 0x8664,
	.dirbase = 0x10, .pfndb = 0x18, .modules = 0x20, .processes = 0x28,
	.machine_at = 0x30, .ncpus = 0x34, .bugcheck = 0x38, .kddebugger = 0x80,
	.physmem = 0x88, .physmem_bytes = 700, .dump_type = 0xf98,
};

static const struct win_layout layout32 = {
	.format = "windows32", .header = 0x1000, .ptr = 4, .machine = 0x14c,
	.dirbase = 0x10, .pfndb = 0x14, .modules = 0x18, .processes = 0x1c,
	.machine_at = 0x20, .ncpus = 0x24, .bugcheck = 0x28, .kddebugger = 0x60,
	.physmem = 0x64, .physmem_bytes = 700, .dump_type = 0xf88,
};

enum {
	PAE_ENABLED_32 = 0x5c,
	SUMMARY_FIRST_PAGE = 0x20,
	SUMMARY_PRESENT = 0x28,
	SUMMARY_BITS = 0x30,
	SUMMARY_BITMAP = 0x38,
};

#define PFN_LIMIT (PTW_PHYS_LIMIT / PTW_PAGE) /* 2^40 frames */

/* An address-sized field of the header. */
static uint64_t field(const struct win_layout *L, const uint8_t *p)
{
	return L->ptr == 8 ? ptw_le64(p) : ptw_le32(p);
}

/* "PAGE" claims the file; pick_layout then names a bad ValidDump.  Memory
 * that merely holds "DU64" at offset 4 stays a raw image. */
static bool win_probe(const uint8_t *data, size_t size)
{
	return size >= 4 && memcmp(data, "PAGE", 4) == 0;
}

/* Printable form of a 4-byte tag for messages. */
static const char *tag_text(const uint8_t *p, char out[17])
{
	size_t n = 0;
	for (unsigned i = 0; i < 4; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			out[n++] = (char)p[i];
		else
			n += (size_t)snprintf(out + n, 5, "\\x%02x", p[i]);
	}
	out[n] = '\0';
	return out;
}

static int pick_layout(const uint8_t *p, size_t size,
		       const struct win_layout **out, struct ptw_error *err)
{
	char a[17], b[17];
	if (size < 8)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"truncated Windows crash dump header: the file is %zu bytes",
				size);
	if (memcmp(p, "PAGE", 4) != 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"Windows crash dump with signature '%s' (want 'PAGE')",
				tag_text(p, a));
	if (memcmp(p + 4, "DU64", 4) == 0)
		*out = &layout64;
	else if (memcmp(p + 4, "DUMP", 4) == 0)
		*out = &layout32;
	else
		return ptw_fail(err, PTW_ERR_FORMAT,
				"Windows crash dump: ValidDump is '%s' (want 'DU64' or 'DUMP'; signature '%s')",
				tag_text(p + 4, b), tag_text(p, a));
	if (size < (*out)->header)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"truncated Windows crash dump header: the file is 0x%zx bytes, a %s header is 0x%zx",
				size, (*out)->ptr == 8 ? "64-bit" : "32-bit", (*out)->header);
	return 0;
}

const char *ptw_windows_dump_type_name(uint32_t t)
{
	switch (t) {
	case 1: return "full";
	case 2: return "kernel summary";
	case 4: return "minidump";
	case 5: return "complete bitmap";
	case 6: return "kernel bitmap: kernel, automatic or live dump";
	case 8: return "kernel memory dump, .dump /k";
	case 9: return "kernel and user memory dump, .dump /ka";
	case 10: return "complete memory dump, .dump /f";
	default: return "unknown";
	}
}

static int read_hints(struct ptw_dump *d, const struct win_layout *L,
		      struct ptw_error *err)
{
	const uint8_t *p = d->data;
	uint32_t machine = ptw_le32(p + L->machine_at);
	if (machine != L->machine)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"Windows crash dump: MachineImageType 0x%x (a %s x86 dump says 0x%x)",
				machine, L->ptr == 8 ? "64-bit" : "32-bit", L->machine);
	struct ptw_dump_hints *h = &d->hints;
	h->os = PTW_OS_WINDOWS;
	h->dirbase = field(L, p + L->dirbase);
	h->pfn_database = field(L, p + L->pfndb);
	h->ps_loaded_module_list = field(L, p + L->modules);
	h->ps_active_process_head = field(L, p + L->processes);
	h->kd_debugger_data_block = field(L, p + L->kddebugger);
	h->nprocessors = ptw_le32(p + L->ncpus);
	h->bugcheck_code = ptw_le32(p + L->bugcheck);
	h->dump_type = ptw_le32(p + L->dump_type);
	if (L->ptr == 8) {
		h->mode = PTW_MODE_X64;
		d->machine = PTW_MACHINE_X86_64;
	} else {
		h->mode = p[PAE_ENABLED_32] ? PTW_MODE_PAE : PTW_MODE_X86;
		d->machine = PTW_MACHINE_I386;
	}
	return 0;
}

/* ---- full dumps: PhysicalMemoryBlock's runs ---------------------------------- */

struct win_run {
	uint64_t base, count;   /* in pages */
};

/* A run or range of count pages at PFN base, stored from file offset off:
 * inside x86's physical addresses and inside the file. */
static int check_span(const struct ptw_dump *d, const char *what, uint64_t i,
		      const struct win_run *r, uint64_t off, struct ptw_error *err)
{
	if (r->base >= PFN_LIMIT || r->count > PFN_LIMIT - r->base)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"%s %" PRIu64 " (PFN 0x%" PRIx64 ", 0x%" PRIx64 " pages) reaches past 2^52, beyond any x86 physical address",
				what, i, r->base, r->count);
	uint64_t bytes = r->count * PTW_PAGE;
	if (off > d->size || bytes > d->size - off)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"%s %" PRIu64 " wants file bytes 0x%" PRIx64 "-0x%" PRIx64 " but the file ends at 0x%zx (truncated dump?)",
				what, i, off, off + bytes, d->size);
	return 0;
}

static int check_run(const struct ptw_dump *d, unsigned i,
		     const struct win_run *r, const struct win_run *prev,
		     uint64_t off, struct ptw_error *err)
{
	int rc = check_span(d, "run", i, r, off, err);
	if (rc)
		return rc;
	for (unsigned j = 0; j < i; j++) {
		const struct win_run *q = &prev[j];
		if (r->count && q->count && r->base < q->base + q->count &&
		    q->base < r->base + r->count)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"runs %u and %u overlap at PFN 0x%" PRIx64,
					j, i, r->base > q->base ? r->base : q->base);
	}
	return 0;
}

static int open_full(struct ptw_dump *d, const struct win_layout *L,
		     struct ptw_error *err)
{
	const uint8_t *pm = d->data + L->physmem;
	size_t first = L->ptr == 8 ? 16 : 8, rsize = 2 * L->ptr;
	size_t max = (L->physmem_bytes - first) / rsize;
	uint32_t nruns = ptw_le32(pm);
	uint64_t npages = L->ptr == 8 ? ptw_le64(pm + 8) : ptw_le32(pm + 4);
	if (nruns == 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"full Windows crash dump lists no memory runs (NumberOfRuns 0)");
	if (nruns > max)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"NumberOfRuns %" PRIu32 " is absurd: the header has room for %zu runs",
				nruns, max);
	struct win_run runs[86]; /* (700 - 8) / 8 runs of two u32, at most */
	uint64_t off = L->header, total = 0;
	for (unsigned i = 0; i < nruns; i++) {
		const uint8_t *rp = pm + first + i * rsize;
		runs[i] = (struct win_run){ field(L, rp), field(L, rp + L->ptr) };
		int rc = check_run(d, i, &runs[i], runs, off, err);
		if (!rc)
			rc = ptw_dump_add_segment(d, runs[i].base * PTW_PAGE,
						  runs[i].count * PTW_PAGE, off,
						  runs[i].count * PTW_PAGE, err);
		if (rc)
			return rc;
		off += runs[i].count * PTW_PAGE;
		total += runs[i].count;
	}
	if (total != npages)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"the runs hold 0x%" PRIx64 " pages but NumberOfPages says 0x%" PRIx64,
				total, npages);
	return 0;
}

/* ---- bitmap dumps -------------------------------------------------------------- */

struct bitmap {
	const uint8_t *bits;
	uint64_t nbits;
};

static bool bit_at(const struct bitmap *b, uint64_t i)
{
	return b->bits[i / 8] >> (i % 8) & 1;
}

/* The first bit at or after i whose value is want, or nbits. */
static uint64_t next_bit(const struct bitmap *b, uint64_t i, bool want)
{
	uint8_t skip = want ? 0x00 : 0xff; /* bytes holding no such bit */
	while (i < b->nbits) {
		if (i % 8 == 0 && b->bits[i / 8] == skip) {
			i += 8;
			continue;
		}
		if (bit_at(b, i) == want)
			return i;
		i++;
	}
	return b->nbits;
}

static uint64_t count_bits(const struct bitmap *b)
{
	uint64_t n = 0, whole = b->nbits / 8;
	for (uint64_t i = 0; i < whole; i++)
		n += (uint64_t)__builtin_popcount(b->bits[i]);
	for (uint64_t i = whole * 8; i < b->nbits; i++)
		n += bit_at(b, i);
	return n;
}

/* The summary header after the main one: its tags, the bitmap's extent. */
static int read_summary(const struct ptw_dump *d, size_t at, struct bitmap *b,
			uint64_t *first, uint64_t *present, struct ptw_error *err)
{
	char t[17];
	if (d->size - at < SUMMARY_BITMAP)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"truncated bitmap dump: its summary header at 0x%zx needs 0x%x bytes but the file ends at 0x%zx",
				at, SUMMARY_BITMAP, d->size);
	const uint8_t *s = d->data + at;
	if (memcmp(s, "SDMP", 4) != 0 && memcmp(s, "FDMP", 4) != 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"bitmap dump: the summary header at 0x%zx has signature '%s' (want 'SDMP' or 'FDMP')",
				at, tag_text(s, t));
	if (memcmp(s + 4, "DUMP", 4) != 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"bitmap dump: the summary header at 0x%zx has ValidDump '%s' (want 'DUMP')",
				at, tag_text(s + 4, t));
	*first = ptw_le64(s + SUMMARY_FIRST_PAGE);
	*present = ptw_le64(s + SUMMARY_PRESENT);
	b->nbits = ptw_le64(s + SUMMARY_BITS);
	b->bits = s + SUMMARY_BITMAP;
	if (b->nbits == 0 || b->nbits > PFN_LIMIT)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"bitmap dump: a bitmap of 0x%" PRIx64 " bits is absurd (1 to 2^40 pages of x86 physical memory)",
				b->nbits);
	uint64_t bytes = (b->nbits + 7) / 8;
	size_t end = at + SUMMARY_BITMAP;
	if (bytes > d->size - end)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"truncated bitmap dump: a bitmap of 0x%" PRIx64 " bits needs file bytes 0x%zx-0x%" PRIx64 " but the file ends at 0x%zx",
				b->nbits, end, end + bytes, d->size);
	if (*first < end + bytes)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"bitmap dump: FirstPage 0x%" PRIx64 " lies inside the headers and bitmap (which end at 0x%" PRIx64 ")",
				*first, end + bytes);
	return 0;
}

static int open_bitmap(struct ptw_dump *d, const struct win_layout *L,
		       struct ptw_error *err)
{
	struct bitmap b = { NULL, 0 };
	uint64_t first = 0, present = 0;
	int rc = read_summary(d, L->header, &b, &first, &present, err);
	if (rc)
		return rc;
	uint64_t set = count_bits(&b);
	if (set != present)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"bitmap dump: the bitmap has 0x%" PRIx64 " bits set but TotalPresentPages says 0x%" PRIx64,
				set, present);
	if (first > d->size || present > (d->size - first) / PTW_PAGE)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"bitmap dump: 0x%" PRIx64 " pages stored from file offset 0x%" PRIx64 " need 0x%" PRIx64 " bytes but the file ends at 0x%zx (truncated dump?)",
				present, first, (uint64_t)(present * PTW_PAGE), d->size);
	uint64_t off = first;
	for (uint64_t pfn = next_bit(&b, 0, true); pfn < b.nbits;) {
		uint64_t end = next_bit(&b, pfn, false);
		uint64_t bytes = (end - pfn) * PTW_PAGE;
		rc = ptw_dump_add_segment(d, pfn * PTW_PAGE, bytes, off, bytes, err);
		if (rc)
			return rc;
		off += bytes;
		pfn = next_bit(&b, end, true);
	}
	return 0;
}

/* ---- range dumps: DumpType 8, 9, 10 ------------------------------------------ */

/* The "RDMP" header after the 64-bit one (kdmp-parser's reading, public):
 *   +0x00 u32 marker 0x40, +0x04 "RDMP", +0x08 "DUMP", +0x10 u64
 *   MetadataSize, +0x18 u64 FirstPageOffset (always 0x20 + MetadataSize
 *   past this header's start); complete dumps (10) keep u32
 *   NumberOfRanges @+0x20 and u64 TotalNumberOfPages @+0x28.  From +0x30,
 *   ranges {u64 PFN, u64 pages} up to the first page, ended by PFN 0 (and,
 *   for type 10, by reaching TotalNumberOfPages); the pages of each range
 *   follow each other from FirstPageOffset, range after range. */
enum {
	RDMP_MARKER = 0x40,
	RDMP_META = 0x10,
	RDMP_FIRST = 0x18,
	RDMP_TOTAL = 0x28,
	RDMP_RANGES = 0x30,
};

static int read_rdmp(const struct ptw_dump *d, size_t at, uint64_t *first,
		     struct ptw_error *err)
{
	char t[17];
	if (d->size - at < RDMP_RANGES)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"truncated range dump: its RDMP header at 0x%zx needs 0x%x bytes but the file ends at 0x%zx",
				at, RDMP_RANGES, d->size);
	const uint8_t *h = d->data + at;
	if (ptw_le32(h) != RDMP_MARKER)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"range dump: the header at 0x%zx starts with 0x%" PRIx32 " (want the marker 0x40)",
				at, ptw_le32(h));
	if (memcmp(h + 4, "RDMP", 4) != 0 || memcmp(h + 8, "DUMP", 4) != 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"range dump: the header at 0x%zx has signature '%s' (want 'RDMP' then 'DUMP')",
				at, tag_text(memcmp(h + 4, "RDMP", 4) ? h + 4 : h + 8, t));
	uint64_t meta = ptw_le64(h + RDMP_META);
	*first = ptw_le64(h + RDMP_FIRST);
	if (meta < RDMP_RANGES - 0x20 || meta > d->size || *first != at + 0x20 + meta)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"range dump: FirstPageOffset 0x%" PRIx64 " does not follow MetadataSize 0x%" PRIx64
				" (the pages start 0x20 + MetadataSize past the RDMP header at 0x%zx)",
				*first, meta, at);
	if (*first > d->size)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"truncated range dump: the pages start at 0x%" PRIx64 " but the file ends at 0x%zx",
				*first, d->size);
	return 0;
}

static int open_ranges(struct ptw_dump *d, const struct win_layout *L, uint32_t type,
		       struct ptw_error *err)
{
	if (L->ptr != 8)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"32-bit Windows crash dump of DumpType %" PRIu32 ": range dumps are read with the 64-bit header only",
				type);
	uint64_t first = 0;
	int rc = read_rdmp(d, L->header, &first, err);
	if (rc)
		return rc;
	const uint8_t *h = d->data + L->header;
	uint64_t want = type == 10 ? ptw_le64(h + RDMP_TOTAL) : UINT64_MAX;
	uint64_t slots = (first - L->header - RDMP_RANGES) / 16, off = first, pages = 0;
	for (uint64_t i = 0; i < slots && pages < want; i++) {
		const uint8_t *e = h + RDMP_RANGES + 16 * i;
		struct win_run r = { ptw_le64(e), ptw_le64(e + 8) };
		if (r.base == 0)
			break;
		if ((rc = check_span(d, "range", i, &r, off, err)))
			return rc;
		if (r.count > want - pages)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"range %" PRIu64 " takes the pages past TotalNumberOfPages 0x%" PRIx64,
					i, want);
		rc = ptw_dump_add_segment(d, r.base * PTW_PAGE, r.count * PTW_PAGE, off,
					  r.count * PTW_PAGE, err);
		if (rc)
			return rc;
		off += r.count * PTW_PAGE;
		pages += r.count;
	}
	if (type == 10 && pages != want)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"the ranges hold 0x%" PRIx64 " pages but TotalNumberOfPages says 0x%" PRIx64,
				pages, want);
	return 0;
}

/* ---- the format ------------------------------------------------------------------ */

static int win_open(struct ptw_dump *d, struct ptw_error *err)
{
	const struct win_layout *L = NULL;
	int rc = pick_layout(d->data, d->size, &L, err);
	if (rc)
		return rc;
	d->format = L->format;
	rc = read_hints(d, L, err);
	if (rc)
		return rc;
	uint32_t type = d->hints.dump_type;
	switch (type) {
	case 1:
		return open_full(d, L, err);
	case 5:
	case 6:
		return open_bitmap(d, L, err);
	case 8:
	case 9:
	case 10:
		return open_ranges(d, L, type, err);
	default:
		return ptw_fail(err, PTW_ERR_FORMAT,
				"Windows crash dump of DumpType %" PRIu32 " (%s): ptfs reads 1 (full), 5 and 6 (bitmap) and 8-10 (.dump /k, /ka, /f)",
				type, ptw_windows_dump_type_name(type));
	}
}

const struct ptw_format ptw_format_windows = {
	.name = "windows",
	.what = "a Windows crash dump",
	.probe = win_probe,
	.open = win_open,
};
