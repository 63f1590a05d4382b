/* paging/x86.c — the x86 architecture's entry operations (struct ptw_arch):
 * rights, WinDbg's flag letters, and what a non-present entry means to the
 * OS that wrote it.  What an entry is (P, PS, reserved bits, PSE-36) is the
 * levels' data, in paging/mode.c.
 *
 * The hardware ignores every bit of an entry whose P bit is clear, and the
 * operating systems use them.
 *
 * Windows (MMPTE; layouts from Microsoft's public symbols as dumped in
 * headers per build, checked against MemProcFS and WinDbg captures):
 *   bit 10 Prototype: the page is described by a prototype PTE whose
 *          address the entry holds (x64: bits 63:16, sign-extended; PAE:
 *          63:32; x86: 0x80000000 + High(31:11) << 10 + Low(8:1) << 2);
 *          ProtoAddress 0xFFFFFFFF0000 (x64) means "look in the VAD";
 *   bit 11 Transition: the page is still in memory, on a list, at the
 *          entry's PFN (bits 12 up: 36 bits on x64, 26 on PAE, 20 on x86);
 *          a touch is a soft fault;
 *   otherwise a software PTE: paging file PageFileLow at page PageFileHigh,
 *          or demand-zero when PageFileHigh is 0 (WinDbg's rule);
 *   protection in bits 9:5.
 *   The layout is Windows 10 1809's and later's (10 and 11 today): on x64
 *   and PAE PageFileLow is bits 15:12 and bit 4 is the swizzle bit; on 32-bit
 *   without PAE (Windows 7 the last) PageFileLow is bits 4:1.  Since 1809,
 *   while bit 4 is clear, one high bit (KiSwizzleBit, 1 << (physical address
 *   bits - 1)) is set in the entry (L1TF); without symbols its position is
 *   unknown, so a transition PFN past the dump loses its highest bit when
 *   that brings it inside, and paging-file offsets are shown as stored.
 *
 * Linux (arch/x86/include/asm/pgtable_64.h, pgtable-3level.h,
 * pgtable-2level.h, pgtable-invert.h):
 *   _PAGE_PROTNONE (bit 8): a PROT_NONE page, resident, not present to the
 *          hardware;
 *   otherwise a swap entry: type and offset.
 *   On PAE and x86-64 (L1TF mitigation, 4.19+) both store their address bits
 *   inverted; 2-level x86 does not.
 */
#include "paging/paging.h"

#include <stdio.h>
#include <string.h>

enum {
	WIN_SWIZZLE = 1 << 4,
	WIN_PROTOTYPE = 1 << 10,
	WIN_TRANSITION = 1 << 11,
	LINUX_PROTNONE = 1 << 8,
};

static unsigned win_protection(uint64_t e)
{
	return (unsigned)((e >> 5) & 0x1f);
}

/* A transition PFN, with the L1TF swizzle bit taken off when it is set and
 * the PFN only fits the dump without it. */
static uint64_t win_transition_pfn(const struct ptw_mode *m, uint64_t e,
				   uint64_t max_pfn)
{
	unsigned bits = m->id == PTW_MODE_PAE ? 26 : m->canonical ? 36 : 20;
	uint64_t pfn = (e >> 12) & ((1ULL << bits) - 1);
	if (m->entry_size == 8 && !(e & WIN_SWIZZLE) && max_pfn && pfn > max_pfn) {
		uint64_t top = 1ULL << (63 - __builtin_clzll(pfn));
		if ((pfn & ~top) <= max_pfn)
			pfn &= ~top;
	}
	return pfn;
}

static void decode_windows(const struct ptw_mode *m, uint64_t e,
			   uint64_t max_pfn, struct ptw_swpte *o)
{
	o->protection = win_protection(e);
	bool wide = m->entry_size == 8;
	if (e & WIN_PROTOTYPE) {
		o->kind = PTW_SW_PROTOTYPE;
		if (m->id == PTW_MODE_PAE)
			o->proto = e >> 32;
		else if (wide)
			o->proto = (uint64_t)((int64_t)e >> 16);
		else
			o->proto = 0x80000000ULL + (((e >> 11) & 0x1fffff) << 10) +
				   (((e >> 1) & 0xff) << 2);
		/* ProtoAddress 0xFFFFFFFF0000: no prototype, see the VAD */
		o->vad = m->canonical && ((e >> 16) & 0xffffffffffffULL) == 0xffffffff0000ULL;
		return;
	}
	if (e & WIN_TRANSITION) {
		o->kind = PTW_SW_TRANSITION;
		o->write = (e & PTW_RW) != 0;
		o->pfn = win_transition_pfn(m, e, max_pfn);
		return;
	}
	if (wide) { /* 1809+: PageFileLow 15:12, PageFileHigh 63:32 */
		o->file = (e >> 12) & 0xf;
		o->offset = e >> 32;
	} else {    /* x86 (Windows 7): PageFileLow 4:1, PageFileHigh 31:12 */
		o->file = (e >> 1) & 0xf;
		o->offset = (e >> 12) & 0xfffff;
	}
	/* WinDbg's rule: no paging-file page and a real protection (not
	 * decommitted 0x10 or no-access 0x18, nor 0) is demand-zero. */
	unsigned p = o->protection;
	o->kind = o->offset == 0 && p != 0 && p != 0x10 && p != 0x18
			  ? PTW_SW_DEMAND_ZERO
			  : PTW_SW_PAGEFILE;
}

static void decode_linux(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			 struct ptw_swpte *o)
{
	bool inverted = m->entry_size == 8; /* PAE and x86-64, not 2-level */
	if (e & LINUX_PROTNONE) {
		o->kind = PTW_SW_PROTNONE;
		uint64_t a = (inverted ? ~e : e) & m->level[lvl].addr_table;
		/* A PROT_NONE huge page keeps PS (not inverted by the mask): its
		 * frame is aligned to the page. */
		if (pt_is_leaf(m, lvl, e))
			a &= ~(pt_span(m, lvl) - 1);
		o->pfn = a >> 12;
		return;
	}
	o->kind = PTW_SW_SWAP;
	if (inverted) { /* type in 63:59, offset inverted from bit 9 */
		o->file = e >> 59;
		o->offset = (~e << 5) >> 14;
	} else { /* type in 5:1, offset from bit 9 */
		o->file = (e >> 1) & 0x1f;
		o->offset = (e & 0xffffffffULL) >> 9;
	}
}

static void x86_decode(const struct ptw_mode *m, enum ptw_os os, uint32_t release,
		       unsigned lvl, uint64_t e, uint64_t max_pfn,
		       struct ptw_swpte *o)
{
	(void)release; /* one layout since 4.19's L1TF inversion */
	/* A nested table's non-present entries are the hypervisor's own
	 * (KVM's removed and MMIO markers), no OS's swap or PROT_NONE. */
	if (m->id == PTW_MODE_NPT)
		o->kind = PTW_SW_UNKNOWN;
	else if (os == PTW_OS_WINDOWS)
		decode_windows(m, e, max_pfn, o);
	else if (os == PTW_OS_LINUX)
		decode_linux(m, lvl, e, o);
	else
		o->kind = PTW_SW_UNKNOWN;
}

static uint64_t x86_soft_flags(const struct ptw_mode *m, uint64_t acc, uint64_t e)
{
	/* Writable: ReadWrite, ReadWriteCopy and their execute forms (4-7);
	 * executable: Execute, ExecuteRead and those (2, 3, 6, 7).  The
	 * software bits mean nothing to the hardware's letters, so only U/S
	 * (from the levels above) and these rights are shown, with P clear. */
	unsigned p = win_protection(e) & 7;
	uint64_t f = acc & PTW_US;
	if (p >= 4 && (acc & PTW_RW))
		f |= PTW_RW;
	if (m->nx && ((acc & PTW_XD) || !(p == 2 || p == 3 || p == 6 || p == 7)))
		f |= PTW_XD;
	return f;
}

static bool x86_soft_resident(const struct ptw_space *s, unsigned lvl, uint64_t e,
			      uint64_t *pfn)
{
	/* Windows reads a transition page back with a soft fault; only PTEs
	 * (the last level) are followed. */
	const struct ptw_mode *m = s->mode;
	if (s->os != PTW_OS_WINDOWS || lvl + 1 != m->nlevels || (e & PTW_P) ||
	    (e & (WIN_PROTOTYPE | WIN_TRANSITION)) != WIN_TRANSITION)
		return false;
	*pfn = win_transition_pfn(m, e, (ptw_dump_phys_end(s->dump) - 1) >> 12);
	return true;
}

/* ---- rights and letters -------------------------------------------------------- */

/* Effective rights (QEMU's mmu_translate accumulates them the same way):
 * R/W and U/S while every level granted them, XD once any level forbade
 * execution.  The tables' part came down as acc (the levels' rights_and
 * and rights_or: R/W, U/S and XD); the leaf adds its own the same way. */
static uint64_t x86_rights_apply(const struct ptw_mode *m, unsigned lvl,
				 uint64_t acc, uint64_t leaf)
{
	acc = pt_rights_add(&m->level[lvl], acc, leaf);
	return (leaf & ~(PTW_RW | PTW_US | PTW_XD)) | acc;
}

/* WinDbg's letters (Microsoft's "!pte" documentation, debugger reference):
 * CGLDANTUWEV, or GLDANTUWV without XD. */
static void x86_flags_string(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			     char *buf)
{
	bool large = lvl + 1 < m->nlevels && pt_is_leaf(m, lvl, e);
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

/* ---- Linux's software bits ------------------------------------------------------ */

/* Linux keeps its own marks in bits the hardware ignores in a present
 * entry (arch/x86/include/asm/pgtable_types.h, _PAGE_BIT_SOFTW1..5):
 * in leaves (pages), never in the entries of tables but as said:
 *   bit 9  SOFTW1  _PAGE_SPECIAL: no struct page to count (the zero page's
 *                  mappings, VM_PFNMAP); _PAGE_CPA_TEST in the kernel's own
 *                  mappings under CONFIG_CPA_DEBUG.  WinDbg's C column
 *                  (Windows' copy-on-write) would misname it: on a Linux
 *                  space the letters leave it out, and entry files and
 *                  !pte texts name it instead;
 * and on x86-64 only (32-bit kernels define these as 0):
 *   bit 10 SOFTW2  _PAGE_UFFD_WP: write-protected by userfaultfd (5.7+);
 *   bit 11 SOFTW3  _PAGE_SOFT_DIRTY: written since soft-dirty was last
 *                  cleared (CONFIG_MEM_SOFT_DIRTY; pte_mkdirty sets it, so
 *                  kernel mappings carry it too; newer kernels also use it
 *                  as _PAGE_KERNEL_4K in their own mappings);
 *   SOFTW4         _PAGE_DEVMAP: bit 58 until 6.5, bit 57 from 6.6 (the
 *                  shadow-stack series moved it; later kernels drop it);
 *   bit 58 SOFTW5  from 6.6: _PAGE_SAVED_DIRTY in a leaf (a read-only page's
 *                  dirty bit, kept out of D so that it is no shadow stack),
 *                  from 6.13 _PAGE_NOPTISHADOW in the top table (an entry
 *                  PTI does not copy to the user table).
 * The release comes from OSRELEASE; 0 (unknown) reads as the newest. */
#define RELEASE(a, b) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8)

static uint64_t x86_unlettered(const struct ptw_mode *m, enum ptw_os os)
{
	/* Linux's special, KVM's host-writable: named instead.  A nested
	 * table is no Windows table, so bit 9 is never its copy-on-write C,
	 * whoever the host is. */
	return os == PTW_OS_LINUX || m->id == PTW_MODE_NPT ? 1ULL << 9 : 0;
}

static void add_name(char *buf, size_t size, const char *name)
{
	size_t n = strlen(buf);
	if (n + 1 < size)
		snprintf(buf + n, size - n, "%s%s", n ? " " : "", name);
}

/* KVM's marks in the nested tables it builds (arch/x86/kvm/mmu/spte.h, as
 * of 6.1; the host's OS is what says the tables are KVM's):
 *   bit 9  host-writable: the host's own mapping of the page allows writes
 *          (DEFAULT_SPTE_HOST_WRITABLE);
 *   bit 10 mmu-writable: KVM's MMU allows writes; it clears W only to
 *          track dirty pages (DEFAULT_SPTE_MMU_WRITABLE);
 *   bit 11 mmu-present: backed by memory, in table entries too
 *          (SPTE_MMU_PRESENT_MASK; MMIO entries lack it).
 * Kernels before 5.14 kept host-writable and mmu-writable in bits 10 and
 * 11 and had no present mark: their entries are named as newer ones. */
static void kvm_software(uint64_t e, char *buf, size_t size)
{
	if (e & (1ULL << 9))
		add_name(buf, size, "host-writable");
	if (e & (1ULL << 10))
		add_name(buf, size, "mmu-writable");
	if (e & (1ULL << 11))
		add_name(buf, size, "mmu-present");
}

static void x86_software(const struct ptw_mode *m, enum ptw_os os, uint32_t release,
			 unsigned lvl, uint64_t e, char *buf, size_t size)
{
	if (os != PTW_OS_LINUX)
		return;
	if (m->id == PTW_MODE_NPT) {
		kvm_software(e, buf, size);
		return;
	}
	bool newer = release == 0 || release >= RELEASE(6, 6);
	if (!pt_is_leaf(m, lvl, e)) {
		/* a table entry: Linux marks none but the top table's */
		if (lvl == 0 && ptw_mode_x86_64(m) && (e & (1ULL << 58)) &&
		    (release == 0 || release >= RELEASE(6, 13)))
			add_name(buf, size, "noptishadow");
		return;
	}
	if (e & (1ULL << 9))
		add_name(buf, size, "special");
	if (!ptw_mode_x86_64(m))
		return;
	if ((e & (1ULL << 10)) && (release == 0 || release >= RELEASE(5, 7)))
		add_name(buf, size, "uffd-wp");
	if (e & (1ULL << 11))
		add_name(buf, size, "soft-dirty");
	if (e & (1ULL << (newer ? 57 : 58)))
		add_name(buf, size, "devmap");
	if (newer && (e & (1ULL << 58)))
		add_name(buf, size, "saved-dirty");
}

const struct ptw_arch ptw_arch_x86 = {
	.name = "x86",
	.rights_init = PTW_RW | PTW_US,
	.rights_apply = x86_rights_apply,
	.flags_string = x86_flags_string,
	/* maps shows the effective entry in the same letters */
	.rights_string = x86_flags_string,
	.decode = x86_decode,
	.soft_resident = x86_soft_resident,
	.soft_flags = x86_soft_flags,
	.unlettered = x86_unlettered,
	.software = x86_software,
};

/* WinDbg's words (its !pte prints "Protect: 4 - ReadWrite"). */
const char *ptw_win_protection(unsigned p, char *buf, size_t n)
{
	static const char *const base[8] = {
		"", "Readonly", "Execute", "ExecuteRead", "ReadWrite",
		"ReadWriteCopy", "ReadWriteExecute", "ReadWriteCopyExecute",
	};
	if (p == 0)
		snprintf(buf, n, "0");
	else if (p == 0x18)
		snprintf(buf, n, "18 - No Access");
	else if (p == 0x10)
		snprintf(buf, n, "10 - Decommitted");
	else
		snprintf(buf, n, "%x - %s%s%s", p, base[p & 7], (p & 0x08) ? " UC" : "",
			 (p & 0x10) ? " G" : "");
	return buf;
}
