/* dump/vmcoreinfo.c — the kernel's VMCOREINFO text, found in physical memory
 * when the dump carries no copy of it (raw images, LiME).
 *
 * Linux builds the text at boot (crash_save_vmcoreinfo_init) into a zeroed
 * page of its own, vmcoreinfo_data, "OSRELEASE=..." first, and copies it
 * into an ELF note (vmcoreinfo_note, the text 24 bytes into its page).
 * A pass over memory (pass.c: the scan's, which feeds the search as it
 * goes, or one of its own here) hands its non-zero pages to the search,
 * where memmem finds "OSRELEASE=" quickly; each hit must
 * then look like that text: printable KEY=VALUE lines, NUL-terminated
 * within a page, with PAGESIZE= and SYMBOL( lines.  The kernel's own
 * format strings ("OSRELEASE=%s\n" NUL ...) fail that.  Memory may also
 * hold a stale copy from an earlier boot (another KASLR offset), so a text
 * whose kernel page table (init_top_pgt or swapper_pg_dir) maps its own
 * address to itself is preferred; otherwise the first valid one serves
 * (first: the lowest physical address, whichever thread met it).  That
 * takes a page walk, a higher layer's: the caller hands in the check
 * (ptw_vmci_current_fn; owners/vmcoreinfo.c has it).
 *
 * Pages a pager produces (compressed formats) are not searched: the formats
 * that compress carry VMCOREINFO in their headers.
 */
#include "dump/dump.h"

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

/* ---- the search, fed by a pass over memory ------------------------------ */

void ptw_vmci_search_init(struct ptw_vmci_search *v,
			  ptw_vmci_current_fn *current)
{
	*v = (struct ptw_vmci_search){ UINT64_MAX, UINT64_MAX, 0, 0, current };
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
	if (v->current(d, (const char *)p, n)) {
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

/* Feed the bytes of the mapped segments that are no whole page (before a
 * segment's first page and after its last), which a pass does not read. */
static void feed_fragments(const ptw_dump *d, struct ptw_vmci_search *v)
{
	/* A fragment is less than a page at either end of a segment, or
	 * all of a segment with no whole page: less than two pages. */
	uint8_t buf[2 * PTW_PAGE];
	for (size_t i = 0; i < d->nsegs; i++) {
		const struct ptw_seg *s = &d->segs[i];
		if (s->pager || !s->data_len)
			continue;
		uint64_t first_pa, npages, piece[2][2];
		ptw_seg_pages(s, &first_pa, &npages);
		if (!npages) { /* less than two pages of data */
			piece[0][0] = 0;
			piece[0][1] = s->data_len;
			piece[1][0] = piece[1][1] = 0;
		} else {
			piece[0][0] = 0;
			piece[0][1] = first_pa - s->pa;
			piece[1][0] = first_pa - s->pa + npages * PTW_PAGE;
			piece[1][1] = s->data_len;
		}
		for (unsigned k = 0; k < 2; k++) {
			uint64_t in = piece[k][0];
			size_t len = (size_t)(piece[k][1] - in);
			const uint8_t *q;
			if (len && (q = ptw_seg_bytes(d, s, in, len, buf)))
				ptw_vmci_feed(d, s, in, q, len, v);
		}
	}
}

struct ptw_vmci_search *ptw_vmci_searches(const ptw_dump *d, unsigned n,
					  ptw_vmci_current_fn *current)
{
	struct ptw_vmci_search *v = calloc(n, sizeof *v);
	if (!v)
		return NULL;
	for (unsigned t = 0; t < n; t++)
		ptw_vmci_search_init(&v[t], current);
	feed_fragments(d, &v[0]);
	return v;
}

int ptw_vmci_settle_all(const ptw_dump *d, struct ptw_vmci_search *v,
			unsigned n, struct ptw_error *err)
{
	for (unsigned t = 1; t < n; t++)
		ptw_vmci_merge(&v[0], &v[t]);
	return ptw_dump_vmcoreinfo_settle(d, &v[0], err);
}

/* ---- the search on its own ------------------------------------------------ */

/* One search per thread of the pass. */
struct find {
	const ptw_dump *d;
	ptw_vmci_current_fn *current;
	struct ptw_vmci_search *v;
	unsigned threads;
};

static int find_start(void *ctx, unsigned threads, struct ptw_error *err)
{
	struct find *f = ctx;
	if (!(f->v = ptw_vmci_searches(f->d, threads, f->current)))
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the scan");
	f->threads = threads;
	return 0;
}

static void find_pages(void *ctx, unsigned t, const struct ptw_seg *s,
		       uint64_t in, const uint8_t *p, uint64_t npages)
{
	struct find *f = ctx;
	ptw_vmci_feed(f->d, s, in, p, (size_t)(npages * PTW_PAGE), &f->v[t]);
}

/* One pass over the mapped segments (pages a pager produces are not
 * searched), then settle. */
static int find(const ptw_dump *d, ptw_vmci_current_fn *current,
		struct ptw_error *err)
{
	struct find f = { .d = d, .current = current };
	const struct ptw_pass_opts o = {
		.segs = PTW_PASS_MAPPED, .threads = 0,
		.start = find_start, .pages = find_pages, .ctx = &f,
	};
	int rc = ptw_dump_pass(d, &o, NULL, err);
	if (!rc)
		rc = ptw_vmci_settle_all(d, f.v, f.threads, err);
	free(f.v);
	return rc;
}

int ptw_vmcoreinfo_find(const ptw_dump *d, ptw_vmci_current_fn *current,
			struct ptw_error *err)
{
	/* One at a time: a second caller waits and finds it settled. */
	struct ptw_dump *w = (struct ptw_dump *)d;
	int rc = 0;
	pthread_mutex_lock(&w->vmci_search_lock);
	if (ptw_dump_vmcoreinfo_pending(d))
		rc = find(d, current, err);
	pthread_mutex_unlock(&w->vmci_search_lock);
	return rc;
}
