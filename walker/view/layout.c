/* view/layout.c — layout.svg: a picture of one address space for a person
 * to open in a browser.
 *
 * Built from the iteration maps uses (ptw_iterate: one descent, runs in
 * ascending VA order).  Each run becomes a span of one class (user or
 * kernel; R, RW, RX, RWX: 8 classes) and one page-size rank (the last
 * level's pages, the level above's, the one above that); adjacent runs of
 * the same class and rank are one span.  The spans are then laid out:
 *
 *   - one section per half (x86-64's lower and upper canonical halves,
 *     AArch64's ttbr0 and ttbr1), one for 32-bit spaces;
 *   - in a section, rows: spans closer than a gap threshold (16 MiB; 4
 *     MiB in 32-bit spaces) share a row; longer empty stretches separate
 *     rows and are written as "gap" lines with their size (the threshold
 *     grows until a section has at most MAX_ROWS rows);
 *   - in a row, VAs are linear; the bar's length grows with the log of the
 *     row's span (a 4 KiB row is short, a 64 TiB one long);
 *   - spans are merged at the drawing's resolution: those whose pixels
 *     meet become one rectangle of the class that covers most bytes, drawn
 *     striped when the VAs it stands for are sparsely mapped; the pixel
 *     quantum doubles until the whole picture has at most MAX_RECTS
 *     rectangles, so a space of 65 000 runs still gives a small file;
 *   - the page size is the bar's height (taller: larger pages);
 *   - the well-known regions of the OS are labelled above the bars
 *     (layout_regions below says where each comes from).
 *
 * Colours are Okabe and Ito's colour-blind-safe palette, one hue per
 * rights class (R blue, RW bluish green, RX orange, RWX vermillion); user
 * pages are a light tint of the hue, kernel pages the full hue. */
#include "view/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SVG_W        1200
#define ADDR_X       12      /* left column: a row's first VA */
#define BAR_X        170     /* where bars start */
#define BAR_MIN      90      /* the shortest bar (one page) */
#define BAR_MAX      760     /* the longest */
#define BAR_H        24      /* the tallest bar (the largest pages) */
#define LABEL_LINE   13      /* one line of region labels */
#define LABEL_LINES  3
#define MAX_ROWS     18      /* per section */
#define MAX_RECTS    3000    /* in the whole picture */
#define MAX_REGIONS  32
#define GIB          (1ULL << 30)
#define LINUX_CEA    0xfffffe0000000000ULL  /* x86-64 cpu_entry_area (4 and 5 levels) */

/* ---- classes ----------------------------------------------------------------- */

enum { R_R, R_RW, R_RX, R_RWX };
#define NCLASS 8   /* user * 4 + rights */
#define NRANK 3

static const char *const class_fill[NCLASS] = {
	/* kernel: the full hues */
	"#0072b2", "#009e73", "#e69f00", "#d55e00",
	/* user: the same mixed halfway with white */
	"#80b9d9", "#80cfb9", "#f3cf80", "#eaaf80",
};
static const char *const rights_name[4] = { "R", "RW", "RX", "RWX" };

/* The class of a page from its effective flags, as maps shows them. */
static unsigned run_class(const struct ptw_mode *m, uint64_t eff)
{
	bool user, write, exec;
	if (m->arch == &ptw_arch_aarch64) {
		user = eff & PTW_A64_USER;
		write = !(eff & PTW_A64_RDONLY) || (eff & PTW_A64_DBM);
		/* who runs it: EL0 for a user page, EL1 for a kernel one */
		exec = !(eff & (user ? PTW_A64_UXN : PTW_A64_PXN));
	} else {
		user = eff & PTW_US;
		write = eff & PTW_RW;
		exec = !m->nx || !(eff & PTW_XD);
	}
	unsigned r = write ? (exec ? R_RWX : R_RW) : (exec ? R_RX : R_R);
	return (user ? 4u : 0u) + r;
}

/* 0: the last level's pages, 1: the level above's, 2: larger. */
static unsigned run_rank(const struct ptw_mode *m, uint64_t page_size)
{
	unsigned lvl = m->nlevels - 1;
	while (lvl > 0 && ptw_level_span(m, lvl) != page_size)
		lvl--;
	unsigned r = m->nlevels - 1 - lvl;
	return r < NRANK ? r : NRANK - 1;
}

/* ---- collecting the spans ------------------------------------------------------- */

/* A stretch of VA offsets (vmem's: the upper half folded, so ascending
 * across both halves) of one class and rank. */
struct span {
	uint64_t start, end;
	uint8_t cls, rank;
};

/* Candidate offsets VA - PA of Linux's direct map (1 GiB aligned), with
 * the bytes mapped at each. */
#define NCAND 8
struct cand {
	uint64_t delta, bytes, last;  /* last: one past its highest VA */
};

struct collect {
	const struct ptw_mode *m;
	struct span *v;
	size_t n, cap;
	bool oom;
	bool want_dmap;
	struct cand cand[NCAND];
};

static void note_dmap(struct collect *c, const struct ptw_run *r)
{
	/* Linux x86-64 maps all memory at page_offset_base + PA; its base is
	 * 1 GiB aligned (KASLR moves it in PUD steps) and it is the largest
	 * such mapping of the kernel half. */
	uint64_t delta = r->va - r->pa;
	if (!(r->va >> 63) || (delta & (GIB - 1)))
		return;
	for (unsigned i = 0; i < NCAND; i++) {
		if (c->cand[i].bytes && c->cand[i].delta != delta)
			continue;
		c->cand[i].delta = delta;
		c->cand[i].bytes += r->size;
		c->cand[i].last = r->va + r->size;
		return;
	}
}

static int collect_run(void *ctx, const struct ptw_run *r)
{
	struct collect *c = ctx;
	if (c->want_dmap)
		note_dmap(c, r);
	uint64_t off = ptw_mode_offset_from_va(c->m, r->va);
	uint8_t cls = (uint8_t)run_class(c->m, r->eff);
	uint8_t rank = (uint8_t)run_rank(c->m, r->page_size);
	if (c->n) {
		struct span *l = &c->v[c->n - 1];
		if (l->end == off && l->cls == cls && l->rank == rank) {
			l->end = off + r->size;
			return 0;
		}
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct span *v = realloc(c->v, cap * sizeof *v);
		if (!v) {
			c->oom = true;
			return 1;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (struct span){ off, off + r->size, cls, rank };
	return 0;
}

/* ---- regions ---------------------------------------------------------------------- */

struct region {
	uint64_t start, end;   /* offsets */
	char name[48];
};

struct regions {
	struct region v[MAX_REGIONS];
	size_t n;
	char how[1024];        /* for the file's comment: where they came from */
};

struct layout {
	const struct ptw_space *s;
	const struct ptw_mode *m;
	struct collect c;
	struct ptw_iter_stats stats;
	struct regions rg;
	uint64_t dmap_base, dmap_end;   /* 0: not found */
};

static void how(struct regions *rg, const char *text)
{
	size_t l = strlen(rg->how);
	snprintf(rg->how + l, sizeof rg->how - l, "%s%s", l ? " " : "", text);
}

/* A region [va, va_end) by canonical VAs (va_end 0: the top of the space). */
static void add_region(struct layout *L, uint64_t va, uint64_t va_end, const char *name)
{
	const struct ptw_mode *m = L->m;
	if (L->rg.n == MAX_REGIONS || !ptw_mode_va_valid(m, va) ||
	    (va_end && !ptw_mode_va_valid(m, va_end - 1)))
		return;
	uint64_t s = ptw_mode_offset_from_va(m, va);
	uint64_t e = va_end ? ptw_mode_offset_from_va(m, va_end - 1) + 1 : ptw_mode_va_size(m);
	if (e <= s)
		return;
	struct region *r = &L->rg.v[L->rg.n++];
	r->start = s;
	r->end = e;
	snprintf(r->name, sizeof r->name, "%s", name);
}

static bool vmci_hex(const struct layout *L, const char *key, uint64_t *v)
{
	char b[40];
	return ptw_vmcoreinfo_get(L->s->dump, key, b, sizeof b) &&
	       !ptw_parse_hex(b, v, NULL);
}

/* The hull of mapped spans around offset off, following gaps shorter than
 * maxgap: what one image (a kernel, its sections) occupies. */
static bool hull_around(const struct layout *L, uint64_t off, uint64_t maxgap,
			uint64_t *s, uint64_t *e)
{
	const struct collect *c = &L->c;
	size_t i = 0;
	while (i < c->n && c->v[i].end <= off)
		i++;
	if (i == c->n || c->v[i].start > off)
		return false;
	size_t a = i, b = i;
	while (a > 0 && c->v[a].start - c->v[a - 1].end < maxgap)
		a--;
	while (b + 1 < c->n && c->v[b + 1].start - c->v[b].end < maxgap)
		b++;
	*s = c->v[a].start;
	*e = c->v[b].end;
	return true;
}

static void add_hull(struct layout *L, uint64_t va, uint64_t maxgap, const char *name)
{
	uint64_t s, e;
	if (!ptw_mode_va_valid(L->m, va) ||
	    !hull_around(L, ptw_mode_offset_from_va(L->m, va), maxgap, &s, &e))
		return;
	add_region(L, ptw_mode_va_from_offset(L->m, s),
		   e == ptw_mode_va_size(L->m) ? 0 : ptw_mode_va_from_offset(L->m, e - 1) + 1,
		   name);
}

/* The first span starting at or after offset off, or NULL. */
static const struct span *span_from(const struct layout *L, uint64_t off)
{
	for (size_t i = 0; i < L->c.n; i++)
		if (L->c.v[i].start >= off)
			return &L->c.v[i];
	return NULL;
}

/* The first span at or after kernel VA va and below cpu_entry_area, or
 * NULL: never one of the user half, whatever va (a sum that wrapped to a
 * small value is no kernel VA). */
static const struct span *kernel_span_from(const struct layout *L, uint64_t va)
{
	if (!(va >> 63) || va >= LINUX_CEA || !ptw_mode_va_valid(L->m, va))
		return NULL;
	const struct span *s = span_from(L, ptw_mode_offset_from_va(L->m, va));
	return s && s->start < ptw_mode_offset_from_va(L->m, LINUX_CEA) ? s : NULL;
}

/* Linux's user half, from the runs alone (the owner's mm_struct, which
 * knows start_code, start_brk and start_stack, is not read): the lowest
 * mapped image is the program, its executable part its text; the next
 * stretch, all writable and below the mmap area, the heap; the topmost
 * writable stretch the stack; what lies between from half the user space
 * up, the mmap area. */
static void linux_user(struct layout *L, uint64_t top)
{
	const struct collect *c = &L->c;
	const uint64_t near = 16ULL << 20;
	size_t n = 0;
	while (n < c->n && c->v[n].end <= top)
		n++;
	if (!n)
		return;
	/* the stack: the topmost writable span and the writable ones just below */
	size_t st = n;
	while (st > 0 && !(c->v[st - 1].cls == 4 + R_RW || c->v[st - 1].cls == 4 + R_RWX))
		st--;
	uint64_t stack_start = top;
	if (st > 0) {
		size_t a = st - 1;
		while (a > 0 && c->v[a].start - c->v[a - 1].end < (1ULL << 20) &&
		       (c->v[a - 1].cls & 1))
			a--;
		stack_start = c->v[a].start;
		if (stack_start >= top / 2)
			add_region(L, ptw_mode_va_from_offset(L->m, stack_start),
				   ptw_mode_va_from_offset(L->m, c->v[st - 1].end - 1) + 1, "stack");
		else
			stack_start = top;
	}
	/* the program: the lowest stretch, below the mmap area */
	size_t p = 0;
	uint64_t prog_end = 0;
	if (c->v[0].start < top / 2) {
		while (p + 1 < n && c->v[p + 1].start - c->v[p].end < near &&
		       c->v[p + 1].start < top / 2)
			p++;
		uint64_t xs = UINT64_MAX, xe = 0;
		for (size_t i = 0; i <= p; i++)
			if (c->v[i].cls == 4 + R_RX || c->v[i].cls == 4 + R_RWX) {
				xs = xs < c->v[i].start ? xs : c->v[i].start;
				xe = c->v[i].end;
			}
		if (xe)
			add_region(L, xs, xe, "user text");
		else
			add_region(L, c->v[0].start, c->v[p].end, "program image");
		prog_end = c->v[p].end;
		p++;
		/* the heap: the next stretch, writable throughout */
		if (p < n && c->v[p].start < top / 2 && c->v[p].start - prog_end < (4ULL << 30)) {
			size_t h = p;
			bool rw = c->v[h].cls & 1;
			while (rw && h + 1 < n && c->v[h + 1].start - c->v[h].end < near &&
			       c->v[h + 1].start < top / 2)
				rw = c->v[++h].cls & 1;
			if (rw) {
				add_region(L, c->v[p].start, c->v[h].end, "heap");
				p = h + 1;
			}
		}
	}
	/* the mmap area: from half the user space up to the stack */
	size_t a = p;
	while (a < n && c->v[a].start < top / 2)
		a++;
	size_t b = a;
	while (b < n && c->v[b].end <= stack_start)
		b++;
	if (b > a)
		add_region(L, c->v[a].start, c->v[b - 1].end, "mmap area");
	how(&L->rg, "User regions: heuristics from the runs (the owner's mm_struct is not "
	    "read): the lowest mapped image is the program (its executable part the text), "
	    "the writable stretch after it the heap, the topmost writable stretch the "
	    "stack, what lies between half the user space and the stack the mmap area.");
}

/* Linux x86-64 (Documentation/arch/x86/x86_64/mm.rst). */
static void linux_x86_64(struct layout *L)
{
	bool la57 = L->m->id == PTW_MODE_LA57;
	uint64_t vmalloc_size = la57 ? 12800ULL << 40 : 32ULL << 40;
	uint64_t vmemmap_size = la57 ? 512ULL << 40 : 1ULL << 40;
	char b[40];
	linux_user(L, la57 ? 1ULL << 56 : 1ULL << 47);
	if (la57) {
		add_region(L, 0xff00000000000000ULL, 0xff10000000000000ULL, "guard hole");
		add_region(L, 0xff10000000000000ULL, 0xff11000000000000ULL, "LDT remap (PTI)");
	} else {
		add_region(L, 0xffff800000000000ULL, 0xffff880000000000ULL, "guard hole");
		add_region(L, 0xffff880000000000ULL, 0xffff888000000000ULL, "LDT remap (PTI)");
	}
	/* KASLR places the direct map, vmalloc and vmemmap, in that order,
	 * at random 1 GiB steps (arch/x86/mm/kaslr.c); VMCOREINFO does not
	 * say where, so the runs do. */
	if (L->dmap_base && L->dmap_end) {
		add_region(L, L->dmap_base, L->dmap_end, "direct map (page_offset_base)");
		const struct span *v = kernel_span_from(L, L->dmap_end);
		if (v) {
			uint64_t vb = ptw_mode_va_from_offset(L->m, v->start) & ~(GIB - 1);
			add_region(L, vb, vb + vmalloc_size, "vmalloc (vmalloc_base)");
			/* (vb + vmalloc_size wraps for a vb high enough: no span then) */
			const struct span *w = kernel_span_from(L, vb + vmalloc_size);
			if (w) {
				uint64_t mb = ptw_mode_va_from_offset(L->m, w->start) & ~(GIB - 1);
				add_region(L, mb, mb + vmemmap_size, "vmemmap (vmemmap_base)");
			}
		}
		how(&L->rg, "Direct map: page_offset_base found as the 1 GiB-aligned VA - PA "
		    "offset that maps most bytes of the kernel half; vmalloc: from the first "
		    "mapped page after it (1 GiB down), vmemmap: from the first after vmalloc "
		    "(KASLR randomizes the three bases; VMCOREINFO does not give them).");
	}
	add_region(L, LINUX_CEA, 0xfffffe8000000000ULL, "cpu_entry_area");
	add_region(L, 0xffffff0000000000ULL, 0xffffff8000000000ULL, "ESPFIX stacks");
	add_region(L, 0xffffffef00000000ULL, 0xffffffff00000000ULL, "EFI runtime");
	uint64_t image = 512ULL << 20;
	if (ptw_vmcoreinfo_get(L->s->dump, "NUMBER(KERNEL_IMAGE_SIZE)", b, sizeof b))
		image = strtoull(b, NULL, 10) ? strtoull(b, NULL, 10) : image;
	if (image > GIB)
		image = GIB;
	add_region(L, 0xffffffff80000000ULL, 0xffffffff80000000ULL + image,
		   "kernel image (__START_KERNEL_map)");
	add_region(L, 0xffffffff80000000ULL + image, 0xffffffffff000000ULL, "modules");
	add_region(L, 0xffffffffff000000ULL, 0xffffffffff800000ULL, "fixmap");
	add_region(L, 0xffffffffff600000ULL, 0xffffffffff601000ULL, "vsyscall");
	how(&L->rg, "Fixed ranges: mm.rst's (cpu_entry_area, ESPFIX, EFI, kernel image of "
	    "KERNEL_IMAGE_SIZE from VMCOREINFO, modules, fixmap, vsyscall).");
}

/* Linux arm64 (Documentation/arch/arm64/memory.rst): the ranges
 * VMCOREINFO gives (5.x on: MODULES_*, VMALLOC_*, VMEMMAP_*), the linear
 * map below them (-2^VA_BITS up, 5.4 on), the kernel image around
 * _stext. */
static void linux_arm64(struct layout *L)
{
	uint64_t va_bits = L->m->va_bits - 1, v1, v2;
	char b[40];
	if (ptw_vmcoreinfo_get(L->s->dump, "NUMBER(VA_BITS)", b, sizeof b) &&
	    strtoull(b, NULL, 10) >= 36 && strtoull(b, NULL, 10) <= 52)
		va_bits = strtoull(b, NULL, 10);
	linux_user(L, 1ULL << (L->m->va_bits - 1));
	uint64_t lin = (uint64_t)0 - (1ULL << va_bits);
	add_region(L, lin, lin + (1ULL << (va_bits - 1)), "linear map (PAGE_OFFSET)");
	if (vmci_hex(L, "NUMBER(MODULES_VADDR)", &v1) && vmci_hex(L, "NUMBER(MODULES_END)", &v2))
		add_region(L, v1, v2, "modules");
	if (vmci_hex(L, "NUMBER(VMALLOC_START)", &v1) && vmci_hex(L, "NUMBER(VMALLOC_END)", &v2)) {
		add_region(L, v1, v2, "vmalloc");
		uint64_t vm;
		if (vmci_hex(L, "NUMBER(VMEMMAP_START)", &vm) && vm > v2)
			add_region(L, v2, vm, "fixmap, PCI I/O");
	}
	if (vmci_hex(L, "NUMBER(VMEMMAP_START)", &v1) && vmci_hex(L, "NUMBER(VMEMMAP_END)", &v2))
		add_region(L, v1, v2, "vmemmap");
	if (vmci_hex(L, "SYMBOL(_stext)", &v1))
		add_hull(L, v1, 2ULL << 20, "kernel image (_stext)");
	how(&L->rg, "Kernel ranges: VMCOREINFO's VA_BITS, MODULES_*, VMALLOC_*, VMEMMAP_* "
	    "where it has them; the kernel image: the mapped stretch around SYMBOL(_stext).");
}

/* The end of the PFN database at base (an MMPFN of 0x30 bytes per page
 * frame below phys_end), or false: the header's values are untrusted, and
 * a product or sum that wraps, or a range outside the kernel half, is no
 * PFN database. */
static bool pfn_db_end(const struct ptw_mode *m, uint64_t base, uint64_t phys_end,
		       uint64_t *end)
{
	uint64_t pfns = (phys_end >> 12) + ((phys_end & 4095) != 0), bytes;
	if (!pfns || __builtin_mul_overflow(pfns, 0x30, &bytes) ||
	    __builtin_add_overflow(base, bytes, end))
		return false;
	return (base >> 63) && ptw_mode_va_valid(m, base) && ptw_mode_va_valid(m, *end - 1);
}

/* Windows x64.  Since Windows 10 1607 dynamic kernel VA places system
 * PTEs, paged and non-paged pool, session space and the PFN database at
 * random 512 GiB slots each boot, and the self-map slot itself; a dump
 * fixes only the self-map (found in the top table) and what its header
 * points at (PfnDataBase, KdDebuggerDataBlock inside ntoskrnl). */
static void windows(struct layout *L)
{
	const struct ptw_mode *m = L->m;
	const struct ptw_dump_hints *h = ptw_dump_hints(L->s->dump);
	int sm = ptw_space_selfmap(L->s);
	if (m->va_bits <= 32) {
		add_region(L, 0, 0x80000000ULL, "user space");
		if (sm >= 0)
			add_region(L, 0xc0000000ULL, m->pae_selfmap ? 0xc0800000ULL : 0xc0400000ULL,
				   "page tables (self-map)");
		how(&L->rg, "Windows 32-bit: user space below 80000000, the self-map at c0000000.");
		return;
	}
	add_region(L, 0, 1ULL << (m->va_bits - 1), "user space");
	add_region(L, 0x7ffe0000ULL, 0x7ffe1000ULL, "KUSER_SHARED_DATA");
	if (sm >= 0) {
		unsigned top = m->level[0].shift;
		uint64_t base = ptw_mode_va_from_offset(m, (uint64_t)sm << top);
		add_region(L, base, base + (1ULL << top), "page tables (self-map)");
	}
	add_region(L, 0xfffff78000000000ULL, 0xfffff78000001000ULL, "KUSER_SHARED_DATA");
	uint64_t pfn_end;
	if (h->os == PTW_OS_WINDOWS && h->pfn_database &&
	    pfn_db_end(m, h->pfn_database, ptw_dump_phys_end(L->s->dump), &pfn_end))
		add_region(L, h->pfn_database, pfn_end, "PFN database");
	if (h->os == PTW_OS_WINDOWS && h->kd_debugger_data_block)
		add_hull(L, h->kd_debugger_data_block, 2ULL << 20, "kernel image (ntoskrnl)");
	how(&L->rg, "Windows x64: with dynamic kernel VA (Windows 10 1607 on) system PTEs, "
	    "pools, session space and the PFN database move each boot; only the self-map "
	    "(from the top table), KUSER_SHARED_DATA and what the dump header points at "
	    "(PfnDataBase, KdDebuggerDataBlock in ntoskrnl) are labelled.");
}

/* A candidate that can be the direct map: it lies below cpu_entry_area.
 * Its end is checked as well as its base: a crafted table may map a large
 * page at the top of the space (last 0: the end wrapped to 2^64), and an
 * end of 0 would read as "to the top of the space" further on. */
static bool dmap_plausible(const struct cand *c)
{
	return c->bytes && c->delta < LINUX_CEA && c->last && c->last <= LINUX_CEA;
}

static void find_dmap(struct layout *L)
{
	const struct cand *best = NULL;
	for (unsigned i = 0; i < NCAND; i++)
		if (dmap_plausible(&L->c.cand[i]) && (!best || L->c.cand[i].bytes > best->bytes))
			best = &L->c.cand[i];
	/* a direct map holding at least 1/4 of memory or 1 GiB */
	uint64_t want = ptw_dump_phys_size(L->s->dump) / 4;
	if (!best || best->bytes < (want < GIB ? want : GIB))
		return;
	L->dmap_base = best->delta;
	/* last <= LINUX_CEA, 1 GiB aligned: rounding up stays at or below it */
	L->dmap_end = (best->last + GIB - 1) & ~(GIB - 1);
}

static void layout_regions(struct layout *L)
{
	const struct ptw_mode *m = L->m;
	if (L->s->os == PTW_OS_LINUX && ptw_mode_x86_64(m)) {
		find_dmap(L);
		linux_x86_64(L);
	} else if (L->s->os == PTW_OS_LINUX && m->arch == &ptw_arch_aarch64) {
		linux_arm64(L);
	} else if (L->s->os == PTW_OS_LINUX) {
		linux_user(L, m->canonical ? 1ULL << (m->va_bits - 1) : 0xc0000000ULL);
		if (!m->canonical)
			add_region(L, 0xc0000000ULL, 0, "kernel (PAGE_OFFSET)");
	} else if (L->s->os == PTW_OS_WINDOWS) {
		windows(L);
	} else {
		how(&L->rg, "OS unknown: no regions labelled.");
	}
}

/* ---- rows --------------------------------------------------------------------------- */

struct row {
	size_t first, last;     /* spans [first, last] */
	uint64_t start, end;
	double width;           /* the bar's length */
};

struct section {
	uint64_t start, end;    /* offsets */
	const char *name;
	size_t first, n;        /* spans */
	struct row rows[MAX_ROWS];
	size_t nrows;
};

/* Rows of a section: a break at every gap of at least minimum, the
 * largest MAX_ROWS - 1 of them at most. */
static void section_rows(const struct collect *c, struct section *sec, uint64_t minimum)
{
	sec->nrows = 0;
	if (!sec->n)
		return;
	/* the threshold: the MAX_ROWS-1'th largest gap, at least minimum */
	uint64_t top[MAX_ROWS - 1] = {0};
	for (size_t i = sec->first + 1; i < sec->first + sec->n; i++) {
		uint64_t g = c->v[i].start - c->v[i - 1].end;
		if (g <= top[MAX_ROWS - 2])
			continue;
		size_t k = MAX_ROWS - 2;
		while (k > 0 && top[k - 1] < g) {
			top[k] = top[k - 1];
			k--;
		}
		top[k] = g;
	}
	uint64_t t = top[MAX_ROWS - 2] > minimum ? top[MAX_ROWS - 2] : minimum;
	/* (gaps tied at t past the count join the last row) */
	struct row *r = &sec->rows[0];
	r->first = sec->first;
	for (size_t i = sec->first + 1; i < sec->first + sec->n; i++) {
		uint64_t g = c->v[i].start - c->v[i - 1].end;
		if (g >= t && sec->nrows + 1 < MAX_ROWS) {
			r->last = i - 1;
			sec->nrows++;
			r = &sec->rows[sec->nrows];
			r->first = i;
		}
	}
	r->last = sec->first + sec->n - 1;
	sec->nrows++;
	for (size_t k = 0; k < sec->nrows; k++) {
		sec->rows[k].start = c->v[sec->rows[k].first].start;
		sec->rows[k].end = c->v[sec->rows[k].last].end;
	}
}

static unsigned log2u(uint64_t v)
{
	unsigned l = 0;
	while (v >>= 1)
		l++;
	return l;
}

/* log2 near enough for a bar's length (linear between powers of two),
 * and floor of a non-negative value: no libm for these. */
static double log2f_approx(uint64_t v)
{
	unsigned l = log2u(v);
	return l + ((double)v / (double)(1ULL << l) - 1);
}

static double floor_pos(double x)
{
	return (double)(uint64_t)x;
}


static void row_widths(struct section *secs, size_t nsec, unsigned page_shift)
{
	unsigned lo = page_shift, hi = page_shift + 1;
	for (size_t s = 0; s < nsec; s++)
		for (size_t k = 0; k < secs[s].nrows; k++) {
			unsigned l = log2u(secs[s].rows[k].end - secs[s].rows[k].start);
			hi = l > hi ? l : hi;
		}
	for (size_t s = 0; s < nsec; s++)
		for (size_t k = 0; k < secs[s].nrows; k++) {
			struct row *r = &secs[s].rows[k];
			double l = log2f_approx(r->end - r->start);
			double f = (l - lo) / (hi - lo);
			f = f < 0 ? 0 : f > 1 ? 1 : f;
			r->width = BAR_MIN + (BAR_MAX - BAR_MIN) * f;
		}
}

/* ---- rectangles --------------------------------------------------------------------- */

struct rect {
	double x0, x1;            /* quantized, relative to the bar's start */
	uint64_t bytes[NCLASS];
	uint64_t rank_bytes[NRANK];
	uint64_t mapped, va_span; /* mapped bytes, VA bytes the rect stands for */
	bool open;
};

static unsigned rect_class(const struct rect *r)
{
	unsigned best = 0;
	for (unsigned i = 1; i < NCLASS; i++)
		if (r->bytes[i] > r->bytes[best])
			best = i;
	return best;
}

static unsigned rect_rank(const struct rect *r)
{
	unsigned best = 0;
	for (unsigned i = 1; i < NRANK; i++)
		if (r->rank_bytes[i] > r->rank_bytes[best])
			best = i;
	return best;
}

typedef void (*rect_fn)(void *ctx, const struct rect *r);

/* The rectangles of one row at quantum q px, to emit (may be NULL: count
 * only); returns how many. */
static size_t row_rects(const struct collect *c, const struct row *row, double q,
			rect_fn emit, void *ctx)
{
	double scale = row->width / (double)(row->end - row->start);
	struct rect cur = {0};
	size_t count = 0;
	for (size_t i = row->first; i <= row->last; i++) {
		const struct span *s = &c->v[i];
		double x0 = (double)(s->start - row->start) * scale;
		double x1 = (double)(s->end - row->start) * scale;
		/* to the nearest step: neighbours meet without overlapping */
		double q0 = floor_pos(x0 / q + 0.5) * q, q1 = floor_pos(x1 / q + 0.5) * q;
		/* at least 1 px, inside the bar (at least BAR_MIN wide): a span
		 * at the bar's end may round to its end or past it */
		if (q0 > row->width - 1)
			q0 = row->width - 1;
		if (q1 < q0 + q)
			q1 = q0 + q;
		bool joins = cur.open && (q0 < cur.x1 ||
			     (q0 == cur.x1 && rect_class(&cur) == s->cls && rect_rank(&cur) == s->rank));
		if (!joins) {
			if (cur.open && emit)
				emit(ctx, &cur);
			count += cur.open;
			memset(&cur, 0, sizeof cur);
			cur.open = true;
			cur.x0 = q0;
		}
		cur.x1 = q1 > cur.x1 ? q1 : cur.x1;
		if (cur.x1 > row->width)
			cur.x1 = row->width;
		cur.bytes[s->cls] += s->end - s->start;
		cur.mapped += s->end - s->start;
		cur.rank_bytes[s->rank] += s->end - s->start;
		cur.va_span = (uint64_t)((cur.x1 - cur.x0) / scale);
	}
	if (cur.open && emit)
		emit(ctx, &cur);
	return count + cur.open;
}

/* ---- the SVG -------------------------------------------------------------------------- */

/* The length of the character of XML text at p (n bytes left): 1 for
 * printable ASCII, a valid UTF-8 sequence's length, 0 for anything else
 * (a control character, a byte outside valid UTF-8, or U+FFFE and U+FFFF,
 * which XML 1.0 does not allow either). */
static size_t xml_char_len(const unsigned char *p, size_t n)
{
	if (p[0] < 0x80)
		return p[0] >= 0x20 && p[0] < 0x7f;
	size_t len = ptv_utf8_len(p, n);
	if (len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		return 0;
	return len;
}

/* Text safe inside XML: markup characters escaped, valid UTF-8 as it is,
 * other bytes (a process name is any bytes) as '?'. */
static void xml_text(struct ptv_text *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t len = xml_char_len(p + i, n - i);
		switch (len ? p[i] : 0) {
		case '&': ptv_printf(t, "&amp;"); break;
		case '<': ptv_printf(t, "&lt;"); break;
		case '>': ptv_printf(t, "&gt;"); break;
		case '"': ptv_printf(t, "&quot;"); break;
		case 0: ptv_printf(t, "?"); break;
		default: ptv_printf(t, "%.*s", (int)len, s + i);
		}
		i += len ? len : 1;
	}
}

/* Text inside an XML comment: there markup characters are plain, but
 * "--" may not appear, nor a '-' just before the closing "-->"; a space
 * breaks up each (other bytes as in xml_text). */
static void xml_comment(struct ptv_text *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t len = xml_char_len(p + i, n - i);
		if (!len)
			ptv_printf(t, "?");
		else
			ptv_printf(t, "%.*s", (int)len, s + i);
		if (len && p[i] == '-' && (i + 1 == n || p[i + 1] == '-'))
			ptv_printf(t, " ");
		i += len ? len : 1;
	}
}

/* A size in words: "4 KiB", "1.5 GiB", "119.5 TiB". */
static const char *bytes_text(uint64_t n, char buf[32])
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)n;
	unsigned u = 0;
	while (v >= 1024 && u + 1 < 7) {
		v /= 1024;
		u++;
	}
	if (v >= 1023.5 && u + 1 < 7) { /* would print as 1024 */
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, 32, "%" PRIu64 " bytes", n);
	else if (v >= 100 || floor_pos(v * 10 + 0.5) == floor_pos(v + 0.5) * 10)
		snprintf(buf, 32, "%.0f %s", v, unit[u]); /* 1 TiB, not 1.0 */
	else
		snprintf(buf, 32, "%.1f %s", v, unit[u]);
	return buf;
}

struct draw {
	struct layout *L;
	struct ptv_text *t;
	double q;
	double y;                  /* the current row's bar top */
};

static const double rank_h[NRANK] = { 8, 16, BAR_H };

static void draw_rect(void *ctx, const struct rect *r)
{
	struct draw *d = ctx;
	unsigned cls = rect_class(r);
	double h = rank_h[rect_rank(r)];
	double density = r->va_span ? (double)r->mapped / (double)r->va_span : 1;
	/* sparse: stripes of the class's colour (a fainter colour would read
	 * as another class) */
	ptv_printf(d->t, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"",
		   BAR_X + r->x0, d->y + BAR_H - h, r->x1 - r->x0, h);
	if (density < 0.5)
		ptv_printf(d->t, "url(#sparse%u)\"/>\n", cls);
	else
		ptv_printf(d->t, "%s\"/>\n", class_fill[cls]);
}

static double va_x(const struct row *row, uint64_t off)
{
	if (off <= row->start)
		return 0;
	if (off >= row->end)
		return row->width;
	return (double)(off - row->start) * row->width / (double)(row->end - row->start);
}

/* Labels of the regions meeting a row, above its bar: a bracket over the
 * region's part and its name, on the first line where it does not run
 * into an earlier label. */
static unsigned draw_labels(struct draw *d, const struct row *row, bool dry)
{
	double line_end[LABEL_LINES] = {0};
	unsigned used = 0;
	for (size_t i = 0; i < d->L->rg.n; i++) {
		const struct region *g = &d->L->rg.v[i];
		if (g->end <= row->start || g->start >= row->end)
			continue;
		double x0 = va_x(row, g->start), x1 = va_x(row, g->end);
		if (x1 - x0 < 2) {
			x0 -= 1;
			x1 = x0 + 2;
		}
		double tw = 6.6 * (double)strlen(g->name) + 8;
		unsigned ln = 0;
		while (ln + 1 < LABEL_LINES && line_end[ln] > x0)
			ln++;
		line_end[ln] = x0 + (tw > x1 - x0 ? tw : x1 - x0);
		used = ln + 1 > used ? ln + 1 : used;
		if (dry)
			continue;
		double y = d->y - 4 - LABEL_LINE * ln;
		ptv_printf(d->t, "<path d=\"M%.1f %.1fv-4h%.1fv4\" class=\"br\"/>\n",
			   BAR_X + x0, y, x1 - x0);
		ptv_printf(d->t, "<text x=\"%.1f\" y=\"%.1f\" class=\"rl\">", BAR_X + x0 + 1, y - 6);
		xml_text(d->t, g->name);
		ptv_printf(d->t, "</text>\n");
	}
	return used;
}

/* A VA by its offset; ends (end true) as one past their last byte, the
 * top of a 64-bit space as 2^64 ("1" and sixteen zeros, as maps has it). */
static void va_text(const struct ptw_mode *m, uint64_t off, bool end, char buf[24])
{
	if (!end || off == 0) {
		snprintf(buf, 24, "%0*" PRIx64, ptv_va_digits(m), ptw_mode_va_from_offset(m, off));
		return;
	}
	uint64_t last = ptw_mode_va_from_offset(m, off - 1);
	if (last == UINT64_MAX)
		snprintf(buf, 24, "1%016" PRIx64, (uint64_t)0);
	else
		snprintf(buf, 24, "%0*" PRIx64, ptv_va_digits(m), last + 1);
}

static void draw_gap(struct draw *d, uint64_t bytes, bool edge)
{
	char b[32];
	ptv_printf(d->t, "<text x=\"%d\" y=\"%.1f\" class=\"gap\">%s %s unmapped</text>\n",
		   ADDR_X + 4, d->y + 12, edge ? "\xe2\x80\xa6" : "\xe2\x8b\xae", bytes_text(bytes, b));
	ptv_printf(d->t, "<path d=\"M%d %.1fH%d\" class=\"gl\"/>\n", BAR_X, d->y + 8,
		   BAR_X + BAR_MAX);
	d->y += 18;
}

static void draw_row(struct draw *d, const struct row *row)
{
	const struct ptw_mode *m = d->L->m;
	char a[24], b[24], sz[32], mp[32];
	d->y += LABEL_LINE * draw_labels(d, row, true) + 6;
	draw_labels(d, row, false);
	va_text(m, row->start, false, a);
	va_text(m, row->end, true, b);
	ptv_printf(d->t, "<text x=\"%d\" y=\"%.1f\" class=\"va\">%s</text>\n", ADDR_X,
		   d->y + BAR_H - 7, a);
	ptv_printf(d->t, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" class=\"bg\"/>\n",
		   BAR_X, d->y, row->width, BAR_H);
	row_rects(&d->L->c, row, d->q, draw_rect, d);
	uint64_t mapped = 0;
	for (size_t i = row->first; i <= row->last; i++)
		mapped += d->L->c.v[i].end - d->L->c.v[i].start;
	ptv_printf(d->t, "<text x=\"%.1f\" y=\"%.1f\" class=\"va\">%s</text>\n",
		   BAR_X + row->width + 8, d->y + BAR_H - 13, b);
	ptv_printf(d->t, "<text x=\"%.1f\" y=\"%.1f\" class=\"sm\">%s span, %s mapped</text>\n",
		   BAR_X + row->width + 8, d->y + BAR_H - 1, bytes_text(row->end - row->start, sz),
		   bytes_text(mapped, mp));
	d->y += BAR_H + 8;
}

static void draw_section(struct draw *d, const struct section *sec)
{
	const struct ptw_mode *m = d->L->m;
	char a[24], b[24];
	va_text(m, sec->start, false, a);
	va_text(m, sec->end, true, b);
	d->y += 26;
	ptv_printf(d->t, "<text x=\"%d\" y=\"%.1f\" class=\"h2\">", ADDR_X, d->y);
	xml_text(d->t, sec->name);
	ptv_printf(d->t, " <tspan class=\"va\">%s\xe2\x80\x93%s</tspan></text>\n", a, b);
	d->y += 6;
	if (!sec->nrows) {
		ptv_printf(d->t, "<text x=\"%d\" y=\"%.1f\" class=\"gap\">nothing mapped</text>\n",
			   ADDR_X + 4, d->y + 14);
		d->y += 20;
		return;
	}
	if (sec->rows[0].start > sec->start)
		draw_gap(d, sec->rows[0].start - sec->start, true);
	for (size_t k = 0; k < sec->nrows; k++) {
		if (k)
			draw_gap(d, sec->rows[k].start - sec->rows[k - 1].end, false);
		draw_row(d, &sec->rows[k]);
	}
	if (sec->end > sec->rows[sec->nrows - 1].end)
		draw_gap(d, sec->end - sec->rows[sec->nrows - 1].end, true);
}

static const char svg_style[] =
	"<style>\n"
	"text{font-family:DejaVu Sans,Verdana,Arial,sans-serif;font-size:11px;fill:#222}\n"
	".h1{font-size:17px;font-weight:bold}\n"
	".h2{font-size:13px;font-weight:bold}\n"
	".va{font-family:DejaVu Sans Mono,Menlo,Consolas,monospace;font-size:11px;font-weight:normal}\n"
	".sm{font-size:10px;fill:#555}\n"
	".rl{font-size:10.5px;fill:#333}\n"
	".gap{font-size:10.5px;font-style:italic;fill:#777}\n"
	".gl{stroke:#bbb;stroke-dasharray:3 4;fill:none}\n"
	".br{stroke:#666;fill:none}\n"
	".bg{fill:#f2f2f2;stroke:#ccc;stroke-width:0.5}\n"
	"rect{shape-rendering:crispEdges}\n"
	"</style>\n";

static void draw_title(struct draw *d)
{
	const struct ptw_space *s = d->L->s;
	const struct ptw_mode *m = d->L->m;
	ptv_printf(d->t, "<text x=\"%d\" y=\"26\" class=\"h1\">Address space %" PRIx64
		   " \xe2\x80\x94 ", ADDR_X, s->dirbase);
	xml_text(d->t, m->name);
	ptv_printf(d->t, " (");
	xml_text(d->t, m->title);
	ptv_printf(d->t, ")</text>\n<text x=\"%d\" y=\"44\">", ADDR_X);
	if (s->name[0] || s->cid >= 0) {
		ptv_printf(d->t, "owner: ");
		xml_text(d->t, s->name[0] ? s->name : "?");
		if (s->cid >= 0)
			ptv_printf(d->t, " (cid %" PRId64 ")", s->cid);
	} else {
		ptv_printf(d->t, "owner: unknown");
	}
	ptv_printf(d->t, " \xc2\xb7 OS: %s", ptw_os_name(s->os));
	if (s->kpti_peer)
		ptv_printf(d->t, " \xc2\xb7 KPTI %s copy (%s copy %" PRIx64 ")",
			   s->kpti_user ? "user" : "kernel", s->kpti_user ? "kernel" : "user",
			   s->kpti_peer);
	for (unsigned h = 0; m->split && h < 2; h++) {
		if (s->root[h] == PTW_NO_ROOT)
			ptv_printf(d->t, " \xc2\xb7 %s: none", m->root_dir[h]);
		else
			ptv_printf(d->t, " \xc2\xb7 %s: %" PRIx64, m->root_dir[h], s->root[h]);
	}
	ptv_printf(d->t, "</text>\n");
}

/* The legend: the 8 classes, the page sizes (bar heights, with counts),
 * and what stripes mean. */
static void draw_legend(struct draw *d)
{
	const struct ptw_mode *m = d->L->m;
	double y = 62;
	ptv_printf(d->t, "<g id=\"legend\">\n");
	for (unsigned u = 0; u < 2; u++) {
		ptv_printf(d->t, "<text x=\"%d\" y=\"%.1f\">%s</text>\n", ADDR_X, y + 12 + 20 * u,
			   u ? "user" : "kernel");
		for (unsigned r = 0; r < 4; r++) {
			unsigned cls = u * 4 + r;
			double x = 70 + 78 * r;
			ptv_printf(d->t, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"14\" fill=\"%s\"/>"
				   "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
				   x, y + 20 * u, class_fill[cls], x + 24, y + 12 + 20 * u, rights_name[r]);
		}
	}
	/* page sizes */
	double x = 420;
	ptv_printf(d->t, "<text x=\"%.0f\" y=\"%.0f\">page size (bar height), pages mapped:</text>\n",
		   x, y + 12);
	unsigned shown = 0;
	for (unsigned lvl = m->nlevels; lvl-- > 0;) {
		if (!ptw_level_maps_pages(m, lvl))
			continue;
		unsigned rank = run_rank(m, ptw_level_span(m, lvl));
		if (shown++ >= NRANK)
			break;
		char sz[24];
		double bx = x + 130 * (shown - 1);
		ptv_printf(d->t, "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"%.0f\" fill=\"#777\"/>"
			   "<text x=\"%.0f\" y=\"%.0f\">%s \xc3\x97 %" PRIu64 "</text>\n",
			   bx, y + 20 + BAR_H - rank_h[rank], rank_h[rank], bx + 20, y + 20 + BAR_H - 2,
			   ptv_size_name(ptw_level_span(m, lvl), sz), d->L->stats.pages[lvl]);
	}
	ptv_printf(d->t, "<rect x=\"%d\" y=\"%.0f\" width=\"18\" height=\"14\" "
		   "fill=\"url(#sparse0)\"/><text x=\"%d\" y=\"%.0f\">striped: sparsely mapped "
		   "at this scale</text>\n", 820, y, 844, y + 12);
	ptv_printf(d->t, "</g>\n");
	d->y = y + 48;
}

/* ---- putting it together ---------------------------------------------------------------- */

static size_t make_sections(struct layout *L, struct section *secs)
{
	const struct ptw_mode *m = L->m;
	uint64_t size = ptw_mode_va_size(m);
	bool two = m->canonical || m->split;
	size_t nsec = two ? 2 : 1;
	static const char *const names[2][2] = {
		{ "lower half (user)", "upper half (kernel)" },
		{ "ttbr0 half (user)", "ttbr1 half (kernel)" },
	};
	for (size_t k = 0; k < nsec; k++) {
		struct section *sec = &secs[k];
		memset(sec, 0, sizeof *sec);
		sec->start = two ? size / 2 * k : 0;
		sec->end = two ? size / 2 * (k + 1) : size;
		sec->name = two ? names[m->split][k] : "address space";
		size_t i = 0;
		while (i < L->c.n && L->c.v[i].start < sec->start)
			i++;
		sec->first = i;
		while (i < L->c.n && L->c.v[i].start < sec->end)
			i++;
		sec->n = i - sec->first;
		section_rows(&L->c, sec, m->va_bits > 32 ? 16ULL << 20 : 4ULL << 20);
	}
	return nsec;
}

/* The smallest quantum (1, 2, 4, ... px) that keeps the picture within
 * MAX_RECTS rectangles. */
static double pick_quantum(const struct layout *L, const struct section *secs, size_t nsec)
{
	double q = 1;
	for (;;) {
		size_t total = 0;
		for (size_t s = 0; s < nsec; s++)
			for (size_t k = 0; k < secs[s].nrows; k++)
				total += row_rects(&L->c, &secs[s].rows[k], q, NULL, NULL);
		if (total <= MAX_RECTS || q >= BAR_MAX)
			return q;
		q *= 2;
	}
}

static void render(struct layout *L, struct section *secs, size_t nsec, struct ptv_text *t)
{
	/* the body first: its height is the picture's */
	struct ptv_text body = {0};
	struct draw d = { .L = L, .t = &body, .q = pick_quantum(L, secs, nsec) };
	draw_title(&d);
	draw_legend(&d);
	for (size_t s = 0; s < nsec; s++)
		draw_section(&d, &secs[s]);
	double h = d.y + 16;
	ptv_printf(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		   "viewBox=\"0 0 %d %.0f\">\n", SVG_W, h, SVG_W, h);
	ptv_printf(t, "<!-- ptfs layout.svg of DirBase %" PRIx64 ": %zu spans (runs of one "
		   "class and page size), drawn %.0f px to the step. ", L->s->dirbase, L->c.n, d.q);
	xml_comment(t, L->rg.how);
	ptv_printf(t, " -->\n");
	ptv_printf(t, "<title>Address space %" PRIx64 "</title>\n", L->s->dirbase);
	ptv_printf(t, "%s<defs>\n", svg_style);
	for (unsigned i = 0; i < NCLASS; i++)
		ptv_printf(t, "<pattern id=\"sparse%u\" width=\"4\" height=\"4\" "
			   "patternUnits=\"userSpaceOnUse\"><rect width=\"2\" height=\"4\" "
			   "fill=\"%s\"/></pattern>\n", i, class_fill[i]);
	ptv_printf(t, "</defs>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	if (body.oom)
		t->oom = true;
	else
		ptv_printf_text(t, &body);
	ptv_printf(t, "</svg>\n");
	ptv_text_free(&body);
}

int ptv_render_layout(const struct ptw_space *s, struct ptv_text *t, uint64_t *len)
{
	struct layout *L = calloc(1, sizeof *L);
	struct section *secs = calloc(2, sizeof *secs);
	struct ptv_text own = {0};
	struct ptv_text *out = t ? t : &own;
	int rc = -ENOMEM;
	if (!L || !secs)
		goto done;
	L->s = s;
	L->m = s->mode;
	L->c.m = s->mode;
	L->c.want_dmap = s->os == PTW_OS_LINUX && ptw_mode_x86_64(s->mode);
	uint64_t top = ptw_mode_va_from_offset(s->mode, ptw_mode_va_size(s->mode) - 1);
	if (ptw_iterate(s, 0, top, collect_run, &L->c, &L->stats, NULL) || L->c.oom)
		goto done;
	layout_regions(L);
	size_t nsec = make_sections(L, secs);
	row_widths(secs, nsec, s->mode->page_shift);
	size_t before = out->len;
	render(L, secs, nsec, out);
	if (out->oom)
		goto done;
	if (len)
		*len = out->len - before;
	rc = 0;
done:
	if (L)
		free(L->c.v);
	free(L);
	free(secs);
	ptv_text_free(&own);
	return rc;
}
