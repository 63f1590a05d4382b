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
#define X86_64                                                                  \
	.arch = &ptw_arch_x86, .entry_size = 8, .canonical = true, .nx = true,  \
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

static const struct ptw_mode modes[] = {
	{
		.id = PTW_MODE_X86, .name = "x86", .title = "32-bit x86",
		.arch = &ptw_arch_x86,
		.nlevels = 2, .entry_size = 4, .va_bits = 32,
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
		.nlevels = 3, .entry_size = 8, .va_bits = 32,
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
};

const struct ptw_mode *ptw_mode_get(enum ptw_mode_id id)
{
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (modes[i].id == id)
			return &modes[i];
	return NULL;
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
	};
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(name, aliases[i].alias) == 0)
			return ptw_mode_get(aliases[i].id);
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

void ptw_rights_string(const struct ptw_mode *m, unsigned lvl, uint64_t eff,
		       char *buf)
{
	m->arch->rights_string(m, lvl, eff, buf);
}

void ptw_decode_entry(const struct ptw_mode *m, enum ptw_os os, unsigned lvl,
		      uint64_t e, uint64_t max_pfn, struct ptw_swpte *o)
{
	memset(o, 0, sizeof *o);
	if (e == 0)
		o->kind = PTW_SW_ZERO;
	else if (pt_valid(m, lvl, e))
		o->kind = PTW_SW_VALID;
	else
		m->arch->decode(m, os, lvl, e, max_pfn, o);
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
