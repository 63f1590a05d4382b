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

bool ptw_vmci_current(const ptw_dump *d, const char *text, size_t len)
{
	char v[64];
	uint64_t va, pa;
	enum ptw_mode_id mode;
	if (text_get(text, len, "SYMBOL(init_top_pgt)", v, sizeof v)) {
		if (ptw_parse_hex(v, &va, NULL) || va < LINUX_START_KERNEL_MAP)
			return false;
		long long phys_base = 0;
		char b[32];
		if (text_get(text, len, "NUMBER(phys_base)", b, sizeof b) &&
		    !ptw_parse_ll(b, &phys_base))
			return false;
		/* __pa_symbol: va - __START_KERNEL_map + phys_base */
		pa = va - LINUX_START_KERNEL_MAP + (uint64_t)phys_base;
		mode = text_get(text, len, "NUMBER(pgtable_l5_enabled)", b, sizeof b) &&
		       strcmp(b, "1") == 0 ? PTW_MODE_LA57 : PTW_MODE_X64;
	} else if (text_get(text, len, "SYMBOL(swapper_pg_dir)", v, sizeof v)) {
		if (ptw_parse_hex(v, &va, NULL) || va < LINUX_PAGE_OFFSET_32 ||
		    va > 0xffffffffULL)
			return false;
		pa = va - LINUX_PAGE_OFFSET_32;
		mode = text_get(text, len, "CONFIG_X86_PAE", v, sizeof v) ? PTW_MODE_PAE
									  : PTW_MODE_X86;
	} else {
		return false;
	}
	struct ptw_space s;
	struct ptw_xlat x;
	return ptw_space_init(&s, d, ptw_mode_get(mode), pa, NULL) == 0 &&
	       ptw_translate(&s, va, &x, NULL) == 0 && x.status == PTW_MAPPED &&
	       x.pa == pa;
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
