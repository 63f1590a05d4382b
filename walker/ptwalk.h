/* ptwalk.h — the ptfs walker: physical-memory dumps, paging (x86 today), address spaces.
 *
 * The data flows one way:
 *   dump file -> ptw_dump (one reader per format, all behind ptw_phys_read)
 *             -> struct ptw_mode (a table of levels; one generic walk)
 *             -> struct ptw_space (DirBase + mode + owner)
 *             -> ptw_translate / ptw_iterate
 *
 * Conventions
 *   - Functions that can fail return 0 on success and a positive enum ptw_code
 *     on failure, and fill the caller's struct ptw_error (which may be NULL)
 *     with a message naming the problem.  Nothing here prints or exits.
 *   - A ptw_dump and the spaces over it never change after they are built, so
 *     every function taking const pointers may be called from many threads.
 *   - Addresses are uint64_t throughout; physical addresses outside every range
 *     of the dump are holes, reported as such, never confused with zero bytes.
 */
#ifndef PTWALK_H
#define PTWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

enum ptw_code {
	PTW_OK = 0,
	PTW_ERR_NOMEM,       /* allocation failed */
	PTW_ERR_IO,          /* the operating system refused (open, mmap, ...) */
	PTW_ERR_FORMAT,      /* the dump is malformed or truncated */
	PTW_ERR_INVALID,     /* a bad argument: unaligned DirBase, unknown mode, ... */
	PTW_ERR_NONCANONICAL,/* a virtual address outside the mode's address space */
	PTW_ERR_NOT_FOUND,   /* nothing of that name / address */
};

struct ptw_error {
	int code;            /* enum ptw_code */
	char msg[256];
};

/* ---- dumps and physical memory ----------------------------------------- */

typedef struct ptw_dump ptw_dump;

/* A physical range the dump holds bytes for: [start, start + size). */
struct ptw_range {
	uint64_t start;
	uint64_t size;
};

enum ptw_machine {
	PTW_MACHINE_UNKNOWN = 0,
	PTW_MACHINE_I386,
	PTW_MACHINE_X86_64,
	PTW_MACHINE_AARCH64,  /* little-endian AArch64 (ELF e_machine 183) */
};

/* Control registers of one virtual CPU, as the dump records them. */
struct ptw_cpu {
	unsigned index;
	uint64_t cr0, cr3, cr4;
};

/* Open a dump file read-only (mmap; nothing is read whole).  The format is
 * detected from the content. */
int ptw_dump_open(const char *path, ptw_dump **out, struct ptw_error *err);

/* The same over bytes already in memory (tests, fuzzing); the bytes must
 * outlive the dump. */
int ptw_dump_open_memory(const void *data, size_t size, ptw_dump **out,
			 struct ptw_error *err);

/* What the content cannot say.  Zero (or a NULL pointer) is the default. */
struct ptw_dump_opts {
	/* Raw images: the physical address of the file's first byte (arm64
	 * RAM often starts at 0x40000000 or 0x80000000, and a capture of it
	 * alone starts there), so that file offset o is PA phys_base + o.
	 * It must be 4 KiB-aligned and the image must end below 2^52.  Any
	 * other format places its memory itself: non-zero there is an error
	 * (PTW_ERR_INVALID) naming the format. */
	uint64_t phys_base;
};

/* ptw_dump_open and ptw_dump_open_memory with options (o may be NULL:
 * the defaults); a bad option fails with PTW_ERR_INVALID. */
int ptw_dump_open_with(const char *path, const struct ptw_dump_opts *o,
		       ptw_dump **out, struct ptw_error *err);
int ptw_dump_open_memory_with(const void *data, size_t size,
			      const struct ptw_dump_opts *o, ptw_dump **out,
			      struct ptw_error *err);

void ptw_dump_close(ptw_dump *d);

/* "raw", "elf32", "elf64", ... */
const char *ptw_dump_format(const ptw_dump *d);
uint64_t ptw_dump_file_size(const ptw_dump *d);
enum ptw_machine ptw_dump_machine(const ptw_dump *d);

/* The physical ranges, sorted and disjoint. */
size_t ptw_dump_ranges(const ptw_dump *d, const struct ptw_range **ranges);

/* One past the highest physical address the dump holds. */
uint64_t ptw_dump_phys_end(const ptw_dump *d);

/* Number of physical bytes the dump holds (sum of the ranges). */
uint64_t ptw_dump_phys_size(const ptw_dump *d);

/* vCPU control registers recorded in the dump (QEMU notes); may be 0.  x86
 * only: AArch64 cores record no translation registers. */
size_t ptw_dump_cpus(const ptw_dump *d, const struct ptw_cpu **cpus);

/* The VMCOREINFO text, or NULL.  A dump that carries none of its own (a raw
 * image, LiME) gets the kernel's copy found in its memory: by the scan when
 * ptw_discover runs one (in the same pass), else by a search of all memory
 * on the first call of this or ptw_vmcoreinfo_get.  Thread-safe. */
const char *ptw_dump_vmcoreinfo(const ptw_dump *d, size_t *len);

/* Value of KEY in the VMCOREINFO text ("SYMBOL(init_top_pgt)",
 * "NUMBER(phys_base)", "OSRELEASE", ...); false if absent. */
bool ptw_vmcoreinfo_get(const ptw_dump *d, const char *key, char *val,
			size_t valsz);

/* Copy len bytes of physical memory at pa into buf.  Bytes in holes are
 * zero-filled.  Returns the number of bytes that the dump really holds
 * (len when the whole request lies inside its ranges). */
size_t ptw_phys_read(const ptw_dump *d, uint64_t pa, void *buf, size_t len);

/* Whether pa lies inside the dump, and through *run the number of bytes from
 * pa that share that state (to the end of its range, or to the start of the
 * next; for the final hole, to 2^64). */
bool ptw_phys_present(const ptw_dump *d, uint64_t pa, uint64_t *run);

/* ---- paging modes ------------------------------------------------------- */

/* A paging mode is one entry of the table in paging/mode.c: its levels, top
 * first (which VA bits each indexes, and what an entry there is, as masks),
 * its VA size, its root register's layout and how WinDbg names its parts.
 * An architecture is one file of entry operations in paging/ (struct
 * ptw_arch, defined in paging/paging.h: rights, flag letters, what a
 * non-valid entry means to its OS), shared by its modes; x86 (paging/x86.c)
 * is the first.  The walk, the iteration and the views read only these, so
 * that a new architecture is:
 *   1. paging/<arch>.c: its struct ptw_arch (rights_apply, flags_string,
 *      rights_string, decode, soft_resident, soft_flags), and the constants
 *      of its entries;
 *   2. its modes in paging/mode.c: one entry each, the levels' masks
 *      (valid, leaf, reserved encoding, reserved bits, address, displaced
 *      address bits, rights), names, WinDbg's forms; an id in enum
 *      ptw_mode_id and its names in ptw_mode_find;
 *   3. discovery of its roots: the mode from the dump's registers or notes
 *      (discover/discover.c, mode_from_cpu and its neighbours), the scan's
 *      detectors for its top tables (discover/scan.c, detector_of), the
 *      kernel's layout for owners (owners/);
 *   4. a fuzz target for its decoder (tests/fuzz/fuzz_walk.c's modes) and
 *      tests: synthetic tables (tests/gen.c), walk, iterate, decode and a
 *      WinDbg golden per form. */

enum ptw_mode_id {
	PTW_MODE_NONE = 0,
	PTW_MODE_X86,        /* 32-bit, 2 levels, 4-byte entries, 4 MiB pages */
	PTW_MODE_PAE,        /* 32-bit PAE, 3 levels, 2 MiB pages */
	PTW_MODE_X64,        /* x86-64 4-level, 2 MiB and 1 GiB pages */
	PTW_MODE_LA57,       /* x86-64 5-level */
	PTW_MODE_AARCH64,    /* AArch64 stage 1: one mode per granule and VA
			      * size (ptw_mode_aarch64), all with this id */
	PTW_MODE_NPT,        /* AMD64 nested page table: "npt4" (the first),
			      * "npt5"; offsets are guest-physical addresses */
};

#define PTW_MAX_LEVELS 5

/* x86's entry bits, common to its formats (paging/x86.c gives them their
 * meaning; the x86 detectors and generators use them). */
#define PTW_P   0x001ULL
#define PTW_RW  0x002ULL
#define PTW_US  0x004ULL
#define PTW_PWT 0x008ULL
#define PTW_PCD 0x010ULL
#define PTW_A   0x020ULL
#define PTW_D   0x040ULL
#define PTW_PS  0x080ULL
#define PTW_G   0x100ULL
#define PTW_XD  (1ULL << 63)

/* AArch64's (VMSAv8-64 stage 1 descriptors; paging/aarch64.c). */
#define PTW_A64_VALID  (1ULL << 0)
#define PTW_A64_TABLE  (1ULL << 1)  /* 11: table or page; 01: block */
#define PTW_A64_ATTR   (7ULL << 2)  /* AttrIndx: MAIR_EL1's byte */
#define PTW_A64_USER   (1ULL << 6)  /* AP[1]: EL0 may access */
#define PTW_A64_RDONLY (1ULL << 7)  /* AP[2]: no writes */
#define PTW_A64_SH     (3ULL << 8)  /* shareability (LPA2: address 51:50) */
#define PTW_A64_AF     (1ULL << 10)
#define PTW_A64_NG     (1ULL << 11)
#define PTW_A64_GP     (1ULL << 50) /* BTI guarded page */
#define PTW_A64_DBM    (1ULL << 51) /* dirty-state managed: Linux's PTE_WRITE */
#define PTW_A64_CONT   (1ULL << 52)
#define PTW_A64_PXN    (1ULL << 53)
#define PTW_A64_UXN    (1ULL << 54)
#define PTW_A64_PXNTABLE (1ULL << 59) /* table entries: limits below */
#define PTW_A64_UXNTABLE (1ULL << 60)
#define PTW_A64_APT_USER (1ULL << 61) /* APTable[0]: no EL0 access below */
#define PTW_A64_APT_RO   (1ULL << 62) /* APTable[1]: no writes below */

/* Address bits an entry holds away from its address field: `width` bits
 * from bit `from` of the entry are bits from `to` of the address (x86
 * PSE-36: 8 bits, 13 -> 32; AArch64 LPA: 4, 12 -> 48; LPA2: 2, 8 -> 50).
 * width 0: none. */
struct ptw_oa_bits {
	uint8_t from, width, to;
};

/* One level of a paging mode, top level first.  What an entry here is,
 * as the walk reads it (paging/paging.h, pt_classify), in order:
 *   not valid:  !(e & valid);
 *   reserved:   (e & bad_mask) == bad_value (a reserved encoding), or any
 *               of rsvd_leaf / rsvd_table set, as the entry's form says;
 *   a leaf:     (e & leaf_mask) == leaf_value, or the last level;
 *   a table:    otherwise.
 * "Never" is a value its mask cannot produce (mask 0, value 1): bad_mask
 * 0 for no reserved encoding, leaf_mask 0 for a level of tables only.
 * x86: valid P, leaf PS where the level allows large pages; AArch64: valid
 * bit 0, a block where bits[1:0] == 01 and the level allows blocks, at the
 * last level a page only where bits[1:0] == 11 (01 reserved). */
struct ptw_level {
	/* What the walk reads of every entry first, in the order it reads it
	 * (one cache line): */
	uint8_t shift;          /* lowest VA bit this level's index selects */
	uint8_t bits;           /* width of the index: 10, 9 or 2 */
	struct ptw_oa_bits oa_table, oa_leaf; /* displaced address bits */
	uint64_t index_mask;    /* (1 << bits) - 1 */
	uint64_t leaf_mask, leaf_value;
	uint64_t rsvd_table;    /* bits that must be clear in a valid table entry */
	uint64_t rsvd_leaf;     /* and in a valid leaf */
	uint64_t valid;         /* the bit that makes an entry valid */
	/* valid | rsvd_table and valid | rsvd_leaf, derived (mode.c): the
	 * walk tests both with one compare, (e & check) == valid. */
	uint64_t check_table, check_leaf;
	uint64_t addr_table;    /* the bits holding the next table's address */
	uint64_t addr_leaf;     /* the page's base (aligned to the page) */
	uint64_t bad_mask, bad_value;
	const char *entry_name; /* "PML4E", "PDPTE", "PDE", "PTE" */
	const char *dir_name;   /* the table's directory: "pml4", "pd", ... */
	/* Rights a table entry here passes down, accumulated from the arch's
	 * rights_init: acc = (acc & (e | ~rights_and)) | (e & rights_or);
	 * the arch's rights_apply merges them with the leaf's own. */
	uint64_t rights_and, rights_or;
	/* WinDbg's words for this level: the !pte column's name (NULL: no
	 * column, as PAE's PDPTE), where that column starts (the notes on a
	 * non-valid entry are indented under it), and the !vtop step's name. */
	const char *windbg_pte;
	uint8_t windbg_col;
	const char *windbg_vtop;
};

struct ptw_arch; /* paging/paging.h */

struct ptw_mode {
	enum ptw_mode_id id;
	const char *name;        /* "x86", "pae", "x64", "la57" */
	const char *title;       /* "x86-64 4-level" */
	const struct ptw_arch *arch; /* what its entries mean */
	unsigned nlevels;
	unsigned entry_size;     /* 4 or 8 bytes */
	unsigned va_bits;        /* bits of the space's offsets (vmem's size):
				  * 32, 48, 57; AArch64 VA_BITS + 1 (two halves) */
	bool canonical;          /* upper VA bits sign-extend bit va_bits-1 */
	/* Two roots (AArch64's TTBR0 and TTBR1): the space's top bit (bit
	 * va_bits-1, which canonical VAs repeat up to bit 63) chooses the
	 * table, and each half is a table of level 0 of its own, 2^(va_bits-1)
	 * bytes of VA. */
	bool split;
	const char *root_dir[2]; /* split: the halves' directories in the tree
				  * ("ttbr0", "ttbr1"), each holding the top
				  * table's */
	bool nx;                 /* entries can forbid execution (x86: XD) */
	unsigned flag_columns;   /* letters of ptw_flags_string: 11 or 9 */
	uint64_t flag_bits;      /* the entry bits they show (maps' runs
				  * coalesce on them) */
	uint64_t dirbase_mask;   /* root register bits that locate the top table */
	uint64_t root_flags;     /* its other bits, dropped (CR3's PCID, ...) */
	const char *dirbase_rule;/* where a top table can start, in words */
	/* The OS's page frame numbers: PA >> page_shift (12; AArch64: the
	 * granule's 12, 14 or 16). */
	unsigned page_shift;
	/* No level has a reserved encoding or displaced address bits (bad_mask
	 * 0, oa widths 0): the walk leaves their tests out (test_walk checks
	 * that this says what the levels say). */
	bool walk_plain;
	/* Windows' self-map is PAE's: the PD under PDPTE 3 maps the four PDs
	 * (PTEs at c0000000, PDEs at c0600000), not a top-table entry. */
	bool pae_selfmap;
	struct {
		const char *cpu;     /* "Amd64", "X86": !vtop's "Amd64VtoP:", !ptov's */
		bool pae;            /* "PAE " before each !vtop step, ", PAE
				      * enabled." after !ptov's pagedir */
		bool two_column;     /* !pte's older two-column 32-bit form */
	} windbg;
	struct ptw_level level[PTW_MAX_LEVELS];
};

/* The mode of an id (for PTW_MODE_AARCH64: 4 KiB pages, 48-bit VA). */
const struct ptw_mode *ptw_mode_get(enum ptw_mode_id id);
/* By name: "x86", "pae", "x64", "la57" (also "x86-64", "amd64", "5level"),
 * "arm64-<4k|16k|64k>-<VA bits>" ("arm64", "aarch64": arm64-4k-48). */
const struct ptw_mode *ptw_mode_find(const char *name);
/* AArch64 with granule 2^page_shift (12, 14, 16) and VA size va_bits (36
 * to 52 per half, TTBRn as 64 - TnSZ gives it), or NULL.  4 and 16 KiB
 * granules above 48 bits are FEAT_LPA2's (TCR_EL1.DS, 52-bit output
 * addresses); 64 KiB entries are read as FEAT_LPA's (bits 15:12 are
 * output address bits 51:48, RES0 without it). */
const struct ptw_mode *ptw_mode_aarch64(unsigned page_shift, unsigned va_bits);
/* The modes, for listing: the i-th, or NULL past the last. */
const struct ptw_mode *ptw_mode_at(size_t i);

/* Bytes of virtual address space (vmem's size): 2^32, 2^48, 2^57;
 * AArch64 2^(VA_BITS+1), the lower half then the upper. */
uint64_t ptw_mode_va_size(const struct ptw_mode *m);
/* The canonical VA for a vmem offset (the upper half folded). */
uint64_t ptw_mode_va_from_offset(const struct ptw_mode *m, uint64_t off);
uint64_t ptw_mode_offset_from_va(const struct ptw_mode *m, uint64_t va);
bool ptw_mode_va_valid(const struct ptw_mode *m, uint64_t va);
/* Bytes of VA one entry at level lvl covers. */
uint64_t ptw_level_span(const struct ptw_mode *m, unsigned lvl);
/* Number of entries in a table at level lvl. */
unsigned ptw_level_entries(const struct ptw_mode *m, unsigned lvl);
/* Whether an entry at level lvl can map a page (the last level, or large
 * pages / blocks there). */
bool ptw_level_maps_pages(const struct ptw_mode *m, unsigned lvl);

/* What an entry is to the hardware (struct ptw_level says how it is told);
 * the kinds from PTW_ENTRY_TABLE on are the ones a walk goes on through. */
enum ptw_entry_kind {
	PTW_ENTRY_INVALID = 0, /* not valid: its bits are the OS's (ptw_decode_entry) */
	PTW_ENTRY_RESERVED,    /* valid, but reserved bits set or a reserved
				* encoding: the CPU faults */
	PTW_ENTRY_TABLE,       /* leads to the next level's table */
	PTW_ENTRY_LEAF,        /* maps a page */
};
/* Classify entry e at level lvl; *addr (may be NULL) receives the address
 * it holds: the next table's, or the page's base (0 when not valid). */
enum ptw_entry_kind ptw_entry_classify(const struct ptw_mode *m, unsigned lvl,
				       uint64_t e, uint64_t *addr);
/* The same by its parts, for any entry, valid or not, as its form reads:
 * whether e is in the form of a leaf (as opposed to a table), */
bool ptw_entry_is_leaf(const struct ptw_mode *m, unsigned lvl, uint64_t e);
/* the address it holds (next table, or the page's base), */
uint64_t ptw_entry_address(const struct ptw_mode *m, unsigned lvl, uint64_t e);
/* and the reserved bits it has set (0 when none; a reserved encoding
 * gives the bits of its encoding). */
uint64_t ptw_entry_reserved(const struct ptw_mode *m, unsigned lvl, uint64_t e);

/* The letters of an entry's flags (WinDbg's on x86: Microsoft's !pte page),
 * NUL-terminated into buf (at least 16 bytes). */
void ptw_flags_string(const struct ptw_mode *m, unsigned lvl, uint64_t e,
		      char *buf);
/* A valid entry's fields by name beyond its letters (AArch64: AttrIndx,
 * SH, AP, AF, nG, DBM, XN, table limits, software bits), into buf; false
 * (buf "") when the architecture has nothing to add. */
bool ptw_entry_attributes(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			  char *buf, size_t size);
/* The same for effective rights (struct ptw_xlat's and ptw_run's eff) of
 * a page mapped at level lvl, as maps shows them. */
void ptw_rights_string(const struct ptw_mode *m, unsigned lvl, uint64_t eff,
		       char *buf);

struct ptw_space;
/* The letters as the space's OS means them: WinDbg's, without the bits
 * the OS uses for something else (on Linux x86, bit 9 is _PAGE_SPECIAL,
 * not Windows' copy-on-write: its C column stays '-'). */
void ptw_space_flags_string(const struct ptw_space *s, unsigned lvl, uint64_t e,
			    char *buf);
void ptw_space_rights_string(const struct ptw_space *s, unsigned lvl, uint64_t eff,
			     char *buf);
/* A valid entry's software bits as the space's OS names them (Linux x86:
 * "special soft-dirty", paging/x86.c), into buf; false (buf "") when
 * none is set or the OS's are not known. */
bool ptw_entry_software(const struct ptw_space *s, unsigned lvl, uint64_t e,
			char *buf, size_t size);

/* ---- address spaces ----------------------------------------------------- */

/* The operating system whose tables these are: it decides what a
 * non-present entry means (Windows transition, prototype and paging-file
 * PTEs; Linux swap entries and PROT_NONE pages). */
enum ptw_os {
	PTW_OS_UNKNOWN = 0,
	PTW_OS_WINDOWS,
	PTW_OS_LINUX,
};

/* What a dump's own header says of the system it came from (Windows crash
 * dumps carry it); zero where the format records nothing. */
struct ptw_dump_hints {
	enum ptw_os os;              /* PTW_OS_UNKNOWN: the format does not say */
	enum ptw_mode_id mode;       /* PTW_MODE_NONE: the format does not say */
	uint64_t dirbase;            /* the kernel's DirBase, 0 if none */
	uint64_t ps_active_process_head; /* Windows: VA of the process list */
	uint64_t ps_loaded_module_list;  /* Windows: VA of the module list */
	uint64_t kd_debugger_data_block; /* Windows: VA of KDDEBUGGER_DATA64 */
	uint64_t pfn_database;           /* Windows: VA of the PFN database */
	uint32_t bugcheck_code;
	uint32_t dump_type;          /* Windows DumpType: 1 full, 5 bitmap, 6 live */
	uint32_t nprocessors;
};
const struct ptw_dump_hints *ptw_dump_hints(const ptw_dump *d);

/* "windows", "linux", "unknown"; ptw_os_find parses the first two. */
const char *ptw_os_name(enum ptw_os os);
enum ptw_os ptw_os_find(const char *name);

/* How an address space was found; a space may carry several. */
enum ptw_found {
	PTW_FOUND_CMDLINE    = 1u << 0, /* --dirbase / --process */
	PTW_FOUND_CR3        = 1u << 1, /* a vCPU's CR3 in the dump */
	PTW_FOUND_VMCOREINFO = 1u << 2, /* the kernel's page table named there */
	PTW_FOUND_SELFMAP    = 1u << 3, /* scan: a Windows self-map */
	PTW_FOUND_KSHARED    = 1u << 4, /* scan: shares the kernel half (Linux) */
	PTW_FOUND_KPTI       = 1u << 5, /* the other half of a KPTI pair */
	PTW_FOUND_ON_DEMAND  = 1u << 6, /* opened by a lookup, not found */
	PTW_FOUND_HEADER     = 1u << 7, /* the dump header's DirectoryTableBase */
	PTW_FOUND_PROCLIST   = 1u << 8, /* the kernel's process list */
	PTW_FOUND_LISTING    = 1u << 9, /* --processes: a !process 0 0 listing */
};

/* Where an address space's owner (cid, parent, name) came from, in
 * falling precedence: the user's word beats the kernel's data. */
enum ptw_owner_from {
	PTW_OWNER_NONE = 0,
	PTW_OWNER_CMDLINE,          /* --process CID:DIRBASE[:NAME] */
	PTW_OWNER_LISTING,          /* --processes: WinDbg's !process 0 0 text */
	PTW_OWNER_LINUX_TASKS,      /* init_task's list (kallsyms and BTF) */
	PTW_OWNER_WINDOWS_EPROCESS, /* PsActiveProcessHead's EPROCESS list */
	PTW_OWNER_LINUX_KSYMS,      /* a kernel table no task owns, named by
				     * kallsyms (Linux x86-64's "[trampoline]",
				     * "[poking_mm]"; cid -1) */
};

/* "cmdline", "listing", "task-list", "eprocess-list", "kallsyms", "-" */
const char *ptw_owner_from_name(enum ptw_owner_from f);

#define PTW_NAME_MAX 64

/* A root of no table: that half of a split space maps nothing (the
 * lower half of the AArch64 kernel's own space). */
#define PTW_NO_ROOT UINT64_MAX

struct ptw_space {
	const ptw_dump *dump;
	const struct ptw_mode *mode;
	uint64_t dirbase;        /* the space's identity: PA of its top table
				  * (CR3 with flags cleared; AArch64: the
				  * TTBR0 table, the kernel's the TTBR1 one) */
	/* The top table of each half: root[va >> 63].  Both dirbase unless
	 * the mode is split (ptw_space_set_roots). */
	uint64_t root[2];
	/* The kernel's release, KERNEL_VERSION-style (6.1.0 = 0x060100), 0
	 * when unknown: non-valid entries' layouts changed over releases. */
	uint32_t os_release;
	int64_t cid;             /* owner's process id, -1 when unknown */
	char name[PTW_NAME_MAX]; /* owner's name, "" when unknown */
	int64_t ppid;            /* owner's parent's id, -1 when unknown */
	enum ptw_owner_from owner_from;
	uint64_t owner_object;   /* kernel VA of its task_struct / EPROCESS, or 0 */
	unsigned found;          /* enum ptw_found bits */
	uint64_t kpti_peer;      /* the other table of a KPTI pair, or 0 */
	bool kpti_user;          /* this is the pair's user copy */
	int cpu;                 /* vCPU whose CR3 this is, or -1 */
	enum ptw_os os;          /* whose tables (set by ptw_discover) */
};

/* Set up a space over dump with mode and dirbase; checks alignment and that
 * the top table lies inside the dump. */
int ptw_space_init(struct ptw_space *s, const ptw_dump *d,
		   const struct ptw_mode *m, uint64_t dirbase,
		   struct ptw_error *err);

/* The two roots of a split mode's space (either may be PTW_NO_ROOT):
 * lower for VAs with the top bit clear (TTBR0), upper for the rest
 * (TTBR1).  dirbase stays the identity ptw_space_init gave. */
int ptw_space_set_roots(struct ptw_space *s, uint64_t lower, uint64_t upper,
			struct ptw_error *err);

/* The index of the top-table entry that maps the table itself (Windows), or
 * -1.  On PAE, 3 when the PD under PDPTE 3 maps the four PDs at C0000000. */
int ptw_space_selfmap(const struct ptw_space *s);

/* ---- non-present entries ------------------------------------------------- */

enum ptw_sw_kind {
	PTW_SW_ZERO,         /* all zero: nothing at all */
	PTW_SW_VALID,        /* present: a hardware entry */
	PTW_SW_TRANSITION,   /* Windows: still in memory at pfn (soft fault) */
	PTW_SW_PROTOTYPE,    /* Windows: described by the prototype PTE at proto */
	PTW_SW_PAGEFILE,     /* Windows: in paging file `file`, page `offset` */
	PTW_SW_DEMAND_ZERO,  /* Windows: a zero page on first touch */
	PTW_SW_SWAP,         /* Linux: swap type `file`, page `offset` */
	PTW_SW_PROTNONE,     /* Linux: PROT_NONE, resident at pfn */
	PTW_SW_UNKNOWN,      /* not present, the OS unknown */
};

struct ptw_swpte {
	enum ptw_sw_kind kind;
	uint64_t pfn;        /* TRANSITION, PROTNONE */
	uint64_t file;       /* PAGEFILE: paging file; SWAP: swap type */
	uint64_t offset;     /* PAGEFILE, SWAP: page within it */
	uint64_t proto;      /* PROTOTYPE: address of the prototype PTE */
	bool vad;            /* PROTOTYPE: "look in the VAD" (no address) */
	unsigned protection; /* Windows: the 5-bit protection */
	bool write;          /* TRANSITION: writable */
};

/* Decode entry e at level lvl as the OS that wrote it (the mode's
 * architecture knows the layouts: paging/x86.c, aarch64.c), of release
 * (as struct ptw_space's os_release; 0: unknown, the newest layout);
 * max_pfn (0: unknown), the dump's last frame, helps undo Windows' L1TF
 * swizzling.  PFNs are in the mode's page_shift. */
void ptw_decode_entry(const struct ptw_mode *m, enum ptw_os os, uint32_t release,
		      unsigned lvl, uint64_t e, uint64_t max_pfn,
		      struct ptw_swpte *out);
/* KERNEL_VERSION-style release of an OSRELEASE text ("6.1.0-57-arm64":
 * 0x060100), 0 when it does not start with one. */
uint32_t ptw_parse_release(const char *osrelease);

struct ptw_space;
/* Whether a non-present leaf entry of s still names a resident page the
 * OS reads back without I/O (a Windows transition PTE), and its pfn. */
bool ptw_soft_resident(const struct ptw_space *s, unsigned lvl, uint64_t e,
		       uint64_t *pfn);

/* The effective flags of a page read through such an entry: U/S from the
 * rights accumulated above it (acc, as ptw_xlat.eff carries them), R/W and
 * XD from its protection, P clear. */
uint64_t ptw_soft_flags(const struct ptw_mode *m, uint64_t acc, uint64_t e);

/* Windows' protection as WinDbg names it: "4 - ReadWrite". */
const char *ptw_win_protection(unsigned protection, char *buf, size_t n);

/* ---- translation -------------------------------------------------------- */

enum ptw_status {
	PTW_MAPPED = 0,
	PTW_NOT_PRESENT,   /* an entry on the way is zero or has P clear */
	PTW_RESERVED,      /* an entry has reserved bits set: the CPU faults */
	PTW_TABLE_HOLE,    /* a table lies outside the dump's memory */
};

/* One level of a walk, for display (!vtop, !pte, the entry files). */
struct ptw_step {
	uint64_t table;    /* PA of the table */
	uint64_t addr;     /* PA of the entry */
	uint64_t entry;    /* its raw value */
	unsigned index;
};

struct ptw_xlat {
	uint64_t va;
	enum ptw_status status;
	unsigned nsteps;           /* entries read, top first */
	struct ptw_step step[PTW_MAX_LEVELS];
	/* The VA range [span_start, span_start + span_size) to which this result
	 * applies alike: the page when mapped, the region the failing entry
	 * covers otherwise. */
	uint64_t span_start, span_size;
	/* When mapped: */
	uint64_t pa;               /* physical address of va */
	uint64_t page_pa;          /* base of the page */
	uint64_t page_size;        /* 4K, 2M, 4M or 1G */
	uint64_t eff;              /* the leaf entry with the rights
				    * accumulated down the walk merged in
				    * (x86: R/W, U/S, XD) */
	bool soft;                 /* mapped through a non-present entry the OS
				    * reads back without I/O (a Windows
				    * transition PTE): P is clear in eff */
};

/* Walk va through s.  Fails only for a VA outside the mode's address space
 * (non-canonical, or above 4 GiB on 32-bit modes); a VA that does not map is
 * a successful walk with x->status != PTW_MAPPED. */
int ptw_translate(const struct ptw_space *s, uint64_t va, struct ptw_xlat *x,
		  struct ptw_error *err);

/* A small per-caller cache of recent translations (not shared between
 * threads): the pages and unmapped stretches met last, and the tables the
 * last walk entered (as a CPU's paging-structure caches keep them), so that
 * a nearby VA walks only the levels below the tables it shares.  The dump
 * never changes, so nothing in it goes stale; it notices when it is used
 * with another space and starts afresh.  Zero-initialise it, or call
 * ptw_tlb_reset, before first use. */
#define PTW_TLB_SLOTS 8
struct ptw_tlb {
	/* whose: the space's identity, as ptw_space_init set it */
	const ptw_dump *dump;
	const struct ptw_mode *mode;
	uint64_t root[2];
	enum ptw_os os;
	unsigned next;
	struct {
		uint64_t start, size;  /* size 0: empty slot */
		uint64_t pa;           /* PA of start, when mapped */
		bool mapped;
	} slot[PTW_TLB_SLOTS];
	uint64_t pwc_va;                       /* the last walk's VA */
	unsigned pwc_depth;                    /* levels below held: 0 empty */
	uint64_t pwc_table[PTW_MAX_LEVELS];    /* table entered at each level */
	uint64_t pwc_acc[PTW_MAX_LEVELS];      /* rights granted above it */
	const uint8_t *pwc_ptr[PTW_MAX_LEVELS];/* its bytes in the file, or NULL */
	/* The last-level table entered last, held whole by the file, with what
	 * ptw_vtop's hit path needs of the mode unpacked: the VAs it maps are
	 * those with va >> tag_shift == tag, through entries e with
	 * (e & want_mask) == want and no rsvd bit.  tab NULL: none. */
	struct {
		const uint8_t *tab;
		uint64_t tag, want_mask, want, rsvd, frame;
		uint8_t tag_shift, shift, esz;
		uint16_t index_mask;
	} leaf;
};
void ptw_tlb_reset(struct ptw_tlb *t);

/* The physical address of va, for callers that need nothing else: 0 when
 * va maps (*pa set), 1 when it does not, -1 for a VA outside the mode's
 * address space.  The same walk and the same checks as ptw_translate (holes,
 * reserved bits, partly-held tables, Windows transition pages), without
 * recording the steps.  tlb may be NULL; with one, nearby VAs reuse the
 * tables walked last. */
int ptw_vtop(const struct ptw_space *s, struct ptw_tlb *tlb, uint64_t va,
	     uint64_t *pa);

/* Copy len bytes of virtual memory at va into buf: unmapped bytes and bytes
 * of pages outside the dump read as zeros.  Returns the number of bytes that
 * were mapped and backed by the dump.  va should be valid for the mode (a
 * vmem offset turned into a VA by ptw_mode_va_from_offset always is); an
 * invalid one reads as unmapped. */
size_t ptw_vread(const struct ptw_space *s, struct ptw_tlb *tlb, uint64_t va,
		 void *buf, size_t len);

/* ---- iteration ---------------------------------------------------------- */

/* A run of mappings contiguous in VA and PA with one page size and the same
 * effective flags. */
struct ptw_run {
	uint64_t va, size, pa;
	uint64_t page_size;
	uint64_t eff;              /* effective flags, as in struct ptw_xlat;
				    * P clear for pages read through Windows
				    * transition PTEs (see ptw_soft_resident) */
};

struct ptw_iter_stats {
	uint64_t pages[PTW_MAX_LEVELS]; /* pages mapped, by the level that maps
				    * them (its span is their size) */
	uint64_t tables;           /* tables read */
	uint64_t reserved;         /* present entries skipped for reserved bits */
	uint64_t holes;            /* tables outside the dump, skipped */
	uint64_t revisits;         /* tables met again at the same level */
	bool truncated;            /* stopped at the revisit bound (a loop) */
};

/* Called for each run in ascending VA order; return non-zero to stop. */
typedef int (*ptw_run_fn)(void *ctx, const struct ptw_run *run);

/* Visit the mappings of s whose pages meet [va_from, va_to] (inclusive,
 * canonical VAs; pages are reported whole), coalesced into runs.  Page tables that loop or share
 * subtrees are followed a bounded number of times; stats reports it. */
int ptw_iterate(const struct ptw_space *s, uint64_t va_from, uint64_t va_to,
		ptw_run_fn fn, void *ctx, struct ptw_iter_stats *stats,
		struct ptw_error *err);

/* Asked of each non-zero entry before the iteration maps or descends
 * through it: its level, the VA offset its span starts at (the upper half
 * folded, as vmem's offsets) and its value; false leaves its span out, as
 * if unmapped. */
typedef bool (*ptw_enter_fn)(void *ctx, unsigned lvl, uint64_t off, uint64_t e);

/* ptw_iterate, leaving out what enter refuses (enter NULL: nothing). */
int ptw_iterate_where(const struct ptw_space *s, uint64_t va_from, uint64_t va_to,
		      ptw_enter_fn enter, void *enter_ctx, ptw_run_fn fn, void *ctx,
		      struct ptw_iter_stats *stats, struct ptw_error *err);

/* ---- discovery ---------------------------------------------------------- */

/* A process the user names (--process, or a --processes listing). */
struct ptw_process_spec {
	int64_t cid;
	uint64_t dirbase;
	char name[PTW_NAME_MAX];
	int64_t ppid;            /* -1 when unknown */
	uint64_t object;         /* its EPROCESS (the listing's PROCESS), or 0 */
};

struct ptw_discover_opts {
	const struct ptw_mode *mode;           /* NULL: detect */
	const uint64_t *dirbases;              /* --dirbase */
	size_t ndirbases;
	const struct ptw_process_spec *procs;  /* --process */
	size_t nprocs;
	const struct ptw_process_spec *listing;/* --processes FILE */
	size_t nlisting;
	bool no_kernel_data;                   /* owners only from the user */
	bool no_scan;                          /* skip the physical scan */
	enum ptw_os os;                        /* PTW_OS_UNKNOWN: detect */
	unsigned threads;                      /* scan threads; 0: one per CPU */
	/* Progress of the scan (NULL: none): called with the bytes of memory
	 * covered so far and the total, from the thread that called
	 * ptw_discover, first with done 0, then at most about 10 times a
	 * second, with done never decreasing; the last call has done == total
	 * (also when the scan stops on an error).  Not called without a scan. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

struct ptw_scan_stats {
	uint64_t pages;            /* physical pages covered: every whole page
				    * the dump holds */
	uint64_t pages_hole;       /* of those, skipped unread: holes of a
				    * sparse file (SEEK_DATA), zeros */
	uint64_t pages_zero;       /* read, all zero: rejected at once */
	uint64_t pages_bad;        /* could not be read (I/O error, a
				    * compressed page that does not decode) */
	uint64_t bytes_read;       /* read from the file or decompressed */
	bool vmcoreinfo;           /* the pass also searched for VMCOREINFO */
	double seconds;            /* wall time of the scan */
	unsigned threads;
};

/* ---- virtual machines in a host's dump (discover/vm.c) ----------------------
 *
 * A hypervisor host's memory holds its guests' too, behind nested page
 * tables.  The scan's pass looks for AMD SVM's VMCBs (AMD64 APM vol. 2,
 * appendix B; Linux's arch/x86/include/asm/svm.h): pages whose control
 * area enables nested paging and whose state-save area holds a guest
 * that VMRUN would accept.  VMCBs with one nested root (N_CR3) are one
 * VM's vCPUs; the VM is known by that root.  A guest's physical memory
 * is then a dump of its own (ptw_vm_open), whose reads go through the
 * nested table, so that discovery, owners and views apply to it as to
 * any dump. */

/* One vCPU of a guest, as its VMCB holds it: the guest's registers as of
 * the last #VMEXIT (a vCPU running at the dump has newer ones in the CPU
 * note; cpu says which). */
struct ptw_vmcb {
	uint64_t pa;               /* host PA of the VMCB page */
	uint32_t asid;
	uint64_t nested_cr3;       /* the nested table's root */
	uint64_t exit_code, exit_info1, exit_info2;
	uint64_t efer, cr0, cr3, cr4, rip, rsp, rflags;
	int cpu;                   /* the dump's vCPU whose note holds this
				    * guest's state (it was in the guest at the
				    * dump), or -1 */
	uint64_t hsave;            /* the host-save page whose saved RAX names
				    * this VMCB (the host's last VMRUN of it),
				    * or 0 */
};

struct ptw_vm {
	uint64_t id;               /* the nested root (host PA): /vm/<id> */
	const struct ptw_mode *npt;/* the nested table's format: the host's
				    * 4 or 5 levels ("npt4", "npt5") */
	const struct ptw_mode *guest_mode; /* NULL: the guest runs unpaged */
	char mode_how[128];        /* how guest_mode was decided */
	struct ptw_vmcb *vcpus;    /* sorted by VMCB address */
	size_t nvcpus;
	uint64_t host_cr3;         /* the VMM process's table, from a host-save
				    * area naming one of the VMCBs; 0: none */
	uint64_t mapped;           /* guest bytes the nested table maps */
	uint64_t runs;             /* its runs (npt-maps lines) */
};

/* A page that looked like a VMCB or a host-save area and was dropped. */
struct ptw_vm_reject {
	uint64_t pa;
	char why[160];
};
#define PTW_VM_REJECTS_MAX 64

/* A host-save area (MSR VM_HSAVE_PA's page): its format is the CPU's own,
 * but QEMU, and so the dumps it takes, write it as a VMCB's save area. */
struct ptw_hsave {
	uint64_t pa;
	uint64_t cr3;              /* the host's table at the VMRUN */
	uint64_t rax;              /* VMRUN's operand: the VMCB it ran */
};

struct ptw_vms {
	bool searched;             /* false: no scan, or no x86 dump */
	/* How the host's paging mode, which the nested tables were read in,
	 * was decided ("from VMCOREINFO", "from a host-save area", ...). */
	const char *host_from;
	struct ptw_vm *v;          /* sorted by id */
	size_t n;
	size_t ncands;             /* pages the pass kept as candidates */
	bool capped;               /* it stopped keeping them at its limit */
	struct ptw_vm_reject *rejected; /* the first PTW_VM_REJECTS_MAX */
	size_t nrejected;          /* all of them */
	struct ptw_hsave *hsave;
	size_t nhsave;
	/* Host memory the guests' nested tables map (sorted, merged): tables
	 * found there are a guest's, left to its tree, not the host's. */
	struct ptw_range *guest_mem;
	size_t nguest_mem;
};

struct ptw_spaces {
	const struct ptw_mode *mode;
	char mode_how[128];        /* how the mode was chosen */
	enum ptw_os os;
	char os_how[96];           /* how the OS was decided */
	size_t n;
	struct ptw_space *v;       /* sorted by dirbase */
	struct ptw_scan_stats scan;
	char owners_how[768];      /* how owners were found, or why not */
	/* Split modes (AArch64): the kernel's table, every space's upper
	 * root (PTW_NO_ROOT when unknown). */
	uint64_t upper_root;
	uint32_t os_release;       /* the kernel's, as struct ptw_space's */
	struct ptw_vms vms;        /* the guests found in memory */
	/* vCPUs of the dump that were running a guest at the dump: their
	 * registers are the guest's, not the host's (bit i: vCPU index i,
	 * for the first 64). */
	uint64_t cpus_in_guest;
};

/* The VM of nested root id, or NULL. */
const struct ptw_vm *ptw_vms_find(const struct ptw_vms *vms, uint64_t id);

/* The guest's physical memory as a dump of its own, over host (which must
 * outlive it): each run of the nested table a segment of the host's
 * bytes, the rest holes; its vCPUs' registers from the VMCBs (the CPU
 * note's where a vCPU was in the guest).  Close it with ptw_dump_close. */
int ptw_vm_open(const ptw_dump *host, const struct ptw_vm *vm,
		ptw_dump **guest, struct ptw_error *err);

/* The host-physical address behind guest-physical pa of a guest's dump
 * (ptw_vm_open's); false when pa is a hole or d is no guest's. */
bool ptw_dump_host_pa(const ptw_dump *d, uint64_t pa, uint64_t *host_pa);

/* The nested table as a space over the host's memory: offsets are guest
 * physical addresses; os is the host's (a Linux host's tables are KVM's,
 * whose software bits the entries name). */
int ptw_vm_nested_space(const ptw_dump *host, const struct ptw_vm *vm,
			enum ptw_os os, struct ptw_space *out,
			struct ptw_error *err);

/* Find the paging mode and the address spaces of a dump: the command line,
 * the dump's own records (vCPU CR3s, VMCOREINFO) and a scan of physical
 * memory, merged by DirBase. */
int ptw_discover(const ptw_dump *d, const struct ptw_discover_opts *o,
		 struct ptw_spaces *out, struct ptw_error *err);
void ptw_spaces_free(struct ptw_spaces *sp);
/* A space over dirbase as discovery makes them (sp's mode, OS and the
 * upper root of split modes; the kernel's own table has no lower one),
 * for tables it did not list. */
int ptw_spaces_open(const struct ptw_spaces *sp, const ptw_dump *d,
		    uint64_t dirbase, struct ptw_space *out, struct ptw_error *err);
const struct ptw_space *ptw_spaces_find(const struct ptw_spaces *sp,
					uint64_t dirbase);

/* "cmdline, cr3 (cpu 0), scan: shares the kernel half" */
void ptw_found_string(const struct ptw_space *s, char *buf, size_t bufsz);

/* Parse "CID:DIRBASE[:NAME]" (CID decimal or 0x hex, DIRBASE hex). */
int ptw_parse_process_spec(const char *text, struct ptw_process_spec *out,
			   struct ptw_error *err);
/* Parse the text of WinDbg's `!process 0 0` (PROCESS blocks with SessionId,
 * Cid, Peb, ParentCid, DirBase, ObjectTable, HandleCount and Image) into a
 * malloc'd array of *n specs; DirBase and Cid are required in each block. */
int ptw_parse_process_listing(const char *text, size_t len,
			      struct ptw_process_spec **out, size_t *n,
			      struct ptw_error *err);

/* Parse a hex address, with or without 0x. */
int ptw_parse_hex(const char *text, uint64_t *out, struct ptw_error *err);

#ifdef __cplusplus
}
#endif
#endif
