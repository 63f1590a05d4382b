/* fs/options.c — the command-line options ptfs and ptwalk share, and the
 * parsing of every option: names are looked up in usage.c's table, the one
 * --help and the man pages print, so no option is taken that they do not
 * name.  The switch in ptv_take_option has a case per enum ptv_opt and no
 * default, so an option added to the table without one does not compile. */
#include "options.h"

#include "base/base.h"   /* ptw_fail */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A listing is a few hundred bytes per process: 64 MiB is far beyond any. */
#define LISTING_FILE_MAX (64u << 20)

/* The whole of f (growing as it reads: FILE may be a pipe), at most
 * LISTING_FILE_MAX bytes; NULL with err filled otherwise. */
static char *read_small_file(FILE *f, const char *path, size_t *len,
			     struct ptw_error *err)
{
	size_t cap = 0, n = 0;
	char *text = NULL;
	for (;;) {
		if (n == cap) {
			if (cap == LISTING_FILE_MAX) {
				ptw_fail(err, PTW_ERR_INVALID,
					 "--processes: %.200s is larger than 64 MiB: not a process listing",
					 path);
				break;
			}
			cap = cap ? 2 * cap : 65536;
			char *t = realloc(text, cap);
			if (!t) {
				ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
				break;
			}
			text = t;
		}
		size_t got = fread(text + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (!ferror(f)) {
				*len = n;
				return text;
			}
			ptw_fail(err, PTW_ERR_IO, "--processes: %.200s: read error", path);
			break;
		}
	}
	free(text);
	return NULL;
}

/* --processes FILE: read it (it is small text) and parse it. */
static int take_listing(struct ptv_options *o, const char *path,
			struct ptw_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		char e[128];
		ptw_fail(err, PTW_ERR_IO, "--processes: cannot open %.200s: %s", path,
			 strerror_r(errno, e, sizeof e));
		return -1;
	}
	size_t n;
	char *text = read_small_file(f, path, &n, err);
	fclose(f);
	if (!text)
		return -1;
	struct ptw_process_spec *v;
	size_t nv;
	struct ptw_error e;
	int rc = ptw_parse_process_listing(text, n, &v, &nv, &e);
	free(text);
	if (rc) {
		ptw_fail(err, e.code, "--processes %.100s: %.150s", path, e.msg);
		return -1;
	}
	free(o->listing);
	o->listing = v;
	o->config.discover.listing = v;
	o->config.discover.nlisting = nv;
	return 1;
}

/* --phys-base ADDR: hex; whether it fits the dump is the dump's to say
 * (ptw_dump_open_with), once its format and size are known. */
static int take_phys_base(struct ptv_options *o, const char *v,
			  struct ptw_error *err)
{
	struct ptw_error e;
	if (ptw_parse_hex(v, &o->config.dump.phys_base, &e)) {
		ptw_fail(err, PTW_ERR_INVALID, "--phys-base: %.200s", e.msg);
		return -1;
	}
	return 1;
}

static void *grow(void *v, size_t n, size_t size)
{
	return realloc(v, (n + 1) * size);
}

static int take_mode(struct ptv_options *o, const char *v, struct ptw_error *err)
{
	const struct ptw_mode *m = ptw_mode_find(v);
	if (!m) {
		ptw_fail(err, PTW_ERR_INVALID,
			 "unknown --mode '%s' (x86, pae, x64, la57, arm64-<4k|16k|64k>-<36..52>)", v);
		return -1;
	}
	o->config.discover.mode = m;
	return 1;
}

static int take_os(struct ptv_options *o, const char *v, struct ptw_error *err)
{
	struct ptw_discover_opts *d = &o->config.discover;
	d->os = ptw_os_find(v);
	if (d->os == PTW_OS_UNKNOWN) {
		ptw_fail(err, PTW_ERR_INVALID, "unknown --os '%s' (windows, linux)", v);
		return -1;
	}
	return 1;
}

static int take_dirbase(struct ptv_options *o, const char *v, struct ptw_error *err)
{
	struct ptw_discover_opts *d = &o->config.discover;
	uint64_t *p = grow(o->dirbases, d->ndirbases, sizeof *p);
	if (!p) {
		ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
		return -1;
	}
	o->dirbases = p;
	d->dirbases = p;
	if (ptw_parse_hex(v, &p[d->ndirbases], err)) {
		char msg[sizeof err->msg];
		memcpy(msg, err->msg, sizeof msg);
		ptw_fail(err, PTW_ERR_INVALID, "--dirbase: %.200s", msg);
		return -1;
	}
	d->ndirbases++;
	return 1;
}

static int take_process(struct ptv_options *o, const char *v, struct ptw_error *err)
{
	struct ptw_discover_opts *d = &o->config.discover;
	struct ptw_process_spec *p = grow(o->procs, d->nprocs, sizeof *p);
	if (!p) {
		ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
		return -1;
	}
	o->procs = p;
	d->procs = p;
	if (ptw_parse_process_spec(v, &p[d->nprocs], err))
		return -1;
	d->nprocs++;
	return 1;
}

/* The row of the option argv[*i] names, its value in *value (moving *i
 * past a value given as the next argument); NULL with err filled if it
 * is none of tool's options or lacks its value.  A long option's value
 * is "--name VALUE" or "--name=VALUE", a short one's "-o VALUE" or
 * "-oVALUE", as getopt and libfuse take them. */
static const struct ptv_option_doc *lookup(unsigned tool, int argc, char **argv,
					   int *i, const char **value,
					   struct ptw_error *err)
{
	const char *a = argv[*i];
	const struct ptv_option_doc *row;
	*value = NULL;
	if (a[1] == '-') {
		size_t n = strcspn(a, "=");
		row = ptv_option_find(tool, a, n);
		if (row && a[n] == '=') {
			if (!row->arg) {
				ptw_fail(err, PTW_ERR_INVALID, "%.100s takes no value", row->name);
				return NULL;
			}
			*value = a + n + 1;
		}
	} else {
		row = ptv_option_find(tool, a, strlen(a));
		if (!row && a[2]) {
			row = ptv_option_find(tool, a, 2);
			if (row && !row->arg)
				row = NULL;
			*value = a + 2;
		}
	}
	if (!row) {
		ptw_fail(err, PTW_ERR_INVALID, "unknown option '%.100s' (see %s --help)", a,
			 tool == PTV_PTFS ? "ptfs" : "ptwalk");
		return NULL;
	}
	if (row->arg && !*value) {
		if (*i + 1 >= argc) {
			ptw_fail(err, PTW_ERR_INVALID, "%.100s needs a value", a);
			return NULL;
		}
		*value = argv[++*i];
	}
	return row;
}

int ptv_take_option(struct ptv_options *o, unsigned tool, int argc, char **argv,
		    int *i, const struct ptv_option_doc **row, const char **value,
		    struct ptw_error *err)
{
	const char *a = argv[*i];
	if (a[0] != '-' || a[1] == '\0')
		return 0;
	const struct ptv_option_doc *r = lookup(tool, argc, argv, i, value, err);
	if (!r)
		return -1;
	*row = r;
	struct ptw_discover_opts *d = &o->config.discover;
	switch (r->opt) {
	case PTV_OPT_MODE:
		return take_mode(o, *value, err);
	case PTV_OPT_OS:
		return take_os(o, *value, err);
	case PTV_OPT_DIRBASE:
		return take_dirbase(o, *value, err);
	case PTV_OPT_PROCESS:
		return take_process(o, *value, err);
	case PTV_OPT_PROCESSES:
		return take_listing(o, *value, err);
	case PTV_OPT_NO_KERNEL_DATA:
		d->no_kernel_data = true;
		return 1;
	case PTV_OPT_NO_SCAN:
		d->no_scan = true;
		return 1;
	case PTV_OPT_PHYS_BASE:
		return take_phys_base(o, *value, err);
	case PTV_OPT_ALL:
	case PTV_OPT_JSON:
	case PTV_OPT_VM:
	case PTV_OPT_FUSE:
	case PTV_OPT_VERSION:
	case PTV_OPT_HELP:
		return 1; /* the front end's to act on */
	}
	return 1;
}

void ptv_options_free(struct ptv_options *o)
{
	free(o->dirbases);
	free(o->procs);
	free(o->listing);
	memset(o, 0, sizeof *o);
}
