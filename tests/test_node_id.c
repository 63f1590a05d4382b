/* test_node_id.c — node ids (view/node.c): every node of every mode's tree
 * to its id and back to the same node, ids unique, the root 1; malformed
 * and forgotten ids refused; the intern table's references, its slots'
 * reuse and its bound; the fallbacks when spaces do not fit the id. */
#include "testutil.h"

#include "view/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ptv_fs *open_fs(const char *scenario, const struct ptw_discover_opts *o)
{
	return open_view_fs(scenario, "id", o);
}

static struct ptv_node lookup(ptv_fs *fs, const char *path)
{
	struct ptv_node n;
	int rc = ptv_lookup(fs, path, &n);
	if (rc)
		fail_msg("lookup %s: %d", path, rc);
	return n;
}

static uint64_t id_of(ptv_fs *fs, const struct ptv_node *n)
{
	uint64_t id = 0;
	assert_int_equal(ptv_node_id(fs, n, &id), 0);
	assert_true(id != 0);
	return id;
}

/* Two nodes the same, field by field. */
static bool same_node(const struct ptv_node *a, const struct ptv_node *b)
{
	const struct ptw_space *s = &a->space, *t = &b->space;
	bool space = s->dump == t->dump && s->mode == t->mode && s->dirbase == t->dirbase &&
		     s->cid == t->cid && !strcmp(s->name, t->name) && s->ppid == t->ppid &&
		     s->owner_from == t->owner_from && s->owner_object == t->owner_object &&
		     s->found == t->found && s->kpti_peer == t->kpti_peer &&
		     s->kpti_user == t->kpti_user && s->cpu == t->cpu && s->os == t->os;
	return space && a->type == b->type && a->cache == b->cache && a->level == b->level &&
	       a->table == b->table && a->base == b->base && a->index == b->index &&
	       a->entry == b->entry && a->va == b->va && a->va_end == b->va_end;
}

/* ---- every node, round trip -------------------------------------------------- */

struct seen {
	uint64_t *ids;
	size_t n, cap;
	size_t dirs;
};

static void seen_add(struct seen *s, uint64_t id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->ids = realloc(s->ids, s->cap * sizeof *s->ids);
		assert_non_null(s->ids);
	}
	s->ids[s->n++] = id;
}

/* n's id, its node back, the same id again and without a reference; two
 * references taken, recorded to be forgotten. */
static void round_trip(ptv_fs *fs, const struct ptv_node *n, const char *path,
		       struct seen *s)
{
	uint64_t id = id_of(fs, n);
	struct ptv_node back;
	int rc = ptv_node_from_id(fs, id, &back);
	if (rc)
		fail_msg("%s: id %#" PRIx64 " does not decode: %d", path, id, rc);
	if (!same_node(n, &back))
		fail_msg("%s: id %#" PRIx64 " decodes to another node (type %d)", path, id,
			 back.type);
	assert_int_equal(id_of(fs, &back), id);
	assert_int_equal(ptv_node_ino(fs, n), id);
	seen_add(s, id);
}

struct walk {
	ptv_fs *fs;
	struct seen *seen;
	char path[512];
};

static void walk_node(struct walk *w, const struct ptv_node *n);

static int walk_child(void *ctx, const char *name, const struct ptv_attr *a,
		      const struct ptv_node *child, uint64_t cookie)
{
	struct walk *w = ctx;
	assert_true(cookie > 0);
	size_t len = strlen(w->path);
	snprintf(w->path + len, sizeof w->path - len, "/%s", name);
	struct ptv_node looked;
	assert_int_equal(ptv_lookup(w->fs, w->path, &looked), 0);
	if (child) /* the listing's node is the lookup's */
		assert_true(same_node(child, &looked));
	struct ptv_attr la;
	assert_int_equal(ptv_getattr(w->fs, &looked, &la), 0);
	assert_int_equal(la.kind, a->kind);
	walk_node(w, &looked);
	w->path[len] = '\0';
	return 0;
}

static void walk_node(struct walk *w, const struct ptv_node *n)
{
	round_trip(w->fs, n, w->path, w->seen);
	struct ptv_attr a;
	assert_int_equal(ptv_getattr(w->fs, n, &a), 0);
	if (a.kind == PTV_DIR) {
		w->seen->dirs++;
		assert_int_equal(ptv_readdir_from(w->fs, n, 0, walk_child, w), 0);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The whole tree from the root, then nodes no listing shows; every id
 * distinct; all references given back. */
static void check_all_ids(ptv_fs *fs, const char *ondemand, size_t want_nodes)
{
	struct seen s = {0};
	struct walk w = { .fs = fs, .seen = &s };
	struct ptv_node root = lookup(fs, "/");
	walk_node(&w, &root);
	if (want_nodes)
		assert_int_equal(s.n, want_nodes);
	const struct ptw_spaces *sp = ptv_spaces(fs);
	char path[128];
	/* a space opened on demand, its files and its tables */
	snprintf(w.path, sizeof w.path, "/dtb/%s", ondemand);
	struct ptv_node od = lookup(fs, w.path);
	assert_int_equal(od.space.found, PTW_FOUND_ON_DEMAND);
	walk_node(&w, &od);
	/* the VA files of a found space and of the on-demand one */
	const char *va_files[] = { "pte/400000", "vtop/400000", "pte/0", "vtop/3fffff" };
	for (unsigned i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "/dtb/%" PRIx64 "/%s", sp->v[0].dirbase, va_files[i]);
		struct ptv_node n = lookup(fs, path);
		round_trip(fs, &n, path, &s);
		snprintf(path, sizeof path, "/dtb/%s/%s", ondemand, va_files[i]);
		n = lookup(fs, path);
		round_trip(fs, &n, path, &s);
	}
	qsort(s.ids, s.n, sizeof *s.ids, cmp_u64);
	for (size_t i = 1; i < s.n; i++)
		if (s.ids[i] == s.ids[i - 1])
			fail_msg("two nodes share id %#" PRIx64, s.ids[i]);
	for (size_t i = 0; i < s.n; i++)
		ptv_forget(fs, s.ids[i], 2);
	assert_int_equal(ptv_interned(fs), 0);
	free(s.ids);
}

static void root_is_one(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	struct ptv_node n = lookup(fs, "/"), back;
	assert_int_equal(id_of(fs, &n), PTV_ROOT_ID);
	assert_int_equal(PTV_ROOT_ID, 1);
	assert_int_equal(ptv_node_from_id(fs, 1, &back), 0);
	assert_int_equal(back.type, PTV_ROOT);
	assert_true(same_node(&n, &back));
	ptv_close(fs);
}

/* Every scenario, every mode: x86, PAE, x64, LA57. */
static void every_node_every_mode(void **state)
{
	(void)state;
	struct ptw_process_spec procs[] = { { 42, 0x10a000, "alpha", -1, 0 },
					    { 7, 0x118000, "be/ta", -1, 0 } };
	struct ptw_discover_opts o = { .procs = procs, .nprocs = 2 };
	/* linux-x64 with two named processes: the tree mount_test finds,
	 * 5 spaces, proc/ and name/ links */
	ptv_fs *fs = open_fs("linux-x64", &o);
	check_all_ids(fs, "3000", 0);
	ptv_close(fs);
	for (const char *const *s = scenario_names; *s; s++) {
		fs = open_fs(*s, NULL);
		check_all_ids(fs, "3000", 0);
		ptv_close(fs);
	}
}

/* The exact size of one tree, so that the walk above cannot skip. */
static void walk_counts_nodes(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	struct seen s = {0};
	struct walk w = { .fs = fs, .seen = &s };
	snprintf(w.path, sizeof w.path, "/dtb/10a000");
	struct ptv_node n = lookup(fs, w.path);
	walk_node(&w, &n);
	/* find dtb/10a000 | wc -l in mount_test: 97, and 54 directories */
	assert_int_equal(s.n, 97);
	assert_int_equal(s.dirs, 54);
	for (size_t i = 0; i < s.n; i++)
		ptv_forget(fs, s.ids[i], 2);
	free(s.ids);
	assert_int_equal(ptv_interned(fs), 0);
	ptv_close(fs);
}

/* ---- ids that name nothing ----------------------------------------------------- */

static int decode(ptv_fs *fs, uint64_t id)
{
	struct ptv_node n;
	return ptv_node_from_id(fs, id, &n);
}

static void invalid_ids(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	/* x64: kind 5 bits, path 4 x 9 bits from bit 5, space from bit 41 */
	assert_int_equal(fs->ids.ref_shift, 41);
	assert_int_equal(fs->ids.direct, 5);
	assert_int_equal(decode(fs, 0), -ENOENT);
	assert_int_equal(decode(fs, 24), 0); /* /info.json */
	assert_int_equal(decode(fs, 24 | 1ULL << 5), -ENOENT); /* plus bits */
	for (uint64_t k = 25; k < 32; k++) /* no such kinds */
		assert_int_equal(decode(fs, k), -ENOENT);
	assert_int_equal(decode(fs, 1 | 1ULL << 5), -ENOENT);   /* root plus bits */
	assert_int_equal(decode(fs, 2 | 1ULL << 63), -ENOENT);  /* /info plus bits */
	/* 10a000 is space 1: its directory, and the same with a bad type */
	struct ptv_node sp = lookup(fs, "/dtb/10a000");
	uint64_t sid = id_of(fs, &sp);
	assert_int_equal(sid, 8 | (uint64_t)PTV_SPACE << 5 | 1ULL << 41);
	assert_int_equal(decode(fs, 8 | (uint64_t)PTV_TABLE << 5 | 1ULL << 41), -ENOENT);
	assert_int_equal(decode(fs, 8 | (uint64_t)PTV_PTE << 5 | 1ULL << 41), -ENOENT);
	assert_int_equal(decode(fs, 8 | 63ULL << 5 | 1ULL << 41), -ENOENT);
	/* space 5 does not exist: the field's slot range, never interned */
	assert_int_equal(decode(fs, 8 | (uint64_t)PTV_VMEM << 5 | 5ULL << 41), -ESTALE);
	assert_int_equal(decode(fs, 8 | (uint64_t)PTV_VMEM << 5 | 0x7fffffULL << 41), -ENOENT);
	/* proc/ links only to spaces with a process */
	assert_int_equal(decode(fs, 8 | (uint64_t)PTV_PROC_LINK << 5 | 1ULL << 41), -ENOENT);
	/* pml4/0 of 10a000: entry directory level 0, index 0 */
	struct ptv_node e0 = lookup(fs, "/dtb/10a000/pml4/0");
	uint64_t eid = id_of(fs, &e0);
	assert_int_equal(eid, 14 | 1ULL << 41);
	assert_int_equal(decode(fs, eid), 0);
	assert_int_equal(decode(fs, eid | 1ULL << 5), -ENOENT);   /* pml4/1: zero */
	assert_int_equal(decode(fs, eid | 254ULL << 5), 0);       /* pml4/254 */
	assert_int_equal(decode(fs, eid | 1ULL << 14), -ENOENT);  /* a level below it set */
	assert_int_equal(decode(fs, 13 | 1ULL << 41), -ENOENT);   /* table at level 4 */
	/* pml4/0/pdpt/0/pd/3/pt/3/entry: entry file level 3 */
	struct ptv_node pte = lookup(fs, "/dtb/10a000/pml4/0/pdpt/0/pd/3/pt/3/entry");
	uint64_t pid = id_of(fs, &pte);
	assert_int_equal(pid, 22 | 3ULL << 23 | 3ULL << 32 | 1ULL << 41);
	/* the pd entry 3 leads to a table; entry 0 of pdpt 0 of pml4 254 maps
	 * 2 MiB: no table below it */
	assert_int_equal(decode(fs, (9 + 3) | 254ULL << 5 | 1ULL << 41), -ENOENT);
	/* interned ids: slot never used, and a forgotten one */
	assert_int_equal(decode(fs, 7), -ESTALE);
	assert_int_equal(decode(fs, 7 | 1ULL << 60), -ENOENT);
	struct ptv_node va = lookup(fs, "/dtb/10a000/pte/603000");
	uint64_t vid = id_of(fs, &va);
	assert_int_equal(vid & 31, 7);
	assert_int_equal(decode(fs, vid), 0);
	assert_int_equal(decode(fs, vid + (1ULL << 23)), -ESTALE); /* another generation */
	ptv_forget(fs, vid, 1);
	assert_int_equal(decode(fs, vid), -ESTALE);
	/* forgetting what needs no reference changes nothing */
	ptv_forget(fs, sid, 5);
	ptv_forget(fs, 0, 1);
	ptv_forget(fs, ~0ULL, 1);
	assert_int_equal(decode(fs, sid), 0);
	ptv_close(fs);
}

/* Random values: an error, or the node whose id it is. */
static void random_ids(void **state)
{
	(void)state;
	const char *const scen[] = { "linux-x64", "linux-la57", "windows-x86", "linux-pae" };
	for (unsigned k = 0; k < 4; k++) {
		ptv_fs *fs = open_fs(scen[k], NULL);
		struct ptv_node va = lookup(fs, "/dtb/3000/pte/1234");
		uint64_t held = id_of(fs, &va);
		uint64_t x = 0x9e3779b97f4a7c15ULL * (k + 1), ok = 0;
		for (unsigned i = 0; i < 200000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* all bits random; a small space field; or only the
			 * kind, the level-0 index and a small space field */
			uint64_t small = (x >> 61) << fs->ids.ref_shift, id;
			if (i % 3 == 0)
				id = x;
			else if (i % 3 == 1)
				id = (x & ((1ULL << fs->ids.ref_shift) - 1)) | small;
			else
				id = (x & 31) | (x & (1023ULL << 5)) | small;
			struct ptv_node n;
			int rc = ptv_node_from_id(fs, id, &n);
			if (rc) {
				assert_true(rc == -ENOENT || rc == -ESTALE);
				continue;
			}
			ok++;
			struct ptv_attr a;
			assert_int_equal(ptv_getattr(fs, &n, &a), 0);
			assert_int_equal(ptv_node_ino(fs, &n), id);
		}
		assert_true(ok > 0); /* some named nodes */
		ptv_forget(fs, held, 1);
		assert_int_equal(ptv_interned(fs), 0);
		ptv_close(fs);
	}
}

/* ---- the intern table ------------------------------------------------------------ */

static void intern_counts(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	assert_int_equal(ptv_interned(fs), 0);
	/* found spaces' nodes need no slot */
	struct ptv_node n = lookup(fs, "/dtb/10a000/pml4/0/pdpt");
	id_of(fs, &n);
	assert_int_equal(ptv_interned(fs), 0);
	/* a space opened on demand: one slot, whatever its references */
	struct ptv_node od = lookup(fs, "/dtb/3000");
	uint64_t odid = id_of(fs, &od);
	assert_int_equal(odid & 31, 7);
	assert_int_equal(id_of(fs, &od), odid);
	assert_int_equal(ptv_interned(fs), 1);
	/* its files name it by slot, and hold it */
	struct ptv_node info = lookup(fs, "/dtb/3000/info");
	uint64_t iid = id_of(fs, &info);
	assert_int_equal(iid & 31, 8);
	assert_int_equal(iid >> 41, fs->ids.direct + 0);
	assert_int_equal(ptv_interned(fs), 1);
	ptv_forget(fs, odid, 2);
	assert_int_equal(ptv_interned(fs), 1);
	struct ptv_node back;
	assert_int_equal(ptv_node_from_id(fs, iid, &back), 0);
	assert_true(same_node(&back, &info));
	/* the space's own id is stale, not its slot */
	assert_int_equal(decode(fs, odid), 0);
	ptv_forget(fs, iid, 1);
	assert_int_equal(ptv_interned(fs), 0);
	assert_int_equal(decode(fs, iid), -ESTALE);
	assert_int_equal(decode(fs, odid), -ESTALE);
	/* a slot freed is reused with a new generation */
	struct ptv_node a = lookup(fs, "/dtb/10a000/pte/1000");
	uint64_t aid = id_of(fs, &a);
	assert_int_equal((aid >> 5) & 0x3ffff, odid >> 5 & 0x3ffff);
	assert_true(aid != odid);
	/* a listing interns nothing: a node without a slot gets no id */
	struct ptv_node b = lookup(fs, "/dtb/10a000/vtop/1000");
	uint64_t bid = 1;
	assert_int_equal(ptv_node_id_no_intern(fs, &b, &bid), 0);
	assert_int_equal(bid, 0);
	assert_int_equal(ptv_node_ino(fs, &b), 0);
	assert_int_equal(ptv_interned(fs), 1);
	/* one with a slot gets its id and a reference */
	assert_int_equal(ptv_node_id_no_intern(fs, &a, &bid), 0);
	assert_int_equal(bid, aid);
	ptv_forget(fs, aid, 1);
	assert_int_equal(ptv_interned(fs), 1);
	ptv_forget(fs, aid, 1);
	assert_int_equal(ptv_interned(fs), 0);
	/* forget more than held: gone, and no harm */
	id_of(fs, &a);
	ptv_forget(fs, id_of(fs, &a), 100);
	assert_int_equal(ptv_interned(fs), 0);
	ptv_close(fs);
}

static void intern_bound(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	uint64_t *ids = malloc(PTV_INTERN_MAX * sizeof *ids);
	assert_non_null(ids);
	char path[64];
	struct ptv_node n;
	for (uint64_t i = 0; i < PTV_INTERN_MAX; i++) {
		snprintf(path, sizeof path, "/dtb/10a000/pte/%" PRIx64, i);
		n = lookup(fs, path);
		ids[i] = id_of(fs, &n);
	}
	assert_int_equal(ptv_interned(fs), PTV_INTERN_MAX);
	snprintf(path, sizeof path, "/dtb/10a000/pte/%x", PTV_INTERN_MAX);
	n = lookup(fs, path);
	uint64_t id = 1;
	assert_int_equal(ptv_node_id(fs, &n, &id), -ENOSPC);
	assert_int_equal(ptv_node_id_no_intern(fs, &n, &id), 0);
	assert_int_equal(id, 0);
	/* an interned one still counts */
	struct ptv_node first = lookup(fs, "/dtb/10a000/pte/0");
	assert_int_equal(id_of(fs, &first), ids[0]);
	ptv_forget(fs, ids[0], 2);
	assert_int_equal(ptv_node_id(fs, &n, &id), 0);
	assert_int_equal(ptv_interned(fs), PTV_INTERN_MAX);
	assert_int_equal(decode(fs, ids[0]), -ESTALE);
	for (uint64_t i = 1; i < PTV_INTERN_MAX; i++)
		ptv_forget(fs, ids[i], 1);
	ptv_forget(fs, id, 1);
	assert_int_equal(ptv_interned(fs), 0);
	free(ids);
	ptv_close(fs);
}

/* ---- spaces the id cannot name by index ------------------------------------------ */

/* As if more spaces were found than the field names directly: every space
 * gets a slot, its nodes name that slot; past the slots the field can
 * name (LA57's 14 bits), nodes get slots of their own. */
static void spaces_past_the_field(void **state)
{
	(void)state;
	const char *const scen[] = { "linux-x64", "linux-la57", "linux-pae", "windows-x86" };
	for (unsigned k = 0; k < 4; k++) {
		ptv_fs *fs = open_fs(scen[k], NULL);
		fs->ids.direct = 1;
		check_all_ids(fs, "3000", 0);
		fs->ids.direct = 0;
		fs->ids.slots = 1;
		check_all_ids(fs, "3000", 0);
		ptv_close(fs);
	}
	/* which: a space past direct is interned, its files name the slot */
	ptv_fs *fs = open_fs("linux-x64", NULL);
	fs->ids.direct = 1;
	struct ptv_node s = lookup(fs, "/dtb/10a000"), v = lookup(fs, "/dtb/10a000/vmem");
	uint64_t sid = id_of(fs, &s), vid = id_of(fs, &v);
	assert_int_equal(sid & 31, 7);
	assert_int_equal(vid, 8 | (uint64_t)PTV_VMEM << 5 | (1ULL + ((sid >> 5) & 0x3ffff)) << 41);
	assert_int_equal(ptv_interned(fs), 1);
	/* and with no slot nameable, vmem has its own */
	fs->ids.slots = 0;
	struct ptv_node m = lookup(fs, "/dtb/10a000/maps");
	uint64_t mid = id_of(fs, &m);
	assert_int_equal(mid & 31, 7);
	assert_int_equal(ptv_interned(fs), 2);
	ptv_forget(fs, mid, 1);
	fs->ids.slots = 1;
	ptv_forget(fs, vid, 1);
	ptv_forget(fs, sid, 1);
	assert_int_equal(ptv_interned(fs), 0);
	ptv_close(fs);
}

/* LA57: 5 + 45 + 14 bits; the deepest node fills the id. */
static void la57_budget(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-la57", NULL);
	assert_int_equal(fs->ids.ref_shift, 50);
	assert_int_equal(fs->ids.shift[4], 41);
	assert_true(fs->ids.slots >= 8192);
	assert_int_equal(fs->ids.direct + fs->ids.slots, 1u << 14);
	const struct ptw_spaces *sp = ptv_spaces(fs);
	/* the deepest entries of the last space's tables */
	struct seen s = {0};
	struct walk w = { .fs = fs, .seen = &s };
	snprintf(w.path, sizeof w.path, "/dtb/%" PRIx64, sp->v[sp->n - 1].dirbase);
	struct ptv_node n = lookup(fs, w.path);
	walk_node(&w, &n);
	size_t deep = 0;
	for (size_t i = 0; i < s.n; i++) {
		if ((s.ids[i] & 31) == 19 + 4) { /* entry file, level 4 */
			deep++;
			assert_int_equal(s.ids[i] >> 50, sp->n - 1);
		}
		ptv_forget(fs, s.ids[i], 2);
	}
	assert_true(deep > 0);
	free(s.ids);
	ptv_close(fs);
}

/* ---- listings resumed at a cookie ------------------------------------------------- */

struct names {
	char v[64][48];
	uint64_t cookie[64];
	size_t n;
};

static int add_name(void *ctx, const char *name, const struct ptv_attr *a,
		    const struct ptv_node *child, uint64_t cookie)
{
	(void)a, (void)child;
	struct names *l = ctx;
	assert_true(l->n < 64);
	snprintf(l->v[l->n], sizeof l->v[0], "%s", name);
	l->cookie[l->n++] = cookie;
	return 0;
}

static void list_from(ptv_fs *fs, const char *path, uint64_t from, struct names *l)
{
	struct ptv_node n = lookup(fs, path);
	memset(l, 0, sizeof *l);
	assert_int_equal(ptv_readdir_from(fs, &n, from, add_name, l), 0);
}

/* Resuming after any entry gives the rest, for tables (by entry index),
 * fixed names and regions/ (kept whole while read, replaced by another
 * space's, dropped once its end is read). */
static void listings_resume(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	const char *const dirs[] = { "/dtb/10a000/regions", "/dtb/10a000/pml4", "/dtb/10a000",
				     "/dtb", "/", "/dtb/10a000/pml4/0", "/dtb/100000/regions" };
	for (unsigned d = 0; d < 7; d++) {
		struct names all, rest;
		list_from(fs, dirs[d], 0, &all);
		assert_true(all.n >= 2);
		for (size_t k = 0; k < all.n; k++) {
			if (k)
				assert_true(all.cookie[k] > all.cookie[k - 1]);
			list_from(fs, dirs[d], all.cookie[k], &rest);
			assert_int_equal(rest.n, all.n - k - 1);
			for (size_t i = 0; i < rest.n; i++) {
				assert_string_equal(rest.v[i], all.v[k + 1 + i]);
				assert_int_equal(rest.cookie[i], all.cookie[k + 1 + i]);
			}
		}
	}
	/* table cookies are entry indexes + 1 */
	struct names t;
	list_from(fs, "/dtb/10a000/pml4", 0, &t);
	assert_string_equal(t.v[1], "254");
	assert_int_equal(t.cookie[1], 255);
	list_from(fs, "/dtb/10a000/pml4", 254, &t);
	assert_string_equal(t.v[0], "254");
	/* regions: the snapshot of the space being read, gone at its end */
	struct names r, s;
	list_from(fs, "/dtb/10a000/regions", 2, &r);
	assert_non_null(fs->region_snap);
	assert_int_equal(fs->region_snap->dirbase, 0x10a000);
	list_from(fs, "/dtb/100000/regions", 1, &s);
	assert_int_equal(fs->region_snap->dirbase, 0x100000);
	list_from(fs, "/dtb/10a000/regions", 3, &s);
	assert_string_equal(s.v[0], r.v[1]);
	list_from(fs, "/dtb/10a000/regions", 4, &s);
	assert_int_equal(s.n, 0);
	assert_null(fs->region_snap);
	assert_int_equal(r.n, 2); /* 4 regions in 10a000 (the kernel's are in 100000) */
	ptv_close(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_is_one),
		cmocka_unit_test(walk_counts_nodes),
		cmocka_unit_test(every_node_every_mode),
		cmocka_unit_test(invalid_ids),
		cmocka_unit_test(random_ids),
		cmocka_unit_test(intern_counts),
		cmocka_unit_test(intern_bound),
		cmocka_unit_test(spaces_past_the_field),
		cmocka_unit_test(la57_budget),
		cmocka_unit_test(listings_resume),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
