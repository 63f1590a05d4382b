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
	int machine;                   /* EM_386 or EM_X86_64 */
	struct gen_cpu cpu[4];
	unsigned ncpus;
	const char *vmcoreinfo;        /* NULL: no note */
	struct gen_segment seg[8];     /* none: one segment of the whole image */
	unsigned nsegs;
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

#endif
