/* fs/options.c — the command-line options ptfs and ptwalk share. */
#include "options.h"

#include "base/base.h"   /* ptw_fail */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char ptv_options_help[] =
	"  --mode MODE                   paging mode: x86, pae, x64, la57,\n"
	"                                arm64-<4k|16k|64k>-<VA bits 36..52>\n"
	"                                (default: from the dump)\n"
	"  --os windows|linux            whose tables, for non-present entries\n"
	"                                (default: from the dump)\n"
	"  --dirbase HEX                 add an address space (repeatable)\n"
	"  --process CID:DIRBASE[:NAME]  add a named process (repeatable)\n"
	"  --processes FILE              name processes from the text of WinDbg's\n"
	"                                !process 0 0 (Cid, ParentCid, DirBase, Image)\n"
	"  --no-kernel-data              do not read process lists from kernel memory\n"
	"  --no-scan                     do not scan memory for page tables\n"
	"  --phys-base ADDR              raw image whose first byte is physical address\n"
	"                                ADDR, hex (arm64 RAM often starts at 0x40000000\n"
	"                                or 0x80000000)\n";

/* The value of option `name` at argv[*i] ("--name v" or "--name=v"), or
 * NULL if argv[*i] is not it.  *missing when the value is absent. */
static const char *value_of(int argc, char **argv, int *i, const char *name,
			    bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

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

int ptv_take_option(struct ptv_options *o, int argc, char **argv, int *i,
		    struct ptw_error *err)
{
	struct ptw_discover_opts *d = &o->config.discover;
	bool missing = false;
	const char *v;
	if (!strcmp(argv[*i], "--no-scan")) {
		d->no_scan = true;
		return 1;
	}
	if (!strcmp(argv[*i], "--no-kernel-data")) {
		d->no_kernel_data = true;
		return 1;
	}
	if ((v = value_of(argc, argv, i, "--processes", &missing)))
		return take_listing(o, v, err);
	if ((v = value_of(argc, argv, i, "--mode", &missing))) {
		const struct ptw_mode *m = ptw_mode_find(v);
		if (!m) {
			ptw_fail(err, PTW_ERR_INVALID,
				 "unknown --mode '%s' (x86, pae, x64, la57, arm64-<4k|16k|64k>-<36..52>)", v);
			return -1;
		}
		d->mode = m;
		return 1;
	}
	if ((v = value_of(argc, argv, i, "--os", &missing))) {
		d->os = ptw_os_find(v);
		if (d->os == PTW_OS_UNKNOWN) {
			ptw_fail(err, PTW_ERR_INVALID,
				 "unknown --os '%s' (windows, linux)", v);
			return -1;
		}
		return 1;
	}
	if ((v = value_of(argc, argv, i, "--dirbase", &missing))) {
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
	if ((v = value_of(argc, argv, i, "--phys-base", &missing)))
		return take_phys_base(o, v, err);
	if ((v = value_of(argc, argv, i, "--process", &missing))) {
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
	if (missing) {
		ptw_fail(err, PTW_ERR_INVALID, "%s needs a value", argv[*i]);
		return -1;
	}
	return 0;
}

void ptv_options_free(struct ptv_options *o)
{
	free(o->dirbases);
	free(o->procs);
	free(o->listing);
	memset(o, 0, sizeof *o);
}
