/* view/view.h — what the view files share (the top layer of the walker:
 * it may include every other layer's header). */
#ifndef PTV_VIEW_H
#define PTV_VIEW_H

#include "discover/discover.h"
#include "ptview.h"

#include <pthread.h>

/* The files and directories of a space beside its tables, in listing
 * order: adding a file of each space is a row of ptv_space_children
 * (view/session.c) and its type in ptview.h.  A text rendered whole from
 * the space (maps, ptov, layout.svg) names its renderer: it is measured
 * once, built on the first read of an open file and shared while any is
 * open (the kernel's page cache keeps the bytes after), in the space's
 * cache slot of the same index as its row. */
typedef int (*ptv_render_fn)(const struct ptw_space *s, struct ptv_text *t,
			     uint64_t *len);
struct ptv_space_child {
	const char *name;
	enum ptv_type type;
	ptv_render_fn render;       /* NULL: not a text rendered whole */
};
#define PTV_SPACE_CHILDREN 9
extern const struct ptv_space_child ptv_space_children[PTV_SPACE_CHILDREN];

/* The row of a node type, or NULL when it is not a space's child. */
const struct ptv_space_child *ptv_space_child_of(enum ptv_type type);

/* A big text: measured once, its bytes kept while an open file uses them. */
struct ptv_big {
	bool measured;
	uint64_t len;
	struct ptv_text text;       /* while users > 0 */
	unsigned users;
};

/* One file of regions/ (view/regions.c): the stretch [va, end) (end 0:
 * the top of the space), and for repeats the copies and their spacing. */
struct ptv_region {
	uint64_t va, end;
	uint64_t stride;            /* 0 for a single stretch */
	uint64_t count;             /* 1 for a single stretch */
};

/* A space's regions/ listing, in VA order. */
struct ptv_regions {
	struct ptv_region *v;
	size_t n, cap;
	bool cut;                   /* stopped short: a walk budget or the cap */
};
void ptv_regions_free(struct ptv_regions *r);

struct ptv_cache {
	pthread_mutex_t lock;
	bool regions_ready;         /* regions built (or failed: regions_rc) */
	int regions_rc;
	struct ptv_regions regions;
	bool ready;
	int rc;
	struct ptw_iter_stats stats;
	struct ptv_text info;
	struct ptv_text info_json;  /* the same facts as JSON */
	struct ptv_big big[PTV_SPACE_CHILDREN]; /* by ptv_space_children's row */
};

/* Spaces opened on demand keep caches too, up to this many; further ones
 * are measured on each use. */
#define PTV_ONDEMAND_MAX 256

struct ptv_ondemand {
	uint64_t dirbase;
	struct ptv_cache cache;
};

/* ---- node ids (view/node.c) ---------------------------------------------- */

/* Where an id's fields lie for the fs's paging mode, and how its space
 * field is split between found spaces and intern slots. */
struct ptv_ids {
	unsigned shift[PTW_MAX_LEVELS]; /* the path index of each level */
	unsigned ref_shift;             /* the space field: bits ref_shift..bits-1 */
	unsigned bits;                  /* ids use bits 0..bits-1: 64, less in a
					 * guest's tree (view/node.c, K_GUEST) */
	uint64_t direct;  /* space field values below this: found space index */
	uint64_t slots;   /* from direct: intern slots 0..slots-1 */
};

/* What an interned node is known by: the fields that tell it from every
 * other node of its type (the rest follow from them). */
struct ptv_key {
	uint32_t type, level;
	uint64_t dirbase, base, index, va, va_end;
	uint64_t nested;  /* the node's nested flag */
};
/* The key type of a guest's node as the host interns it: dirbase the
 * guest (ptv_node.vm), base the node's id in the guest's tree. */
#define PTV_KEY_GUEST 0xffffu

/* A slot keeps the key alone (80 bytes, not a whole node's 230): the node
 * is rebuilt from it, as a lookup of its path would build it. */
struct ptv_islot {
	struct ptv_key key;
	uint64_t hash;
	uint64_t refs;     /* 0: free */
	uint32_t gen;      /* bumped each time the slot is freed */
	uint32_t next;     /* hash chain or free list */
};

/* The nodes ids cannot encode, while referenced: a hash table over an
 * array of slots, at most max of them live. */
struct ptv_intern {
	pthread_mutex_t lock;
	struct ptv_islot *slot;
	uint32_t nslot, cap;       /* slots made, room for */
	uint32_t free;             /* free list, through next */
	uint32_t *bucket;
	uint32_t nbucket;          /* a power of two, or 0 */
	uint32_t live;
	uint32_t max;              /* PTV_INTERN_MAX; tests lower it */
};

/* A regions/ listing kept whole while it is being read: FUSE asks for a
 * listing in pieces (some 170 names a request), each resuming where the
 * last stopped, and ptv_regions_list can only start from the beginning, so
 * without it each piece would iterate the space again (65 000 regions:
 * 390 iterations).  One is kept, the latest, until its end is read or
 * another replaces it (view/tree.c). */
struct ptv_region_snap {
	uint64_t dirbase;
	size_t n;
	char *names;              /* n names, each NUL-terminated */
	size_t *name_at;          /* where each starts in names */
	struct ptv_attr *attr;
	unsigned refs;            /* the fs's, and each listing's using it */
};

/* A guest of the fs (one per spaces.vms.v[i]): its tree, opened on first
 * use (discovery runs over its memory then). */
struct ptv_vm_slot {
	pthread_mutex_t lock;       /* held while the guest opens */
	bool tried;                 /* read with __atomic: set once opened */
	int rc;                     /* of the opening, once tried */
	struct ptw_error err;       /* and its message */
	struct ptv_fs *fs;
};

struct ptv_fs {
	struct ptv_ids ids;
	struct ptv_intern intern;
	pthread_mutex_t region_lock;
	struct ptv_region_snap *region_snap;
	char *path;
	ptw_dump *dump;
	struct ptw_spaces spaces;
	struct ptv_cache *caches;   /* one per spaces.v[i] */
	struct ptv_text info;       /* /info, rendered at open */
	struct ptv_text info_json;  /* /info.json, likewise */
	bool has_dirbase;           /* the first --dirbase, the default space */
	uint64_t first_dirbase;
	pthread_mutex_t ondemand_lock;
	struct ptv_ondemand *ondemand;  /* PTV_ONDEMAND_MAX slots, made on first use */
	size_t nondemand;
	/* Which space lists each top-level slot in regions/ (view/regions.c),
	 * worked out on first use. */
	pthread_mutex_t slots_lock;
	bool slots_ready;
	int slots_rc;
	struct ptw_addrset slot_keys;   /* every slot's key, once */
	uint64_t *owned;                /* per found space: a bitmap of its slots */
	/* The guests found in the dump, each opened on demand under its
	 * slot's lock (one guest's discovery holds up no other's reads). */
	struct ptv_vm_slot *vms;        /* nvms of them: spaces.vms.n, none
					 * in a guest's own tree */
	size_t nvms;
	/* A guest's tree: the VM it is (the host's record), its nested table
	 * as a space over the host's memory and that space's cache. */
	const struct ptw_vm *vm;
	const struct ptv_fs *host;      /* the host's tree, which owns this one */
	struct ptw_space npt;
	struct ptv_cache npt_cache;
};

/* The tree of guest k (1-based, as ptv_node.vm), opened on first use;
 * NULL with *rc when it cannot be. */
ptv_fs *ptv_vm_fs(ptv_fs *fs, uint32_t k, int *rc);
/* Guest node n (n->vm != 0) as the guest's own tree has it, into in, and
 * that tree (NULL with *rc when it cannot be opened). */
ptv_fs *ptv_guest_node(ptv_fs *fs, const struct ptv_node *n, struct ptv_node *in,
		       int *rc);
/* Its index + 1 by nested root, or 0. */
uint32_t ptv_vm_index(const ptv_fs *fs, uint64_t id);

/* The cache of a space opened on demand, or NULL when all are taken. */
struct ptv_cache *ptv_ondemand_cache(ptv_fs *fs, uint64_t dirbase);

void ptv_printf(struct ptv_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append src to t; 0 or -ENOMEM. */
int ptv_printf_text(struct ptv_text *t, const struct ptv_text *src);
int ptv_va_digits(const struct ptw_mode *m);
/* The length of the valid UTF-8 sequence at p (at most n bytes, n > 0),
 * or 0: no overlong forms, no surrogates, nothing past U+10FFFF (json.c;
 * layout.c's XML uses it too: names from guest memory are any bytes). */
size_t ptv_utf8_len(const unsigned char *p, size_t n);
/* A page size in words, "4K", "2M", "1G", into buf (returned). */
const char *ptv_size_name(uint64_t size, char buf[24]);

/* Length of an open text file. */
uint64_t ptv_file_text_len(const struct ptv_file *f);

/* What non-present entry e of s means to its OS, as WinDbg's indented
 * "Key: value" lines. */
void ptv_describe_soft(const struct ptw_space *s, unsigned lvl, uint64_t e,
		       const char *indent, struct ptv_text *t);

/* Lines under a !pte block that decode its non-present entry, if any. */
void ptv_render_nonpresent_notes(const struct ptw_space *s,
				 const struct ptw_xlat *x, unsigned last,
				 struct ptv_text *t);

/* ---- records: what a text and its JSON both show -----------------------------
 *
 * Each text with a JSON form (view/json.c) is rendered from one of these,
 * gathered once, so that the two forms cannot disagree. */

/* The self-map slot of a space's top table (-1: none); PAE's is four PD
 * entries under PDPTE 3. */
struct ptv_selfmap {
	int s;
	bool pae;
};

/* One !pte block (view/windbg.c): the walk, and the levels shown, first
 * (PAE's PDPTE is no column) to last (the entry's own level in the
 * "!pte PTE" form). */
struct ptv_pte {
	const struct ptw_space *sp;
	const struct ptw_mode *m;
	struct ptv_selfmap sm;
	struct ptw_xlat x;
	unsigned first, last;
};
/* !pte's block of addr (a VA, or an entry's own address in the self-map);
 * -EINVAL with a line in why when addr is no address of the space. */
int ptv_pte_of(const struct ptw_space *sp, uint64_t addr, struct ptv_pte *v,
	       struct ptv_text *why);
/* The block of va down to level last. */
int ptv_pte_at(const struct ptw_space *sp, uint64_t va, unsigned last,
	       struct ptv_pte *v, struct ptv_text *why);
/* The pages of !pte START END as vmem offsets first..last (page-aligned):
 * -EINVAL with a line in why for a bad range, -E2BIG past max_pages. */
int ptv_pte_range_pages(const struct ptw_space *sp, uint64_t start, uint64_t end,
			uint64_t max_pages, uint64_t *first, uint64_t *last,
			struct ptv_text *why);
/* The address !pte shows for level lvl's entry: its VA through the
 * self-map, else its PA (*ok false: a level the walk did not reach). */
uint64_t ptv_pte_column_addr(const struct ptv_pte *v, unsigned lvl, bool *ok);

/* One entry as !pte's third line shows it (view/windbg.c): its level, its
 * value, and where valid its frame and WinDbg's letters (the space's:
 * a Linux space leaves out the bits the letters would misname). */
struct ptv_entry_rec {
	unsigned lvl;
	uint64_t e;
	bool valid;
	uint64_t pfn;               /* valid only */
	char flags[16];             /* valid only; else "" */
};
void ptv_entry_rec(const struct ptw_space *s, unsigned lvl, uint64_t e,
		   struct ptv_entry_rec *r);

/* !pte ADDR 1 (view/windbg.c): the entry-sized value at a literal
 * address, read as a VA through the self-map where the space has one,
 * else as a PA, and its two decodings (the last level's entry and the
 * one above it). */
struct ptv_pte_literal {
	const struct ptw_space *sp;
	struct ptv_selfmap sm;      /* sm.s < 0: addr is physical */
	uint64_t addr;              /* as asked */
	uint64_t pa;                /* the entry's physical address */
	uint64_t e;                 /* its value */
	struct ptv_entry_rec as_pde, as_pte;
};
/* -EINVAL with a line in why when addr is not aligned to an entry, lies
 * outside the self-map window, is unmapped or outside the dump. */
int ptv_pte_literal_of(const struct ptw_space *sp, uint64_t addr,
		       struct ptv_pte_literal *r, struct ptv_text *why);

/* What a non-present entry holds, decoded as its OS wrote it. */
void ptv_soft_of(const struct ptw_space *s, unsigned lvl, uint64_t e,
		 struct ptw_swpte *sw);

/* A space as /info, ps and its own info show it. */
struct ptv_space_rec {
	int64_t cid, parent;        /* -1: unknown */
	const char *name;           /* "" when none */
	const char *owner_from;
	char found[256];
};
void ptv_space_rec(const struct ptw_space *s, struct ptv_space_rec *r);

/* One line of maps: [va, end) (end 0 with top set: 2^64) mapped from pa
 * by pages of page_size, with the effective rights at the mapping level. */
struct ptv_map_rec {
	uint64_t va, end, pa, page_size;
	bool top;
	char page[24];              /* "4K", "2M" */
	char flags[16];
};
typedef int (*ptv_map_fn)(void *ctx, const struct ptv_map_rec *r);
/* Each line of maps in VA order; 0, or -ENOMEM when fn returns non-zero
 * (every caller's fn returns non-zero only for its text's out-of-memory)
 * or the iteration runs out of memory. */
int ptv_each_map(const struct ptw_space *s, ptv_map_fn fn, void *ctx,
		 struct ptw_iter_stats *stats);

/* Each line of !ptov: one page, its PA and VA, in VA order; fn's
 * non-zero return stops it and is reported as -ENOMEM, as for maps. */
typedef int (*ptv_ptov_fn)(void *ctx, uint64_t pa, uint64_t va, uint64_t page_size);
int ptv_each_ptov(const struct ptw_space *s, ptv_ptov_fn fn, void *ctx);

/* The host's space a guest's VMM ran on (its host-save area's CR3), as
 * found on the host, or NULL. */
const struct ptw_space *ptv_vmm_space(const struct ptw_spaces *host, const struct ptw_vm *vm);

/* /info's facts that are not plain fields. */
const char *ptv_machine_name(const ptw_dump *d);
/* The OSRELEASE VMCOREINFO names into buf, else NULL. */
const char *ptv_os_release(const ptw_dump *d, char *buf, size_t n);
/* "pages-4k"'s size word of a level that maps pages: "4k", "2m". */
const char *ptv_page_word(const struct ptw_mode *m, unsigned lvl, char buf[24]);

/* Fill the cache of a found space if not yet done; 0 or -errno. */
int ptv_cache_fill(struct ptv_cache *c, const struct ptw_space *s);

/* Free the texts of a cache filled for one use (ptv_space_facts' own). */
void ptv_cache_texts_free(struct ptv_cache *c);

/* The counts, maps length and info text of a space: from its cache, or
 * (opened on demand) measured now into the caller's own. */
int ptv_space_facts(const struct ptv_node *n, struct ptv_cache *own,
		    const struct ptv_cache **out);

/* The length of big text `which` (a row of ptv_space_children with a
 * renderer) of a space: cached when it can be. */
int ptv_big_len(const struct ptv_node *n, unsigned which, uint64_t *len);

/* The big text (its row) a node type shows, or -1. */
int ptv_big_of(enum ptv_type type);

/* regions/ of the space n names: list it, or resolve one name in it
 * (0 or -ENOENT; -ENOMEM when the listing cannot be built). */
int ptv_regions_list(ptv_fs *fs, const struct ptv_node *n, ptv_fill_fn fill,
		     void *ctx);
int ptv_regions_step(ptv_fs *fs, struct ptv_node *n, const char *name);

/* Drop a listing's reference to a regions/ snapshot. */
void ptv_region_snap_put(ptv_fs *fs, struct ptv_region_snap *s);

/* Node ids: the layout for the fs's mode (after discovery); the intern
 * table's memory. */
void ptv_ids_init(ptv_fs *fs);
void ptv_ids_free(ptv_fs *fs);

/* Single steps of the tree, as lookups take them (view/tree.c), for ids
 * turned back into nodes: a table's entry i (-ENOENT where the table shows
 * none), an entry directory's next table (-ENOENT where it leads to none),
 * a space's top table. */
int ptv_table_child(struct ptv_node *n, unsigned index);
int ptv_entry_down(struct ptv_node *n);
/* Into the top table of n's space, the one of root `half` (0 unless the
 * mode is split). */
void ptv_enter_root(struct ptv_node *n, unsigned half);
/* The half of a split space n's path lies in (0 otherwise). */
unsigned ptv_node_half(const struct ptv_node *n);
/* The proc/ (type PTV_PROC_LINK) or name/ (PTV_NAME_LINK) link to found
 * space i, as a lookup of its name gives it; -ENOENT when it has none.
 * n starts as the root. */
int ptv_link_node(ptv_fs *fs, size_t i, enum ptv_type type, struct ptv_node *n);

#endif
