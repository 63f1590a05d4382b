/* ptview.h — views over the walker: the ptfs tree and its texts.
 *
 * A ptv_fs is an opened dump with its discovered address spaces.  Paths of
 * the ptfs tree resolve to nodes; nodes list, stat, read and link.  The
 * FUSE daemon maps its callbacks onto these and nothing else, and the
 * command-line tool prints the same texts.
 *
 *   /info  /phys  /dtb/<dirbase>/{info,vmem,maps,<top>/<i>/entry,...}
 *   /proc/<cid> -> ../dtb/<dirbase>
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
	struct ptw_discover_opts discover;
};

int ptv_open(const struct ptv_config *c, ptv_fs **out, struct ptw_error *err);
void ptv_close(ptv_fs *fs);

const ptw_dump *ptv_dump(const ptv_fs *fs);
const struct ptw_spaces *ptv_spaces(const ptv_fs *fs);

/* ---- nodes ---------------------------------------------------------------- */

enum ptv_kind { PTV_DIR = 1, PTV_FILE, PTV_LINK };

enum ptv_type {
	PTV_ROOT, PTV_INFO, PTV_PHYS, PTV_DTB, PTV_PROC,
	PTV_SPACE, PTV_SPACE_INFO, PTV_VMEM, PTV_MAPS,
	PTV_TABLE,       /* a table: one directory per non-zero entry */
	PTV_ENTRY_DIR,   /* <i>/ */
	PTV_ENTRY,       /* <i>/entry */
	PTV_PROC_LINK,
};

struct ptv_cache;

/* A resolved path.  Plain data: copy it freely while the ptv_fs lives. */
struct ptv_node {
	enum ptv_type type;
	struct ptw_space space;     /* PTV_SPACE and below */
	struct ptv_cache *cache;    /* the space's caches; NULL when opened on demand */
	unsigned level;             /* table level (PTV_TABLE), entry level */
	uint64_t table;             /* PA of that table */
	uint64_t base;              /* VA offset the table / entry starts at */
	unsigned index;             /* entry index */
	uint64_t entry;             /* the entry's raw value */
};

struct ptv_attr {
	enum ptv_kind kind;
	uint64_t size;
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

/* ---- open files ------------------------------------------------------------- */

struct ptv_file;

int ptv_file_open(ptv_fs *fs, const struct ptv_node *n, struct ptv_file **out);
/* Bytes read (0 at or past the end) or a negative errno. */
ssize_t ptv_file_read(struct ptv_file *f, void *buf, size_t size,
		      uint64_t off);
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

#ifdef __cplusplus
}
#endif
#endif
