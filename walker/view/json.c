/* view/json.c — the records of the texts as JSON, for scripts (ptwalk
 * --json, /info.json, /dtb/<x>/info.json).
 *
 * Built from the same records the texts are built from (view/view.h), so
 * that the two forms say the same.  Conventions (README "Scripting"):
 * addresses, entry values and PFNs are strings, "0x" and lowercase hex
 * without leading zeros ("0x7f55b8400000"), since JSON numbers lose
 * precision past 2^53 in most readers; counts, indexes and sizes are
 * numbers; what is unknown is null.  A document is one line, so that a
 * table is JSON Lines: one object per line.
 */
#include "view/view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- the writer ------------------------------------------------------------- */

#define JSON_DEPTH 8

/* One document being written: whether each open object or array holds a
 * member already (the next needs a comma). */
struct json {
	struct ptv_text *t;
	unsigned depth;
	bool more[JSON_DEPTH];
};

/* The renderers nest at most 4 deep; past JSON_DEPTH commas would be lost,
 * so the bound is checked, never overrun. */
static void json_sep(struct json *j)
{
	if (!j->depth || j->depth > JSON_DEPTH)
		return;
	if (j->more[j->depth - 1])
		ptv_printf(j->t, ",");
	j->more[j->depth - 1] = true;
}

size_t ptv_utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
	if (c < 0xc2 || c > 0xf4 || len > n)
		return 0;
	uint32_t cp = c & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string of n bytes of s.  Names come from guest memory and may
 * hold any byte: control characters (DEL too), and bytes that are not part
 * of valid UTF-8, are written as \u00XX, the code point of the byte's
 * value (a Latin-1 name reads right; valid UTF-8 passes unchanged). */
static void json_string(struct json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	ptv_printf(j->t, "\"");
	for (size_t i = 0; i < n;) {
		size_t run = i;
		/* plain ASCII up to the next byte needing care, in one go */
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
		       p[run] != '\\')
			run++;
		if (run > i) {
			ptv_printf(j->t, "%.*s", (int)(run - i), s + i);
			i = run;
			continue;
		}
		unsigned c = p[i];
		size_t len = c >= 0x80 ? ptv_utf8_len(p + i, n - i) : 0;
		if (len) {
			ptv_printf(j->t, "%.*s", (int)len, s + i);
			i += len;
			continue;
		}
		if (c == '"' || c == '\\')
			ptv_printf(j->t, "\\%c", (char)c);
		else if (c == '\n')
			ptv_printf(j->t, "\\n");
		else if (c == '\t')
			ptv_printf(j->t, "\\t");
		else
			ptv_printf(j->t, "\\u%04x", c);
		i++;
	}
	ptv_printf(j->t, "\"");
}

/* Every value goes through here: the comma, and the key in an object
 * (key NULL in an array, or for the document itself). */
static void json_key(struct json *j, const char *key)
{
	json_sep(j);
	if (key) {
		json_string(j, key, strlen(key));
		ptv_printf(j->t, ":");
	}
}

static void json_open(struct json *j, const char *key, char brace)
{
	json_key(j, key);
	ptv_printf(j->t, "%c", brace);
	if (j->depth < JSON_DEPTH)
		j->more[j->depth] = false;
	j->depth++;
}

static void json_close(struct json *j, char brace)
{
	j->depth--;
	ptv_printf(j->t, "%c", brace);
	if (!j->depth) /* a document ends its line */
		ptv_printf(j->t, "\n");
}

static void json_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s, strlen(s));
}

/* A string, or null for NULL and "". */
static void json_str_or_null(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s && *s)
		json_string(j, s, strlen(s));
	else
		ptv_printf(j->t, "null");
}

static void json_hex(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	ptv_printf(j->t, "\"0x%" PRIx64 "\"", v);
}

static void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	ptv_printf(j->t, "%" PRIu64, v);
}

/* A number, or null when negative (unknown). */
static void json_id(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	if (v < 0)
		ptv_printf(j->t, "null");
	else
		ptv_printf(j->t, "%" PRId64, v);
}

static void json_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	ptv_printf(j->t, "%s", v ? "true" : "false");
}

static void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	ptv_printf(j->t, "null");
}

static int json_status(const struct ptv_text *t)
{
	return t->oom ? -ENOMEM : 0;
}

/* ---- spaces: /info, ps, a space's info --------------------------------------- */

/* What info and ps show of a space; the caller's object stays open. */
static void json_space_fields(struct json *j, const struct ptw_space *s)
{
	const struct ptw_mode *m = s->mode;
	struct ptv_space_rec r;
	ptv_space_rec(s, &r);
	json_hex(j, "dirbase", s->dirbase);
	json_id(j, "cid", r.cid);
	json_id(j, "parent", r.parent);
	json_str_or_null(j, "name", r.name);
	json_str(j, "mode", m->name);
	/* A split space's roots (AArch64's ttbr0, ttbr1), by their names. */
	for (unsigned h = 0; m->split && h < 2; h++) {
		if (s->root[h] == PTW_NO_ROOT)
			json_null(j, m->root_dir[h]);
		else
			json_hex(j, m->root_dir[h], s->root[h]);
	}
	if (s->owner_from == PTW_OWNER_NONE)
		json_null(j, "owner_from");
	else
		json_str(j, "owner_from", r.owner_from);
	json_str(j, "found", r.found);
}

static void json_windows_header(struct json *j, const struct ptw_dump_hints *h)
{
	json_open(j, "windows", '{');
	json_u64(j, "dump_type", h->dump_type);
	json_str(j, "dump_type_name", ptw_windows_dump_type_name(h->dump_type));
	json_hex(j, "directory_table_base", h->dirbase);
	json_hex(j, "ps_active_process_head", h->ps_active_process_head);
	json_hex(j, "ps_loaded_module_list", h->ps_loaded_module_list);
	json_hex(j, "kd_debugger_data_block", h->kd_debugger_data_block);
	json_hex(j, "pfn_database", h->pfn_database);
	json_hex(j, "bugcheck", h->bugcheck_code);
	json_u64(j, "processors", h->nprocessors);
	json_close(j, '}');
}

static void json_dump_facts(struct json *j, const ptv_fs *fs)
{
	const ptw_dump *d = fs->dump;
	json_str(j, "dump", fs->path);
	json_str(j, "format", ptw_dump_format(d));
	json_u64(j, "file_size", ptw_dump_file_size(d));
	json_str(j, "machine", ptv_machine_name(d));
	json_u64(j, "phys_size", ptw_dump_phys_size(d));
	json_hex(j, "phys_end", ptw_dump_phys_end(d));
	const struct ptw_range *r;
	size_t nr = ptw_dump_ranges(d, &r);
	json_open(j, "phys_ranges", '[');
	for (size_t i = 0; i < nr; i++) {
		json_open(j, NULL, '{');
		json_hex(j, "start", r[i].start);
		json_hex(j, "end", r[i].start + r[i].size);
		json_u64(j, "size", r[i].size);
		json_close(j, '}');
	}
	json_close(j, ']');
	const struct ptw_cpu *c;
	size_t nc = ptw_dump_cpus(d, &c);
	json_open(j, "cpus", '[');
	for (size_t i = 0; i < nc; i++) {
		json_open(j, NULL, '{');
		json_u64(j, "index", c[i].index);
		json_hex(j, "cr0", c[i].cr0);
		json_hex(j, "cr3", c[i].cr3);
		json_hex(j, "cr4", c[i].cr4);
		json_close(j, '}');
	}
	json_close(j, ']');
	char v[128];
	json_open(j, "vmcoreinfo", '{');
	json_bool(j, "present", ptw_dump_vmcoreinfo(d, NULL) != NULL);
	json_str_or_null(j, "osrelease", ptv_os_release(d, v, sizeof v));
	if (ptw_dump_vmcoreinfo(d, NULL) && d->vmcoreinfo_pa != UINT64_MAX)
		json_hex(j, "found_at_pa", d->vmcoreinfo_pa);
	else
		json_null(j, "found_at_pa");
	json_close(j, '}');
	if (ptw_dump_hints(d)->os == PTW_OS_WINDOWS)
		json_windows_header(j, ptw_dump_hints(d));
}

/* ---- guests ---------------------------------------------------------------------- */

static void json_vmcb(struct json *j, const struct ptw_vmcb *v)
{
	json_open(j, NULL, '{');
	json_hex(j, "vmcb", v->pa);
	json_u64(j, "asid", v->asid);
	json_hex(j, "cr0", v->cr0);
	json_hex(j, "cr3", v->cr3);
	json_hex(j, "cr4", v->cr4);
	json_hex(j, "efer", v->efer);
	json_hex(j, "rip", v->rip);
	json_hex(j, "rsp", v->rsp);
	json_hex(j, "rflags", v->rflags);
	json_hex(j, "exit_code", v->exit_code);
	json_hex(j, "exit_info1", v->exit_info1);
	json_hex(j, "exit_info2", v->exit_info2);
	if (v->cpu >= 0)
		json_u64(j, "in_guest_at_dump_cpu", (uint64_t)v->cpu);
	else
		json_null(j, "in_guest_at_dump_cpu");
	if (v->hsave)
		json_hex(j, "host_save", v->hsave);
	else
		json_null(j, "host_save");
	json_close(j, '}');
}

/* One guest's facts; host's spaces name its VMM's table. */
static void json_vm_fields(struct json *j, const struct ptw_vm *vm,
			   const struct ptw_spaces *host)
{
	json_hex(j, "id", vm->id);
	json_str(j, "nested_mode", vm->npt->name);
	if (vm->guest_mode)
		json_str(j, "guest_mode", vm->guest_mode->name);
	else
		json_null(j, "guest_mode");
	json_str(j, "guest_mode_from", vm->mode_how);
	json_u64(j, "mapped", vm->mapped);
	json_u64(j, "runs", vm->runs);
	const struct ptw_space *s = ptv_vmm_space(host, vm);
	if (vm->host_cr3)
		json_hex(j, "vmm_dirbase", vm->host_cr3);
	else
		json_null(j, "vmm_dirbase");
	json_id(j, "vmm_cid", s ? s->cid : -1);
	json_str_or_null(j, "vmm_name", s ? s->name : "");
	json_open(j, "vcpus", '[');
	for (size_t k = 0; k < vm->nvcpus; k++)
		json_vmcb(j, &vm->vcpus[k]);
	json_close(j, ']');
}

/* The host's search: what was found, kept and dropped. */
static void json_vms(struct json *j, const struct ptw_spaces *sp)
{
	const struct ptw_vms *vms = &sp->vms;
	if (!vms->searched) {
		json_null(j, "vms");
		return;
	}
	json_open(j, "vms", '{');
	json_u64(j, "candidates", vms->ncands);
	json_bool(j, "capped", vms->capped);
	json_open(j, "found", '[');
	for (size_t i = 0; i < vms->n; i++) {
		json_open(j, NULL, '{');
		json_vm_fields(j, &vms->v[i], sp);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_open(j, "host_save", '[');
	for (size_t i = 0; i < vms->nhsave; i++) {
		json_open(j, NULL, '{');
		json_hex(j, "pa", vms->hsave[i].pa);
		json_hex(j, "cr3", vms->hsave[i].cr3);
		json_hex(j, "rax", vms->hsave[i].rax);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_u64(j, "rejected_total", vms->nrejected);
	json_open(j, "rejected", '[');
	for (size_t i = 0; i < vms->nrejected && i < PTW_VM_REJECTS_MAX; i++) {
		json_open(j, NULL, '{');
		json_hex(j, "pa", vms->rejected[i].pa);
		json_str(j, "why", vms->rejected[i].why);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

int ptv_render_vms_json(const ptv_fs *fs, struct ptv_text *t)
{
	const struct ptw_spaces *sp = &fs->spaces;
	for (size_t i = 0; i < sp->vms.n; i++) {
		struct json j = { .t = t };
		json_open(&j, NULL, '{');
		json_vm_fields(&j, &sp->vms.v[i], sp);
		json_close(&j, '}');
	}
	return json_status(t);
}

int ptv_render_info_json(const ptv_fs *fs, struct ptv_text *t)
{
	const struct ptw_spaces *sp = &fs->spaces;
	struct json j = { .t = t };
	json_open(&j, NULL, '{');
	if (fs->vm) { /* a guest's tree: what its VM is, first */
		json_open(&j, "vm", '{');
		json_vm_fields(&j, fs->vm, &fs->host->spaces);
		json_close(&j, '}');
	}
	json_dump_facts(&j, fs);
	json_str(&j, "paging_mode", sp->mode->name);
	json_str(&j, "paging_mode_title", sp->mode->title);
	json_str(&j, "mode_from", sp->mode_how);
	if (sp->mode->split) {
		if (sp->upper_root == PTW_NO_ROOT)
			json_null(&j, "upper_root");
		else
			json_hex(&j, "upper_root", sp->upper_root);
	}
	if (sp->scan.threads) {
		json_open(&j, "scan", '{');
		json_u64(&j, "pages", sp->scan.pages);
		json_key(&j, "seconds");
		ptv_printf(t, "%.3f", sp->scan.seconds);
		json_u64(&j, "threads", sp->scan.threads);
		json_close(&j, '}');
	} else {
		json_null(&j, "scan");
	}
	json_str_or_null(&j, "owners", sp->owners_how);
	json_open(&j, "address_spaces", '[');
	for (size_t i = 0; i < sp->n; i++) {
		json_open(&j, NULL, '{');
		json_space_fields(&j, &sp->v[i]);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	if (!fs->vm)
		json_vms(&j, sp);
	json_close(&j, '}');
	return json_status(t);
}

int ptv_render_ps_json(const struct ptw_spaces *sp, struct ptv_text *t)
{
	for (size_t i = 0; i < sp->n; i++) {
		struct json j = { .t = t };
		json_open(&j, NULL, '{');
		json_space_fields(&j, &sp->v[i]);
		json_close(&j, '}');
	}
	return json_status(t);
}

static void json_selfmap(struct json *j, const struct ptw_space *s)
{
	const struct ptw_mode *m = s->mode;
	int sm = ptw_space_selfmap(s);
	if (sm < 0) {
		json_null(j, "selfmap");
		return;
	}
	json_open(j, "selfmap", '{');
	if (m->pae_selfmap) {
		json_u64(j, "pdpte", 3);
		json_hex(j, "pte_base", 0xc0000000ULL);
		json_hex(j, "pde_base", 0xc0600000ULL);
	} else {
		json_u64(j, "index", (unsigned)sm);
		json_hex(j, "pte_base",
			 ptw_mode_va_from_offset(m, (uint64_t)sm << m->level[0].shift));
	}
	json_close(j, '}');
}

int ptv_render_space_info_json(const struct ptw_space *s,
			       const struct ptw_iter_stats *st, struct ptv_text *t)
{
	const struct ptw_mode *m = s->mode;
	struct json j = { .t = t };
	json_open(&j, NULL, '{');
	json_space_fields(&j, s);
	json_str(&j, "mode_title", m->title);
	if (s->owner_object)
		json_hex(&j, "owner_object", s->owner_object);
	else
		json_null(&j, "owner_object");
	if (s->kpti_peer)
		json_hex(&j, s->kpti_user ? "kpti_kernel" : "kpti_user", s->kpti_peer);
	json_selfmap(&j, s);
	json_open(&j, "pages", '{');
	for (unsigned lvl = m->nlevels; lvl-- > 0;) {
		char size[24];
		if (ptw_level_maps_pages(m, lvl))
			json_u64(&j, ptv_page_word(m, lvl, size), st->pages[lvl]);
	}
	json_close(&j, '}');
	json_u64(&j, "tables", st->tables);
	json_u64(&j, "reserved_entries", st->reserved);
	json_u64(&j, "tables_outside_dump", st->holes);
	json_u64(&j, "shared_tables", st->revisits);
	json_bool(&j, "truncated", st->truncated);
	json_close(&j, '}');
	return json_status(t);
}

/* ---- maps, ptov: JSON Lines --------------------------------------------------- */

static int maps_json_line(void *ctx, const struct ptv_map_rec *r)
{
	struct ptv_text *t = ctx;
	struct json j = { .t = t };
	json_open(&j, NULL, '{');
	json_hex(&j, "va_start", r->va);
	if (r->top) /* 2^64: a string holds it */
		json_str(&j, "va_end", "0x10000000000000000");
	else
		json_hex(&j, "va_end", r->end);
	json_hex(&j, "pa", r->pa);
	json_str(&j, "page", r->page);
	json_u64(&j, "page_size", r->page_size);
	json_str(&j, "flags", r->flags);
	json_close(&j, '}');
	return t->oom;
}

int ptv_render_maps_json(const struct ptw_space *s, struct ptv_text *t)
{
	if (ptv_each_map(s, maps_json_line, t, NULL))
		return -ENOMEM;
	return json_status(t);
}

static int ptov_json_line(void *ctx, uint64_t pa, uint64_t va, uint64_t page_size)
{
	struct ptv_text *t = ctx;
	struct json j = { .t = t };
	json_open(&j, NULL, '{');
	json_hex(&j, "pa", pa);
	json_hex(&j, "va", va);
	json_u64(&j, "size", page_size);
	json_close(&j, '}');
	return t->oom;
}

int ptv_render_ptov_json(const struct ptw_space *s, struct ptv_text *t)
{
	if (ptv_each_ptov(s, ptov_json_line, t))
		return -ENOMEM;
	return json_status(t);
}

/* ---- !pte, !vtop ------------------------------------------------------------- */

static const char *status_name(enum ptw_status st)
{
	switch (st) {
	case PTW_MAPPED: return "mapped";
	case PTW_NOT_PRESENT: return "not-present";
	case PTW_RESERVED: return "reserved";
	case PTW_TABLE_HOLE: return "table-outside-dump";
	}
	return "unknown";
}

/* What a non-present, non-zero entry holds (the fields of !pte's notes);
 * nothing for an entry the OS's layouts do not explain. */
static void json_soft(struct json *j, const struct ptw_space *s, unsigned lvl,
		      uint64_t e)
{
	struct ptw_swpte sw;
	char prot[48];
	ptv_soft_of(s, lvl, e, &sw);
	ptw_win_protection(sw.protection, prot, sizeof prot);
	static const char *const kinds[] = {
		[PTW_SW_ZERO] = "zero", [PTW_SW_VALID] = "valid",
		[PTW_SW_TRANSITION] = "transition", [PTW_SW_PROTOTYPE] = "prototype",
		[PTW_SW_PAGEFILE] = "pagefile", [PTW_SW_DEMAND_ZERO] = "demand-zero",
		[PTW_SW_SWAP] = "swap", [PTW_SW_PROTNONE] = "protnone",
		[PTW_SW_UNKNOWN] = "unknown",
	};
	json_open(j, "nonpresent", '{');
	json_str(j, "kind", kinds[sw.kind]);
	json_str(j, "os", ptw_os_name(s->os));
	switch (sw.kind) {
	case PTW_SW_TRANSITION:
		json_hex(j, "pfn", sw.pfn);
		json_bool(j, "write", sw.write);
		json_str(j, "protect", prot);
		break;
	case PTW_SW_PROTOTYPE:
		json_bool(j, "vad", sw.vad);
		if (sw.vad)
			json_str(j, "protect", prot);
		else
			json_hex(j, "proto", sw.proto);
		break;
	case PTW_SW_PAGEFILE:
		json_u64(j, "pagefile", sw.file);
		json_hex(j, "offset", sw.offset);
		json_str(j, "protect", prot);
		break;
	case PTW_SW_DEMAND_ZERO:
		json_str(j, "protect", prot);
		break;
	case PTW_SW_SWAP:
		json_u64(j, "swap_type", sw.file);
		json_hex(j, "offset", sw.offset);
		break;
	case PTW_SW_PROTNONE:
		json_hex(j, "pfn", sw.pfn);
		break;
	default:
		break;
	}
	json_close(j, '}');
}

/* What an entry holds and means, as !pte's third line shows it (the
 * record the text is rendered from); the caller's object stays open. */
static void json_entry_value(struct json *j, const struct ptw_space *s,
			     const struct ptv_entry_rec *r)
{
	const struct ptw_mode *m = s->mode;
	unsigned lvl = r->lvl;
	uint64_t e = r->e;
	json_hex(j, "contains", e);
	json_bool(j, "valid", r->valid);
	if (r->valid) {
		json_hex(j, "pfn", r->pfn);
		json_str(j, "flags", r->flags);
		bool leaf = ptw_entry_is_leaf(m, lvl, e);
		json_bool(j, "leaf", leaf);
		if (leaf)
			json_u64(j, "page_size", ptw_level_span(m, lvl));
		uint64_t rsvd = ptw_entry_reserved(m, lvl, e);
		if (rsvd)
			json_hex(j, "reserved_bits", rsvd);
		char sw[128]; /* the OS's names of its bits, as !pte's note */
		if (ptw_entry_software(s, lvl, e, sw, sizeof sw))
			json_str(j, "software", sw);
	} else {
		json_null(j, "pfn");
		json_null(j, "flags");
		if (e)
			json_soft(j, s, lvl, e);
	}
}

/* One entry of a walk, as !pte's column and the entry files show it;
 * wname: WinDbg's name of the level (!pte's column, !vtop's step). */
static void json_entry(struct json *j, const struct ptw_space *s, unsigned lvl,
		       const char *wname, const struct ptw_step *st,
		       const uint64_t *shown)
{
	const struct ptw_mode *m = s->mode;
	struct ptv_entry_rec r;
	ptv_entry_rec(s, lvl, st->entry, &r);
	json_open(j, NULL, '{');
	json_str(j, "level", m->level[lvl].entry_name);
	json_str_or_null(j, "windbg", wname);
	json_hex(j, "table", st->table);
	json_u64(j, "index", st->index);
	json_hex(j, "entry_pa", st->addr);
	if (shown) /* !pte's address of it: through the self-map, or the PA */
		json_hex(j, "address", *shown);
	json_bool(j, "read", true);
	json_entry_value(j, s, &r);
	json_close(j, '}');
}

/* How the walk ended: the PA and page, or why not. */
static void json_outcome(struct json *j, const struct ptw_space *s,
			 const struct ptw_xlat *x)
{
	const struct ptw_mode *m = s->mode;
	json_str(j, "status", status_name(x->status));
	if (x->status == PTW_MAPPED) {
		json_hex(j, "pa", x->pa);
		json_hex(j, "pfn", x->pa >> m->page_shift);
		json_u64(j, "page_size", x->page_size);
		json_bool(j, "large_page", x->page_size > 1ULL << m->page_shift);
		json_bool(j, "transition", x->soft);
	} else {
		json_null(j, "pa");
	}
}

/* A level !pte shows but the walk did not read (below a missing entry or
 * a large page): its self-map address, no contents. */
static void json_unread(struct json *j, const struct ptv_pte *v, unsigned lvl,
			uint64_t addr)
{
	json_open(j, NULL, '{');
	json_str(j, "level", v->m->level[lvl].entry_name);
	json_str_or_null(j, "windbg", v->m->level[lvl].windbg_pte);
	json_hex(j, "address", addr);
	json_bool(j, "read", false);
	json_close(j, '}');
}

/* query: the address asked for, when it is an entry's own (the "!pte PTE"
 * form shows the VA that entry maps). */
static void json_pte_block(struct json *j, const struct ptv_pte *v, uint64_t query)
{
	const struct ptw_space *s = v->sp;
	const struct ptw_xlat *x = &v->x;
	json_open(j, NULL, '{');
	json_hex(j, "va", x->va);
	json_hex(j, "query", query);
	json_hex(j, "dirbase", s->dirbase);
	json_str(j, "mode", v->m->name);
	json_bool(j, "selfmap", v->sm.s >= 0);
	json_str(j, "last_level", v->m->level[v->last].entry_name);
	json_open(j, "entries", '[');
	for (unsigned l = 0; l <= v->last; l++) {
		bool ok;
		uint64_t a = ptv_pte_column_addr(v, l, &ok);
		ok = ok && l >= v->first; /* PAE's PDPTE: no column, no self-map VA */
		if (l < x->nsteps)
			json_entry(j, s, l, v->m->level[l].windbg_pte, &x->step[l], ok ? &a : NULL);
		else if (ok)
			json_unread(j, v, l, a);
	}
	json_close(j, ']');
	json_outcome(j, s, x);
	json_close(j, '}');
}

int ptv_render_pte_json(const struct ptw_space *s, uint64_t va, struct ptv_text *t)
{
	struct ptv_pte v;
	if (ptv_pte_of(s, va, &v, t))
		return -EINVAL; /* t holds why, as text */
	struct json j = { .t = t };
	json_pte_block(&j, &v, va);
	return json_status(t);
}

int ptv_render_pte_range_json(const struct ptw_space *s, uint64_t start,
			      uint64_t end, uint64_t max_pages, struct ptv_text *t)
{
	const struct ptw_mode *m = s->mode;
	uint64_t first, last;
	int rc = ptv_pte_range_pages(s, start, end, max_pages, &first, &last, t);
	if (rc)
		return rc;
	for (uint64_t off = first;; off += 1ULL << m->page_shift) {
		struct ptv_pte v;
		struct ptv_text why = {0};
		uint64_t va = ptw_mode_va_from_offset(m, off);
		struct json j = { .t = t };
		if (!ptv_pte_at(s, va, m->nlevels - 1, &v, &why)) {
			json_pte_block(&j, &v, va);
		} else { /* a line still, saying why */
			json_open(&j, NULL, '{');
			json_hex(&j, "va", va);
			json_key(&j, "error");
			json_string(&j, why.p ? why.p : "", why.len ? why.len - 1 : 0);
			json_close(&j, '}');
		}
		ptv_text_free(&why);
		if (off == last || t->oom)
			break;
	}
	return json_status(t);
}

/* One decoding of !pte ADDR 1's value: an entry of the pte form without
 * the walk's table and index (the value need not lie in a table). */
static void json_literal_as(struct json *j, const char *key, const struct ptv_pte_literal *r,
			    const struct ptv_entry_rec *as)
{
	const struct ptw_mode *m = r->sp->mode;
	json_open(j, key, '{');
	json_str(j, "level", m->level[as->lvl].entry_name);
	json_str_or_null(j, "windbg", m->level[as->lvl].windbg_pte);
	json_hex(j, "entry_pa", r->pa);
	json_hex(j, "address", r->addr); /* !pte's "PDE at", "PTE at" */
	json_entry_value(j, r->sp, as);
	json_close(j, '}');
}

int ptv_render_pte_literal_json(const struct ptw_space *s, uint64_t addr,
				struct ptv_text *t)
{
	struct ptv_pte_literal r;
	if (ptv_pte_literal_of(s, addr, &r, t))
		return -EINVAL; /* t holds why, as text */
	struct json j = { .t = t };
	json_open(&j, NULL, '{');
	json_hex(&j, "query", addr);
	json_str(&j, "address_kind", r.sm.s >= 0 ? "va" : "pa");
	json_hex(&j, "dirbase", s->dirbase);
	json_str(&j, "mode", s->mode->name);
	json_bool(&j, "selfmap", r.sm.s >= 0);
	json_hex(&j, "entry_pa", r.pa);
	json_hex(&j, "contains", r.e);
	json_literal_as(&j, "as_pde", &r, &r.as_pde);
	json_literal_as(&j, "as_pte", &r, &r.as_pte);
	json_close(&j, '}');
	return json_status(t);
}

int ptv_render_vtop_json(const struct ptw_space *s, uint64_t va, struct ptv_text *t)
{
	const struct ptw_mode *m = s->mode;
	struct ptw_xlat x;
	struct ptw_error err;
	if (ptw_translate(s, va, &x, &err)) {
		ptv_printf(t, "%s\n", err.msg);
		return -EINVAL;
	}
	struct json j = { .t = t };
	json_open(&j, NULL, '{');
	json_hex(&j, "va", va);
	json_hex(&j, "dirbase", s->dirbase);
	json_str(&j, "mode", m->name);
	json_open(&j, "steps", '[');
	for (unsigned l = 0; l < x.nsteps; l++)
		json_entry(&j, s, l, m->level[l].windbg_vtop, &x.step[l], NULL);
	json_close(&j, ']');
	json_outcome(&j, s, &x);
	if (x.status != PTW_MAPPED)
		json_str(&j, "error", "0xD0000147"); /* WinDbg's status for it */
	json_close(&j, '}');
	return json_status(t);
}
