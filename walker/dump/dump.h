/* dump/dump.h — the physical-memory reader: a dump's segments, the pagers
 * and readers of its formats, physical reads, the pass over all memory and
 * the VMCOREINFO search it feeds.  Includes only the base layer. */
#ifndef PTW_DUMP_H
#define PTW_DUMP_H

#include "base/base.h"

#include <pthread.h>

/* ---- dumps -------------------------------------------------------------- */

struct ptw_dump;
struct ptw_seg;

/* Pages a format has to produce (decompress) rather than map: a paged
 * segment is page-aligned, and its page i is [pa + i * 4096, +4096). */
struct ptw_pager {
	/* Fill out with page i of segment s; false when the page cannot be
	 * had (corrupt data): it then reads as a hole.  Called from many
	 * threads at once. */
	bool (*page)(const struct ptw_dump *d, const struct ptw_seg *s,
		     uint64_t i, uint8_t out[4096]);
};

/* A stretch of physical memory backed by the file: [pa, pa + size) whose
 * first data_len bytes are at data (the rest reads as zeros, as ELF's
 * p_filesz < p_memsz) -- or, when pager is set, whose pages the pager
 * produces (data is NULL, data_len == size, aux is the format's own). */
struct ptw_seg {
	uint64_t pa, size;
	const uint8_t *data;
	uint64_t data_len;
	const struct ptw_pager *pager;
	uint64_t aux;
};

/* One dump format: recognise the content, then describe its segments;
 * close (optional) frees what open kept in d->priv. */
struct ptw_format {
	const char *name;
	const char *what;           /* in messages: "an ELF core" */
	bool (*probe)(const uint8_t *data, size_t size);
	int (*open)(struct ptw_dump *d, struct ptw_error *err);
	void (*close)(struct ptw_dump *d);
	/* Its segments may show one file byte at several addresses (a
	 * translation may map one host page twice); in any other format
	 * that is a malformed file. */
	bool shares_bytes;
};

/* A stretch of physical memory the file holds as plain bytes: [lo, lo +
 * len) at base.  A walk keeps the one it read last, so that reading an
 * entry inside it costs a compare. */
struct ptw_window {
	uint64_t lo, len;
	const uint8_t *base;
};

struct ptw_dump {
	const uint8_t *data;        /* the whole file, mapped read-only */
	size_t size;
	bool owns_mapping;          /* munmap on close */
	int fd;                     /* the file, kept open for passes over all
				     * memory (ptw_seg_next_data, ptw_seg_bytes);
				     * -1 for a dump opened from memory */
	const char *format;         /* set by the format's open */
	enum ptw_machine machine;
	uint64_t phys_base;         /* raw images: PA of the file's first byte
				     * (ptw_dump_opts; checked before open) */

	struct ptw_seg *segs;       /* sorted by pa, disjoint */
	size_t nsegs, segs_cap;
	struct ptw_range *ranges;   /* segs with adjacent ones merged */
	size_t nranges;
	uint64_t phys_end, phys_size;

	struct ptw_cpu *cpus;
	size_t ncpus;
	char *vmcoreinfo;           /* NUL-terminated copy, or NULL */
	size_t vmcoreinfo_len;
	char *vmcoreinfo_withdrawn; /* a text found to be a guest's: no longer
				     * the dump's, freed at close */
	uint64_t vmcoreinfo_pa;     /* where the search found it in memory; ~0
				     * when the dump carries it or memory has none */
	/* Raw images and LiME carry no VMCOREINFO: the text is searched for in
	 * memory, by the scan's one pass when discovery runs it, else on first
	 * use (ptw_dump_vmcoreinfo, ptw_vmcoreinfo_get).  Until then the three
	 * members above are unset and vmci_pending is true (read and cleared
	 * with __atomic): the one state of a dump that changes after open.
	 * vmci_lock guards the setting, vmci_search_lock the search on first
	 * use (one at a time). */
	bool vmci_pending;
	pthread_mutex_t vmci_lock, vmci_search_lock;
	struct ptw_dump_hints hints;/* what the format's header says */

	const struct ptw_format *fmt;
	void *priv;                 /* the format's own state */
	/* Where walks start looking for entries: the largest stretch the
	 * file holds as plain bytes (set once the segments are known). */
	struct ptw_window window;
};

/* For format readers: add a segment (file bytes [off, off + len) at pa,
 * zero-filled up to size). */
int ptw_dump_add_segment(struct ptw_dump *d, uint64_t pa, uint64_t size,
			 uint64_t off, uint64_t len, struct ptw_error *err);
/* Add a paged segment: npages pages from page-aligned pa, produced by
 * pager; aux is handed back to it in the segment. */
int ptw_dump_add_paged(struct ptw_dump *d, uint64_t pa, uint64_t npages,
		       const struct ptw_pager *pager, uint64_t aux,
		       struct ptw_error *err);
/* A dump with nothing opened yet (no file, no segments): ptw_dump_close
 * can take it.  NULL when out of memory. */
struct ptw_dump *ptw_dump_new(void);
/* After a reader added its segments: sort them, trim overlaps, build the
 * ranges and the window.  Format readers' opens have it done for them. */
int ptw_dump_finish_segments(struct ptw_dump *d, struct ptw_error *err);
int ptw_dump_add_cpu(struct ptw_dump *d, const struct ptw_cpu *cpu,
		     struct ptw_error *err);
/* A QEMU "QEMU" note (QEMUCPUState) of len bytes: its control registers as
 * the next vCPU.  ELF cores and QEMU's kdump files both carry it. */
int ptw_dump_add_qemu_cpu(struct ptw_dump *d, const uint8_t *desc, size_t len,
			  struct ptw_error *err);
#define PTW_VMCOREINFO_MAX (1u << 20)
int ptw_dump_set_vmcoreinfo(struct ptw_dump *d, const char *text, size_t len,
			    struct ptw_error *err);
/* A Windows crash dump's DumpType in words ("full", "bitmap", ...;
 * "unknown"), for messages and /info (windows.c). */
const char *ptw_windows_dump_type_name(uint32_t type);

/* ---- VMCOREINFO in memory (vmcoreinfo.c) ---------------------------------- */

/* Whether a VMCOREINFO text found in memory is this boot's (its kernel page
 * table maps the text's own address to it).  Answering takes a page walk,
 * which is the paging layer's: whoever searches passes the answerer in
 * (owners' ptw_vmci_current). */
typedef bool ptw_vmci_current_fn(const ptw_dump *d, const char *text,
				 size_t len);

/* The kernel's own copy of the VMCOREINFO text, looked for in the file
 * bytes of the mapped segments, fed piece by piece by a pass over memory
 * (pass.c's, on its own or the scan's).  Several searches (one per thread)
 * merge into one. */
struct ptw_vmci_search {
	uint64_t first_pa, current_pa;  /* ~0: none yet */
	size_t first_len, current_len;
	ptw_vmci_current_fn *current;
};

void ptw_vmci_search_init(struct ptw_vmci_search *v,
			  ptw_vmci_current_fn *current);
/* Look at file bytes [in, in + len) of mapped segment s, held at p: every
 * text that starts there (it may run on past them, within s). */
void ptw_vmci_feed(const struct ptw_dump *d, const struct ptw_seg *s,
		   uint64_t in, const uint8_t *p, size_t len,
		   struct ptw_vmci_search *v);
void ptw_vmci_merge(struct ptw_vmci_search *into,
		    const struct ptw_vmci_search *from);
/* The text to take once every byte was fed: the first of this boot (its
 * kernel page table maps its own address to itself), else the first valid
 * one; false when memory holds none. */
bool ptw_vmci_pick(const struct ptw_vmci_search *v, uint64_t *pa, size_t *len);

/* For a pass: n searches (free() them), one per thread, the first already
 * fed the bytes no pass reads (those of the mapped segments that are no
 * whole page); NULL when out of memory. */
struct ptw_vmci_search *ptw_vmci_searches(const struct ptw_dump *d, unsigned n,
					  ptw_vmci_current_fn *current);
/* After the pass: the n searches merged into the first, and d's VMCOREINFO
 * settled with what they found. */
int ptw_vmci_settle_all(const struct ptw_dump *d, struct ptw_vmci_search *v,
			unsigned n, struct ptw_error *err);

/* Whether d's VMCOREINFO is still to be searched for in memory. */
bool ptw_dump_vmcoreinfo_pending(const struct ptw_dump *d);
/* Settle the search with what v found (or did not): sets the text and
 * d->vmcoreinfo_pa unless another search settled it first. */
int ptw_dump_vmcoreinfo_settle(const struct ptw_dump *d,
			       const struct ptw_vmci_search *v,
			       struct ptw_error *err);
/* Forget a text found in memory that turned out to be another system's
 * (a guest's, lying in memory its host gave it): the dump then has none.
 * The text itself stays allocated until the dump closes, so that a
 * pointer a caller got before stays valid. */
void ptw_dump_vmcoreinfo_withdraw(const ptw_dump *d);
/* The search on its own, when no scan does it: one pass over the mapped
 * segments (ptw_dump_pass) feeding it, then settle.  One at a time: a
 * second caller waits and finds it settled. */
int ptw_vmcoreinfo_find(const struct ptw_dump *d, ptw_vmci_current_fn *current,
			struct ptw_error *err);

extern const struct ptw_format ptw_format_elf;
extern const struct ptw_format ptw_format_kdump;
extern const struct ptw_format ptw_format_lime;
extern const struct ptw_format ptw_format_raw;
extern const struct ptw_format ptw_format_windows;
/* Not probed: made by ptw_dump_open_translated (translated.c). */
extern const struct ptw_format ptw_format_translated;

/* ---- a dump over another dump's memory (translated.c) ---------------------
 *
 * A guest's physical memory as its hypervisor's nested table maps it: a
 * dump whose reads translate.  Its segments are the translation's runs,
 * each [pa, pa + size) of the new dump backed by [host_pa, + size) of the
 * host dump: where the host holds those bytes plain in its file, the
 * segment points at them (no copy; walks keep their fast path), else its
 * pages are read through the host's reader.  What no run covers is a
 * hole.  Who computes the runs (a nested table's walk, an EPT's, a
 * hypervisor's own records) is no concern of this layer. */
struct ptw_xrun {
	uint64_t pa, size;          /* in the new dump; page-aligned */
	uint64_t host_pa;           /* in the host's; page-aligned */
};

/* Runs must be sorted by pa and disjoint; the host must outlive the new
 * dump, which shares its file and mapping.  machine is the guest's; cpus
 * (may be NULL) its vCPUs' registers.  VMCOREINFO is searched for in
 * the new dump's memory, as for a raw image. */
int ptw_dump_open_translated(const ptw_dump *host, const struct ptw_xrun *runs,
			     size_t nruns, enum ptw_machine machine,
			     const struct ptw_cpu *cpus, size_t ncpus,
			     ptw_dump **out, struct ptw_error *err);


/* Read one little-endian page-table entry of 4 or 8 bytes; false if any
 * byte lies in a hole. */
bool ptw_phys_entry(const struct ptw_dump *d, uint64_t pa, unsigned size,
		    uint64_t *out);

/* Whether the dump holds every byte of [pa, pa + len) (across adjacent
 * segments too). */
bool ptw_phys_holds(const struct ptw_dump *d, uint64_t pa, uint64_t len);

/* Whether the dump holds any byte of [pa, pa + len). */
bool ptw_phys_any(const struct ptw_dump *d, uint64_t pa, uint64_t len);

/* A direct pointer to [pa, pa + len) when the file holds all of it in one
 * mapped segment, else NULL (hole, zero fill, segment boundary, or pages a
 * pager produces). */
const uint8_t *ptw_phys_ptr(const struct ptw_dump *d, uint64_t pa,
			    uint64_t len);

/* [pa, pa + len) (len <= 4096) when the dump holds every byte of it: a
 * direct pointer when it can, else a copy in buf (4096 bytes); NULL when
 * some byte is a hole or a zero fill. */
const uint8_t *ptw_phys_view(const struct ptw_dump *d, uint64_t pa,
			     uint64_t len, uint8_t *buf);

/* The segment holding pa, or NULL.  Inline: every entry a walk reads
 * starts here. */
static inline const struct ptw_seg *ptw_dump_seg(const struct ptw_dump *d,
						 uint64_t pa)
{
	size_t lo = 0, hi = d->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ptw_seg *s = &d->segs[mid];
		if (pa < s->pa)
			hi = mid;
		else if (pa - s->pa >= s->size)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}


/* The window of the segment holding pa: its mapped bytes (len 0 for a
 * hole, and for pages a pager produces). */
struct ptw_window ptw_phys_window(const struct ptw_dump *d, uint64_t pa);

/* [pa, pa + size) through w (moved to pa's segment when pa lies outside
 * it), or NULL where the file does not hold it as plain bytes: zero
 * fills, segment boundaries, holes and compressed pages take
 * ptw_phys_entry's exact path instead. */
static inline const uint8_t *ptw_window_ptr(struct ptw_window *w,
					    const struct ptw_dump *d, uint64_t pa,
					    unsigned size)
{
	uint64_t in = pa - w->lo;
	if (in >= w->len || w->len - in < size) {
		*w = ptw_phys_window(d, pa);
		in = pa - w->lo;
		if (in >= w->len || w->len - in < size)
			return NULL;
	}
	return w->base + in;
}

/* For passes over every byte (pass.c): offsets here are into a mapped
 * segment's file bytes, [0, s->data_len).
 *
 * The first stretch of [from, to) that the file stores as data, into
 * [*start, *end); false when the rest of [from, to) is a hole of a sparse
 * file (it reads as zeros).  Without the file (a dump opened from memory),
 * or where the file system cannot tell, all of it is data. */
bool ptw_seg_next_data(const struct ptw_dump *d, const struct ptw_seg *s,
		       uint64_t from, uint64_t to, uint64_t *start,
		       uint64_t *end);
/* Start reading file bytes [in, in + len) of s into the page cache, not
 * waiting for them (nothing without the file). */
void ptw_seg_prefetch(const struct ptw_dump *d, const struct ptw_seg *s,
		      uint64_t in, uint64_t len);
/* len bytes at in: read into buf with pread when the dump has its file (so
 * that a pass leaves none of the mapping resident), else a pointer into
 * memory; NULL when the read fails (an I/O error, or the file shrank). */
const uint8_t *ptw_seg_bytes(const struct ptw_dump *d, const struct ptw_seg *s,
			     uint64_t in, size_t len, uint8_t *buf);

/* ---- one pass over all memory (pass.c) ---------------------------------------
 *
 * Every whole page the dump holds, read once, in order of physical address,
 * split among threads: what the scan and the VMCOREINFO search need.  Zero
 * pages (and holes of a sparse file) are counted and skipped; the rest is
 * handed over in runs of non-zero pages. */

/* Which segments a pass reads. */
enum {
	PTW_PASS_MAPPED = 1,        /* those whose bytes the file holds */
	PTW_PASS_PAGED = 2,         /* those a pager produces */
};

struct ptw_pass_opts {
	unsigned segs;              /* PTW_PASS_*; 0 reads nothing */
	unsigned threads;           /* 0: one per CPU */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
	/* Told how many threads will call pages (thread numbers [0, n), 0
	 * the calling one) before any does; non-zero (an error code, err
	 * filled) stops the pass.  May be NULL. */
	int (*start)(void *ctx, unsigned threads, struct ptw_error *err);
	/* npages non-zero pages of segment s, its file bytes from `in` on, at
	 * p (for a paged segment, one page: `in` is still its offset). */
	void (*pages)(void *ctx, unsigned thread, const struct ptw_seg *s,
		      uint64_t in, const uint8_t *p, uint64_t npages);
	void *ctx;
};

struct ptw_pass_stats {
	uint64_t pages;             /* pages to cover */
	uint64_t pages_hole, pages_zero, pages_bad, bytes_read;
	unsigned threads;
};

int ptw_dump_pass(const struct ptw_dump *d, const struct ptw_pass_opts *o,
		  struct ptw_pass_stats *stats, struct ptw_error *err);

/* The first whole page of a segment and how many whole pages it holds in
 * the file (pages partly zero-filled hold no tables worth finding). */
void ptw_seg_pages(const struct ptw_seg *s, uint64_t *first_pa,
		   uint64_t *npages);

/* A page by physical address, read as a pass reads (pread: the mapping
 * stays untouched), or through ptw_phys_view where the page is not one
 * whole stretch of a file; NULL where the dump does not hold it. */
const uint8_t *ptw_pass_view(const struct ptw_dump *d, uint64_t pa,
			     uint8_t *buf);

#endif
