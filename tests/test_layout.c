/* test_layout.c — layout.svg's bounds and texts over synthetic tables: many
 * runs of alternating classes and many separated stretches still give a
 * bounded picture; measuring gives the rendered length; owners' names are
 * escaped; an unknown OS gets no labels; each rights class its colour. */
#include "testutil.h"

#include "ptview.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t count(const char *text, const char *needle)
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
	size_t n = count(svg, "fill=\"url(#sparse");
	for (size_t i = 0; i < 8; i++)
		n += count(svg, fills[i]);
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

static char *render(const struct ptw_space *s)
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
	return out;
}

static void many_runs_bounded(void **state)
{
	(void)state;
	struct built b;
	build(&b);
	char *svg = render(&b.s);
	/* 33 040 runs, a small picture */
	assert_true(strlen(svg) < 300 * 1024);
	assert_true(run_rects(svg) <= 3000);
	assert_true(run_rects(svg) > 18);
	assert_int_equal(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44), 0);
	assert_string_equal(svg + strlen(svg) - 7, "</svg>\n");
	/* rows: the user stretch is one; the kernel's 41 stretches are cut
	 * to at most 18 rows, the smallest gaps joining them */
	assert_int_equal(count(svg, "class=\"bg\""), 1 + 18);
	assert_int_equal(count(svg, "lower half (user)"), 1);
	assert_int_equal(count(svg, "upper half (kernel)"), 1);
	/* the kernel's sparse stretch is striped */
	assert_true(count(svg, "fill=\"url(#sparse0)\"/>") >= 2);
	/* pages counted in the legend */
	char want[64];
	snprintf(want, sizeof want, "4K \xc3\x97 %d<", USER_PAGES + SPARSE_PAGES + STRETCHES);
	assert_non_null(strstr(svg, want));
	/* the same picture each time */
	char *again = render(&b.s);
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
	char *svg = render(&b.s);
	char want[128];
	snprintf(want, sizeof want, "<title>Address space %" PRIx64 "</title>", b.s.dirbase);
	assert_non_null(strstr(svg, want));
	assert_non_null(strstr(svg, "owner: a&lt;b&amp;c?&quot;d (cid 7) \xc2\xb7 OS: unknown"));
	/* no OS: no region labelled, and the comment says why */
	assert_int_equal(count(svg, "class=\"rl\""), 0);
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
	svg = render(&b.s);
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
	char *svg = render(&s);
	const char *body = strstr(svg, "</g>"); /* past the legend */
	assert_non_null(body);
	for (size_t i = 0; i < 8; i++) {
		char want[64];
		snprintf(want, sizeof want, "height=\"8\" fill=\"%s\"/>", page[i].fill);
		assert_int_equal(count(body, want), 1);
	}
	free(svg);
	ptw_dump_close(d);
	gen_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_runs_bounded),
		cmocka_unit_test(titles_and_labels),
		cmocka_unit_test(class_colours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
