/* view/regions.c — regions/: the mapped memory of a space as files that
 * strings, grep -a -r, yara -r and binwalk can take whole.
 *
 * A file is a maximal stretch of mapped VA, named <va-start>-<va-end> as
 * maps prints addresses.  Two rules keep a directory to what its reader
 * wants (README, "regions/"):
 *
 *  - What spaces share is listed once per dump.  A top-level slot (for
 *    PAE, whose top table has four entries, a slot of the level below) is
 *    listed in the first space that holds it, in the order kernel space,
 *    other spaces, KPTI / KVA-shadow user copies, each by DirBase.  So the
 *    kernel half that every Linux process shares is in the kernel's own
 *    space, and a process's regions/ holds its own memory: its lower half
 *    and whatever of its upper half it does not share (Windows' self-map,
 *    its session space).  Two slots are the same when their entries lead
 *    to the same table (or map the same page).
 *
 *  - One layout repeated is one file.  When REPEAT_MIN or more consecutive
 *    stretches map the same physical pages in the same order at a constant
 *    stride (Linux's ESPFIX area: one page, 65536 times, 64 KiB apart),
 *    they are listed as the first of them, named
 *    <va-start>-<va-end>-x<count>-every-<stride>: the file holds the bytes
 *    once, and every copy reads the same bytes.
 *
 * A space's listing comes from one walk and is kept with its other facts
 * (the dump never changes); a lookup finds its name in it, so every name
 * listed resolves and no other does.
 */
#include "view/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stretches alike and evenly spaced before they are one file. */
#define REPEAT_MIN 8
/* Runs compared per stretch: a stretch of more runs is never a repeat. */
#define LAYOUT_RUNS 16
/* Files in one space's listing at most (32 MiB of index); past it the
 * listing stops (an adversarial dump: the memory stays in vmem). */
#define REGIONS_MAX (1u << 20)

/* ---- the slots a space lists ----------------------------------------------- */

/* The most slots a space has: AArch64's 64 KiB granule at 42 bits, two
 * roots of 8192 entries (PAE: 4 x 512; x86-64: 512). */
#define SLOTS_MAX (2u * 8192)

/* The level whose entries are the unit of sharing. */
static unsigned share_level(const struct ptw_mode *m)
{
	return ptw_level_entries(m, 0) <= 4 ? 1 : 0;
}

/* Slots of one root's half (the whole space unless the mode is split). */
static unsigned half_slots(const struct ptw_mode *m)
{
	unsigned n = ptw_level_entries(m, 0);
	return share_level(m) ? n * ptw_level_entries(m, 1) : n;
}

/* A split mode's slots: the lower root's, then the upper root's, in VA
 * order as iteration's offsets number them (at most 16384: AArch64's
 * 64 KiB granule, 42 bits, 2 x 8192). */
static unsigned slot_count(const struct ptw_mode *m)
{
	return half_slots(m) * (m->split ? 2 : 1);
}

/* The entry of slot j, if present and well formed. */
static bool slot_entry(const struct ptw_space *s, unsigned j, uint64_t *e)
{
	const struct ptw_mode *m = s->mode;
	uint64_t table = s->root[j / half_slots(m)];
	unsigned lvl = share_level(m);
	if (table == PTW_NO_ROOT)
		return false;
	j %= half_slots(m);
	if (lvl) {
		uint64_t top;
		unsigned i0 = j / ptw_level_entries(m, 1);
		if (!ptw_phys_entry(s->dump, table + (uint64_t)i0 * m->entry_size,
				    m->entry_size, &top) ||
		    pt_classify(m, 0, top, &table) != PTW_ENTRY_TABLE)
			return false;
		j %= ptw_level_entries(m, 1);
	}
	uint64_t a;
	return ptw_phys_entry(s->dump, table + (uint64_t)j * m->entry_size,
			      m->entry_size, e) &&
	       pt_classify(m, lvl, *e, &a) >= PTW_ENTRY_TABLE;
}

/* What slot j of s leads to, as one number: the table (or page) address,
 * whose low bits (as many as the granule's: 12 to 16) are free, holding
 * the slot (at most granule - 2 bits: a top table has at most an eighth
 * of a granule's entries per half) and whether it is a page.  Equal keys:
 * the same memory at the same VA. */
static bool slot_key(const struct ptw_space *s, unsigned j, uint64_t *key)
{
	const struct ptw_mode *m = s->mode;
	unsigned lvl = share_level(m);
	uint64_t e;
	if (!slot_entry(s, j, &e))
		return false;
	*key = pt_address(m, lvl, e) | (uint64_t)j << 1 | pt_is_leaf(m, lvl, e);
	return true;
}

/* Rank of a found space in the order slots are given out. */
static int space_rank(const struct ptw_space *s)
{
	if (s->found & (PTW_FOUND_VMCOREINFO | PTW_FOUND_HEADER))
		return 0;
	return s->kpti_user ? 2 : 1;
}

static size_t words_of(const struct ptw_mode *m)
{
	return (slot_count(m) + 63) / 64;
}

/* Give every slot of every found space to the first that holds it. */
static int slots_build(ptv_fs *fs)
{
	const struct ptw_spaces *sp = &fs->spaces;
	size_t words = words_of(sp->mode);
	unsigned n = slot_count(sp->mode);
	fs->owned = calloc(sp->n ? sp->n * words : 1, sizeof *fs->owned);
	if (!fs->owned)
		return -ENOMEM;
	for (int rank = 0; rank <= 2; rank++)
		for (size_t i = 0; i < sp->n; i++) {
			const struct ptw_space *s = &sp->v[i];
			if (space_rank(s) != rank)
				continue;
			uint64_t *own = fs->owned + i * words;
			for (unsigned j = 0; j < n; j++) {
				uint64_t key;
				bool dup;
				if (!slot_key(s, j, &key))
					continue;
				if (ptw_addrset_add(&fs->slot_keys, key, &dup, NULL))
					return -ENOMEM;
				if (!dup)
					own[j / 64] |= 1ULL << (j % 64);
			}
		}
	return 0;
}

/* The slots n's space lists, into own (words_of(mode) words): a found
 * space's from the table built once, an on-demand space's those no found
 * space holds. */
static int slots_of(ptv_fs *fs, const struct ptv_node *n, uint64_t *own)
{
	pthread_mutex_lock(&fs->slots_lock);
	if (!fs->slots_ready) {
		fs->slots_rc = slots_build(fs);
		fs->slots_ready = true;
	}
	int rc = fs->slots_rc;
	pthread_mutex_unlock(&fs->slots_lock);
	if (rc)
		return rc;
	const struct ptw_mode *m = n->space.mode;
	size_t words = words_of(m);
	const struct ptw_space *found = ptw_spaces_find(&fs->spaces, n->space.dirbase);
	if (found) {
		memcpy(own, fs->owned + (size_t)(found - fs->spaces.v) * words,
		       words * sizeof *own);
		return 0;
	}
	memset(own, 0, words * sizeof *own);
	for (unsigned j = 0; j < slot_count(m); j++) {
		uint64_t key;
		if (slot_key(&n->space, j, &key) && !ptw_addrset_has(&fs->slot_keys, key))
			own[j / 64] |= 1ULL << (j % 64);
	}
	return 0;
}

struct slot_filter {
	const uint64_t *own;
	unsigned level, shift;
};

static bool slot_listed(void *ctx, unsigned lvl, uint64_t off, uint64_t e)
{
	(void)e;
	const struct slot_filter *f = ctx;
	if (lvl != f->level)
		return true;
	uint64_t j = off >> f->shift;
	return (f->own[j / 64] >> (j % 64)) & 1;
}

/* ---- building the listing ---------------------------------------------------- */

/* A stretch as it is built: where it lies and, for comparing it with its
 * neighbours, its first runs relative to its start. */
struct stretch {
	uint64_t va, end;
	struct ptw_run run[LAYOUT_RUNS];
	unsigned nruns;
	bool many;               /* more runs than kept: never a repeat */
};

struct build {
	const struct ptw_iter_stats *st;
	struct ptv_regions *out;
	int rc;
	bool have;
	struct stretch cur;      /* the stretch being grown */
	bool grouping;
	struct stretch first;    /* the first of the repeats so far */
	uint64_t count, stride;
};

static bool same_layout(const struct stretch *a, const struct stretch *b)
{
	if (a->many || b->many || a->nruns != b->nruns || a->end - a->va != b->end - b->va)
		return false;
	for (unsigned i = 0; i < a->nruns; i++) {
		const struct ptw_run *x = &a->run[i], *y = &b->run[i];
		if (x->va - a->va != y->va - b->va || x->pa != y->pa || x->size != y->size)
			return false;
	}
	return true;
}

static int push(struct build *b, uint64_t va, uint64_t end, uint64_t count,
		uint64_t stride)
{
	struct ptv_regions *o = b->out;
	if (o->n == REGIONS_MAX) {
		o->cut = true;
		return 1;
	}
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 64;
		struct ptv_region *v = realloc(o->v, cap * sizeof *v);
		if (!v) {
			b->rc = -ENOMEM;
			return 1;
		}
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = (struct ptv_region){ va, end, stride, count };
	return 0;
}

/* The repeats gathered so far: one file when there are enough of them,
 * else each its own. */
static int flush_group(struct build *b)
{
	if (!b->grouping)
		return 0;
	b->grouping = false;
	const struct stretch *f = &b->first;
	if (b->count >= REPEAT_MIN)
		return push(b, f->va, f->end, b->count, b->stride);
	for (uint64_t i = 0; i < b->count; i++)
		if (push(b, f->va + i * b->stride, f->end + i * b->stride, 1, 0))
			return 1;
	return 0;
}

/* A finished stretch: one more repeat, or the start of a new group. */
static int offer(struct build *b, const struct stretch *s)
{
	if (b->grouping && same_layout(&b->first, s)) {
		uint64_t last = b->first.va + (b->count - 1) * b->stride;
		if (b->count == 1 || s->va - last == b->stride) {
			if (b->count == 1)
				b->stride = s->va - b->first.va;
			b->count++;
			return 0;
		}
	}
	if (flush_group(b))
		return 1;
	b->first = *s;
	b->count = 1;
	b->stride = 0;
	b->grouping = true;
	return 0;
}

static int build_run(void *ctx, const struct ptw_run *r)
{
	struct build *b = ctx;
	/* Once a budget has cut the walk (tables that loop past its bounds),
	 * the stretch in progress may be missing pages: list nothing more. */
	if (b->st->truncated) {
		b->out->cut = true;
		b->have = false;
		return 1;
	}
	struct stretch *c = &b->cur;
	if (b->have && r->va == c->end) {
		c->end = r->va + r->size;
	} else {
		if (b->have && offer(b, c))
			return 1;
		b->have = true;
		c->va = r->va;
		c->end = r->va + r->size;
		c->nruns = 0;
		c->many = false;
	}
	if (c->nruns < LAYOUT_RUNS)
		c->run[c->nruns++] = *r;
	else
		c->many = true;
	return 0;
}

/* The listing of n's space, walked now into out. */
static int regions_build(ptv_fs *fs, const struct ptv_node *n,
			 struct ptv_regions *out)
{
	const struct ptw_mode *m = n->space.mode;
	uint64_t own[SLOTS_MAX / 64];
	memset(out, 0, sizeof *out);
	if (slot_count(m) > SLOTS_MAX)
		return -EIO; /* no mode has more: a new one must raise it */
	int rc = slots_of(fs, n, own);
	if (rc)
		return rc;
	unsigned lvl = share_level(m);
	struct slot_filter f = { own, lvl, m->level[lvl].shift };
	struct ptw_iter_stats st;
	struct build *b = calloc(1, sizeof *b);
	if (!b)
		return -ENOMEM;
	b->st = &st;
	b->out = out;
	uint64_t top = ptw_mode_va_from_offset(m, ptw_mode_va_size(m) - 1);
	if (ptw_iterate_where(&n->space, 0, top, slot_listed, &f, build_run, b, &st, NULL))
		b->rc = -ENOMEM;
	if (!b->rc && !out->cut && !st.truncated) {
		if (!(b->have && offer(b, &b->cur)))
			flush_group(b);
	} else if (st.truncated) {
		out->cut = true;
	}
	rc = b->rc;
	free(b);
	if (rc)
		ptv_regions_free(out);
	return rc;
}

void ptv_regions_free(struct ptv_regions *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* The listing of n's space: its cache's, built on first use, or (a space
 * opened on demand past the caches) built into own. */
static int regions_of(ptv_fs *fs, const struct ptv_node *n, struct ptv_regions *own,
		      const struct ptv_regions **out)
{
	struct ptv_cache *c = n->cache;
	if (!c) {
		*out = own;
		return regions_build(fs, n, own);
	}
	pthread_mutex_lock(&c->lock);
	if (!c->regions_ready) {
		c->regions_rc = regions_build(fs, n, &c->regions);
		c->regions_ready = true;
	}
	int rc = c->regions_rc;
	pthread_mutex_unlock(&c->lock);
	*out = &c->regions;
	return rc;
}

/* ---- names ------------------------------------------------------------------------ */

static void region_name(const struct ptw_mode *m, const struct ptv_region *r,
			char *buf, size_t size)
{
	int d = ptv_va_digits(m);
	int len;
	if (r->end == 0) /* the top of the space: 2^64 */
		len = snprintf(buf, size, "%0*" PRIx64 "-1%0*d", d, r->va, d, 0);
	else
		len = snprintf(buf, size, "%0*" PRIx64 "-%0*" PRIx64, d, r->va, d, r->end);
	if (r->count > 1 && len > 0 && (size_t)len < size)
		snprintf(buf + len, size - (size_t)len, "-x%" PRIu64 "-every-%" PRIx64,
			 r->count, r->stride);
}

int ptv_regions_list(ptv_fs *fs, const struct ptv_node *n, ptv_fill_fn fill,
		     void *ctx)
{
	struct ptv_regions own;
	const struct ptv_regions *rs;
	int rc = regions_of(fs, n, &own, &rs);
	for (size_t i = 0; !rc && i < rs->n; i++) {
		char name[96];
		region_name(n->space.mode, &rs->v[i], name, sizeof name);
		struct ptv_attr a = { .kind = PTV_FILE, .nlink = 1,
				      .size = rs->v[i].end - rs->v[i].va };
		a.allocated = a.size;
		if (fill(ctx, name, &a))
			break;
	}
	if (rs == &own)
		ptv_regions_free(&own);
	return rc;
}

int ptv_regions_step(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	const struct ptw_mode *m = n->space.mode;
	size_t d = (size_t)ptv_va_digits(m);
	char head[24];
	uint64_t va;
	if (strlen(name) <= d || name[d] != '-')
		return -ENOENT;
	memcpy(head, name, d);
	head[d] = '\0';
	if (!ptw_parse_hex_digits(head, &va))
		return -ENOENT;
	struct ptv_regions own;
	const struct ptv_regions *rs;
	int rc = regions_of(fs, n, &own, &rs);
	if (rc)
		return rc;
	/* The listing is in VA order: the one entry starting at va. */
	size_t lo = 0, hi = rs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rs->v[mid].va < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	rc = -ENOENT;
	if (lo < rs->n && rs->v[lo].va == va) {
		char want[96];
		region_name(m, &rs->v[lo], want, sizeof want);
		if (!strcmp(want, name)) {
			n->type = PTV_REGION;
			n->va = rs->v[lo].va;
			n->va_end = rs->v[lo].end;
			rc = 0;
		}
	}
	if (rs == &own)
		ptv_regions_free(&own);
	return rc;
}
