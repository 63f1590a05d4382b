/* view/node.c — node ids: each node of the tree as one 64-bit number, and
 * back.
 *
 * FUSE's low-level API names nodes by numbers the filesystem chooses.  A
 * daemon that keeps a table from numbers to nodes grows with everything
 * the kernel has looked up (libfuse's high-level API keeps one of paths);
 * here most ids hold their node whole, so turning one back into its node
 * re-reads the entries along its path (at most one per level) and needs
 * no table at all.  Like squashfuse's inode numbers, ids belong to the
 * views, not to FUSE: the daemon and the tests share them.
 *
 * Layout (bit 0 lowest):
 *
 *   bits 4:0   the kind; never 0, so that no id is 0
 *                1 the root (its id is 1, FUSE_ROOT_ID), 2 /info, 3 /phys,
 *                4 /dtb, 5 /proc, 6 /name: nothing else, all other bits 0
 *                7 interned: bits 22:5 the slot, 54:23 the slot's
 *                  generation, 63:55 zero
 *                8 a node of one space that has no path: the space's
 *                  directory, info, info.json, vmem, maps, ptov, layout.svg,
 *                  pte/, vtop/, regions/,
 *                  and the proc/ and name/ links to it; its enum ptv_type
 *                  in the path field
 *                9+L   the table at level L            (L indexes on its path)
 *               14+L   an entry's directory <i>/ at level L  (L + 1 indexes)
 *               19+L   that entry's file <i>/entry           (L + 1 indexes)
 *                24 /info.json: all other bits 0
 *                25 /vm: all other bits 0
 *                26 a guest's node: bits 12:5 the guest's number (ptv_node.vm,
 *                  1-255), 63:13 its id in the guest's own tree, whose ids
 *                  have 51 bits (their space field is 13 bits narrower)
 *                27-31 nothing
 *   the path   one entry index per level, level 0 lowest, each as wide as
 *              the level's index: P = 10+10 bits on x86, 2+9+9 on PAE, 4 x 9
 *              on x64, 5 x 9 on LA57 (20, 20, 36, 45 bits); levels below the
 *              node's are zero.  A split mode's (AArch64's) level-0 field
 *              has one bit more above the index: the half (0 ttbr0/, 1
 *              ttbr1/), set for every path node of the upper half, the
 *              table at level 0 included (4 KiB, 48 bits: 1+36; the
 *              widest, 16 KiB and 52 bits: 1+38)
 *   the space  the remaining S = 59 - P bits (39 on x86 and PAE, 23 on x64,
 *              14 on LA57): a value below ids.direct is the index of a found
 *              space (fs->spaces.v); from ids.direct on, ids.direct + the
 *              intern slot holding the space's directory
 *
 * LA57 is the tight case: 5 + 45 + 14 = 64 bits.  ids.direct is the number
 * of found spaces, but at most 2^S less min(2^(S-1), PTV_INTERN_MAX), so
 * that space fields can always name 8192 slots on LA57 and every slot in
 * the other modes (2^23 - 65536 found spaces directly on x64; discovery
 * keeps at most 16384 tables per mode from the scan, plus the command line's
 * and the dump's own).
 *
 * A guest's nodes (/vm/<id>/..., ptv_node.vm) have ids in the guest's own
 * tree, which has its own intern table: here the first 255 guests' ids
 * are that id under kind 26, references and all the guest's (a guest's
 * whole tree is as cheap as a host's); past them each is interned, keyed
 * by the guest and that id (PTV_KEY_GUEST), its slot holding one
 * reference to the guest's id while it lives.  The nodes of a guest's nested table
 * (ptv_node.nested) are interned in the guest's tree likewise: their
 * space is none of the guest's.
 *
 * What does not fit is interned, keyed by the node itself (struct
 * ptv_key): spaces opened on demand (any DirBase), found spaces past
 * ids.direct, pte/<VA> and vtop/<VA> (any VA), regions/<start>-<end>, and
 * (LA57 only, when the space's slot is past what S bits name) the nodes
 * below such a space.  Every id handed out takes a reference, as FUSE's
 * lookup count does, and ptv_forget drops them: the interned node's own,
 * or, for a node that names its space by slot, the space's, so that a
 * space's slot outlives every id naming it.  A slot is freed at zero and
 * reused with its generation bumped, so the table holds what the kernel
 * holds of those kinds now and nothing else, at most PTV_INTERN_MAX
 * (-ENOSPC past it).  A slot keeps the node's key (what tells it from any
 * other node: struct ptv_key), and decoding rebuilds the node from it by
 * the same steps as a lookup.  Listings hand out only ids that intern
 * nothing (ptv_node_id_no_intern): a node gets a slot when it is looked up
 * by name, not when its directory is read.
 *
 * Decoding trusts nothing: the kind, unused bits, the space field, every
 * entry on the path (read again, as a lookup reads it) and the generation
 * of a slot are checked, so any 64-bit value gives either the node whose
 * id it is or -ENOENT (-ESTALE: an interned node since forgotten).  Each
 * node has one id while it is referenced: the id of a node is computed
 * from the node, and decoding gives the same node a path lookup gives.
 */
#include "view/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	K_ROOT = 1, K_INFO, K_PHYS, K_DTB, K_PROC, K_NAME,
	K_INTERN = 7,
	K_SPACE = 8,
	K_TABLE = 9,
	K_ENTRY_DIR = K_TABLE + PTW_MAX_LEVELS,
	K_ENTRY = K_ENTRY_DIR + PTW_MAX_LEVELS,
	K_END = K_ENTRY + PTW_MAX_LEVELS,
	K_INFO_JSON = K_END,   /* a top kind, after the path kinds */
	K_VM,
	K_GUEST,
};

#define KIND_BITS 5
#define KIND_MASK ((1u << KIND_BITS) - 1)
#define SLOT_BITS 18
#define GEN_SHIFT (KIND_BITS + SLOT_BITS)
#define INTERN_BITS (GEN_SHIFT + 32)
/* K_GUEST: the guest's number (1..GUEST_DIRECT_MAX) in 8 bits above the
 * kind, its own id above them. */
#define GUEST_NUM_BITS 8
#define GUEST_DIRECT_MAX ((1u << GUEST_NUM_BITS) - 1)
#define GUEST_ID_BITS (64 - KIND_BITS - GUEST_NUM_BITS)
#define NONE UINT32_MAX

_Static_assert(K_GUEST < 1u << KIND_BITS, "kinds fit their field");
_Static_assert(PTV_INTERN_MAX == 1u << SLOT_BITS, "slots fit their field");
_Static_assert(K_ROOT == PTV_ROOT_ID, "the root is FUSE's node 1");

void ptv_ids_init(ptv_fs *fs)
{
	const struct ptw_mode *m = fs->spaces.mode;
	struct ptv_ids *ids = &fs->ids;
	unsigned at = KIND_BITS;
	for (unsigned j = 0; j < m->nlevels; j++) {
		ids->shift[j] = at;
		at += m->level[j].bits + (j == 0 && m->split);
	}
	ids->ref_shift = at; /* at most 50 */
	/* A guest's ids leave room for the host's kind and guest number
	 * (K_GUEST), so that the host names them without a table. */
	ids->bits = fs->vm ? GUEST_ID_BITS : 64;
	uint64_t refs = 1ULL << (ids->bits - at);
	uint64_t keep = refs / 2 < PTV_INTERN_MAX ? refs / 2 : PTV_INTERN_MAX;
	ids->direct = fs->spaces.n < refs - keep ? fs->spaces.n : refs - keep;
	ids->slots = refs - ids->direct < PTV_INTERN_MAX ? refs - ids->direct : PTV_INTERN_MAX;
	fs->intern.max = PTV_INTERN_MAX;
	fs->intern.free = NONE;
}

void ptv_ids_free(ptv_fs *fs)
{
	free(fs->intern.slot);
	free(fs->intern.bucket);
	fs->intern.slot = NULL;
	fs->intern.bucket = NULL;
}

/* ---- kinds ------------------------------------------------------------------ */

static bool path_type(enum ptv_type t)
{
	return t == PTV_TABLE || t == PTV_ENTRY_DIR || t == PTV_ENTRY;
}

/* The nodes of one space without a path: kind K_SPACE (the space's
 * directory, its children of ptv_space_children, its halves and links). */
static bool space_type(enum ptv_type t)
{
	switch (t) {
	case PTV_SPACE: case PTV_PROC_LINK: case PTV_NAME_LINK: case PTV_ROOT0: case PTV_ROOT1:
		return true;
	default:
		return ptv_space_child_of(t) != NULL;
	}
}

static bool link_type(enum ptv_type t)
{
	return t == PTV_PROC_LINK || t == PTV_NAME_LINK;
}

/* The nodes above every space: their kind alone; 0 for the others. */
static unsigned top_kind(enum ptv_type t)
{
	switch (t) {
	case PTV_ROOT: return K_ROOT;
	case PTV_INFO: return K_INFO;
	case PTV_PHYS: return K_PHYS;
	case PTV_DTB: return K_DTB;
	case PTV_PROC: return K_PROC;
	case PTV_NAME: return K_NAME;
	case PTV_INFO_JSON: return K_INFO_JSON;
	case PTV_VM_DIR: return K_VM;
	default: return 0;
	}
}

/* ---- pure ids ----------------------------------------------------------------- */

/* Where a split mode's path nodes keep their half: above the level-0
 * index (its value is 0 in other modes, so the bit stays clear). */
static unsigned half_bit(const struct ptw_mode *m, const struct ptv_ids *ids)
{
	return ids->shift[0] + m->level[0].bits;
}

/* The index of entry `level` on n's path: the VA offset n->base holds
 * the ones above n's own level, n->index its own. */
static unsigned path_index(const struct ptv_node *n, unsigned level)
{
	const struct ptw_level *l = &n->space.mode->level[level];
	if (level == n->level && n->type != PTV_TABLE)
		return n->index;
	return (unsigned)(n->base >> l->shift) & ((1u << l->bits) - 1);
}

/* The id of a node below a space the space field names as ref. */
static uint64_t pure_id(const ptv_fs *fs, const struct ptv_node *n, uint64_t ref)
{
	uint64_t id = ref << fs->ids.ref_shift;
	if (!path_type(n->type))
		return id | (uint64_t)n->type << KIND_BITS | K_SPACE;
	unsigned depth = n->type == PTV_TABLE ? n->level : n->level + 1;
	for (unsigned j = 0; j < depth; j++)
		id |= (uint64_t)path_index(n, j) << fs->ids.shift[j];
	id |= (uint64_t)ptv_node_half(n) << half_bit(n->space.mode, &fs->ids);
	unsigned kind = n->type == PTV_TABLE ? K_TABLE : n->type == PTV_ENTRY_DIR ? K_ENTRY_DIR : K_ENTRY;
	return id | (kind + n->level);
}

/* The space's index among those found, or -1 (opened on demand). */
static int64_t found_index(const ptv_fs *fs, const struct ptv_node *n)
{
	const struct ptw_space *s = ptw_spaces_find(&fs->spaces, n->space.dirbase);
	return s ? s - fs->spaces.v : -1;
}

/* Whether n's id encodes it whole, with its space's index. */
static bool direct(const ptv_fs *fs, const struct ptv_node *n, uint64_t *index)
{
	if ((!space_type(n->type) && !path_type(n->type)) || n->vm || n->nested)
		return false;
	int64_t i = found_index(fs, n);
	if (i < 0 || (uint64_t)i >= fs->ids.direct)
		return false;
	*index = (uint64_t)i;
	return true;
}

/* ---- the intern table (lock held) ------------------------------------------------ */

static void key_of(const struct ptv_node *n, struct ptv_key *k)
{
	memset(k, 0, sizeof *k);
	k->type = n->type;
	k->dirbase = n->space.dirbase;
	k->nested = n->nested;
	switch (n->type) {
	case PTV_TABLE:
		k->level = n->level;
		k->base = n->base;
		break;
	case PTV_ENTRY_DIR:
	case PTV_ENTRY:
		k->level = n->level;
		k->base = n->base;
		k->index = n->index;
		break;
	case PTV_PTE:     /* va_end 1: pte/<ADDR>,1 */
	case PTV_REGION:
		k->va = n->va;
		k->va_end = n->va_end;
		break;
	case PTV_VTOP:
		k->va = n->va;
		break;
	default:
		break;
	}
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

static uint64_t key_hash(const struct ptv_key *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	h = mix(h, (uint64_t)k->type << 32 | k->level);
	h = mix(h, k->dirbase);
	h = mix(h, k->base);
	h = mix(h, k->index);
	h = mix(h, k->va);
	h = mix(h, k->nested);
	return mix(h, k->va_end);
}

static uint32_t *chain_head(struct ptv_intern *t, uint64_t h)
{
	return &t->bucket[h & (t->nbucket - 1)];
}

static uint32_t find_locked(struct ptv_intern *t, const struct ptv_key *k, uint64_t h)
{
	if (!t->nbucket)
		return NONE;
	for (uint32_t i = *chain_head(t, h); i != NONE; i = t->slot[i].next)
		if (t->slot[i].hash == h && !memcmp(&t->slot[i].key, k, sizeof *k))
			return i;
	return NONE;
}

/* Room for one more live slot: at least as many buckets as live slots
 * (chains stay short), and a free slot or room in the array for one. */
static int make_room(struct ptv_intern *t)
{
	if (t->live + 1 > t->nbucket) {
		uint32_t nb = t->nbucket ? t->nbucket * 2 : 64;
		uint32_t *b = malloc(nb * sizeof *b);
		if (!b)
			return -ENOMEM;
		for (uint32_t i = 0; i < nb; i++)
			b[i] = NONE;
		free(t->bucket);
		t->bucket = b;
		t->nbucket = nb;
		for (uint32_t i = 0; i < t->nslot; i++) {
			if (!t->slot[i].refs)
				continue;
			uint32_t *head = chain_head(t, t->slot[i].hash);
			t->slot[i].next = *head;
			*head = i;
		}
	}
	if (t->free == NONE && t->nslot == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;
		if (cap > t->max)
			cap = t->max;
		struct ptv_islot *s = realloc(t->slot, cap * sizeof *s);
		if (!s)
			return -ENOMEM;
		t->slot = s;
		t->cap = cap;
	}
	return 0;
}

/* Take one reference to the node keyed k: its slot, made if may_make
 * (else NONE with 0 when it has none). */
static int take_locked(struct ptv_intern *t, const struct ptv_key *k, bool may_make,
		       uint32_t *out)
{
	uint64_t h = key_hash(k);
	uint32_t i = find_locked(t, k, h);
	*out = i;
	if (i != NONE) {
		t->slot[i].refs++;
		return 0;
	}
	if (!may_make)
		return 0;
	if (t->live >= t->max)
		return -ENOSPC;
	int rc = make_room(t);
	if (rc)
		return rc;
	if (t->free != NONE) {
		i = t->free;
		t->free = t->slot[i].next;
	} else {
		i = t->nslot++;
		t->slot[i].gen = 0;
	}
	struct ptv_islot *s = &t->slot[i];
	s->key = *k;
	s->hash = h;
	s->refs = 1;
	uint32_t *head = chain_head(t, h);
	s->next = *head;
	*head = i;
	t->live++;
	*out = i;
	return 0;
}

static void drop_locked(struct ptv_intern *t, uint32_t i, uint64_t count)
{
	struct ptv_islot *s = &t->slot[i];
	s->refs -= count < s->refs ? count : s->refs;
	if (s->refs)
		return;
	uint32_t *p = chain_head(t, s->hash);
	while (*p != i)
		p = &t->slot[*p].next;
	*p = s->next;
	s->gen++;
	s->next = t->free;
	t->free = i;
	t->live--;
}

/* The generation bits an interned id of fs holds (fewer in a guest's). */
static uint32_t gen_mask(const ptv_fs *fs)
{
	return fs->ids.bits >= INTERN_BITS ? UINT32_MAX
					   : (1u << (fs->ids.bits - GEN_SHIFT)) - 1;
}

/* The live slot an interned id names, or NONE. */
static uint32_t slot_of_locked(ptv_fs *fs, uint64_t id)
{
	struct ptv_intern *t = &fs->intern;
	uint32_t i = (uint32_t)(id >> KIND_BITS) & (PTV_INTERN_MAX - 1);
	uint32_t gen = (uint32_t)(id >> GEN_SHIFT);
	if (id >> INTERN_BITS || (fs->ids.bits < 64 && id >> fs->ids.bits) ||
	    i >= t->nslot || !t->slot[i].refs || (t->slot[i].gen & gen_mask(fs)) != gen)
		return NONE;
	return i;
}

/* The live slot of a space's directory a space field names, or NONE. */
static uint32_t space_slot_locked(ptv_fs *fs, uint64_t ref)
{
	struct ptv_intern *t = &fs->intern;
	if (ref < fs->ids.direct || ref - fs->ids.direct >= fs->ids.slots)
		return NONE;
	uint32_t i = (uint32_t)(ref - fs->ids.direct);
	if (i >= t->nslot || !t->slot[i].refs || t->slot[i].key.type != PTV_SPACE)
		return NONE;
	return i;
}

static uint64_t intern_id(const ptv_fs *fs, uint32_t i)
{
	return K_INTERN | (uint64_t)i << KIND_BITS |
	       (uint64_t)(fs->intern.slot[i].gen & gen_mask(fs)) << GEN_SHIFT;
}

/* The key of the directory of n's space. */
static void space_key(const struct ptv_node *n, struct ptv_key *k)
{
	memset(k, 0, sizeof *k);
	k->type = PTV_SPACE;
	k->dirbase = n->space.dirbase;
}

/* ---- nodes from their fields ------------------------------------------------------- */

static void root_node(const ptv_fs *fs, struct ptv_node *n)
{
	memset(n, 0, sizeof *n);
	n->type = PTV_ROOT;
	n->space.mode = fs->spaces.mode;
}

/* The directory of the space at dirbase, as dtb/<dirbase> resolves. */
static int space_dir(ptv_fs *fs, uint64_t dirbase, struct ptv_node *n)
{
	struct ptv_node dtb;
	char name[24];
	root_node(fs, &dtb);
	dtb.type = PTV_DTB;
	snprintf(name, sizeof name, "%" PRIx64, dirbase);
	return ptv_lookup_child(fs, &dtb, name, n);
}

/* Down a table path from the space's directory in n: the table at level
 * `level` (depth = level indexes), or the entry directory at `level`
 * (depth = level + 1), each index re-read as a lookup reads it. */
static int walk_path(struct ptv_node *n, bool table, unsigned level, unsigned half,
		     const unsigned *idx)
{
	unsigned depth = table ? level : level + 1;
	const struct ptw_mode *m = n->space.mode;
	if (level >= m->nlevels || (half && !m->split) ||
	    (m->split && n->space.root[half] == PTW_NO_ROOT))
		return -ENOENT;
	ptv_enter_root(n, half);
	for (unsigned j = 0; j < depth; j++) {
		if (ptv_table_child(n, idx[j]))
			return -ENOENT;
		if ((table || j + 1 < depth) && ptv_entry_down(n))
			return -ENOENT;
	}
	return 0;
}

/* Down from n (a space's directory, or npt/) to the path node key k
 * names. */
static int path_of_key(struct ptv_node *n, const struct ptv_key *k)
{
	enum ptv_type t = (enum ptv_type)k->type;
	struct ptv_node shape = { .type = t, .space = n->space, .level = k->level,
				  .base = k->base, .index = (unsigned)k->index };
	unsigned idx[PTW_MAX_LEVELS] = {0};
	if (k->level >= n->space.mode->nlevels)
		return -ENOENT;
	for (unsigned j = 0; j <= k->level; j++)
		idx[j] = path_index(&shape, j);
	int rc = walk_path(n, t == PTV_TABLE, k->level, ptv_node_half(&shape), idx);
	if (!rc && t == PTV_ENTRY)
		n->type = PTV_ENTRY;
	return rc;
}

/* An interned node from its key (the node it was made from was resolved,
 * and the dump does not change: this cannot fail but by running out of
 * memory or a bug). */
static int node_of_key(ptv_fs *fs, const struct ptv_key *k, struct ptv_node *n)
{
	enum ptv_type t = (enum ptv_type)k->type;
	root_node(fs, n);
	if (k->type == PTV_KEY_GUEST) {
		int rc;
		ptv_fs *g = ptv_vm_fs(fs, (uint32_t)k->dirbase, &rc);
		if (!g)
			return rc;
		rc = ptv_node_from_id(g, k->base, n);
		n->vm = (uint32_t)k->dirbase;
		return rc;
	}
	if (k->nested) {
		/* A guest's nested table: npt-maps, or npt/ and below. */
		int rc = ptv_lookup_child(fs, n, t == PTV_MAPS ? "npt-maps" : "npt", n);
		if (rc || !path_type(t))
			return rc;
		return path_of_key(n, k);
	}
	if (link_type(t)) {
		const struct ptw_space *s = ptw_spaces_find(&fs->spaces, k->dirbase);
		return s ? ptv_link_node(fs, (size_t)(s - fs->spaces.v), t, n) : -ENOENT;
	}
	int rc = space_dir(fs, k->dirbase, n);
	if (rc || t == PTV_SPACE)
		return rc;
	if (path_type(t))
		return path_of_key(n, k);
	n->type = t;
	n->va = k->va;
	n->va_end = k->va_end;
	return 0;
}

/* ---- the API ------------------------------------------------------------------------ */

/* K_GUEST's id of the guest's node whose id there is gid. */
static uint64_t guest_direct_id(uint32_t vm, uint64_t gid)
{
	return K_GUEST | (uint64_t)vm << KIND_BITS | gid << (KIND_BITS + GUEST_NUM_BITS);
}

/* A guest's node: its id there under K_GUEST (the first 255 guests), else
 * interned by its id in the guest's tree, the slot holding one reference
 * to that id while it lives. */
static int guest_id(ptv_fs *fs, const struct ptv_node *n, bool may_intern, uint64_t *id)
{
	struct ptv_node in;
	int rc;
	ptv_fs *g = ptv_guest_node(fs, n, &in, &rc);
	if (!g)
		return rc;
	uint64_t gid;
	if (n->vm <= GUEST_DIRECT_MAX) {
		/* The guest's own id, whole: its references are its own. */
		rc = (may_intern ? ptv_node_id : ptv_node_id_no_intern)(g, &in, &gid);
		if (!rc && gid)
			*id = guest_direct_id(n->vm, gid);
		return rc;
	}
	if (may_intern) {
		rc = ptv_node_id(g, &in, &gid);
		if (rc)
			return rc;
	} else if (!(gid = ptv_node_ino(g, &in))) {
		return 0;
	}
	struct ptv_intern *t = &fs->intern;
	struct ptv_key key = { .type = PTV_KEY_GUEST, .dirbase = n->vm, .base = gid };
	uint32_t i;
	pthread_mutex_lock(&t->lock);
	bool had = find_locked(t, &key, key_hash(&key)) != NONE;
	rc = take_locked(t, &key, may_intern, &i);
	if (!rc && i != NONE)
		*id = intern_id(fs, i);
	pthread_mutex_unlock(&t->lock);
	if (may_intern && (had || rc))
		ptv_forget(g, gid, 1);
	return rc;
}

static int node_id(ptv_fs *fs, const struct ptv_node *n, bool may_intern, uint64_t *id)
{
	unsigned k = top_kind(n->type);
	uint64_t index;
	*id = 0;
	if (n->vm)
		return guest_id(fs, n, may_intern, id);
	if (k) {
		*id = k;
		return 0;
	}
	if (direct(fs, n, &index)) {
		*id = pure_id(fs, n, index);
		return 0;
	}
	struct ptv_intern *t = &fs->intern;
	struct ptv_key key, sk;
	uint32_t i, si;
	int rc;
	key_of(n, &key);
	pthread_mutex_lock(&t->lock);
	if (n->type == PTV_SPACE || n->nested || link_type(n->type) ||
	    !(space_type(n->type) || path_type(n->type)) ||
	    find_locked(t, &key, key_hash(&key)) != NONE) {
		/* Interned itself: a space's directory, a link, a VA or region
		 * file, or a node below a space that got one already. */
		rc = take_locked(t, &key, may_intern, &i);
		if (!rc && i != NONE)
			*id = intern_id(fs, i);
		pthread_mutex_unlock(&t->lock);
		return rc;
	}
	/* Below a space named by its slot, which the id holds. */
	space_key(n, &sk);
	rc = take_locked(t, &sk, may_intern, &si);
	if (!rc && si != NONE && si < fs->ids.slots) {
		*id = pure_id(fs, n, fs->ids.direct + si);
	} else if (!rc) {
		/* (LA57: a slot past what the space field can name) */
		if (si != NONE)
			drop_locked(t, si, 1);
		rc = take_locked(t, &key, may_intern, &i);
		if (!rc && i != NONE)
			*id = intern_id(fs, i);
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

int ptv_node_id(ptv_fs *fs, const struct ptv_node *n, uint64_t *id)
{
	return node_id(fs, n, true, id);
}

int ptv_node_id_no_intern(ptv_fs *fs, const struct ptv_node *n, uint64_t *id)
{
	return node_id(fs, n, false, id);
}

uint64_t ptv_node_ino(ptv_fs *fs, const struct ptv_node *n)
{
	unsigned k = top_kind(n->type);
	uint64_t index, id = 0;
	if (n->vm) {
		struct ptv_node in;
		int rc;
		ptv_fs *g = ptv_guest_node(fs, n, &in, &rc);
		uint64_t gid = g ? ptv_node_ino(g, &in) : 0;
		if (!gid)
			return 0;
		if (n->vm <= GUEST_DIRECT_MAX)
			return guest_direct_id(n->vm, gid);
		struct ptv_key key = { .type = PTV_KEY_GUEST, .dirbase = n->vm, .base = gid };
		pthread_mutex_lock(&fs->intern.lock);
		uint32_t i = find_locked(&fs->intern, &key, key_hash(&key));
		id = i != NONE ? intern_id(fs, i) : 0;
		pthread_mutex_unlock(&fs->intern.lock);
		return id;
	}
	if (k)
		return k;
	if (direct(fs, n, &index))
		return pure_id(fs, n, index);
	struct ptv_intern *t = &fs->intern;
	struct ptv_key key;
	key_of(n, &key);
	pthread_mutex_lock(&t->lock);
	uint32_t i = find_locked(t, &key, key_hash(&key));
	if (i != NONE) {
		id = intern_id(fs, i);
	} else if (n->type != PTV_SPACE && !n->nested && !link_type(n->type) &&
		   (space_type(n->type) || path_type(n->type))) {
		space_key(n, &key);
		i = find_locked(t, &key, key_hash(&key));
		if (i != NONE && i < fs->ids.slots)
			id = pure_id(fs, n, fs->ids.direct + i);
	}
	pthread_mutex_unlock(&t->lock);
	return id;
}

int ptv_node_from_id(ptv_fs *fs, uint64_t id, struct ptv_node *n)
{
	static const enum ptv_type top[] = {
		[K_ROOT] = PTV_ROOT, [K_INFO] = PTV_INFO, [K_PHYS] = PTV_PHYS,
		[K_DTB] = PTV_DTB, [K_PROC] = PTV_PROC, [K_NAME] = PTV_NAME,
		[K_INFO_JSON] = PTV_INFO_JSON, [K_VM] = PTV_VM_DIR,
	};
	unsigned kind = (unsigned)id & KIND_MASK;
	struct ptv_intern *t = &fs->intern;
	struct ptv_key key;
	uint32_t i;
	root_node(fs, n);
	if (fs->ids.bits < 64 && id >> fs->ids.bits)
		return -ENOENT;
	if (kind == K_GUEST) {
		uint32_t vm = (uint32_t)(id >> KIND_BITS) & GUEST_DIRECT_MAX;
		int rc;
		ptv_fs *g = vm ? ptv_vm_fs(fs, vm, &rc) : NULL;
		if (!g)
			return -ENOENT;
		rc = ptv_node_from_id(g, id >> (KIND_BITS + GUEST_NUM_BITS), n);
		n->vm = vm;
		return rc;
	}
	if ((kind >= K_ROOT && kind <= K_NAME) || kind == K_INFO_JSON || kind == K_VM) {
		if (id >> KIND_BITS || (kind == K_VM && (fs->vm || !fs->spaces.vms.n)))
			return -ENOENT;
		n->type = top[kind];
		return 0;
	}
	if (kind == K_INTERN) {
		if (id >> INTERN_BITS)
			return -ENOENT;
		pthread_mutex_lock(&t->lock);
		i = slot_of_locked(fs, id);
		if (i != NONE)
			key = t->slot[i].key;
		pthread_mutex_unlock(&t->lock);
		return i != NONE ? node_of_key(fs, &key, n) : -ESTALE;
	}
	if (kind < K_SPACE || kind >= K_END)
		return -ENOENT;
	uint64_t ref = id >> fs->ids.ref_shift;
	uint64_t field = (id & ((1ULL << fs->ids.ref_shift) - 1)) >> KIND_BITS;
	/* K_SPACE: the node's type, one of space_type's */
	enum ptv_type sub = field <= PTV_TYPE_LAST ? (enum ptv_type)field : PTV_ROOT;
	if (kind == K_SPACE && !space_type(sub))
		return -ENOENT;
	int rc;
	if (ref < fs->ids.direct) {
		size_t si = (size_t)ref;
		if (kind == K_SPACE && link_type(sub))
			return ptv_link_node(fs, si, sub, n);
		n->type = PTV_SPACE;
		n->space = fs->spaces.v[si];
		n->cache = &fs->caches[si];
	} else {
		/* A space's directory, and a link, are never named by a slot:
		 * they have slots of their own. */
		if (kind == K_SPACE && (sub == PTV_SPACE || link_type(sub)))
			return -ENOENT;
		pthread_mutex_lock(&t->lock);
		i = space_slot_locked(fs, ref);
		if (i != NONE)
			key = t->slot[i].key;
		pthread_mutex_unlock(&t->lock);
		if (i == NONE)
			return ref - fs->ids.direct < fs->ids.slots ? -ESTALE : -ENOENT;
		rc = space_dir(fs, key.dirbase, n);
		if (rc)
			return rc;
	}
	if (kind == K_SPACE) {
		/* A half's directory exists only where its space shows it. */
		if (sub == PTV_ROOT0 || sub == PTV_ROOT1) {
			const struct ptw_mode *sm = n->space.mode;
			unsigned h = sub == PTV_ROOT1;
			if (!sm->split || n->space.root[h] == PTW_NO_ROOT)
				return -ENOENT;
		}
		n->type = sub;
		return 0;
	}
	/* A table path: the levels below the node's are zero. */
	const struct ptw_mode *m = fs->spaces.mode;
	bool table = kind < K_ENTRY_DIR;
	unsigned level = kind - (kind >= K_ENTRY ? K_ENTRY : table ? K_TABLE : K_ENTRY_DIR);
	if (level >= m->nlevels)
		return -ENOENT;
	unsigned depth = table ? level : level + 1;
	unsigned hb = half_bit(m, &fs->ids);
	unsigned half = m->split ? (unsigned)(id >> hb) & 1 : 0;
	uint64_t path = (id & ((1ULL << fs->ids.ref_shift) - 1)) & ~((uint64_t)half << hb);
	unsigned used = depth < m->nlevels ? fs->ids.shift[depth] : fs->ids.ref_shift;
	if (path >> used || (depth == 0 && path >> fs->ids.shift[0]))
		return -ENOENT;
	unsigned idx[PTW_MAX_LEVELS] = {0};
	for (unsigned j = 0; j < depth; j++)
		idx[j] = (unsigned)(path >> fs->ids.shift[j]) & ((1u << m->level[j].bits) - 1);
	rc = walk_path(n, table, level, half, idx);
	if (!rc && kind >= K_ENTRY)
		n->type = PTV_ENTRY;
	return rc;
}

void ptv_forget(ptv_fs *fs, uint64_t id, uint64_t nlookup)
{
	unsigned kind = (unsigned)id & KIND_MASK;
	struct ptv_intern *t = &fs->intern;
	uint32_t i;
	if (kind == K_GUEST && nlookup) {
		uint32_t vm = (uint32_t)(id >> KIND_BITS) & GUEST_DIRECT_MAX;
		int rc;
		ptv_fs *g = vm && vm <= fs->nvms ? ptv_vm_fs(fs, vm, &rc) : NULL;
		if (g)
			ptv_forget(g, id >> (KIND_BITS + GUEST_NUM_BITS), nlookup);
		return;
	}
	if (!nlookup || (kind != K_INTERN && (kind < K_SPACE || kind >= K_END)))
		return;
	struct ptv_key gone = { .type = 0 };
	pthread_mutex_lock(&t->lock);
	if (kind == K_INTERN)
		i = slot_of_locked(fs, id);
	else
		i = space_slot_locked(fs, id >> fs->ids.ref_shift);
	if (i != NONE) {
		if (t->slot[i].key.type == PTV_KEY_GUEST && t->slot[i].refs <= nlookup)
			gone = t->slot[i].key;
		drop_locked(t, i, nlookup);
	}
	pthread_mutex_unlock(&t->lock);
	/* A guest's node let go: the reference its slot held. */
	if (gone.type == PTV_KEY_GUEST) {
		int rc;
		ptv_fs *g = ptv_vm_fs(fs, (uint32_t)gone.dirbase, &rc);
		if (g)
			ptv_forget(g, gone.base, 1);
	}
}

size_t ptv_interned(ptv_fs *fs)
{
	pthread_mutex_lock(&fs->intern.lock);
	size_t n = fs->intern.live;
	pthread_mutex_unlock(&fs->intern.lock);
	return n;
}
