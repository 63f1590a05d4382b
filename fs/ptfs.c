/* ptfs.c — mount a physical-memory dump as a read-only filesystem.
 *
 *   ptfs [--mode M] [--dirbase HEX]... [--process CID:DIRBASE[:NAME]]...
 *        [--no-scan] [FUSE options] DUMP MOUNTPOINT
 *
 * This file only maps FUSE callbacks to the views of ptview.h: a path to a
 * node, a node to attributes, a listing or bytes.  Everything about dumps
 * and page tables lives in walker/.
 */
#define FUSE_USE_VERSION 314

#include "progress.h"
#include "ptview.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The dump never changes: let the kernel keep names, attributes and pages
 * for as long as it likes. */
#define FOREVER 1e9

/* What the callbacks share: the views and the dump file's own stat, whose
 * owner and times stand for every node's. */
struct daemon {
	ptv_fs *fs;
	struct stat dump;
};

static struct daemon *daemon_of(void)
{
	return fuse_get_context()->private_data;
}

static ptv_fs *session(void)
{
	return daemon_of()->fs;
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

static void *ptfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->entry_timeout = FOREVER;
	cfg->attr_timeout = FOREVER;
	cfg->negative_timeout = FOREVER;
	cfg->kernel_cache = 1;
	return daemon_of();
}

static void fill_stat(struct stat *st, const struct ptv_attr *a)
{
	const struct stat *d = &daemon_of()->dump;
	memset(st, 0, sizeof *st);
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

static int ptfs_getattr(const char *path, struct stat *st,
			struct fuse_file_info *fi)
{
	(void)fi;
	struct ptv_node n;
	struct ptv_attr a;
	int rc = ptv_lookup(session(), path, &n);
	if (!rc)
		rc = ptv_getattr(session(), &n, &a);
	if (!rc)
		fill_stat(st, &a);
	return rc;
}

static int ptfs_opendir(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	/* Listings never change: let the kernel keep them. */
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	return 0;
}

struct fill_ctx {
	void *buf;
	fuse_fill_dir_t filler;
	bool plus;               /* readdirplus: hand the kernel attributes too */
};

static int fill_one(void *ctx, const char *name, const struct ptv_attr *a)
{
	struct fill_ctx *c = ctx;
	struct stat st;
	fill_stat(&st, a);
	return c->filler(c->buf, name, &st, 0, c->plus ? FUSE_FILL_DIR_PLUS : 0);
}

static int ptfs_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
			off_t off, struct fuse_file_info *fi,
			enum fuse_readdir_flags flags)
{
	(void)off, (void)fi;
	struct ptv_node n;
	int rc = ptv_lookup(session(), path, &n);
	if (rc)
		return rc;
	struct fill_ctx c = { buf, filler, (flags & FUSE_READDIR_PLUS) != 0 };
	struct stat dot = { .st_mode = kind_mode(PTV_DIR, daemon_of()->dump.st_mode) };
	if (filler(buf, ".", &dot, 0, 0) || filler(buf, "..", &dot, 0, 0))
		return 0;
	return ptv_readdir(session(), &n, fill_one, &c);
}

static int ptfs_readlink(const char *path, char *buf, size_t size)
{
	struct ptv_node n;
	int rc = ptv_lookup(session(), path, &n);
	return rc ? rc : ptv_readlink(session(), &n, buf, size);
}

static int ptfs_open(const char *path, struct fuse_file_info *fi)
{
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	struct ptv_node n;
	struct ptv_file *f;
	int rc = ptv_lookup(session(), path, &n);
	if (!rc)
		rc = ptv_file_open(session(), &n, &f);
	if (rc)
		return rc;
	fi->fh = (uint64_t)(uintptr_t)f;
	fi->keep_cache = 1;
	return 0;
}

static int ptfs_read(const char *path, char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	(void)path;
	if (off < 0)
		return -EINVAL;
	ssize_t n = ptv_file_read((struct ptv_file *)(uintptr_t)fi->fh, buf, size,
				  (uint64_t)off);
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* The kernel asks only for SEEK_DATA and SEEK_HOLE (it does the others). */
static off_t ptfs_lseek(const char *path, off_t off, int whence,
			struct fuse_file_info *fi)
{
	(void)path;
	if ((whence != SEEK_DATA && whence != SEEK_HOLE) || off < 0 || !fi)
		return -EINVAL;
	int64_t r = ptv_file_seek((struct ptv_file *)(uintptr_t)fi->fh, (uint64_t)off,
				  whence == SEEK_DATA);
	return (off_t)r;
}

static int ptfs_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	ptv_file_close((struct ptv_file *)(uintptr_t)fi->fh);
	return 0;
}

static const struct fuse_operations ops = {
	.init = ptfs_init,
	.getattr = ptfs_getattr,
	.opendir = ptfs_opendir,
	.readdir = ptfs_readdir,
	.readlink = ptfs_readlink,
	.open = ptfs_open,
	.read = ptfs_read,
	.lseek = ptfs_lseek,
	.release = ptfs_release,
};

/* ---- the command line -------------------------------------------------------- */

struct options {
	struct ptv_options shared;   /* --mode, --os, --dirbase, --process, --no-scan */
	const char *dump;
	bool have_mountpoint;
	bool help;
	bool bad;
};

/* Take ptfs's own options out of argv; what is left (FUSE's options, the
 * dump and the mountpoint) goes to fuse_opt_parse.  Returns the new argc. */
static int take_options(int argc, char **argv, struct options *o)
{
	int out = 1;
	for (int i = 1; i < argc; i++) {
		struct ptw_error err;
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			o->help = true;
			continue;
		}
		int rc = ptv_take_option(&o->shared, argc, argv, &i, &err);
		if (rc < 0) {
			fprintf(stderr, "ptfs: %s\n", err.msg);
			o->bad = true;
		} else if (rc == 0) {
			argv[out++] = argv[i];
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

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ptfs [options] DUMP MOUNTPOINT\n"
		"\n"
		"Mount a physical-memory dump (raw or ELF core) read-only: every\n"
		"address space is a directory of its page tables, with a vmem file.\n"
		"\n"
		"%s"
		"  -f                            stay in the foreground\n"
		"  -o OPT[,OPT...]               FUSE mount options\n"
		"  -h, --help                    this text\n",
		ptv_options_help);
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
	if (!o->dump || !o->have_mountpoint) {
		usage(stderr);
		goto out;
	}
	struct daemon dm;
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
	/* libfuse 3.14's fuse_main warns of an invalid thread count on every
	 * mount unless both thread limits are given. */
	fuse_opt_add_arg(&args, "-oro,fsname=ptfs,subtype=ptfs,default_permissions,"
				"max_threads=16,max_idle_threads=8");
	rc = fuse_main(args.argc, args.argv, &ops, &dm);
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
