/* gen_kdump.c — write a generated image as makedumpfile's kdump-compressed
 * ("diskdump") file, or its flattened stream (see gen.h, and the format's
 * description at the top of walker/dump/kdump.c).
 *
 * Layout: header block, sub-header blocks (the sub-header, then the ELF
 * notes -- NT_PRSTATUS and QEMU's CPU state per vCPU, VMCOREINFO -- whose
 * VMCOREINFO text the sub-header also names, as QEMU does), the two
 * bitmaps, the descriptors, then page data back to back.  A page stored
 * compressed that would not shrink is stored raw, as makedumpfile does.
 */
#include "gen.h"

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* The block (page) size unless the options name one. */
#define BLOCK 4096u

enum {
	FLAG_ZLIB = 0x1, FLAG_LZO = 0x2, FLAG_SNAPPY = 0x4, FLAG_ZSTD = 0x20,
};

/* A growing byte buffer; aborts when memory runs out (a test bug). */
struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t len)
{
	if (len <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 65536;
	while (cap < len)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p) {
		perror("gen_kdump");
		abort();
	}
	memset(p + b->cap, 0, cap - b->cap);
	b->p = p;
	b->cap = cap;
}

/* Put n bytes at off, growing the buffer (zero-filled) as needed. */
static void buf_put(struct buf *b, size_t off, const void *src, size_t n)
{
	buf_reserve(b, off + n);
	memcpy(b->p + off, src, n);
	if (off + n > b->len)
		b->len = off + n;
}

static void put32(struct buf *b, size_t off, uint32_t v)
{
	uint8_t le[4];
	for (int i = 0; i < 4; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	buf_put(b, off, le, 4);
}

static void put64(struct buf *b, size_t off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

/* Header and sub-header offsets of the two ABIs (x86-64, i386). */
struct layout {
	unsigned status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr,
		nr_cpus;
	unsigned phys_base, dump_level, off_vmcoreinfo, size_vmcoreinfo,
		 off_note, size_note, max_mapnr_64, sub_size, ulong;
};

static const struct layout L64 = {
	0x1a8, 0x1ac, 0x1b0, 0x1b4, 0x1b8, 0x1cc,
	0, 8, 32, 40, 48, 56, 96, 104, 8,
};
static const struct layout L32 = {
	0x19c, 0x1a0, 0x1a4, 0x1a8, 0x1ac, 0x1c0,
	0, 4, 20, 28, 32, 40, 72, 80, 4,
};

static size_t note(struct buf *b, size_t off, const char *name, uint32_t type,
		   const void *desc, uint32_t descsz, size_t *desc_at)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	put32(b, off, namesz);
	put32(b, off + 4, descsz);
	put32(b, off + 8, type);
	buf_put(b, off + 12, name, namesz);
	size_t d = off + 12 + ((namesz + 3) & ~3u);
	buf_reserve(b, d + descsz + 4);
	if (descsz)
		buf_put(b, d, desc, descsz);
	if (desc_at)
		*desc_at = d;
	return d + ((descsz + 3) & ~3u);
}

/* The notes at off: per vCPU NT_PRSTATUS (zeros) and QEMU's CPU state,
 * then VMCOREINFO.  Returns the end; *vmci_at the text's offset. */
static size_t notes(struct buf *b, size_t off, const struct gen_kdump *o,
		    bool bits64, size_t *vmci_at)
{
	static const uint8_t zeros[336];
	for (unsigned i = 0; i < o->ncpus; i++) {
		off = note(b, off, "CORE", 1, zeros, bits64 ? 336 : 144, NULL);
		uint8_t st[0x1b8] = {0};
		uint32_t version = 1, size = sizeof st;
		memcpy(st, &version, 4);
		memcpy(st + 4, &size, 4);
		memcpy(st + 0x188, &o->cpu[i].cr0, 8);
		memcpy(st + 0x1a0, &o->cpu[i].cr3, 8);
		memcpy(st + 0x1a8, &o->cpu[i].cr4, 8);
		off = note(b, off, "QEMU", 0, st, sizeof st, NULL);
	}
	*vmci_at = 0;
	if (o->vmcoreinfo)
		off = note(b, off, "VMCOREINFO", 0, o->vmcoreinfo,
			   (uint32_t)strlen(o->vmcoreinfo), vmci_at);
	return off;
}

/* Compress one block of bs bytes as kind; the bytes in out (bs * 2), the
 * size returned, 0 when it does not shrink. */
static size_t squeeze(enum gen_kdump_page kind, const uint8_t *page,
		      uint32_t bs, uint8_t *out, void *lzo_mem)
{
	size_t cap = 2 * (size_t)bs, n = 0;
	switch (kind) {
	case GEN_KDUMP_ZLIB: {
		uLongf len = cap;
		if (compress2(out, &len, page, bs, Z_BEST_SPEED) == Z_OK)
			n = len;
		break;
	}
	case GEN_KDUMP_LZO: {
		lzo_uint len = cap;
		if (lzo1x_1_compress(page, bs, out, &len, lzo_mem) == LZO_E_OK)
			n = len;
		break;
	}
	case GEN_KDUMP_SNAPPY: {
		size_t len = cap;
		if (snappy_compress((const char *)page, bs, (char *)out, &len) ==
		    SNAPPY_OK)
			n = len;
		break;
	}
	case GEN_KDUMP_ZSTD: {
		size_t len = ZSTD_compress(out, cap, page, bs, 1);
		if (!ZSTD_isError(len))
			n = len;
		break;
	}
	default:
		break;
	}
	return n && n < bs ? n : 0;
}

static uint32_t kind_flag(enum gen_kdump_page kind)
{
	switch (kind) {
	case GEN_KDUMP_ZLIB: return FLAG_ZLIB;
	case GEN_KDUMP_LZO: return FLAG_LZO;
	case GEN_KDUMP_SNAPPY: return FLAG_SNAPPY;
	case GEN_KDUMP_ZSTD: return FLAG_ZSTD;
	default: return 0;
	}
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static enum gen_kdump_page kind_of(const struct gen_kdump *o, uint64_t pfn)
{
	return o->page ? o->page(pfn, o->arg) : o->kind;
}

static void set_bit(struct buf *b, uint64_t off, uint64_t n)
{
	uint8_t v = b->p[off + n / 8] | (uint8_t)(1u << (n % 8));
	buf_put(b, off + n / 8, &v, 1);
}

struct pages {
	uint32_t bs;                       /* the block size */
	uint64_t desc_off, data_off, ndesc;
	uint64_t stored[GEN_KDUMP_KINDS];
	uint32_t status;
};

/* Descriptors and page data for every dumped page. */
static void write_pages(struct buf *b, const struct gen *g,
			const struct gen_kdump *o, uint64_t mapnr,
			uint64_t bm2, struct pages *pg)
{
	uint32_t bs = pg->bs;
	void *lzo_mem = malloc(LZO1X_1_MEM_COMPRESS);
	uint8_t *page = malloc(bs), *out = malloc(2 * (size_t)bs);
	uint64_t zero_at = 0;
	uint32_t zero_size = 0, zero_flags = 0;
	uint64_t data = pg->data_off, d = pg->desc_off;
	if (!lzo_mem || !page || !out || lzo_init() != LZO_E_OK)
		abort();
	for (uint64_t pfn = 0; pfn < mapnr; pfn++) {
		enum gen_kdump_page kind = kind_of(o, pfn);
		if (kind == GEN_KDUMP_EXCLUDED)
			continue;
		memset(page, 0, bs);
		if (pfn * bs < g->size)
			memcpy(page, g->mem + pfn * bs,
			       g->size - pfn * bs < bs ? g->size - pfn * bs : bs);
		set_bit(b, bm2, pfn);
		uint64_t at = data;
		uint32_t size, flags;
		if (o->share_zero && zero_size && all_zero(page, bs)) {
			at = zero_at, size = zero_size, flags = zero_flags;
		} else {
			size_t n = squeeze(kind, page, bs, out, lzo_mem);
			size = n ? (uint32_t)n : bs;
			flags = n ? kind_flag(kind) : 0;
			buf_put(b, data, n ? out : page, size);
			data += size;
			pg->stored[n ? kind : GEN_KDUMP_RAW]++;
			pg->status |= flags;
			if (all_zero(page, bs) && !zero_size)
				zero_at = at, zero_size = size, zero_flags = flags;
		}
		put64(b, d, at);
		put32(b, d + 8, size);
		put32(b, d + 12, flags);
		put64(b, d + 16, 0);
		d += 24;
		pg->ndesc++;
	}
	free(out);
	free(page);
	free(lzo_mem);
}

static uint64_t count_dumped(const struct gen_kdump *o, uint64_t mapnr)
{
	uint64_t n = 0;
	for (uint64_t pfn = 0; pfn < mapnr; pfn++)
		n += kind_of(o, pfn) != GEN_KDUMP_EXCLUDED;
	return n;
}

static void header(struct buf *b, const struct layout *L,
		   const struct gen_kdump *o, const char *machine, uint32_t bs,
		   uint32_t sub_blocks, uint32_t bitmap_blocks, uint64_t mapnr)
{
	buf_put(b, 0, "KDUMP   ", 8);
	put32(b, 8, 6);                                   /* header_version */
	buf_put(b, 12, "Linux", 5);                       /* sysname */
	buf_put(b, 12 + 2 * 65, "6.1.0-gen", 9);          /* release */
	buf_put(b, 12 + 4 * 65, machine, strlen(machine)); /* machine */
	put32(b, L->block_size, bs);
	put32(b, L->sub_hdr_size, sub_blocks);
	put32(b, L->bitmap_blocks, bitmap_blocks);
	put32(b, L->max_mapnr, (uint32_t)mapnr);
	put32(b, L->nr_cpus, o->ncpus ? o->ncpus : 1);
}

uint8_t *gen_kdump(const struct gen *g, const struct gen_kdump *o,
		   size_t *len, struct gen_kdump_info *info)
{
	const char *machine = o->machine ? o->machine : "x86_64";
	bool bits64 = o->layout ? o->layout == 64
				: !(machine[0] == 'i' && strstr(machine, "86"));
	const struct layout *L = bits64 ? &L64 : &L32;
	uint32_t bs = o->block_size ? o->block_size : BLOCK;
	uint64_t mapnr = o->max_mapnr ? o->max_mapnr : (g->size + bs - 1) / bs;
	struct buf b = {0};

	/* sub-header, notes and VMCOREINFO from block 1 */
	size_t vmci_at;
	size_t sub_end = notes(&b, bs + L->sub_size, o, bits64, &vmci_at);
	uint32_t sub_blocks = (uint32_t)((sub_end - bs + bs - 1) / bs);
	uint64_t bm_bytes = (mapnr + 7) / 8;
	bm_bytes = (bm_bytes + bs - 1) / bs * bs;
	if (bm_bytes == 0)
		bm_bytes = bs;
	uint32_t bitmap_blocks = (uint32_t)(2 * bm_bytes / bs);
	header(&b, L, o, machine, bs, sub_blocks, bitmap_blocks, mapnr);
	size_t s = bs;
	put64(&b, s + L->dump_level, 1);
	if (o->vmcoreinfo) {
		put64(&b, s + L->off_vmcoreinfo, vmci_at);
		put32(&b, s + L->size_vmcoreinfo, (uint32_t)strlen(o->vmcoreinfo));
	}
	if (sub_end > bs + L->sub_size) {
		put64(&b, s + L->off_note, bs + L->sub_size);
		put32(&b, s + L->size_note, (uint32_t)(sub_end - bs - L->sub_size));
	}
	put64(&b, s + L->max_mapnr_64, mapnr);

	/* bitmaps: the 1st has the frames the image holds */
	uint64_t bm1 = (1 + (uint64_t)sub_blocks) * bs, bm2 = bm1 + bm_bytes;
	buf_reserve(&b, bm2 + bm_bytes);
	b.len = bm2 + bm_bytes;
	for (uint64_t pfn = 0; pfn < mapnr && pfn * bs < g->size; pfn++)
		set_bit(&b, bm1, pfn);
	struct pages pg = { .bs = bs, .desc_off = bm2 + bm_bytes };
	pg.data_off = pg.desc_off + count_dumped(o, mapnr) * 24;
	write_pages(&b, g, o, mapnr, bm2, &pg);
	put32(&b, L->status, pg.status);
	if (info) {
		*info = (struct gen_kdump_info){
			.desc_off = pg.desc_off, .data_off = pg.data_off,
			.ndesc = pg.ndesc, .bitmap_off = bm1,
			.bitmap_bytes = bm_bytes, .bits64 = bits64,
		};
		memcpy(info->stored, pg.stored, sizeof pg.stored);
	}
	if (!o->flattened) {
		*len = b.len;
		return b.p;
	}
	uint8_t *flat = gen_kdump_flatten(b.p, b.len, o->flat_chunk, len);
	free(b.p);
	return flat;
}

static void be64(struct buf *b, size_t off, uint64_t v)
{
	uint8_t be[8];
	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)(v >> (56 - 8 * i));
	buf_put(b, off, be, 8);
}

static void record(struct buf *f, const uint8_t *img, uint64_t off,
		   uint64_t n)
{
	be64(f, f->len, off);
	be64(f, f->len, n);
	buf_put(f, f->len, img + off, n);
}

static bool zero_run(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

uint8_t *gen_kdump_flatten(const uint8_t *img, size_t len, size_t chunk,
			   size_t *out_len)
{
	struct buf f = {0};
	if (!chunk)
		chunk = 3000;
	buf_put(&f, 0, "makedumpfile", 12);
	buf_reserve(&f, 4096);
	f.len = 4096;
	be64(&f, 16, 1);                 /* type */
	be64(&f, 24, 1);                 /* version */
	f.len = 4096;
	/* The header block first, with garbage, then again for real: a later
	 * record of the same extent wins (makedumpfile rewrites its
	 * sub-header so). */
	uint64_t first = len < chunk ? len : chunk;
	be64(&f, f.len, 0);
	be64(&f, f.len, first);
	buf_reserve(&f, f.len + first);
	memset(f.p + f.len, 0x5a, first);
	f.len += first;
	/* Chunks of the image, each pair swapped (records need not come in
	 * order), all-zero ones but the last left out (gaps read as zeros). */
	size_t nchunks = (len + chunk - 1) / chunk;
	for (size_t c = 0; c < nchunks; c++) {
		size_t k = c ^ 1;
		if (k >= nchunks)
			k = c;
		uint64_t off = (uint64_t)k * chunk;
		uint64_t n = len - off < chunk ? len - off : chunk;
		if (k && k + 1 < nchunks && zero_run(img + off, n))
			continue;
		record(&f, img, off, n);
	}
	be64(&f, f.len, UINT64_MAX);     /* end marker: -1, -1 */
	be64(&f, f.len, UINT64_MAX);
	*out_len = f.len;
	return f.p;
}

int gen_write_kdump(const struct gen *g, const struct gen_kdump *o,
		    const char *path, struct gen_kdump_info *info)
{
	size_t len;
	uint8_t *img = gen_kdump(g, o, &len, info);
	FILE *f = fopen(path, "wb");
	int rc = -1;
	if (f) {
		size_t n = fwrite(img, 1, len, f);
		rc = fclose(f) == 0 && n == len ? 0 : -1;
	}
	free(img);
	return rc;
}
