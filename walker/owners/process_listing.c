/* owners/process_listing.c — the text of WinDbg's `!process 0 0`, for dumps whose
 * kernel data cannot name their processes (ptfs --processes FILE).
 *
 * WinDbg prints one block per process:
 *
 *   PROCESS ffffe00b2c5c5080
 *       SessionId: none  Cid: 0188    Peb: 1a0ab63000  ParentCid: 0004
 *       DirBase: 2a6f0002  ObjectTable: ffffc2078ae9b040  HandleCount:  53.
 *       Image: smss.exe
 *
 * (on 32-bit targets the first two lines are one).  Cid, ParentCid and
 * DirBase are hex; Image runs to the end of its line and may hold spaces
 * ("Memory Compression").  Other lines (the kd prompt, the "**** NT ACTIVE
 * PROCESS DUMP ****" banner, VAD or thread lines of `!process 0 7`) are
 * skipped.  A block needs Cid and DirBase; ParentCid and Image are
 * optional.
 */
#include "owners/owners.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

/* No Windows system has a million processes; a bigger listing is not one. */
enum { LISTING_MAX = 1 << 20 };

struct block {
	struct ptw_process_spec spec;
	bool open, has_cid, has_dirbase;
	unsigned line;               /* where its PROCESS line was */
};

struct parse {
	struct ptw_process_spec *v;
	size_t n, cap;
	struct ptw_error *err;
};

/* Blanks of every kind (as word_end stops at them: skipping fewer would
 * leave a form feed between words and no way past it). */
static const char *skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

/* The whitespace-delimited word at p: [p, *wend). */
static const char *word_end(const char *p, const char *end)
{
	while (p < end && !isspace((unsigned char)*p))
		p++;
	return p;
}

/* A hex word ("0188", "ffffe00b`2c5c5080", "2a6f0002"). */
static bool hex_word(const char *p, const char *e, uint64_t *out)
{
	char buf[48];
	size_t n = (size_t)(e - p);
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return ptw_parse_hex(buf, out, NULL) == 0;
}

static int finish_block(struct parse *ps, struct block *b)
{
	if (!b->open)
		return 0;
	b->open = false;
	if (!b->has_cid || !b->has_dirbase)
		return ptw_fail(ps->err, PTW_ERR_INVALID,
				"process listing, line %u: the PROCESS block has no %s",
				b->line, !b->has_cid ? "Cid" : "DirBase");
	if (ps->n == LISTING_MAX)
		return ptw_fail(ps->err, PTW_ERR_INVALID,
				"process listing: more than %d processes", LISTING_MAX);
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 64;
		struct ptw_process_spec *v = realloc(ps->v, cap * sizeof *v);
		if (!v)
			return ptw_fail(ps->err, PTW_ERR_NOMEM,
					"out of memory for the process listing");
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n++] = b->spec;
	return 0;
}

/* One "Key: value" pair of a block's line; p points after the colon. */
static int take_field(struct parse *ps, struct block *b, unsigned lineno,
		      const char *key, size_t klen, const char *p, const char *end,
		      const char **next)
{
	p = skip_space(p, end);
	const char *e = word_end(p, end);
	*next = e;
	uint64_t v;
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
	if (KEY("Image")) {
		/* The rest of the line, trailing blanks dropped. */
		const char *t = end;
		while (t > p && isspace((unsigned char)t[-1]))
			t--;
		size_t n = (size_t)(t - p);
		if (n >= sizeof b->spec.name)
			n = sizeof b->spec.name - 1;
		memcpy(b->spec.name, p, n);
		b->spec.name[n] = '\0';
		*next = end;
		return 0;
	}
	bool cid = KEY("Cid"), parent = KEY("ParentCid"), dirbase = KEY("DirBase");
#undef KEY
	if (!cid && !parent && !dirbase)
		return 0; /* SessionId, Peb, ObjectTable, HandleCount, ... */
	if (!hex_word(p, e, &v) || ((cid || parent) && v > INT64_MAX))
		return ptw_fail(ps->err, PTW_ERR_INVALID,
				"process listing, line %u: %.*s '%.*s' is not a hex number",
				lineno, (int)klen, key, (int)(e - p), p);
	if (cid) {
		b->spec.cid = (int64_t)v;
		b->has_cid = true;
	} else if (parent) {
		b->spec.ppid = (int64_t)v;
	} else {
		b->spec.dirbase = v;
		b->has_dirbase = true;
	}
	return 0;
}

/* The "Key:" fields of one line inside a block. */
static int take_fields(struct parse *ps, struct block *b, unsigned lineno,
		       const char *p, const char *end)
{
	while ((p = skip_space(p, end)) < end) {
		const char *e = word_end(p, end);
		if (e - p >= 2 && e[-1] == ':') {
			int rc = take_field(ps, b, lineno, p, (size_t)(e - p - 1), e,
					    end, &e);
			if (rc)
				return rc;
		}
		p = e;
	}
	return 0;
}

static int take_line(struct parse *ps, struct block *b, unsigned lineno,
		     const char *p, const char *end)
{
	p = skip_space(p, end);
	const char *e = word_end(p, end);
	if (e - p == 7 && memcmp(p, "PROCESS", 7) == 0) {
		int rc = finish_block(ps, b);
		if (rc)
			return rc;
		const char *a = skip_space(e, end), *ae = word_end(a, end);
		memset(b, 0, sizeof *b);
		b->open = true;
		b->line = lineno;
		b->spec.ppid = -1;
		if (!hex_word(a, ae, &b->spec.object))
			return ptw_fail(ps->err, PTW_ERR_INVALID,
					"process listing, line %u: PROCESS '%.*s' is not a hex address",
					lineno, (int)(ae - a), a);
		return take_fields(ps, b, lineno, ae, end);
	}
	return b->open ? take_fields(ps, b, lineno, p, end) : 0;
}

int ptw_parse_process_listing(const char *text, size_t len,
			      struct ptw_process_spec **out, size_t *n,
			      struct ptw_error *err)
{
	struct parse ps = { .err = err };
	struct block b = {0};
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	int rc = 0;
	while (!rc && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		lineno++;
		rc = take_line(&ps, &b, lineno, p, le);
		p = nl ? nl + 1 : end;
	}
	if (!rc)
		rc = finish_block(&ps, &b);
	if (!rc && ps.n == 0)
		rc = ptw_fail(err, PTW_ERR_INVALID,
			      "process listing: no PROCESS blocks (want the text of WinDbg's !process 0 0)");
	if (rc) {
		free(ps.v);
		return rc;
	}
	*out = ps.v;
	*n = ps.n;
	return 0;
}
