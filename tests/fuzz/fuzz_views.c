/* fuzz_views.c — libFuzzer target: the ptfs tree over a hostile dump.
 *
 * Input: a dump file followed by a 32-byte control block (the last 32
 * bytes; the dump is everything before it):
 *   ctl[0]      bits 2:0  paging mode: 0-3 detect, 4 x86, 5 pae, 6 x64,
 *                         7 la57 (as --mode)
 *               bit 3     --dirbase A
 *               bit 4     --process CID:A:fuzz
 *               bit 5     no scan
 *               bit 6     A is first reduced into the file's size, 4 KiB
 *                         aligned
 *   ctl[1..8]   A, little-endian: the DirBase above, and the on-demand
 *               /dtb/<A> (reduced into the dump) and read offsets
 *   ctl[9..10]  CID
 *   ctl[11..15] which listed entry to descend into, per level
 *   ctl[16..31] a path of up to 16 tokens, one byte each (see token()
 *               below; 0xf0-0xff ends the path)
 * ptv_open needs a file: the dump is written to a memfd and opened as
 * /proc/self/fd/N.  Then the tree is walked as a FUSE client would: every
 * name a directory lists must resolve, with the attributes getattr gives
 * it, and to the node the listing gave; a listing resumed after its first
 * entry gives the rest; every file's size must match what reading it
 * gives; /phys and vmem must read what ptw_phys_read and ptw_vread give.
 * Node ids: every node visited has one that decodes to the same node and
 * is given again; ids from the input (its words, visited ids with bits
 * flipped) decode to an error or to the node whose id they are, which
 * then stats; when every reference taken is given back, nothing stays
 * interned.
 */
#include "fuzz_common.h"

#include "ptview.h"

#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#define CTL 32
#define NAMES_MAX 64
#define NAME_LEN 64 /* region names are 33: "<16 hex>-<16 hex>" */
#define PATH_LEN 1024
#define LIST_CHECK 24

#define HELD_MAX 256

struct ctx {
	ptv_fs *fs;
	const uint8_t *ctl;
	size_t dump_size;
	uint64_t held[HELD_MAX];  /* ids whose references are still taken */
	size_t nheld;
	uint64_t seen[16];        /* recent ids, to mutate */
	size_t nseen;
};

/* Two nodes the same, field by field. */
static bool same_node(const struct ptv_node *a, const struct ptv_node *b)
{
	const struct ptw_space *s = &a->space, *t = &b->space;
	return a->type == b->type && a->cache == b->cache && a->level == b->level &&
	       a->table == b->table && a->base == b->base && a->index == b->index &&
	       a->entry == b->entry && a->va == b->va && a->va_end == b->va_end &&
	       s->dump == t->dump && s->mode == t->mode && s->dirbase == t->dirbase &&
	       s->cid == t->cid && !strcmp(s->name, t->name) && s->found == t->found &&
	       s->kpti_peer == t->kpti_peer && s->cpu == t->cpu && s->os == t->os;
}

/* n's id: never 0, the same node back, the same id again (two references,
 * one given back now, one at the end). */
static void check_id(struct ctx *c, const struct ptv_node *n)
{
	uint64_t id, again;
	int rc = ptv_node_id(c->fs, n, &id);
	if (rc) {
		FUZZ_CHECK(rc == -ENOSPC || rc == -ENOMEM);
		return;
	}
	FUZZ_CHECK(id != 0);
	struct ptv_node back;
	FUZZ_CHECK(ptv_node_from_id(c->fs, id, &back) == 0);
	FUZZ_CHECK(same_node(n, &back));
	FUZZ_CHECK(ptv_node_id(c->fs, &back, &again) == 0 && again == id);
	FUZZ_CHECK(ptv_node_ino(c->fs, n) == id);
	ptv_forget(c->fs, id, 1);
	if (c->nheld < HELD_MAX)
		c->held[c->nheld++] = id;
	else
		ptv_forget(c->fs, id, 1);
	c->seen[c->nseen++ % 16] = id;
}

/* Any value as an id: an error, or the node whose id it is. */
static void probe_id(struct ctx *c, uint64_t id)
{
	struct ptv_node n;
	int rc = ptv_node_from_id(c->fs, id, &n);
	if (rc) {
		FUZZ_CHECK(rc == -ENOENT || rc == -ESTALE);
		return;
	}
	FUZZ_CHECK(ptv_node_ino(c->fs, &n) == id);
	struct ptv_attr a;
	rc = ptv_getattr(c->fs, &n, &a);
	FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
}

static void probe_ids(struct ctx *c, const uint8_t *data, size_t size)
{
	uint64_t a = fuzz_le64(c->ctl, CTL, 1);
	for (unsigned k = 0; k < 8; k++) /* the input's last words */
		probe_id(c, fuzz_tail64(data, size, k));
	for (size_t i = 0; i < c->nseen && i < 16; i++) {
		uint64_t id = c->seen[i];
		probe_id(c, id ^ (1ULL << (c->ctl[11 + i % 5] & 63)));
		probe_id(c, id ^ (1ULL << (a >> (6 * (i % 10)) & 63)));
		probe_id(c, id ^ a);
		probe_id(c, id + (a & 0xffff));
	}
}

struct names {
	char v[NAMES_MAX][NAME_LEN];
	struct ptv_attr attr[NAMES_MAX];
	size_t n, total;
	size_t stop_after;    /* 0: never stop */
};

static int collect(void *p, const char *name, const struct ptv_attr *attr)
{
	struct names *c = p;
	FUZZ_CHECK(c->stop_after == 0 || c->total < c->stop_after);
	FUZZ_CHECK(name != NULL && name[0] != '\0');
	FUZZ_CHECK(strlen(name) < NAME_LEN && !strchr(name, '/'));
	FUZZ_CHECK(attr != NULL);
	FUZZ_CHECK(attr->kind == PTV_DIR || attr->kind == PTV_FILE ||
		   attr->kind == PTV_LINK);
	FUZZ_CHECK(attr->nlink >= 1);
	if (c->n < NAMES_MAX) {
		snprintf(c->v[c->n], NAME_LEN, "%s", name);
		c->attr[c->n++] = *attr;
	}
	c->total++;
	return c->stop_after && c->total == c->stop_after;
}

/* ptv_readdir_from's view of a listing: each child is the node its name
 * resolves to (when given), cookies grow, and (match) the names are the
 * plain listing's from entry `from` on. */
struct listed {
	ptv_fs *fs;
	const struct ptv_node *dir;
	const struct names *match;
	size_t from;
	size_t total, stop_after;
	uint64_t cookie;
	char name[NAME_LEN];
};

static int listed(void *p, const char *name, const struct ptv_attr *attr,
		  const struct ptv_node *child, uint64_t cookie)
{
	struct listed *l = p;
	FUZZ_CHECK(cookie > l->cookie);
	l->cookie = cookie;
	FUZZ_CHECK(attr != NULL);
	if (child) {
		struct ptv_node n;
		FUZZ_CHECK(ptv_lookup_child(l->fs, l->dir, name, &n) == 0);
		FUZZ_CHECK(same_node(child, &n));
	} else {
		FUZZ_CHECK(l->dir->type == PTV_REGIONS);
	}
	size_t k = l->from + l->total;
	if (l->match && k < l->match->n)
		FUZZ_CHECK(!strcmp(name, l->match->v[k]));
	snprintf(l->name, sizeof l->name, "%s", name);
	l->total++;
	return l->stop_after && l->total == l->stop_after;
}

static void check_lookup_error(int rc)
{
	FUZZ_CHECK(rc == -ENOENT || rc == -ENOTDIR);
}

/* Read a text file of attr size `size` with reads of `chunk` bytes. */
static void check_text_file(ptv_fs *fs, const struct ptv_node *n,
			    uint64_t size, size_t chunk)
{
	struct ptv_file *f = NULL;
	int rc = ptv_file_open(fs, n, &f);
	if (rc) {
		FUZZ_CHECK(rc == -ENOMEM);
		return;
	}
	char buf[4096];
	if (chunk == 0 || chunk > sizeof buf)
		chunk = sizeof buf;
	/* The first 64 KiB in order, then the end. */
	uint64_t off = 0;
	while (off < size && off < 65536) {
		ssize_t got = ptv_file_read(f, buf, chunk, off);
		FUZZ_CHECK(got > 0 && (size_t)got <= chunk);
		FUZZ_CHECK(memchr(buf, '\0', (size_t)got) == NULL); /* text */
		off += (uint64_t)got;
	}
	if (size) {
		FUZZ_CHECK(ptv_file_read(f, buf, sizeof buf, size - 1) == 1);
		FUZZ_CHECK(buf[0] == '\n'); /* texts end their last line */
	}
	FUZZ_CHECK(ptv_file_read(f, buf, sizeof buf, size) == 0);
	FUZZ_CHECK(ptv_file_read(f, buf, sizeof buf, size + 12345) == 0);
	FUZZ_CHECK(ptv_file_read(f, buf, 0, 0) == 0);
	ptv_file_close(f);
}

static void check_phys_file(struct ctx *c, const struct ptv_node *n,
			    uint64_t size)
{
	const ptw_dump *d = ptv_dump(c->fs);
	struct ptv_file *f = NULL;
	FUZZ_CHECK(size == ptw_dump_phys_end(d));
	FUZZ_CHECK(ptv_file_open(c->fs, n, &f) == 0);
	uint8_t got[4096], want[4096];
	uint64_t a = fuzz_le64(c->ctl, CTL, 1);
	uint64_t offs[4] = { 0, size ? a % size : 0, size - 10, size };
	for (unsigned i = 0; i < 4; i++) {
		uint64_t off = offs[i];
		ssize_t r = ptv_file_read(f, got, sizeof got, off);
		if (off >= size) {
			FUZZ_CHECK(r == 0);
			continue;
		}
		size_t expect = size - off < sizeof got ? (size_t)(size - off) : sizeof got;
		FUZZ_CHECK(r == (ssize_t)expect);
		ptw_phys_read(d, off, want, expect);
		FUZZ_CHECK(memcmp(got, want, expect) == 0);
	}
	ptv_file_close(f);
}

static bool mapped_at(const struct ptv_node *n, uint64_t off)
{
	struct ptw_xlat x;
	FUZZ_CHECK(ptw_translate(&n->space, ptw_mode_va_from_offset(n->space.mode, off), &x,
				 NULL) == 0);
	return x.status == PTW_MAPPED;
}

/* SEEK_DATA lands on a byte that reads mapped, SEEK_HOLE on one that does
 * not (or the end), neither before where it started.  Where the walk's
 * budgets cut the iteration (cut), lseek(2)'s looser contract: a hole may
 * be called data, never data a hole. */
static void check_seek(const struct ptv_node *n, struct ptv_file *f,
		       uint64_t off, uint64_t size, bool cut)
{
	int64_t d = ptv_file_seek(f, off, true), h = ptv_file_seek(f, off, false);
	if (off >= size) {
		FUZZ_CHECK(d == -ENXIO && h == -ENXIO);
		return;
	}
	FUZZ_CHECK(d == -ENXIO || (d >= (int64_t)off && (uint64_t)d < size));
	if (d >= 0 && !cut)
		FUZZ_CHECK(mapped_at(n, (uint64_t)d));
	if (d > (int64_t)off && cut) /* the stretch skipped is unmapped */
		FUZZ_CHECK(!mapped_at(n, off) && !mapped_at(n, (uint64_t)d - 1));
	FUZZ_CHECK(h >= (int64_t)off && (uint64_t)h <= size);
	if ((uint64_t)h < size)
		FUZZ_CHECK(!mapped_at(n, (uint64_t)h));
	/* where the data is, the hole is further on */
	if (d == (int64_t)off)
		FUZZ_CHECK(h > (int64_t)off);
}

static int ignore_run(void *ctx, const struct ptw_run *r)
{
	(void)ctx;
	(void)r;
	return 0;
}

/* Whether the walk's budgets cut an iteration of the whole space. */
static bool iteration_cut(const struct ptv_node *n)
{
	const struct ptw_mode *m = n->space.mode;
	struct ptw_iter_stats st;
	uint64_t half = m->canonical ? ptw_mode_va_size(m) / 2 : ptw_mode_va_size(m);
	bool cut = false;
	for (uint64_t from = 0; from < ptw_mode_va_size(m); from += half) {
		if (ptw_iterate(&n->space, ptw_mode_va_from_offset(m, from),
				ptw_mode_va_from_offset(m, from + half - 1), ignore_run, NULL, &st,
				NULL) == 0)
			cut |= st.truncated;
	}
	return cut;
}

static void check_vmem_file(struct ctx *c, const struct ptv_node *n,
			    uint64_t size)
{
	const struct ptw_mode *m = n->space.mode;
	struct ptv_file *f = NULL;
	FUZZ_CHECK(size == ptw_mode_va_size(m));
	FUZZ_CHECK(ptv_file_open(c->fs, n, &f) == 0);
	uint8_t got[4096], want[4096];
	uint64_t a = fuzz_le64(c->ctl, CTL, 1);
	uint64_t offs[4] = { a % size, size / 2 - 100, size - 100, size };
	for (unsigned i = 0; i < 4; i++) {
		uint64_t off = offs[i];
		ssize_t r = ptv_file_read(f, got, sizeof got, off);
		if (off >= size) {
			FUZZ_CHECK(r == 0);
			continue;
		}
		size_t expect = size - off < sizeof got ? (size_t)(size - off) : sizeof got;
		FUZZ_CHECK(r == (ssize_t)expect);
		struct ptw_tlb tlb = { 0 };
		ptw_vread(&n->space, &tlb, ptw_mode_va_from_offset(m, off), want, expect);
		FUZZ_CHECK(memcmp(got, want, expect) == 0);
	}
	bool cut = iteration_cut(n);
	for (unsigned i = 0; i < 4; i++)
		check_seek(n, f, offs[i], size, cut);
	check_seek(n, f, 0, size, cut);
	ptv_file_close(f);
}

/* A region file: exactly its VAs' bytes, as ptw_vread reads them. */
static void check_region_file(struct ctx *c, const struct ptv_node *n,
			      uint64_t size)
{
	const struct ptw_mode *m = n->space.mode;
	struct ptv_file *f = NULL;
	FUZZ_CHECK(size == n->va_end - n->va && size > 0);
	FUZZ_CHECK(ptv_file_open(c->fs, n, &f) == 0);
	uint8_t got[4096], want[4096];
	uint64_t offs[3] = { 0, fuzz_le64(c->ctl, CTL, 1) % size, size };
	for (unsigned i = 0; i < 3; i++) {
		uint64_t off = offs[i];
		ssize_t r = ptv_file_read(f, got, sizeof got, off);
		if (off >= size) {
			FUZZ_CHECK(r == 0);
			continue;
		}
		size_t expect = size - off < sizeof got ? (size_t)(size - off) : sizeof got;
		FUZZ_CHECK(r == (ssize_t)expect);
		struct ptw_tlb tlb = { 0 };
		uint64_t va = ptw_mode_va_from_offset(m, ptw_mode_offset_from_va(m, n->va) + off);
		ptw_vread(&n->space, &tlb, va, want, expect);
		FUZZ_CHECK(memcmp(got, want, expect) == 0);
	}
	/* a region is all data */
	FUZZ_CHECK(ptv_file_seek(f, 0, true) == 0);
	FUZZ_CHECK(ptv_file_seek(f, 0, false) == (int64_t)size);
	FUZZ_CHECK(ptv_file_seek(f, size, true) == -ENXIO);
	ptv_file_close(f);
}

/* Everything a client does with one resolved node (no listing); its
 * attributes in *out (kind 0 when getattr ran out of memory). */
/* A JSON form (view/json.c): each line one whole document, an object,
 * its brackets balanced outside strings, no raw control byte inside one,
 * every backslash a JSON escape. */
static void check_json_lines(const char *p, size_t len)
{
	unsigned depth = 0;
	bool in_str = false, line_start = true;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (line_start)
			FUZZ_CHECK(ch == '{');
		line_start = false;
		if (in_str) {
			FUZZ_CHECK(ch >= 0x20);
			if (ch == '\\') {
				FUZZ_CHECK(i + 1 < len && strchr("\"\\/bfnrtu", p[i + 1]));
				i++;
			} else if (ch == '"') {
				in_str = false;
			}
			continue;
		}
		if (ch == '"') {
			in_str = true;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			FUZZ_CHECK(depth > 0);
			depth--;
		} else if (ch == '\n') {
			FUZZ_CHECK(depth == 0);
			line_start = true;
		}
	}
	FUZZ_CHECK(!in_str && depth == 0 && (len == 0 || p[len - 1] == '\n'));
}

/* An info.json file, read whole through the file API. */
static void check_json_file(ptv_fs *fs, const struct ptv_node *n, uint64_t size)
{
	struct ptv_file *f;
	char *buf = malloc(size + 1);
	if (!buf || ptv_file_open(fs, n, &f)) {
		free(buf);
		return;
	}
	FUZZ_CHECK(ptv_file_read(f, buf, size + 1, 0) == (ssize_t)size);
	check_json_lines(buf, size);
	ptv_file_close(f);
	free(buf);
}

static void check_node(struct ctx *c, const struct ptv_node *n,
		       struct ptv_attr *out)
{
	struct ptv_attr a;
	int rc = ptv_getattr(c->fs, n, &a);
	memset(out, 0, sizeof *out);
	if (rc) { /* a text too big for memory; nothing else may fail */
		FUZZ_CHECK(rc == -ENOMEM);
		return;
	}
	*out = a;
	FUZZ_CHECK(a.nlink >= 1);
	switch (a.kind) {
	case PTV_DIR: {
		struct ptv_file *f = NULL;
		FUZZ_CHECK(ptv_file_open(c->fs, n, &f) == -EISDIR);
		break;
	}
	case PTV_LINK: {
		char buf[64], tiny[3];
		FUZZ_CHECK(ptv_readlink(c->fs, n, buf, sizeof buf) == 0);
		FUZZ_CHECK(strlen(buf) == a.size);
		FUZZ_CHECK(ptv_readlink(c->fs, n, tiny, sizeof tiny) == 0);
		FUZZ_CHECK(strlen(tiny) == 2);
		FUZZ_CHECK(ptv_readlink(c->fs, n, tiny, 0) < 0);
		break;
	}
	case PTV_FILE:
		FUZZ_CHECK(ptv_readlink(c->fs, n, (char[8]){0}, 8) == -EINVAL);
		if (n->type == PTV_PHYS)
			check_phys_file(c, n, a.size);
		else if (n->type == PTV_VMEM)
			check_vmem_file(c, n, a.size);
		else if (n->type == PTV_REGION)
			check_region_file(c, n, a.size);
		else
			check_text_file(c->fs, n, a.size, 1 + c->ctl[11] * 16u);
		if (n->type == PTV_INFO_JSON || n->type == PTV_SPACE_INFO_JSON)
			check_json_file(c->fs, n, a.size);
		break;
	default:
		FUZZ_CHECK(!"unknown kind");
	}
}

/* Resolve path, check the node, and list it when it is a directory: each
 * listed name must resolve, with the attributes it was listed with. */
static int visit(struct ctx *c, const char *path, struct ptv_node *n,
		 struct names *list)
{
	int rc = ptv_lookup(c->fs, path, n);
	if (list)
		list->n = list->total = 0;
	if (rc) {
		check_lookup_error(rc);
		return rc;
	}
	struct ptv_attr a;
	check_node(c, n, &a);
	check_id(c, n);
	struct names local;
	struct names *l = list ? list : &local;
	memset(l, 0, sizeof *l);
	rc = ptv_readdir(c->fs, n, collect, l);
	if (a.kind != PTV_DIR) {
		FUZZ_CHECK(rc == -ENOTDIR || (a.kind == 0 && rc == 0));
		return 0;
	}
	if (rc) { /* a listed child's attributes ran out of memory */
		FUZZ_CHECK(rc == -ENOMEM);
		return 0;
	}
	if (l->total > 1) { /* a non-zero return from fill stops the listing */
		struct names one = { .stop_after = 1 };
		FUZZ_CHECK(ptv_readdir(c->fs, n, collect, &one) == 0);
		FUZZ_CHECK(one.total == 1 && !strcmp(one.v[0], l->v[0]));
		/* resumed after the first entry: the rest, the same */
		struct listed first = { .fs = c->fs, .dir = n, .stop_after = 1 };
		FUZZ_CHECK(ptv_readdir_from(c->fs, n, 0, listed, &first) == 0);
		FUZZ_CHECK(first.total == 1 && !strcmp(first.name, l->v[0]));
		struct listed rest = { .fs = c->fs, .dir = n, .match = l, .from = 1 };
		FUZZ_CHECK(ptv_readdir_from(c->fs, n, first.cookie, listed, &rest) == 0);
		FUZZ_CHECK(rest.total == l->total - 1);
	}
	for (size_t i = 0; i < l->n && i < LIST_CHECK; i++) {
		char sub[PATH_LEN];
		struct ptv_node sn;
		struct ptv_attr sa;
		snprintf(sub, sizeof sub, "%s/%s", path, l->v[i]);
		FUZZ_CHECK(ptv_lookup(c->fs, sub, &sn) == 0);
		check_id(c, &sn);
		/* A space's info and maps are whole walks: visit_space reads
		 * them; here only that they resolve. */
		if (sn.type == PTV_SPACE_INFO || sn.type == PTV_MAPS)
			continue;
		rc = ptv_getattr(c->fs, &sn, &sa);
		FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
		/* readdir's attributes are getattr's */
		if (!rc)
			FUZZ_CHECK(sa.kind == l->attr[i].kind &&
				   sa.size == l->attr[i].size &&
				   sa.nlink == l->attr[i].nlink);
	}
	return 0;
}

/* A space's directory, its files, and one descent through its tables
 * chosen by ctl[11..15]. */
static void visit_space(struct ctx *c, const char *dir)
{
	struct ptv_node n;
	struct names *l = malloc(sizeof *l);
	if (!l)
		return;
	if (visit(c, dir, &n, l)) {
		free(l);
		return;
	}
	FUZZ_CHECK(n.type == PTV_SPACE);
	const struct ptw_mode *m = n.space.mode;
	char path[PATH_LEN];
	static const char *const files[] = { "info", "info.json", "maps", "vmem", "ptov" };
	for (unsigned i = 0; i < 5; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		struct ptv_node fnode;
		FUZZ_CHECK(visit(c, path, &fnode, NULL) == 0);
	}
	/* the regions, and !pte and !vtop of a VA the control block gives */
	snprintf(path, sizeof path, "%s/regions", dir);
	struct ptv_node rnode;
	FUZZ_CHECK(visit(c, path, &rnode, l) == 0);
	uint64_t va = ptw_mode_va_from_offset(m, fuzz_le64(c->ctl, CTL, 1) %
						     ptw_mode_va_size(m));
	static const char *const per_va[] = { "pte", "vtop" };
	for (unsigned i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s/%" PRIx64, dir, per_va[i], va);
		struct ptv_node q;
		FUZZ_CHECK(visit(c, path, &q, NULL) == 0);
		FUZZ_CHECK(q.type == (i ? PTV_VTOP : PTV_PTE) && q.va == va);
	}
	/* !pte ADDR 1 of an address the control block gives (any value:
	 * its text says what is wrong with it) */
	uint64_t lit = fuzz_le64(c->ctl, CTL, 16);
	snprintf(path, sizeof path, "%s/pte/%" PRIx64 ",1", dir, lit);
	struct ptv_node q;
	FUZZ_CHECK(visit(c, path, &q, NULL) == 0);
	FUZZ_CHECK(q.type == PTV_PTE && q.va == lit && q.va_end == 1);
	/* ptwalk --json's forms of the same: pte, a short pte range, vtop,
	 * pte ADDR 1 of the literal address (not maps: one more whole walk;
	 * its lines are the text's records) */
	for (unsigned i = 0; i < 4; i++) {
		struct ptv_text j = {0};
		uint64_t end = ptw_mode_va_from_offset(m, ptw_mode_offset_from_va(m, va) |
							 ((3ULL << m->page_shift) - 1));
		int rc = i == 0 ? ptv_render_pte_json(&n.space, va, &j)
		       : i == 1 ? ptv_render_pte_range_json(&n.space, va, end, 4, &j)
		       : i == 2 ? ptv_render_vtop_json(&n.space, va, &j)
				: ptv_render_pte_literal_json(&n.space, lit, &j);
		/* a range and a literal address may be refused (text in j) */
		FUZZ_CHECK(rc == 0 || rc == -ENOMEM || ((i == 1 || i == 3) && rc == -EINVAL));
		if (!rc)
			check_json_lines(j.p, j.len);
		ptv_text_free(&j);
	}
	/* the top table: a split space's under one of its halves that has
	 * a root (ctl[11] chooses) */
	if (m->split) {
		unsigned h = c->ctl[11] & 1;
		if (n.space.root[h] == PTW_NO_ROOT)
			h ^= 1;
		if (n.space.root[h] == PTW_NO_ROOT) {
			free(l);
			return;
		}
		snprintf(path, sizeof path, "%s/%s/%s", dir, m->root_dir[h],
			 m->level[0].dir_name);
	} else {
		snprintf(path, sizeof path, "%s/%s", dir, m->level[0].dir_name);
	}
	for (unsigned lvl = 0; lvl < m->nlevels; lvl++) {
		struct ptv_node t;
		if (visit(c, path, &t, l))
			FUZZ_CHECK(!"a listed table does not resolve");
		FUZZ_CHECK(t.type == PTV_TABLE && t.level == lvl);
		if (l->n == 0)
			break;
		size_t pick = c->ctl[11 + lvl] % l->n;
		size_t len = strlen(path);
		snprintf(path + len, sizeof path - len, "/%s", l->v[pick]);
		struct ptv_node e;
		FUZZ_CHECK(visit(c, path, &e, l) == 0);
		FUZZ_CHECK(e.type == PTV_ENTRY_DIR && e.level == lvl);
		char entry[PATH_LEN];
		snprintf(entry, sizeof entry, "%s/entry", path);
		struct ptv_node ef;
		FUZZ_CHECK(visit(c, entry, &ef, NULL) == 0);
		/* Down when the entry leads to a table. */
		const char *next = NULL;
		for (size_t i = 0; i < l->n; i++)
			if (strcmp(l->v[i], "entry"))
				next = l->v[i];
		if (!next)
			break;
		FUZZ_CHECK(lvl + 1 < m->nlevels);
		FUZZ_CHECK(!strcmp(next, m->level[lvl + 1].dir_name));
		len = strlen(path);
		snprintf(path + len, sizeof path - len, "/%s", next);
	}
	free(l);
}

/* One path component from a control byte. */
static void token(struct ctx *c, uint8_t b, char *out, size_t outsz)
{
	static const char *const fixed[] = {
		"dtb", "proc", "info", "maps", "vmem", "phys", "entry",
		"ptov", "pte", "vtop", "regions", "name", "info.json",
	};
	static const char *const dirs[] = { "pml5", "pml4", "pdpt", "pd", "pt" };
	static const char *const odd[] = {
		"", "..", ".", "0", "00", "01", "x", "0x0", "-1", "1024", "512",
		"18446744073709551615", "ffffffffffffffff0", "A", " 1", "+1",
	};
	const struct ptw_spaces *sp = ptv_spaces(c->fs);
	unsigned arg = b & 15;
	uint64_t a = fuzz_le64(c->ctl, CTL, 1);
	switch (b >> 4) {
	case 0: case 1:
		snprintf(out, outsz, "%s", fixed[arg % (sizeof fixed / sizeof fixed[0])]);
		break;
	case 2:
		snprintf(out, outsz, "%s", dirs[arg % 5]);
		break;
	case 3: case 4:
		snprintf(out, outsz, "%u", arg);
		break;
	case 5:
		snprintf(out, outsz, "%u", 511 - arg);
		break;
	case 6:
		snprintf(out, outsz, "%u", 1023 - arg);
		break;
	case 7: case 8:
		if (sp->n)
			snprintf(out, outsz, "%" PRIx64, sp->v[arg % sp->n].dirbase);
		else
			snprintf(out, outsz, "0");
		break;
	case 9:
		snprintf(out, outsz, "%s", odd[arg]);
		break;
	case 10:
		snprintf(out, outsz, "%" PRIx64, a >> (arg * 4));
		break;
	case 11:
		snprintf(out, outsz, "%" PRIu64, a >> (arg * 4));
		break;
	case 12:
		if (sp->n && sp->v[arg % sp->n].cid >= 0)
			snprintf(out, outsz, "%" PRId64, sp->v[arg % sp->n].cid);
		else
			snprintf(out, outsz, "%u", c->ctl[9] | c->ctl[10] << 8);
		break;
	case 13:
		snprintf(out, outsz, "0x%x", c->ctl[9] | c->ctl[10] << 8);
		break;
	case 14:
		memset(out, 'a' + arg, outsz - 1);
		out[outsz - 1] = '\0';
		break;
	default:
		out[0] = '\0';
		break;
	}
}

static void visit_token_path(struct ctx *c)
{
	char path[PATH_LEN * 2] = "/";
	size_t len = 0;
	for (unsigned i = 16; i < CTL && len < PATH_LEN; i++) {
		char tok[300];
		if (c->ctl[i] >> 4 == 15) /* the end */
			break;
		/* Long names only at the end, to reach the name-length limit. */
		token(c, c->ctl[i], tok, (c->ctl[i] >> 4) == 14 ? 255 + (i & 3) : 64);
		len += (size_t)snprintf(path + len, sizeof path - len, "/%s", tok);
	}
	struct ptv_node n;
	struct names *l = malloc(sizeof *l);
	if (!l)
		return;
	visit(c, path, &n, l);
	free(l);
}

static void walk_tree(struct ctx *c)
{
	struct names *top = malloc(sizeof *top), *sub = malloc(sizeof *sub);
	if (!top || !sub)
		goto out;
	struct ptv_node n;
	FUZZ_CHECK(visit(c, "/", &n, top) == 0 && n.type == PTV_ROOT);
	FUZZ_CHECK(visit(c, "", &n, NULL) == 0 && n.type == PTV_ROOT);
	FUZZ_CHECK(visit(c, "/info", &n, NULL) == 0);
	FUZZ_CHECK(visit(c, "/info.json", &n, NULL) == 0 && n.type == PTV_INFO_JSON);
	FUZZ_CHECK(visit(c, "//phys/", &n, NULL) == 0 && n.type == PTV_PHYS);
	FUZZ_CHECK(visit(c, "/nothing", &n, NULL) == -ENOENT);
	FUZZ_CHECK(visit(c, "/info/x", &n, NULL) == -ENOTDIR);

	/* The spaces found, as listed (the first three). */
	FUZZ_CHECK(visit(c, "/dtb", &n, top) == 0);
	const struct ptw_spaces *sp = ptv_spaces(c->fs);
	FUZZ_CHECK(top->total == sp->n);
	for (size_t i = 0; i < top->n && i < 3; i++) {
		char dir[PATH_LEN];
		snprintf(dir, sizeof dir, "/dtb/%s", top->v[i]);
		visit_space(c, dir);
	}

	/* Processes. */
	FUZZ_CHECK(visit(c, "/proc", &n, top) == 0);
	for (size_t i = 0; i < top->n && i < 4; i++) {
		char link[PATH_LEN];
		snprintf(link, sizeof link, "/proc/%s", top->v[i]);
		FUZZ_CHECK(visit(c, link, &n, sub) == 0 && n.type == PTV_PROC_LINK);
		snprintf(link, sizeof link, "/proc/%s/info", top->v[i]);
		FUZZ_CHECK(visit(c, link, &n, NULL) == -ENOTDIR);
	}
	/* Names: one link per named process, to its proc/<cid>. */
	FUZZ_CHECK(visit(c, "/name", &n, top) == 0);
	for (size_t i = 0; i < top->n && i < 4; i++) {
		char link[PATH_LEN], target[PATH_LEN];
		snprintf(link, sizeof link, "/name/%s", top->v[i]);
		FUZZ_CHECK(visit(c, link, &n, sub) == 0 && n.type == PTV_NAME_LINK);
		FUZZ_CHECK(ptv_readlink(c->fs, &n, target, sizeof target) == 0);
		FUZZ_CHECK(strncmp(target, "../proc/", 8) == 0);
	}

	/* A top table opened on demand, somewhere in the dump. */
	uint64_t end = ptw_dump_phys_end(ptv_dump(c->fs));
	if (end) {
		uint64_t a = fuzz_le64(c->ctl, CTL, 1) % end;
		a &= sp->mode->id == PTW_MODE_PAE ? ~0x1fULL : ~0xfffULL;
		char dir[PATH_LEN];
		snprintf(dir, sizeof dir, "/dtb/%" PRIx64, a);
		visit_space(c, dir);
	}

	visit_token_path(c);
out:
	free(top);
	free(sub);
}

/* After the walk: ids from the input, then every reference given back. */
static void check_ids_at_end(struct ctx *c, const uint8_t *data, size_t size)
{
	probe_ids(c, data, size);
	for (size_t i = 0; i < c->nheld; i++)
		ptv_forget(c->fs, c->held[i], 1);
	FUZZ_CHECK(ptv_interned(c->fs) == 0);
	for (size_t i = 0; i < c->nseen && i < 16; i++) { /* forgotten, or not interned */
		struct ptv_node n;
		int rc = ptv_node_from_id(c->fs, c->seen[i], &n);
		FUZZ_CHECK(rc == 0 || rc == -ESTALE);
	}
}

/* The dump in a memfd, named by a path ptv_open can open; -1 on failure. */
static int dump_file(const uint8_t *data, size_t size, char *path,
		     size_t pathsz)
{
	int fd = memfd_create("ptfs-fuzz-dump", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t w = write(fd, data + done, size - done);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	snprintf(path, pathsz, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size <= CTL)
		return 0;
	struct ctx c = { .ctl = data + size - CTL, .dump_size = size - CTL };
	const uint8_t *ctl = c.ctl;

	/* The options, as the command line would give them. */
	uint64_t a = fuzz_le64(ctl, CTL, 1);
	if (ctl[0] & 0x40)
		a = (a % c.dump_size) & ~0xfffULL;
	unsigned mv = ctl[0] & 7;
	struct ptw_process_spec proc = { .cid = ctl[9] | ctl[10] << 8, .dirbase = a };
	snprintf(proc.name, sizeof proc.name, "fuzz");
	struct ptv_config cfg = {
		.discover = {
			.mode = mv >= 4 ? ptw_mode_get((enum ptw_mode_id)(mv - 3)) : NULL,
			.dirbases = &a,
			.ndirbases = (ctl[0] & 0x08) ? 1 : 0,
			.procs = &proc,
			.nprocs = (ctl[0] & 0x10) ? 1 : 0,
			.no_scan = (ctl[0] & 0x20) != 0,
			.threads = 1,
		},
	};
	bool cmdline = cfg.discover.ndirbases || cfg.discover.nprocs;

	char path[64];
	int fd = dump_file(data, c.dump_size, path, sizeof path);
	if (fd < 0)
		return 0;
	cfg.dump_path = path;
	struct ptw_error err = { .code = -1 };
	int rc = ptv_open(&cfg, &c.fs, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		/* A dump that opens mounts, unless the command line names a
		 * table it cannot have. */
		ptw_dump *d = NULL;
		if (!cmdline && rc != PTW_ERR_NOMEM &&
		    ptw_dump_open_memory(data, c.dump_size, &d, NULL) == 0) {
			ptw_dump_close(d);
			fprintf(stderr, "ptv_open refused a dump that opens: %s\n",
				err.msg);
			FUZZ_CHECK(!"ptv_open fails on a readable dump");
		}
		close(fd);
		return 0;
	}
	walk_tree(&c);
	check_ids_at_end(&c, data, size);
	ptv_close(c.fs);
	close(fd);
	return 0;
}
