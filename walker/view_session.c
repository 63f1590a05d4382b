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
	pthread_mutex_init(&fs->ondemand_lock, NULL);
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
			ptv_text_free(&fs->caches[i].info);
			pthread_mutex_destroy(&fs->caches[i].lock);
		}
		free(fs->caches);
		pthread_mutex_destroy(&fs->ondemand_lock);
	}
	for (size_t i = 0; i < fs->nondemand; i++) {
		ptv_text_free(&fs->ondemand[i].cache.info);
		pthread_mutex_destroy(&fs->ondemand[i].cache.lock);
	}
	free(fs->ondemand);
	ptv_text_free(&fs->info);
	ptw_spaces_free(&fs->spaces);
	ptw_dump_close(fs->dump);
	free(fs->path);
	free(fs);
}

struct ptv_cache *ptv_ondemand_cache(ptv_fs *fs, uint64_t dirbase)
{
	struct ptv_cache *c = NULL;
	pthread_mutex_lock(&fs->ondemand_lock);
	for (size_t i = 0; i < fs->nondemand && !c; i++)
		if (fs->ondemand[i].dirbase == dirbase)
			c = &fs->ondemand[i].cache;
	if (!c && !fs->ondemand)
		fs->ondemand = calloc(PTV_ONDEMAND_MAX, sizeof *fs->ondemand);
	if (!c && fs->ondemand && fs->nondemand < PTV_ONDEMAND_MAX) {
		struct ptv_ondemand *o = &fs->ondemand[fs->nondemand++];
		o->dirbase = dirbase;
		pthread_mutex_init(&o->cache.lock, NULL);
		c = &o->cache;
	}
	pthread_mutex_unlock(&fs->ondemand_lock);
	return c;
}

const ptw_dump *ptv_dump(const ptv_fs *fs) { return fs->dump; }
const struct ptw_spaces *ptv_spaces(const ptv_fs *fs) { return &fs->spaces; }

/* One walk measures the maps and counts the pages the info shows. */
static int measure_space(struct ptv_cache *c, const struct ptw_space *s)
{
	int rc = ptv_render_maps(s, NULL, &c->maps_len, &c->stats);
	if (!rc)
		rc = ptv_render_space_info(s, &c->stats, &c->info);
	if (rc)
		ptv_text_free(&c->info);
	return rc;
}

int ptv_cache_fill(struct ptv_cache *c, const struct ptw_space *s)
{
	pthread_mutex_lock(&c->lock);
	if (!c->ready) {
		c->rc = measure_space(c, s);
		c->ready = c->rc == 0;
	}
	int rc = c->rc;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int ptv_space_facts(const struct ptv_node *n, struct ptv_cache *own,
		    const struct ptv_cache **out)
{
	if (n->cache) {
		*out = n->cache;
		return ptv_cache_fill(n->cache, &n->space);
	}
	memset(own, 0, sizeof *own);
	*out = own;
	return measure_space(own, &n->space);
}

/* ---- open files ------------------------------------------------------------ */

struct ptv_file {
	enum ptv_type type;
	ptv_fs *fs;
	struct ptw_space space;
	struct ptv_cache *cache;    /* the space's, holding a shared maps text */
	bool maps_user;             /* counted in cache->maps_users */
	const char *text;           /* text files: the bytes, once built */
	size_t len;
	struct ptv_text own;        /* texts built for this open */
	pthread_mutex_t lock;       /* guards tlb and the lazy maps text */
	struct ptw_tlb tlb;
};

/* A space's info, or (only its length yet) its maps. */
static int space_text(struct ptv_file *f, const struct ptv_node *n)
{
	struct ptv_cache own;
	const struct ptv_cache *c;
	int rc = ptv_space_facts(n, &own, &c);
	if (rc)
		return rc;
	if (n->type == PTV_MAPS) {
		f->len = (size_t)c->maps_len;
	} else {
		rc = ptv_printf_text(&f->own, &c->info);
		f->text = f->own.p ? f->own.p : "";
		f->len = f->own.len;
	}
	if (c == &own)
		ptv_text_free(&own.info);
	return rc;
}

/* Build a maps text on its first read: the space's shared one, or (a space
 * without a cache) the file's own. */
static int maps_text(struct ptv_file *f)
{
	if (f->text)
		return 0;
	struct ptv_cache *c = f->cache;
	struct ptv_text *t = c ? &c->maps : &f->own;
	int rc = 0;
	if (c)
		pthread_mutex_lock(&c->lock);
	if (!t->p) {
		uint64_t len;
		rc = ptv_render_maps(&f->space, t, &len, NULL);
		if (!rc && len != f->len) /* cannot happen: the dump does not change */
			rc = -EIO;
		if (rc)
			ptv_text_free(t);
	}
	if (!rc) {
		f->text = t->p ? t->p : "";
		if (c) {
			c->maps_users++;
			f->maps_user = true;
		}
	}
	if (c)
		pthread_mutex_unlock(&c->lock);
	return rc;
}

int ptv_file_open(ptv_fs *fs, const struct ptv_node *n, struct ptv_file **out)
{
	struct ptv_file *f = calloc(1, sizeof *f);
	if (!f)
		return -ENOMEM;
	f->type = n->type;
	f->fs = fs;
	f->space = n->space;
	f->cache = n->cache;
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
	if (f->type == PTV_MAPS) {
		pthread_mutex_lock(&f->lock);
		int rc = maps_text(f);
		pthread_mutex_unlock(&f->lock);
		if (rc)
			return rc;
	}
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
	if (f->maps_user) {
		pthread_mutex_lock(&f->cache->lock);
		if (--f->cache->maps_users == 0)
			ptv_text_free(&f->cache->maps);
		pthread_mutex_unlock(&f->cache->lock);
	}
	ptv_text_free(&f->own);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
