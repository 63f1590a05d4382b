/* gen.h — build synthetic physical memory with page tables, for tests.
 *
 * A gen is a zeroed physical memory image and a page allocator over it.
 * gen_map() builds the tables for a mapping as an OS would (intermediate
 * entries P|RW|US|A, PAE PDPTEs P only); gen_entry() reaches any entry for
 * corrupting it.  The image is written as a raw file or, through libelf, as
 * an ELF core with QEMU CPU notes, VMCOREINFO, holes and zero-filled tails.
 */
#ifndef PTFS_GEN_H
#define PTFS_GEN_H

#include "ptwalk.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gen {
	uint8_t *mem;
	uint64_t size;
	uint64_t next;            /* next page the allocator hands out */
	const struct ptw_mode *mode;
	uint64_t table_bits;      /* flags of new intermediate entries */
};

/* size bytes of physical memory; pages are allocated from alloc_base up. */
void gen_init(struct gen *g, enum ptw_mode_id mode, uint64_t size,
	      uint64_t alloc_base);
void gen_free(struct gen *g);

/* A zeroed page (aborts when memory runs out: a test bug). */
uint64_t gen_page(struct gen *g);
/* A fresh page whose every entry points at the page itself (P, R/W, U/S,
 * A, D): a loop at every level, 512-way fan-out, every VA mapped. */
uint64_t gen_self_loop(struct gen *g);
/* Two zeroed pages, 8 KiB-aligned, as Linux allocates a KPTI pair; returns
 * the first (skipped pages stay zero). */
uint64_t gen_pair(struct gen *g);

uint64_t gen_get(const struct gen *g, uint64_t pa);          /* one entry */
void gen_set(struct gen *g, uint64_t pa, uint64_t value);     /* one entry */
void gen_write(struct gen *g, uint64_t pa, const void *p, size_t n);
void gen_fill_page(struct gen *g, uint64_t pa, const char *text);

/* Entry bits the generator uses for intermediate tables. */
#define GEN_TABLE (PTW_P | PTW_RW | PTW_US | PTW_A)

/* Map [va, va + size) to pa with one leaf entry of that size (4K, 2M, 4M,
 * 1G); leaf gets flags | P (| PS for large pages).  Tables on the way are
 * made as needed with g->table_bits (GEN_TABLE unless changed; PAE PDPTEs
 * get P alone). */
void gen_map(struct gen *g, uint64_t top, uint64_t va, uint64_t pa,
	     uint64_t size, uint64_t flags);

/* PA of the entry at level lvl on va's path, making tables above it. */
uint64_t gen_entry(struct gen *g, uint64_t top, uint64_t va, unsigned lvl);

/* Copy entries [first, first + count) of one top table to another (the
 * kernel half Linux shares). */
void gen_copy_entries(struct gen *g, uint64_t from, uint64_t to,
		      unsigned first, unsigned count);

/* ---- writing ---------------------------------------------------------------- */

struct gen_cpu {
	uint64_t cr0, cr3, cr4;
};

struct gen_segment {
	uint64_t pa;        /* physical start */
	uint64_t filesz;    /* bytes taken from the image */
	uint64_t memsz;     /* >= filesz; the rest reads as zeros */
};

struct gen_elf {
	int elfclass;                  /* ELFCLASS32 or ELFCLASS64 */
	int machine;                   /* EM_386, EM_X86_64 or EM_AARCH64 */
	bool big_endian;               /* ELFDATA2MSB headers (the notes stay
					* little-endian: nothing reads them) */
	struct gen_cpu cpu[4];         /* QEMU CPU notes */
	unsigned ncpus;
	unsigned nprstatus;            /* CORE/NT_PRSTATUS notes (zeros, of an
					* AArch64 kernel's 392 bytes) */
	const char *vmcoreinfo;        /* NULL: no note */
	struct gen_segment seg[8];     /* none: one segment of the whole image */
	unsigned nsegs;
	uint64_t paddr_base;           /* added to every segment's p_paddr (RAM
					* at 0x40000000, as on arm64) */
};

/* Write the image as a flat raw file. 0 or -1 (errno set). */
int gen_write_raw(const struct gen *g, const char *path);
/* Write the ranges seg[] of the image (pa, filesz; memsz unused) as a LiME
 * capture, one 32-byte header per range.  0 or -1. */
int gen_write_lime(const struct gen *g, const struct gen_segment *seg,
		   unsigned nsegs, const char *path);
/* Write it as an ELF core through libelf.  0 or -1. */
int gen_write_elf(const struct gen *g, const struct gen_elf *o,
		  const char *path);

/* An ELF64 x86-64 core of `size` bytes: one 4 KiB PT_LOAD at its end and
 * nph PT_NOTE headers that all name one region of `nnotes` QEMU CPU notes
 * (nnotes 0: as many as fit).  For the readers' bounds.  malloc'd. */
uint8_t *gen_qemu_notes_elf(size_t size, unsigned nph, size_t nnotes);

/* The QEMU control-register values of a vCPU running mode. */
struct gen_cpu gen_cpu_for(enum ptw_mode_id mode, uint64_t cr3);

/* ---- kdump (makedumpfile's kdump-compressed format; gen_kdump.c) ---------- */

/* How one page frame (a block) goes into a kdump. */
enum gen_kdump_page {
	GEN_KDUMP_RAW,             /* stored uncompressed */
	GEN_KDUMP_ZLIB,
	GEN_KDUMP_LZO,
	GEN_KDUMP_SNAPPY,
	GEN_KDUMP_ZSTD,
	GEN_KDUMP_EXCLUDED,        /* not dumped (2nd bitmap clear): a hole */
	GEN_KDUMP_KINDS
};

struct gen_kdump {
	const char *machine;       /* utsname machine; NULL: "x86_64" */
	int layout;                /* header ABI: 64 or 32; 0: the machine's */
	uint32_t block_size;       /* the page size; 0: 4096.  Frames (pfn)
				    * are blocks, the image's last one
				    * zero-padded */
	const char *vmcoreinfo;    /* NULL: none */
	struct gen_cpu cpu[4];     /* QEMU CPU notes (and NT_PRSTATUS) */
	unsigned ncpus;
	enum gen_kdump_page kind;  /* every page, unless page is set */
	enum gen_kdump_page (*page)(uint64_t pfn, void *arg);
	void *arg;
	bool share_zero;           /* zero pages share one page's data (QEMU) */
	uint64_t max_mapnr;        /* frames the bitmaps cover; 0: the image's */
	bool flattened;            /* makedumpfile -F's stream */
	size_t flat_chunk;         /* its record size; 0: 3000 bytes */
};

/* Where the writer put things (offsets in the unflattened file), and how
 * many pages it stored each way (one that would not shrink goes raw). */
struct gen_kdump_info {
	uint64_t desc_off, data_off, ndesc;
	uint64_t bitmap_off, bitmap_bytes;   /* the 1st bitmap; each's size */
	bool bits64;
	uint64_t stored[GEN_KDUMP_KINDS];
};

/* The image as a kdump file in memory (malloc'd, *len bytes); info may be
 * NULL. */
uint8_t *gen_kdump(const struct gen *g, const struct gen_kdump *o,
		   size_t *len, struct gen_kdump_info *info);
int gen_write_kdump(const struct gen *g, const struct gen_kdump *o,
		    const char *path, struct gen_kdump_info *info);
/* A diskdump image as makedumpfile -F's stream: records of chunk bytes
 * (0: 3000), pairs swapped, all-zero ones (but the last) left out, the
 * first one written twice (garbage, then its bytes).  malloc'd. */
uint8_t *gen_kdump_flatten(const uint8_t *img, size_t len, size_t chunk,
			   size_t *out_len);

/* ---- Windows crash dumps and kernels (gen_windows.c) ---------------------- */

/* How an image is written as a Windows crash dump (PAGEDU64 / PAGEDUMP). */
struct gen_windump {
	bool x64;                  /* 64-bit header (else 32-bit) */
	bool pae;                  /* 32-bit: PaeEnabled */
	uint32_t dump_type;        /* 1 full, 5 bitmap, 6 live kernel bitmap,
				    * 8-10 ranges (.dump /k, /ka, /f) */
	uint64_t dirbase, pfn_database, ps_loaded_module_list;
	uint64_t ps_active_process_head, kd_debugger_data_block;
	uint32_t bugcheck, nprocessors;
	/* The physical memory stored: full and range dumps, one run or range
	 * per range in this order; bitmap dumps, the pages of the ranges.
	 * None: the image. */
	struct { uint64_t pa, size; } range[8];
	unsigned nranges;
	uint64_t nbits;            /* bitmap: bits; 0: one per page of the image */
};

/* File offsets of what tests patch. */
#define GEN_WIN64_RUNS     0x88      /* PhysicalMemoryBlock */
#define GEN_WIN32_RUNS     0x64
#define GEN_WIN64_TYPE     0xf98     /* DumpType */
#define GEN_WIN32_TYPE     0xf88

/* The dump's bytes (malloc'd, *size set), and written to a file (0 or -1). */
uint8_t *gen_windows_dump(const struct gen *g, const struct gen_windump *o,
			  size_t *size);
int gen_write_windows(const struct gen *g, const struct gen_windump *o,
		      const char *path);

/* Where a Windows build keeps the EPROCESS fields (from its public
 * symbols; gen_windows.c names the sources), and where this generator puts
 * its kernel. */
struct gen_eprocess_layout {
	const char *build;         /* "Windows 10 22H2 x64 (19045)" */
	unsigned ptr;              /* 8, or 4 (x86 and PAE alike) */
	uint32_t dtb;              /* KPROCESS.DirectoryTableBase */
	uint32_t user_dtb;         /* KPROCESS.UserDirectoryTableBase, 0: none */
	uint32_t pid, links, ppid, name;
	uint32_t span;             /* bytes of EPROCESS filled (>= the fields) */
	unsigned selfmap;          /* x64: the PML4 self-map slot */
	uint64_t nt_data;          /* a page of ntoskrnl's data */
	uint32_t head_off;         /* PsActiveProcessHead in it */
	uint64_t pool;             /* EPROCESSes: one a page from here, +0x80 */
};

extern const struct gen_eprocess_layout gen_win7_x64, gen_win10_x64,
	gen_win11_x64, gen_win7_x86;

struct gen_winproc {
	int64_t cid, ppid;
	const char *name;          /* ImageFileName keeps 15 bytes of it */
	bool shadow;               /* KVA shadow: a user copy (x64 layouts with
				    * user_dtb) */
	uint64_t dtb_low;          /* low bits of its DirectoryTableBase value */
	/* set by gen_windows_system: */
	uint64_t dirbase, user_dirbase, eprocess;
};

enum gen_winlist {
	GEN_WINLIST_OK,
	GEN_WINLIST_BROKEN,        /* proc[at]'s Flink leads to unmapped memory */
	GEN_WINLIST_LOOP,          /* proc[at]'s Flink leads back to proc[to] */
};

struct gen_winsys {
	const struct gen_eprocess_layout *layout;
	struct gen_winproc proc[16];
	unsigned nprocs;           /* 0: gen_windows_image's default list */
	enum gen_winlist list;
	unsigned at, to;
	/* set by gen_windows_system: */
	uint64_t kernel;           /* System's DirBase */
	uint64_t head;             /* PsActiveProcessHead */
	uint64_t bad_flink;        /* the broken Flink, if any */
	struct gen_windump dump;   /* the header's facts; full dump of the image */
};

/* The default processes: System, smss.exe, csrss.exe, wininit.exe, ...
 * (cid, parent, name; KVA shadow for some). */
void gen_windows_procs(struct gen_winsys *s);
/* Lay out a Windows kernel in g (initialised in the layout's mode: x64, or
 * PAE or x86 for 32-bit layouts): the kernel's top table with its self-map,
 * ntoskrnl's data with PsActiveProcessHead, an EPROCESS per process
 * (System's DirBase is the kernel's; the others have their own top tables
 * sharing the kernel half, and user copies where shadowed), linked in
 * order. */
void gen_windows_system(struct gen *g, struct gen_winsys *s);
/* gen_init(mode, size, alloc_base), the default processes unless s names
 * some, then gen_windows_system. */
void gen_windows_image(struct gen *g, struct gen_winsys *s,
		       enum ptw_mode_id mode, uint64_t size, uint64_t alloc_base);

/* Named crash dumps for mkdump: "win7-x64-full", "win10-x64-bitmap",
 * "win11-x64-live", "win7-pae-full", "win7-x86-full"; false if unknown.
 * gen_free(g) after use. */
bool gen_windows_named(const char *name, struct gen *g, struct gen_winsys *s);
extern const char *const gen_windows_names[];

#endif
