/* owners/kallsyms_find.c — the kernel's kallsyms tables found in its memory,
 * for kernels whose VMCOREINFO does not name them (before 6.0).
 *
 * scripts/kallsyms.c writes the tables into .rodata, each label aligned
 * (ALGN: 8 bytes on 64-bit, 4 on 32-bit, 256 on old arm64 where `.align 8`
 * meant 2^8), in an order that changed with the kernel:
 *   4.6-4.19   offsets, relative_base, num_syms, names, markers,
 *              token_table, token_index; num_syms and markers pointer-sized
 *   4.20-6.1   the same with u32 num_syms and markers (6.1: a name's length
 *              may take two bytes)
 *   6.2-6.3    seqs_of_names (3 bytes a symbol) between markers and
 *              token_table
 *   6.4-       num_syms, names, markers, token_table, token_index, offsets,
 *              relative_base, seqs_of_names
 *   (7.0?)     the same without relative_base: each offset is relative to
 *              its own place
 * The search reads the kernel image's mapped pages through the kernel's
 * table and anchors on what every era shares:
 *   1. the token table's one-character tokens '0'..'9' (every byte used
 *      in a name is a token of itself, at its own code), a run
 *      "0\0" "1\0" ... "9\0" at tokens 0x30..0x39;
 *   2. token_index right after the table (after padding): 256 u16 with
 *      index[0] == 0 and each the previous plus the previous token's
 *      length and NUL -- from it the table's start;
 *   3. markers (every 256th name's offset in names: markers[0] == 0, each
 *      step 512 bytes at least) ending just before the table, or, for
 *      6.2-6.3, further back before seqs_of_names; u32, else u64;
 *   4. num_syms (a count with as many markers) just before names, names
 *      ending just before markers, and walking the names' lengths from
 *      there reaches every marker exactly and ends at the markers;
 *   5. offsets and relative_base before num_syms (before 6.4) or after
 *      token_index (6.4 on), or place-relative offsets there: the one whose
 *      offsets fit kallsyms' own invariants and whose _text or _stext
 *      decodes to an address inside the searched image, and whose
 *      linux_banner, when kallsyms has it, reads "Linux version ".
 * Every count and read is bounded; a candidate that fails says why.
 */
#include "owners/owners.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIND_CHUNK      (1u << 20)     /* image bytes searched at a time */
#define FIND_CANDIDATES 64             /* token tables checked in all */
#define TOKEN_BYTES_MAX 65536          /* token_index holds u16 offsets */
#define TOKEN_LEN_MAX   256            /* one expanded token (a few tens) */
#define ALGN_MAX        256            /* label alignment, old arm64 */
#define MARKERS_MAX     (1u << 14)     /* 4M symbols / 256 */
#define MARKER_STEP_MAX (256u * 1026u) /* 256 names of 2 + 1024 bytes */
#define SEQS_BACK_MAX   (4u << 20)     /* 6.2-6.3: seqs_of_names (3 bytes a
					* symbol) searched back over */
#define SEQS_TRIES      64             /* markers candidates tried there */
#define NAMES_MAX       (64u << 20)
#define NAME_TOKENS_MAX 1024
#define LAST_GROUP_MAX  (256u * (2u + 514u)) /* names after the last marker */
#define NAME_CMP_MAX    64
#define IMAGE_HEAD      (16u << 20)    /* _text may lie so far below _stext */
/* The whole search's work, whatever the image holds: names stepped over
 * while checking candidates (a real table's are walked once or twice:
 * 94 266 on Debian 12's kernel), and bytes read back behind candidates
 * (markers, names, seqs_of_names: a few MiB a real candidate).  A crafted
 * image could otherwise make each of many positions walk millions of
 * names, or map one page under every address read. */
#define NAME_STEPS_MAX  (1ull << 25)
#define BACK_BYTES_MAX  (1ull << 30)

static const uint8_t digits[20] = "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9";

/* ---- small readers ----------------------------------------------------------- */

struct finder {
	const struct ptw_space *k;
	unsigned ptr;              /* 8, or 4 on 32-bit */
	uint64_t start, end;       /* the image range searched */
	char why[200];             /* the first candidate's rejection */
	uint64_t why_va;
	uint64_t steps;            /* names stepped over: NAME_STEPS_MAX */
	uint64_t back;             /* bytes read back: BACK_BYTES_MAX */
};

/* Whether the search's work budget is spent (then it stops, and says so). */
static bool spent(const struct finder *f)
{
	return f->steps >= NAME_STEPS_MAX || f->back >= BACK_BYTES_MAX;
}

static uint64_t le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* A candidate rejected: keep the first reason, to report if none fits. */
static bool reject(struct finder *f, uint64_t va, const char *fmt, const char *arg)
{
	if (!f->why[0]) {
		snprintf(f->why, sizeof f->why, fmt, arg);
		f->why_va = va;
	}
	return false;
}

/* Bytes [end - n, end) read backwards page by page, as far as they map
 * (and no further than VA 0, and the search's budget of bytes read
 * back): they land at the end of buf; returns how many. */
static size_t read_back(struct finder *f, uint64_t end, uint8_t *buf, size_t n)
{
	uint64_t most = n;
	if (most > end)
		most = end;
	if (most > BACK_BYTES_MAX - f->back)
		most = BACK_BYTES_MAX - f->back;
	f->back += most;
	size_t have = 0;
	while (have < most) {
		size_t step = (size_t)((end - have - 1) & (PTW_PAGE - 1)) + 1;
		if (step > most - have)
			step = (size_t)(most - have);
		if (!ptw_kread(f->k, end - have - step, buf + n - have - step, step))
			break;
		have += step;
	}
	return have;
}

/* ---- tokens ---------------------------------------------------------------------- */

struct tokens {
	uint64_t table, index;     /* VAs */
	uint16_t off[256];
	uint8_t bytes[TOKEN_BYTES_MAX + TOKEN_LEN_MAX + 1];
	size_t len;
};

/* Offsets of tokens 0x30.. from h, walked forward in buf (at h); false
 * when a token does not end or holds a byte no name has. */
static bool tokens_forward(const uint8_t *buf, size_t n, uint32_t rel[256], size_t *end)
{
	size_t at = 0;
	for (unsigned i = 0x30; i < 256; i++) {
		rel[i] = (uint32_t)at;
		size_t l = 0;
		while (at + l < n && buf[at + l] && l < TOKEN_LEN_MAX) {
			if (buf[at + l] < 0x20 || buf[at + l] > 0x7e)
				return false;
			l++;
		}
		if (at + l >= n || buf[at + l])
			return false;
		at += l + 1;
	}
	*end = at;
	return true;
}

/* token_index after the table's end: 256 u16 whose 0x30.. agree with rel. */
static bool index_after(const uint8_t *buf, size_t n, size_t end, const uint32_t rel[256],
			size_t *pos)
{
	for (size_t p = end; p + 512 <= n && p <= end + ALGN_MAX; p++) {
		const uint8_t *ix = buf + p;
		uint32_t base = (uint32_t)le(ix + 0x60, 2);
		if (le(ix, 2) != 0 || base < 0x30 || base > TOKEN_BYTES_MAX)
			continue;
		unsigned i = 0x31;
		while (i < 256 && le(ix + 2 * i, 2) == base + rel[i])
			i++;
		if (i == 256) {
			*pos = p;
			return true;
		}
	}
	return false;
}

/* The token table whose '0' token is at h: its index, its start, and every
 * token before '0' consistent with the index. */
static bool tokens_at(struct finder *f, uint64_t h, struct tokens *t)
{
	size_t want = TOKEN_BYTES_MAX + ALGN_MAX + 512;
	uint8_t *buf = malloc(want);
	if (!buf)
		return reject(f, h, "%sout of memory", "");
	size_t n = ptw_kread_upto(f->k, h, buf, want), end, pos;
	uint32_t rel[256];
	bool ok = tokens_forward(buf, n, rel, &end);
	if (!ok)
		reject(f, h, "%stokens 0x30..0xff are not printable strings", "");
	else if (!(ok = index_after(buf, n, end, rel, &pos)))
		reject(f, h, "%sno kallsyms_token_index after the tokens", "");
	if (ok) {
		uint32_t base = (uint32_t)le(buf + pos + 0x60, 2);
		for (unsigned i = 0; i < 256; i++)
			t->off[i] = (uint16_t)le(buf + pos + 2 * i, 2);
		t->table = h - base;
		t->index = h + pos;
		t->len = base + end;
	}
	free(buf);
	if (!ok)
		return false;
	if (t->len > sizeof t->bytes)
		return reject(f, h, "%sthe token table is too long", "");
	if (ptw_kread_upto(f->k, t->table, t->bytes, t->len) != t->len)
		return reject(f, h, "%sthe token table's start is unreadable", "");
	for (unsigned i = 0; i < 0x30; i++) {
		size_t o = t->off[i];
		if (o >= t->len ||
		    t->off[i + 1] != o + strnlen((const char *)t->bytes + o, t->len - o) + 1)
			return reject(f, h, "%skallsyms_token_index disagrees with tokens before '0'", "");
	}
	return true;
}

/* ---- markers ---------------------------------------------------------------------- */

struct markers {
	uint64_t va;
	unsigned es;               /* element size: 4, or 8 before 4.20 */
	uint32_t n;
	uint64_t *v;
	bool seqs_between;         /* 6.2-6.3 */
};

static bool marker_step(uint64_t prev, uint64_t cur)
{
	return cur >= prev + 512 && cur - prev <= MARKER_STEP_MAX;
}

/* The markers whose first (0) is at buf[p], as long as the steps hold. */
static uint32_t markers_run(const uint8_t *buf, size_t n, size_t p, unsigned es)
{
	uint32_t k = 1;
	for (size_t q = p + es; q + es <= n && k < MARKERS_MAX; q += es, k++)
		if (!marker_step(le(buf + q - es, es), le(buf + q, es)))
			break;
	return k;
}

/* Markers ending at most ALGN_MAX before table (buf ends there): the last
 * non-zero element and back to a zero, or one zero (256 names or fewer). */
static bool markers_direct(const uint8_t *buf, size_t n, unsigned es, size_t *first,
			   uint32_t *count)
{
	size_t q = n & ~(size_t)(es - 1);
	size_t stop = n > ALGN_MAX + es ? n - ALGN_MAX - es : 0;
	while (q >= es && q - es >= stop && le(buf + q - es, es) == 0)
		q -= es;
	if (q < es || q - es < stop) { /* all zero: markers[0] of one group */
		if (n < es)
			return false;
		*first = (n - es) & ~(size_t)(es - 1);
		*count = 1;
		return true;
	}
	size_t p = q - es;         /* the last marker */
	uint32_t k = 1;
	while (p >= es && k < MARKERS_MAX && le(buf + p, es) != 0 &&
	       marker_step(le(buf + p - es, es), le(buf + p, es))) {
		p -= es;
		k++;
	}
	if (le(buf + p, es) != 0 || k < 2) { /* one group: markers[0] after names */
		if (q + es > n)
			return false;
		p = q;
		k = 1;
	}
	*first = p;
	*count = k;
	return true;
}

/* ---- names -------------------------------------------------------------------------- */

struct names {
	uint64_t va, num_syms;
	uint32_t n;
	size_t len;                /* bytes walked */
	bool big;                  /* a two-byte length seen (6.1 on) */
};

/* The length of the name at buf[*at], moving past it. */
static bool name_len(const uint8_t *buf, size_t n, size_t *at, unsigned *len, bool *big)
{
	if (*at >= n)
		return false;
	unsigned l = buf[(*at)++];
	if (l & 0x80) {
		if (*at >= n)
			return false;
		l = (l & 0x7f) | (unsigned)buf[(*at)++] << 7;
		*big = true;
	}
	*len = l;
	return l > 0 && l <= NAME_TOKENS_MAX;
}

/* Walk count names in buf: every 256th starts at its marker; the end. */
static bool names_walk(struct finder *f, const uint8_t *buf, size_t n, uint32_t count,
		       const struct markers *mk, size_t *end, bool *big)
{
	size_t at = 0;
	*big = false;
	for (uint32_t i = 0; i < count; i++) {
		unsigned l;
		if (++f->steps > NAME_STEPS_MAX)
			return false;
		if ((i & 255) == 0 && at != mk->v[i >> 8])
			return false;
		if (!name_len(buf, n, &at, &l, big) || l > n - at)
			return false;
		at += l;
	}
	*end = at;
	return true;
}

/* The names after the last marker, walked from it: they must end within
 * ALGN_MAX before the markers.  At most 256 names: checked first, so that
 * a start whose names cannot end right costs no walk of all the others. */
static bool last_group_fits(struct finder *f, const uint8_t *buf, size_t n, uint32_t count,
			    const struct markers *mk)
{
	uint64_t last = mk->v[mk->n - 1];
	if (last >= n)
		return false;
	struct markers one = { .v = &(uint64_t){ 0 }, .n = 1, .es = mk->es };
	size_t end;
	bool big;
	return names_walk(f, buf + last, n - (size_t)last, count - 256 * (mk->n - 1), &one,
			  &end, &big) && n - last - end < ALGN_MAX;
}

/* Whether v counts as many symbols as nmark markers stand for. */
static bool count_fits(uint64_t v, uint32_t nmark)
{
	return v && v <= (uint64_t)nmark * 256 && (v + 255) / 256 == nmark;
}

/* Why names_find found none. */
enum names_why { NAMES_NO_MARKERS, NAMES_TOO_FAR, NAMES_NO_COUNT, NAMES_NO_WALK, NAMES_OK }; /* by depth */

/* The names before the markers: a num_syms candidate, then a walk that
 * meets every marker and ends within ALGN_MAX before them. */
static enum names_why names_find(struct finder *f, const struct markers *mk, struct names *nm)
{
	uint64_t last = mk->v[mk->n - 1];
	uint64_t reach = last + LAST_GROUP_MAX + ALGN_MAX + 8;
	if (reach > NAMES_MAX || mk->va < reach)
		return NAMES_TOO_FAR;
	size_t n = (size_t)(mk->va - ((mk->va - reach) & ~3ULL));
	uint64_t lo = mk->va - n;
	uint8_t *buf = malloc(n);
	if (!buf)
		return NAMES_TOO_FAR;
	size_t skip = n - read_back(f, mk->va, buf, n); /* unreadable head */
	enum names_why why = NAMES_NO_COUNT;
	/* num_syms (nearest the markers first), then names after it within
	 * ALGN_MAX, aligned, and starting before the last marker's offset */
	size_t top = n >= last + 2 + mk->es + 4 ? (n - last - 2 - mk->es) & ~(size_t)3 : 0;
	for (size_t q = top; why != NAMES_OK && q >= skip && q > 0 && !spent(f); q -= 4) {
		if (!count_fits(le(buf + q, mk->es), mk->n))
			continue;
		uint32_t count = (uint32_t)le(buf + q, mk->es);
		why = NAMES_NO_WALK;
		for (size_t s = q + mk->es, end; s <= q + mk->es + ALGN_MAX && s + last < n &&
		     !spent(f); s += 4)
			if (last_group_fits(f, buf + s, n - s, count, mk) &&
			    names_walk(f, buf + s, n - s, count, mk, &end, &nm->big) &&
			    n - s - end < ALGN_MAX) {
				nm->va = lo + s;
				nm->num_syms = lo + q;
				nm->n = count;
				nm->len = end;
				why = NAMES_OK;
				break;
			}
	}
	free(buf);
	return why;
}

/* Markers read from their VA into mk->v. */
static bool markers_load(struct finder *f, struct markers *mk)
{
	uint8_t *raw = malloc((size_t)mk->n * mk->es);
	mk->v = malloc(mk->n * sizeof *mk->v);
	bool ok = raw && mk->v && ptw_kread(f->k, mk->va, raw, (size_t)mk->n * mk->es);
	for (uint32_t i = 0; ok && i < mk->n; i++)
		mk->v[i] = le(raw + (size_t)i * mk->es, mk->es);
	free(raw);
	return ok;
}

/* Markers and names for the token table at t: directly before it, else
 * (6.2-6.3) before seqs_of_names; u32 elements, else u64. */
static bool markers_names(struct finder *f, const struct tokens *t, struct markers *mk,
			  struct names *nm)
{
	size_t back = SEQS_BACK_MAX;
	uint8_t *buf = malloc(back);
	if (!buf)
		return false;
	size_t have = read_back(f, t->table, buf, back);
	bool ok = false;
	enum names_why why = NAMES_NO_MARKERS, w = NAMES_NO_MARKERS;
	for (unsigned es = 4; !ok && es <= 8; es += 4) {
		size_t first;
		uint32_t count;
		if (markers_direct(buf + back - have, have, es, &first, &count)) {
			*mk = (struct markers){ .va = t->table - have + first, .es = es, .n = count };
			ok = markers_load(f, mk) && (w = names_find(f, mk, nm)) == NAMES_OK;
			if (w > why) /* the reason of the try that got furthest */
				why = w;
			if (!ok) {
				free(mk->v);
				mk->v = NULL;
			}
		}
		/* 6.2-6.3: markers, then 3 bytes a symbol, then the table */
		unsigned tries = 0;
		for (size_t p = have >= 8 ? (have - 8) & ~(size_t)3 : 0;
		     !ok && es == 4 && p >= 4 && tries < SEQS_TRIES; p -= 4) {
			const uint8_t *b = buf + back - have;
			if (le(b + p, 4) != 0 || !marker_step(0, le(b + p + 4, 4)))
				continue;
			uint32_t k = markers_run(b, have, p, 4);
			if (k < 2)
				continue;
			tries++;
			*mk = (struct markers){ .va = t->table - have + p, .es = 4, .n = k,
						.seqs_between = true };
			ok = markers_load(f, mk) && (w = names_find(f, mk, nm)) == NAMES_OK &&
			     t->table - (mk->va + 4ULL * k) >= 3ULL * nm->n &&
			     t->table - (mk->va + 4ULL * k) < 3ULL * nm->n + 2 * ALGN_MAX;
			if (w > why)
				why = w;
			if (!ok) {
				free(mk->v);
				mk->v = NULL;
			}
		}
	}
	free(buf);
	if (ok)
		return true;
	static const char *const says[] = {
		[NAMES_NO_COUNT] = "%sno kallsyms_num_syms before names fits the markers' count",
		[NAMES_NO_WALK] = "%skallsyms_names do not meet kallsyms_markers",
		[NAMES_NO_MARKERS] = "%sno kallsyms_markers before the token table",
		[NAMES_TOO_FAR] = "%sthe names kallsyms_markers imply reach past 64 MiB (or memory ran out)",
		[NAMES_OK] = "%sno seqs_of_names between the markers and the tokens",
	};
	return reject(f, t->table, says[why], "");
}

/* ---- offsets ------------------------------------------------------------------------ */

/* The names whose addresses check a candidate, by index. */
struct checks {
	int64_t text, stext, banner;
};

static bool tok_expand(const struct tokens *t, const uint8_t *code, unsigned len, char *out)
{
	size_t o = 0;
	bool first = true;
	for (unsigned j = 0; j < len && o < NAME_CMP_MAX; j++)
		for (const uint8_t *p = t->bytes + t->off[code[j]]; *p && o < NAME_CMP_MAX; p++) {
			if (first)
				first = false;
			else
				out[o++] = (char)*p;
		}
	out[o] = '\0';
	return true;
}

static bool checks_find(struct finder *f, const struct tokens *t, const struct names *nm,
			struct checks *c)
{
	uint8_t *buf = malloc(nm->len ? nm->len : 1);
	if (!buf || !ptw_kread(f->k, nm->va, buf, nm->len)) {
		free(buf);
		return false;
	}
	*c = (struct checks){ -1, -1, -1 };
	size_t at = 0;
	bool big;
	char name[NAME_CMP_MAX + 1];
	for (uint32_t i = 0; i < nm->n; i++) {
		unsigned l;
		if (!name_len(buf, nm->len, &at, &l, &big) || l > nm->len - at)
			break;
		tok_expand(t, buf + at, l, name);
		at += l;
		if (c->text < 0 && strcmp(name, "_text") == 0)
			c->text = i;
		else if (c->stext < 0 && strcmp(name, "_stext") == 0)
			c->stext = i;
		else if (c->banner < 0 && strcmp(name, "linux_banner") == 0)
			c->banner = i;
	}
	free(buf);
	return c->text >= 0 || c->stext >= 0;
}

struct addressing {
	uint64_t offsets, relative_base;
	bool place_relative;
};

static bool sym_address(struct finder *f, const struct addressing *a, int64_t i,
			uint64_t *addr)
{
	uint64_t o, base = a->relative_base;
	uint64_t at = a->offsets + 4ULL * (uint64_t)i;
	if (!ptw_kread_uint(f->k, at, 4, &o))
		return false;
	int32_t s = (int32_t)(uint32_t)o;
	if (a->place_relative)
		*addr = at + (uint64_t)(int64_t)s;
	else if (ptw_mode_x86_64(f->k->mode) && s < 0)
		*addr = base - 1 - (uint64_t)(int64_t)s;
	else
		*addr = base + (uint32_t)s;
	if (f->ptr == 4)
		*addr &= 0xffffffffULL;
	return true;
}

/* offsets[0] is 0, or (x86-64 absolute per-CPU) non-negative values then
 * -1 for the lowest non-per-CPU symbol. */
static bool offsets_plausible(struct finder *f, uint64_t offsets, uint32_t n)
{
	uint64_t o0;
	if (!ptw_kread_uint(f->k, offsets, 4, &o0))
		return false;
	if (o0 == 0)
		return true;
	for (uint32_t i = 0; i < n && i < 65536; i++) {
		uint64_t o;
		if (!ptw_kread_uint(f->k, offsets + 4ULL * i, 4, &o))
			return false;
		if (o & 0x80000000u)
			return o == 0xffffffffu;
	}
	return false;
}

/* Inside the image searched, or just below its start: arm64's _text and
 * relative_base lie below _stext (the head text). */
static bool in_image(const struct finder *f, uint64_t va)
{
	uint64_t lo = f->start > IMAGE_HEAD ? f->start - IMAGE_HEAD : 0;
	return va >= lo && va < f->end;
}

/* Whether addressing a decodes the check names as a kernel would have them. */
static bool addressing_fits(struct finder *f, const struct addressing *a,
			    const struct checks *c, uint32_t n)
{
	if (!a->place_relative &&
	    (!offsets_plausible(f, a->offsets, n) || !in_image(f, a->relative_base)))
		return false;
	uint64_t addr;
	int64_t anchor = c->stext >= 0 ? c->stext : c->text;
	if (!sym_address(f, a, anchor, &addr) || !in_image(f, addr))
		return false;
	if (c->banner >= 0) {
		char v[14];
		if (!sym_address(f, a, c->banner, &addr) || !ptw_kread(f->k, addr, v, sizeof v) ||
		    memcmp(v, "Linux version ", sizeof v) != 0)
			return false;
	}
	return true;
}

/* offsets and relative_base: before num_syms (to 6.3), after token_index
 * (6.4 on, with or without relative_base). */
static bool offsets_find(struct finder *f, const struct tokens *t, const struct names *nm,
			 const struct checks *c, struct ptw_ksym_tables *out)
{
	const unsigned aligns[] = { f->ptr, ALGN_MAX };
	for (unsigned ai = 0; ai < 2; ai++) {
		uint64_t A = aligns[ai];
		/* before num_syms: relative_base the last non-zero pointer */
		for (uint64_t rb = nm->num_syms - f->ptr; rb + ALGN_MAX + f->ptr >= nm->num_syms;
		     rb -= f->ptr) {
			uint64_t base;
			if (!ptw_kread_uint(f->k, rb, f->ptr, &base))
				break;
			if (!base)
				continue;
			struct addressing a = { (rb - 4ULL * nm->n) / A * A, base, false };
			if (addressing_fits(f, &a, c, nm->n)) {
				out->offsets = a.offsets;
				out->relative_base = rb;
				return true;
			}
			break;
		}
		/* after token_index */
		uint64_t off = align_up(t->index + 512, A);
		uint64_t rb = align_up(off + 4ULL * nm->n, A), base;
		struct addressing a = { off, 0, false };
		if (ptw_kread_uint(f->k, rb, f->ptr, &base)) {
			a.relative_base = base;
			if (addressing_fits(f, &a, c, nm->n)) {
				out->offsets = off;
				out->relative_base = rb;
				out->offsets_last = true;
				return true;
			}
		}
		a = (struct addressing){ align_up(t->index + 512, 4), 0, true };
		if (addressing_fits(f, &a, c, nm->n)) {
			out->offsets = a.offsets;
			out->relative_base = 0;
			out->offsets_last = out->place_relative = true;
			return true;
		}
	}
	return reject(f, t->table, "%sno kallsyms_offsets decode _text/_stext (and linux_banner) right", "");
}

/* ---- the candidate, whole ----------------------------------------------------------- */

static bool candidate(struct finder *f, uint64_t h, struct ptw_ksym_tables *out)
{
	struct tokens *t = malloc(sizeof *t);
	if (!t)
		return reject(f, h, "%sout of memory", "");
	struct markers mk = { .v = NULL };
	struct names nm = { .n = 0 };
	struct checks c;
	bool ok = tokens_at(f, h, t) && markers_names(f, t, &mk, &nm);
	if (ok && !(ok = checks_find(f, t, &nm, &c)))
		reject(f, t->table, "%sthe names decoded have neither _text nor _stext", "");
	if (ok) {
		memset(out, 0, sizeof *out);
		ok = offsets_find(f, t, &nm, &c, out);
	}
	if (ok) {
		out->names = nm.va;
		out->num_syms = nm.num_syms;
		out->markers = mk.va;
		out->markers_n = mk.n;
		out->token_table = t->table;
		out->token_index = t->index;
		out->count_size = mk.es;
		out->seqs_between = mk.seqs_between;
		out->big_names = nm.big;
		out->nsyms = nm.n;
	}
	free(mk.v);
	free(t);
	return ok;
}

const char *ptw_ksym_layout(const struct ptw_ksym_tables *t)
{
	if (t->count_size == 8)
		return "4.6-4.19 (u64 num_syms and markers)";
	if (t->seqs_between)
		return "6.2-6.3 (seqs_of_names before the token table)";
	if (t->place_relative)
		return "7.0 on (offsets last, place-relative)";
	if (t->offsets_last)
		return "6.4 on (offsets after the token index)";
	return t->big_names ? "6.1 (two-byte name lengths)" : "4.20-6.1";
}

/* The next mapped page the dump holds, at or after *va (below end):
 * over the stretch a missing table entry covers, or the dump's hole a
 * mapped page lies in; false when none. */
static bool next_mapped(const struct ptw_space *k, uint64_t *va, uint64_t end)
{
	while (*va < end) {
		uint64_t pa, left, run, step;
		if (!ptw_mode_va_valid(k->mode, *va))
			return false;
		if (!ptw_vtop_run(k, NULL, *va, &pa, &left))
			step = left;
		else if (ptw_phys_present(k->dump, pa, &run))
			return true;
		else
			step = run < left ? run : left;
		if (step == 0)
			step = PTW_PAGE - (*va & (PTW_PAGE - 1));
		*va = end - *va > step ? *va + step : end;
	}
	return false;
}

int ptw_ksym_find(const struct ptw_space *k, uint64_t start, uint64_t span,
		  struct ptw_ksym_tables *out, struct ptw_ksym_search *st,
		  struct ptw_error *err)
{
	struct finder f = { .k = k, .ptr = k->mode->va_bits > 32 ? 8 : 4, .start = start,
			    .end = start > UINT64_MAX - span ? UINT64_MAX : start + span };
	memset(st, 0, sizeof *st);
	uint8_t *buf = malloc(sizeof digits + FIND_CHUNK);
	if (!buf)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory searching for kallsyms");
	uint64_t va = start;
	size_t keep = 0;
	bool found = false;
	while (!found && st->candidates < FIND_CANDIDATES && st->bytes < PTW_KSYM_READ_MAX &&
	       va < f.end && !spent(&f)) {
		uint64_t rest = f.end - va;
		size_t n = ptw_kread_upto(k, va, buf + keep, rest < FIND_CHUNK ? (size_t)rest : FIND_CHUNK);
		if (n == 0) {      /* a hole: on to the next mapped run */
			uint64_t from = va;
			keep = 0;
			if (!next_mapped(k, &va, f.end))
				break;
			if (va == from) /* mapped, yet unreadable: a page */
				va = from + PTW_PAGE - (from & (PTW_PAGE - 1));
			if (va <= from)
				break;
			continue;
		}
		uint64_t bufva = va - keep;
		size_t len = keep + n;
		st->bytes += n;
		va += n;
		/* starts in the kept tail were not seen whole before */
		for (size_t p = 0; !found && p + sizeof digits <= len; p++) {
			const uint8_t *h = memchr(buf + p, '0', len - p - sizeof digits + 1);
			if (!h)
				break;
			p = (size_t)(h - buf);
			if (memcmp(h, digits, sizeof digits) != 0)
				continue;
			st->candidates++;
			found = candidate(&f, bufva + p, out);
			if (st->candidates >= FIND_CANDIDATES || spent(&f))
				break;
		}
		keep = len < sizeof digits - 1 ? len : sizeof digits - 1;
		memmove(buf, buf + len - keep, keep);
		if (va < bufva)    /* wrapped at the top of the VA space */
			break;
	}
	free(buf);
	if (found)
		return 0;
	double mib = (double)st->bytes / (1 << 20);
	if (!found && spent(&f))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"kallsyms not found in memory (%.1f MiB from %" PRIx64 " read): gave up"
				" after %u candidates, %" PRIu64 " names stepped over and %" PRIu64
				" MiB read back (the search's bound)", mib, start, st->candidates,
				f.steps, f.back >> 20);
	if (!st->candidates)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"kallsyms not found in memory (%.1f MiB from %" PRIx64 " read): no token"
				" table (no \"0\"..\"9\" tokens)", mib, start);
	return ptw_fail(err, PTW_ERR_NOT_FOUND,
			"kallsyms not found in memory (%.1f MiB from %" PRIx64 " read): %u"
			" candidates, the first at %" PRIx64 ": %s",
			mib, start, st->candidates, f.why_va, f.why[0] ? f.why : "?");
}
