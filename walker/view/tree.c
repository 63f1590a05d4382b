/* view/tree.c — the ptfs tree: paths to nodes, listings and attributes.
 *
 * A path resolves one component at a time, each step reading at most one
 * entry, so the cost of any lookup is bounded by the depth of the tree,
 * never by the size of an address space.  Names are canonical (lowercase
 * hex without leading zeros, decimal indexes without leading zeros) so that
 * each node has exactly one path.
 */
#include "view/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table an entry directory leads to, if it leads to one. */
static bool entry_next(const struct ptv_node *n, uint64_t *next)
{
	const struct ptw_mode *m = n->space.mode;
	uint64_t a;
	if (pt_classify(m, n->level, n->entry, &a) != PTW_ENTRY_TABLE)
		return false;
	/* As the walk and the iterator do, a table counts where any of it is
	 * held: its missing entries read as not present. */
	if (!ptw_phys_any(n->space.dump, a, ptw_table_bytes(m, n->level + 1)))
		return false;
	*next = a;
	return true;
}

static int step(ptv_fs *fs, struct ptv_node *n, const char *name);

static void set_space(ptv_fs *fs, struct ptv_node *n, size_t i)
{
	n->type = PTV_SPACE;
	n->space = fs->spaces.v[i];
	n->cache = &fs->caches[i];
}

static int step_dtb(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	uint64_t dirbase;
	if (!ptw_parse_canon_hex(name, &dirbase))
		return -ENOENT;
	const struct ptw_space *s = ptw_spaces_find(&fs->spaces, dirbase);
	if (s) {
		set_space(fs, n, (size_t)(s - fs->spaces.v));
		return 0;
	}
	/* Any other top table inside the dump opens on demand, as !vtop takes
	 * any pagedir. */
	if (ptw_spaces_open(&fs->spaces, fs->dump, dirbase, &n->space, NULL))
		return -ENOENT;
	n->space.found = PTW_FOUND_ON_DEMAND;
	n->cache = ptv_ondemand_cache(fs, dirbase);
	n->type = PTV_SPACE;
	return 0;
}

/* The space a cid names: the first, preferring kernel copies of KPTI
 * pairs (the ones Linux and Windows record as the process's DirBase). */
static const struct ptw_space *space_of_cid(ptv_fs *fs, int64_t cid)
{
	const struct ptw_space *best = NULL;
	for (size_t i = 0; i < fs->spaces.n; i++) {
		const struct ptw_space *s = &fs->spaces.v[i];
		if (s->cid != cid)
			continue;
		if (!best || (best->kpti_user && !s->kpti_user))
			best = s;
	}
	return best;
}

static int step_proc(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	uint64_t cid;
	if (name[0] == '0' && name[1] == 'x') {
		if (!ptw_parse_canon_hex(name + 2, &cid) || cid > INT64_MAX)
			return -ENOENT;
	} else if (!ptw_parse_canon_dec(name, INT64_MAX, &cid)) {
		return -ENOENT;
	}
	const struct ptw_space *s = space_of_cid(fs, (int64_t)cid);
	if (!s)
		return -ENOENT;
	n->type = PTV_PROC_LINK;
	n->space = *s;
	return 0;
}

/* Where a link points: proc/<cid> to its space, name/<name>-<cid> to
 * proc/<cid> (so that ls -l name/ shows the cids).  Returns the length. */
static int link_target(const struct ptv_node *n, char *buf, size_t size)
{
	if (n->type == PTV_NAME_LINK)
		return snprintf(buf, size, "../proc/%" PRId64, n->space.cid);
	return snprintf(buf, size, "../dtb/%" PRIx64, n->space.dirbase);
}

/* A process name as one path component: '/' (and NUL's absence aside,
 * nothing else) cannot appear in one, so it becomes '_'. */
static void name_component(const struct ptw_space *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s-%" PRId64, s->name, s->cid);
	for (char *p = buf; *p; p++)
		if (*p == '/')
			*p = '_';
}

/* The process a name/ entry shows: <name>-<cid>, as the listing spells it. */
static int step_name(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	const char *dash = strrchr(name, '-');
	uint64_t cid;
	if (!dash || dash == name || !ptw_parse_canon_dec(dash + 1, INT64_MAX, &cid))
		return -ENOENT;
	const struct ptw_space *s = space_of_cid(fs, (int64_t)cid);
	char want[PTW_NAME_MAX + 24];
	if (!s || !s->name[0])
		return -ENOENT;
	name_component(s, want, sizeof want);
	if (strcmp(want, name) != 0)
		return -ENOENT;
	n->type = PTV_NAME_LINK;
	n->space = *s;
	return 0;
}

int ptv_link_node(ptv_fs *fs, size_t i, enum ptv_type type, struct ptv_node *n)
{
	char name[PTW_NAME_MAX + 24];
	if (i >= fs->spaces.n || fs->spaces.v[i].cid < 0)
		return -ENOENT;
	const struct ptw_space *s = &fs->spaces.v[i];
	if (type == PTV_PROC_LINK) {
		snprintf(name, sizeof name, "%" PRId64, s->cid);
		n->type = PTV_PROC;
	} else {
		name_component(s, name, sizeof name);
		n->type = PTV_NAME;
	}
	int rc = step(fs, n, name);
	return !rc && n->space.dirbase != s->dirbase ? -ENOENT : rc;
}

/* Entry i of the table n shows: whether it has a directory (the dump holds
 * the whole entry, as the walk reads it, and it is not zero).  Lookups,
 * listings and link counts all ask this one question, so that every name a
 * listing gives resolves. */
static bool table_entry(const struct ptv_node *n, unsigned i, uint64_t *e)
{
	const struct ptw_mode *m = n->space.mode;
	return ptw_phys_entry(n->space.dump, n->table + (uint64_t)i * m->entry_size,
			      m->entry_size, e) && *e != 0;
}

int ptv_table_child(struct ptv_node *n, unsigned index)
{
	uint64_t e;
	if (n->type != PTV_TABLE || index >= ptw_level_entries(n->space.mode, n->level) ||
	    !table_entry(n, index, &e))
		return -ENOENT;
	n->type = PTV_ENTRY_DIR;
	n->index = index;
	n->entry = e;
	return 0;
}

int ptv_entry_down(struct ptv_node *n)
{
	const struct ptw_mode *m = n->space.mode;
	uint64_t next;
	if (n->type != PTV_ENTRY_DIR || !entry_next(n, &next))
		return -ENOENT;
	n->base += ptw_level_span(m, n->level) * n->index;
	n->level++;
	n->table = next;
	n->type = PTV_TABLE;
	return 0;
}

void ptv_enter_root(struct ptv_node *n, unsigned half)
{
	const struct ptw_mode *m = n->space.mode;
	n->type = PTV_TABLE;
	n->level = 0;
	n->table = n->space.root[half & 1];
	n->base = m->split && half ? 1ULL << (m->va_bits - 1) : 0;
}

unsigned ptv_node_half(const struct ptv_node *n)
{
	const struct ptw_mode *m = n->space.mode;
	if (n->type == PTV_ROOT0 || n->type == PTV_ROOT1)
		return n->type == PTV_ROOT1;
	return m->split ? (unsigned)(n->base >> (m->va_bits - 1)) & 1 : 0;
}

/* The halves' directories a split space shows: those with a root. */
static bool has_half(const struct ptv_node *n, unsigned half)
{
	return n->space.mode->split && n->space.root[half] != PTW_NO_ROOT;
}

static int step_table(struct ptv_node *n, const char *name)
{
	const struct ptw_mode *m = n->space.mode;
	uint64_t index;
	if (!ptw_parse_canon_dec(name, ptw_level_entries(m, n->level) - 1, &index))
		return -ENOENT;
	return ptv_table_child(n, (unsigned)index);
}

/* pte/<VA>: !pte VA, any VA written as WinDbg takes it (0x, backtick,
 * any case).  pte/<ADDR>,1: WinDbg's !pte ADDR 1, the entry at a literal
 * address (a self-map VA, or physical where the space has no self-map),
 * marked by va_end 1; only ",1", as ptwalk's pte ADDR 1. */
static int step_pte(struct ptv_node *n, const char *name)
{
	char addr[64];
	const char *comma = strchr(name, ',');
	size_t len = comma ? (size_t)(comma - name) : strlen(name);
	if (len >= sizeof addr || (comma && strcmp(comma, ",1")))
		return -ENOENT;
	memcpy(addr, name, len);
	addr[len] = '\0';
	uint64_t va;
	if (ptw_parse_hex(addr, &va, NULL))
		return -ENOENT;
	/* a literal address may be physical: any value the text can judge */
	if (!comma && !ptw_mode_va_valid(n->space.mode, va))
		return -ENOENT;
	n->type = PTV_PTE;
	n->va = va;
	n->va_end = comma ? 1 : 0;
	return 0;
}

/* /vm/<id>: the guest's tree, its root. */
static int step_vm(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	uint64_t id;
	int rc;
	if (!ptw_parse_canon_hex(name, &id))
		return -ENOENT;
	uint32_t k = ptv_vm_index(fs, id);
	ptv_fs *g = k ? ptv_vm_fs(fs, k, &rc) : NULL;
	if (!g)
		return k ? rc : -ENOENT;
	memset(n, 0, sizeof *n);
	n->type = PTV_ROOT;
	n->space.mode = g->spaces.mode;
	n->vm = k;
	return 0;
}

/* A guest's node: the step its own tree takes. */
static int step_guest(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	int rc;
	uint32_t k = n->vm;
	ptv_fs *g = ptv_vm_fs(fs, k, &rc);
	if (!g)
		return rc;
	n->vm = 0;
	rc = step(g, n, name);
	n->vm = k;
	return rc;
}

static int step_root(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	static const struct { const char *name; enum ptv_type type; } top[] = {
		{ "info", PTV_INFO }, { "info.json", PTV_INFO_JSON },
		{ "phys", PTV_PHYS }, { "dtb", PTV_DTB }, { "proc", PTV_PROC },
		{ "name", PTV_NAME },
	};
	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
		if (!strcmp(name, top[i].name)) {
			n->type = top[i].type;
			return 0;
		}
	if (!fs->vm && fs->spaces.vms.n && !strcmp(name, "vm")) {
		n->type = PTV_VM_DIR;
		return 0;
	}
	if (!fs->vm)
		return -ENOENT;
	/* A guest's tree: its nested table beside its own. */
	if (!strcmp(name, "npt"))
		n->type = PTV_NPT;
	else if (!strcmp(name, "npt-maps"))
		n->type = PTV_MAPS;
	else
		return -ENOENT;
	n->space = fs->npt;
	n->nested = true;
	n->cache = &fs->npt_cache;
	return 0;
}

static int step(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	const struct ptw_mode *m = n->space.mode;
	if (n->vm)
		return step_guest(fs, n, name);
	switch (n->type) {
	case PTV_ROOT:
		return step_root(fs, n, name);
	case PTV_VM_DIR:
		return step_vm(fs, n, name);
	case PTV_NPT:
		if (strcmp(name, m->level[0].dir_name))
			return -ENOENT;
		ptv_enter_root(n, 0);
		return 0;
	case PTV_DTB:
		return step_dtb(fs, n, name);
	case PTV_PROC:
		return step_proc(fs, n, name);
	case PTV_NAME:
		return step_name(fs, n, name);
	case PTV_SPACE:
		for (size_t i = 0; i < PTV_SPACE_CHILDREN; i++)
			if (!strcmp(name, ptv_space_children[i].name)) {
				n->type = ptv_space_children[i].type;
				return 0;
			}
		if (has_half(n, 0) && !strcmp(name, m->root_dir[0]))
			n->type = PTV_ROOT0;
		else if (has_half(n, 1) && !strcmp(name, m->root_dir[1]))
			n->type = PTV_ROOT1;
		else if (!m->split && !strcmp(name, m->level[0].dir_name))
			ptv_enter_root(n, 0);
		else
			return -ENOENT;
		return 0;
	case PTV_ROOT0:
	case PTV_ROOT1:
		if (strcmp(name, m->level[0].dir_name))
			return -ENOENT;
		ptv_enter_root(n, n->type == PTV_ROOT1);
		return 0;
	case PTV_TABLE:
		return step_table(n, name);
	case PTV_PTE_DIR:
		return step_pte(n, name);
	case PTV_VTOP_DIR: {
		/* Any VA, written as WinDbg takes it (0x, backtick, any case). */
		uint64_t va;
		if (ptw_parse_hex(name, &va, NULL) || !ptw_mode_va_valid(m, va))
			return -ENOENT;
		n->type = PTV_VTOP;
		n->va = va;
		return 0;
	}
	case PTV_REGIONS:
		return ptv_regions_step(fs, n, name);
	case PTV_ENTRY_DIR:
		if (!strcmp(name, "entry")) {
			n->type = PTV_ENTRY;
			return 0;
		}
		if (n->level + 1 >= m->nlevels || strcmp(name, m->level[n->level + 1].dir_name))
			return -ENOENT;
		return ptv_entry_down(n);
	default:
		return -ENOTDIR;
	}
}

int ptv_lookup_child(ptv_fs *fs, const struct ptv_node *parent, const char *name,
		     struct ptv_node *child)
{
	*child = *parent;
	return step(fs, child, name);
}

int ptv_lookup(ptv_fs *fs, const char *path, struct ptv_node *n)
{
	memset(n, 0, sizeof *n);
	n->type = PTV_ROOT;
	n->space.mode = fs->spaces.mode;
	char name[256];
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, "/");
		if (len >= sizeof name)
			return -ENOENT;
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		int rc = step(fs, n, name);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- attributes ---------------------------------------------------------------- */

static unsigned table_nonzero(const struct ptv_node *n)
{
	const struct ptw_mode *m = n->space.mode;
	unsigned count = 0, entries = ptw_level_entries(m, n->level);
	for (unsigned i = 0; i < entries; i++) {
		uint64_t e;
		count += table_entry(n, i, &e);
	}
	return count;
}

/* Size of a text file.  A space's info and maps come from its measured
 * facts; an entry file is rendered (it reads one entry). */
static int text_size(ptv_fs *fs, const struct ptv_node *n, uint64_t *size)
{
	if (ptv_big_of(n->type) >= 0)
		return ptv_big_len(n, (unsigned)ptv_big_of(n->type), size);
	if (n->type == PTV_SPACE_INFO || n->type == PTV_SPACE_INFO_JSON) {
		struct ptv_cache own;
		const struct ptv_cache *c;
		int rc = ptv_space_facts(n, &own, &c);
		if (!rc)
			*size = n->type == PTV_SPACE_INFO ? c->info.len : c->info_json.len;
		if (c == &own)
			ptv_cache_texts_free(&own);
		return rc;
	}
	if (n->type == PTV_REGION) {
		*size = n->va_end - n->va;
		return 0;
	}
	struct ptv_file *f;
	int rc = ptv_file_open(fs, n, &f);
	if (rc)
		return rc;
	*size = ptv_file_text_len(f);
	ptv_file_close(f);
	return 0;
}

/* The bytes a space maps, from its counts (one walk, cached). */
static int mapped_bytes(const struct ptv_node *n, uint64_t *bytes)
{
	struct ptv_cache own;
	const struct ptv_cache *c;
	int rc = ptv_space_facts(n, &own, &c);
	if (!rc) {
		const struct ptw_mode *m = n->space.mode;
		*bytes = 0;
		for (unsigned lvl = 0; lvl < m->nlevels; lvl++)
			*bytes += c->stats.pages[lvl] * ptw_level_span(m, lvl);
	}
	if (c == &own)
		ptv_cache_texts_free(&own);
	return rc;
}

int ptv_getattr(ptv_fs *fs, const struct ptv_node *n, struct ptv_attr *a)
{
	memset(a, 0, sizeof *a);
	a->kind = PTV_DIR;
	a->nlink = 2;
	uint64_t next;
	if (n->vm) {
		struct ptv_node in;
		int rc;
		ptv_fs *g = ptv_guest_node(fs, n, &in, &rc);
		return g ? ptv_getattr(g, &in, a) : rc;
	}
	switch (n->type) {
	case PTV_ROOT:
		/* ., dtb, proc, name, and vm/ or npt/ */
		a->nlink = 5 + (fs->vm || fs->spaces.vms.n);
		return 0;
	case PTV_VM_DIR:
		a->nlink = 2 + (unsigned)fs->spaces.vms.n;
		return 0;
	case PTV_NPT:
		a->nlink = 3;
		return 0;
	case PTV_DTB:
		a->nlink = 2 + (unsigned)fs->spaces.n;
		return 0;
	case PTV_PROC:
	case PTV_NAME:
		return 0;
	case PTV_SPACE:
		/* ., the top table (or a split space's halves), pte, vtop,
		 * regions */
		a->nlink = 5 + (has_half(n, 0) + has_half(n, 1) ?: 1);
		return 0;
	case PTV_ROOT0:
	case PTV_ROOT1:
		a->nlink = 3;
		return 0;
	case PTV_PTE_DIR:
	case PTV_VTOP_DIR:
	case PTV_REGIONS:
		return 0;
	case PTV_TABLE:
		a->nlink = 2 + table_nonzero(n);
		return 0;
	case PTV_ENTRY_DIR:
		a->nlink = 2 + entry_next(n, &next);
		return 0;
	case PTV_PROC_LINK:
	case PTV_NAME_LINK: {
		char buf[64];
		a->kind = PTV_LINK;
		a->nlink = 1;
		a->size = (uint64_t)link_target(n, buf, sizeof buf);
		return 0;
	}
	default:
		break;
	}
	a->kind = PTV_FILE;
	a->nlink = 1;
	switch (n->type) {
	case PTV_INFO:
		a->size = a->allocated = fs->info.len;
		return 0;
	case PTV_INFO_JSON:
		a->size = a->allocated = fs->info_json.len;
		return 0;
	case PTV_PHYS:
		a->size = ptw_dump_phys_end(fs->dump);
		a->allocated = ptw_dump_phys_size(fs->dump);
		return 0;
	case PTV_VMEM:
		a->size = ptw_mode_va_size(n->space.mode);
		return mapped_bytes(n, &a->allocated);
	default: {
		int rc = text_size(fs, n, &a->size);
		a->allocated = a->size;
		return rc;
	}
	}
}

/* ---- listings ---------------------------------------------------------------------- */

/* One listing in progress.  Each entry carries a cookie, the position to
 * resume after it (FUSE's readdir offset), computed without listing what
 * came before: the entry index + 1 in a table, the space index + 1 in dtb/,
 * proc/ and name/, the ordinal + 1 elsewhere.  Entries whose cookie is at
 * most `from` were delivered already and are skipped unresolved, so that
 * resuming a table listing reads only the entries after the cookie. */
struct listing {
	ptv_fs *fs;
	const struct ptv_node *dir;
	uint64_t from;
	ptv_fill_node_fn fill;
	void *ctx;
	int stop;
};

/* Resolve name under the directory and hand it to fill with its
 * attributes and its node. */
static int emit(struct listing *l, const char *name, uint64_t cookie)
{
	if (cookie <= l->from)
		return 0;
	struct ptv_node child = *l->dir;
	struct ptv_attr a;
	int rc = step(l->fs, &child, name);
	if (!rc)
		rc = ptv_getattr(l->fs, &child, &a);
	if (rc)
		return rc;
	l->stop = l->fill(l->ctx, name, &a, &child, cookie);
	return 0;
}

static int list_names(struct listing *l, const char *const *names)
{
	for (uint64_t k = 0; names[k] && !l->stop; k++) {
		int rc = emit(l, names[k], k + 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int list_table(struct listing *l)
{
	const struct ptv_node *n = l->dir;
	unsigned entries = ptw_level_entries(n->space.mode, n->level);
	for (uint64_t i = l->from; i < entries && !l->stop; i++) {
		uint64_t e;
		if (!table_entry(n, (unsigned)i, &e))
			continue;
		char name[16];
		snprintf(name, sizeof name, "%u", (unsigned)i);
		int rc = emit(l, name, i + 1);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- regions/, listed whole once per reading -------------------------------------
 *
 * regions/ is listed by ptv_regions_list (view/regions.c), name and
 * attributes, from the start only; its positions are ordinals.  A snapshot of
 * the whole listing (struct ptv_region_snap) serves the pieces FUSE asks
 * for, and goes when its end has been read.  Its entries come without
 * their nodes: a region gets one when its name is looked up. */

struct snap_build {
	struct ptv_region_snap *s;
	size_t len, cap, ncap;
	int rc;
};

static int snap_add(void *ctx, const char *name, const struct ptv_attr *a)
{
	struct snap_build *b = ctx;
	struct ptv_region_snap *s = b->s;
	size_t len = strlen(name) + 1;
	if (s->n == b->ncap) {
		size_t ncap = b->ncap ? 2 * b->ncap : 256;
		size_t *at = realloc(s->name_at, ncap * sizeof *at);
		if (at)
			s->name_at = at;
		struct ptv_attr *attr = at ? realloc(s->attr, ncap * sizeof *attr) : NULL;
		if (!attr)
			return b->rc = -ENOMEM, 1;
		s->attr = attr;
		b->ncap = ncap;
	}
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 8192;
		char *names = realloc(s->names, cap);
		if (!names)
			return b->rc = -ENOMEM, 1;
		s->names = names;
		b->cap = cap;
	}
	memcpy(s->names + b->len, name, len);
	s->name_at[s->n] = b->len;
	s->attr[s->n++] = *a;
	b->len += len;
	return 0;
}

static void snap_free(struct ptv_region_snap *s)
{
	free(s->names);
	free(s->name_at);
	free(s->attr);
	free(s);
}

void ptv_region_snap_put(ptv_fs *fs, struct ptv_region_snap *s)
{
	pthread_mutex_lock(&fs->region_lock);
	bool last = --s->refs == 0;
	if (fs->region_snap == s && last)
		fs->region_snap = NULL;
	pthread_mutex_unlock(&fs->region_lock);
	if (last)
		snap_free(s);
}

/* The snapshot of n's regions/, with a reference for the caller. */
static int region_snap_get(ptv_fs *fs, const struct ptv_node *n,
			   struct ptv_region_snap **out)
{
	pthread_mutex_lock(&fs->region_lock);
	struct ptv_region_snap *s = fs->region_snap;
	if (s && s->dirbase == n->space.dirbase) {
		s->refs++;
		pthread_mutex_unlock(&fs->region_lock);
		*out = s;
		return 0;
	}
	pthread_mutex_unlock(&fs->region_lock);
	struct snap_build b = { .s = calloc(1, sizeof *b.s) };
	if (!b.s)
		return -ENOMEM;
	int rc = ptv_regions_list(fs, n, snap_add, &b);
	if (!rc)
		rc = b.rc;
	if (rc) {
		snap_free(b.s);
		return rc;
	}
	s = b.s;
	s->dirbase = n->space.dirbase;
	s->refs = 2; /* the fs's and the caller's */
	pthread_mutex_lock(&fs->region_lock);
	struct ptv_region_snap *old = fs->region_snap;
	fs->region_snap = s;
	pthread_mutex_unlock(&fs->region_lock);
	if (old)
		ptv_region_snap_put(fs, old);
	*out = s;
	return 0;
}

static int list_region_dir(struct listing *l)
{
	struct ptv_region_snap *s;
	int rc = region_snap_get(l->fs, l->dir, &s);
	if (rc)
		return rc;
	for (uint64_t k = l->from; k < s->n && !l->stop; k++)
		l->stop = l->fill(l->ctx, s->names + s->name_at[k], &s->attr[k], NULL, k + 1);
	/* Read to its end (the empty request that ends a listing): done
	 * with; its fs reference goes too. */
	if (l->from >= s->n) {
		pthread_mutex_lock(&l->fs->region_lock);
		bool mine = l->fs->region_snap == s;
		if (mine)
			l->fs->region_snap = NULL;
		pthread_mutex_unlock(&l->fs->region_lock);
		if (mine)
			ptv_region_snap_put(l->fs, s);
	}
	ptv_region_snap_put(l->fs, s);
	return 0;
}

static int list_dir(struct listing *l)
{
	ptv_fs *fs = l->fs;
	const struct ptv_node *n = l->dir;
	char name[32];
	int rc = 0;
	switch (n->type) {
	case PTV_ROOT: {
		const char *names[] = { "info", "info.json", "phys", "dtb", "proc", "name",
					NULL, NULL, NULL };
		if (fs->vm) {
			names[6] = "npt";
			names[7] = "npt-maps";
		} else if (fs->spaces.vms.n) {
			names[6] = "vm";
		}
		return list_names(l, names);
	}
	case PTV_VM_DIR:
		for (size_t i = (size_t)l->from; i < fs->spaces.vms.n && !l->stop && !rc; i++) {
			snprintf(name, sizeof name, "%" PRIx64, fs->spaces.vms.v[i].id);
			rc = emit(l, name, i + 1);
		}
		return rc;
	case PTV_NPT: {
		const char *const names[] = { n->space.mode->level[0].dir_name, NULL };
		return list_names(l, names);
	}
	case PTV_DTB:
		for (size_t i = (size_t)l->from; i < fs->spaces.n && !l->stop && !rc; i++) {
			snprintf(name, sizeof name, "%" PRIx64, fs->spaces.v[i].dirbase);
			rc = emit(l, name, i + 1);
		}
		return rc;
	case PTV_PROC:
		for (size_t i = (size_t)l->from; i < fs->spaces.n && !l->stop && !rc; i++) {
			const struct ptw_space *s = &fs->spaces.v[i];
			if (s->cid < 0 || space_of_cid(fs, s->cid) != s)
				continue;
			snprintf(name, sizeof name, "%" PRId64, s->cid);
			rc = emit(l, name, i + 1);
		}
		return rc;
	case PTV_NAME:
		for (size_t i = (size_t)l->from; i < fs->spaces.n && !l->stop && !rc; i++) {
			const struct ptw_space *s = &fs->spaces.v[i];
			char nm[PTW_NAME_MAX + 24];
			if (s->cid < 0 || !s->name[0] || space_of_cid(fs, s->cid) != s)
				continue;
			name_component(s, nm, sizeof nm);
			rc = emit(l, nm, i + 1);
		}
		return rc;
	case PTV_SPACE: {
		const struct ptw_mode *m = n->space.mode;
		const char *names[PTV_SPACE_CHILDREN + 3];
		for (size_t i = 0; i < PTV_SPACE_CHILDREN; i++)
			names[i] = ptv_space_children[i].name;
		names[PTV_SPACE_CHILDREN] =
			!m->split ? m->level[0].dir_name
				  : has_half(n, 0) ? m->root_dir[0]
						   : has_half(n, 1) ? m->root_dir[1] : NULL;
		names[PTV_SPACE_CHILDREN + 1] =
			has_half(n, 0) && has_half(n, 1) ? m->root_dir[1] : NULL;
		names[PTV_SPACE_CHILDREN + 2] = NULL;
		return list_names(l, names);
	}
	case PTV_ROOT0:
	case PTV_ROOT1: {
		const char *const names[] = { n->space.mode->level[0].dir_name, NULL };
		return list_names(l, names);
	}
	case PTV_PTE_DIR:
	case PTV_VTOP_DIR:
		return 0; /* any VA answers; none is listed */
	case PTV_REGIONS:
		return list_region_dir(l);
	case PTV_TABLE:
		return list_table(l);
	case PTV_ENTRY_DIR: {
		uint64_t next;
		const char *const names[] = {
			"entry",
			entry_next(n, &next) ? n->space.mode->level[n->level + 1].dir_name : NULL,
			NULL,
		};
		return list_names(l, names);
	}
	default:
		return -ENOTDIR;
	}
}

/* A guest's listing, its children marked as the guest's. */
struct guest_fill {
	uint32_t vm;
	ptv_fill_node_fn fill;
	void *ctx;
};

static int guest_fill(void *ctx, const char *name, const struct ptv_attr *a,
		      const struct ptv_node *child, uint64_t cookie)
{
	struct guest_fill *g = ctx;
	if (!child)
		return g->fill(g->ctx, name, a, NULL, cookie);
	struct ptv_node c = *child;
	c.vm = g->vm;
	return g->fill(g->ctx, name, a, &c, cookie);
}

int ptv_readdir_from(ptv_fs *fs, const struct ptv_node *n, uint64_t from,
		     ptv_fill_node_fn fill, void *ctx)
{
	if (n->vm) {
		struct ptv_node in;
		int rc;
		ptv_fs *g = ptv_guest_node(fs, n, &in, &rc);
		struct guest_fill gf = { n->vm, fill, ctx };
		return g ? ptv_readdir_from(g, &in, from, guest_fill, &gf) : rc;
	}
	struct listing l = { .fs = fs, .dir = n, .from = from, .fill = fill, .ctx = ctx };
	return list_dir(&l);
}

/* ptv_readdir's callback under ptv_readdir_from's. */
struct plain_fill {
	ptv_fill_fn fill;
	void *ctx;
};

static int plain_fill(void *ctx, const char *name, const struct ptv_attr *a,
		      const struct ptv_node *child, uint64_t cookie)
{
	(void)child, (void)cookie;
	struct plain_fill *p = ctx;
	return p->fill(p->ctx, name, a);
}

int ptv_readdir(ptv_fs *fs, const struct ptv_node *n, ptv_fill_fn fill,
		void *ctx)
{
	struct plain_fill p = { fill, ctx };
	return ptv_readdir_from(fs, n, 0, plain_fill, &p);
}

int ptv_readlink(ptv_fs *fs, const struct ptv_node *n, char *buf, size_t size)
{
	(void)fs;
	if ((n->type != PTV_PROC_LINK && n->type != PTV_NAME_LINK) || size == 0)
		return -EINVAL;
	link_target(n, buf, size);
	return 0;
}
