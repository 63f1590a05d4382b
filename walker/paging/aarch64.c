/* paging/aarch64.c — the AArch64 architecture's entry operations (struct
 * ptw_arch): rights, ptfs's flag letters, and what a non-valid entry means
 * to Linux.  What an entry is (valid, block, table or page, reserved
 * encodings and bits, LPA/LPA2 address bits) is the levels' data, in
 * paging/mode.c; the facts and their sources are in aarch64.md.
 *
 * Rights.  A leaf says who may read, write and execute it: AP[1] (bit 6)
 * lets EL0 in, AP[2] (bit 7) forbids writes, UXN and PXN forbid execution
 * at EL0 and EL1.  Table entries above may only take rights away
 * (APTable[0] EL0 access, APTable[1] writes, UXNTable, PXNTable): they come
 * down OR-ed (the levels' rights_or) and rights_apply folds them into the
 * leaf.  With hardware dirty-state management (TCR_EL1.HD, on wherever the
 * CPU has it) a write to a page with DBM set and AP[2] set clears AP[2]
 * instead of faulting, and Linux marks every writable page DBM (its
 * PTE_WRITE), so DBM means writable: clean while AP[2] is set, dirty once
 * clear.  APTable[1] still forbids the write.  A page EL0 may write
 * (AP[2:1] = 01) is never executable at EL1, whatever its PXN.
 *
 * Letters.  WinDbg's ARM64 !pte shows a 10-letter string, but its
 * letters follow Windows' software bits (its "W" is bit 55, Linux's
 * dirty bit), so ptfs defines its own, one column per property, in the
 * order of x86's where they mean the same (README "AArch64"):
 *     C G L D A U W X E V
 *   C contiguous hint (52)          G global (nG clear)
 *   L a block (a leaf above level 3) D dirty: DBM set, AP[2] clear
 *   A access flag (10)              U EL0 may access (AP[1]), else K
 *   W writable (AP[2] clear or DBM), else R
 *   X EL1 may execute (PXN clear)   E EL0 may execute (UXN clear)
 *   V valid
 * A table entry shows what it lets through to the levels below in the same
 * columns: U, W, X, E unless APTable[0], APTable[1], PXNTable, UXNTable.
 * maps shows a page's effective rights without C (runs of the hint and
 * their neighbours coalesce).
 *
 * Linux's non-valid entries (arch/arm64/include/asm/pgtable.h):
 *   up to 6.9: PROT_NONE is bit 58 (PTE_PROT_NONE) with valid clear; a
 *     huge page being split is bit 59 at the PMD (PMD_PRESENT_INVALID);
 *     swap entries have type in 7:3 and offset in 57:8, exclusive bit 2
 *     (5.19 on; before: type 7:2);
 *   6.10 on: bit 11 (PTE_PRESENT_INVALID, nG's place) marks any resident
 *     but invalid entry, PROT_NONE among them; swap type 10:6, offset
 *     61:12, exclusive bit 2, uffd-wp bit 3.
 * Both keep the frame where a valid entry has it. */
#include "paging/paging.h"

#include <stdarg.h>
#include <stdio.h>

#define LINUX_PROTNONE_6_1   (1ULL << 58)
#define LINUX_PMD_INVALID_6_1 (1ULL << 59)
#define LINUX_PRESENT_INVALID (1ULL << 11)
#define RELEASE(a, b) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8)

static uint64_t a64_rights_apply(const struct ptw_mode *m, unsigned lvl,
				 uint64_t acc, uint64_t leaf)
{
	(void)m;
	(void)lvl;
	uint64_t e = leaf;
	if (acc & PTW_A64_APT_RO)
		e = (e | PTW_A64_RDONLY) & ~PTW_A64_DBM;
	if (acc & PTW_A64_APT_USER)
		e &= ~PTW_A64_USER;
	if (acc & PTW_A64_UXNTABLE)
		e |= PTW_A64_UXN;
	if (acc & PTW_A64_PXNTABLE)
		e |= PTW_A64_PXN;
	/* What EL0 may write EL1 never executes (AP[2:1] = 01: the
	 * architecture's implicit PXN). */
	if ((e & (PTW_A64_USER | PTW_A64_RDONLY)) == PTW_A64_USER)
		e |= PTW_A64_PXN;
	return e;
}

static bool a64_writable(uint64_t e)
{
	return !(e & PTW_A64_RDONLY) || (e & PTW_A64_DBM);
}

static char *a64_leaf_letters(char *p, bool block, uint64_t e)
{
	*p++ = (e & PTW_A64_NG) ? '-' : 'G';
	*p++ = block ? 'L' : '-';
	*p++ = (e & PTW_A64_DBM) && !(e & PTW_A64_RDONLY) ? 'D' : '-';
	*p++ = (e & PTW_A64_AF) ? 'A' : '-';
	*p++ = (e & PTW_A64_USER) ? 'U' : 'K';
	*p++ = a64_writable(e) ? 'W' : 'R';
	*p++ = (e & PTW_A64_PXN) ? '-' : 'X';
	*p++ = (e & PTW_A64_UXN) ? '-' : 'E';
	*p++ = (e & PTW_A64_VALID) ? 'V' : '-';
	*p = '\0';
	return p;
}

static void a64_flags_string(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			     char *buf)
{
	char *p = buf;
	if (pt_is_leaf(m, lvl, e)) {
		*p++ = (e & PTW_A64_CONT) ? 'C' : '-';
		a64_leaf_letters(p, lvl + 1 < m->nlevels, e);
		return;
	}
	/* A table: what it lets through (C G L D A are its leaves'). */
	for (unsigned i = 0; i < 5; i++)
		*p++ = '-';
	*p++ = (e & PTW_A64_APT_USER) ? 'K' : 'U';
	*p++ = (e & PTW_A64_APT_RO) ? 'R' : 'W';
	*p++ = (e & PTW_A64_PXNTABLE) ? '-' : 'X';
	*p++ = (e & PTW_A64_UXNTABLE) ? '-' : 'E';
	*p++ = (e & PTW_A64_VALID) ? 'V' : '-';
	*p = '\0';
}

static void a64_rights_string(const struct ptw_mode *m, unsigned lvl, uint64_t eff,
			      char *buf)
{
	a64_leaf_letters(buf, lvl + 1 < m->nlevels, eff);
}

/* The frame of a resident non-valid entry: where a valid leaf of its
 * level keeps it (above the last level only huge pages are such). */
static uint64_t a64_frame(const struct ptw_mode *m, unsigned lvl, uint64_t e)
{
	return pt_leaf_address(&m->level[lvl], e) >> m->page_shift;
}

static void decode_linux(const struct ptw_mode *m, uint32_t release, unsigned lvl,
			 uint64_t e, struct ptw_swpte *o)
{
	/* 0: unknown, read as the newest layout. */
	bool old = release != 0 && release < RELEASE(6, 10);
	bool resident = old ? (e & LINUX_PROTNONE_6_1) ||
				      (lvl + 1 < m->nlevels && (e & LINUX_PMD_INVALID_6_1))
			    : (e & LINUX_PRESENT_INVALID) != 0;
	if (resident) {
		o->kind = PTW_SW_PROTNONE;
		o->pfn = a64_frame(m, lvl, e);
		return;
	}
	o->kind = PTW_SW_SWAP;
	if (!old) {
		o->file = (e >> 6) & 0x1f;
		o->offset = (e >> 12) & ((1ULL << 50) - 1);
	} else if (release >= RELEASE(5, 19)) {
		o->file = (e >> 3) & 0x1f;
		o->offset = (e >> 8) & ((1ULL << 50) - 1);
	} else {
		o->file = (e >> 2) & 0x3f;
		o->offset = (e >> 8) & ((1ULL << 50) - 1);
	}
}

static void a64_decode(const struct ptw_mode *m, enum ptw_os os, uint32_t release,
		       unsigned lvl, uint64_t e, uint64_t max_pfn,
		       struct ptw_swpte *o)
{
	(void)max_pfn;
	if (os == PTW_OS_LINUX)
		decode_linux(m, release, lvl, e, o);
	else
		o->kind = PTW_SW_UNKNOWN;
}

/* No page is read through a non-valid entry: PROT_NONE pages are resident
 * but the CPU faults on them, and vmem reads as the CPU would. */
static bool a64_soft_resident(const struct ptw_space *s, unsigned lvl, uint64_t e,
			      uint64_t *pfn)
{
	(void)s;
	(void)lvl;
	(void)e;
	(void)pfn;
	return false;
}

static uint64_t a64_soft_flags(const struct ptw_mode *m, uint64_t acc, uint64_t e)
{
	(void)m;
	(void)acc;
	(void)e;
	return 0;
}

/* Append to buf what a bit set in e names (", " between). */
struct words {
	char *buf;
	size_t size, len;
};

static void word(struct words *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void word(struct words *w, const char *fmt, ...)
{
	if (w->len >= w->size)
		return;
	if (w->len)
		w->len += (size_t)snprintf(w->buf + w->len, w->size - w->len, ", ");
	va_list ap;
	va_start(ap, fmt);
	if (w->len < w->size)
		w->len += (size_t)vsnprintf(w->buf + w->len, w->size - w->len, fmt, ap);
	va_end(ap);
}

static void table_attributes(uint64_t e, struct words *w)
{
	word(w, "APTable %u%u", (unsigned)(e >> 62) & 1, (unsigned)(e >> 61) & 1);
	if (e & PTW_A64_UXNTABLE)
		word(w, "UXNTable");
	if (e & PTW_A64_PXNTABLE)
		word(w, "PXNTable");
	if (e >> 63)
		word(w, "NSTable");
}

static void leaf_attributes(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			    struct words *w)
{
	static const char *const sh[] = { "non-shareable", "reserved", "outer", "inner" };
	static const char *const el1[] = { "RW", "RW", "RO", "RO" };
	static const char *const el0[] = { "none", "RW", "none", "RO" };
	unsigned ap = (unsigned)(e >> 6) & 3;
	word(w, "AttrIndx %u", (unsigned)(e >> 2) & 7);
	/* LPA2's bits 9:8 are address bits (its oa_leaf says so). */
	if (m->level[lvl].oa_leaf.from != 8)
		word(w, "SH %s", sh[(e >> 8) & 3]);
	word(w, "AP %u%u (EL1 %s, EL0 %s)", ap >> 1, ap & 1, el1[ap], el0[ap]);
	if (e & PTW_A64_AF)
		word(w, "AF");
	if (e & PTW_A64_NG)
		word(w, "nG");
	if (e & PTW_A64_DBM)
		word(w, "DBM (%s)", e & PTW_A64_RDONLY ? "writable, clean" : "writable, dirty");
	if (e & PTW_A64_CONT)
		word(w, "Contiguous");
	if (e & PTW_A64_PXN)
		word(w, "PXN");
	if (e & PTW_A64_UXN)
		word(w, "UXN");
	if (e & PTW_A64_GP)
		word(w, "GP");
	for (unsigned b = 55; b <= 58; b++)
		if (e >> b & 1)
			word(w, "software bit %u", b);
}

static void a64_attributes(const struct ptw_mode *m, unsigned lvl, uint64_t e,
			   char *buf, size_t size)
{
	struct words w = { buf, size, 0 };
	buf[0] = '\0';
	if (pt_is_leaf(m, lvl, e))
		leaf_attributes(m, lvl, e, &w);
	else
		table_attributes(e, &w);
}

const struct ptw_arch ptw_arch_aarch64 = {
	.name = "aarch64",
	.rights_init = 0, /* nothing taken away above the top table */
	.rights_apply = a64_rights_apply,
	.flags_string = a64_flags_string,
	.rights_string = a64_rights_string,
	.decode = a64_decode,
	.soft_resident = a64_soft_resident,
	.soft_flags = a64_soft_flags,
	.attributes = a64_attributes,
};
