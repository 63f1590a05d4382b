/* vmcoreinfo_find.c — the kernel's VMCOREINFO text, found in physical memory
 * when the dump carries no copy of it (raw images, LiME).
 *
 * Linux builds the text at boot (crash_save_vmcoreinfo_init) into a zeroed
 * page of its own, vmcoreinfo_data, "OSRELEASE=..." first, and copies it
 * into an ELF note (vmcoreinfo_note, the text 24 bytes into its page).
 * The scan's pass (scan.c) reads memory once and feeds its non-zero pages
 * here, where memmem finds "OSRELEASE=" quickly; each hit must
 * then look like that text: printable KEY=VALUE lines, NUL-terminated
 * within a page, with PAGESIZE= and SYMBOL( lines.  The kernel's own
 * format strings ("OSRELEASE=%s\n" NUL ...) fail that.  Memory may also
 * hold a stale copy from an earlier boot (another KASLR offset), so a text
 * whose kernel page table (init_top_pgt or swapper_pg_dir) maps its own
 * address to itself is preferred; otherwise the first valid one serves
 * (first: the lowest physical address, whichever thread met it).
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

/* ---- the search, fed by a pass over memory ------------------------------ */

void ptw_vmci_search_init(struct ptw_vmci_search *v)
{
	*v = (struct ptw_vmci_search){ UINT64_MAX, UINT64_MAX, 0, 0 };
}

/* One place where the needle starts: file byte `in` of s, whose bytes from
 * there (up to a page, within s) are at p when the piece holds them. */
static void vmci_hit(const ptw_dump *d, const struct ptw_seg *s, uint64_t in,
		     const uint8_t *p, size_t have, struct ptw_vmci_search *v)
{
	uint64_t pa = s->pa + in;
	/* Only an earlier text can change the pick: this boot's first one, or
	 * (with none of this boot yet) the first valid one. */
	if (pa >= v->current_pa)
		return;
	uint64_t avail = s->data_len - in;
	size_t want = avail < VMCI_MAX ? (size_t)avail : VMCI_MAX;
	uint8_t buf[VMCI_MAX];
	if (have < want && !(p = ptw_seg_bytes(d, s, in, want, buf)))
		return;
	size_t n = vmci_length(p, want);
	if (!n)
		return;
	if (pa < v->first_pa) {
		v->first_pa = pa;
		v->first_len = n;
	}
	if (vmci_current(d, (const char *)p, n)) {
		v->current_pa = pa;
		v->current_len = n;
	}
}

/* Where the needle may start among bytes [0, 16) of p (p holds 16 + 9
 * bytes): its first byte and its last in place, one bit per start.  On
 * data one start in 65536 passes, and this is several times faster than
 * memmem's scalar search.  SSE2 is in every x86-64; elsewhere memmem does
 * it all. */
#ifdef __SSE2__
#include <emmintrin.h>
#define NEEDLE_STEP 16
static unsigned needle_starts(const uint8_t *p)
{
	__m128i a = _mm_loadu_si128((const __m128i *)p);
	__m128i b = _mm_loadu_si128((const __m128i *)(p + sizeof needle - 2));
	__m128i m = _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8(needle[0])),
				  _mm_cmpeq_epi8(b, _mm_set1_epi8(needle[sizeof needle - 2])));
	return (unsigned)_mm_movemask_epi8(m);
}
#else
#define NEEDLE_STEP 0
static unsigned needle_starts(const uint8_t *p)
{
	(void)p;
	return 0;
}
#endif

void ptw_vmci_feed(const ptw_dump *d, const struct ptw_seg *s, uint64_t in,
		   const uint8_t *p, size_t len, struct ptw_vmci_search *v)
{
	const size_t nl = sizeof needle - 1;
	const uint8_t *end = p + len;
	/* Every needle whole inside the piece: 16 starts at a time, then the
	 * last few with memmem... */
	size_t i = 0;
	for (; NEEDLE_STEP && i + NEEDLE_STEP + nl - 1 <= len; i += NEEDLE_STEP)
		for (unsigned bits = needle_starts(p + i); bits; bits &= bits - 1) {
			const uint8_t *q = p + i + (unsigned)__builtin_ctz(bits);
			if (memcmp(q, needle, nl) == 0)
				vmci_hit(d, s, in + (uint64_t)(q - p), q, (size_t)(end - q), v);
		}
	for (const uint8_t *q = p + i; (q = memmem(q, (size_t)(end - q), needle, nl)); q++)
		vmci_hit(d, s, in + (uint64_t)(q - p), q, (size_t)(end - q), v);
	/* ...then those that start in its last bytes and run on past it: the
	 * piece's part must match, the rest is read from the segment. */
	for (size_t k = len > nl - 1 ? len - (nl - 1) : 0; k < len; k++) {
		uint64_t at = in + k;
		uint8_t buf[sizeof needle];
		const uint8_t *r;
		if (memcmp(p + k, needle, len - k) != 0 || s->data_len - at < nl ||
		    !(r = ptw_seg_bytes(d, s, at, nl, buf)) || memcmp(r, needle, nl) != 0)
			continue;
		vmci_hit(d, s, at, NULL, 0, v);
	}
}

void ptw_vmci_merge(struct ptw_vmci_search *into,
		    const struct ptw_vmci_search *from)
{
	if (from->first_pa < into->first_pa) {
		into->first_pa = from->first_pa;
		into->first_len = from->first_len;
	}
	if (from->current_pa < into->current_pa) {
		into->current_pa = from->current_pa;
		into->current_len = from->current_len;
	}
}

bool ptw_vmci_pick(const struct ptw_vmci_search *v, uint64_t *pa, size_t *len)
{
	if (v->current_pa != UINT64_MAX) {
		*pa = v->current_pa;
		*len = v->current_len;
		return true;
	}
	if (v->first_pa != UINT64_MAX) {
		*pa = v->first_pa;
		*len = v->first_len;
		return true;
	}
	return false;
}

int ptw_vmcoreinfo_find(const ptw_dump *d, struct ptw_error *err)
{
	/* One at a time: a second caller waits and finds it settled. */
	struct ptw_dump *w = (struct ptw_dump *)d;
	static const struct ptw_scan_opts o = { .threads = 0 };
	int rc = 0;
	pthread_mutex_lock(&w->vmci_search_lock);
	if (ptw_dump_vmcoreinfo_pending(d)) {
		struct ptw_scan *sc = NULL;
		rc = ptw_scan_pass(d, NULL, 0, &o, &sc, NULL, err);
		ptw_scan_free(sc);
	}
	pthread_mutex_unlock(&w->vmci_search_lock);
	return rc;
}
