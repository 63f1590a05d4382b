/* paging/mode.c — the paging modes as data (Intel SDM vol. 3, ch. 4).
 *
 * Each mode is a table of levels, top first: which VA bits index it, whether
 * PS maps a page there, whether R/W, U/S and XD apply, which bits are
 * reserved.  walk.c and iterate.c read only these tables, so a mode is one
 * entry here.
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
/* One level: its names, the VA bits it indexes, whether PS maps a page
 * there, whether R/W, U/S (and XD, where the mode has it) apply, and its
 * reserved bits; the masks the walk uses follow from these. */
#define LEVEL(nx, entry, dir, shift, bits, large, rights, rsvd, rsvd_large)      \
	{ entry, dir, shift, bits, large, rights, rsvd, rsvd_large,             \
	  (large) ? PTW_PS : 0, (rights) ? PTW_RW | PTW_US : 0,               \
	  (rights) && (nx) ? PTW_XD : 0, (1ULL << (bits)) - 1 }
#define FRAME_32 0x00000000fffff000ULL

static const struct ptw_mode modes[] = {
	{
		.id = PTW_MODE_X86, .name = "x86", .title = "32-bit x86",
		.nlevels = 2, .entry_size = 4, .va_bits = 32,
		.canonical = false, .nx = false, .pse36 = true, .flag_columns = 9,
		.dirbase_mask = 0xfffff000ULL, .frame_mask = FRAME_32,
		.level = {
			LEVEL(false, "PDE", "pd", 22, 10, true, true, 0, RSVD_4M),
			LEVEL(false, "PTE", "pt", 12, 10, false, true, 0, 0),
		},
	},
	{
		.id = PTW_MODE_PAE, .name = "pae", .title = "32-bit PAE",
		.nlevels = 3, .entry_size = 8, .va_bits = 32,
		.canonical = false, .nx = true, .pse36 = false, .flag_columns = 11,
		.dirbase_mask = 0xffffffe0ULL, .frame_mask = FRAME_64,
		.level = {
			LEVEL(true, "PDPTE", "pdpt", 30, 2, false, false, RSVD_PAE_PDPTE, 0),
			LEVEL(true, "PDE", "pd", 21, 9, true, true, RSVD_PAE_HIGH, RSVD_2M),
			LEVEL(true, "PTE", "pt", 12, 9, false, true, RSVD_PAE_HIGH, 0),
		},
	},
	{
		.id = PTW_MODE_X64, .name = "x64", .title = "x86-64 4-level",
		.nlevels = 4, .entry_size = 8, .va_bits = 48,
		.canonical = true, .nx = true, .pse36 = false, .flag_columns = 11,
		.dirbase_mask = FRAME_64, .frame_mask = FRAME_64,
		.level = {
			LEVEL(true, "PML4E", "pml4", 39, 9, false, true, PTW_PS, 0),
			LEVEL(true, "PDPTE", "pdpt", 30, 9, true, true, 0, RSVD_1G),
			LEVEL(true, "PDE", "pd", 21, 9, true, true, 0, RSVD_2M),
			LEVEL(true, "PTE", "pt", 12, 9, false, true, 0, 0),
		},
	},
	{
		.id = PTW_MODE_LA57, .name = "la57", .title = "x86-64 5-level (LA57)",
		.nlevels = 5, .entry_size = 8, .va_bits = 57,
		.canonical = true, .nx = true, .pse36 = false, .flag_columns = 11,
		.dirbase_mask = FRAME_64, .frame_mask = FRAME_64,
		.level = {
			LEVEL(true, "PML5E", "pml5", 48, 9, false, true, PTW_PS, 0),
			LEVEL(true, "PML4E", "pml4", 39, 9, false, true, PTW_PS, 0),
			LEVEL(true, "PDPTE", "pdpt", 30, 9, true, true, 0, RSVD_1G),
			LEVEL(true, "PDE", "pd", 21, 9, true, true, 0, RSVD_2M),
			LEVEL(true, "PTE", "pt", 12, 9, false, true, 0, 0),
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
	uint64_t flags = m->id == PTW_MODE_PAE ? 0x1fULL : 0xfffULL;
	if (m->canonical) /* no-flush (63) as MOV to CR3 takes it; LAM (61, 62) */
		flags |= 7ULL << 61;
	*out = cr3 & m->dirbase_mask;
	return (cr3 & ~(m->dirbase_mask | flags)) == 0;
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

/* ---- WinDbg's letters (REFERENCE §2) ------------------------------------ */

void ptw_flags_string(const struct ptw_mode *m, unsigned lvl, uint64_t e,
		      char *buf)
{
	bool large = pt_is_large(m, lvl, e);
	char *p = buf;
	if (m->flag_columns == 11)
		*p++ = (e & 0x200) ? 'C' : '-';
	*p++ = (e & PTW_G) ? 'G' : '-';
	*p++ = large ? 'L' : '-';
	*p++ = (e & PTW_D) ? 'D' : '-';
	*p++ = (e & PTW_A) ? 'A' : '-';
	*p++ = (e & PTW_PCD) ? 'N' : '-';
	*p++ = (e & PTW_PWT) ? 'T' : '-';
	*p++ = (e & PTW_US) ? 'U' : 'K';
	*p++ = (e & PTW_RW) ? 'W' : 'R';
	if (m->flag_columns == 11)
		*p++ = (e & PTW_XD) ? '-' : 'E';
	*p++ = (e & PTW_P) ? 'V' : '-';
	*p = '\0';
}
