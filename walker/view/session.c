/* view/session.c — an opened dump with its spaces, their cached texts, and
 * open files. */
#include "view/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An fs with nothing in it yet: ptv_close can take it. */
static struct ptv_fs *fs_new(const char *path)
{
	struct ptv_fs *fs = calloc(1, sizeof *fs);
	if (!fs)
		return NULL;
	pthread_mutex_init(&fs->intern.lock, NULL);
	pthread_mutex_init(&fs->region_lock, NULL);
	pthread_mutex_init(&fs->npt_cache.lock, NULL);
	fs->path = strdup(path);
	if (!fs->path) {
		ptv_close(fs);
		return NULL;
	}
	return fs;
}

/* Discovery over fs->dump, and what the tree keeps of it. */
static int fs_build(ptv_fs *fs, const struct ptw_discover_opts *o,
		    struct ptw_error *err)
{
	int rc = ptw_discover(fs->dump, o, &fs->spaces, err);
	if (rc)
		return rc;
	fs->caches = calloc(fs->spaces.n ? fs->spaces.n : 1, sizeof *fs->caches);
	/* A guest's tree shows no guests of its own (ptv_node.vm is one
	 * level): its info counts them. */
	size_t nvms = fs->vm ? 0 : fs->spaces.vms.n;
	fs->vms = calloc(nvms ? nvms : 1, sizeof *fs->vms);
	if (!fs->caches || !fs->vms)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	fs->nvms = nvms;
	for (size_t i = 0; i < nvms; i++)
		pthread_mutex_init(&fs->vms[i].lock, NULL);
	for (size_t i = 0; i < fs->spaces.n; i++)
		pthread_mutex_init(&fs->caches[i].lock, NULL);
	ptv_ids_init(fs);
	pthread_mutex_init(&fs->ondemand_lock, NULL);
	pthread_mutex_init(&fs->slots_lock, NULL);
	if (o->ndirbases) {
		fs->has_dirbase = true;
		fs->first_dirbase = o->dirbases[0] & fs->spaces.mode->dirbase_mask;
	}
	if (ptv_render_info(fs, &fs->info) || ptv_render_info_json(fs, &fs->info_json))
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	return 0;
}

int ptv_open(const struct ptv_config *c, ptv_fs **out, struct ptw_error *err)
{
	struct ptv_fs *fs = fs_new(c->dump_path);
	if (!fs)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	int rc = ptw_dump_open_with(c->dump_path, &c->dump, &fs->dump, err);
	if (!rc)
		rc = fs_build(fs, &c->discover, err);
	if (rc) {
		ptv_close(fs);
		return rc;
	}
	*out = fs;
	return 0;
}

/* Guest vm of host: its memory through the nested table, discovered as a
 * dump of its own (its vCPUs' registers come from the VMCBs). */
static int open_guest(ptv_fs *host, const struct ptw_vm *vm,
		      const struct ptw_discover_opts *o, ptv_fs **out, struct ptw_error *err)
{
	struct ptv_fs *fs = fs_new(host->path);
	if (!fs)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	fs->vm = vm;
	fs->host = host;
	int rc = ptw_vm_open(host->dump, vm, &fs->dump, err);
	if (!rc)
		rc = ptw_vm_nested_space(host->dump, vm, host->spaces.os, &fs->npt, err);
	if (!rc) {
		const struct ptw_discover_opts dflt = { .threads = 0 };
		rc = fs_build(fs, o ? o : &dflt, err);
	}
	if (rc) {
		ptv_close(fs);
		return rc;
	}
	*out = fs;
	return 0;
}

/* Guest k's tree, opened with o (NULL: the defaults) on first use. */
static ptv_fs *vm_fs_with(ptv_fs *fs, uint32_t k, const struct ptw_discover_opts *o,
			  int *rc)
{
	if (!k || k > fs->nvms) {
		*rc = -ENOENT;
		return NULL;
	}
	struct ptv_vm_slot *slot = &fs->vms[k - 1];
	/* Opened once: every later use reads the slot without a lock. */
	if (!__atomic_load_n(&slot->tried, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&slot->lock);
		if (!slot->tried) {
			int r = open_guest(fs, &fs->spaces.vms.v[k - 1], o, &slot->fs, &slot->err);
			slot->rc = r == PTW_ERR_NOMEM ? -ENOMEM : r ? -EIO : 0;
			__atomic_store_n(&slot->tried, true, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&slot->lock);
	}
	*rc = slot->rc;
	return slot->fs;
}

ptv_fs *ptv_vm_fs(ptv_fs *fs, uint32_t k, int *rc)
{
	return vm_fs_with(fs, k, NULL, rc);
}

ptv_fs *ptv_vm(ptv_fs *fs, uint64_t id, const struct ptw_discover_opts *o,
	       struct ptw_error *err)
{
	uint32_t k = ptv_vm_index(fs, id);
	int rc;
	if (!k) {
		ptw_fail(err, PTW_ERR_NOT_FOUND,
			 fs->vm ? "a guest's guests are not opened (only one level of nesting)"
			 : !fs->spaces.vms.searched ? "no guest 0x%" PRIx64 ": guests were not searched for (no scan, or not an x86-64 host)"
			 : "no guest with nested root 0x%" PRIx64 " (see the vms command or /info)", id);
		return NULL;
	}
	ptv_fs *g = vm_fs_with(fs, k, o, &rc);
	if (!g && err)
		*err = fs->vms[k - 1].err;
	return g;
}

ptv_fs *ptv_guest_node(ptv_fs *fs, const struct ptv_node *n, struct ptv_node *in,
		       int *rc)
{
	*in = *n;
	in->vm = 0;
	return ptv_vm_fs(fs, n->vm, rc);
}

uint32_t ptv_vm_index(const ptv_fs *fs, uint64_t id)
{
	if (fs->vm)
		return 0;
	for (size_t i = 0; i < fs->spaces.vms.n; i++)
		if (fs->spaces.vms.v[i].id == id)
			return (uint32_t)i + 1;
	return 0;
}

void ptv_close(ptv_fs *fs)
{
	if (!fs)
		return;
	if (fs->caches) {
		for (size_t i = 0; i < fs->spaces.n; i++) {
			ptv_cache_texts_free(&fs->caches[i]);
			ptv_regions_free(&fs->caches[i].regions);
			pthread_mutex_destroy(&fs->caches[i].lock);
		}
		free(fs->caches);
		pthread_mutex_destroy(&fs->ondemand_lock);
		pthread_mutex_destroy(&fs->slots_lock);
	}
	for (size_t i = 0; i < fs->nondemand; i++) {
		ptv_cache_texts_free(&fs->ondemand[i].cache);
		ptv_regions_free(&fs->ondemand[i].cache.regions);
		pthread_mutex_destroy(&fs->ondemand[i].cache.lock);
	}
	for (size_t i = 0; i < fs->nvms; i++) {
		ptv_close(fs->vms[i].fs);
		pthread_mutex_destroy(&fs->vms[i].lock);
	}
	free(fs->vms);
	ptv_cache_texts_free(&fs->npt_cache);
	ptv_regions_free(&fs->npt_cache.regions);
	pthread_mutex_destroy(&fs->npt_cache.lock);
	ptw_addrset_free(&fs->slot_keys);
	free(fs->owned);
	free(fs->ondemand);
	ptv_ids_free(fs);
	pthread_mutex_destroy(&fs->intern.lock);
	if (fs->region_snap)
		ptv_region_snap_put(fs, fs->region_snap);
	pthread_mutex_destroy(&fs->region_lock);
	ptv_text_free(&fs->info);
	ptv_text_free(&fs->info_json);
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

int ptv_space_for(ptv_fs *fs, uint64_t dirbase, struct ptw_space *out,
		  struct ptw_error *err)
{
	const struct ptw_space *s = ptw_spaces_find(&fs->spaces, dirbase);
	if (s) {
		*out = *s;
		return 0;
	}
	int rc = ptw_spaces_open(&fs->spaces, fs->dump, dirbase, out, err);
	if (rc)
		return rc;
	out->found = PTW_FOUND_ON_DEMAND;
	return 0;
}

/* The kernel's own table among the found spaces, or NULL. */
static const struct ptw_space *kernel_space(const struct ptw_spaces *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		if (sp->v[i].found & (PTW_FOUND_VMCOREINFO | PTW_FOUND_HEADER))
			return &sp->v[i];
	return NULL;
}

int ptv_default_space(ptv_fs *fs, struct ptw_space *out, char *why,
		      size_t whysz, struct ptw_error *err)
{
	const struct ptw_spaces *sp = &fs->spaces;
	if (fs->has_dirbase) {
		snprintf(why, whysz, "the first --dirbase");
		return ptv_space_for(fs, fs->first_dirbase, out, err);
	}
	const struct ptw_space *best = NULL;
	for (size_t i = 0; i < sp->n; i++)
		if ((sp->v[i].found & PTW_FOUND_CR3) && (!best || sp->v[i].cpu < best->cpu))
			best = &sp->v[i];
	const struct ptw_space *peer;
	if (best && best->kpti_user && (peer = ptw_spaces_find(sp, best->kpti_peer))) {
		/* The vCPU stopped in user mode on a KPTI (KVA-shadow) user
		 * table, which maps almost nothing of the kernel: WinDbg and
		 * crash translate through the kernel copy, and so do we. */
		snprintf(why, whysz, "the kernel copy of the KPTI pair whose user copy %" PRIx64
			 " is the CR3 of vCPU %d in the dump", best->dirbase, best->cpu);
		best = peer;
	} else if (best) {
		snprintf(why, whysz, "the CR3 of vCPU %d in the dump", best->cpu);
	} else if ((best = kernel_space(sp))) {
		/* No vCPU state (AArch64 cores, raw images): the kernel's own
		 * table, which crash and drgn start from too. */
		snprintf(why, whysz, "the kernel's own table, named by %s",
			 best->found & PTW_FOUND_VMCOREINFO ? "VMCOREINFO" : "the dump header");
	} else if (sp->n == 1) {
		best = &sp->v[0];
		snprintf(why, whysz, "the only address space");
	} else {
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"%zu address spaces and no CR3 in the dump: choose one with --dirbase (ps lists them)",
				sp->n);
	}
	*out = *best;
	return 0;
}

const ptw_dump *ptv_dump(const ptv_fs *fs) { return fs->dump; }
const struct ptw_spaces *ptv_spaces(const ptv_fs *fs) { return &fs->spaces; }

/* One walk measures the maps and counts the pages the info shows. */
static int measure_space(struct ptv_cache *c, const struct ptw_space *s)
{
	struct ptv_big *maps = &c->big[ptv_big_of(PTV_MAPS)];
	int rc = ptv_render_maps(s, NULL, &maps->len, &c->stats);
	maps->measured = rc == 0;
	if (!rc)
		rc = ptv_render_space_info(s, &c->stats, &c->info);
	if (!rc)
		rc = ptv_render_space_info_json(s, &c->stats, &c->info_json);
	if (rc)
		ptv_cache_texts_free(c);
	return rc;
}

void ptv_cache_texts_free(struct ptv_cache *c)
{
	ptv_text_free(&c->info);
	ptv_text_free(&c->info_json);
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

static int render_maps(const struct ptw_space *s, struct ptv_text *t, uint64_t *len)
{
	return ptv_render_maps(s, t, len, NULL);
}

const struct ptv_space_child ptv_space_children[PTV_SPACE_CHILDREN] = {
	{ "info", PTV_SPACE_INFO, NULL },
	{ "info.json", PTV_SPACE_INFO_JSON, NULL },
	{ "vmem", PTV_VMEM, NULL },
	{ "maps", PTV_MAPS, render_maps },
	{ "ptov", PTV_PTOV, ptv_render_ptov },
	{ "layout.svg", PTV_LAYOUT, ptv_render_layout },
	{ "pte", PTV_PTE_DIR, NULL },
	{ "vtop", PTV_VTOP_DIR, NULL },
	{ "regions", PTV_REGIONS, NULL },
};

const struct ptv_space_child *ptv_space_child_of(enum ptv_type type)
{
	for (size_t i = 0; i < PTV_SPACE_CHILDREN; i++)
		if (ptv_space_children[i].type == type)
			return &ptv_space_children[i];
	return NULL;
}

int ptv_big_of(enum ptv_type type)
{
	const struct ptv_space_child *c = ptv_space_child_of(type);
	return c && c->render ? (int)(c - ptv_space_children) : -1;
}

/* Render big text `which` of s into t (t NULL: measure only). */
static int render_big(const struct ptw_space *s, unsigned which,
		      struct ptv_text *t, uint64_t *len)
{
	return ptv_space_children[which].render(s, t, len);
}

int ptv_big_len(const struct ptv_node *n, unsigned which, uint64_t *len)
{
	struct ptv_cache *c = n->cache;
	if (!c)
		return render_big(&n->space, which, NULL, len);
	if (ptv_space_children[which].type == PTV_MAPS) { /* measured with the counts */
		int rc = ptv_cache_fill(c, &n->space);
		*len = c->big[which].len;
		return rc;
	}
	pthread_mutex_lock(&c->lock);
	struct ptv_big *b = &c->big[which];
	int rc = 0;
	if (!b->measured) {
		rc = render_big(&n->space, which, NULL, &b->len);
		b->measured = rc == 0;
	}
	*len = b->len;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* ---- open files ------------------------------------------------------------ */

struct ptv_file {
	enum ptv_type type;
	ptv_fs *fs;
	struct ptw_space space;
	struct ptv_cache *cache;    /* the space's */
	int big;                    /* a big text's row (maps, ptov, ...), else -1 */
	bool big_user;              /* counted in cache->big[big].users */
	const char *text;           /* text files: the bytes, once built */
	size_t len;
	uint64_t base;              /* PTV_REGION: its first VA's offset */
	struct ptv_text own;        /* texts built for this open */
	pthread_mutex_t lock;       /* guards tlb and the lazy big text */
	struct ptw_tlb tlb;
};

/* Build a big text on its first read: the space's shared one, or (a space
 * without a cache) the file's own. */
static int big_text(struct ptv_file *f)
{
	if (f->text)
		return 0;
	struct ptv_cache *c = f->cache;
	struct ptv_big *b = c ? &c->big[f->big] : NULL;
	struct ptv_text *t = b ? &b->text : &f->own;
	int rc = 0;
	if (c)
		pthread_mutex_lock(&c->lock);
	if (!t->p) {
		uint64_t len;
		rc = render_big(&f->space, (unsigned)f->big, t, &len);
		if (!rc && len != f->len) /* cannot happen: the dump does not change */
			rc = -EIO;
		if (rc)
			ptv_text_free(t);
	}
	if (!rc) {
		f->text = t->p ? t->p : "";
		if (b) {
			b->users++;
			f->big_user = true;
		}
	}
	if (c)
		pthread_mutex_unlock(&c->lock);
	return rc;
}

/* Texts of one VA: pte/<VA>, vtop/<VA>. */
static int va_text(struct ptv_file *f, const struct ptv_node *n)
{
	int rc = n->type == PTV_VTOP ? ptv_render_vtop(&n->space, n->va, &f->own)
		 : n->va_end == 1    ? ptv_render_pte_literal(&n->space, n->va, &f->own)
				     : ptv_render_pte(&n->space, n->va, &f->own);
	if (f->own.oom)
		return -ENOMEM;
	(void)rc; /* a failed translation is still an answer, in its text */
	f->text = f->own.p ? f->own.p : "";
	f->len = f->own.len;
	return 0;
}

/* Fill f for a node that is not a big text: its bytes or how to read them. */
static int open_other(struct ptv_file *f, ptv_fs *fs, const struct ptv_node *n)
{
	int rc = 0;
	struct ptv_cache own;
	const struct ptv_cache *c;
	switch (n->type) {
	case PTV_INFO:
		f->text = fs->info.p;
		f->len = fs->info.len;
		break;
	case PTV_INFO_JSON:
		f->text = fs->info_json.p;
		f->len = fs->info_json.len;
		break;
	case PTV_SPACE_INFO:
	case PTV_SPACE_INFO_JSON:
		rc = ptv_space_facts(n, &own, &c);
		if (!rc)
			rc = ptv_printf_text(&f->own, n->type == PTV_SPACE_INFO ? &c->info
								    : &c->info_json);
		if (c == &own)
			ptv_cache_texts_free(&own);
		f->text = f->own.p ? f->own.p : "";
		f->len = f->own.len;
		break;
	case PTV_ENTRY:
		rc = ptv_render_entry(&n->space, n->level, n->table, n->index,
				      n->base, &f->own);
		f->text = f->own.p;
		f->len = f->own.len;
		break;
	case PTV_PTE:
	case PTV_VTOP:
		rc = va_text(f, n);
		break;
	case PTV_REGION:
		f->base = ptw_mode_offset_from_va(n->space.mode, n->va);
		f->len = (size_t)(n->va_end - n->va);
		break;
	case PTV_PHYS:
	case PTV_VMEM:
		break;
	default:
		rc = -EISDIR;
	}
	return rc;
}

int ptv_file_open(ptv_fs *fs, const struct ptv_node *n, struct ptv_file **out)
{
	if (n->vm) { /* a guest's file: its own tree opens it */
		struct ptv_node in;
		int rc;
		ptv_fs *g = ptv_guest_node(fs, n, &in, &rc);
		return g ? ptv_file_open(g, &in, out) : rc;
	}
	struct ptv_file *f = calloc(1, sizeof *f);
	if (!f)
		return -ENOMEM;
	f->type = n->type;
	f->fs = fs;
	f->space = n->space;
	f->cache = n->cache;
	f->big = ptv_big_of(n->type);
	pthread_mutex_init(&f->lock, NULL);
	int rc;
	if (f->big >= 0) { /* a text rendered whole: maps, ptov, layout.svg */
		uint64_t len = 0;
		rc = ptv_big_len(n, (unsigned)f->big, &len);
		f->len = (size_t)len;
	} else {
		rc = open_other(f, fs, n);
	}
	if (rc) {
		ptv_file_close(f);
		return rc;
	}
	*out = f;
	return 0;
}

static size_t clip(uint64_t off, size_t size, uint64_t end)
{
	if (off >= end)
		return 0;
	return size > end - off ? (size_t)(end - off) : size;
}

/* Virtual memory from vmem offset off (the upper half folded). */
static void read_virtual(struct ptv_file *f, void *buf, size_t size, uint64_t off)
{
	const struct ptw_mode *m = f->space.mode;
	pthread_mutex_lock(&f->lock);
	ptw_vread(&f->space, &f->tlb, ptw_mode_va_from_offset(m, off), buf, size);
	pthread_mutex_unlock(&f->lock);
}

ssize_t ptv_file_read(struct ptv_file *f, void *buf, size_t size, uint64_t off)
{
	switch (f->type) {
	case PTV_PHYS:
		size = clip(off, size, ptw_dump_phys_end(f->fs->dump));
		ptw_phys_read(f->fs->dump, off, buf, size);
		return (ssize_t)size;
	case PTV_VMEM:
		size = clip(off, size, ptw_mode_va_size(f->space.mode));
		read_virtual(f, buf, size, off);
		return (ssize_t)size;
	case PTV_REGION:
		size = clip(off, size, f->len);
		read_virtual(f, buf, size, f->base + off);
		return (ssize_t)size;
	default:
		break;
	}
	size = clip(off, size, f->len);
	if (!size)
		return 0;
	if (f->big >= 0) {
		pthread_mutex_lock(&f->lock);
		int rc = big_text(f);
		pthread_mutex_unlock(&f->lock);
		if (rc)
			return rc;
	}
	memcpy(buf, f->text + off, size);
	return (ssize_t)size;
}

/* ---- SEEK_DATA, SEEK_HOLE ------------------------------------------------------ */

struct seek_ctx {
	const struct ptw_mode *m;
	uint64_t off;      /* where the seek starts */
	bool data;
	bool found;
	uint64_t end;      /* SEEK_HOLE: the end of the mapped stretch so far */
	int64_t result;
};

static int seek_run(void *ctx, const struct ptw_run *r)
{
	struct seek_ctx *c = ctx;
	uint64_t start = ptw_mode_offset_from_va(c->m, r->va), end = start + r->size;
	if (c->data) {
		c->result = (int64_t)(start > c->off ? start : c->off);
		c->found = true;
		return 1;
	}
	if (start > c->end) { /* a gap: the hole starts where the data ended */
		c->found = true;
		c->result = (int64_t)c->end;
		return 1;
	}
	if (end > c->end)
		c->end = end;
	return 0;
}

/* Whether the byte at offset off of vmem is mapped. */
static bool vmem_mapped(const struct ptv_file *f, uint64_t off)
{
	uint64_t pa;
	return ptw_vtop(&f->space, NULL, ptw_mode_va_from_offset(f->space.mode, off),
			&pa) == 0;
}

/* When a budget cut the iteration short (tables that loop or fan out past
 * ptw_iterate's bounds), its runs may miss pages, and the answer must not
 * call data a hole; lseek(2) lets a hole be called data.  So: SEEK_DATA
 * answers off when off is mapped, else the end of off's 4 KiB page (that
 * page is unmapped); SEEK_HOLE answers a hole it has checked by
 * translation, else the end of the file. */
static int64_t seek_cut(struct ptv_file *f, uint64_t off, bool data,
			const struct seek_ctx *c, uint64_t size)
{
	bool mapped = vmem_mapped(f, off);
	if (data) {
		if (mapped)
			return (int64_t)off;
		uint64_t next = (off | (PTW_PAGE - 1)) + 1;
		if (c->found && (uint64_t)c->result < next)
			next = (uint64_t)c->result;
		return next < size ? (int64_t)next : -ENXIO;
	}
	if (!mapped)
		return (int64_t)off;
	if (c->found && !vmem_mapped(f, (uint64_t)c->result))
		return c->result;
	return (int64_t)size;
}

static int64_t seek_vmem(struct ptv_file *f, uint64_t off, bool data)
{
	const struct ptw_mode *m = f->space.mode;
	uint64_t size = ptw_mode_va_size(m);
	if (off >= size)
		return -ENXIO;
	struct seek_ctx c = { .m = m, .off = off, .data = data, .end = off };
	/* Each half of a canonical space is iterated on its own: offsets run
	 * on from one to the other, the VAs do not. */
	uint64_t half = m->canonical ? size / 2 : size;
	uint64_t from = off;
	bool cut = false;
	while (!c.found && from < size) {
		uint64_t to = from < half ? half - 1 : size - 1;
		struct ptw_iter_stats st;
		if (ptw_iterate(&f->space, ptw_mode_va_from_offset(m, from),
				ptw_mode_va_from_offset(m, to), seek_run, &c, &st, NULL))
			return -ENOMEM;
		cut |= st.truncated;
		from = to + 1;
	}
	if (cut)
		return seek_cut(f, off, data, &c, size);
	if (c.found)
		return c.result;
	return data ? -ENXIO : (int64_t)(c.end > off ? c.end : off);
}

static int64_t seek_phys(struct ptv_file *f, uint64_t off, bool data)
{
	const ptw_dump *d = f->fs->dump;
	uint64_t end = ptw_dump_phys_end(d), run;
	if (off >= end)
		return -ENXIO;
	bool present = ptw_phys_present(d, off, &run);
	if (present == data)
		return (int64_t)off;
	uint64_t next = run > end - off ? end : off + run;
	if (data && next >= end)
		return -ENXIO;
	return (int64_t)next;
}

int64_t ptv_file_seek(struct ptv_file *f, uint64_t off, bool data)
{
	switch (f->type) {
	case PTV_VMEM:
		return seek_vmem(f, off, data);
	case PTV_PHYS:
		return seek_phys(f, off, data);
	default:
		if (off >= f->len)
			return -ENXIO;
		return data ? (int64_t)off : (int64_t)f->len;
	}
}

uint64_t ptv_file_text_len(const struct ptv_file *f)
{
	return f->len;
}

void ptv_file_close(struct ptv_file *f)
{
	if (!f)
		return;
	if (f->big_user) {
		struct ptv_big *b = &f->cache->big[f->big];
		pthread_mutex_lock(&f->cache->lock);
		if (--b->users == 0)
			ptv_text_free(&b->text);
		pthread_mutex_unlock(&f->cache->lock);
	}
	ptv_text_free(&f->own);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
