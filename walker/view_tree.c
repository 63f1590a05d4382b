/* view_tree.c — the ptfs tree: paths to nodes, listings and attributes.
 *
 * A path resolves one component at a time, each step reading at most one
 * entry, so the cost of any lookup is bounded by the depth of the tree,
 * never by the size of an address space.  Names are canonical (lowercase
 * hex without leading zeros, decimal indexes without leading zeros) so that
 * each node has exactly one path.
 */
#include "view_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Lowercase hex digits, zero-padded as maps prints them. */
static bool parse_hex_digits(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 16)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint64_t)(c - 'a' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

/* Canonical lowercase hex, no 0x, no leading zeros ("0" for zero). */
static bool parse_canon_hex(const char *s, uint64_t *out)
{
	return !(s[0] == '0' && s[1]) && parse_hex_digits(s, out);
}

static bool parse_canon_dec(const char *s, uint64_t max, uint64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* The table an entry directory leads to, if it leads to one. */
static bool entry_next(const struct ptv_node *n, uint64_t *next)
{
	const struct ptw_mode *m = n->space.mode;
	uint64_t e = n->entry;
	if (!(e & PTW_P) || pt_is_leaf(m, n->level, e) || pt_reserved(m, n->level, e))
		return false;
	uint64_t a = pt_address(m, n->level, e);
	/* As the walk and the iterator do, a table counts where any of it is
	 * held: its missing entries read as not present. */
	if (!ptw_phys_any(n->space.dump, a, ptw_table_bytes(m, n->level + 1)))
		return false;
	*next = a;
	return true;
}

static void set_space(ptv_fs *fs, struct ptv_node *n, size_t i)
{
	n->type = PTV_SPACE;
	n->space = fs->spaces.v[i];
	n->cache = &fs->caches[i];
}

static int step_dtb(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	uint64_t dirbase;
	if (!parse_canon_hex(name, &dirbase))
		return -ENOENT;
	const struct ptw_space *s = ptw_spaces_find(&fs->spaces, dirbase);
	if (s) {
		set_space(fs, n, (size_t)(s - fs->spaces.v));
		return 0;
	}
	/* Any other top table inside the dump opens on demand, as !vtop takes
	 * any pagedir. */
	if (ptw_space_init(&n->space, fs->dump, fs->spaces.mode, dirbase, NULL))
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
		if (!parse_canon_hex(name + 2, &cid) || cid > INT64_MAX)
			return -ENOENT;
	} else if (!parse_canon_dec(name, INT64_MAX, &cid)) {
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
	if (!dash || dash == name || !parse_canon_dec(dash + 1, INT64_MAX, &cid))
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

static int step_table(struct ptv_node *n, const char *name)
{
	const struct ptw_mode *m = n->space.mode;
	uint64_t index, e;
	if (!parse_canon_dec(name, ptw_level_entries(m, n->level) - 1, &index))
		return -ENOENT;
	if (!table_entry(n, (unsigned)index, &e))
		return -ENOENT;
	n->type = PTV_ENTRY_DIR;
	n->index = (unsigned)index;
	n->entry = e;
	return 0;
}

static int step(ptv_fs *fs, struct ptv_node *n, const char *name)
{
	const struct ptw_mode *m = n->space.mode;
	switch (n->type) {
	case PTV_ROOT:
		if (!strcmp(name, "info"))
			n->type = PTV_INFO;
		else if (!strcmp(name, "phys"))
			n->type = PTV_PHYS;
		else if (!strcmp(name, "dtb"))
			n->type = PTV_DTB;
		else if (!strcmp(name, "proc"))
			n->type = PTV_PROC;
		else if (!strcmp(name, "name"))
			n->type = PTV_NAME;
		else
			return -ENOENT;
		return 0;
	case PTV_DTB:
		return step_dtb(fs, n, name);
	case PTV_PROC:
		return step_proc(fs, n, name);
	case PTV_NAME:
		return step_name(fs, n, name);
	case PTV_SPACE:
		if (!strcmp(name, "info"))
			n->type = PTV_SPACE_INFO;
		else if (!strcmp(name, "vmem"))
			n->type = PTV_VMEM;
		else if (!strcmp(name, "maps"))
			n->type = PTV_MAPS;
		else if (!strcmp(name, "ptov"))
			n->type = PTV_PTOV;
		else if (!strcmp(name, "pte"))
			n->type = PTV_PTE_DIR;
		else if (!strcmp(name, "vtop"))
			n->type = PTV_VTOP_DIR;
		else if (!strcmp(name, "regions"))
			n->type = PTV_REGIONS;
		else if (!strcmp(name, m->level[0].dir_name)) {
			n->type = PTV_TABLE;
			n->level = 0;
			n->table = n->space.dirbase;
			n->base = 0;
		} else
			return -ENOENT;
		return 0;
	case PTV_TABLE:
		return step_table(n, name);
	case PTV_PTE_DIR:
	case PTV_VTOP_DIR: {
		/* Any VA, written as WinDbg takes it (0x, backtick, any case). */
		uint64_t va;
		if (ptw_parse_hex(name, &va, NULL) || !ptw_mode_va_valid(m, va))
			return -ENOENT;
		n->type = n->type == PTV_PTE_DIR ? PTV_PTE : PTV_VTOP;
		n->va = va;
		return 0;
	}
	case PTV_REGIONS:
		return ptv_regions_step(fs, n, name);
	case PTV_ENTRY_DIR: {
		uint64_t next;
		if (!strcmp(name, "entry")) {
			n->type = PTV_ENTRY;
			return 0;
		}
		if (!entry_next(n, &next) ||
		    strcmp(name, m->level[n->level + 1].dir_name))
			return -ENOENT;
		n->base += ptw_level_span(m, n->level) * n->index;
		n->level++;
		n->table = next;
		n->type = PTV_TABLE;
		return 0;
	}
	default:
		return -ENOTDIR;
	}
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
	if (n->type == PTV_MAPS || n->type == PTV_PTOV)
		return ptv_big_len(n, n->type == PTV_MAPS ? PTV_BIG_MAPS : PTV_BIG_PTOV, size);
	if (n->type == PTV_SPACE_INFO) {
		struct ptv_cache own;
		const struct ptv_cache *c;
		int rc = ptv_space_facts(n, &own, &c);
		if (!rc)
			*size = c->info.len;
		if (c == &own)
			ptv_text_free(&own.info);
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
		uint64_t mid = m->id == PTW_MODE_X86 ? 4ULL << 20 : 2ULL << 20;
		*bytes = c->stats.pages[0] * PTW_PAGE + c->stats.pages[1] * mid +
			 c->stats.pages[2] * (1ULL << 30);
	}
	if (c == &own)
		ptv_text_free(&own.info);
	return rc;
}

int ptv_getattr(ptv_fs *fs, const struct ptv_node *n, struct ptv_attr *a)
{
	memset(a, 0, sizeof *a);
	a->kind = PTV_DIR;
	a->nlink = 2;
	uint64_t next;
	switch (n->type) {
	case PTV_ROOT:
		a->nlink = 5;
		return 0;
	case PTV_DTB:
		a->nlink = 2 + (unsigned)fs->spaces.n;
		return 0;
	case PTV_PROC:
	case PTV_NAME:
		return 0;
	case PTV_SPACE:
		a->nlink = 6; /* ., the top table, pte, vtop, regions */
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

/* Resolve name under n and hand it to fill with its attributes. */
static int emit(ptv_fs *fs, const struct ptv_node *n, const char *name,
		ptv_fill_fn fill, void *ctx, int *stop)
{
	struct ptv_node child = *n;
	struct ptv_attr a;
	int rc = step(fs, &child, name);
	if (!rc)
		rc = ptv_getattr(fs, &child, &a);
	if (rc)
		return rc;
	*stop = fill(ctx, name, &a);
	return 0;
}

static int list_names(ptv_fs *fs, const struct ptv_node *n,
		      const char *const *names, ptv_fill_fn fill, void *ctx)
{
	int stop = 0;
	for (; *names && !stop; names++) {
		int rc = emit(fs, n, *names, fill, ctx, &stop);
		if (rc)
			return rc;
	}
	return 0;
}

static int list_table(ptv_fs *fs, const struct ptv_node *n, ptv_fill_fn fill,
		      void *ctx)
{
	const struct ptw_mode *m = n->space.mode;
	unsigned entries = ptw_level_entries(m, n->level);
	int stop = 0;
	for (unsigned i = 0; i < entries && !stop; i++) {
		uint64_t e;
		if (!table_entry(n, i, &e))
			continue;
		char name[16];
		snprintf(name, sizeof name, "%u", i);
		int rc = emit(fs, n, name, fill, ctx, &stop);
		if (rc)
			return rc;
	}
	return 0;
}

int ptv_readdir(ptv_fs *fs, const struct ptv_node *n, ptv_fill_fn fill,
		void *ctx)
{
	char name[32];
	int stop = 0, rc = 0;
	switch (n->type) {
	case PTV_ROOT: {
		static const char *const names[] = { "info", "phys", "dtb", "proc", "name",
						     NULL };
		return list_names(fs, n, names, fill, ctx);
	}
	case PTV_DTB:
		for (size_t i = 0; i < fs->spaces.n && !stop && !rc; i++) {
			snprintf(name, sizeof name, "%" PRIx64, fs->spaces.v[i].dirbase);
			rc = emit(fs, n, name, fill, ctx, &stop);
		}
		return rc;
	case PTV_PROC:
		for (size_t i = 0; i < fs->spaces.n && !stop && !rc; i++) {
			const struct ptw_space *s = &fs->spaces.v[i];
			if (s->cid < 0 || space_of_cid(fs, s->cid) != s)
				continue;
			snprintf(name, sizeof name, "%" PRId64, s->cid);
			rc = emit(fs, n, name, fill, ctx, &stop);
		}
		return rc;
	case PTV_NAME:
		for (size_t i = 0; i < fs->spaces.n && !stop && !rc; i++) {
			const struct ptw_space *s = &fs->spaces.v[i];
			char nm[PTW_NAME_MAX + 24];
			if (s->cid < 0 || !s->name[0] || space_of_cid(fs, s->cid) != s)
				continue;
			name_component(s, nm, sizeof nm);
			rc = emit(fs, n, nm, fill, ctx, &stop);
		}
		return rc;
	case PTV_SPACE: {
		const char *const names[] = { "info", "vmem", "maps", "ptov", "pte", "vtop",
					      "regions", n->space.mode->level[0].dir_name,
					      NULL };
		return list_names(fs, n, names, fill, ctx);
	}
	case PTV_PTE_DIR:
	case PTV_VTOP_DIR:
		return 0; /* any VA answers; none is listed */
	case PTV_REGIONS:
		return ptv_regions_list(fs, n, fill, ctx);
	case PTV_TABLE:
		return list_table(fs, n, fill, ctx);
	case PTV_ENTRY_DIR: {
		uint64_t next;
		const char *const names[] = {
			"entry",
			entry_next(n, &next) ? n->space.mode->level[n->level + 1].dir_name : NULL,
			NULL,
		};
		return list_names(fs, n, names, fill, ctx);
	}
	default:
		return -ENOTDIR;
	}
}

int ptv_readlink(ptv_fs *fs, const struct ptv_node *n, char *buf, size_t size)
{
	(void)fs;
	if ((n->type != PTV_PROC_LINK && n->type != PTV_NAME_LINK) || size == 0)
		return -EINVAL;
	link_target(n, buf, size);
	return 0;
}
