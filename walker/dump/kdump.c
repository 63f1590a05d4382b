/* dump/kdump.c — makedumpfile's kdump-compressed ("diskdump") format, the
 * one Linux kdump leaves in /var/crash, plain or flattened (makedumpfile -F,
 * QEMU's dump-guest-memory -z/-l/-s).
 *
 * The diskdump image, in blocks of block_size bytes (the page size):
 *
 *   block 0            disk_dump_header: "KDUMP   ", header_version, the
 *                      kernel's utsname (6 x 65 bytes), a struct timeval,
 *                      status, block_size, sub_hdr_size, bitmap_blocks,
 *                      max_mapnr, ..., nr_cpus.  Its layout follows the
 *                      dumped kernel's C ABI: x86-64 pads the utsname to 8
 *                      and has a 16-byte timeval; i386 pads to 4, 8 bytes.
 *   block 1..          kdump_sub_header (sub_hdr_size blocks): phys_base,
 *                      dump_level, split, start/end pfn, then by
 *                      header_version the VMCOREINFO text (>= 3) and the
 *                      ELF notes (>= 4) as {offset, size} in the image,
 *                      and 64-bit start/end pfn and max_mapnr (>= 6).
 *   bitmap_blocks      two bitmaps of equal size, bit n for page frame n
 *                      (LSB first): the 1st says which frames exist, the
 *                      2nd which were dumped.  Only the 2nd matters here:
 *                      a frame whose bit is clear is a hole.
 *   descriptors        one 24-byte page_desc per dumped frame, in frame
 *                      order: i64 offset of the page's data in the image,
 *                      u32 size, u32 flags (DUMP_DH_COMPRESSED_ZLIB 0x1,
 *                      LZO 0x2, SNAPPY 0x4, ZSTD 0x20; none: the page is
 *                      stored raw, size == block_size), u64 page flags.
 *   page data          anywhere after; descriptors may share data (QEMU
 *                      stores one zero page for all of them).
 *
 * All little-endian (x86 and arm64 write their own byte order; arm64's
 * header and sub-header have x86-64's LP64 layout).  The kernel's page
 * size is the block size: 4096 on x86; 4096, 16384 or 65536 on arm64
 * (QEMU writes 65536 for any arm guest, the largest it may use).  A frame
 * of the bitmaps, and a descriptor, is one block.  The header's status
 * has DUMP_DH_COMPRESSED_INCOMPLETE (0x8) when makedumpfile ran out of room:
 * then pages whose descriptors were never written are holes, not errors.
 *
 * The flattened form is a stream: a 4096-byte header ("makedumpfile" in 16
 * bytes, big-endian i64 type 1 and version 1), then records of a big-endian
 * {i64 offset, i64 size} followed by size bytes that belong at offset of the
 * diskdump image, up to an end marker of offset -1.  makedumpfile -R
 * rebuilds the image by writing each record at its offset (gaps read as
 * zeros); here the records are indexed by image offset instead, so that the
 * image is read in place from the mapped file.
 *
 * Every dumped frame becomes part of a paged segment (runs of consecutive
 * frames).  The dump layer's pages are 4 KiB whatever the block size, so a
 * block is 1, 4 or 16 of them: a segment's aux is the index of its first
 * 4 KiB page among the dumped frames' pages, rank << sub_shift, and page i
 * is part i & (2^sub_shift - 1) of the frame of descriptor i >> sub_shift.
 * Blocks are decompressed on demand into a small cache shared by the
 * threads reading the dump, so that the 16 pages of a 64 KiB block cost
 * one decompression.
 */
#include "dump/dump.h"

#include <elf.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

static const char KDUMP_SIG[8] = "KDUMP   ";
static const char FLAT_SIG[16] = "makedumpfile";   /* NUL-padded to 16 */

enum {
	FLAT_HEADER_SIZE = 4096,     /* MAX_SIZE_MDF_HEADER */
	FLAT_REC_HEADER = 16,        /* {i64 offset, i64 size}, big-endian */
	DESC_SIZE = 24,              /* struct page_desc */
	UTS_LEN = 65,
	UTS_MACHINE = 12 + 4 * UTS_LEN,  /* after signature, version, 4 fields */
};

/* page_desc flags and header status bits */
enum {
	COMP_ZLIB = 0x1,
	COMP_LZO = 0x2,
	COMP_SNAPPY = 0x4,
	STATUS_INCOMPLETE = 0x8,
	COMP_ZSTD = 0x20,
	COMP_ANY = COMP_ZLIB | COMP_LZO | COMP_SNAPPY | COMP_ZSTD,
};

/* Bounds on what the header may make us keep or walk: VMCOREINFO is a few
 * KiB in practice; notes are ~1 KiB per CPU (QEMU allows 4096 vCPUs on
 * x86); the sub-header of a real dump is one block. */
enum {
	MAX_NOTES_BYTES = 16 << 20,
	MAX_NOTES = 65536,
	MAX_HEADER_VERSION = 1000,
};

/* NT_PRSTATUS sizes: struct elf_prstatus of an x86-64 and an i386 kernel
 * (an arm64 kernel's is 392 bytes). */
enum { NT_PRSTATUS_TYPE = 1, PRSTATUS_X86_64 = 336, PRSTATUS_I386 = 144 };

/* The decompressed-block cache: a direct-mapped table of at most
 * CACHE_BYTES of block data (2048 blocks of 4 KiB, 128 of 64 KiB; plus a
 * mutex per slot), fewer for small dumps, at least 2^CACHE_MIN_BITS slots.
 * Page tables are read an entry at a time, so without it each entry would
 * cost a decompression. */
enum { CACHE_BYTES = 8 << 20, CACHE_MIN_BITS = 4 };

/* Decompressor state kept between blocks (zlib streams, zstd contexts are
 * costly to set up per 4 KiB page), with room for a block and its
 * compressed data; a thread takes whichever is free.  Made on first use:
 * at most ~8 KiB (zlib) + ~160 KiB (zstd) + 2 blocks each. */
enum { NDECODERS = 8 };

/* What the open pass reads the image through in the flattened form. */
enum { WINDOW = 16384 };

/* The header fields' offsets in the two ABIs' layouts. */
struct header_layout {
	unsigned status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr,
		nr_cpus, size;
	bool bits64;
};

static const struct header_layout LAYOUT64 = {
	0x1a8, 0x1ac, 0x1b0, 0x1b4, 0x1b8, 0x1cc, 0x1d0, true,
};
static const struct header_layout LAYOUT32 = {
	0x19c, 0x1a0, 0x1a4, 0x1a8, 0x1ac, 0x1c0, 0x1c4, false,
};

/* kdump_sub_header fields: x86-64 (unsigned long and off_t are 8 bytes)
 * and i386 (unsigned long 4 bytes, 64-bit off_t aligned to 4). */
struct sub_layout {
	unsigned split, start_pfn, end_pfn, pfn_size;
	unsigned off_vmcoreinfo, size_vmcoreinfo, off_note, size_note,
		 size_size;
	unsigned start_pfn_64, end_pfn_64, max_mapnr_64, size;
};

static const struct sub_layout SUB64 = {
	12, 16, 24, 8, 32, 40, 48, 56, 8, 80, 88, 96, 104,
};
static const struct sub_layout SUB32 = {
	8, 12, 16, 4, 20, 28, 32, 40, 4, 56, 64, 72, 80,
};

/* One record of the flattened form: image bytes [img, img + len) are the
 * file's bytes from file. */
struct flat_rec {
	uint64_t img, len, file;
	size_t seq;              /* its place in the stream: later ones win */
};

struct desc {
	uint64_t off;
	uint32_t size, flags;
};

struct cache_slot {
	pthread_mutex_t lock;    /* guards key and the slot's block */
	struct desc key;         /* whose block it holds; size 0: none */
};

struct decoder {
	pthread_mutex_t lock;
	z_stream z;
	bool z_ready;
	ZSTD_DCtx *zstd;
	uint8_t *block;          /* 2 blocks: one decompressed, then room for
				  * compressed data copied out of a
				  * flattened file's records */
};

struct kdump {
	const uint8_t *data;     /* the mapped file */
	uint64_t file_size;
	struct flat_rec *recs;   /* flattened: sorted by img, disjoint */
	size_t nrecs;
	uint64_t img_size;       /* bytes of the diskdump image */
	uint64_t covered;        /* of which the file really holds */
	uint64_t desc_off;       /* image offset of descriptor 0 */
	uint64_t ndesc;          /* dumped frames (descriptors) */
	uint32_t block;          /* the block (page) size: 4, 16 or 64 KiB */
	unsigned sub_shift;      /* log2(block / PTW_PAGE) */

	struct cache_slot *cache;
	uint8_t *blocks;         /* slot i's block at i * block */
	unsigned cache_bits, cache_ready;
	struct decoder dec[NDECODERS];
	unsigned dec_ready;
};

/* ---- little helpers ------------------------------------------------------ */

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ULL;
}

/* Whether [off, off + len) lies within [0, size), overflow-safe. */
static bool within(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* ---- the image: the file itself, or the flattened form's records -------- */

/* Index of the last record starting at or below off, or nrecs if none. */
static size_t flat_find(const struct kdump *k, uint64_t off)
{
	size_t lo = 0, hi = k->nrecs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->recs[mid].img <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : k->nrecs;
}

/* Image bytes [off, off + len) in place, or NULL when the file does not
 * hold them contiguously (past the end, a gap, or across records). */
static const uint8_t *img_ptr(const struct kdump *k, uint64_t off,
			      uint64_t len)
{
	if (!k->recs)
		return within(off, len, k->img_size) ? k->data + off : NULL;
	size_t i = flat_find(k, off);
	if (i == k->nrecs)
		return NULL;
	const struct flat_rec *r = &k->recs[i];
	uint64_t in = off - r->img;
	if (!within(in, len, r->len))
		return NULL;
	return k->data + r->file + in;
}

/* Copy image bytes [off, off + len) to buf, gaps between the flattened
 * form's records as zeros (as makedumpfile -R leaves them); false when the
 * range runs past the image. */
static bool img_read(const struct kdump *k, uint64_t off, void *buf,
		     uint64_t len)
{
	if (!within(off, len, k->img_size))
		return false;
	uint8_t *out = buf;
	if (!k->recs) {
		memcpy(out, k->data + off, len);
		return true;
	}
	size_t i = flat_find(k, off);
	if (i == k->nrecs)
		i = 0;
	while (len) {
		const struct flat_rec *r = i < k->nrecs ? &k->recs[i] : NULL;
		if (r && off - r->img < r->len && off >= r->img) {
			uint64_t in = off - r->img, n = r->len - in;
			if (n > len)
				n = len;
			memcpy(out, k->data + r->file + in, n);
			out += n, off += n, len -= n;
			i++;
			continue;
		}
		if (r && r->img <= off) { /* r ends at or before off */
			i++;
			continue;
		}
		/* A gap up to the next record (or the image's end). */
		uint64_t n = r ? r->img - off : len;
		if (n > len)
			n = len;
		memset(out, 0, n);
		out += n, off += n, len -= n;
	}
	return true;
}

/* A view of the image for the open pass: the file in place, or the
 * flattened form copied a window at a time. */
struct window {
	uint64_t off, len;
	const uint8_t *p;
	uint8_t buf[WINDOW];
};

/* Image bytes [off, off + need) (need <= WINDOW) through w; NULL when they
 * run past the image. */
static const uint8_t *win_get(const struct kdump *k, struct window *w,
			      uint64_t off, uint64_t need)
{
	if (off >= w->off && within(off - w->off, need, w->len))
		return w->p + (off - w->off);
	if (!within(off, need, k->img_size))
		return NULL;
	w->off = off;
	if (!k->recs) {
		w->len = k->img_size - off;
		w->p = k->data + off;
		return w->p;
	}
	w->len = k->img_size - off < WINDOW ? k->img_size - off : WINDOW;
	img_read(k, off, w->buf, w->len);
	w->p = w->buf;
	return w->p;
}

/* ---- the flattened form --------------------------------------------------- */

static int rec_cmp(const void *a, const void *b)
{
	const struct flat_rec *x = a, *y = b;
	if (x->img != y->img)
		return x->img < y->img ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int flat_add(struct kdump *k, size_t *cap, const struct flat_rec *r,
		    struct ptw_error *err)
{
	if (k->nrecs == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		struct flat_rec *v = realloc(k->recs, n * sizeof *v);
		if (!v)
			return ptw_fail(err, PTW_ERR_NOMEM,
					"out of memory for the flattened kdump's records");
		k->recs = v;
		*cap = n;
	}
	k->recs[k->nrecs++] = *r;
	return 0;
}

/* Read the records' headers: each is followed by its bytes, in the file. */
static int flat_scan(struct kdump *k, struct ptw_error *err)
{
	const uint8_t *f = k->data;
	uint64_t size = k->file_size, pos = FLAT_HEADER_SIZE;
	size_t cap = 0;
	for (size_t seq = 0;; seq++) {
		if (!within(pos, FLAT_REC_HEADER, size))
			return ptw_fail(err, PTW_ERR_FORMAT,
					"flattened kdump ends at 0x%llx without its end marker (truncated?)",
					(unsigned long long)size);
		int64_t off = (int64_t)be64(f + pos);
		int64_t len = (int64_t)be64(f + pos + 8);
		if (off == -1)
			return 0;
		if (off < 0 || len < 0)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"flattened kdump record %zu at file offset 0x%llx has a negative offset or size (%lld, %lld)",
					seq, (unsigned long long)pos, (long long)off,
					(long long)len);
		pos += FLAT_REC_HEADER;
		if (!within(pos, (uint64_t)len, size))
			return ptw_fail(err, PTW_ERR_FORMAT,
					"flattened kdump record %zu at file offset 0x%llx: its 0x%llx bytes run past the end of the file (0x%llx; truncated?)",
					seq, (unsigned long long)(pos - FLAT_REC_HEADER),
					(unsigned long long)len, (unsigned long long)size);
		if (len) {
			struct flat_rec r = { (uint64_t)off, (uint64_t)len, pos, seq };
			int rc = flat_add(k, &cap, &r, err);
			if (rc)
				return rc;
		}
		pos += (uint64_t)len;
	}
}

/* Sort the records by image offset.  makedumpfile rewrites a structure in
 * place at times (the sub-header, after erase info): a later record of the
 * same extent replaces an earlier one.  Any other overlap is an error. */
static int flat_sort(struct kdump *k, struct ptw_error *err)
{
	if (k->nrecs == 0)
		return ptw_fail(err, PTW_ERR_FORMAT, "flattened kdump holds no records");
	qsort(k->recs, k->nrecs, sizeof *k->recs, rec_cmp);
	size_t out = 0;
	for (size_t i = 0; i < k->nrecs; i++) {
		const struct flat_rec *r = &k->recs[i];
		if (out) {
			struct flat_rec *p = &k->recs[out - 1];
			if (p->img == r->img && p->len == r->len) {
				*p = *r;
				continue;
			}
			if (r->img - p->img < p->len)
				return ptw_fail(err, PTW_ERR_FORMAT,
						"flattened kdump records at file offsets 0x%llx and 0x%llx both give image bytes at 0x%llx",
						(unsigned long long)(p->file - FLAT_REC_HEADER),
						(unsigned long long)(r->file - FLAT_REC_HEADER),
						(unsigned long long)r->img);
		}
		k->recs[out++] = *r;
	}
	k->nrecs = out;
	k->img_size = 0;
	k->covered = 0;
	for (size_t i = 0; i < out; i++) {
		uint64_t end = k->recs[i].img + k->recs[i].len;
		if (end > k->img_size)
			k->img_size = end;
		k->covered += k->recs[i].len;
	}
	return 0;
}

static int flat_open(struct kdump *k, struct ptw_error *err)
{
	const uint8_t *f = k->data;
	if (k->file_size < FLAT_HEADER_SIZE)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"flattened kdump is 0x%llx bytes, shorter than its 4096-byte header",
				(unsigned long long)k->file_size);
	uint64_t type = be64(f + 16), version = be64(f + 24);
	if (type != 1 || version != 1)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"flattened kdump of type %lld version %lld (ptfs reads type 1, version 1)",
				(long long)type, (long long)version);
	int rc = flat_scan(k, err);
	if (!rc)
		rc = flat_sort(k, err);
	if (rc)
		return rc;
	uint8_t sig[8];
	if (!img_read(k, 0, sig, sizeof sig))
		return ptw_fail(err, PTW_ERR_FORMAT,
				"flattened kdump's image is 0x%llx bytes, too short for a header",
				(unsigned long long)k->img_size);
	if (memcmp(sig, ELFMAG, SELFMAG) == 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"flattened makedumpfile stream holds an ELF core, not a kdump: rebuild it with makedumpfile -R");
	if (memcmp(sig, KDUMP_SIG, sizeof sig) != 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"flattened makedumpfile stream does not hold a kdump (no \"KDUMP   \" signature at image offset 0)");
	return 0;
}

/* ---- pages ---------------------------------------------------------------- */

static void desc_parse(const uint8_t *p, struct desc *pd)
{
	pd->off = ptw_le64(p);
	pd->size = ptw_le32(p + 8);
	pd->flags = ptw_le32(p + 12);
}

static bool desc_load(const struct kdump *k, uint64_t i, struct desc *pd)
{
	if (i >= k->ndesc)
		return false;
	uint64_t at = k->desc_off + i * DESC_SIZE;
	const uint8_t *p = img_ptr(k, at, DESC_SIZE);
	uint8_t b[DESC_SIZE];
	if (!p) {
		if (!img_read(k, at, b, sizeof b))
			return false;
		p = b;
	}
	desc_parse(p, pd);
	return true;
}

static struct decoder *decoder_get(struct kdump *k, uint64_t hint)
{
	unsigned first = (unsigned)(hint % NDECODERS);
	for (unsigned j = 0; j < NDECODERS; j++) {
		struct decoder *c = &k->dec[(first + j) % NDECODERS];
		if (pthread_mutex_trylock(&c->lock) == 0)
			return c;
	}
	struct decoder *c = &k->dec[first];
	pthread_mutex_lock(&c->lock);
	return c;
}

static bool inflate_block(struct decoder *c, const uint8_t *src, uint32_t len,
			  uint8_t *out, uint32_t block)
{
	if (!c->z_ready) {
		memset(&c->z, 0, sizeof c->z);
		if (inflateInit(&c->z) != Z_OK)
			return false;
		c->z_ready = true;
	} else if (inflateReset(&c->z) != Z_OK) {
		return false;
	}
	c->z.next_in = src;
	c->z.avail_in = len;
	c->z.next_out = out;
	c->z.avail_out = (uInt)block;
	/* Exactly one block: the stream ends as the buffer fills. */
	return inflate(&c->z, Z_FINISH) == Z_STREAM_END && c->z.avail_out == 0;
}

static bool zstd_block(struct decoder *c, const uint8_t *src, uint32_t len,
		       uint8_t *out, uint32_t block)
{
	if (!c->zstd && !(c->zstd = ZSTD_createDCtx()))
		return false;
	size_t n = ZSTD_decompressDCtx(c->zstd, out, block, src, len);
	return !ZSTD_isError(n) && n == block;
}

/* Decompress pd's data at src into out: exactly one block. */
static bool decompress(struct decoder *c, const struct desc *pd,
		       const uint8_t *src, uint8_t *out, uint32_t block)
{
	switch (pd->flags & COMP_ANY) {
	case COMP_ZLIB:
		return inflate_block(c, src, pd->size, out, block);
	case COMP_ZSTD:
		return zstd_block(c, src, pd->size, out, block);
	case COMP_LZO: {
		lzo_uint n = block;
		/* the _safe variant checks both buffers' bounds */
		int rc = lzo1x_decompress_safe((lzo_bytep)src, pd->size, out, &n, NULL);
		return rc == LZO_E_OK && n == block;
	}
	case COMP_SNAPPY: {
		size_t n;
		if (snappy_uncompressed_length((const char *)src, pd->size, &n) !=
			    SNAPPY_OK || n != block)
			return false;
		return snappy_uncompress((const char *)src, pd->size, (char *)out,
					 &n) == SNAPPY_OK && n == block;
	}
	default:
		return false;
	}
}

static size_t cache_index(const struct kdump *k, const struct desc *pd)
{
	uint64_t h = (pd->off ^ (uint64_t)pd->flags << 56) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> (64 - k->cache_bits));
}

static bool same_desc(const struct desc *a, const struct desc *b)
{
	return a->off == b->off && a->size == b->size && a->flags == b->flags;
}

/* The 4 KiB page at byte `part` of pd's block, from the cache. */
static bool cache_get(const struct kdump *k, const struct desc *pd,
		      uint64_t part, uint8_t *out)
{
	size_t i = cache_index(k, pd);
	struct cache_slot *s = &k->cache[i];
	pthread_mutex_lock(&s->lock);
	bool hit = s->key.size && same_desc(&s->key, pd);
	if (hit)
		memcpy(out, k->blocks + i * k->block + part, PTW_PAGE);
	pthread_mutex_unlock(&s->lock);
	return hit;
}

static void cache_put(const struct kdump *k, const struct desc *pd,
		      const uint8_t *block)
{
	size_t i = cache_index(k, pd);
	struct cache_slot *s = &k->cache[i];
	pthread_mutex_lock(&s->lock);
	s->key = *pd;
	memcpy(k->blocks + i * k->block, block, k->block);
	pthread_mutex_unlock(&s->lock);
}

/* What the image's end is, for messages: a plain file's end, or the end
 * of what a flattened file's records reassemble. */
static const char *img_end(const struct kdump *k)
{
	return k->nrecs ? "the end of the flattened image" : "the end of the file";
}

/* Whether descriptor pd (of the page at pa) names data the file holds, in a
 * form the pager can read; fills err (may be NULL) with why not.  The one
 * statement of the descriptor's rules: the open pass and the pager both
 * ask it. */
static int desc_check(const struct kdump *k, const struct desc *pd,
		      uint64_t pa, struct ptw_error *err)
{
	uint32_t comp = pd->flags & COMP_ANY;
	if (pd->flags & ~(uint32_t)COMP_ANY)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump page at 0x%llx: unknown compression flags 0x%x",
				(unsigned long long)pa, pd->flags);
	if (comp & (comp - 1))
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump page at 0x%llx: flags 0x%x name more than one compression",
				(unsigned long long)pa, pd->flags);
	if (pd->size == 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump page at 0x%llx: its descriptor has no data (size 0)",
				(unsigned long long)pa);
	if (pd->size > k->block)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump page at 0x%llx: 0x%x bytes of data, more than the block size 0x%x",
				(unsigned long long)pa, pd->size, k->block);
	if (!comp && pd->size != k->block)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump page at 0x%llx: stored uncompressed in 0x%x bytes, not a whole page",
				(unsigned long long)pa, pd->size);
	if (!within(pd->off, pd->size, k->img_size))
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump page at 0x%llx: its data (0x%x bytes at 0x%llx) lies past %s (0x%llx)",
				(unsigned long long)pa, pd->size,
				(unsigned long long)pd->off, img_end(k),
				(unsigned long long)k->img_size);
	return 0;
}

/* Decompress pd's block (desc_check has passed) with a free decoder, keep
 * it in the cache, and copy its page at byte `part` to out. */
static bool decode_block(struct kdump *k, const struct desc *pd, uint64_t part,
			 uint8_t *out, uint64_t hint)
{
	struct decoder *c = decoder_get(k, hint);
	const uint8_t *src = NULL;
	if (c->block || (c->block = malloc(2 * (size_t)k->block))) {
		/* In place, or (across a flattened file's records) copied
		 * behind the block: pd->size <= block. */
		src = img_ptr(k, pd->off, pd->size);
		if (!src && img_read(k, pd->off, c->block + k->block, pd->size))
			src = c->block + k->block;
	}
	bool ok = src && decompress(c, pd, src, c->block, k->block);
	if (ok) {
		memcpy(out, c->block + part, PTW_PAGE);
		cache_put(k, pd, c->block);
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

/* The pager: page i is 4 KiB part i & (2^sub_shift - 1) of the frame of
 * descriptor i >> sub_shift (segments' aux count 4 KiB pages). */
static bool kdump_page(const struct ptw_dump *d, const struct ptw_seg *s,
		       uint64_t i, uint8_t out[4096])
{
	(void)s;
	struct kdump *k = d->priv;
	struct desc pd;
	uint64_t rank = i >> k->sub_shift;
	uint64_t part = (i & ((1ULL << k->sub_shift) - 1)) * PTW_PAGE;
	if (!desc_load(k, rank, &pd))
		return false;
	/* Checked at open, checked again: cheap, and the pager stays safe on
	 * its own. */
	if (desc_check(k, &pd, 0, NULL))       /* no message: pa unused */
		return false;
	if (!(pd.flags & COMP_ANY))
		return img_read(k, pd.off + part, out, PTW_PAGE);
	if (cache_get(k, &pd, part, out))
		return true;
	return decode_block(k, &pd, part, out, rank);
}

static const struct ptw_pager kdump_pager = { .page = kdump_page };

/* ---- the header ----------------------------------------------------------- */

struct header {
	const struct header_layout *L;
	const struct sub_layout *S;
	int32_t version;
	uint32_t status, block_size;
	int32_t sub_hdr_size, nr_cpus;
	uint32_t bitmap_blocks;
	uint64_t max_mapnr, pfn_lo, pfn_hi;
	uint64_t bitmap_off;     /* image offset of the 1st bitmap */
	uint64_t bitmap_bytes;   /* of each bitmap */
	char machine[UTS_LEN + 1];
};

static bool is_i386_name(const char *m)
{
	return m[0] == 'i' && m[1] >= '3' && m[1] <= '6' && strcmp(m + 2, "86") == 0;
}

/* A printable copy of a header string for messages. */
static void printable(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

/* The machines whose kdumps ptfs reads, by the utsname's machine field. */
static enum ptw_machine machine_of(const char *m)
{
	if (is_i386_name(m))
		return PTW_MACHINE_I386;
	if (strcmp(m, "x86_64") == 0)
		return PTW_MACHINE_X86_64;
	if (strcmp(m, "aarch64") == 0)
		return PTW_MACHINE_AARCH64;
	return PTW_MACHINE_UNKNOWN;
}

static bool x86_layout_plausible(const uint8_t *h, const struct header_layout *L)
{
	return ptw_le32(h + L->block_size) == PTW_PAGE &&
	       (int32_t)ptw_le32(h + L->sub_hdr_size) >= 1;
}

/* The ABI layout: the machine's, unless on x86 its fields are nonsense
 * where the other layout's make sense (QEMU names its own build in the
 * utsname, not the guest's mode: qemu-system-x86_64 writes a 32-bit
 * guest's header in the i386 layout under "x86_64").  arm64 kernels are
 * LP64, and QEMU's 32-bit arm guests are no AArch64. */
static int pick_layout(struct ptw_dump *d, const uint8_t *h, struct header *hd,
		       struct ptw_error *err)
{
	memcpy(hd->machine, h + UTS_MACHINE, UTS_LEN);
	hd->machine[UTS_LEN] = '\0';
	enum ptw_machine m = machine_of(hd->machine);
	if (m == PTW_MACHINE_UNKNOWN) {
		printable(hd->machine);
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump of machine \"%s\": ptfs reads x86 and AArch64 dumps only (x86_64, i386, aarch64)",
				hd->machine);
	}
	bool i386 = m == PTW_MACHINE_I386;
	const struct header_layout *L = i386 ? &LAYOUT32 : &LAYOUT64;
	const struct header_layout *other = i386 ? &LAYOUT64 : &LAYOUT32;
	if (m != PTW_MACHINE_AARCH64 && !x86_layout_plausible(h, L) &&
	    x86_layout_plausible(h, other))
		L = other;
	hd->L = L;
	hd->S = L->bits64 ? &SUB64 : &SUB32;
	if (m == PTW_MACHINE_X86_64 && !L->bits64)
		m = PTW_MACHINE_I386;
	d->machine = m;
	return 0;
}

/* The block size is the kernel's page size: x86's 4 KiB, or one of
 * AArch64's granules. */
static int check_block_size(const struct ptw_dump *d, const struct header *hd,
			    struct ptw_error *err)
{
	uint32_t bs = hd->block_size;
	if (bs == 0 || (bs & (bs - 1)) || bs > (1u << 24))
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump block size %u is not a power of two of at most 16 MiB",
				bs);
	if (d->machine == PTW_MACHINE_AARCH64) {
		if (bs != 4096 && bs != 16384 && bs != 65536)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"kdump block size %u: AArch64 pages are 4096, 16384 or 65536 bytes",
					bs);
		return 0;
	}
	if (bs != PTW_PAGE)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump block size %u: x86 dumps have 4096-byte pages",
				bs);
	return 0;
}

static int read_header(struct ptw_dump *d, struct kdump *k, struct header *hd,
		       struct ptw_error *err)
{
	uint8_t h[0x200];
	if (k->img_size < LAYOUT32.size)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump header is truncated: 0x%llx bytes, it needs 0x%x",
				(unsigned long long)k->img_size, LAYOUT32.size);
	memset(h, 0, sizeof h);
	img_read(k, 0, h, k->img_size < sizeof h ? k->img_size : sizeof h);
	int rc = pick_layout(d, h, hd, err);
	if (rc)
		return rc;
	const struct header_layout *L = hd->L;
	if (k->img_size < L->size)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump header is truncated: 0x%llx bytes, it needs 0x%x",
				(unsigned long long)k->img_size, L->size);
	hd->version = (int32_t)ptw_le32(h + 8);
	hd->status = ptw_le32(h + L->status);
	hd->block_size = ptw_le32(h + L->block_size);
	hd->sub_hdr_size = (int32_t)ptw_le32(h + L->sub_hdr_size);
	hd->bitmap_blocks = ptw_le32(h + L->bitmap_blocks);
	hd->max_mapnr = ptw_le32(h + L->max_mapnr);
	hd->nr_cpus = (int32_t)ptw_le32(h + L->nr_cpus);
	if (hd->version < 0 || hd->version > MAX_HEADER_VERSION)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump header version %d is not one makedumpfile writes",
				hd->version);
	rc = check_block_size(d, hd, err);
	if (rc)
		return rc;
	uint64_t bs = hd->block_size;
	if (hd->sub_hdr_size < 1 || (uint64_t)hd->sub_hdr_size > k->img_size / bs)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump sub-header of %d blocks does not fit the image (0x%llx bytes)",
				hd->sub_hdr_size, (unsigned long long)k->img_size);
	if (hd->bitmap_blocks == 0 || hd->bitmap_blocks % 2)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump bitmap of %u blocks is not two bitmaps of equal size",
				hd->bitmap_blocks);
	hd->bitmap_off = (1 + (uint64_t)hd->sub_hdr_size) * bs;
	uint64_t bytes = (uint64_t)hd->bitmap_blocks * bs;
	/* Both bitmaps inside the image (a flattened file's gaps read as
	 * zeros), and no larger than what its records hold: the open pass
	 * walks them, and must not walk gigabytes a small file only claims. */
	if (!within(hd->bitmap_off, bytes, k->img_size))
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump bitmaps (0x%llx bytes at 0x%llx) run past %s (0x%llx; truncated?)",
				(unsigned long long)bytes,
				(unsigned long long)hd->bitmap_off, img_end(k),
				(unsigned long long)k->img_size);
	if (bytes > k->covered)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump bitmaps of 0x%llx bytes are more than the 0x%llx bytes the flattened records hold (truncated?)",
				(unsigned long long)bytes, (unsigned long long)k->covered);
	hd->bitmap_bytes = bytes / 2;
	k->desc_off = hd->bitmap_off + bytes;
	return 0;
}

static uint64_t sub_ulong(const uint8_t *s, unsigned off, unsigned size)
{
	return size == 8 ? ptw_le64(s + off) : ptw_le32(s + off);
}

/* The frames the dump covers: max_mapnr (64-bit from version 6), and a
 * split dump's part of them. */
static int read_pfn_range(struct header *hd, const uint8_t *s,
			  struct ptw_error *err)
{
	const struct sub_layout *S = hd->S;
	if (hd->version >= 6 && ptw_le64(s + S->max_mapnr_64))
		hd->max_mapnr = ptw_le64(s + S->max_mapnr_64);
	uint64_t bits = hd->bitmap_bytes * 8;
	if (hd->max_mapnr > PTW_PHYS_LIMIT / hd->block_size)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump max_mapnr 0x%llx reaches past 2^52, beyond any x86 or AArch64 physical address",
				(unsigned long long)hd->max_mapnr);
	if (hd->max_mapnr > bits)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump max_mapnr 0x%llx needs more bits than its bitmaps hold (0x%llx)",
				(unsigned long long)hd->max_mapnr,
				(unsigned long long)bits);
	hd->pfn_lo = 0;
	hd->pfn_hi = hd->max_mapnr;
	if (hd->version < 2 || (int32_t)ptw_le32(s + S->split) == 0)
		return 0;
	uint64_t lo, hi;
	if (hd->version >= 6) {
		lo = ptw_le64(s + S->start_pfn_64);
		hi = ptw_le64(s + S->end_pfn_64);
	} else {
		lo = sub_ulong(s, S->start_pfn, S->pfn_size);
		hi = sub_ulong(s, S->end_pfn, S->pfn_size);
	}
	if (lo > hi || hi > hd->max_mapnr)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"split kdump's frames 0x%llx-0x%llx do not lie within max_mapnr 0x%llx",
				(unsigned long long)lo, (unsigned long long)hi,
				(unsigned long long)hd->max_mapnr);
	hd->pfn_lo = lo;
	hd->pfn_hi = hi;
	return 0;
}

/* ---- VMCOREINFO and notes ------------------------------------------------- */

/* Image bytes [off, off + len) for parsing: in place, or copied to *copy
 * (the caller frees it).  The size is bounded by max and by what the file
 * really holds. */
static int img_blob(const struct kdump *k, const char *what, uint64_t off,
		    uint64_t len, uint64_t max, const uint8_t **out,
		    uint8_t **copy, struct ptw_error *err)
{
	*copy = NULL;
	if (!within(off, len, k->img_size))
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump %s (0x%llx bytes at 0x%llx) lies past %s (0x%llx)",
				what, (unsigned long long)len, (unsigned long long)off,
				img_end(k), (unsigned long long)k->img_size);
	if (len > k->covered)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump %s of 0x%llx bytes is more than the 0x%llx bytes the flattened records hold",
				what, (unsigned long long)len, (unsigned long long)k->covered);
	if (len > max)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"kdump %s of 0x%llx bytes is larger than ptfs believes (0x%llx)",
				what, (unsigned long long)len, (unsigned long long)max);
	*out = img_ptr(k, off, len);
	if (*out)
		return 0;
	*copy = malloc(len ? len : 1);
	if (!*copy)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the kdump %s",
				what);
	img_read(k, off, *copy, len);
	*out = *copy;
	return 0;
}

/* The ELF notes the dumped kernel (or QEMU) left: 4-byte aligned names and
 * descriptors.  QEMU's CPU notes give x86 vCPUs' control registers; the
 * size of NT_PRSTATUS tells a 32-bit x86 kernel (QEMU's utsname names
 * QEMU's build, x86_64 for 32-bit guests too); VMCOREINFO stands in when
 * the sub-header names none. */
static int parse_notes(struct ptw_dump *d, const uint8_t *p, uint64_t len,
		       bool want_vmcoreinfo, struct ptw_error *err)
{
	uint64_t off = 0;
	for (size_t n = 0; len - off >= 12; n++) {
		if (n >= MAX_NOTES)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"kdump notes: more than %d notes", MAX_NOTES);
		uint32_t namesz = ptw_le32(p + off), descsz = ptw_le32(p + off + 4);
		uint32_t type = ptw_le32(p + off + 8);
		uint64_t name = off + 12, desc = name + align4(namesz);
		uint64_t next = desc + align4(descsz);
		if (next > len)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"kdump note at offset 0x%llx of the note area runs past its end (0x%llx)",
					(unsigned long long)off, (unsigned long long)len);
		const char *nm = (const char *)p + name;
		int rc = 0;
		if (namesz == 5 && memcmp(nm, "QEMU", 5) == 0 && type == 0)
			rc = ptw_dump_add_qemu_cpu(d, p + desc, descsz, err);
		else if (d->machine == PTW_MACHINE_X86_64 && namesz == 5 &&
			 memcmp(nm, "CORE", 5) == 0 &&
			 type == NT_PRSTATUS_TYPE && descsz == PRSTATUS_I386)
			d->machine = PTW_MACHINE_I386;
		else if (want_vmcoreinfo && namesz == 11 &&
			 memcmp(nm, "VMCOREINFO", 11) == 0)
			rc = ptw_dump_set_vmcoreinfo(d, (const char *)p + desc,
						     descsz, err);
		if (rc)
			return rc;
		off = next;
	}
	return 0;
}

static int read_extras(struct ptw_dump *d, const struct kdump *k,
		       const struct header *hd, const uint8_t *s,
		       struct ptw_error *err)
{
	const struct sub_layout *S = hd->S;
	const uint8_t *p;
	uint8_t *copy;
	int rc;
	bool have_vmcoreinfo = false;
	if (hd->version >= 3) {
		uint64_t off = ptw_le64(s + S->off_vmcoreinfo);
		uint64_t len = sub_ulong(s, S->size_vmcoreinfo, S->size_size);
		if (off && len) {
			rc = img_blob(k, "VMCOREINFO", off, len, PTW_VMCOREINFO_MAX, &p,
				      &copy, err);
			if (!rc)
				rc = ptw_dump_set_vmcoreinfo(d, (const char *)p,
							     (size_t)len, err);
			free(copy);
			if (rc)
				return rc;
			have_vmcoreinfo = true;
		}
	}
	if (hd->version >= 4) {
		uint64_t off = ptw_le64(s + S->off_note);
		uint64_t len = sub_ulong(s, S->size_note, S->size_size);
		if (off && len) {
			rc = img_blob(k, "note area", off, len, MAX_NOTES_BYTES, &p,
				      &copy, err);
			if (!rc)
				rc = parse_notes(d, p, len, !have_vmcoreinfo, err);
			free(copy);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int read_sub_header(struct ptw_dump *d, const struct kdump *k,
			   struct header *hd, struct ptw_error *err)
{
	uint8_t s[128] = {0};
	/* Block 1, before the bitmaps, which read_header found inside the
	 * image; a flattened file's gap reads as zeros. */
	img_read(k, hd->block_size, s, hd->S->size);
	int rc = read_pfn_range(hd, s, err);
	if (!rc)
		rc = read_extras(d, k, hd, s, err);
	return rc;
}

/* ---- the open pass: bitmap and descriptors -------------------------------- */

struct run {
	uint64_t pfn, n, rank;
};

/* Frames are blocks; the pager's pages are 4 KiB (sub_shift of them). */
static int run_flush(struct ptw_dump *d, const struct kdump *k, struct run *r,
		     struct ptw_error *err)
{
	if (!r->n)
		return 0;
	int rc = ptw_dump_add_paged(d, r->pfn * k->block, r->n << k->sub_shift,
				    &kdump_pager, r->rank << k->sub_shift, err);
	r->n = 0;
	return rc;
}

struct pass {
	struct window bits, descs;
	struct run run;
	uint64_t rank;
	bool incomplete;         /* unwritten pages are holes, not errors */
	bool ended;              /* incomplete: no descriptor written past here */
};

/* Dumped frame pfn, the pass's next descriptor. */
static int dumped_page(struct ptw_dump *d, const struct kdump *k,
		       struct pass *ps, uint64_t pfn, struct ptw_error *err)
{
	uint64_t rank = ps->rank++;
	uint64_t at = k->desc_off + rank * DESC_SIZE;
	const uint8_t *p = win_get(k, &ps->descs, at, DESC_SIZE);
	/* In an incomplete dump a bad descriptor is a page never written. */
	struct ptw_error *why = ps->incomplete ? NULL : err;
	int rc;
	if (!p) {
		rc = ptw_fail(why, PTW_ERR_FORMAT,
			      "kdump page descriptor %llu (page at 0x%llx) at 0x%llx lies past %s (0x%llx): the bitmap names more pages than the file holds (truncated?)",
			      (unsigned long long)rank,
			      (unsigned long long)(pfn * k->block),
			      (unsigned long long)at, img_end(k),
			      (unsigned long long)k->img_size);
		/* Descriptors follow each other: none after this one is
		 * written either.  Stop the walk (an incomplete dump of a
		 * large machine would otherwise try every dumpable frame). */
		ps->ended = ps->incomplete;
	} else {
		struct desc pd;
		desc_parse(p, &pd);
		rc = desc_check(k, &pd, pfn * k->block, why);
	}
	if (rc)
		return ps->incomplete ? run_flush(d, k, &ps->run, err) : rc;
	struct run *r = &ps->run;
	if (r->n && r->pfn + r->n == pfn) {
		r->n++;
		return 0;
	}
	rc = run_flush(d, k, r, err);
	*r = (struct run){ pfn, 1, rank };
	return rc;
}

/* One byte of the 2nd bitmap: frames base..base+7 (those in [lo, hi)). */
static int bitmap_byte(struct ptw_dump *d, const struct kdump *k,
		       struct pass *ps, uint8_t v, uint64_t base,
		       const struct header *hd, struct ptw_error *err)
{
	if (base < hd->pfn_lo)
		v &= (uint8_t)(0xff << (hd->pfn_lo - base));
	if (hd->pfn_hi - base < 8)
		v &= (uint8_t)((1u << (hd->pfn_hi - base)) - 1);
	if (v == 0)
		return run_flush(d, k, &ps->run, err);
	for (unsigned b = 0; b < 8; b++) {
		int rc = v >> b & 1 ? dumped_page(d, k, ps, base + b, err)
				    : run_flush(d, k, &ps->run, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int build_segments(struct ptw_dump *d, struct kdump *k,
			  const struct header *hd, struct ptw_error *err)
{
	struct pass *ps = calloc(1, sizeof *ps);
	if (!ps)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	ps->incomplete = hd->status & STATUS_INCOMPLETE;
	uint64_t bm2 = hd->bitmap_off + hd->bitmap_bytes;
	uint64_t first = hd->pfn_lo / 8, end = (hd->pfn_hi + 7) / 8;
	int rc = 0;
	for (uint64_t byte = first; byte < end && !rc && !ps->ended;) {
		uint64_t n = end - byte < WINDOW ? end - byte : WINDOW;
		const uint8_t *p = win_get(k, &ps->bits, bm2 + byte, n);
		if (!p) { /* read_header checked the bitmaps: not reached */
			rc = ptw_fail(err, PTW_ERR_FORMAT, "kdump bitmap past the image");
			break;
		}
		for (uint64_t j = 0; j < n && !rc && !ps->ended; j++)
			rc = bitmap_byte(d, k, ps, p[j], (byte + j) * 8, hd, err);
		byte += n;
	}
	if (!rc)
		rc = run_flush(d, k, &ps->run, err);
	if (!rc && ps->incomplete && d->nsegs == 0)
		rc = ptw_fail(err, PTW_ERR_FORMAT,
			      "kdump dump is incomplete (status 0x8: makedumpfile stopped early) and holds no page");
	k->ndesc = ps->rank;
	free(ps);
	return rc;
}

/* ---- open and close -------------------------------------------------------- */

static int init_caches(struct kdump *k, struct ptw_error *err)
{
	unsigned bits = CACHE_MIN_BITS;
	while ((1ULL << bits) < CACHE_BYTES / k->block && (1ULL << bits) < k->ndesc)
		bits++;
	k->cache = calloc(1ULL << bits, sizeof *k->cache);
	k->blocks = malloc((1ULL << bits) * k->block);
	if (!k->cache || !k->blocks)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the kdump page cache");
	k->cache_bits = bits;
	for (; k->cache_ready < (1u << bits); k->cache_ready++)
		if (pthread_mutex_init(&k->cache[k->cache_ready].lock, NULL))
			return ptw_fail(err, PTW_ERR_NOMEM, "cannot make a mutex");
	for (; k->dec_ready < NDECODERS; k->dec_ready++)
		if (pthread_mutex_init(&k->dec[k->dec_ready].lock, NULL))
			return ptw_fail(err, PTW_ERR_NOMEM, "cannot make a mutex");
	return 0;
}

static bool kdump_probe(const uint8_t *data, size_t size)
{
	return (size >= sizeof KDUMP_SIG &&
		memcmp(data, KDUMP_SIG, sizeof KDUMP_SIG) == 0) ||
	       (size >= sizeof FLAT_SIG &&
		memcmp(data, FLAT_SIG, sizeof FLAT_SIG) == 0);
}

static int kdump_open(struct ptw_dump *d, struct ptw_error *err)
{
	struct kdump *k = calloc(1, sizeof *k);
	if (!k)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	d->priv = k;
	k->data = d->data;
	k->file_size = d->size;
	k->img_size = k->covered = d->size;
	int rc = 0;
	if (d->size >= sizeof FLAT_SIG && memcmp(d->data, FLAT_SIG, sizeof FLAT_SIG) == 0)
		rc = flat_open(k, err);
	if (!rc && lzo_init() != LZO_E_OK)
		rc = ptw_fail(err, PTW_ERR_IO, "liblzo2 failed to initialise (a library fault, not the dump's)");
	struct header hd;
	if (!rc)
		rc = read_header(d, k, &hd, err);
	if (!rc) {
		k->block = hd.block_size;
		while ((PTW_PAGE << k->sub_shift) < k->block)
			k->sub_shift++;
		rc = read_sub_header(d, k, &hd, err);
	}
	if (!rc)
		rc = build_segments(d, k, &hd, err);
	if (!rc)
		rc = init_caches(k, err);
	if (rc)
		return rc;
	d->hints.os = PTW_OS_LINUX;
	if (hd.nr_cpus > 0)
		d->hints.nprocessors = (uint32_t)hd.nr_cpus;
	return 0;
}

static void kdump_close(struct ptw_dump *d)
{
	struct kdump *k = d->priv;
	if (!k)
		return;
	for (unsigned i = 0; i < k->cache_ready; i++)
		pthread_mutex_destroy(&k->cache[i].lock);
	for (unsigned i = 0; i < k->dec_ready; i++) {
		struct decoder *c = &k->dec[i];
		pthread_mutex_destroy(&c->lock);
		if (c->z_ready)
			inflateEnd(&c->z);
		ZSTD_freeDCtx(c->zstd);
		free(c->block);
	}
	free(k->cache);
	free(k->blocks);
	free(k->recs);
	free(k);
	d->priv = NULL;
}

const struct ptw_format ptw_format_kdump = {
	.name = "kdump",
	.what = "a kdump-compressed dump",
	.probe = kdump_probe,
	.open = kdump_open,
	.close = kdump_close,
};
