/* ptfs.c — mount a physical-memory dump as a read-only filesystem.
 *
 *   ptfs [options] DUMP MOUNTPOINT       (options: usage.c, man ptfs)
 *
 * This file only maps FUSE's low-level requests to the views of ptview.h:
 * a node id to a node (ptv_node_from_id), a name under a node to a child
 * (ptv_lookup_child), a node to attributes, a listing or bytes.  Node ids
 * are the views' own (view/node.c): most encode their node, so the daemon
 * keeps no table of what the kernel has looked up, and the few the views
 * intern are released by FORGET.  Everything about dumps and page tables
 * lives in walker/.
 *
 * The dump never changes, so the kernel is told to keep everything for
 * ever: entries and attributes (timeouts of 1e9 s, negative entries too),
 * file pages (keep_cache), symlinks (FUSE_CAP_CACHE_SYMLINKS) and
 * directory listings.  Listings come as READDIRPLUS (not _AUTO), so one
 * request names a directory's children with their attributes and the
 * kernel needs no LOOKUP for them.  Directories open without a message
 * (FUSE_CAP_NO_OPENDIR_SUPPORT: OPENDIR answers ENOSYS once, and the
 * kernel sends no OPENDIR or RELEASEDIR again); the kernel then caches
 * their listings by itself (fs/fuse/file.c, fuse_file_open: a file
 * opened without a message gets FOPEN_KEEP_CACHE | FOPEN_CACHE_DIR), so
 * a second walk of a tree costs no request at all.  On a kernel without
 * zero-message opendir, OPENDIR replies with cache_readdir instead.
 */
#define FUSE_USE_VERSION 314

#include "progress.h"
#include "options.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* The dump never changes: let the kernel keep names, attributes and pages
 * for as long as it likes (seconds; about 31 years). */
#define FOREVER 1e9

/* The d_ino of "..", whose id a node does not know, and of listed nodes
 * without an id yet (libfuse's high-level API says the same). */
#define UNKNOWN_INO 0xffffffffULL

/* What the requests share: the views, the dump file's own stat, whose
 * owner and times stand for every node's, and what the kernel offered. */
struct daemon {
	ptv_fs *fs;
	struct stat dump;
	bool no_opendir;   /* the kernel opens directories without asking */
};

static struct daemon *daemon_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Nodes are readable by whoever may read the dump file itself: its read
 * bits, and for directories the matching search bits.  (With -o allow_other
 * a root-only dump stays root-only.) */
static mode_t kind_mode(enum ptv_kind k, mode_t dump)
{
	mode_t r = dump & 0444;
	switch (k) {
	case PTV_DIR: return S_IFDIR | r | (r >> 2);
	case PTV_LINK: return S_IFLNK | 0777;
	default: return S_IFREG | r;
	}
}

static void fill_stat(const struct daemon *dm, struct stat *st,
		      const struct ptv_attr *a, uint64_t ino)
{
	const struct stat *d = &dm->dump;
	memset(st, 0, sizeof *st);
	st->st_ino = (ino_t)ino;
	st->st_mode = kind_mode(a->kind, d->st_mode);
	st->st_nlink = a->nlink;
	st->st_size = (off_t)a->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((a->allocated + 511) / 512);
	st->st_uid = d->st_uid;
	st->st_gid = d->st_gid;
	st->st_atim = d->st_atim;
	st->st_mtim = d->st_mtim;
	st->st_ctim = d->st_ctim;
}

static void reply_rc(fuse_req_t req, int rc)
{
	fuse_reply_err(req, rc < 0 ? -rc : rc);
}

static void ll_init(void *userdata, struct fuse_conn_info *conn)
{
	struct daemon *dm = userdata;
	/* Every listing with attributes: the children need no LOOKUP. */
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
	conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	/* Nothing ever changes: nothing to invalidate on a new mtime. */
	conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
	/* ENOSYS from opendir means "open without asking" only with it. */
	dm->no_opendir = (conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT) != 0;
}

/* ---- names and attributes -------------------------------------------------------- */

/* Reply to a LOOKUP with n: its id, which takes one reference, given
 * back if the kernel never gets the reply. */
static void reply_entry(fuse_req_t req, const struct ptv_node *n)
{
	struct daemon *dm = daemon_of(req);
	struct ptv_attr a;
	uint64_t id;
	int rc = ptv_getattr(dm->fs, n, &a);
	if (!rc)
		rc = ptv_node_id(dm->fs, n, &id);
	if (rc) {
		reply_rc(req, rc);
		return;
	}
	struct fuse_entry_param e = { .ino = id, .attr_timeout = FOREVER,
				      .entry_timeout = FOREVER };
	fill_stat(dm, &e.attr, &a, id);
	if (fuse_reply_entry(req, &e) != 0)
		ptv_forget(dm->fs, id, 1);
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct daemon *dm = daemon_of(req);
	struct ptv_node p, n;
	int rc = ptv_node_from_id(dm->fs, parent, &p);
	if (!rc)
		rc = ptv_lookup_child(dm->fs, &p, name, &n);
	if (rc == -ENOENT) {
		/* No such name, for ever: the kernel caches the answer. */
		struct fuse_entry_param e = { .ino = 0, .entry_timeout = FOREVER };
		fuse_reply_entry(req, &e);
	} else if (rc) {
		reply_rc(req, rc);
	} else {
		reply_entry(req, &n);
	}
}

static void ll_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	ptv_forget(daemon_of(req)->fs, ino, nlookup);
	fuse_reply_none(req);
}

static void ll_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	ptv_fs *fs = daemon_of(req)->fs;
	for (size_t i = 0; i < count; i++)
		ptv_forget(fs, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void ll_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)fi;
	struct daemon *dm = daemon_of(req);
	struct ptv_node n;
	struct ptv_attr a;
	int rc = ptv_node_from_id(dm->fs, ino, &n);
	if (!rc)
		rc = ptv_getattr(dm->fs, &n, &a);
	if (rc) {
		reply_rc(req, rc);
		return;
	}
	struct stat st;
	fill_stat(dm, &st, &a, ino);
	fuse_reply_attr(req, &st, FOREVER);
}

static void ll_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct daemon *dm = daemon_of(req);
	struct ptv_node n;
	char buf[256];
	int rc = ptv_node_from_id(dm->fs, ino, &n);
	if (!rc)
		rc = ptv_readlink(dm->fs, &n, buf, sizeof buf);
	if (rc)
		reply_rc(req, rc);
	else
		fuse_reply_readlink(req, buf);
}

/* ---- directories ------------------------------------------------------------------- */

static void ll_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	if (daemon_of(req)->no_opendir) {
		/* "Open directories yourself": no OPENDIR or RELEASEDIR from
		 * now on, and the kernel caches listings (see the top). */
		fuse_reply_err(req, ENOSYS);
		return;
	}
	/* Listings never change: let the kernel keep them. */
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

/* One READDIR(PLUS) reply being filled.  A directory's offsets are 1 after
 * ".", 2 after "..", then 2 + the views' cookie of each entry, so any
 * request resumes where the last ended without state between requests
 * (there is no open directory to keep it in). */
struct dir_fill {
	fuse_req_t req;
	struct daemon *dm;
	bool plus;
	char *buf;
	size_t size, used;
	uint64_t *ids;        /* references taken for the entries of this reply */
	size_t nids, maxids;
	int rc;
};

/* Add one entry; false when the reply is full. */
static bool dir_put(struct dir_fill *f, const char *name, const struct stat *st,
		    uint64_t id, off_t next)
{
	size_t room = f->size - f->used;
	char *at = f->buf + f->used;
	if (!f->plus) {
		size_t need = fuse_add_direntry(f->req, NULL, 0, name, NULL, 0);
		if (need > room)
			return false;
		f->used += fuse_add_direntry(f->req, at, room, name, st, next);
		return true;
	}
	size_t need = fuse_add_direntry_plus(f->req, NULL, 0, name, NULL, 0);
	if (need > room)
		return false;
	struct fuse_entry_param e = { .ino = id, .attr = *st };
	if (id) {
		e.attr_timeout = FOREVER;
		e.entry_timeout = FOREVER;
	}
	f->used += fuse_add_direntry_plus(f->req, at, room, name, &e, next);
	return true;
}

static int dir_child(void *ctx, const char *name, const struct ptv_attr *a,
		     const struct ptv_node *child, uint64_t cookie)
{
	struct dir_fill *f = ctx;
	ptv_fs *fs = f->dm->fs;
	uint64_t id = 0;
	struct stat st;
	if (f->plus) {
		/* Only an entry that fits takes a reference: each one the
		 * kernel receives with an id counts as a lookup.  A node that
		 * would need a slot of its own (a region) goes without one,
		 * and the kernel asks for it by name when it is used. */
		if (fuse_add_direntry_plus(f->req, NULL, 0, name, NULL, 0) > f->size - f->used ||
		    f->nids == f->maxids)
			return 1;
		f->rc = child ? ptv_node_id_no_intern(fs, child, &id) : 0;
		if (f->rc)
			return 1;
		if (id)
			f->ids[f->nids++] = id;
	}
	/* d_ino: the id, or what the node has now, or "unknown" (0 would
	 * read as a deleted entry to some programs). */
	uint64_t ino = id ? id : child ? ptv_node_ino(fs, child) : 0;
	fill_stat(f->dm, &st, a, ino ? ino : UNKNOWN_INO);
	if (!dir_put(f, name, &st, f->plus ? id : 0, (off_t)(cookie + 2))) {
		if (f->plus && id)
			ptv_forget(fs, f->ids[--f->nids], 1);
		return 1;
	}
	return 0;
}

static void reply_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      bool plus)
{
	struct daemon *dm = daemon_of(req);
	struct ptv_node n;
	int rc = ptv_node_from_id(dm->fs, ino, &n);
	if (!rc && off < 0)
		rc = -EINVAL;
	if (rc) {
		reply_rc(req, rc);
		return;
	}
	struct dir_fill f = { .req = req, .dm = dm, .plus = plus, .size = size,
			      .maxids = size / 128 + 4 };
	f.buf = malloc(size ? size : 1);
	f.ids = malloc(f.maxids * sizeof *f.ids);
	if (!f.buf || !f.ids) {
		rc = -ENOMEM;
	} else {
		mode_t dmode = kind_mode(PTV_DIR, dm->dump.st_mode);
		struct stat dot = { .st_ino = (ino_t)ino, .st_mode = dmode };
		struct stat dotdot = { .st_ino = (ino_t)UNKNOWN_INO, .st_mode = dmode };
		bool room = true;
		if (off < 1)
			room = dir_put(&f, ".", &dot, 0, 1);
		if (off < 2 && room)
			room = dir_put(&f, "..", &dotdot, 0, 2);
		if (room)
			rc = ptv_readdir_from(dm->fs, &n, off > 2 ? (uint64_t)off - 2 : 0,
					      dir_child, &f);
		if (!rc)
			rc = f.rc;
	}
	/* An error after some entries: send those (their references are
	 * taken); the next request starts at the failing one and gets it. */
	if (rc && f.used == 0)
		reply_rc(req, rc);
	else if (fuse_reply_buf(req, f.buf, f.used) != 0)
		for (size_t i = 0; i < f.nids; i++) /* the kernel never saw them */
			ptv_forget(dm->fs, f.ids[i], 1);
	free(f.buf);
	free(f.ids);
}

static void ll_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	(void)fi;
	reply_dir(req, ino, size, off, false);
}

static void ll_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			   struct fuse_file_info *fi)
{
	(void)fi;
	reply_dir(req, ino, size, off, true);
}

/* ---- files --------------------------------------------------------------------------- */

static void ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct daemon *dm = daemon_of(req);
	if ((fi->flags & O_ACCMODE) != O_RDONLY) {
		fuse_reply_err(req, EROFS);
		return;
	}
	struct ptv_node n;
	struct ptv_file *f;
	int rc = ptv_node_from_id(dm->fs, ino, &n);
	if (!rc)
		rc = ptv_file_open(dm->fs, &n, &f);
	if (rc) {
		reply_rc(req, rc);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)f;
	fi->keep_cache = 1;
	fi->noflush = 1;
	if (fuse_reply_open(req, fi) != 0) /* interrupted: no RELEASE will come */
		ptv_file_close(f);
}

static struct ptv_file *file_of(const struct fuse_file_info *fi)
{
	return (struct ptv_file *)(uintptr_t)fi->fh;
}

static void ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	(void)ino;
	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	char *buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	ssize_t n = ptv_file_read(file_of(fi), buf, size, (uint64_t)off);
	if (n < 0)
		reply_rc(req, (int)n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	free(buf);
}

/* The kernel asks only for SEEK_DATA and SEEK_HOLE (it does the others). */
static void ll_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		     struct fuse_file_info *fi)
{
	(void)ino;
	if ((whence != SEEK_DATA && whence != SEEK_HOLE) || off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	int64_t r = ptv_file_seek(file_of(fi), (uint64_t)off, whence == SEEK_DATA);
	if (r < 0)
		reply_rc(req, (int)r);
	else
		fuse_reply_lseek(req, (off_t)r);
}

static void ll_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	ptv_file_close(file_of(fi));
	fuse_reply_err(req, 0);
}

static void ll_statfs(fuse_req_t req, fuse_ino_t ino)
{
	(void)ino;
	const struct stat *d = &daemon_of(req)->dump;
	struct statvfs st = {
		.f_bsize = 4096,
		.f_frsize = 4096,
		.f_blocks = (fsblkcnt_t)((d->st_size + 4095) / 4096),
		.f_namemax = 255,
	};
	fuse_reply_statfs(req, &st);
}

/* ---- writes: a read-only filesystem ----------------------------------------------------
 * The mount is read-only (-o ro), so the kernel refuses these itself; the
 * answers say the same should one get through. */

static void ll_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	(void)ino, (void)attr, (void)to_set, (void)fi;
	fuse_reply_err(req, EROFS);
}

static void ll_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		     dev_t rdev)
{
	(void)parent, (void)name, (void)mode, (void)rdev;
	fuse_reply_err(req, EROFS);
}

static void ll_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	(void)parent, (void)name, (void)mode;
	fuse_reply_err(req, EROFS);
}

static void ll_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent, (void)name;
	fuse_reply_err(req, EROFS);
}

static void ll_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	(void)link, (void)parent, (void)name;
	fuse_reply_err(req, EROFS);
}

static void ll_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	(void)parent, (void)name, (void)newparent, (void)newname, (void)flags;
	fuse_reply_err(req, EROFS);
}

static void ll_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	(void)ino, (void)newparent, (void)newname;
	fuse_reply_err(req, EROFS);
}

static void ll_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		     off_t off, struct fuse_file_info *fi)
{
	(void)ino, (void)buf, (void)size, (void)off, (void)fi;
	fuse_reply_err(req, EROFS);
}

static void ll_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	(void)parent, (void)name, (void)mode, (void)fi;
	fuse_reply_err(req, EROFS);
}

static void ll_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	(void)ino, (void)name, (void)value, (void)size, (void)flags;
	fuse_reply_err(req, EROFS);
}

static void ll_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	(void)ino, (void)name;
	fuse_reply_err(req, EROFS);
}

static void ll_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
			 off_t length, struct fuse_file_info *fi)
{
	(void)ino, (void)mode, (void)offset, (void)length, (void)fi;
	fuse_reply_err(req, EROFS);
}

static const struct fuse_lowlevel_ops ops = {
	.init = ll_init,
	.lookup = ll_lookup,
	.forget = ll_forget,
	.forget_multi = ll_forget_multi,
	.getattr = ll_getattr,
	.readlink = ll_readlink,
	.opendir = ll_opendir,
	.readdir = ll_readdir,
	.readdirplus = ll_readdirplus,
	.open = ll_open,
	.read = ll_read,
	.lseek = ll_lseek,
	.release = ll_release,
	.statfs = ll_statfs,
	.setattr = ll_setattr,
	.mknod = ll_mknod,
	.mkdir = ll_mkdir,
	.unlink = ll_unlink,
	.rmdir = ll_unlink,
	.symlink = ll_symlink,
	.rename = ll_rename,
	.link = ll_link,
	.write = ll_write,
	.create = ll_create,
	.setxattr = ll_setxattr,
	.removexattr = ll_removexattr,
	.fallocate = ll_fallocate,
};

/* ---- the command line -------------------------------------------------------- */

struct options {
	struct ptv_options shared;   /* --mode, --os, --dirbase, --process,
				      * --phys-base, --no-scan */
	const char *dump;
	bool have_mountpoint;
	bool help;
	bool version;             /* --version */
	bool bad;
};

/* Take ptfs's own options out of argv; what is left (FUSE's options, the
 * dump and the mountpoint) goes to fuse_opt_parse.  Every option is one
 * of usage.c's table, so --help and the man page name each one; FUSE's
 * go on to libfuse as given.  Returns the new argc. */
static int take_options(int argc, char **argv, struct options *o)
{
	int out = 1;
	for (int i = 1; i < argc; i++) {
		struct ptw_error err;
		const struct ptv_option_doc *row;
		const char *value;
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		int from = i;
		int rc = ptv_take_option(&o->shared, PTV_PTFS, argc, argv, &i, &row,
					 &value, &err);
		if (rc < 0) {
			fprintf(stderr, "ptfs: %s\n", err.msg);
			o->bad = true;
		} else if (rc == 0) {
			argv[out++] = argv[i];
		} else if (row->opt == PTV_OPT_HELP) {
			o->help = true;
		} else if (row->opt == PTV_OPT_VERSION) {
			o->version = true;
		} else if (row->opt == PTV_OPT_FUSE) {
			while (from <= i)
				argv[out++] = argv[from++];
		}
	}
	argv[out] = NULL;
	return out;
}

/* FUSE's positional arguments: the dump (ours) and the mountpoint. */
static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *outargs)
{
	(void)outargs;
	struct options *o = data;
	if (key != FUSE_OPT_KEY_NONOPT)
		return 1;
	if (!o->dump) {
		o->dump = arg;
		return 0; /* ours, not FUSE's */
	}
	if (!o->have_mountpoint) {
		o->have_mountpoint = true;
		return 1; /* the mountpoint: FUSE's */
	}
	fprintf(stderr, "ptfs: unexpected argument '%s'\n", arg);
	o->bad = true;
	return 0;
}

/* The options come from usage.c's table, as the man page's. */
static void usage(FILE *f)
{
	fputs("usage: ptfs [options] DUMP MOUNTPOINT\n"
	      "\n"
	      "Mount a physical-memory dump (raw, ELF core, LiME, kdump-compressed,\n"
	      "Windows crash dump) read-only: every address space is a directory of\n"
	      "its page tables, with a vmem file.  Unmount with fusermount3 -u.\n"
	      "\n"
	      "Options:\n", f);
	ptv_print_options(f, PTV_PTFS);
}

/* Mount and serve until unmounted.  The exit statuses are fuse_main's,
 * which ptfs used before: 1 bad FUSE options, 3 no session, 4 the mount
 * failed, 5 daemonising failed, 6 no signal handlers, 7 the loop ended
 * with an error; 0 after an unmount or SIGTERM, SIGINT, SIGHUP. */
static int serve(struct fuse_args *args, struct daemon *dm)
{
	struct fuse_cmdline_opts co;
	if (fuse_parse_cmdline(args, &co) != 0)
		return 1;
	int rc = 0;
	struct fuse_session *se = NULL;
	if (co.show_version) {
		printf("FUSE library version %s\n", fuse_pkgversion());
		fuse_lowlevel_version();
		goto out;
	}
	rc = 3;
	se = fuse_session_new(args, &ops, sizeof ops, dm);
	if (!se)
		goto out;
	rc = 4;
	if (fuse_session_mount(se, co.mountpoint) != 0)
		goto out;
	rc = 5;
	if (fuse_daemonize(co.foreground) != 0)
		goto out_unmount;
	rc = 6;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_unmount;
	if (co.singlethread) {
		rc = fuse_session_loop(se);
	} else {
		struct fuse_loop_config *lc = fuse_loop_cfg_create();
		rc = -ENOMEM;
		if (lc) {
			fuse_loop_cfg_set_clone_fd(lc, (unsigned)co.clone_fd);
			fuse_loop_cfg_set_idle_threads(lc, co.max_idle_threads);
			fuse_loop_cfg_set_max_threads(lc, co.max_threads);
			rc = fuse_session_loop_mt(se, lc);
			fuse_loop_cfg_destroy(lc);
		}
	}
	/* libfuse's handlers end the loop on SIGTERM, SIGINT and SIGHUP and
	 * return the signal: a daemon told to stop stops cleanly, exit 0. */
	rc = rc == 0 || rc == SIGTERM || rc == SIGINT || rc == SIGHUP ||
	     rc == -SIGTERM || rc == -SIGINT || rc == -SIGHUP ? 0 : 7;
	fuse_remove_signal_handlers(se);
out_unmount:
	fuse_session_unmount(se);
out:
	if (se)
		fuse_session_destroy(se);
	free(co.mountpoint);
	return rc;
}

static int run(int argc, char **argv, struct options *o)
{
	argc = take_options(argc, argv, o);
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	int rc = 2;
	if (o->bad || fuse_opt_parse(&args, o, NULL, opt_proc) != 0 || o->bad)
		goto out;
	if (o->help) {
		usage(stdout);
		rc = 0;
		goto out;
	}
	if (o->version) {
		printf("ptfs %s (FUSE library %s)\n", PTFS_VERSION, fuse_pkgversion());
		rc = 0;
		goto out;
	}
	if (!o->dump || !o->have_mountpoint) {
		usage(stderr);
		goto out;
	}
	struct daemon dm = {0};
	rc = 1;
	if (stat(o->dump, &dm.dump) != 0) {
		fprintf(stderr, "ptfs: cannot open %s: %s\n", o->dump, strerror(errno));
		goto out;
	}
	struct ptv_config cfg = o->shared.config;
	cfg.dump_path = o->dump;
	progress_attach(&cfg.discover, "ptfs"); /* before the mount */
	struct ptw_error err;
	if (ptv_open(&cfg, &dm.fs, &err)) {
		fprintf(stderr, "ptfs: %s\n", err.msg);
		goto out;
	}
	/* libfuse 3.14 warns of an invalid thread count on every mount
	 * unless both thread limits are given. */
	fuse_opt_add_arg(&args, "-oro,fsname=ptfs,subtype=ptfs,default_permissions,"
				"max_threads=16,max_idle_threads=8");
	rc = serve(&args, &dm);
	ptv_close(dm.fs);
out:
	fuse_opt_free_args(&args);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {0};
	int rc = run(argc, argv, &o);
	ptv_options_free(&o.shared);
	return rc;
}
