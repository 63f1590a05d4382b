/* vmcoreinfo_find.c — the kernel's VMCOREINFO text, found in physical memory
 * when the dump carries no copy of it (raw images, LiME).
 *
 * Linux builds the text at boot (crash_save_vmcoreinfo_init) into a zeroed
 * page of its own, vmcoreinfo_data, "OSRELEASE=..." first, and copies it
 * into an ELF note (vmcoreinfo_note, the text 24 bytes into its page).
 * memmem over the mapped file finds "OSRELEASE=" quickly; each hit must
 * then look like that text: printable KEY=VALUE lines, NUL-terminated
 * within a page, with PAGESIZE= and SYMBOL( lines.  The kernel's own
 * format strings ("OSRELEASE=%s\n" NUL ...) fail that.  Memory may also
 * hold a stale copy from an earlier boot (another KASLR offset), so a text
 * whose kernel page table (init_top_pgt or swapper_pg_dir) maps its own
 * address to itself is preferred; otherwise the first valid one serves.
 *
 * Pages a pager produces (compressed formats) are not searched: the formats
 * that compress carry VMCOREINFO in their headers.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* VMCOREINFO_BYTES: the kernel's buffer is one page. */
#define VMCI_MAX 4096

static const char needle[] = "OSRELEASE=";

/* Length of the VMCOREINFO text at p (avail bytes readable), or 0 when it
 * is not one. */
static size_t vmci_length(const uint8_t *p, size_t avail)
{
	size_t bound = avail < VMCI_MAX ? avail : VMCI_MAX;
	const uint8_t *nul = memchr(p, '\0', bound);
	if (!nul)
		return 0;
	size_t len = (size_t)(nul - p);
	if (len < sizeof needle || p[len - 1] != '\n' || p[sizeof needle - 1] == '\n')
		return 0;
	size_t line = 0;
	bool eq = false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		if (c == '\n') {
			if (!eq) /* every line is KEY=VALUE */
				return 0;
			line = i + 1;
			eq = false;
		} else if (c < 0x20 || c > 0x7e) {
			return 0;
		} else if (c == '=' && i > line) {
			eq = true;
		}
	}
	if (!memmem(p, len, "\nPAGESIZE=", 10) || !memmem(p, len, "\nSYMBOL(", 8))
		return 0;
	return len;
}

/* Value of key in text (len bytes, KEY=VALUE lines) into val. */
static bool text_get(const char *text, size_t len, const char *key, char *val,
		     size_t valsz)
{
	size_t klen = strlen(key);
	for (const char *p = text, *end = text + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (n > klen && p[klen] == '=' && memcmp(p, key, klen) == 0) {
			size_t v = n - klen - 1;
			if (v >= valsz)
				return false;
			memcpy(val, p + klen + 1, v);
			val[v] = '\0';
			return true;
		}
		p += n + 1;
	}
	return false;
}

/* Whether the text's kernel page table lies in this dump and maps its own
 * virtual address to itself (so the text is this boot's). */
static bool vmci_current(const ptw_dump *d, const char *text, size_t len)
{
	char v[64];
	uint64_t va, pa;
	enum ptw_mode_id mode;
	if (text_get(text, len, "SYMBOL(init_top_pgt)", v, sizeof v)) {
		if (ptw_parse_hex(v, &va, NULL) || va < 0xffffffff80000000ULL)
			return false;
		long long phys_base = 0;
		char b[32];
		if (text_get(text, len, "NUMBER(phys_base)", b, sizeof b)) {
			char *end;
			errno = 0;
			phys_base = strtoll(b, &end, 0);
			if (errno || *end)
				return false;
		}
		/* __pa_symbol: va - __START_KERNEL_map + phys_base */
		pa = va - 0xffffffff80000000ULL + (uint64_t)phys_base;
		mode = text_get(text, len, "NUMBER(pgtable_l5_enabled)", b, sizeof b) &&
		       strcmp(b, "1") == 0 ? PTW_MODE_LA57 : PTW_MODE_X64;
	} else if (text_get(text, len, "SYMBOL(swapper_pg_dir)", v, sizeof v)) {
		if (ptw_parse_hex(v, &va, NULL) || va < 0xc0000000ULL || va > 0xffffffffULL)
			return false;
		pa = va - 0xc0000000ULL; /* the default PAGE_OFFSET */
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

/* The text to take: the first one of this boot, else the first valid one;
 * NULL when memory holds none. */
static const uint8_t *vmci_pick(const ptw_dump *d, size_t *len, uint64_t *pa)
{
	const uint8_t *first = NULL;
	for (size_t i = 0; i < d->nsegs; i++) {
		const struct ptw_seg *s = &d->segs[i];
		if (s->pager || !s->data)
			continue;
		const uint8_t *p = s->data, *end = s->data + s->data_len;
		while ((p = memmem(p, (size_t)(end - p), needle, sizeof needle - 1))) {
			size_t n = vmci_length(p, (size_t)(end - p));
			bool current = n && vmci_current(d, (const char *)p, n);
			if (current || (n && !first)) {
				first = p;
				*len = n;
				*pa = s->pa + (uint64_t)(p - s->data);
			}
			if (current)
				return p;
			p += sizeof needle - 1;
		}
	}
	return first;
}

int ptw_vmcoreinfo_find(struct ptw_dump *d, struct ptw_error *err)
{
	size_t len = 0;
	uint64_t pa = 0;
	const uint8_t *text = vmci_pick(d, &len, &pa);
	if (!text)
		return 0;
	int rc = ptw_dump_set_vmcoreinfo(d, (const char *)text, len, err);
	if (!rc)
		d->vmcoreinfo_pa = pa;
	return rc;
}
