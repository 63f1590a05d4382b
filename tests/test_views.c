/* test_views.c — the ptfs tree without FUSE: path resolution, canonical
 * names, listings, attributes, entry texts, on-demand DirBases, /proc. */
#include "testutil.h"

#include "ptview.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ptv_fs *open_fs(const char *scenario, const struct ptw_discover_opts *o)
{
	return open_view_fs(scenario, "view", o);
}

struct names {
	char text[4096];
};

static int add_name(void *ctx, const char *name, const struct ptv_attr *a)
{
	struct names *n = ctx;
	size_t len = strlen(n->text);
	snprintf(n->text + len, sizeof n->text - len, "%s%s%s", len ? " " : "", name,
		 a->kind == PTV_DIR ? "/" : a->kind == PTV_LINK ? "@" : "");
	return 0;
}

static const char *list(ptv_fs *fs, const char *path)
{
	static struct names n;
	struct ptv_node node;
	n.text[0] = '\0';
	int rc = ptv_lookup(fs, path, &node);
	if (rc)
		fail_msg("lookup %s: %d", path, rc);
	assert_int_equal(ptv_readdir(fs, &node, add_name, &n), 0);
	return n.text;
}

/* The whole content of a file. */
static char *cat(ptv_fs *fs, const char *path, size_t *len)
{
	struct ptv_node node;
	struct ptv_file *f;
	int rc = ptv_lookup(fs, path, &node);
	if (rc)
		fail_msg("lookup %s: %d", path, rc);
	assert_int_equal(ptv_file_open(fs, &node, &f), 0);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t got;
	while ((got = ptv_file_read(f, buf + n, cap - n, n)) > 0) {
		n += (size_t)got;
		if (n == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	assert_true(got == 0);
	ptv_file_close(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static ptv_fs *test_fs_current; /* for lookup_each */

static int lookup_rc(ptv_fs *fs, const char *path)
{
	struct ptv_node n;
	return ptv_lookup(fs, path, &n);
}

static void listings(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	assert_string_equal(list(fs, "/"), "info info.json phys dtb/ proc/ name/");
	assert_string_equal(list(fs, "/dtb"), "100000/ 10a000/ 10b000/ 118000/ 119000/");
	assert_string_equal(list(fs, "/dtb/10a000"),
			    "info info.json vmem maps ptov layout.svg pte/ vtop/ regions/ pml4/");
	assert_string_equal(list(fs, "/dtb/10a000/pml4"), "0/ 254/ 255/ 273/ 508/ 511/");
	assert_string_equal(list(fs, "/dtb/10a000/pml4/0"), "entry pdpt/");
	assert_string_equal(list(fs, "/dtb/10a000/pml4/0/pdpt"), "0/");
	assert_string_equal(list(fs, "/dtb/10a000/pml4/0/pdpt/0/pd"), "2/ 3/");
	assert_string_equal(list(fs, "/dtb/10a000/pml4/0/pdpt/0/pd/2/pt"), "0/ 1/");
	assert_string_equal(list(fs, "/dtb/10a000/pml4/0/pdpt/0/pd/2/pt/1"), "entry");
	/* a 2 MiB page: the entry, no table below */
	assert_string_equal(list(fs, "/dtb/10a000/pml4/254/pdpt/0/pd/0"), "entry");
	assert_string_equal(list(fs, "/proc"), "");
	ptv_close(fs);
}

static void canonical_names_only(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	assert_int_equal(lookup_rc(fs, "/dtb/10a000/pml4/0/pdpt/0/pd/2/pt/1/entry"), 0);
	assert_int_equal(lookup_rc(fs, "/dtb/10a000/pml4/1"), -ENOENT);    /* zero entry */
	assert_int_equal(lookup_rc(fs, "/dtb/10a000/pml4/00"), -ENOENT);   /* leading 0 */
	assert_int_equal(lookup_rc(fs, "/dtb/10a000/pml4/512"), -ENOENT);  /* no slot */
	assert_int_equal(lookup_rc(fs, "/dtb/10A000"), -ENOENT);           /* uppercase */
	assert_int_equal(lookup_rc(fs, "/dtb/0x10a000"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/dtb/010a000"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/dtb/10a000/pml4/0/pd"), -ENOENT); /* wrong level */
	assert_int_equal(lookup_rc(fs, "/dtb/10a000/pml4/254/pdpt/0/pd/0/pt"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/dtb/10a000/pdpt"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/nothing"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/info/x"), -ENOTDIR);
	assert_int_equal(lookup_rc(fs, "/dtb/10a000/vmem/x"), -ENOTDIR);
	/* any other top table inside the dump opens on demand, page-aligned */
	struct ptv_node n;
	assert_int_equal(ptv_lookup(fs, "/dtb/3000", &n), 0);
	assert_int_equal(n.type, PTV_SPACE);
	assert_int_equal(n.space.found, PTW_FOUND_ON_DEMAND);
	assert_string_equal(list(fs, "/dtb/3000/pml4"), "");
	assert_int_equal(lookup_rc(fs, "/dtb/3800"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/dtb/7000000"), -ENOENT);          /* past 8 MiB */
	ptv_close(fs);
}

static void entry_texts(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	char *t = cat(fs, "/dtb/10a000/pml4/0/entry", NULL);
	assert_text(t,
		    "level: PML4E\n"
		    "index: 0\n"
		    "table: 10a000\n"
		    "address: 10a000\n"
		    "contains: 800000000010c027\n"
		    "pfn: 10c\n"
		    "flags: ----A--UW-V\n"
		    "va: 0000000000000000-0000007fffffffff\n");
	free(t);
	t = cat(fs, "/dtb/10a000/pml4/254/pdpt/0/pd/0/entry", NULL);
	assert_text(t,
		    "level: PDE\n"
		    "index: 0\n"
		    "table: 111000\n"
		    "address: 111000\n"
		    "contains: 80000000004000e7\n"
		    "pfn: 400\n"
		    "flags: --LDA--UW-V\n"
		    "va: 00007f0000000000-00007f00001fffff\n"
		    "page: 2M\n");
	free(t);
	t = cat(fs, "/dtb/10a000/pml4/0/pdpt/0/pd/3/pt/3/entry", NULL);
	assert_text(t,
		    "level: PTE\n"
		    "index: 3\n"
		    "table: 10f000\n"
		    "address: 10f018\n"
		    "contains: 8000000000322867\n"
		    "pfn: 322\n"
		    "flags: ---DA--UW-V\n"
		    "software: soft-dirty\n"
		    "va: 0000000000603000-0000000000603fff\n"
		    "page: 4K\n");
	free(t);
	t = cat(fs, "/dtb/100000/pml4/273/pdpt/0/entry", NULL);
	assert_text(t,
		    "level: PDPTE\n"
		    "index: 0\n"
		    "table: 102000\n"
		    "address: 102000\n"
		    "contains: 80000000000001e3\n"
		    "pfn: 0\n"
		    "flags: -GLDA--KW-V\n"
		    "va: ffff888000000000-ffff88803fffffff\n"
		    "page: 1G\n");
	free(t);
	ptv_close(fs);
	/* a non-present, non-zero entry: a directory holding only its entry */
	fs = open_fs("windows-x64", NULL);
	const char *np = "/dtb/105000/pml4/255/pdpt/472/pd/145/pt/321";
	assert_string_equal(list(fs, np), "entry");
	t = cat(fs, "/dtb/105000/pml4/255/pdpt/472/pd/145/pt/321/entry", NULL);
	assert_text(t,
		    "level: PTE\n"
		    "index: 321\n"
		    "table: 10b000\n"
		    "address: 10ba08\n"
		    "contains: 0000def300002070\n"
		    "pfn: -\n"
		    "flags: ---DAN-KRE-\n"
		    "va: 00007ff612341000-00007ff612341fff\n"
		    "os: windows\n"
		    "PageFile:  2\n"
		    "Offset: def3\n"
		    "Protect: 3 - ExecuteRead\n");
	free(t);
	/* a transition PTE: its frame, and what Windows keeps in it */
	t = cat(fs, "/dtb/105000/pml4/255/pdpt/472/pd/145/pt/322/entry", NULL);
	assert_text(t,
		    "level: PTE\n"
		    "index: 322\n"
		    "table: 10b000\n"
		    "address: 10ba10\n"
		    "contains: 0000000000312892\n"
		    "pfn: 312\n"
		    "flags: -----N-KWE-\n"
		    "va: 00007ff612342000-00007ff612342fff\n"
		    "os: windows\n"
		    "Transition: 312\n"
		    "Protect: 4 - ReadWrite\n");
	free(t);
	ptv_close(fs);
	/* 32-bit entries print 8 digits and 9 flag columns */
	fs = open_fs("windows-x86", NULL);
	t = cat(fs, "/dtb/100000/pd/513/entry", NULL);
	assert_text(t,
		    "level: PDE\n"
		    "index: 513\n"
		    "table: 100000\n"
		    "address: 100804\n"
		    "contains: 004020e3\n"
		    "pfn: 100400\n"
		    "flags: -LDA--KWV\n"
		    "va: 80400000-807fffff\n"
		    "page: 4M\n");
	free(t);
	ptv_close(fs);
}

static void sizes_and_bytes(void **state)
{
	(void)state;
	ptv_fs *fs = open_fs("linux-x64", NULL);
	struct ptv_node n;
	struct ptv_attr a;
	assert_int_equal(ptv_lookup(fs, "/dtb/10a000/vmem", &n), 0);
	assert_int_equal(ptv_getattr(fs, &n, &a), 0);
	assert_int_equal(a.kind, PTV_FILE);
	assert_int_equal(a.size, 1ULL << 48);
	assert_int_equal(ptv_lookup(fs, "/phys", &n), 0);
	assert_int_equal(ptv_getattr(fs, &n, &a), 0);
	assert_int_equal(a.size, 0x800000);
	/* text files report their real size */
	size_t len;
	char *maps = cat(fs, "/dtb/10a000/maps", &len);
	assert_int_equal(ptv_lookup(fs, "/dtb/10a000/maps", &n), 0);
	assert_int_equal(ptv_getattr(fs, &n, &a), 0);
	assert_int_equal(a.size, len);
	assert_int_equal(len, 10 * 66);
	free(maps);
	char *info = cat(fs, "/dtb/10a000/info", &len);
	assert_text(info,
		    "dirbase: 10a000\n"
		    "mode: x64 (x86-64 4-level)\n"
		    "cid: -\n"
		    "parent: -\n"
		    "name: -\n"
		    "owner-from: -\n"
		    "found: scan: shares the kernel half, KPTI kernel copy, user copy at 10b000\n"
		    "kpti-user: 10b000\n"
		    "selfmap: none\n"
		    "pages-4k: 12\n"
		    "pages-2m: 2\n"
		    "pages-1g: 1\n"
		    "tables: 17\n"
		    "reserved-entries: 0\n"
		    "tables-outside-dump: 0\n"
		    "shared-tables: 0\n");
	free(info);
	/* directories count their subdirectories */
	assert_int_equal(ptv_lookup(fs, "/dtb/10a000/pml4", &n), 0);
	assert_int_equal(ptv_getattr(fs, &n, &a), 0);
	assert_int_equal(a.nlink, 2 + 6);
	/* vmem reads the marker at VA 0x600000; phys the same bytes at 0x320000 */
	struct ptv_file *f;
	char buf[64];
	assert_int_equal(ptv_lookup(fs, "/dtb/10a000/vmem", &n), 0);
	assert_int_equal(ptv_file_open(fs, &n, &f), 0);
	assert_int_equal(ptv_file_read(f, buf, 30, 0x600000), 30);
	assert_memory_equal(buf, "PTFS-SAMPLE alpha va=0x600000", 29);
	/* the upper half is folded: offset 0x888000000000 is ffff888000000000 */
	assert_int_equal(ptv_file_read(f, buf, 8, 0x888000000000ULL), 8);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(ptv_file_read(f, buf, 8, 1ULL << 48), 0);
	ptv_file_close(f);
	assert_int_equal(ptv_lookup(fs, "/phys", &n), 0);
	assert_int_equal(ptv_file_open(fs, &n, &f), 0);
	assert_int_equal(ptv_file_read(f, buf, 30, 0x320000), 30);
	assert_memory_equal(buf, "PTFS-SAMPLE alpha va=0x600000", 29);
	assert_int_equal(ptv_file_read(f, buf, 64, 0x800000 - 10), 10);
	ptv_file_close(f);
	ptv_close(fs);
}

static void shared_maps_text(void **state)
{
	(void)state;
	/* Two open maps files share the space's one text; both read it whole,
	 * in any order, and closing both frees it (ASan checks the rest). */
	ptv_fs *fs = open_fs("linux-x64", NULL);
	struct ptv_node n;
	struct ptv_file *a, *b;
	assert_int_equal(ptv_lookup(fs, "/dtb/10a000/maps", &n), 0);
	assert_int_equal(ptv_file_open(fs, &n, &a), 0);
	assert_int_equal(ptv_file_open(fs, &n, &b), 0);
	char x[660], y[660];
	assert_int_equal(ptv_file_read(b, y, sizeof y, 0), 660);
	assert_int_equal(ptv_file_read(a, x, 66, 66), 66);
	assert_memory_equal(x, y + 66, 66);
	ptv_file_close(b);
	assert_int_equal(ptv_file_read(a, x, sizeof x, 0), 660);
	assert_memory_equal(x, y, 660);
	ptv_file_close(a);
	/* and again after the last reader let it go */
	assert_int_equal(ptv_file_open(fs, &n, &a), 0);
	assert_int_equal(ptv_file_read(a, x, sizeof x, 0), 660);
	assert_memory_equal(x, y, 660);
	ptv_file_close(a);
	/* an on-demand space keeps its facts too: same answers twice */
	struct ptv_attr at1, at2;
	assert_int_equal(ptv_lookup(fs, "/dtb/3000/maps", &n), 0);
	assert_int_equal(ptv_getattr(fs, &n, &at1), 0);
	assert_int_equal(ptv_getattr(fs, &n, &at2), 0);
	assert_int_equal(at1.size, 0);
	assert_int_equal(at2.size, 0);
	ptv_close(fs);
}

static void proc_links(void **state)
{
	(void)state;
	struct ptw_process_spec procs[] = { { 42, 0x10a000, "alpha", -1, 0 },
					    { 7, 0x118000, "be/ta", -1, 0 } };
	struct ptw_discover_opts o = { .procs = procs, .nprocs = 2 };
	ptv_fs *fs = open_fs("linux-x64", &o);
	assert_string_equal(list(fs, "/proc"), "42@ 7@");
	struct ptv_node n;
	char target[64];
	assert_int_equal(ptv_lookup(fs, "/proc/42", &n), 0);
	assert_int_equal(ptv_readlink(fs, &n, target, sizeof target), 0);
	assert_string_equal(target, "../dtb/10a000");
	assert_int_equal(ptv_lookup(fs, "/proc/0x2a", &n), 0);
	assert_int_equal(ptv_readlink(fs, &n, target, sizeof target), 0);
	assert_string_equal(target, "../dtb/10a000");
	assert_int_equal(lookup_rc(fs, "/proc/042"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/proc/43"), -ENOENT);
	/* name/<name>-<cid> beside proc/<cid>; '/' in a name becomes '_' */
	assert_string_equal(list(fs, "/"), "info info.json phys dtb/ proc/ name/");
	assert_string_equal(list(fs, "/name"), "alpha-42@ be_ta-7@");
	assert_int_equal(ptv_lookup(fs, "/name/alpha-42", &n), 0);
	assert_int_equal(ptv_readlink(fs, &n, target, sizeof target), 0);
	assert_string_equal(target, "../proc/42");
	struct ptv_attr at;
	assert_int_equal(ptv_getattr(fs, &n, &at), 0);
	assert_int_equal(at.kind, PTV_LINK);
	assert_int_equal(at.size, strlen("../proc/42"));
	assert_int_equal(ptv_lookup(fs, "/name/be_ta-7", &n), 0);
	assert_int_equal(lookup_rc(fs, "/name/be/ta-7"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/name/alpha-43"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/name/beta-42"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/name/alpha-042"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/name/-42"), -ENOENT);
	assert_int_equal(lookup_rc(fs, "/name/alpha"), -ENOENT);
	char *info = cat(fs, "/dtb/118000/info", NULL);
	assert_non_null(strstr(info, "cid: 7\nparent: -\nname: be/ta\nowner-from: cmdline\n"));
	free(info);
	info = cat(fs, "/info", NULL);
	assert_non_null(strstr(info, "format: elf64\n"));
	assert_non_null(strstr(info, "paging-mode: x64 (x86-64 4-level)\n"));
	assert_non_null(strstr(info, "  0000000000000000-0000000000800000  8 MiB\n"));
	assert_non_null(strstr(info, "  cpu 0: cr0 80050033 cr3 10b000 cr4 6f0\n"));
	assert_non_null(strstr(info, "vmcoreinfo: 6.1.0-ptfs-sample\n"));
	assert_non_null(strstr(info, "address-spaces: 5\n"));
	assert_non_null(strstr(info, "  10a000  cid 42  parent -  name alpha  owner-from cmdline  found: command line, "
				     "scan: shares the kernel half, KPTI kernel copy, user copy at 10b000\n"));
	free(info);
	ptv_close(fs);
}

/* Tables that loop past the iteration's budgets: every entry of one page
 * points at the page itself, so all 2^48 bytes of VA map the page.  The
 * cut iteration must not make vmem claim a hole (SEEK_HOLE: none before
 * the end) or list a region a lookup then refuses. */
static int lookup_each(void *ctx, const char *name, const struct ptv_attr *a)
{
	(void)a;
	char path[128];
	snprintf(path, sizeof path, "%s/%s", (const char *)ctx, name);
	assert_int_equal(lookup_rc(test_fs_current, path), 0);
	return 0;
}

static void cut_walks_stay_consistent(void **state)
{
	(void)state;
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 64 * 1024, 0x1000);
	uint64_t t = gen_self_loop(&g);
	const char *path = test_path("fanout.raw");
	assert_int_equal(gen_write_raw(&g, path), 0);
	gen_free(&g);
	ptv_fs *fs = open_view_x64(path, t);
	char dir[64];
	snprintf(dir, sizeof dir, "/dtb/%llx/regions", (unsigned long long)t);
	struct ptv_node n;
	assert_int_equal(ptv_lookup(fs, dir, &n), 0);
	test_fs_current = fs;
	assert_int_equal(ptv_readdir(fs, &n, lookup_each, dir), 0);
	snprintf(dir, sizeof dir, "/dtb/%llx/vmem", (unsigned long long)t);
	assert_int_equal(ptv_lookup(fs, dir, &n), 0);
	struct ptv_file *f;
	assert_int_equal(ptv_file_open(fs, &n, &f), 0);
	assert_int_equal(ptv_file_seek(f, 0, true), 0);
	assert_int_equal(ptv_file_seek(f, 0, false), 1LL << 48);
	assert_int_equal(ptv_file_seek(f, 0x123456789000LL, false), 1LL << 48);
	ptv_file_close(f);
	ptv_close(fs);
}

/* Aliases of one layout: 20 copies of a page 64 KiB apart (as Linux's
 * ESPFIX maps one page 65536 times), then 3 copies of two pages 128 KiB
 * apart (too few: listed each), then 10 copies whose spacing breaks after
 * the ninth. */
static void repeats_are_one_file(void **state)
{
	(void)state;
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 1 << 20, 0x1000);
	uint64_t top = gen_page(&g), page = gen_page(&g), two = gen_page(&g);
	gen_page(&g);
	gen_fill_page(&g, page, "ALIAS");
	for (unsigned i = 0; i < 20; i++)
		gen_map(&g, top, 0x10000000 + i * 0x10000ULL, page, 0x1000, PTW_RW | PTW_US);
	for (unsigned i = 0; i < 3; i++)
		for (unsigned k = 0; k < 2; k++)
			gen_map(&g, top, 0x20000000 + i * 0x20000ULL + k * 0x1000, two + k * 0x1000,
				0x1000, PTW_RW | PTW_US);
	for (unsigned i = 0; i < 10; i++)
		gen_map(&g, top, 0x30000000 + i * 0x4000ULL + (i == 9 ? 0x1000 : 0), page,
			0x1000, PTW_RW | PTW_US);
	const char *path = test_path("repeats.raw");
	assert_int_equal(gen_write_raw(&g, path), 0);
	gen_free(&g);
	ptv_fs *fs = open_view_x64(path, top);
	char dir[64];
	snprintf(dir, sizeof dir, "/dtb/%llx/regions", (unsigned long long)top);
	assert_string_equal(list(fs, dir),
			    "0000000010000000-0000000010001000-x20-every-10000 "
			    "0000000020000000-0000000020002000 "
			    "0000000020020000-0000000020022000 "
			    "0000000020040000-0000000020042000 "
			    "0000000030000000-0000000030001000-x9-every-4000 "
			    "0000000030025000-0000000030026000");
	char p[160];
	snprintf(p, sizeof p, "%s/0000000010000000-0000000010001000-x20-every-10000", dir);
	size_t len;
	char *text = cat(fs, p, &len);
	assert_int_equal(len, 4096);
	assert_memory_equal(text, "ALIAS", 5);
	free(text);
	/* only the listed names resolve: not a copy, not another count */
	snprintf(p, sizeof p, "%s/0000000010010000-0000000010011000", dir);
	assert_int_equal(lookup_rc(fs, p), -ENOENT);
	snprintf(p, sizeof p, "%s/0000000010000000-0000000010001000", dir);
	assert_int_equal(lookup_rc(fs, p), -ENOENT);
	snprintf(p, sizeof p, "%s/0000000010000000-0000000010001000-x19-every-10000", dir);
	assert_int_equal(lookup_rc(fs, p), -ENOENT);
	snprintf(p, sizeof p, "%s/0000000030025000-0000000030026000", dir);
	assert_int_equal(lookup_rc(fs, p), 0);
	ptv_close(fs);
}

/* The JSON forms: /info.json and a space's info.json are the renderers'
 * output, whole, and sized as read; names are escaped byte by byte. */
static void json_forms(void **state)
{
	(void)state;
	struct ptw_process_spec procs[] = {
		{ 42, 0x10a000, "a\"\\\x01\xff\xc3\xa9\x7f", 7, 0 },
	};
	struct ptw_discover_opts o = { .procs = procs, .nprocs = 1 };
	ptv_fs *fs = open_fs("linux-x64", &o);
	struct ptv_text t = {0};
	assert_int_equal(ptv_render_info_json(fs, &t), 0);
	size_t len;
	char *got = cat(fs, "/info.json", &len);
	assert_int_equal(len, t.len);
	assert_memory_equal(got, t.p, len);
	struct ptv_node n;
	struct ptv_attr a;
	assert_int_equal(ptv_lookup(fs, "/info.json", &n), 0);
	assert_int_equal(n.type, PTV_INFO_JSON);
	assert_int_equal(ptv_getattr(fs, &n, &a), 0);
	assert_int_equal(a.size, len);
	free(got);
	ptv_text_free(&t);
	/* ps: a line per space; the name's bytes: ", \, a control byte, a
	 * lone 0xff, valid UTF-8 (U+00E9) kept, DEL escaped as a control */
	assert_int_equal(ptv_render_ps_json(ptv_spaces(fs), &t), 0);
	const char *line = strstr(t.p, "{\"dirbase\":\"0x10a000\"");
	assert_non_null(line);
	assert_memory_equal(line,
		"{\"dirbase\":\"0x10a000\",\"cid\":42,\"parent\":7,"
		"\"name\":\"a\\\"\\\\\\u0001\\u00ff\xc3\xa9\\u007f\",\"mode\":\"x64\",\"owner_from\":\"cmdline\",",
		strlen("{\"dirbase\":\"0x10a000\",\"cid\":42,\"parent\":7,"
		       "\"name\":\"a\\\"\\\\\\u0001\\u00ff\xc3\xa9\\u007f\",\"mode\":\"x64\",\"owner_from\":\"cmdline\","));
	size_t lines = 0;
	for (size_t i = 0; i < t.len; i++)
		lines += t.p[i] == '\n';
	assert_int_equal(lines, ptv_spaces(fs)->n);
	ptv_text_free(&t);
	/* a space's info.json: the cached text, sized as read */
	got = cat(fs, "/dtb/10a000/info.json", &len);
	assert_int_equal(ptv_lookup(fs, "/dtb/10a000/info.json", &n), 0);
	assert_int_equal(n.type, PTV_SPACE_INFO_JSON);
	assert_int_equal(ptv_getattr(fs, &n, &a), 0);
	assert_int_equal(a.size, len);
	assert_non_null(strstr(got, "\"pages\":{\"4k\":"));
	assert_true(len > 0 && got[len - 1] == '\n' && !memchr(got, '\n', len - 1));
	free(got);
	/* maps: the first run, exactly */
	struct ptw_space sp;
	struct ptw_error err;
	assert_int_equal(ptv_space_for(fs, 0x10a000, &sp, &err), 0);
	assert_int_equal(ptv_render_maps_json(&sp, &t), 0);
	assert_memory_equal(t.p, "{\"va_start\":\"0x400000\",\"va_end\":\"0x402000\",",
			    strlen("{\"va_start\":\"0x400000\",\"va_end\":\"0x402000\","));
	ptv_text_free(&t);
	/* a bad VA: -EINVAL and the reason as text, as the text form */
	assert_int_equal(ptv_render_pte_json(&sp, 0x8000000000000000ULL, &t), -EINVAL);
	assert_string_equal(t.p, "not a canonical address\n");
	ptv_text_free(&t);
	ptv_close(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(listings),
		cmocka_unit_test(canonical_names_only),
		cmocka_unit_test(entry_texts),
		cmocka_unit_test(sizes_and_bytes),
		cmocka_unit_test(shared_maps_text),
		cmocka_unit_test(proc_links),
		cmocka_unit_test(cut_walks_stay_consistent),
		cmocka_unit_test(repeats_are_one_file),
		cmocka_unit_test(json_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
