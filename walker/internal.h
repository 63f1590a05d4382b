/* internal.h — what the walker's files share and the public header hides. */
#ifndef PTW_INTERNAL_H
#define PTW_INTERNAL_H

#include "ptwalk.h"

#include <endian.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#define PTW_PAGE 4096ULL
/* x86 physical addresses have at most 52 bits. */
#define PTW_PHYS_LIMIT (1ULL << 52)

/* Fill err (if any) with code and a formatted message; returns code. */
int ptw_fail(struct ptw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

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
	bool (*probe)(const uint8_t *data, size_t size);
	int (*open)(struct ptw_dump *d, struct ptw_error *err);
	void (*close)(struct ptw_dump *d);
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

	struct ptw_seg *segs;       /* sorted by pa, disjoint */
	size_t nsegs, segs_cap;
	struct ptw_range *ranges;   /* segs with adjacent ones merged */
	size_t nranges;
	uint64_t phys_end, phys_size;

	struct ptw_cpu *cpus;
	size_t ncpus;
	char *vmcoreinfo;           /* NUL-terminated copy, or NULL */
	size_t vmcoreinfo_len;
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
 * "unknown"), for messages and /info (format_windows.c). */
const char *ptw_windows_dump_type_name(uint32_t type);

/* ---- VMCOREINFO in memory (vmcoreinfo_find.c) ---------------------------- */

/* The kernel's own copy of the VMCOREINFO text, looked for in the file
 * bytes of the mapped segments, fed piece by piece by a pass over memory
 * (scan.c).  Several searches (one per thread) merge into one. */
struct ptw_vmci_search {
	uint64_t first_pa, current_pa;  /* ~0: none yet */
	size_t first_len, current_len;
};

void ptw_vmci_search_init(struct ptw_vmci_search *v);
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

/* Whether d's VMCOREINFO is still to be searched for in memory. */
bool ptw_dump_vmcoreinfo_pending(const struct ptw_dump *d);
/* Settle the search with what v found (or did not): sets the text and
 * d->vmcoreinfo_pa unless another search settled it first. */
int ptw_dump_vmcoreinfo_settle(const struct ptw_dump *d,
			       const struct ptw_vmci_search *v,
			       struct ptw_error *err);
/* The search on its own, when no scan does it (vmcoreinfo_find.c): one pass
 * of the scan's reader with no detectors, then settle. */
int ptw_vmcoreinfo_find(const struct ptw_dump *d, struct ptw_error *err);

extern const struct ptw_format ptw_format_elf;
extern const struct ptw_format ptw_format_kdump;
extern const struct ptw_format ptw_format_lime;
extern const struct ptw_format ptw_format_raw;
extern const struct ptw_format ptw_format_windows;

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


/* For passes over every byte (the scan): offsets here are into a mapped
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

/* ---- owners ------------------------------------------------------------- */

/* One process as the kernel's own data describes it (owners.c). */
struct ptw_owner {
	int64_t cid, ppid;          /* ppid -1 when unknown */
	uint64_t dirbase;           /* its top table (the kernel copy) */
	uint64_t user_dirbase;      /* KPTI / KVA-shadow user copy, or 0 */
	uint64_t object;            /* kernel VA of its task_struct / EPROCESS */
	char name[PTW_NAME_MAX];
};

struct ptw_owners {
	struct ptw_owner *v;
	size_t n, cap;
};

int ptw_owners_add(struct ptw_owners *o, const struct ptw_owner *p,
		   struct ptw_error *err);
void ptw_owners_free(struct ptw_owners *o);

/* What the kernel's data says, from the space whose tables map the kernel
 * (its DirBase from VMCOREINFO or the dump header).  On success *how says
 * what was found; PTW_ERR_NOT_FOUND (with a message) when the dump lacks
 * what the walk needs, which is not an error of the dump. */
int ptw_owners_linux(const struct ptw_space *kernel, struct ptw_owners *out,
		     char *how, size_t howsz, struct ptw_error *err);
int ptw_owners_windows(const struct ptw_space *kernel, struct ptw_owners *out,
		       char *how, size_t howsz, struct ptw_error *err);

/* Kernel virtual memory through space s, whole or not at all: false when
 * some byte is unmapped or outside the dump. */
bool ptw_kread(const struct ptw_space *s, uint64_t va, void *buf, size_t len);
/* A little-endian integer (a pointer) of size 4 or 8 bytes at va. */
bool ptw_kread_uint(const struct ptw_space *s, uint64_t va, unsigned size,
		    uint64_t *out);
/* As many bytes of [va, va + len) as map from its start, page by page (a
 * table's end may be followed by unmapped memory); returns how many. */
size_t ptw_kread_upto(const struct ptw_space *s, uint64_t va, void *buf,
		      size_t len);

/* A set of addresses met by a walk (addrset.c): page tables entered,
 * kernel list nodes, so that the walk notices what it meets twice. */
struct ptw_addrset {
	uint64_t *slot;         /* open addressing; 0: a free slot */
	size_t cap, n;          /* cap: a power of two, or 0 */
	bool zero;              /* address 0 is in the set */
};

/* Add addr; *dup says whether it was there already. */
int ptw_addrset_add(struct ptw_addrset *s, uint64_t addr, bool *dup,
		    struct ptw_error *err);
bool ptw_addrset_has(const struct ptw_addrset *s, uint64_t addr);
void ptw_addrset_free(struct ptw_addrset *s);

/* ---- modes -------------------------------------------------------------- */

static inline unsigned ptw_index(const struct ptw_mode *m, unsigned lvl,
				 uint64_t va)
{
	const struct ptw_level *L = &m->level[lvl];
	return (unsigned)((va >> L->shift) & ((1ULL << L->bits) - 1));
}

/* A CR3 value (or a DirBase a user typed, or a kernel recorded) as the
 * mode's top-table address: PCID and flag bits dropped.  false when bits
 * remain that no CR3 has (mode.c). */
bool ptw_dirbase_from_cr3(const struct ptw_mode *m, uint64_t cr3, uint64_t *out);

static inline uint64_t ptw_sign_extend(const struct ptw_mode *m, uint64_t va)
{
	if (!m->canonical)
		return va;
	unsigned top = m->va_bits - 1;
	uint64_t high = ~0ULL << m->va_bits;
	return (va >> top) & 1 ? (va | high) : (va & ~high);
}

/* Little-endian fields of dump headers and kernel structures. */
static inline uint32_t ptw_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return le32toh(v);
}

static inline uint64_t ptw_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return le64toh(v);
}

/* One little-endian page-table entry (or pointer) of 4 or 8 bytes. */
static inline uint64_t pt_load(const uint8_t *p, unsigned size)
{
	return size == 8 ? ptw_le64(p) : ptw_le32(p);
}

static inline void pt_store(uint8_t *p, unsigned size, uint64_t e)
{
	if (size == 8) {
		uint64_t v = htole64(e);
		memcpy(p, &v, 8);
		return;
	}
	uint32_t v = htole32((uint32_t)e);
	memcpy(p, &v, 4);
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

/* The hot accessors of the walk, inline here; mode.c exports them. */
static inline uint64_t pt_span(const struct ptw_mode *m, unsigned lvl)
{
	return 1ULL << m->level[lvl].shift;
}

/* Whether e maps a large page: PS where the level allows one. */
static inline bool pt_is_large(const struct ptw_mode *m, unsigned lvl,
			       uint64_t e)
{
	return lvl + 1 < m->nlevels && m->level[lvl].large && (e & PTW_PS);
}

static inline bool pt_is_leaf(const struct ptw_mode *m, unsigned lvl,
			      uint64_t e)
{
	return lvl + 1 == m->nlevels || pt_is_large(m, lvl, e);
}

static inline uint64_t pt_address(const struct ptw_mode *m, unsigned lvl,
				  uint64_t e)
{
	uint64_t a = e & m->frame_mask;
	if (pt_is_large(m, lvl, e)) {
		a &= ~(pt_span(m, lvl) - 1);
		if (m->pse36) /* PDE bits 20:13 hold PA bits 39:32 */
			a |= ((e >> 13) & 0xffULL) << 32;
	}
	return a;
}

static inline uint64_t pt_reserved(const struct ptw_mode *m, unsigned lvl,
				   uint64_t e)
{
	const struct ptw_level *L = &m->level[lvl];
	uint64_t r = e & L->rsvd;
	if (pt_is_large(m, lvl, e))
		r |= e & L->rsvd_large;
	return r;
}

/* Effective rights (QEMU's mmu_translate accumulates them the same way):
 * the accumulator keeps R/W and U/S while every level so far granted them,
 * and XD once any level forbade execution. */
static inline uint64_t pt_rights_add(const struct ptw_mode *m, unsigned lvl,
				     uint64_t acc, uint64_t e)
{
	if (!m->level[lvl].rights)
		return acc;
	acc &= e | ~(PTW_RW | PTW_US);
	if (m->nx)
		acc |= e & PTW_XD;
	return acc;
}

#define PT_RIGHTS_INIT (PTW_RW | PTW_US)

static inline uint64_t pt_rights_apply(uint64_t acc, uint64_t leaf)
{
	return (leaf & ~(PTW_RW | PTW_US | PTW_XD)) | acc;
}

/* Bytes of one table at level lvl (32 for the PAE PDPT). */
static inline uint64_t ptw_table_bytes(const struct ptw_mode *m, unsigned lvl)
{
	return (uint64_t)m->entry_size << m->level[lvl].bits;
}


/* ---- translation ---------------------------------------------------------- */

/* ptw_vtop for a VA valid for the mode, also telling in *left the bytes
 * from va that share the answer: to the end of its page when mapped, else
 * to the end of the unmapped stretch the failing entry covers.  For readers
 * that step through memory (ptw_vread, the owners' kernel reads, seeks). */
bool ptw_vtop_run(const struct ptw_space *s, struct ptw_tlb *t, uint64_t va,
		  uint64_t *pa, uint64_t *left);

/* ---- scanning ----------------------------------------------------------- */

struct ptw_scan_hit {
	uint64_t dirbase;
	unsigned found;   /* PTW_FOUND_SELFMAP or PTW_FOUND_KSHARED */
};

struct ptw_scan_hits {
	struct ptw_scan_hit *v;
	size_t n, cap;
	bool capped;      /* more candidates than the scan would record */
};

/* The scan in two steps: one pass over every page of d (scan.c) records
 * candidates for each of the modes (at most 3) and, while the dump's
 * VMCOREINFO is pending, searches for it as well and settles it; then
 * each mode's candidates are judged on demand.  A pass with no modes only
 * searches. */
struct ptw_scan;

struct ptw_scan_opts {
	unsigned threads;          /* 0: one per CPU */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

int ptw_scan_pass(const ptw_dump *d, const struct ptw_mode *const *modes,
		  unsigned nmodes, const struct ptw_scan_opts *o,
		  struct ptw_scan **out, struct ptw_scan_stats *stats,
		  struct ptw_error *err);
/* Judge the candidates of mode m (one the pass ran, or one of the same top
 * table shape: la57 for x64) into hits; seeds are top tables the dump or
 * the user names. */
int ptw_scan_judge(struct ptw_scan *sc, const struct ptw_mode *m,
		   const uint64_t *seeds, size_t nseeds,
		   struct ptw_scan_hits *hits, struct ptw_error *err);
void ptw_scan_free(struct ptw_scan *sc);

/* Whether kernel + 4 KiB is the KPTI user copy of the top table at kernel. */
bool ptw_kpti_pair(const ptw_dump *d, const struct ptw_mode *m,
		   uint64_t kernel);

#endif
