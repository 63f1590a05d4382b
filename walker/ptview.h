/* ptview.h — views over the walker: the ptfs tree and its texts.
 *
 * A ptv_fs is an opened dump with its discovered address spaces.  Paths of
 * the ptfs tree resolve to nodes; nodes list, stat, read and link.  The
 * FUSE daemon maps its callbacks onto these and nothing else, and the
 * command-line tool prints the same texts.
 *
 *   /info  /info.json  /phys
 *   /dtb/<dirbase>/{info,info.json,vmem,maps,layout.svg,<top>/<i>/entry,...}
 *   /proc/<cid> -> ../dtb/<dirbase>
 *   /vm/<nested-root>/{info,npt/,npt-maps,phys,dtb/,proc/,...}: a guest
 *   found in memory, its own tree over its physical memory
 *
 * All calls are thread-safe.  Errors are negative errno values (ENOENT for
 * an unknown name, ENOTDIR, EISDIR, ENOMEM, EIO).
 */
#ifndef PTVIEW_H
#define PTVIEW_H

#include "ptwalk.h"

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ptv_fs ptv_fs;

struct ptv_config {
	const char *dump_path;
	struct ptw_dump_opts dump;   /* how to read it (--phys-base) */
	struct ptw_discover_opts discover;
};

int ptv_open(const struct ptv_config *c, ptv_fs **out, struct ptw_error *err);

void ptv_close(ptv_fs *fs);

const ptw_dump *ptv_dump(const ptv_fs *fs);
const struct ptw_spaces *ptv_spaces(const ptv_fs *fs);

/* The space a DirBase names: a found one, or (any other top table inside
 * the dump) one opened on demand. */
int ptv_space_for(ptv_fs *fs, uint64_t dirbase, struct ptw_space *out,
		  struct ptw_error *err);

/* The space commands default to: the first --dirbase, else the CR3 the
 * dump records, else the only one.  *why says which (for stderr). */
int ptv_default_space(ptv_fs *fs, struct ptw_space *out, char *why,
		      size_t whysz, struct ptw_error *err);

/* The tree of the guest whose nested root is id (/vm/<id>), opened on
 * first use with discovery options o (NULL: the defaults; a tree already
 * opened keeps its own); it belongs to fs (valid until ptv_close(fs)).
 * NULL with err set when fs found no such guest or its memory cannot be
 * opened. */
ptv_fs *ptv_vm(ptv_fs *fs, uint64_t id, const struct ptw_discover_opts *o,
	       struct ptw_error *err);

/* ---- nodes ---------------------------------------------------------------- */

enum ptv_kind { PTV_DIR = 1, PTV_FILE, PTV_LINK };

enum ptv_type {
	PTV_ROOT, PTV_INFO, PTV_PHYS, PTV_DTB, PTV_PROC,
	PTV_SPACE, PTV_SPACE_INFO, PTV_VMEM, PTV_MAPS,
	PTV_TABLE,       /* a table: one directory per non-zero entry */
	PTV_ENTRY_DIR,   /* <i>/ */
	PTV_ENTRY,       /* <i>/entry */
	PTV_PROC_LINK,
	PTV_PTOV,        /* ptov: WinDbg's !ptov of the space */
	PTV_PTE_DIR,     /* pte/: not listed; pte/<VA> is !pte VA,
			  * pte/<ADDR>,1 is !pte ADDR 1 */
	PTV_PTE,
	PTV_VTOP_DIR,    /* vtop/: not listed; vtop/<VA> is !vtop VA */
	PTV_VTOP,
	PTV_REGIONS,     /* regions/: one file per maximal run of mapped VA */
	PTV_REGION,
	PTV_NAME,        /* name/: <name>-<cid> links to ../proc/<cid> */
	PTV_NAME_LINK,
	PTV_ROOT0,       /* a split space's halves (AArch64's ttbr0/, ttbr1/), */
	PTV_ROOT1,       /* each holding its root's top table */
	PTV_LAYOUT,      /* layout.svg: a picture of the space */
	PTV_INFO_JSON,   /* /info.json: /info as JSON */
	PTV_SPACE_INFO_JSON, /* /dtb/<x>/info.json */
	PTV_VM_DIR,      /* /vm: one directory per guest, by nested root */
	PTV_NPT,         /* /vm/<id>/npt: the nested table's top table */
	PTV_TYPE_LAST = PTV_NPT,
};

struct ptv_cache;

/* A resolved path.  Plain data: copy it freely while the ptv_fs lives. */
struct ptv_node {
	enum ptv_type type;
	/* 0: a node of the fs itself; k: a node of its k-th guest's tree
	 * (/vm/<id>/...), the fields below as that tree has them. */
	uint32_t vm;
	/* The space is a guest's nested table (npt/, npt-maps), read in the
	 * host's memory, not one of the guest's own. */
	bool nested;
	struct ptw_space space;     /* PTV_SPACE and below */
	struct ptv_cache *cache;    /* the space's caches; NULL when opened on demand */
	unsigned level;             /* table level (PTV_TABLE), entry level */
	uint64_t table;             /* PA of that table */
	uint64_t base;              /* VA offset the table / entry starts at */
	unsigned index;             /* entry index */
	uint64_t entry;             /* the entry's raw value */
	uint64_t va, va_end;        /* PTV_PTE, PTV_VTOP: the VA (PTV_PTE's
				     * va_end 1: pte/<ADDR>,1, the entry at
				     * literal address va); PTV_REGION: its
				     * VAs [va, va_end) */
};

struct ptv_attr {
	enum ptv_kind kind;
	uint64_t size;
	uint64_t allocated;  /* bytes backed by something: the mapped bytes of
			      * vmem, the dump's bytes of /phys, else size.
			      * (st_blocks: cp and tar look for holes only in
			      * files that report fewer blocks than bytes) */
	unsigned nlink;
};

int ptv_lookup(ptv_fs *fs, const char *path, struct ptv_node *n);
int ptv_getattr(ptv_fs *fs, const struct ptv_node *n, struct ptv_attr *a);

/* Calls fill for each name in a directory, with the child's attributes
 * (as ptv_getattr gives them); a non-zero return stops. */
typedef int (*ptv_fill_fn)(void *ctx, const char *name,
			   const struct ptv_attr *attr);
int ptv_readdir(ptv_fs *fs, const struct ptv_node *n, ptv_fill_fn fill,
		void *ctx);

/* The link's target, NUL-terminated (truncated to size). */
int ptv_readlink(ptv_fs *fs, const struct ptv_node *n, char *buf, size_t size);

/* ---- nodes one step at a time, and node ids ---------------------------------
 *
 * What a front end that works by node (FUSE's low-level API) needs; the
 * path-based ptv_lookup above is built on the same steps.
 *
 * Every node has one 64-bit id, never 0; the root's is PTV_ROOT_ID (1,
 * FUSE's FUSE_ROOT_ID).  Most ids encode their node whole (a kind, the
 * space's index, the entry indexes along the path: view/node.c has the
 * layout), so that turning one back into its node re-reads only the
 * entries along its path and keeps no table.  The rest (spaces opened on
 * demand and the nodes below them, pte/<VA>, vtop/<VA>, regions/<name>)
 * are interned: a bounded table keeps them while someone holds a
 * reference.  References follow FUSE's lookup counts: ptv_node_id takes
 * one, ptv_forget drops them, and an interned node goes with its last.
 */
#define PTV_ROOT_ID 1ULL

/* At most this many nodes are interned at once (80 bytes each); past it
 * ptv_node_id fails with -ENOSPC.  A real space lists 65 627 regions
 * (linux-x86_64-4level's 9c000: every other ESPFIX page is a run of its
 * own), and `ls -l` of them interns each: room for four such. */
#define PTV_INTERN_MAX (1 << 18)

/* The child called name of parent (one path component, any length). */
int ptv_lookup_child(ptv_fs *fs, const struct ptv_node *parent,
		     const char *name, struct ptv_node *child);

/* Like ptv_readdir, with each child's node and its cookie, the position to
 * resume after it: ptv_readdir_from(..., from = cookie, ...) lists what
 * follows that entry (from = 0: from the start).  Cookies are positive
 * and grow along a listing; resuming a table's listing reads only the
 * entries after the cookie.  child is NULL for the entries of regions/:
 * a region's node comes from ptv_lookup_child, which checks it (listing a
 * space's 65 000 regions does not check each). */
typedef int (*ptv_fill_node_fn)(void *ctx, const char *name,
				const struct ptv_attr *attr,
				const struct ptv_node *child, uint64_t cookie);
int ptv_readdir_from(ptv_fs *fs, const struct ptv_node *n, uint64_t from,
		     ptv_fill_node_fn fill, void *ctx);

/* The id of node n (from ptv_lookup, ptv_lookup_child, ptv_readdir_from or
 * ptv_node_from_id), taking one reference: every id handed to the kernel
 * (a lookup's reply, a readdirplus entry) must be given back with
 * ptv_forget.  -ENOSPC when n would have to be interned and the table
 * is full. */
int ptv_node_id(ptv_fs *fs, const struct ptv_node *n, uint64_t *id);

/* The same when that interns nothing: *id = 0, and no reference, when n
 * would need a slot of its own it does not have.  For READDIRPLUS, whose
 * entries without an id the kernel leaves to a LOOKUP when a name is used:
 * listing 65 000 regions interns none of them. */
int ptv_node_id_no_intern(ptv_fs *fs, const struct ptv_node *n, uint64_t *id);

/* n's id as it stands, taking no reference (a plain readdir's d_ino): 0
 * when n is interned by nobody at present. */
uint64_t ptv_node_ino(ptv_fs *fs, const struct ptv_node *n);

/* The node id names.  Any 64-bit value is safe to pass: -ENOENT when it
 * names no node (a malformed id, or an entry on its path that is not
 * there), -ESTALE when it names an interned node since forgotten. */
int ptv_node_from_id(ptv_fs *fs, uint64_t id, struct ptv_node *n);

/* Drop nlookup references to id (FUSE's FORGET).  Ids that need no
 * reference (most) cost nothing; unknown ids are ignored. */
void ptv_forget(ptv_fs *fs, uint64_t id, uint64_t nlookup);

/* Interned nodes alive now (tests, debugging). */
size_t ptv_interned(ptv_fs *fs);

/* ---- open files ------------------------------------------------------------- */

struct ptv_file;

int ptv_file_open(ptv_fs *fs, const struct ptv_node *n, struct ptv_file **out);
/* Bytes read (0 at or past the end) or a negative errno. */
ssize_t ptv_file_read(struct ptv_file *f, void *buf, size_t size,
		      uint64_t off);
/* lseek's SEEK_DATA (data = true) or SEEK_HOLE from off: the offset, or
 * -ENXIO (no data from off, or off past the end).  vmem's holes are its
 * unmapped pages, /phys's the gaps between ranges; other files are all
 * data. */
int64_t ptv_file_seek(struct ptv_file *f, uint64_t off, bool data);
void ptv_file_close(struct ptv_file *f);

/* ---- texts ------------------------------------------------------------------- */

/* A growable text buffer; texts below append to it. */
struct ptv_text {
	char *p;
	size_t len, cap;
	bool oom;
};
void ptv_text_free(struct ptv_text *t);

/* /info: the dump, its ranges, the mode and every address space. */
int ptv_render_info(const ptv_fs *fs, struct ptv_text *t);
/* /dtb/<x>/maps: "<va-start>-<va-end> <pa-start> <page> <flags>" per run,
 * appended to t (or only measured when t is NULL); *len (may be NULL) gets
 * its length and stats (may be NULL) the iteration's counts. */
int ptv_render_maps(const struct ptw_space *s, struct ptv_text *t,
		    uint64_t *len, struct ptw_iter_stats *stats);
/* /dtb/<x>/info, from the counts ptv_render_maps gave. */
int ptv_render_space_info(const struct ptw_space *s,
			  const struct ptw_iter_stats *stats,
			  struct ptv_text *t);
/* An entry file: level, index, table, address, contains, pfn, flags, va,
 * and page where it maps one. */
int ptv_render_entry(const struct ptw_space *s, unsigned level,
		     uint64_t table, unsigned index, uint64_t base,
		     struct ptv_text *t);

/* `ptwalk ps`: one line per address space, cid, DirBase, mode, name and
 * how it was found, under a header line. */
int ptv_render_ps(const struct ptw_spaces *sp, struct ptv_text *t);
/* `ptwalk vms`: one line per guest found, its nested root (the id),
 * vCPUs, nested and guest modes, memory mapped and the VMM's table. */
int ptv_render_vms(const ptv_fs *fs, struct ptv_text *t);

/* ---- WinDbg's texts (Microsoft's !pte, !vtop, !ptov documentation) ----------- */

/* !pte VA.  A VA inside the self-map window is taken as an entry's own
 * address (WinDbg's "!pte PTE" form): that entry and the ones above it.
 * -EINVAL (with a line of text saying why) for a VA outside the space. */
int ptv_render_pte(const struct ptw_space *s, uint64_t va, struct ptv_text *t);
/* !pte START END: one block per page; -E2BIG when more than max_pages
 * (0: no limit), -EINVAL when END is below START. */
int ptv_render_pte_range(const struct ptw_space *s, uint64_t start,
			 uint64_t end, uint64_t max_pages, struct ptv_text *t);
/* !pte ADDR 1 (WinDbg's LiteralAddress form): the entry-sized value at
 * ADDR, decoded as a PDE and as a PTE.  ADDR is a VA in the self-map
 * window where the space has one (Windows), else physical (Linux).
 * -EINVAL (with a line of text saying why) when ADDR is not aligned to an
 * entry, outside the window, unmapped or outside the dump. */
int ptv_render_pte_literal(const struct ptw_space *s, uint64_t addr,
			   struct ptv_text *t);
/* !vtop DIRBASE VA, including the large-page and failure forms. */
int ptv_render_vtop(const struct ptw_space *s, uint64_t va, struct ptv_text *t);
/* !ptov DIRBASE; t may be NULL to only measure; *len gets the length. */
int ptv_render_ptov(const struct ptw_space *s, struct ptv_text *t,
		    uint64_t *len);

/* layout.svg: a picture of the space (view/layout.c), from the same
 * iteration as maps: its runs along the VA axis by half, long empty
 * stretches as gaps, coloured by rights, page size as bar height, the OS's
 * well-known regions labelled, a title and a legend.  Appended to t (t
 * NULL: only measured); *len (may be NULL) gets its length.  At most a few
 * thousand elements whatever the number of runs. */
int ptv_render_layout(const struct ptw_space *s, struct ptv_text *t,
		      uint64_t *len);

/* ---- the same as JSON (view/json.c) ------------------------------------------
 *
 * For scripts: the records of the texts above, rendered from the same
 * gathered values.  Addresses, entry values and PFNs are strings, "0x" and
 * lowercase hex without leading zeros ("0x7f55b8400000": JSON numbers lose
 * precision past 2^53); counts, indexes and sizes are numbers; unknown is
 * null.  Strings are UTF-8: control characters (DEL too) and bytes that
 * are not part of valid UTF-8 (a process name may hold any) are written as
 * \u00XX (or JSON's \n, \t...), the byte's value as a code point.  A document is one line ending in "\n";
 * the _json forms of tables give one per row (JSON Lines).  Errors as the
 * text forms give them (a line of text in t, for pte and vtop). */
int ptv_render_info_json(const ptv_fs *fs, struct ptv_text *t);
/* One line per address space. */
int ptv_render_ps_json(const struct ptw_spaces *sp, struct ptv_text *t);
/* One line per guest, its vCPUs' VMCBs within. */
int ptv_render_vms_json(const ptv_fs *fs, struct ptv_text *t);
int ptv_render_space_info_json(const struct ptw_space *s,
			       const struct ptw_iter_stats *stats,
			       struct ptv_text *t);
/* One line per run of maps, per page of !ptov. */
int ptv_render_maps_json(const struct ptw_space *s, struct ptv_text *t);
int ptv_render_ptov_json(const struct ptw_space *s, struct ptv_text *t);
int ptv_render_pte_json(const struct ptw_space *s, uint64_t va,
			struct ptv_text *t);
/* !pte ADDR 1: one document, the address asked ("query"), how it was read
 * ("address_kind" "va" through the self-map, "pa" without one), the
 * entry's PA and value, and its decodings "as_pde" and "as_pte", each
 * with the fields of an entry of ptv_render_pte_json.  Errors as
 * ptv_render_pte_literal's, as text. */
int ptv_render_pte_literal_json(const struct ptw_space *s, uint64_t addr,
				struct ptv_text *t);
/* One line per page. */
int ptv_render_pte_range_json(const struct ptw_space *s, uint64_t start,
			      uint64_t end, uint64_t max_pages,
			      struct ptv_text *t);
int ptv_render_vtop_json(const struct ptw_space *s, uint64_t va,
			 struct ptv_text *t);

#ifdef __cplusplus
}
#endif
#endif
