/* owners/owners.h — readers of the kernel's own data: who owns each
 * address space (Linux's task list, Windows's EPROCESS list, WinDbg's
 * listing), kernel reads through a space, and what else is Linux's
 * knowledge: the kernel's shared region of a top table, KPTI pairs, and
 * which VMCOREINFO text in memory is this boot's.  Includes only the
 * paging, dump and base layers. */
#ifndef PTW_OWNERS_H
#define PTW_OWNERS_H

#include "paging/paging.h"

/* ---- owners ------------------------------------------------------------- */

/* One process as the kernel's own data describes it (owners.c). */
struct ptw_owner {
	int64_t cid, ppid;          /* ppid -1 when unknown */
	uint64_t dirbase;           /* its top table (the kernel copy) */
	uint64_t user_dirbase;      /* KPTI / KVA-shadow user copy, or 0 */
	uint64_t object;            /* kernel VA of its task_struct / EPROCESS */
	char name[PTW_NAME_MAX];
	bool kernel_table;          /* the kernel's, no task's ("[poking_mm]",
				     * cid -1): names only a space found */
	bool only_found;            /* names only a space discovery found (the
				     * kernel's own table, when read through
				     * another's: ptw_owners_linux_via) */
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
/* The same when no table of the kernel's own is named (a raw image with
 * no VMCOREINFO): kernel memory is read through `through`, a process's
 * table, which maps the kernel half as every process's does.  x86-64
 * only: kallsyms is searched for from __START_KERNEL_map, the KASLR
 * offset follows from its _text, and the kernel's own table is
 * init_top_pgt's PA (its record only_found), never `through`. */
int ptw_owners_linux_via(const struct ptw_space *through, struct ptw_owners *out,
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

/* ---- Linux's page tables (linux.c) --------------------------------------- */

/* Linux: __START_KERNEL_map on x86-64, the default PAGE_OFFSET on 32-bit. */
#define LINUX_START_KERNEL_MAP 0xffffffff80000000ULL
#define LINUX_PAGE_OFFSET_32   0xc0000000ULL

/* Where Linux keeps the kernel's shared region, per mode: the table reached
 * from the top table through `via` (or the top table itself when via < 0),
 * entries [first, first + count).  Inline: the scan asks once a page. */
struct ptw_kregion {
	int via;
	unsigned first, count;
	unsigned user_count;  /* top-table entries below the kernel's */
};

/* Linux on x86: the kernel's half starts at PAGE_OFFSET 0xc0000000 on
 * 32-bit (the 3G/1G split), at the upper canonical half on x86-64; the
 * entries from there on.  A top table of four entries (PAE) shares the
 * kernel's quarter one table down, the PD under its entry. */
static inline struct ptw_kregion ptw_linux_kregion(const struct ptw_mode *m)
{
	uint64_t start = m->canonical ? 1ULL << (m->va_bits - 1) : LINUX_PAGE_OFFSET_32;
	unsigned top = ptw_index(m, 0, start), n = 1u << m->level[0].bits;
	if (n > 4)
		return (struct ptw_kregion){ -1, top, n - top, top };
	unsigned first = ptw_index(m, 1, start);
	return (struct ptw_kregion){ (int)top, first, (1u << m->level[1].bits) - first, top };
}

/* Whether kernel + 4 KiB is the KPTI user copy of the top table at kernel. */
bool ptw_kpti_pair(const ptw_dump *d, const struct ptw_mode *m,
		   uint64_t kernel);

/* ---- kallsyms found in memory (kallsyms_find.c) ----------------------------- */

/* Where the kernel's kallsyms tables are (kernel VAs), and the facts of
 * their era a decoder needs.  From VMCOREINFO's SYMBOL(kallsyms_*) lines
 * (6.0 on), or from ptw_ksym_find. */
struct ptw_ksym_tables {
	uint64_t names, num_syms, markers, token_table, token_index, offsets;
	uint64_t relative_base;    /* its VA; 0 when place_relative */
	unsigned count_size;       /* bytes of num_syms and of each marker: 8
				    * before 4.20 (on 64-bit), else 4 */
	bool seqs_between;         /* 6.2-6.3: seqs_of_names between markers
				    * and token_table */
	bool offsets_last;         /* 6.4 on: offsets after token_index */
	bool place_relative;       /* no relative_base: offsets[i] is relative
				    * to &offsets[i] */
	bool big_names;            /* a name's length took two bytes (6.1 on) */
	uint32_t nsyms;            /* found by ptw_ksym_find: num_syms */
	uint32_t markers_n;
};

/* What a search read, for the caller's message and the bench. */
struct ptw_ksym_search {
	uint64_t bytes;            /* of the image read */
	unsigned candidates;       /* token tables checked */
};

#define PTW_KSYM_READ_MAX (256ULL << 20)  /* image bytes a search reads */

/* Search the kernel image's mapped pages in [start, start + span), through
 * the kernel's table k, for kallsyms tables that decode consistently (see
 * kallsyms_find.c); at most PTW_KSYM_READ_MAX bytes of the image are
 * scanned, and behind the candidates at most 1 GiB more is read back and
 * 2^25 names stepped over, whatever the image holds.
 * PTW_ERR_NOT_FOUND with a message saying how much was read and why the
 * first candidate was rejected. */
int ptw_ksym_find(const struct ptw_space *k, uint64_t start, uint64_t span,
		  struct ptw_ksym_tables *out, struct ptw_ksym_search *st,
		  struct ptw_error *err);
/* The kernels whose layout t is ("4.20-6.1", "6.4 on (...)"). */
const char *ptw_ksym_layout(const struct ptw_ksym_tables *t);

/* ---- VMCOREINFO (vmcoreinfo.c) ------------------------------------------------ */

/* The kernel's own top table a Linux VMCOREINFO text names, with the
 * paging mode the text says it runs: x86-64's init_top_pgt (4- or 5-level
 * by pgtable_l5_enabled), arm64's swapper_pg_dir (granule from PAGESIZE,
 * VA size from TCR_EL1_T1SZ or VA_BITS; its PA through kimage_voffset),
 * 32-bit x86's swapper_pg_dir (PAE when CONFIG_X86_PAE).  Each
 * architecture's keys are in this one place. */
struct ptw_linux_kernel {
	const struct ptw_mode *mode;
	bool mode_sure;         /* false: 32-bit x86 without CONFIG_X86_PAE,
				 * which other kernels' texts resemble */
	uint64_t va, pa;        /* the table's kernel VA and its PA */
	uint32_t release;       /* OSRELEASE's, KERNEL_VERSION-style; 0 */
	char how[96];           /* "VMCOREINFO (arm64 kernel, 4 KiB pages, ...)" */
};
bool ptw_linux_kernel_table(const char *text, size_t len,
			    struct ptw_linux_kernel *out);

/* ---- VMCOREINFO found in memory (vmcoreinfo.c) ------------------------------ */

/* Whether a VMCOREINFO text is this boot's: its kernel page table
 * (init_top_pgt or swapper_pg_dir) lies in d and maps the table's own
 * virtual address to it.  What the dump layer's search is given
 * (ptw_vmci_current_fn). */
bool ptw_vmci_current(const ptw_dump *d, const char *text, size_t len);

#endif
