/* view_session.c — an opened dump with its spaces, their cached texts, and
 * open files. */
#include "view_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ptv_open(const struct ptv_config *c, ptv_fs **out, struct ptw_error *err)
{
	struct ptv_fs *fs = calloc(1, sizeof *fs);
	if (!fs)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	fs->path = strdup(c->dump_path);
	int rc = fs->path ? 0 : ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	if (!rc)
		rc = ptw_dump_open(c->dump_path, &fs->dump, err);
	if (!rc)
		rc = ptw_discover(fs->dump, &c->discover, &fs->spaces, err);
	if (!rc) {
		fs->caches = calloc(fs->spaces.n ? fs->spaces.n : 1, sizeof *fs->caches);
		if (!fs->caches)
			rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	}
	if (rc) {
		ptv_close(fs);
		return rc;
	}
	for (size_t i = 0; i < fs->spaces.n; i++)
		pthread_mutex_init(&fs->caches[i].lock, NULL);
	if (ptv_render_info(fs, &fs->info)) {
		ptv_close(fs);
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	}
	*out = fs;
	return 0;
}

void ptv_close(ptv_fs *fs)
{
	if (!fs)
		return;
	if (fs->caches) {
		for (size_t i = 0; i < fs->spaces.n; i++) {
			ptv_text_free(&fs->caches[i].maps);
			ptv_text_free(&fs->caches[i].info);
			pthread_mutex_destroy(&fs->caches[i].lock);
		}
		free(fs->caches);
	}
	ptv_text_free(&fs->info);
	ptw_spaces_free(&fs->spaces);
	ptw_dump_close(fs->dump);
	free(fs->path);
	free(fs);
}

const ptw_dump *ptv_dump(const ptv_fs *fs) { return fs->dump; }
const struct ptw_spaces *ptv_spaces(const ptv_fs *fs) { return &fs->spaces; }

/* maps and info come from one walk of the space. */
static int render_space(const struct ptw_space *s, struct ptv_text *maps,
			struct ptv_text *info, struct ptw_iter_stats *st)
{
	int rc = ptv_render_maps(s, maps, st);
	if (!rc)
		rc = ptv_render_space_info(s, st, info);
	return rc;
}

int ptv_cache_fill(struct ptv_cache *c, const struct ptw_space *s)
{
	pthread_mutex_lock(&c->lock);
	if (!c->ready) {
		c->rc = render_space(s, &c->maps, &c->info, &c->stats);
		c->ready = c->rc == 0;
		if (c->rc) {
			ptv_text_free(&c->maps);
			ptv_text_free(&c->info);
		}
	}
	int rc = c->rc;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* ---- open files ------------------------------------------------------------ */

struct ptv_file {
	enum ptv_type type;
	ptv_fs *fs;
	struct ptw_space space;
	const char *text;           /* text files: the bytes */
	size_t len;
	struct ptv_text own;        /* texts built for this open */
	pthread_mutex_t lock;       /* guards tlb */
	struct ptw_tlb tlb;
};

/* The text of a space file: from the cache when the space was found, else
 * built now into the file's own buffer. */
static int space_text(struct ptv_file *f, const struct ptv_node *n)
{
	const struct ptv_text *src;
	if (n->cache) {
		int rc = ptv_cache_fill(n->cache, &n->space);
		if (rc)
			return rc;
		src = n->type == PTV_MAPS ? &n->cache->maps : &n->cache->info;
	} else {
		struct ptv_text other = {0};
		struct ptw_iter_stats st;
		int rc = n->type == PTV_MAPS
				 ? ptv_render_maps(&n->space, &f->own, &st)
				 : render_space(&n->space, &other, &f->own, &st);
		ptv_text_free(&other);
		if (rc)
			return rc;
		src = &f->own;
	}
	f->text = src->p ? src->p : "";
	f->len = src->len;
	return 0;
}

int ptv_file_open(ptv_fs *fs, const struct ptv_node *n, struct ptv_file **out)
{
	struct ptv_file *f = calloc(1, sizeof *f);
	if (!f)
		return -ENOMEM;
	f->type = n->type;
	f->fs = fs;
	f->space = n->space;
	pthread_mutex_init(&f->lock, NULL);
	int rc = 0;
	switch (n->type) {
	case PTV_INFO:
		f->text = fs->info.p;
		f->len = fs->info.len;
		break;
	case PTV_SPACE_INFO:
	case PTV_MAPS:
		rc = space_text(f, n);
		break;
	case PTV_ENTRY:
		rc = ptv_render_entry(&n->space, n->level, n->table, n->index,
				      n->base, &f->own);
		f->text = f->own.p;
		f->len = f->own.len;
		break;
	case PTV_PHYS:
	case PTV_VMEM:
		break;
	default:
		rc = -EISDIR;
	}
	if (rc) {
		ptv_file_close(f);
		return rc;
	}
	*out = f;
	return 0;
}

ssize_t ptv_file_read(struct ptv_file *f, void *buf, size_t size, uint64_t off)
{
	if (f->type == PTV_PHYS) {
		uint64_t end = ptw_dump_phys_end(f->fs->dump);
		if (off >= end)
			return 0;
		if (size > end - off)
			size = (size_t)(end - off);
		ptw_phys_read(f->fs->dump, off, buf, size);
		return (ssize_t)size;
	}
	if (f->type == PTV_VMEM) {
		const struct ptw_mode *m = f->space.mode;
		uint64_t end = ptw_mode_va_size(m);
		if (off >= end)
			return 0;
		if (size > end - off)
			size = (size_t)(end - off);
		pthread_mutex_lock(&f->lock);
		ptw_vread(&f->space, &f->tlb, ptw_mode_va_from_offset(m, off), buf,
			  size);
		pthread_mutex_unlock(&f->lock);
		return (ssize_t)size;
	}
	if (off >= f->len)
		return 0;
	if (size > f->len - off)
		size = (size_t)(f->len - off);
	memcpy(buf, f->text + off, size);
	return (ssize_t)size;
}

uint64_t ptv_file_text_len(const struct ptv_file *f)
{
	return f->len;
}

void ptv_file_close(struct ptv_file *f)
{
	if (!f)
		return;
	ptv_text_free(&f->own);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
