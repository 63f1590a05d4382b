/* test_layout.c — layout.svg's bounds and texts over synthetic tables: many
 * runs of alternating classes and many separated stretches still give a
 * bounded picture; measuring gives the rendered length; owners' names are
 * escaped (valid UTF-8 kept); an unknown OS gets no labels; each rights
 * class its colour; no rectangle runs past its bar.  The renderer's own
 * steps are tested too, on crafted runs and header values: the source is
 * included (its statics are reachable; the library's copy of
 * ptv_render_layout is then never linked in), so each part that takes
 * untrusted values is tested alone. */
#include "view/layout.c"

#include "testutil.h"

#include "ptview.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t count_of(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Rectangles that draw runs: those filled with a class's colour or its
 * stripes, less the legend's (8 classes and the stripes' sample). */
static size_t run_rects(const char *svg)
{
	static const char *const fills[] = {
		"#0072b2\"/>", "#009e73\"/>", "#e69f00\"/>", "#d55e00\"/>",
		"#80b9d9\"/>", "#80cfb9\"/>", "#f3cf80\"/>", "#eaaf80\"/>",
	};
	size_t n = count_of(svg, "fill=\"url(#sparse");
	for (size_t i = 0; i < 8; i++)
		n += count_of(svg, fills[i]);
	return n - 8 - 1 - 8; /* legend swatches, stripes sample, pattern stripes */
}

struct built {
	struct gen g;
	ptw_dump *d;
	struct ptw_space s;
};

#define USER_PAGES 30000
#define SPARSE_PAGES 3000
#define STRETCHES 40

/* A user half of 30 000 pages whose rights change every page (user R, RW,
 * RX, RWX in turn: every page its own run), a kernel stretch of 3000
 * pages 64 KiB apart (ESPFIX-like), and 40 single kernel pages 1 GiB
 * apart (more rows than a half may have). */
static void build(struct built *b)
{
	struct gen *g = &b->g;
	gen_init(g, PTW_MODE_X64, 8ULL << 20, 0x1000);
	uint64_t top = gen_page(g), data = gen_page(g);
	static const uint64_t rights[4] = {
		PTW_US | PTW_XD, PTW_US | PTW_RW | PTW_XD, PTW_US, PTW_US | PTW_RW,
	};
	for (uint64_t i = 0; i < USER_PAGES; i++)
		gen_map(g, top, 0x10000000ULL + i * 4096, data, 4096, rights[i % 4]);
	for (uint64_t i = 0; i < SPARSE_PAGES; i++)
		gen_map(g, top, 0xffffff0000000000ULL + i * 0x10000, data, 4096, PTW_XD);
	for (uint64_t i = 0; i < STRETCHES; i++)
		gen_map(g, top, 0xffffc00000000000ULL + (i << 30), data, 4096, PTW_RW | PTW_XD);
	assert_int_equal(ptw_dump_open_memory(g->mem, g->size, &b->d, NULL), 0);
	assert_int_equal(ptw_space_init(&b->s, b->d, ptw_mode_get(PTW_MODE_X64), top, NULL), 0);
}

static void unbuild(struct built *b)
{
	ptw_dump_close(b->d);
	gen_free(&b->g);
}

/* Every rectangle drawn on a bar (the lines after its background up to
 * the next that is no <rect>) lies within it.  The file has one decimal:
 * x and width each rounded, so 0.1 px of slack for the rounding (the
 * overrun this guards against was up to 1.5 px). */
static void rects_within_bars(const char *svg)
{
	size_t bars = 0;
	for (const char *p = strstr(svg, "class=\"bg\"/>\n"); p;
	     p = strstr(p, "class=\"bg\"/>\n")) {
		const char *line = p;
		while (line > svg && line[-1] != '\n')
			line--;
		double bx, by, bw;
		int bh;
		assert_int_equal(sscanf(line, "<rect x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%d\"",
					&bx, &by, &bw, &bh), 4);
		p = strchr(p, '\n') + 1;
		for (; !strncmp(p, "<rect x=", 8); p = strchr(p, '\n') + 1) {
			double x, y, w, h;
			assert_int_equal(sscanf(p, "<rect x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\"",
						&x, &y, &w, &h), 4);
			if (x < bx - 0.051 || x + w > bx + bw + 0.101 || w < 0.95)
				fail_msg("rect at x %.1f width %.1f outside its bar at x %.1f "
					 "width %.1f (y %.1f)", x, w, bx, bw, by);
		}
		bars++;
	}
	assert_true(bars > 0);
}

static char *render_svg(const struct ptw_space *s)
{
	struct ptv_text t = {0};
	uint64_t len = 0, measured = 0;
	assert_int_equal(ptv_render_layout(s, &t, &len), 0);
	assert_int_equal(len, t.len);
	/* measuring alone gives the same length: the file's size in stat */
	assert_int_equal(ptv_render_layout(s, NULL, &measured), 0);
	assert_int_equal(measured, len);
	char *out = strndup(t.p, t.len);
	ptv_text_free(&t);
	rects_within_bars(out);
	return out;
}

static void many_runs_bounded(void **state)
{
	(void)state;
	struct built b;
	build(&b);
	char *svg = render_svg(&b.s);
	/* 33 040 runs, a small picture */
	assert_true(strlen(svg) < 300 * 1024);
	assert_true(run_rects(svg) <= 3000);
	assert_true(run_rects(svg) > 18);
	assert_int_equal(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44), 0);
	assert_string_equal(svg + strlen(svg) - 7, "</svg>\n");
	/* rows: the user stretch is one; the kernel's 41 stretches are cut
	 * to at most 18 rows, the smallest gaps joining them */
	assert_int_equal(count_of(svg, "class=\"bg\""), 1 + 18);
	assert_int_equal(count_of(svg, "lower half (user)"), 1);
	assert_int_equal(count_of(svg, "upper half (kernel)"), 1);
	/* the kernel's sparse stretch is striped */
	assert_true(count_of(svg, "fill=\"url(#sparse0)\"/>") >= 2);
	/* pages counted in the legend */
	char want[64];
	snprintf(want, sizeof want, "4K \xc3\x97 %d<", USER_PAGES + SPARSE_PAGES + STRETCHES);
	assert_non_null(strstr(svg, want));
	/* the same picture each time */
	char *again = render_svg(&b.s);
	assert_string_equal(svg, again);
	free(again);
	free(svg);
	unbuild(&b);
}

static void titles_and_labels(void **state)
{
	(void)state;
	struct built b;
	build(&b);
	/* an owner's name is any bytes: markup escaped, the rest as '?' */
	snprintf(b.s.name, sizeof b.s.name, "a<b&c\xff\"d");
	b.s.cid = 7;
	char *svg = render_svg(&b.s);
	char want[128];
	snprintf(want, sizeof want, "<title>Address space %" PRIx64 "</title>", b.s.dirbase);
	assert_non_null(strstr(svg, want));
	assert_non_null(strstr(svg, "owner: a&lt;b&amp;c?&quot;d (cid 7) \xc2\xb7 OS: unknown"));
	/* no OS: no region labelled, and the comment says why */
	assert_int_equal(count_of(svg, "class=\"rl\""), 0);
	assert_non_null(strstr(svg, "OS unknown: no regions labelled."));
	/* a comment never holds "--" */
	const char *c0 = strstr(svg, "<!--"), *c1 = strstr(svg, "-->");
	assert_true(c0 && c1 && c1 > c0);
	for (const char *p = c0 + 4; p < c1; p++)
		assert_false(p[0] == '-' && p[1] == '-');
	free(svg);
	/* Linux: the user half's stretch is the program, the kernel's
	 * 64 KiB-strided pages ESPFIX's */
	b.s.os = PTW_OS_LINUX;
	svg = render_svg(&b.s);
	assert_non_null(strstr(svg, ">user text</text>"));
	assert_non_null(strstr(svg, ">ESPFIX stacks</text>"));
	free(svg);
	unbuild(&b);
}

/* One page of each class, far apart (each a row of its own): each drawn in
 * its colour, below the legend's swatches. */
static void class_colours(void **state)
{
	(void)state;
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 1ULL << 20, 0x1000);
	uint64_t top = gen_page(&g), data = gen_page(&g);
	static const struct {
		uint64_t va, flags;
		const char *fill;
	} page[] = {
		{ 0x100000000ULL, PTW_US | PTW_XD, "#80b9d9" },
		{ 0x200000000ULL, PTW_US | PTW_RW | PTW_XD, "#80cfb9" },
		{ 0x300000000ULL, PTW_US, "#f3cf80" },
		{ 0x400000000ULL, PTW_US | PTW_RW, "#eaaf80" },
		{ 0xffff900000000000ULL, PTW_XD, "#0072b2" },
		{ 0xffffa00000000000ULL, PTW_RW | PTW_XD, "#009e73" },
		{ 0xffffb00000000000ULL, 0, "#e69f00" },
		{ 0xffffc00000000000ULL, PTW_RW, "#d55e00" },
	};
	for (size_t i = 0; i < 8; i++)
		gen_map(&g, top, page[i].va, data, 4096, page[i].flags);
	ptw_dump *d;
	struct ptw_space s;
	assert_int_equal(ptw_dump_open_memory(g.mem, g.size, &d, NULL), 0);
	assert_int_equal(ptw_space_init(&s, d, ptw_mode_get(PTW_MODE_X64), top, NULL), 0);
	char *svg = render_svg(&s);
	const char *body = strstr(svg, "</g>"); /* past the legend */
	assert_non_null(body);
	for (size_t i = 0; i < 8; i++) {
		char want[64];
		snprintf(want, sizeof want, "height=\"8\" fill=\"%s\"/>", page[i].fill);
		assert_int_equal(count_of(body, want), 1);
	}
	free(svg);
	ptw_dump_close(d);
	gen_free(&g);
}

/* Rows of two pages each, the second at the row's end a little less than
 * 16 MiB after the first: its pixel rounds to the bar's end (or past it),
 * and the 1 px minimum took it past the bar. */
static void rects_inside_bars(void **state)
{
	(void)state;
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 1ULL << 20, 0x1000);
	uint64_t top = gen_page(&g), data = gen_page(&g);
	for (uint64_t k = 0; k < 12; k++) {
		uint64_t va = 0x100000000ULL + (k << 30);
		gen_map(&g, top, va, data, 4096, PTW_US | PTW_XD);
		gen_map(&g, top, va + (15ULL << 20) - (k << 20) + k * 0x3000, data, 4096, PTW_US);
	}
	ptw_dump *d;
	struct ptw_space s;
	assert_int_equal(ptw_dump_open_memory(g.mem, g.size, &d, NULL), 0);
	assert_int_equal(ptw_space_init(&s, d, ptw_mode_get(PTW_MODE_X64), top, NULL), 0);
	char *svg = render_svg(&s); /* checks each bar's rectangles */
	assert_int_equal(count_of(svg, "class=\"bg\""), 12);
	/* each row's two pages two rectangles of their own colours (striped
	 * where a page is much less than its pixel) */
	assert_int_equal(count_of(svg, "height=\"8\" fill=\"url(#sparse4)\"/>") +
			 count_of(svg, "height=\"8\" fill=\"#80b9d9\"/>"), 12);
	assert_int_equal(count_of(svg, "height=\"8\" fill=\"url(#sparse6)\"/>") +
			 count_of(svg, "height=\"8\" fill=\"#f3cf80\"/>"), 12);
	free(svg);
	ptw_dump_close(d);
	gen_free(&g);
}

/* Names: valid UTF-8 passes (as the JSON keeps it), other bytes are '?'
 * each: an invalid byte, an overlong form, a cut sequence, U+FFFF (no
 * XML character), a control character. */
static void utf8_names(void **state)
{
	(void)state;
	struct built b;
	build(&b);
	snprintf(b.s.name, sizeof b.s.name, "caf\xc3\xa9 \xe2\x82\xac<\xff\xc0\xaf\xef\xbf\xbf\x01\xe2\x82");
	b.s.cid = 3;
	char *svg = render_svg(&b.s);
	assert_non_null(strstr(svg, "owner: caf\xc3\xa9 \xe2\x82\xac&lt;????????? (cid 3)"));
	free(svg);
	unbuild(&b);
}

static char *comment_of(const char *s)
{
	struct ptv_text t = {0};
	xml_comment(&t, s);
	assert_false(t.oom);
	char *out = strndup(t.p ? t.p : "", t.len);
	ptv_text_free(&t);
	return out;
}

/* A comment's text: markup characters as they are (legal there), "--"
 * and a final '-' broken up by a space, bytes outside UTF-8 as '?'. */
static void comment_text(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } c[] = {
		{ "a < b & c > \"d\"", "a < b & c > \"d\"" },
		{ "VA - PA", "VA - PA" },
		{ "a--b", "a- -b" },
		{ "---", "- - - " },
		{ "end-", "end- " },
		{ "x\xff\xc3\xa9-->", "x?\xc3\xa9- ->" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char *got = comment_of(c[i].in);
		assert_string_equal(got, c[i].out);
		free(got);
	}
}

/* A small Linux x86-64 space for feeding crafted runs to the region
 * finder: a dump of 8 MiB, no VMCOREINFO. */
struct crafted {
	struct gen g;
	ptw_dump *d;
	struct ptw_space s;
	struct layout L;
};

static void crafted_init(struct crafted *c)
{
	memset(c, 0, sizeof *c);
	gen_init(&c->g, PTW_MODE_X64, 8ULL << 20, 0x1000);
	uint64_t top = gen_page(&c->g);
	assert_int_equal(ptw_dump_open_memory(c->g.mem, c->g.size, &c->d, NULL), 0);
	assert_int_equal(ptw_space_init(&c->s, c->d, ptw_mode_get(PTW_MODE_X64), top, NULL), 0);
	c->s.os = PTW_OS_LINUX;
	c->L.s = &c->s;
	c->L.m = c->s.mode;
	c->L.c.m = c->s.mode;
	c->L.c.want_dmap = true;
}

static void crafted_run(struct crafted *c, uint64_t va, uint64_t pa, uint64_t size, uint64_t eff)
{
	struct ptw_run r = { .va = va, .size = size, .pa = pa, .page_size = size, .eff = eff | PTW_P };
	assert_int_equal(collect_run(&c->L.c, &r), 0);
}

static void crafted_free(struct crafted *c)
{
	free(c->L.c.v);
	ptw_dump_close(c->d);
	gen_free(&c->g);
}

static const struct region *region_named(const struct layout *L, const char *prefix)
{
	for (size_t i = 0; i < L->rg.n; i++)
		if (!strncmp(L->rg.v[i].name, prefix, strlen(prefix)))
			return &L->rg.v[i];
	return NULL;
}

/* The direct map's candidate that ends at 2^64 (a 1 GiB page at
 * ffffffffc0000000 for PA 20000000000: VA - PA is 1 GiB aligned and below
 * cpu_entry_area) is no direct map: before, its end rounded to 0, read as
 * the top of the space, and the vmalloc search from VA 0 labelled the
 * user half's first span "vmalloc". */
static void dmap_end_wraps(void **state)
{
	(void)state;
	struct crafted c;
	crafted_init(&c);
	crafted_run(&c, 0x400000, 0x100000, 0x1000, PTW_US);
	crafted_run(&c, 0x7ffff000, 0x101000, 0x1000, PTW_US | PTW_RW | PTW_XD);
	crafted_run(&c, 0xffffffffc0000000ULL, 0x20000000000ULL, GIB, PTW_RW | PTW_XD);
	layout_regions(&c.L);
	assert_int_equal(c.L.dmap_base, 0);
	assert_int_equal(c.L.dmap_end, 0);
	assert_null(region_named(&c.L, "direct map"));
	assert_null(region_named(&c.L, "vmalloc"));
	assert_null(region_named(&c.L, "vmemmap"));
	/* on the user half only the heuristics' labels of its two pages */
	size_t user = 0;
	for (size_t i = 0; i < c.L.rg.n; i++)
		user += c.L.rg.v[i].start < (1ULL << 47);
	assert_int_equal(user, 2);
	const struct region *r = region_named(&c.L, "user text");
	assert_true(r && r->start == 0x400000 && r->end == 0x401000);
	r = region_named(&c.L, "heap");
	assert_true(r && r->start == 0x7ffff000 && r->end == 0x80000000);
	crafted_free(&c);
}

/* A plausible direct map beside the wrapping one: it is found, and the
 * vmalloc and vmemmap searches start after it, in the kernel half. */
static void dmap_found(void **state)
{
	(void)state;
	struct crafted c;
	crafted_init(&c);
	crafted_run(&c, 0x400000, 0x100000, 0x1000, PTW_US);
	crafted_run(&c, 0xffff888000000000ULL, 0, 2 * GIB, PTW_RW | PTW_XD);
	crafted_run(&c, 0xffffc90000003000ULL, 0x200000, 0x1000, PTW_RW | PTW_XD);
	crafted_run(&c, 0xffffea0000040000ULL, 0x300000, 0x1000, PTW_RW | PTW_XD);
	crafted_run(&c, 0xffffffffc0000000ULL, 0x20000000000ULL, GIB, PTW_RW | PTW_XD);
	layout_regions(&c.L);
	assert_int_equal(c.L.dmap_base, 0xffff888000000000ULL);
	assert_int_equal(c.L.dmap_end, 0xffff888080000000ULL);
	const struct region *r = region_named(&c.L, "direct map");
	assert_non_null(r);
	assert_int_equal(r->start, ptw_mode_offset_from_va(c.L.m, 0xffff888000000000ULL));
	assert_int_equal(r->end, ptw_mode_offset_from_va(c.L.m, 0xffff888080000000ULL));
	r = region_named(&c.L, "vmalloc");
	assert_non_null(r);
	assert_int_equal(r->start, ptw_mode_offset_from_va(c.L.m, 0xffffc90000000000ULL));
	assert_int_equal(r->end, ptw_mode_offset_from_va(c.L.m, 0xffffe90000000000ULL));
	r = region_named(&c.L, "vmemmap");
	assert_non_null(r);
	assert_int_equal(r->start, ptw_mode_offset_from_va(c.L.m, 0xffffea0000000000ULL));
	crafted_free(&c);
}

/* The PFN database's end from the crash dump's header: 0x30 bytes a page
 * frame; none when the sum wraps or the range leaves the kernel half. */
static void pfn_database_end(void **state)
{
	(void)state;
	const struct ptw_mode *m = ptw_mode_get(PTW_MODE_X64);
	uint64_t end = 0;
	assert_true(pfn_db_end(m, 0xfffffa8000000000ULL, 4 * GIB, &end));
	assert_int_equal(end, 0xfffffa8000000000ULL + (4 * GIB >> 12) * 0x30);
	assert_true(pfn_db_end(m, 0xfffffa8000000000ULL, 4 * GIB + 1, &end)); /* a part page */
	assert_int_equal(end, 0xfffffa8000000000ULL + ((4 * GIB >> 12) + 1) * 0x30);
	/* the user half */
	assert_false(pfn_db_end(m, 0x10000000, 4 * GIB, &end));
	/* ends at 2^64 exactly, and past it */
	assert_false(pfn_db_end(m, 0 - (4 * GIB >> 12) * 0x30, 4 * GIB, &end));
	assert_false(pfn_db_end(m, 0xfffffffffff00000ULL, 4 * GIB, &end));
	/* phys_end at the top: 2^52 frames, 3 * 2^56 bytes: past the top */
	assert_false(pfn_db_end(m, 0xffff800000000000ULL, UINT64_MAX, &end));
	/* no memory, non-canonical */
	assert_false(pfn_db_end(m, 0xfffffa8000000000ULL, 0, &end));
	assert_false(pfn_db_end(m, 0x8000000000000000ULL, 4 * GIB, &end));
}

/* The same through a Windows crash dump's header, rendered: a PFN
 * database in the user half, or ending at 2^64, is not labelled; a
 * proper one is. */
static void pfn_database_label(void **state)
{
	(void)state;
	static const struct { uint64_t base; bool shown; } c[] = {
		{ 0xfffffa8000000000ULL, true },
		{ 0x10000000ULL, false },
		{ 0 - ((8ULL << 20) >> 12) * 0x30, false },  /* 2048 frames: ends at 2^64 */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct built b;
		build(&b);
		struct gen_windump o = {
			.x64 = true, .dump_type = 1, .dirbase = b.s.root[0],
			.pfn_database = c[i].base, .nprocessors = 1,
		};
		size_t size;
		uint8_t *file = gen_windows_dump(&b.g, &o, &size);
		assert_non_null(file);
		ptw_dump *d;
		struct ptw_space s;
		assert_int_equal(ptw_dump_open_memory(file, size, &d, NULL), 0);
		assert_int_equal(ptw_dump_hints(d)->pfn_database, c[i].base);
		assert_int_equal(ptw_dump_phys_end(d), 8ULL << 20);
		assert_int_equal(ptw_space_init(&s, d, ptw_mode_get(PTW_MODE_X64), b.s.root[0], NULL), 0);
		s.os = PTW_OS_WINDOWS;
		char *svg = render_svg(&s);
		assert_int_equal(count_of(svg, ">PFN database</text>"), c[i].shown);
		free(svg);
		ptw_dump_close(d);
		free(file);
		unbuild(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rects_inside_bars),
		cmocka_unit_test(utf8_names),
		cmocka_unit_test(comment_text),
		cmocka_unit_test(dmap_end_wraps),
		cmocka_unit_test(dmap_found),
		cmocka_unit_test(pfn_database_end),
		cmocka_unit_test(pfn_database_label),
		cmocka_unit_test(many_runs_bounded),
		cmocka_unit_test(titles_and_labels),
		cmocka_unit_test(class_colours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
