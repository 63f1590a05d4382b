/* ptwalk.c — ptfs's answers without a mount.
 *
 *   ptwalk [options] DUMP COMMAND [ARGS]
 *
 * The same walker, the same discovery and the same texts as the files of
 * the mount (ptview.h); only the way out differs.  Output to stdout,
 * errors to stderr with a non-zero exit.
 */
#include "progress.h"
#include "options.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The commands and options come from usage.c's tables, as the man page's. */
static void usage(FILE *f)
{
	fputs("usage: ptwalk [options] DUMP COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n", f);
	ptv_print_commands(f);
	fputs("Addresses are hex, with or without 0x, and may carry WinDbg's backtick\n"
	      "(fffff801`07401940).  pte uses --dirbase, else the CR3 the dump records\n"
	      "(the kernel copy of a KPTI pair), else the kernel's own table, else the\n"
	      "only address space.\n"
	      "\n"
	      "Options:\n", f);
	ptv_print_options(f, PTV_PTWALK);
}

#define PTE_RANGE_LIMIT 65536

struct cli {
	struct ptv_options options;
	bool all;
	bool json;   /* --json: the JSON forms (ptview.h) */
	const char *vm; /* --vm ID: the guest's tree instead of the host's */
	const char *dump;
	const char *cmd;
	char **args;
	int nargs;
	ptv_fs *fs;     /* the tree commands read: the host's or a guest's */
	ptv_fs *host;   /* with --vm: the host's, which owns fs */
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ptwalk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

static int put_text(struct ptv_text *t)
{
	int rc = t->oom ? fail("out of memory") : 0;
	if (!rc && t->len && fwrite(t->p, 1, t->len, stdout) != t->len)
		rc = fail("writing: %s", strerror(errno));
	ptv_text_free(t);
	return rc;
}

static bool parse_address(const char *text, uint64_t *v)
{
	struct ptw_error err;
	if (ptw_parse_hex(text, v, &err)) {
		fail("%s", err.msg);
		return false;
	}
	return true;
}

static bool parse_length(const char *text, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(text, &end, 0);
	if (errno || *end || !*text || text[0] == '-') {
		fail("'%s' is not a length", text);
		return false;
	}
	*v = n;
	return true;
}

/* The space a DIRBASE argument names: 0 for the default one. */
static bool space_arg(struct cli *c, const char *text, struct ptw_space *s)
{
	uint64_t dirbase;
	struct ptw_error err;
	char why[160];
	if (!parse_address(text, &dirbase))
		return false;
	int rc = dirbase ? ptv_space_for(c->fs, dirbase, s, &err)
			 : ptv_default_space(c->fs, s, why, sizeof why, &err);
	if (rc) {
		fail("%s", err.msg);
		return false;
	}
	if (!dirbase && ptv_spaces(c->fs)->n > 1)
		fprintf(stderr, "ptwalk: using DirBase %" PRIx64 " (%s)\n", s->dirbase, why);
	return true;
}

static int cmd_ps(struct cli *c)
{
	const struct ptw_spaces *sp = ptv_spaces(c->fs);
	struct ptv_text t = {0};
	if (c->json)
		ptv_render_ps_json(sp, &t);
	else
		ptv_render_ps(sp, &t);
	return put_text(&t);
}

static int cmd_pte(struct cli *c)
{
	if (c->nargs != 1 && c->nargs != 2)
		return fail("pte takes VA, or START END");
	struct ptw_space s;
	uint64_t va, end;
	struct ptw_error err;
	char why[160];
	if (!parse_address(c->args[0], &va) ||
	    (c->nargs == 2 && !parse_address(c->args[1], &end)))
		return 1;
	if (ptv_default_space(c->fs, &s, why, sizeof why, &err))
		return fail("%s", err.msg);
	/* Say which space, when ptwalk chose among several. */
	if (!c->options.config.discover.ndirbases && ptv_spaces(c->fs)->n > 1)
		fprintf(stderr, "ptwalk: using DirBase %" PRIx64 " (%s)\n", s.dirbase, why);
	struct ptv_text t = {0};
	/* WinDbg's `!pte ADDR 1`: the entry at a literal address.  Only 1
	 * (WinDbg takes any small number), so that no range is read as it. */
	uint64_t limit = c->all ? 0 : PTE_RANGE_LIMIT;
	int rc = c->nargs == 1 ? (c->json ? ptv_render_pte_json : ptv_render_pte)(&s, va, &t)
		 : end == 1    ? (c->json ? ptv_render_pte_literal_json
					  : ptv_render_pte_literal)(&s, va, &t)
		 : c->json     ? ptv_render_pte_range_json(&s, va, end, limit, &t)
			       : ptv_render_pte_range(&s, va, end, limit, &t);
	if (rc == -E2BIG) {
		ptv_text_free(&t);
		return fail("the range holds more than %d pages: narrow it, or add --all",
			    PTE_RANGE_LIMIT);
	}
	if (rc) { /* the text says why: to stderr, as an error */
		size_t n = t.len;
		while (n && t.p[n - 1] == '\n')
			n--;
		int r = c->nargs == 1
			? fail("%.*s: %s", (int)n, t.p ? t.p : "bad address", c->args[0])
			: fail("pte %s %s: %.*s", c->args[0], c->args[1], (int)n,
			       t.p ? t.p : "bad range");
		ptv_text_free(&t);
		return r;
	}
	return put_text(&t);
}

static int cmd_vtop(struct cli *c)
{
	struct ptw_space s;
	uint64_t va;
	if (c->nargs != 2)
		return fail("vtop takes DIRBASE VA");
	if (!space_arg(c, c->args[0], &s) || !parse_address(c->args[1], &va))
		return 1;
	struct ptv_text t = {0};
	if (!ptw_mode_va_valid(s.mode, va)) {
		ptv_text_free(&t);
		return fail("%s is not a %s address", c->args[1], s.mode->title);
	}
	if (c->json) { /* a failed walk is still a document; an error is text */
		int rc = ptv_render_vtop_json(&s, va, &t);
		if (rc && !t.oom) {
			int r = fail("vtop %s: %.*s", c->args[1],
				     (int)(t.len ? t.len - 1 : 0), t.p ? t.p : "");
			ptv_text_free(&t);
			return r;
		}
		return put_text(&t);
	}
	int rc = ptv_render_vtop(&s, va, &t);
	int out = put_text(&t);
	return rc ? 1 : out;
}

/* A whole text of one space (ptov, maps, layout): its text form, and its
 * JSON form where it has one. */
typedef int (*space_text_fn)(const struct ptw_space *s, struct ptv_text *t);

static int space_text(struct cli *c, const char *cmd, space_text_fn text,
		      space_text_fn json)
{
	struct ptw_space s;
	if (c->nargs != 1)
		return fail("%s takes DIRBASE", cmd);
	if (!space_arg(c, c->args[0], &s))
		return 1;
	struct ptv_text t = {0};
	if ((c->json ? json : text)(&s, &t))
		return fail("out of memory");
	return put_text(&t);
}

static int ptov_text(const struct ptw_space *s, struct ptv_text *t)
{
	return ptv_render_ptov(s, t, NULL);
}

static int maps_text(const struct ptw_space *s, struct ptv_text *t)
{
	return ptv_render_maps(s, t, NULL, NULL);
}

static int layout_text(const struct ptw_space *s, struct ptv_text *t)
{
	return ptv_render_layout(s, t, NULL);
}

static int cmd_ptov(struct cli *c)
{
	return space_text(c, "ptov", ptov_text, ptv_render_ptov_json);
}

static int cmd_maps(struct cli *c)
{
	return space_text(c, "maps", maps_text, ptv_render_maps_json);
}

static int cmd_layout(struct cli *c) /* no JSON form: commands[] refuses --json */
{
	return space_text(c, "layout", layout_text, NULL);
}

/* Stream len bytes to stdout from a reader of (addr, buf, n). */
static int stream(uint64_t addr, uint64_t len,
		  void (*get)(void *ctx, uint64_t a, void *buf, size_t n), void *ctx)
{
	static const size_t chunk = 1 << 20;
	char *buf = malloc(chunk);
	if (!buf)
		return fail("out of memory");
	int rc = 0;
	while (len && !rc) {
		size_t n = len < chunk ? (size_t)len : chunk;
		get(ctx, addr, buf, n);
		if (fwrite(buf, 1, n, stdout) != n)
			rc = fail("writing: %s", strerror(errno));
		addr += n;
		len -= n;
	}
	free(buf);
	return rc;
}

struct vctx {
	struct ptw_space s;
	struct ptw_tlb tlb;
};

static void get_virtual(void *ctx, uint64_t off, void *buf, size_t n)
{
	struct vctx *v = ctx;
	ptw_vread(&v->s, &v->tlb, ptw_mode_va_from_offset(v->s.mode, off), buf, n);
}

static void get_physical(void *ctx, uint64_t pa, void *buf, size_t n)
{
	ptw_phys_read(ctx, pa, buf, n);
}

static int cmd_read(struct cli *c)
{
	struct vctx v = {0};
	uint64_t va, len;
	if (c->nargs != 3)
		return fail("read takes DIRBASE VA LEN");
	if (!space_arg(c, c->args[0], &v.s) || !parse_address(c->args[1], &va) ||
	    !parse_length(c->args[2], &len))
		return 1;
	const struct ptw_mode *m = v.s.mode;
	if (!ptw_mode_va_valid(m, va))
		return fail("%s is not a %s address", c->args[1], m->title);
	/* as the vmem file reads: offsets with the upper half folded */
	uint64_t off = ptw_mode_offset_from_va(m, va), size = ptw_mode_va_size(m);
	if (len > size - off)
		return fail("%s bytes from %s run past the end of the address space",
			    c->args[2], c->args[1]);
	return stream(off, len, get_virtual, &v);
}

static int cmd_phys(struct cli *c)
{
	uint64_t pa, len;
	if (c->nargs != 2)
		return fail("phys takes PA LEN");
	if (!parse_address(c->args[0], &pa) || !parse_length(c->args[1], &len))
		return 1;
	if (pa + len < pa)
		return fail("%s bytes from %s wrap past 2^64", c->args[1], c->args[0]);
	return stream(pa, len, get_physical, (void *)ptv_dump(c->fs));
}

static int cmd_vms(struct cli *c)
{
	if (c->nargs)
		return fail("vms takes no arguments");
	struct ptv_text t = {0};
	if (c->json)
		ptv_render_vms_json(c->fs, &t);
	else
		ptv_render_vms(c->fs, &t);
	return put_text(&t);
}

static int cmd_info(struct cli *c)
{
	if (c->nargs)
		return fail("info takes no arguments");
	struct ptv_text t = {0};
	if (c->json)
		ptv_render_info_json(c->fs, &t);
	else
		ptv_render_info(c->fs, &t);
	return put_text(&t);
}

/* What runs each command of usage.c's ptv_command_table. */
static const struct {
	const char *name;
	int (*run)(struct cli *);
	bool json;   /* has a JSON form */
} commands[] = {
	{ "info", cmd_info, true }, { "ps", cmd_ps, true },     { "pte", cmd_pte, true },
	{ "vtop", cmd_vtop, true }, { "ptov", cmd_ptov, true }, { "maps", cmd_maps, true },
	{ "read", cmd_read, false }, { "phys", cmd_phys, false },
	{ "layout", cmd_layout, false }, { "vms", cmd_vms, true },
};

/* Options before DUMP, each one of usage.c's table. */
static int parse(struct cli *c, int argc, char **argv)
{
	int i = 1;
	for (; i < argc; i++) {
		struct ptw_error err;
		const struct ptv_option_doc *row;
		const char *value;
		int rc = ptv_take_option(&c->options, PTV_PTWALK, argc, argv, &i, &row,
					 &value, &err);
		if (rc < 0)
			return fail("%s", err.msg);
		if (rc == 0)
			break;
		switch (row->opt) {
		case PTV_OPT_HELP:
			usage(stdout);
			exit(0);
		case PTV_OPT_VERSION:
			printf("ptwalk %s\n", PTFS_VERSION);
			exit(0);
		case PTV_OPT_ALL:
			c->all = true;
			break;
		case PTV_OPT_JSON:
			c->json = true;
			break;
		case PTV_OPT_VM:
			c->vm = value;
			break;
		default: /* shared: taken into c->options */
			break;
		}
	}
	if (argc - i < 2) {
		usage(stderr);
		return 2;
	}
	c->dump = argv[i];
	c->cmd = argv[i + 1];
	c->args = argv + i + 2;
	c->nargs = argc - i - 2;
	return 0;
}

/* The dump's tree, or with --vm its guest's. */
static int open_tree(struct cli *c, const struct ptv_config *cfg)
{
	struct ptw_error err;
	uint64_t id = 0;
	if (c->vm && !parse_address(c->vm, &id))
		return 1;
	/* With --vm the options of discovery are the guest's: the host is
	 * discovered with the defaults (its scan finds the guests). */
	struct ptv_config host = *cfg;
	if (c->vm) {
		if (cfg->discover.no_scan)
			return fail("--vm needs the scan that finds guests: leave out --no-scan (it cannot apply to the guest alone)");
		host.discover = (struct ptw_discover_opts){
			.threads = cfg->discover.threads, .progress = cfg->discover.progress,
			.progress_ctx = cfg->discover.progress_ctx,
		};
	}
	if (ptv_open(&host, &c->fs, &err))
		return fail("%s", err.msg);
	if (!c->vm)
		return 0;
	c->host = c->fs;
	c->fs = ptv_vm(c->host, id, &cfg->discover, &err);
	if (!c->fs)
		return fail("--vm %s: %s", c->vm, err.msg);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	int rc = parse(&c, argc, argv);
	if (rc) {
		ptv_options_free(&c.options);
		return rc;
	}
	/* Only the commands of usage.c's table run, so --help and the man
	 * page name every one (man_test.sh checks each of them runs). */
	int (*run)(struct cli *) = NULL;
	bool json = false;
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (!strcmp(c.cmd, commands[k].name)) {
			run = commands[k].run;
			json = commands[k].json;
		}
	if (c.cmd[0] == '-') {
		rc = fail("'%s' after DUMP: options go before DUMP (ptwalk [options] DUMP COMMAND)",
			  c.cmd);
	} else if (!ptv_command_known(c.cmd)) {
		rc = fail("unknown command '%s' (see ptwalk --help)", c.cmd);
	} else if (!run) {
		rc = fail("command '%s' is documented but not built", c.cmd);
	} else if (c.json && !json) {
		rc = fail("%s has no --json form (only info, ps, vms, pte, vtop, ptov, maps)", c.cmd);
	} else {
		struct ptv_config cfg = c.options.config;
		cfg.dump_path = c.dump;
		progress_attach(&cfg.discover, "ptwalk");
		rc = open_tree(&c, &cfg);
		if (!rc)
			rc = run(&c);
	}
	if (fflush(stdout) != 0 && !rc)
		rc = fail("writing: %s", strerror(errno));
	ptv_close(c.host ? c.host : c.fs);
	ptv_options_free(&c.options);
	return rc;
}
