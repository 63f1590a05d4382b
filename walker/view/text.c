/* view/text.c — the texts of the tree: /info, a space's info and maps, and
 * the entry files.  Each is built only from what it describes: an entry
 * file reads one entry, maps walks its one space. */
#include "view/view.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ptv_text_free(struct ptv_text *t)
{
	free(t->p);
	memset(t, 0, sizeof *t);
}

void ptv_printf(struct ptv_text *t, const char *fmt, ...)
{
	if (t->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = t->cap - t->len;
		int n = vsnprintf(t->p ? t->p + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if ((size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap ? t->cap : 256;
		while (cap - t->len <= (size_t)n)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
}

static int text_status(const struct ptv_text *t)
{
	return t->oom ? -12 /* ENOMEM */ : 0;
}

int ptv_printf_text(struct ptv_text *t, const struct ptv_text *src)
{
	if (src->len)
		ptv_printf(t, "%.*s", (int)src->len, src->p);
	return text_status(t);
}

/* Hex digits of a VA for the mode: 16, or 8 on the 32-bit modes. */
int ptv_va_digits(const struct ptw_mode *m)
{
	return m->va_bits > 32 ? 16 : 8;
}

const char *ptv_size_name(uint64_t size, char buf[24])
{
	/* The largest unit the size is a whole number of: 4K, 2M, 1G, 512G. */
	static const char unit[] = "KMGTPE";
	unsigned u = 0;
	if (size == 0 || size % 1024) {
		snprintf(buf, 24, "?");
		return buf;
	}
	size /= 1024;
	while (unit[u + 1] && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	snprintf(buf, 24, "%" PRIu64 "%c", size, unit[u]);
	return buf;
}

static const char *human(uint64_t bytes, char *buf, size_t n)
{
	static const char *unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;
	while (u + 1 < 5 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, n, "%" PRIu64 " %s", bytes, unit[u]);
	return buf;
}


/* ---- /info ------------------------------------------------------------------ */

/* A process id, or "-" when unknown (negative). */
static const char *hex_text(uint64_t v, char *buf, size_t n)
{
	snprintf(buf, n, "%" PRIx64, v);
	return buf;
}

static const char *id_text(int64_t id, char *buf, size_t n)
{
	if (id >= 0)
		snprintf(buf, n, "%" PRId64, id);
	else
		snprintf(buf, n, "-");
	return buf;
}

/* What a Windows crash dump's header says (dump/windows.c). */
static void render_windows_header(const struct ptw_dump_hints *h,
				  struct ptv_text *t)
{
	const char *type = ptw_windows_dump_type_name(h->dump_type);
	ptv_printf(t, "windows: DumpType %" PRIu32 " (%s), DirectoryTableBase %" PRIx64
		   ", PsActiveProcessHead %" PRIx64 ", PsLoadedModuleList %" PRIx64
		   ", KdDebuggerDataBlock %" PRIx64 ", PfnDatabase %" PRIx64
		   ", BugCheck 0x%08" PRIx32 ", processors %" PRIu32 "\n",
		   h->dump_type, type, h->dirbase, h->ps_active_process_head,
		   h->ps_loaded_module_list, h->kd_debugger_data_block,
		   h->pfn_database, h->bugcheck_code, h->nprocessors);
}

const char *ptv_machine_name(const ptw_dump *d)
{
	static const char *machines[] = { "unknown", "i386", "x86-64", "aarch64" };
	return machines[ptw_dump_machine(d)];
}

const char *ptv_os_release(const ptw_dump *d, char *buf, size_t n)
{
	return ptw_vmcoreinfo_get(d, "OSRELEASE", buf, n) ? buf : NULL;
}

void ptv_space_rec(const struct ptw_space *s, struct ptv_space_rec *r)
{
	r->cid = s->cid < 0 ? -1 : s->cid;
	r->parent = s->ppid < 0 ? -1 : s->ppid;
	r->name = s->name;
	r->owner_from = ptw_owner_from_name(s->owner_from);
	ptw_found_string(s, r->found, sizeof r->found);
}

/* ---- guests ------------------------------------------------------------------ */

static void render_vmcb(const struct ptw_vmcb *v, const char *indent, struct ptv_text *t)
{
	ptv_printf(t, "%svmcb %" PRIx64 "  asid %u  cr0 %" PRIx64 "  cr3 %" PRIx64 "  cr4 %" PRIx64
		   "  efer %" PRIx64 "  rip %" PRIx64 "  rsp %" PRIx64 "  exit-code %" PRIx64,
		   indent, v->pa, v->asid, v->cr0, v->cr3, v->cr4, v->efer, v->rip, v->rsp,
		   v->exit_code);
	if (v->cpu >= 0)
		ptv_printf(t, "  in-guest-at-dump: cpu %d", v->cpu);
	if (v->hsave)
		ptv_printf(t, "  host-save %" PRIx64, v->hsave);
	ptv_printf(t, "\n");
}

const struct ptw_space *ptv_vmm_space(const struct ptw_spaces *host, const struct ptw_vm *vm)
{
	return vm->host_cr3 ? ptw_spaces_find(host, vm->host_cr3) : NULL;
}

/* The host's table a guest's VMM ran on, with its owner where known. */
static void render_vmm(const struct ptw_spaces *host, const struct ptw_vm *vm,
		       struct ptv_text *t)
{
	if (!vm->host_cr3) {
		ptv_printf(t, "unknown (no host-save area names its VMCBs)");
		return;
	}
	const struct ptw_space *s = ptv_vmm_space(host, vm);
	ptv_printf(t, "host table %" PRIx64, vm->host_cr3);
	if (s && s->cid >= 0)
		ptv_printf(t, " (cid %" PRId64 " %s)", s->cid, s->name[0] ? s->name : "-");
}

/* The host's /info: the guests found, and the candidates dropped. */
static void render_vms(const struct ptw_spaces *sp, struct ptv_text *t)
{
	const struct ptw_vms *vms = &sp->vms;
	char h[32];
	if (!vms->searched) {
		ptv_printf(t, "vms: not searched (%s)\n",
			   sp->scan.threads ? "not an x86-64 host" : "no scan");
		return;
	}
	ptv_printf(t, "vms: %zu (VMCB and host-save candidates %zu%s, rejected %zu)\n", vms->n,
		   vms->ncands, vms->capped ? ", capped" : "", vms->nrejected);
	for (size_t i = 0; i < vms->n; i++) {
		const struct ptw_vm *vm = &vms->v[i];
		ptv_printf(t, "  %" PRIx64 "  vcpus %zu  nested %s  guest-mode %s  mapped %s in %" PRIu64
			   " runs  vmm ", vm->id, vm->nvcpus, vm->npt->name,
			   vm->guest_mode ? vm->guest_mode->name : "none (paging off)",
			   human(vm->mapped, h, sizeof h), vm->runs);
		render_vmm(sp, vm, t);
		ptv_printf(t, "\n");
		for (size_t k = 0; k < vm->nvcpus; k++)
			render_vmcb(&vm->vcpus[k], "    ", t);
	}
	for (size_t i = 0; i < vms->nhsave; i++)
		ptv_printf(t, "  host-save %" PRIx64 "  cr3 %" PRIx64 "  rax %" PRIx64 "\n",
			   vms->hsave[i].pa, vms->hsave[i].cr3, vms->hsave[i].rax);
	size_t shown = vms->nrejected < PTW_VM_REJECTS_MAX ? vms->nrejected : PTW_VM_REJECTS_MAX;
	for (size_t i = 0; i < shown; i++)
		ptv_printf(t, "  rejected %" PRIx64 ": %s\n", vms->rejected[i].pa,
			   vms->rejected[i].why);
	if (shown < vms->nrejected)
		ptv_printf(t, "  rejected: %zu more not listed\n", vms->nrejected - shown);
}

int ptv_render_vms(const ptv_fs *fs, struct ptv_text *t)
{
	const struct ptw_spaces *sp = &fs->spaces;
	char h[32], mapped[40];
	ptv_printf(t, "%-16s %-5s %-6s %-10s %-12s %-6s %s\n", "ID", "VCPUS", "NESTED",
		   "GUEST-MODE", "MAPPED", "RUNS", "VMM");
	for (size_t i = 0; i < sp->vms.n; i++) {
		const struct ptw_vm *vm = &sp->vms.v[i];
		snprintf(mapped, sizeof mapped, "%s", human(vm->mapped, h, sizeof h));
		ptv_printf(t, "%-16" PRIx64 " %-5zu %-6s %-10s %-12s %-6" PRIu64 " ", vm->id,
			   vm->nvcpus, vm->npt->name,
			   vm->guest_mode ? vm->guest_mode->name : "none", mapped, vm->runs);
		render_vmm(sp, vm, t);
		ptv_printf(t, "\n");
	}
	return text_status(t);
}

/* A guest's /info starts with what its VM is. */
static void render_vm_header(const ptv_fs *fs, struct ptv_text *t)
{
	const struct ptw_vm *vm = fs->vm;
	char h[32];
	ptv_printf(t, "vm: %" PRIx64 "\n", vm->id);
	ptv_printf(t, "nested-table: %s (%s) at host PA %" PRIx64
		   ", the VMCBs' N_CR3; its format is the host's paging mode\n",
		   vm->npt->name, vm->npt->title, vm->id);
	ptv_printf(t, "nested-maps: %s in %" PRIu64 " runs\n", human(vm->mapped, h, sizeof h),
		   vm->runs);
	ptv_printf(t, "guest-mode: %s (%s)\n", vm->guest_mode ? vm->guest_mode->name : "none",
		   vm->mode_how);
	ptv_printf(t, "vmm: ");
	render_vmm(&fs->host->spaces, vm, t);
	ptv_printf(t, "\n");
	ptv_printf(t, "vcpus: %zu\n", vm->nvcpus);
	for (size_t k = 0; k < vm->nvcpus; k++) {
		ptv_printf(t, "  vcpu %zu: ", k);
		render_vmcb(&vm->vcpus[k], "", t);
	}
}

int ptv_render_info(const ptv_fs *fs, struct ptv_text *t)
{
	const ptw_dump *d = fs->dump;
	const struct ptw_spaces *sp = &fs->spaces;
	char h[32];
	if (fs->vm)
		render_vm_header(fs, t);
	ptv_printf(t, "dump: %s\n", fs->path);
	ptv_printf(t, "format: %s\n", ptw_dump_format(d));
	ptv_printf(t, "file-size: %" PRIu64 "\n", ptw_dump_file_size(d));
	ptv_printf(t, "machine: %s\n", ptv_machine_name(d));
	const struct ptw_range *r;
	size_t nr = ptw_dump_ranges(d, &r);
	ptv_printf(t, "phys-size: %" PRIu64 " (%s)\n", ptw_dump_phys_size(d),
		   human(ptw_dump_phys_size(d), h, sizeof h));
	ptv_printf(t, "phys-end: %" PRIx64 "\n", ptw_dump_phys_end(d));
	ptv_printf(t, "phys-ranges: %zu\n", nr);
	for (size_t i = 0; i < nr; i++)
		ptv_printf(t, "  %016" PRIx64 "-%016" PRIx64 "  %s\n", r[i].start,
			   r[i].start + r[i].size, human(r[i].size, h, sizeof h));
	const struct ptw_cpu *c;
	size_t nc = ptw_dump_cpus(d, &c);
	ptv_printf(t, "cpus: %zu\n", nc);
	for (size_t i = 0; i < nc; i++) {
		ptv_printf(t, "  cpu %u: cr0 %" PRIx64 " cr3 %" PRIx64 " cr4 %" PRIx64,
			   c[i].index, c[i].cr0, c[i].cr3, c[i].cr4);
		if (ptw_vms_of_cpu(&sp->vms, c[i].index))
			ptv_printf(t, " (in a guest at the dump: the registers are the guest's; see vms)");
		ptv_printf(t, "\n");
	}
	char v[128];
	const char *release = ptv_os_release(d, v, sizeof v);
	ptv_printf(t, "vmcoreinfo: %s", release ? release
		   : ptw_dump_vmcoreinfo(d, NULL) ? "present" : "none");
	if (ptw_dump_vmcoreinfo(d, NULL) && d->vmcoreinfo_pa != UINT64_MAX)
		ptv_printf(t, " (found in memory at PA %" PRIx64 ")", d->vmcoreinfo_pa);
	ptv_printf(t, "\n");
	if (ptw_dump_hints(d)->os == PTW_OS_WINDOWS)
		render_windows_header(ptw_dump_hints(d), t);
	ptv_printf(t, "paging-mode: %s (%s)\n", sp->mode->name, sp->mode->title);
	ptv_printf(t, "mode-from: %s\n", sp->mode_how);
	if (sp->mode->split)
		ptv_printf(t, "upper-root: %s %s\n", sp->mode->root_dir[1],
			   sp->upper_root == PTW_NO_ROOT ? "unknown" : hex_text(sp->upper_root, h, sizeof h));
	if (sp->scan.threads)
		ptv_printf(t, "scan: %" PRIu64 " pages in %.3f s (%u thread%s)\n",
			   sp->scan.pages, sp->scan.seconds, sp->scan.threads,
			   sp->scan.threads == 1 ? "" : "s");
	else
		ptv_printf(t, "scan: not run\n");
	if (sp->owners_how[0])
		ptv_printf(t, "owners: %s\n", sp->owners_how);
	ptv_printf(t, "address-spaces: %zu\n", sp->n);
	for (size_t i = 0; i < sp->n; i++) {
		struct ptv_space_rec r;
		char cid[24], ppid[24];
		ptv_space_rec(&sp->v[i], &r);
		ptv_printf(t, "  %" PRIx64 "  cid %s  parent %s  name %s  owner-from %s  found: %s\n",
			   sp->v[i].dirbase, id_text(r.cid, cid, sizeof cid),
			   id_text(r.parent, ppid, sizeof ppid), r.name[0] ? r.name : "-",
			   r.owner_from, r.found);
	}
	if (!fs->vm)
		render_vms(sp, t);
	else if (sp->vms.n)
		ptv_printf(t, "vms: %zu guests of this guest found (not shown as trees)\n",
			   sp->vms.n);
	return text_status(t);
}

/* ---- ps ---------------------------------------------------------------------- */

int ptv_render_ps(const struct ptw_spaces *sp, struct ptv_text *t)
{
	/* MODE as wide as the mode's name (arm64-16k-47), at least 5 */
	int mw = (int)strlen(sp->mode->name) > 5 ? (int)strlen(sp->mode->name) : 5;
	ptv_printf(t, "%-8s %-8s %-16s %-*s %-16s %-13s %s\n", "CID", "PARENT",
		   "DIRBASE", mw, "MODE", "NAME", "OWNER-FROM", "FOUND");
	for (size_t i = 0; i < sp->n; i++) {
		const struct ptw_space *s = &sp->v[i];
		struct ptv_space_rec r;
		char cid[24], ppid[24];
		ptv_space_rec(s, &r);
		ptv_printf(t, "%-8s %-8s %-16" PRIx64 " %-*s %-16s %-13s %s\n",
			   id_text(r.cid, cid, sizeof cid), id_text(r.parent, ppid, sizeof ppid),
			   s->dirbase, mw, s->mode->name, r.name[0] ? r.name : "-",
			   r.owner_from, r.found);
	}
	return text_status(t);
}

/* ---- maps ------------------------------------------------------------------- */

struct each_map {
	const struct ptw_space *s;
	const struct ptw_mode *m;
	ptv_map_fn fn;
	void *ctx;
};

static int map_run(void *ctx, const struct ptw_run *r)
{
	struct each_map *c = ctx;
	struct ptv_map_rec rec = { .va = r->va, .end = r->va + r->size, .pa = r->pa,
				   .page_size = r->page_size };
	/* The effective flags, decoded at the level that mapped the page. */
	unsigned lvl = c->m->nlevels - 1;
	while (lvl > 0 && ptw_level_span(c->m, lvl) != r->page_size)
		lvl--;
	ptw_space_rights_string(c->s, lvl, r->eff, rec.flags);
	ptv_size_name(r->page_size, rec.page);
	rec.top = rec.end == 0;
	return c->fn(c->ctx, &rec);
}

int ptv_each_map(const struct ptw_space *s, ptv_map_fn fn, void *ctx,
		 struct ptw_iter_stats *stats)
{
	const struct ptw_mode *m = s->mode;
	struct each_map c = { s, m, fn, ctx };
	uint64_t top = ptw_mode_va_from_offset(m, ptw_mode_va_size(m) - 1);
	return ptw_iterate(s, 0, top, map_run, &c, stats, NULL) ? -12 : 0;
}

struct maps_ctx {
	const struct ptw_mode *m;
	struct ptv_text *t;     /* NULL: only measure */
	uint64_t len;
};

static int maps_line(void *ctx, const struct ptv_map_rec *r)
{
	struct maps_ctx *c = ctx;
	int w = ptv_va_digits(c->m);
	char line[128];
	/* A run reaching the top of the address space ends at 2^64: "1" and
	 * sixteen zeros, not a wrapped 0. */
	int n = snprintf(line, sizeof line, "%0*" PRIx64 "-%s%0*" PRIx64 " %016" PRIx64 " %s %s\n",
			 w, r->va, r->top ? "1" : "", w, r->end, r->pa, r->page, r->flags);
	c->len += (uint64_t)n;
	if (c->t)
		ptv_printf(c->t, "%s", line);
	return c->t && c->t->oom;
}

int ptv_render_maps(const struct ptw_space *s, struct ptv_text *t,
		    uint64_t *len, struct ptw_iter_stats *stats)
{
	struct maps_ctx c = { s->mode, t, 0 };
	if (ptv_each_map(s, maps_line, &c, stats))
		return -12;
	if (len)
		*len = c.len;
	return t ? text_status(t) : 0;
}

/* ---- a space's info ---------------------------------------------------------- */

const char *ptv_page_word(const struct ptw_mode *m, unsigned lvl, char buf[24])
{
	ptv_size_name(ptw_level_span(m, lvl), buf);
	for (char *c = buf; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return buf;
}

int ptv_render_space_info(const struct ptw_space *s,
			  const struct ptw_iter_stats *st, struct ptv_text *t)
{
	const struct ptw_mode *m = s->mode;
	struct ptv_space_rec r;
	ptv_space_rec(s, &r);
	ptv_printf(t, "dirbase: %" PRIx64 "\n", s->dirbase);
	ptv_printf(t, "mode: %s (%s)\n", m->name, m->title);
	for (unsigned h = 0; m->split && h < 2; h++) {
		if (s->root[h] == PTW_NO_ROOT)
			ptv_printf(t, "%s: none\n", m->root_dir[h]);
		else
			ptv_printf(t, "%s: %" PRIx64 "\n", m->root_dir[h], s->root[h]);
	}
	char id[24];
	ptv_printf(t, "cid: %s\n", id_text(r.cid, id, sizeof id));
	ptv_printf(t, "parent: %s\n", id_text(r.parent, id, sizeof id));
	ptv_printf(t, "name: %s\n", r.name[0] ? r.name : "-");
	ptv_printf(t, "owner-from: %s\n", r.owner_from);
	if (s->owner_object)
		ptv_printf(t, "owner-object: %" PRIx64 "\n", s->owner_object);
	ptv_printf(t, "found: %s\n", r.found);
	if (s->kpti_peer)
		ptv_printf(t, "kpti-%s: %" PRIx64 "\n",
			   s->kpti_user ? "kernel" : "user", s->kpti_peer);
	int sm = ptw_space_selfmap(s);
	if (sm < 0) {
		ptv_printf(t, "selfmap: none\n");
	} else if (m->pae_selfmap) {
		ptv_printf(t, "selfmap: pdpte 3 (PTEs at c0000000, PDEs at c0600000)\n");
	} else {
		/* PTE_BASE: the VA whose top index is the self-map slot. */
		unsigned top = m->level[0].shift;
		uint64_t base = ptw_mode_va_from_offset(m, (uint64_t)sm << top);
		ptv_printf(t, "selfmap: 0x%x (PTEs at %0*" PRIx64 ")\n", (unsigned)sm,
			   ptv_va_digits(m), base);
	}
	/* Pages by size, smallest first: one line per level that maps pages,
	 * named by its span ("pages-4k", "pages-2m"). */
	for (unsigned lvl = m->nlevels; lvl-- > 0;) {
		if (!ptw_level_maps_pages(m, lvl))
			continue;
		char size[24];
		ptv_printf(t, "pages-%s: %" PRIu64 "\n", ptv_page_word(m, lvl, size),
			   st->pages[lvl]);
	}
	ptv_printf(t, "tables: %" PRIu64 "\n", st->tables);
	ptv_printf(t, "reserved-entries: %" PRIu64 "\n", st->reserved);
	ptv_printf(t, "tables-outside-dump: %" PRIu64 "\n", st->holes);
	ptv_printf(t, "shared-tables: %" PRIu64 "%s\n", st->revisits,
		   st->truncated ? " (limit reached: tables loop; listing cut short)"
				 : "");
	return text_status(t);
}

/* ---- entry files -------------------------------------------------------------- */

int ptv_render_entry(const struct ptw_space *s, unsigned level,
		     uint64_t table, unsigned index, uint64_t base,
		     struct ptv_text *t)
{
	const struct ptw_mode *m = s->mode;
	uint64_t addr = table + (uint64_t)index * m->entry_size;
	uint64_t e;
	if (!ptw_phys_entry(s->dump, addr, m->entry_size, &e))
		return -5; /* EIO: the table left the dump */
	uint64_t span = ptw_level_span(m, level);
	uint64_t first = base + span * index;
	int w = ptv_va_digits(m);
	char flags[16];
	ptw_space_flags_string(s, level, e, flags);
	ptv_printf(t, "level: %s\n", m->level[level].entry_name);
	ptv_printf(t, "index: %u\n", index);
	ptv_printf(t, "table: %" PRIx64 "\n", table);
	ptv_printf(t, "address: %" PRIx64 "\n", addr);
	/* A guest's table lives in its host's memory, where a nested table
	 * put it. */
	uint64_t host_pa;
	if (ptw_dump_host_pa(s->dump, addr, &host_pa))
		ptv_printf(t, "host-address: %" PRIx64 "\n", host_pa);
	ptv_printf(t, "contains: %0*" PRIx64 "\n", (int)m->entry_size * 2, e);
	bool present = pt_valid(m, level, e);
	struct ptw_swpte sw;
	ptv_soft_of(s, level, e, &sw);
	if (present)
		ptv_printf(t, "pfn: %" PRIx64 "\n", ptw_entry_address(m, level, e) >> m->page_shift);
	else if (sw.kind == PTW_SW_TRANSITION || sw.kind == PTW_SW_PROTNONE)
		ptv_printf(t, "pfn: %" PRIx64 "\n", sw.pfn); /* resident, not present */
	else
		ptv_printf(t, "pfn: -\n");
	ptv_printf(t, "flags: %s\n", flags);
	char attrs[256];
	if (present && ptw_entry_attributes(m, level, e, attrs, sizeof attrs))
		ptv_printf(t, "attributes: %s\n", attrs);
	/* The OS's own marks, by its names (Linux x86: special, soft-dirty...;
	 * paging/x86.c), where WinDbg's letters have none or another. */
	if (present && ptw_entry_software(s, level, e, attrs, sizeof attrs))
		ptv_printf(t, "software: %s\n", attrs);
	/* A nested table's offsets are guest-physical addresses. */
	ptv_printf(t, "%s: %0*" PRIx64 "-%0*" PRIx64 "\n",
		   m->id == PTW_MODE_NPT ? "guest-pa" : "va", w,
		   ptw_sign_extend(m, first), w,
		   ptw_sign_extend(m, first + span - 1));
	if (!present) {
		/* What the OS keeps in it (paging/x86.c): the same words as !pte. */
		if (sw.kind != PTW_SW_UNKNOWN)
			ptv_printf(t, "os: %s\n", ptw_os_name(s->os));
		ptv_describe_soft(s, level, e, "", t);
		return text_status(t);
	}
	uint64_t rsvd = ptw_entry_reserved(m, level, e);
	if (rsvd)
		ptv_printf(t, "reserved: %" PRIx64 " (the CPU faults here; not followed)\n",
			   rsvd);
	if (ptw_entry_is_leaf(m, level, e)) {
		char size[24];
		ptv_printf(t, "page: %s\n", ptv_size_name(span, size));
	} else if (!rsvd) {
		uint64_t next = ptw_entry_address(m, level, e);
		uint64_t bytes = ptw_table_bytes(m, level + 1);
		if (!ptw_phys_any(s->dump, next, bytes))
			ptv_printf(t, "next-table: %" PRIx64 " (outside the dump)\n", next);
		else if (!ptw_phys_holds(s->dump, next, bytes))
			ptv_printf(t, "next-table: %" PRIx64 " (partly outside the dump)\n", next);
	}
	return text_status(t);
}
