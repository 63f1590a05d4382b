/* owners/vmcoreinfo.c — the dump's VMCOREINFO text as the library hands it
 * out: the copy the dump carries, else the one the kernel keeps in memory,
 * searched for on first use when no scan searched already.
 *
 * Memory may hold texts of several boots; the search (dump/vmcoreinfo.c)
 * prefers the one whose kernel page table maps the text's own address to
 * it, which takes a page walk: the check lives here, above the paging
 * layer, and is handed down to the search (ptw_vmci_current_fn).
 */
#include "owners/owners.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Value of key in text (len bytes, KEY=VALUE lines) into val; false when
 * absent or too long for val. */
static bool text_get(const char *text, size_t len, const char *key, char *val,
		     size_t valsz)
{
	size_t n;
	const char *v = ptw_kv_find(text, len, key, &n);
	if (!v || n >= valsz)
		return false;
	memcpy(val, v, n);
	val[n] = '\0';
	return true;
}

/* x86-64: __pa_symbol(init_top_pgt) = va - __START_KERNEL_map + phys_base. */
static bool kernel_x86_64(const char *text, size_t len, const char *sym,
			  struct ptw_linux_kernel *k)
{
	char b[32];
	long long phys_base = 0;
	if (ptw_parse_hex(sym, &k->va, NULL) || k->va < LINUX_START_KERNEL_MAP)
		return false;
	if (text_get(text, len, "NUMBER(phys_base)", b, sizeof b) &&
	    !ptw_parse_ll(b, &phys_base))
		return false;
	k->pa = k->va - LINUX_START_KERNEL_MAP + (uint64_t)phys_base;
	bool l5 = text_get(text, len, "NUMBER(pgtable_l5_enabled)", b, sizeof b) &&
		  strcmp(b, "1") == 0;
	k->mode = ptw_mode_get(l5 ? PTW_MODE_LA57 : PTW_MODE_X64);
	k->mode_sure = true;
	snprintf(k->how, sizeof k->how, "VMCOREINFO (x86-64 kernel, pgtable_l5_enabled=%d)", l5);
	return true;
}

/* arm64 (arch/arm64/kernel/vmcore_info.c): the image's symbols are at PA
 * va - kimage_voffset; the VA size the kernel runs with is 64 - T1SZ
 * (TCR_EL1_T1SZ, 5.9 on), else its configured VA_BITS.  A 64 KiB kernel
 * built for 52 bits on a CPU without FEAT_LVA runs with 48 and points
 * TTBR1 into swapper_pg_dir (at TTBR1_BADDR_4852_OFFSET): indexing the
 * whole table with 52 bits reaches the same entries (drgn does so), and
 * its processes' tables are as large, so such a kernel is read with its
 * configured size.  4 and 16 KiB kernels fold a level at run time
 * instead (6.9 on): their run-time size is the one. */
static bool kernel_arm64(const char *text, size_t len, const char *sym,
			 struct ptw_linux_kernel *k)
{
	char b[32];
	uint64_t voff, pagesize = 0, vabits = 0, t1sz;
	if (ptw_parse_hex(sym, &k->va, NULL) ||
	    !text_get(text, len, "NUMBER(kimage_voffset)", b, sizeof b) ||
	    ptw_parse_hex(b, &voff, NULL) || k->va < voff)
		return false;
	uint64_t config = 0;
	if (text_get(text, len, "NUMBER(VA_BITS)", b, sizeof b))
		config = strtoull(b, NULL, 10);
	if (text_get(text, len, "PAGESIZE", b, sizeof b))
		pagesize = strtoull(b, NULL, 10);
	if (text_get(text, len, "NUMBER(TCR_EL1_T1SZ)", b, sizeof b) &&
	    !ptw_parse_hex(b, &t1sz, NULL) && t1sz < 64)
		vabits = 64 - t1sz;
	if (!vabits || (pagesize == 65536 && config > vabits))
		vabits = config;
	unsigned shift = pagesize == 4096 ? 12 : pagesize == 16384 ? 14
		       : pagesize == 65536 ? 16 : 0;
	k->mode = vabits <= 64 ? ptw_mode_aarch64(shift, (unsigned)vabits) : NULL;
	if (!k->mode)
		return false;
	k->pa = k->va - voff;
	k->mode_sure = true;
	snprintf(k->how, sizeof k->how, "VMCOREINFO (arm64 kernel, %" PRIu64 "-byte pages, %" PRIu64
		 "-bit VA)", pagesize, vabits);
	return true;
}

bool ptw_linux_kernel_table(const char *text, size_t len,
			    struct ptw_linux_kernel *k)
{
	char v[64], b[64];
	memset(k, 0, sizeof *k);
	if (!text)
		return false;
	if (text_get(text, len, "OSRELEASE", b, sizeof b))
		k->release = ptw_parse_release(b);
	if (text_get(text, len, "SYMBOL(init_top_pgt)", v, sizeof v))
		return kernel_x86_64(text, len, v, k);
	if (!text_get(text, len, "SYMBOL(swapper_pg_dir)", v, sizeof v))
		return false;
	if (text_get(text, len, "NUMBER(kimage_voffset)", b, sizeof b))
		return kernel_arm64(text, len, v, k);
	/* 32-bit x86: PAGE_OFFSET 0xc0000000 */
	if (ptw_parse_hex(v, &k->va, NULL) || k->va < LINUX_PAGE_OFFSET_32 ||
	    k->va > 0xffffffffULL)
		return false;
	k->pa = k->va - LINUX_PAGE_OFFSET_32;
	bool pae = text_get(text, len, "CONFIG_X86_PAE", b, sizeof b);
	k->mode = ptw_mode_get(pae ? PTW_MODE_PAE : PTW_MODE_X86);
	k->mode_sure = pae;
	snprintf(k->how, sizeof k->how, "VMCOREINFO (CONFIG_X86_PAE=%s)", pae ? b : "n");
	return true;
}

/* The kernel's table maps its own VA to itself (split modes: through the
 * upper root, the lower half having none). */
bool ptw_vmci_current(const ptw_dump *d, const char *text, size_t len)
{
	struct ptw_linux_kernel k;
	struct ptw_space s;
	struct ptw_xlat x;
	if (!ptw_linux_kernel_table(text, len, &k) ||
	    ptw_space_init(&s, d, k.mode, k.pa, NULL) != 0 ||
	    (k.mode->split && ptw_space_set_roots(&s, PTW_NO_ROOT, k.pa, NULL) != 0))
		return false;
	return ptw_translate(&s, k.va, &x, NULL) == 0 && x.status == PTW_MAPPED &&
	       x.pa == k.pa;
}

/* Search now, when no scan did: the accessors below. */
static void vmci_resolve(const ptw_dump *d)
{
	if (!ptw_dump_vmcoreinfo_pending(d))
		return;
	/* Out of memory leaves it pending, to be tried again. */
	ptw_vmcoreinfo_find(d, ptw_vmci_current, NULL);
}

const char *ptw_dump_vmcoreinfo(const ptw_dump *d, size_t *len)
{
	vmci_resolve(d);
	if (len)
		*len = d->vmcoreinfo_len;
	return d->vmcoreinfo;
}

bool ptw_vmcoreinfo_get(const ptw_dump *d, const char *key, char *val,
			size_t valsz)
{
	vmci_resolve(d);
	if (!d->vmcoreinfo || valsz == 0)
		return false;
	size_t n;
	const char *v = ptw_kv_find(d->vmcoreinfo, d->vmcoreinfo_len, key, &n);
	if (!v)
		return false;
	if (n >= valsz)
		n = valsz - 1;
	memcpy(val, v, n);
	val[n] = '\0';
	return true;
}
