/* paging/mode.c — the paging modes as data (x86: Intel SDM vol. 3, ch. 4).
 *
 * Each mode is a table of levels, top first: which VA bits index it, and
 * what an entry there is (valid bit, leaf test, reserved encoding and bits,
 * address masks, displaced address bits, the rights it passes down), with
 * its names; and the mode's architecture (struct ptw_arch: paging/x86.c)
 * for the rest.  walk.c and iterate.c read only these, so a mode is one
 * entry here, and an architecture one file beside this one.
 *
 * What we cannot know from a dump we assume, as every OS in use does:
 * CR4.PSE on for 32-bit paging, EFER.NXE on for PAE and 4/5-level.  MAXPHYADDR
 * is unknown too, so address bits 51:MAXPHYADDR are not checked: an entry
 * pointing past the dump's memory meets a hole instead.
 */
#include "paging/paging.h"

#include <string.h>

/* Large-page entries: the address bits between PAT (bit 12) and the page
 * size must be zero. */
#define RSVD_2M  0x00000000001fe000ULL /* bits 20:13 */
#define RSVD_1G  0x000000003fffe000ULL /* bits 29:13 */
/* 32-bit 4 MiB PDE with PSE-36: bits 20:13 are PA 39:32; bit 21 is reserved. */
#define RSVD_4M  0x0000000000200000ULL
/* PAE PDPTE (loaded into the PDPTE registers): bits 2:1 and 8:6 and 63:52
 * are reserved.  Bit 5 is formally reserved as well, but QEMU's TCG sets A
 * in PDPTEs (the real dumps have 0x...021), so it is tolerated. */
#define RSVD_PAE_PDPTE 0xfff00000000001c6ULL
/* PAE PDE/PTE: bits 62:52 reserved (there are no software bits up there). */
#define RSVD_PAE_HIGH  0x7ff0000000000000ULL
#define FRAME_64 0x000ffffffffff000ULL
#define FRAME_32 0x00000000fffff000ULL
/* PSE-36: a 4 MiB PDE's bits 20:13 are PA bits 39:32. */
#define PSE36 { 13, 8, 32 }
#define NO_OA { 0, 0, 0 }
/* WinDbg's !pte has no column for PAE's PDPTE: the notes on one that is
 * not valid go past every column (windbg.c clamps them there). */
#define NO_COLUMN 255

/* One x86 level: its names (the entry's, its table's directory, WinDbg's
 * !pte column with where it starts, and WinDbg's !vtop step), the VA bits
 * it indexes, whether PS maps a page there, whether R/W, U/S (and XD, where
 * the mode has it) apply, its reserved bits (in every valid entry, and
 * further ones in a large page), and PSE-36; the masks the walk reads
 * follow from these.  P is the valid bit; every valid entry of the 4 KiB
 * level maps a page, elsewhere PS does where large pages are; x86 has no
 * reserved encoding. */
#define X86_LEVEL(nx, frame, entry, dir, pte, col, vtop, sh, nb, large,        \
		  rights, rsvd, rsvd_large, oa)                                  \
	{ .entry_name = entry, .dir_name = dir, .shift = sh, .bits = nb,        \
	  .index_mask = (1ULL << (nb)) - 1, .valid = PTW_P,                    \
	  .leaf_mask = (large) ? PTW_PS : 0,                                   \
	  .leaf_value = (large) ? PTW_PS : (sh) == 12 ? 0 : 1,                 \
	  .bad_mask = 0, .bad_value = 1,                                       \
	  .rsvd_table = (rsvd), .rsvd_leaf = (rsvd) | (rsvd_large),            \
	  .check_table = PTW_P | (rsvd), .check_leaf = PTW_P | (rsvd) | (rsvd_large),\
	  .addr_table = (frame), .addr_leaf = (frame) & ~((1ULL << (sh)) - 1), \
	  .oa_table = NO_OA, .oa_leaf = oa,                                    \
	  .rights_and = (rights) ? PTW_RW | PTW_US : 0,                        \
	  .rights_or = (rights) && (nx) ? PTW_XD : 0,                          \
	  .windbg_pte = pte, .windbg_col = col, .windbg_vtop = vtop }

/* WinDbg's letters show these bits (x86.c): GLDANTUWV, and C and E with
 * XD. */
#define FLAGS_9  (PTW_P | PTW_RW | PTW_US | PTW_PWT | PTW_PCD | PTW_A | PTW_D | PTW_G)
#define FLAGS_11 (FLAGS_9 | 0x200ULL | PTW_XD)
/* CR3's bits besides the table: PCID or PWT/PCD (11:0; 4:0 with PAE's
 * 32-byte aligned PDPT); on x86-64 also no-flush (63) as MOV to CR3 takes
 * it and LAM (61, 62). */
#define CR3_FLAGS_64 (0xfffULL | 7ULL << 61)

/* x86-64, 4- and 5-level alike but for the PML5: the mode's facts, and the
 * four levels from the PML4 down, their !pte columns from col on. */
#define X86_64 X86_64_FORM(true)
/* canonical: offsets are sign-extended VAs (false: nested tables' guest
 * physical addresses) */
#define X86_64_FORM(canon)                                                      \
	.arch = &ptw_arch_x86, .entry_size = 8, .canonical = (canon), .nx = true,\
	.page_shift = 12,                                                        \
	.flag_columns = 11, .flag_bits = FLAGS_11, .dirbase_mask = FRAME_64,    \
	.root_flags = CR3_FLAGS_64, .dirbase_rule = "page-aligned, within 52 bits",\
	.walk_plain = true, .windbg = { .cpu = "Amd64" }
#define X86_64_PML4(col)                                                        \
	X86_LEVEL(true, FRAME_64, "PML4E", "pml4", "PXE", (col), "PML4E",       \
		  39, 9, false, true, PTW_PS, 0, NO_OA),                        \
	X86_LEVEL(true, FRAME_64, "PDPTE", "pdpt", "PPE", (col) + 27, "PDPE",   \
		  30, 9, true, true, 0, RSVD_1G, NO_OA),                        \
	X86_LEVEL(true, FRAME_64, "PDE", "pd", "PDE", (col) + 54, "PDE",        \
		  21, 9, true, true, 0, RSVD_2M, NO_OA),                        \
	X86_LEVEL(true, FRAME_64, "PTE", "pt", "PTE", (col) + 81, "PTE",        \
		  12, 9, false, true, 0, 0, NO_OA)

/* ---- AArch64 (ARM ARM D8: VMSAv8-64 stage 1; facts in aarch64.md) -----
 *
 * One mode per granule (2^g bytes: g = 12, 14, 16) and VA size va (36 to
 * 52 bits per half, 64 - TnSZ), every field computed from those two by the
 * macros below.  Each level of a table of 2^(g-3) entries resolves g - 3
 * bits; the levels are those the VA needs (Linux's ARM64_HW_PGTABLE_LEVELS:
 * (va - 4) / (g - 3)), the top one resolving the rest, so a top table may
 * hold fewer entries than a page (16 KiB, 48-bit: 2).  Levels are numbered
 * as ARM numbers them: the last is 3, the first 4 - n (-1 for 4 KiB pages
 * and 52 bits). */
#define A64_N(g, va) (((va) - 4) / ((g) - 3))
/* Level i of the mode's n (top first): the lowest VA bit it resolves, and
 * ARM's number of it. */
#define A64_SHIFT(g, va, i) ((g) + ((g) - 3) * (A64_N(g, va) - 1 - (i)))
#define A64_ARM(g, va, i) (4 - A64_N(g, va) + (i))
#define A64_USED(g, va, i) ((i) < A64_N(g, va))
/* FEAT_LPA2 (TCR_EL1.DS): 4 and 16 KiB granules past 48 bits. */
#define A64_LPA2(g, va) ((g) < 16 && (va) > 48)
/* Bits hi..lo of a mask (none when hi < lo). */
#define A64_BITS(hi, lo) ((hi) < (lo) ? 0 : (~0ULL >> (63 - (hi))) & (~0ULL << (lo)))
#define A64_MIN(a, b) ((a) < (b) ? (a) : (b))
/* Where a block may be (AArch64.BlockDescSupported): level 2 always; level
 * 1 with 4 KiB, with 64 KiB (4 TiB, read as FEAT_LPA) and with 16 KiB
 * under LPA2; level 0 with 4 KiB under LPA2. */
#define A64_BLOCK(g, va, a)                                                     \
	((a) == 2 || ((a) == 1 && ((g) != 14 || A64_LPA2(g, va))) ||            \
	 ((a) == 0 && (g) == 12 && A64_LPA2(g, va)))
#define A64_LAST(g, va, i) ((i) == A64_N(g, va) - 1)
/* Output address bits 47:g (LPA2: 49:g) in place, and the displaced ones:
 * LPA2's 51:50 in bits 9:8, 64 KiB's (FEAT_LPA) 51:48 in bits 15:12. */
#define A64_OA_HI(g, va) (A64_LPA2(g, va) ? 49 : 47)
#define A64_OA(g, va)                                                           \
	{ .from = (g) == 16 ? 12 : A64_LPA2(g, va) ? 8 : 0,                     \
	  .width = (g) == 16 ? 4 : A64_LPA2(g, va) ? 2 : 0,                     \
	  .to = (g) == 16 ? 48 : A64_LPA2(g, va) ? 50 : 0 }
/* RES0 bits a valid entry must not set (conservative: only those no later
 * feature took; aarch64.md 2.5).  Tables: bit 50, 49:48 without LPA2, and
 * 13:12 below a 16 KiB table's address.  Leaves: 49:48 without LPA2, and
 * under a block's address the bits from 17 up and 15:12 (bit 16 is
 * FEAT_BBM's nT; 64 KiB's 15:12 are address bits). */
#define A64_RSVD_TABLE(g, va)                                                   \
	((1ULL << 50) | (A64_LPA2(g, va) ? 0 : A64_BITS(49, 48)) |              \
	 ((g) == 14 ? A64_BITS(13, 12) : 0))
#define A64_RSVD_LEAF(g, va, sh)                                                \
	((A64_LPA2(g, va) ? 0 : A64_BITS(49, 48)) | A64_BITS((sh) - 1, 17) |     \
	 ((g) < 16 ? A64_BITS(A64_MIN(sh, 16) - 1, 12) : 0))
/* Names by ARM's number (4-byte slots from level -1), and WinDbg's by
 * distance from the last level, as its ARM64 !pte keeps x64's (6-byte
 * slots): address constants, so the table stays static data. */
#define A64_SLOT(str, w, k) ((str) + (w) * (k))
#define A64_K(g, va, i) (A64_USED(g, va, i) ? A64_N(g, va) - 1 - (i) : 0)
#define A64_A(g, va, i) (A64_USED(g, va, i) ? A64_ARM(g, va, i) + 1 : 0)
#define A64_LEVEL(g, va, i)                                                     \
	{ .entry_name = A64_SLOT("L-1\0L0\0\0L1\0\0L2\0\0L3", 4, A64_A(g, va, i)), \
	  .dir_name = A64_SLOT("l-1\0l0\0\0l1\0\0l2\0\0l3", 4, A64_A(g, va, i)),   \
	  .shift = A64_USED(g, va, i) ? A64_SHIFT(g, va, i) : 0,                \
	  .bits = !A64_USED(g, va, i) ? 0                                       \
		  : (i) == 0 ? (va) - A64_SHIFT(g, va, 0) : (g) - 3,            \
	  .index_mask = !A64_USED(g, va, i) ? 0                                 \
			: (i) == 0 ? (1ULL << ((va) - A64_SHIFT(g, va, 0))) - 1         \
				   : (1ULL << ((g) - 3)) - 1,                   \
	  .valid = PTW_A64_VALID,                                               \
	  .leaf_mask = A64_LAST(g, va, i) || A64_BLOCK(g, va, A64_ARM(g, va, i)) ? 3 : 0,\
	  .leaf_value = A64_LAST(g, va, i) ? 3 : 1,                             \
	  .bad_mask = !A64_LAST(g, va, i) && A64_BLOCK(g, va, A64_ARM(g, va, i)) ? 0 : 3,\
	  .bad_value = 1,                                                       \
	  .rsvd_table = A64_RSVD_TABLE(g, va),                                  \
	  .rsvd_leaf = A64_RSVD_LEAF(g, va, A64_USED(g, va, i) ? A64_SHIFT(g, va, i) : (g)),\
	  .check_table = PTW_A64_VALID | A64_RSVD_TABLE(g, va),                 \
	  .check_leaf = PTW_A64_VALID |                                         \
			A64_RSVD_LEAF(g, va, A64_USED(g, va, i) ? A64_SHIFT(g, va, i) : (g)),\
	  .addr_table = A64_BITS(A64_OA_HI(g, va), g),                          \
	  .addr_leaf = A64_BITS(A64_OA_HI(g, va),                               \
				A64_USED(g, va, i) ? A64_SHIFT(g, va, i) : (g)),  \
	  .oa_table = A64_OA(g, va), .oa_leaf = A64_OA(g, va),                  \
	  .rights_and = 0,                                                      \
	  .rights_or = PTW_A64_PXNTABLE | PTW_A64_UXNTABLE | PTW_A64_APT_USER | \
		       PTW_A64_APT_RO,                                          \
	  .windbg_pte = A64_SLOT("PTE\0\0\0PDE\0\0\0PPE\0\0\0PXE\0\0\0PML5E", 6, A64_K(g, va, i)),\
	  .windbg_col = 27 * (i),                                               \
	  .windbg_vtop = A64_SLOT("PTE\0\0\0PDE\0\0\0PDPE\0\0PML4E\0PML5E", 6, A64_K(g, va, i)) }
/* The top table is aligned to its size, and with 52-bit output addresses
 * to at least 64 bytes (such a TTBR holds address bits 51:48 in 5:2); the
 * TTBR's other bits are its ASID and CnP. */
#define A64_PA_HI(g, va) ((g) == 16 || A64_LPA2(g, va) ? 51 : 47)
#define A64_TOP_BYTES_LOG2(g, va) ((va) - A64_SHIFT(g, va, 0) + 3)
#define A64_TOP_ALIGN(g, va)                                                    \
	(A64_PA_HI(g, va) == 51 && A64_TOP_BYTES_LOG2(g, va) < 6 ? 6            \
						       : A64_TOP_BYTES_LOG2(g, va))
/* The letters' bits (aarch64.c): the contiguous hint is shown in entries
 * but left out here, so that maps coalesces across runs of it. */
#define A64_FLAG_BITS                                                           \
	(PTW_A64_VALID | PTW_A64_TABLE | PTW_A64_USER | PTW_A64_RDONLY |         \
	 PTW_A64_AF | PTW_A64_NG | PTW_A64_DBM | PTW_A64_PXN | PTW_A64_UXN)
#define A64_MODE(g, gk, gname, va)                                              \
	{ .id = PTW_MODE_AARCH64, .name = "arm64-" #gk "-" #va,                 \
	  .title = "AArch64 " gname " granule, " #va "-bit VA",                 \
	  .arch = &ptw_arch_aarch64, .nlevels = A64_N(g, va), .entry_size = 8,  \
	  .va_bits = (va) + 1, .canonical = true, .split = true, .nx = true,    \
	  .root_dir = { "ttbr0", "ttbr1" },                                     \
	  .flag_columns = 10, .flag_bits = A64_FLAG_BITS, .page_shift = (g),    \
	  .dirbase_mask = A64_BITS(A64_PA_HI(g, va), A64_TOP_ALIGN(g, va)),      \
	  .root_flags = (A64_PA_HI(g, va) == 47 ? A64_BITS(63, 48) : 0) |        \
			A64_BITS(A64_TOP_ALIGN(g, va) - 1, 0),                  \
	  .dirbase_rule = A64_PA_HI(g, va) == 47 ? "aligned to the top table's size, within 48 bits"\
						 : "aligned to the top table's size, within 52 bits",\
	  .walk_plain = false, .windbg = { .cpu = "Arm64" },                    \
	  .level = { A64_LEVEL(g, va, 0), A64_LEVEL(g, va, 1), A64_LEVEL(g, va, 2),\
		     A64_LEVEL(g, va, 3), A64_LEVEL(g, va, 4) } }
#define A64_GRANULE(g, gk, gname)                                               \
	A64_MODE(g, gk, gname, 36), A64_MODE(g, gk, gname, 37),                 \
	A64_MODE(g, gk, gname, 38), A64_MODE(g, gk, gname, 39),                 \
	A64_MODE(g, gk, gname, 40), A64_MODE(g, gk, gname, 41),                 \
	A64_MODE(g, gk, gname, 42), A64_MODE(g, gk, gname, 43),                 \
	A64_MODE(g, gk, gname, 44), A64_MODE(g, gk, gname, 45),                 \
	A64_MODE(g, gk, gname, 46), A64_MODE(g, gk, gname, 47),                 \
	A64_MODE(g, gk, gname, 48), A64_MODE(g, gk, gname, 49),                 \
	A64_MODE(g, gk, gname, 50), A64_MODE(g, gk, gname, 51),                 \
	A64_MODE(g, gk, gname, 52)

static const struct ptw_mode modes[] = {
	{
		.id = PTW_MODE_X86, .name = "x86", .title = "32-bit x86",
		.arch = &ptw_arch_x86,
		.nlevels = 2, .entry_size = 4, .va_bits = 32, .page_shift = 12,
		.canonical = false, .nx = false,
		.flag_columns = 9, .flag_bits = FLAGS_9,
		.dirbase_mask = 0xfffff000ULL, .root_flags = 0xfffULL,
		.dirbase_rule = "page-aligned, below 4 GiB",
		.walk_plain = false, /* PSE-36 */
		.windbg = { .cpu = "X86", .two_column = true },
		.level = {
			X86_LEVEL(false, FRAME_32, "PDE", "pd", "PDE", 8, "PDE",
				  22, 10, true, true, 0, RSVD_4M, PSE36),
			X86_LEVEL(false, FRAME_32, "PTE", "pt", "PTE", 36, "PTE",
				  12, 10, false, true, 0, 0, NO_OA),
		},
	},
	{
		.id = PTW_MODE_PAE, .name = "pae", .title = "32-bit PAE",
		.arch = &ptw_arch_x86,
		.nlevels = 3, .entry_size = 8, .va_bits = 32, .page_shift = 12,
		.canonical = false, .nx = true,
		.flag_columns = 11, .flag_bits = FLAGS_11,
		.dirbase_mask = 0xffffffe0ULL, .root_flags = 0x1fULL,
		.dirbase_rule = "32-byte aligned, below 4 GiB",
		.walk_plain = true,
		.pae_selfmap = true,
		.windbg = { .cpu = "X86", .pae = true },
		.level = {
			X86_LEVEL(true, FRAME_64, "PDPTE", "pdpt", NULL, NO_COLUMN, "PDPE",
				  30, 2, false, false, RSVD_PAE_PDPTE, 0, NO_OA),
			X86_LEVEL(true, FRAME_64, "PDE", "pd", "PDE", 0, "PDE",
				  21, 9, true, true, RSVD_PAE_HIGH, RSVD_2M, NO_OA),
			X86_LEVEL(true, FRAME_64, "PTE", "pt", "PTE", 27, "PTE",
				  12, 9, false, true, RSVD_PAE_HIGH, 0, NO_OA),
		},
	},
	{
		.id = PTW_MODE_X64, .name = "x64", .title = "x86-64 4-level",
		X86_64, .nlevels = 4, .va_bits = 48,
		.level = { X86_64_PML4(0) },
	},
	{
		.id = PTW_MODE_LA57, .name = "la57", .title = "x86-64 5-level (LA57)",
		X86_64, .nlevels = 5, .va_bits = 57,
		.level = {
			X86_LEVEL(true, FRAME_64, "PML5E", "pml5", "PML5E", 0, "PML5E",
				  48, 9, false, true, PTW_PS, 0, NO_OA),
			X86_64_PML4(27),
		},
	},
	/* AMD's nested page tables (APM vol. 2, 15.25): the long-mode
	 * format of the host's own paging mode (4 or 5 levels, whatever mode
	 * the guest runs in), walked with guest-physical addresses, which
	 * are not sign-extended: offset = guest PA.  Every access through
	 * them is a user access, so their entries carry U/S throughout. */
	{
		.id = PTW_MODE_NPT, .name = "npt4", .title = "AMD64 nested (NPT) 4-level",
		X86_64_FORM(false), .nlevels = 4, .va_bits = 48,
		.level = { X86_64_PML4(0) },
	},
	{
		.id = PTW_MODE_NPT, .name = "npt5", .title = "AMD64 nested (NPT) 5-level",
		X86_64_FORM(false), .nlevels = 5, .va_bits = 57,
		.level = {
			X86_LEVEL(true, FRAME_64, "PML5E", "pml5", "PML5E", 0, "PML5E",
				  48, 9, false, true, PTW_PS, 0, NO_OA),
			X86_64_PML4(27),
		},
	},
	/* The first AArch64 mode with 4 KiB pages and 48 bits is the one
	 * ptw_mode_get(PTW_MODE_AARCH64) gives. */
	A64_GRANULE(12, 4k, "4 KiB"),
	A64_GRANULE(14, 16k, "16 KiB"),
	A64_GRANULE(16, 64k, "64 KiB"),
};

#define NMODES (sizeof modes / sizeof modes[0])

const struct ptw_mode *ptw_mode_aarch64(unsigned page_shift, unsigned va_bits)
{
	for (size_t i = 0; i < NMODES; i++)
		if (modes[i].id == PTW_MODE_AARCH64 &&
		    modes[i].page_shift == page_shift && modes[i].va_bits == va_bits + 1)
			return &modes[i];
	return NULL;
}

const struct ptw_mode *ptw_mode_get(enum ptw_mode_id id)
{
	if (id == PTW_MODE_AARCH64)
		return ptw_mode_aarch64(12, 48);
	for (size_t i = 0; i < NMODES; i++)
		if (modes[i].id == id)
			return &modes[i];
	return NULL;
}

const struct ptw_mode *ptw_mode_at(size_t i)
{
	return i < NMODES ? &modes[i] : NULL;
}

const struct ptw_mode *ptw_mode_find(const char *name)
{
	static const struct { const char *alias; enum ptw_mode_id id; } aliases[] = {
		{ "x86", PTW_MODE_X86 }, { "i386", PTW_MODE_X86 },
		{ "pae", PTW_MODE_PAE },
		{ "x64", PTW_MODE_X64 }, { "x86-64", PTW_MODE_X64 },
		{ "x86_64", PTW_MODE_X64 }, { "amd64", PTW_MODE_X64 },
		{ "4level", PTW_MODE_X64 },
		{ "la57", PTW_MODE_LA57 }, { "5level", PTW_MODE_LA57 },
		{ "npt", PTW_MODE_NPT },
		{ "arm64", PTW_MODE_AARCH64 }, { "aarch64", PTW_MODE_AARCH64 },
	};
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(name, aliases[i].alias) == 0)
			return ptw_mode_get(aliases[i].id);
	for (size_t i = 0; i < NMODES; i++)
		if (strcmp(name, modes[i].name) == 0)
			return &modes[i];
	return NULL;
}

bool ptw_dirbase_from_cr3(const struct ptw_mode *m, uint64_t cr3, uint64_t *out)
{
	*out = cr3 & m->dirbase_mask;
	return (cr3 & ~(m->dirbase_mask | m->root_flags)) == 0;
}

uint64_t ptw_mode_va_size(const struct ptw_mode *m)
{
	return 1ULL << m->va_bits;
}

uint64_t ptw_mode_va_from_offset(const struct ptw_mode *m, uint64_t off)
{
	return ptw_sign_extend(m, off & (ptw_mode_va_size(m) - 1));
}

uint64_t ptw_mode_offset_from_va(const struct ptw_mode *m, uint64_t va)
{
	return va & (ptw_mode_va_size(m) - 1);
}

bool ptw_mode_va_valid(const struct ptw_mode *m, uint64_t va)
{
	if (m->canonical)
		return ptw_sign_extend(m, va) == va;
	return va < ptw_mode_va_size(m);
}

uint64_t ptw_level_span(const struct ptw_mode *m, unsigned lvl)
{
	return pt_span(m, lvl);
}

unsigned ptw_level_entries(const struct ptw_mode *m, unsigned lvl)
{
	return 1u << m->level[lvl].bits;
}

bool ptw_level_maps_pages(const struct ptw_mode *m, unsigned lvl)
{
	/* The leaf test can hold: its value lies within its mask. */
	const struct ptw_level *L = &m->level[lvl];
	return lvl + 1 == m->nlevels || (L->leaf_value & ~L->leaf_mask) == 0;
}

/* ---- entries: thin wrappers of paging.h's inline readers of the levels -- */

enum ptw_entry_kind ptw_entry_classify(const struct ptw_mode *m, unsigned lvl,
				       uint64_t e, uint64_t *addr)
{
	uint64_t a;
	enum ptw_entry_kind k = pt_classify(m, lvl, e, &a);
	if (addr)
		*addr = a;
	return k;
}

bool ptw_entry_is_leaf(const struct ptw_mode *m, unsigned lvl, uint64_t e)
{
	return pt_is_leaf(m, lvl, e);
}

uint64_t ptw_entry_address(const struct ptw_mode *m, unsigned lvl, uint64_t e)
{
	return pt_address(m, lvl, e);
}

uint64_t ptw_entry_reserved(const struct ptw_mode *m, unsigned lvl, uint64_t e)
{
	return pt_reserved(m, lvl, e);
}

/* ---- what the architecture says --------------------------------------------- */

void ptw_flags_string(const struct ptw_mode *m, unsigned lvl, uint64_t e,
		      char *buf)
{
	m->arch->flags_string(m, lvl, e, buf);
}

bool ptw_entry_attributes(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			  char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	if (!m->arch->attributes || !size)
		return false;
	m->arch->attributes(m, lvl, e, buf, size);
	return buf[0] != '\0';
}

void ptw_rights_string(const struct ptw_mode *m, unsigned lvl, uint64_t eff,
		       char *buf)
{
	m->arch->rights_string(m, lvl, eff, buf);
}

static uint64_t unlettered(const struct ptw_space *s)
{
	const struct ptw_mode *m = s->mode;
	return m->arch->unlettered ? m->arch->unlettered(m, s->os) : 0;
}

void ptw_space_flags_string(const struct ptw_space *s, unsigned lvl, uint64_t e,
			    char *buf)
{
	s->mode->arch->flags_string(s->mode, lvl, e & ~unlettered(s), buf);
}

void ptw_space_rights_string(const struct ptw_space *s, unsigned lvl, uint64_t eff,
			     char *buf)
{
	s->mode->arch->rights_string(s->mode, lvl, eff & ~unlettered(s), buf);
}

bool ptw_entry_software(const struct ptw_space *s, unsigned lvl, uint64_t e,
			char *buf, size_t size)
{
	const struct ptw_mode *m = s->mode;
	if (size)
		buf[0] = '\0';
	if (!m->arch->software || !size || !pt_valid(m, lvl, e))
		return false;
	m->arch->software(m, s->os, s->os_release, lvl, e, buf, size);
	return buf[0] != '\0';
}

void ptw_decode_entry(const struct ptw_mode *m, enum ptw_os os, uint32_t release,
		      unsigned lvl, uint64_t e, uint64_t max_pfn,
		      struct ptw_swpte *o)
{
	memset(o, 0, sizeof *o);
	if (e == 0)
		o->kind = PTW_SW_ZERO;
	else if (pt_valid(m, lvl, e))
		o->kind = PTW_SW_VALID;
	else
		m->arch->decode(m, os, release, lvl, e, max_pfn, o);
}

bool ptw_soft_resident(const struct ptw_space *s, unsigned lvl, uint64_t e,
		       uint64_t *pfn)
{
	return s->mode->arch->soft_resident(s, lvl, e, pfn);
}

uint64_t ptw_soft_flags(const struct ptw_mode *m, uint64_t acc, uint64_t e)
{
	return m->arch->soft_flags(m, acc, e);
}
