/* dump/lime.c — LiME captures (Linux Memory Extractor, "lime" format).
 *
 * The file is a sequence of ranges, each a 32-byte little-endian header
 *   u32 magic 0x4C694D45 ("EMiL" on disk), u32 version (1),
 *   u64 start, u64 end (inclusive), u64 reserved
 * followed by end - start + 1 bytes of physical memory.  Every range
 * becomes one mapped segment; nothing is read but the headers.
 */
#include "dump/dump.h"

enum {
	LIME_MAGIC = 0x4C694D45,
	LIME_VERSION = 1,
	LIME_HEADER = 32,
	/* A capture has one range per System RAM region: a few dozen at most.
	 * The bound keeps a file of headers from making a million segments. */
	LIME_MAX_RANGES = 65536,
};

static bool lime_probe(const uint8_t *data, size_t size)
{
	return size >= LIME_HEADER && ptw_le32(data) == LIME_MAGIC;
}

static int lime_open(struct ptw_dump *d, struct ptw_error *err)
{
	uint64_t off = 0;
	unsigned n = 0;
	while (off < d->size) {
		if (d->size - off < LIME_HEADER)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"LiME range %u: header at offset 0x%llx is cut short (file ends at 0x%llx)",
					n, (unsigned long long)off,
					(unsigned long long)d->size);
		const uint8_t *h = d->data + off;
		if (ptw_le32(h) != LIME_MAGIC)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"LiME range %u: bad magic 0x%08x at offset 0x%llx",
					n, ptw_le32(h), (unsigned long long)off);
		if (ptw_le32(h + 4) != LIME_VERSION)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"LiME range %u: version %u, only 1 is known",
					n, ptw_le32(h + 4));
		uint64_t start = ptw_le64(h + 8), end = ptw_le64(h + 16);
		if (end < start || end - start == UINT64_MAX)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"LiME range %u: end 0x%llx lies below start 0x%llx",
					n, (unsigned long long)end,
					(unsigned long long)start);
		if (++n > LIME_MAX_RANGES)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"LiME: more than %u ranges", LIME_MAX_RANGES);
		uint64_t len = end - start + 1; /* the end is inclusive */
		off += LIME_HEADER;
		if (len > d->size - off)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"LiME range %u (0x%llx-0x%llx) wants 0x%llx bytes at offset 0x%llx but the file ends at 0x%llx (truncated capture?)",
					n - 1, (unsigned long long)start,
					(unsigned long long)end, (unsigned long long)len,
					(unsigned long long)off, (unsigned long long)d->size);
		int rc = ptw_dump_add_segment(d, start, len, off, len, err);
		if (rc)
			return rc;
		off += len;
	}
	return 0;
}

const struct ptw_format ptw_format_lime = {
	.name = "lime",
	.what = "a LiME capture",
	.probe = lime_probe,
	.open = lime_open,
};
