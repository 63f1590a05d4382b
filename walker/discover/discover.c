/* discover/discover.c — the paging mode and the address spaces of a dump.
 *
 * Sources, all combined and merged by DirBase:
 *   1. the command line (--dirbase, --process), trusted but checked;
 *   2. the dump's own words: each vCPU's CR3 (mode from CR0.PG, CR4.PAE,
 *      CR4.LA57 and the ELF machine), VMCOREINFO's kernel page table;
 *   3. the scan of physical memory (scan.c);
 * then each table's KPTI partner, when the page beside it is one.
 */
#include "discover/discover.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CR0_PG   (1ULL << 31)
#define CR4_PAE  (1ULL << 5)
#define CR4_LA57 (1ULL << 12)

struct list {
	struct ptw_space *v;
	size_t n, cap;
	uint64_t upper;  /* split modes: the kernel's table, or PTW_NO_ROOT */
};

/* A space over dirbase; in a split mode its own table translates the
 * lower half and the kernel's (upper) the upper half, except for the
 * kernel's own, which has no lower table (Linux's kernel threads run
 * with an empty TTBR0). */
static int space_open(const ptw_dump *d, const struct ptw_mode *m, uint64_t upper,
		      uint64_t dirbase, struct ptw_space *s, struct ptw_error *err)
{
	int rc = ptw_space_init(s, d, m, dirbase, err);
	if (rc || !m->split)
		return rc;
	return ptw_space_set_roots(s, dirbase == upper ? PTW_NO_ROOT : dirbase, upper, err);
}

static int list_add(struct list *l, const ptw_dump *d, const struct ptw_mode *m,
		    uint64_t dirbase, unsigned found, struct ptw_space **added,
		    struct ptw_error *err)
{
	struct ptw_space s;
	int rc = space_open(d, m, l->upper, dirbase, &s, err);
	if (rc)
		return rc;
	s.found = found;
	struct ptw_space *v = ptw_grow(l->v, &l->cap, l->n, sizeof *v, 32);
	if (!v)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	l->v = v;
	l->v[l->n] = s;
	if (added)
		*added = &l->v[l->n];
	l->n++;
	return 0;
}

static int space_cmp(const void *a, const void *b)
{
	const struct ptw_space *x = a, *y = b;
	return x->dirbase < y->dirbase ? -1 : x->dirbase > y->dirbase;
}

/* Sort by DirBase and fold duplicates together. */
static void list_merge(struct list *l)
{
	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof *l->v, space_cmp);
	size_t out = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct ptw_space *s = &l->v[i];
		if (out && l->v[out - 1].dirbase == s->dirbase) {
			struct ptw_space *t = &l->v[out - 1];
			t->found |= s->found;
			if (s->owner_from != PTW_OWNER_NONE &&
			    (t->owner_from == PTW_OWNER_NONE || s->owner_from < t->owner_from)) {
				t->owner_from = s->owner_from;
				t->cid = s->cid;
				t->ppid = s->ppid;
				t->owner_object = s->owner_object;
				memcpy(t->name, s->name, sizeof t->name);
			}
			if (s->cpu >= 0 && (t->cpu < 0 || s->cpu < t->cpu))
				t->cpu = s->cpu;
			if (s->kpti_peer) {
				t->kpti_peer = s->kpti_peer;
				t->kpti_user = s->kpti_user;
			}
			continue;
		}
		l->v[out++] = *s;
	}
	l->n = out;
}

/* ---- the paging mode ------------------------------------------------------ */

/* Where the mode comes from is each architecture's own: x86's control
 * registers (mode_from_cpu), its Linux kernels' VMCOREINFO keys
 * (mode_from_vmcoreinfo and vmcoreinfo_pgd), the modes the scan tries
 * when nothing said (ptw_discover's step 2).  A new architecture adds its
 * branch to each, keyed by the dump's machine. */

static const struct ptw_mode *mode_from_cpu(const ptw_dump *d,
					    const struct ptw_cpu *c)
{
	if (!(c->cr0 & CR0_PG))
		return NULL;
	/* QEMU writes EM_X86_64 only for a guest in long mode (EFER.LMA), and
	 * EM_386 otherwise, so the machine stands in for the missing EFER. */
	if (d->machine == PTW_MACHINE_X86_64 && (c->cr4 & CR4_PAE))
		return ptw_mode_get(c->cr4 & CR4_LA57 ? PTW_MODE_LA57 : PTW_MODE_X64);
	return ptw_mode_get(c->cr4 & CR4_PAE ? PTW_MODE_PAE : PTW_MODE_X86);
}

static const struct ptw_mode *mode_from_vmcoreinfo(const ptw_dump *d,
						   char *how, size_t howsz)
{
	size_t len;
	const char *text = ptw_dump_vmcoreinfo(d, &len);
	struct ptw_linux_kernel k;
	if (!ptw_linux_kernel_table(text, len, &k) || !k.mode_sure)
		return NULL;
	snprintf(how, howsz, "%s", k.how);
	return k.mode;
}

/* The kernel's own top table, from VMCOREINFO, for a kernel of m's
 * architecture and pointer width: false if it names none. */
static bool vmcoreinfo_pgd(const ptw_dump *d, const struct ptw_mode *m,
			   uint64_t *pa)
{
	size_t len;
	const char *text = ptw_dump_vmcoreinfo(d, &len);
	struct ptw_linux_kernel k;
	if (!ptw_linux_kernel_table(text, len, &k) || k.mode->arch != m->arch ||
	    ptw_mode_x86_64(k.mode) != ptw_mode_x86_64(m))
		return false;
	*pa = k.pa;
	return true;
}

/* ---- helpers for the sources --------------------------------------------- */

static int add_cmdline(struct list *l, const ptw_dump *d,
		       const struct ptw_mode *m, uint64_t value,
		       struct ptw_error *err)
{
	uint64_t dirbase;
	if (!ptw_dirbase_from_cr3(m, value, &dirbase))
		return ptw_fail(err, PTW_ERR_INVALID,
				"DirBase 0x%" PRIx64 " has bits set that no %s CR3 holds",
				value, m->title);
	struct ptw_space *s;
	return list_add(l, d, m, dirbase, PTW_FOUND_CMDLINE, &s, err);
}

/* Seeds for the scan: the top tables the dump or the user names. */
static size_t collect_seeds(const ptw_dump *d, const struct ptw_mode *m,
			    const struct ptw_discover_opts *o, uint64_t *seeds,
			    size_t max)
{
	size_t n = 0;
	uint64_t v;
	for (size_t i = 0; i < o->ndirbases && n < max; i++)
		if (ptw_dirbase_from_cr3(m, o->dirbases[i], &v))
			seeds[n++] = v;
	for (size_t i = 0; i < o->nprocs && n < max; i++)
		if (ptw_dirbase_from_cr3(m, o->procs[i].dirbase, &v))
			seeds[n++] = v;
	for (size_t i = 0; i < d->ncpus && n < max; i++)
		if ((d->cpus[i].cr0 & CR0_PG) && ptw_dirbase_from_cr3(m, d->cpus[i].cr3, &v))
			seeds[n++] = v;
	if (n < max && vmcoreinfo_pgd(d, m, &v))
		seeds[n++] = v;
	return n;
}

static void free_hits(struct ptw_scan_hits *h, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(h[i].v);
}

/* KPTI: each table's partner on the page beside it. */
static int add_kpti_partners(struct list *l, const ptw_dump *d,
			     const struct ptw_mode *m, struct ptw_error *err)
{
	size_t n = l->n;
	for (size_t i = 0; i < n; i++) {
		uint64_t base = l->v[i].dirbase, kernel, user;
		if (ptw_kpti_pair(d, m, base))
			kernel = base;
		else if ((base & 0x1fff) == PTW_PAGE && ptw_kpti_pair(d, m, base - PTW_PAGE))
			kernel = base - PTW_PAGE;
		else
			continue;
		user = kernel + PTW_PAGE;
		struct ptw_space k, u;
		if (ptw_space_init(&k, d, m, kernel, NULL) ||
		    ptw_space_init(&u, d, m, user, NULL))
			continue; /* a partner we cannot read is no partner */
		struct ptw_space *pk, *pu;
		int rc = list_add(l, d, m, kernel, PTW_FOUND_KPTI, &pk, err);
		if (rc)
			return rc;
		pk->kpti_peer = user;
		rc = list_add(l, d, m, user, PTW_FOUND_KPTI, &pu, err);
		if (rc)
			return rc;
		pu->kpti_peer = kernel;
		pu->kpti_user = true;
	}
	/* A partner that was found on its own merges with its entry. */
	list_merge(l);
	return 0;
}

static void decide_os(const ptw_dump *d, const struct ptw_discover_opts *o,
		      struct ptw_space *v, size_t n, struct ptw_spaces *sp);

/* ---- owners ------------------------------------------------------------------ */

/* Give s an owner unless one of higher precedence already has it. */
static void set_owner(struct ptw_space *s, enum ptw_owner_from from,
		      int64_t cid, int64_t ppid, const char *name, uint64_t object)
{
	if (s->owner_from != PTW_OWNER_NONE && s->owner_from <= from)
		return;
	s->owner_from = from;
	s->cid = cid;
	s->ppid = ppid;
	s->owner_object = object;
	snprintf(s->name, sizeof s->name, "%s", name ? name : "");
}

static struct ptw_space *list_find(struct list *l, uint64_t dirbase)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].dirbase == dirbase)
			return &l->v[i];
	return NULL;
}

/* The space dirbase names, added (found as how) if the walk has not met
 * it; NULL when it is not a table of the dump. */
static struct ptw_space *owned_space(struct list *l, const ptw_dump *d,
				     const struct ptw_mode *m, enum ptw_os os,
				     uint64_t value, unsigned how)
{
	uint64_t dirbase;
	if (!ptw_dirbase_from_cr3(m, value, &dirbase))
		return NULL;
	struct ptw_space *s = list_find(l, dirbase);
	if (!s && list_add(l, d, m, dirbase, how, &s, NULL) == 0)
		s->os = os;
	if (s)
		s->found |= how;
	return s;
}

/* The kernel's own top table: VMCOREINFO's, else the dump header's. */
static const struct ptw_space *kernel_space(const struct list *l)
{
	const unsigned prefer[] = { PTW_FOUND_VMCOREINFO, PTW_FOUND_HEADER };
	for (unsigned k = 0; k < 2; k++)
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].found & prefer[k])
				return &l->v[i];
	return NULL;
}

/* A table of the kernel's own that no task owns (owners/linux.c): it
 * names the space only when discovery found that table (and its KPTI
 * user copy) by itself, and adds none. */
static void kernel_table_owner(struct list *l, const struct ptw_mode *m,
			       const struct ptw_owner *p)
{
	uint64_t db[2] = { p->dirbase, p->user_dirbase };
	for (unsigned i = 0; i < 2; i++) {
		uint64_t dirbase;
		struct ptw_space *s = db[i] && ptw_dirbase_from_cr3(m, db[i], &dirbase)
				      ? list_find(l, dirbase) : NULL;
		if (s)
			set_owner(s, PTW_OWNER_LINUX_KSYMS, p->cid, p->ppid, p->name, p->object);
	}
}

/* The space a record of the kernel's names: added if the walk has not met
 * it, unless the record names only a space discovery found. */
static struct ptw_space *record_space(struct list *l, const ptw_dump *d,
				      const struct ptw_mode *m, enum ptw_os os,
				      const struct ptw_owner *p, uint64_t value)
{
	uint64_t dirbase;
	if (!p->only_found)
		return owned_space(l, d, m, os, value, PTW_FOUND_PROCLIST);
	struct ptw_space *s = ptw_dirbase_from_cr3(m, value, &dirbase) ? list_find(l, dirbase) : NULL;
	if (s)
		s->found |= PTW_FOUND_PROCLIST;
	return s;
}

/* No table of the kernel's own named (a raw image of Linux without
 * VMCOREINFO): on x86-64 every process's top table maps the kernel half,
 * so kernel memory is read through one the scan found sharing it -- the
 * lowest DirBase, for the same answer each time; never a KPTI user copy,
 * which maps only the entry code. */
static const struct ptw_space *borrowed_space(const struct list *l,
					      const struct ptw_mode *m,
					      const struct ptw_spaces *out)
{
	if (out->os != PTW_OS_LINUX || !ptw_mode_x86_64(m))
		return NULL;
	for (size_t i = 0; i < l->n; i++) /* sorted by DirBase */
		if ((l->v[i].found & PTW_FOUND_KSHARED) && !l->v[i].kpti_user)
			return &l->v[i];
	return NULL;
}

static int kernel_owners(struct list *l, const ptw_dump *d,
			 const struct ptw_mode *m, struct ptw_spaces *out,
			 struct ptw_error *err)
{
	const struct ptw_space *k = kernel_space(l);
	const struct ptw_space *via = k ? NULL : borrowed_space(l, m, out);
	if (!k && !via) {
		/* Windows keeps PsActiveProcessHead only in a crash dump's header:
		 * a raw image of Windows has no way into the EPROCESS list. */
		snprintf(out->owners_how, sizeof out->owners_how, "%s",
			 out->os == PTW_OS_WINDOWS
			 ? "no kernel data: a Windows image without a crash-dump header gives no"
			   " PsActiveProcessHead (name processes with --processes FILE, the text of"
			   " WinDbg's !process 0 0)"
			 : "no kernel data: no kernel page table named by VMCOREINFO or a dump header");
		return 0;
	}
	struct ptw_space kernel = k ? *k : *via; /* l->v moves as spaces are added */
	struct ptw_owners own = {0};
	struct ptw_error e = { .code = 0 };
	enum ptw_owner_from from = out->os == PTW_OS_WINDOWS ? PTW_OWNER_WINDOWS_EPROCESS
							     : PTW_OWNER_LINUX_TASKS;
	int rc = from == PTW_OWNER_WINDOWS_EPROCESS
		 ? ptw_owners_windows(&kernel, &own, out->owners_how, sizeof out->owners_how, &e)
		 : via ? ptw_owners_linux_via(&kernel, &own, out->owners_how, sizeof out->owners_how, &e)
		 : ptw_owners_linux(&kernel, &own, out->owners_how, sizeof out->owners_how, &e);
	if (rc == PTW_ERR_NOMEM) {
		ptw_owners_free(&own);
		return ptw_fail(err, rc, "%s", e.msg);
	}
	if (rc) /* the dump lacks what the walk needs: say why, go on */
		snprintf(out->owners_how, sizeof out->owners_how, "%s", e.msg);
	if (via) {
		size_t len = strlen(out->owners_how);
		snprintf(out->owners_how + len, sizeof out->owners_how - len,
			 "; kernel read through %" PRIx64 " (no kernel page table named by"
			 " VMCOREINFO or a dump header: the lowest DirBase sharing the kernel half)",
			 kernel.dirbase);
	}
	for (size_t i = 0; !rc && i < own.n; i++) {
		const struct ptw_owner *p = &own.v[i];
		if (p->kernel_table) {
			kernel_table_owner(l, m, p);
			continue;
		}
		struct ptw_space *s = record_space(l, d, m, out->os, p, p->dirbase);
		if (s)
			set_owner(s, from, p->cid, p->ppid, p->name, p->object);
		if (p->user_dirbase && p->user_dirbase != p->dirbase &&
		    (s = record_space(l, d, m, out->os, p, p->user_dirbase))) {
			set_owner(s, from, p->cid, p->ppid, p->name, p->object);
			s->kpti_user = true;
			s->kpti_peer = p->dirbase & m->dirbase_mask;
			struct ptw_space *ks = list_find(l, s->kpti_peer);
			if (ks)
				ks->kpti_peer = s->dirbase;
		}
	}
	ptw_owners_free(&own);
	return 0;
}

static int assign_owners(struct list *l, const ptw_dump *d,
			 const struct ptw_mode *m, const struct ptw_discover_opts *o,
			 struct ptw_spaces *out, struct ptw_error *err)
{
	for (size_t i = 0; i < o->nprocs; i++) {
		uint64_t dirbase;
		struct ptw_space *s = ptw_dirbase_from_cr3(m, o->procs[i].dirbase, &dirbase)
				      ? list_find(l, dirbase) : NULL;
		if (s)
			set_owner(s, PTW_OWNER_CMDLINE, o->procs[i].cid, o->procs[i].ppid,
				  o->procs[i].name, o->procs[i].object);
	}
	for (size_t i = 0; i < o->nlisting; i++) {
		const struct ptw_process_spec *p = &o->listing[i];
		struct ptw_space *s = owned_space(l, d, m, out->os, p->dirbase, PTW_FOUND_LISTING);
		if (s)
			set_owner(s, PTW_OWNER_LISTING, p->cid, p->ppid, p->name, p->object);
	}
	if (o->no_kernel_data)
		snprintf(out->owners_how, sizeof out->owners_how,
			 "kernel data not read (--no-kernel-data)");
	else {
		int rc = kernel_owners(l, d, m, out, err);
		if (rc)
			return rc;
	}
	/* A KPTI user copy belongs to its kernel copy's owner. */
	for (size_t i = 0; i < l->n; i++) {
		struct ptw_space *s = &l->v[i];
		if (!s->kpti_peer || s->owner_from != PTW_OWNER_NONE)
			continue;
		const struct ptw_space *t = list_find(l, s->kpti_peer);
		if (t && t->owner_from != PTW_OWNER_NONE)
			set_owner(s, t->owner_from, t->cid, t->ppid, t->name, t->owner_object);
	}
	list_merge(l);
	return 0;
}

/* ---- discovery -------------------------------------------------------------- */

/* The guests among the pass's candidates, judged before the host's mode
 * is settled: a vCPU running one holds the guest's registers, which must
 * not choose the host's mode.  Their nested tables have the host's level
 * count: VMCOREINFO's, else the mode the registers chose when it is a
 * long-mode one, else a host-save area's, else 4; when that was a guess
 * and no guest passes, 5 levels are tried as well. */
static int judge_guests(const ptw_dump *d, const struct ptw_scan *sc,
			const struct ptw_mode *m, struct ptw_spaces *out,
			struct ptw_error *err)
{
	const struct ptw_vm_cand *c;
	size_t n;
	bool capped;
	char how[128];
	ptw_scan_vm_cands(sc, &c, &n, &capped);
	const struct ptw_mode *hm = mode_from_vmcoreinfo(d, how, sizeof how);
	const char *host_from = "from VMCOREINFO";
	bool guess = false;
	if (!hm || !ptw_mode_x86_64(hm)) {
		host_from = "as the vCPU registers give it";
		hm = m && ptw_mode_x86_64(m) ? m : NULL;
		if (!hm && (hm = ptw_vm_host_mode(d, c, n, how, sizeof how)))
			host_from = "from a host-save area";
		/* (the vCPUs' may be a guest's own, not the host's) */
		guess = true;
		if (!hm) {
			hm = ptw_mode_get(PTW_MODE_X64);
			host_from = "assumed: a host with nested paging runs in long mode";
		}
	}
	int rc = ptw_vms_judge(d, hm, c, n, capped, &out->vms, &out->cpus_in_guest, err);
	if (!rc && guess && !out->vms.n && n) {
		struct ptw_vms other;
		uint64_t in2;
		const struct ptw_mode *om = ptw_mode_get(hm->nlevels == 5 ? PTW_MODE_X64 : PTW_MODE_LA57);
		rc = ptw_vms_judge(d, om, c, n, capped, &other, &in2, err);
		if (!rc && other.n) {
			ptw_vms_free(&out->vms);
			out->vms = other;
			out->cpus_in_guest = in2;
			host_from = "as its guests' nested tables have it";
		} else {
			ptw_vms_free(&other);
		}
	}
	out->vms.host_from = host_from;
	return rc;
}

int ptw_discover(const ptw_dump *d, const struct ptw_discover_opts *o,
		 struct ptw_spaces *out, struct ptw_error *err)
{
	memset(out, 0, sizeof *out);
	const struct ptw_mode *m = NULL;
	char how[128] = "";

	/* 1. The mode: the user's word, the vCPUs', VMCOREINFO's, or the scan's. */
	if (o->mode && o->mode->id == PTW_MODE_NPT)
		return ptw_fail(err, PTW_ERR_INVALID,
				"%s is the format of a guest's nested page table, not a paging mode of a dump (its guests are under /vm, or ptwalk --vm)",
				o->mode->name);
	if (o->mode) {
		m = o->mode;
		snprintf(how, sizeof how, "given with --mode");
	}
	if (!m && d->hints.mode != PTW_MODE_NONE) {
		m = ptw_mode_get(d->hints.mode);
		snprintf(how, sizeof how, "the %s dump header", d->format);
	}
	int mode_cpu = -1; /* the vCPU whose registers chose the mode */
	for (size_t i = 0; !m && i < d->ncpus; i++) {
		const struct ptw_cpu *c = &d->cpus[i];
		m = mode_from_cpu(d, c);
		if (m)
			mode_cpu = (int)c->index;
		if (m)
			snprintf(how, sizeof how,
				 "vCPU %u: CR0.PG=1 CR4.PAE=%d CR4.LA57=%d, %s",
				 c->index, !!(c->cr4 & CR4_PAE), !!(c->cr4 & CR4_LA57),
				 d->machine == PTW_MACHINE_X86_64 ? "machine x86-64"
								  : "machine i386");
	}
	/* VMCOREINFO's word: now when the dump carries the text, else after
	 * the scan's pass, which searches memory for it on the way. */
	bool vmci_in_pass = !o->no_scan && ptw_dump_vmcoreinfo_pending(d);
	if (!m && !vmci_in_pass)
		m = mode_from_vmcoreinfo(d, how, sizeof how);

	/* 2. Scan, for the mode if known, else for each to pick the best
	 * (x86's three shapes of top table; the order is the message's). */
	const struct ptw_mode *cands[3];
	unsigned ncands = 0;
	/* Guests' VMCBs are looked for on x86 and in raw images (the pass
	 * sniffs each page; they are judged only for a long-mode host). */
	bool vm_search = !o->no_scan && d->machine != PTW_MACHINE_AARCH64;
	if (m) {
		cands[ncands++] = m;
		/* A vCPU's registers may be a guest's (vm.c); a host that runs
		 * one with nested paging is in long mode: its tables too. */
		if (mode_cpu >= 0 && vm_search && !ptw_mode_x86_64(m))
			cands[ncands++] = ptw_mode_get(PTW_MODE_X64);
	} else if (d->machine == PTW_MACHINE_AARCH64) {
		/* No detector for AArch64's tables yet: the pass only looks
		 * for VMCOREINFO. */
	} else {
		cands[ncands++] = ptw_mode_get(PTW_MODE_X64);
		cands[ncands++] = ptw_mode_get(PTW_MODE_PAE);
		cands[ncands++] = ptw_mode_get(PTW_MODE_X86);
	}
	struct ptw_scan_hits hits[3] = {{0}};
	unsigned chosen = 0;
	if (!o->no_scan) {
		const struct ptw_scan_opts so = {
			.threads = o->threads, .vms = vm_search,
			.progress = o->progress, .progress_ctx = o->progress_ctx,
		};
		struct ptw_scan *sc;
		int rc = ptw_scan_pass(d, cands, ncands, &so, &sc, &out->scan, err);
		if (!rc && vm_search)
			rc = judge_guests(d, sc, m, out, err);
		if (rc) {
			ptw_scan_free(sc);
			ptw_vms_free(&out->vms);
			return rc;
		}
		const struct ptw_vm *ran = mode_cpu >= 0 ? ptw_vms_of_cpu(&out->vms, (unsigned)mode_cpu)
							 : NULL;
		if (!o->mode && ran) {
			/* Its registers were a guest's: the host's mode is the
			 * one its guests' nested tables were judged in
			 * (VMCOREINFO's, a host-save area's, else x86-64's: a
			 * host with nested paging runs in long mode). */
			m = ptw_mode_get(ran->npt->nlevels == 5 ? PTW_MODE_LA57 : PTW_MODE_X64);
			snprintf(how, sizeof how,
				 "vCPU %d was running guest %" PRIx64 "; the host's mode %s %s",
				 mode_cpu, ran->id, m->name,
				 out->vms.host_from);
			cands[0] = m;
			ncands = 1;
		}
		/* The pass found VMCOREINFO: its mode is the one to judge. */
		if (!m && (m = mode_from_vmcoreinfo(d, how, sizeof how))) {
			cands[0] = m;
			ncands = 1;
		}
		uint64_t seeds[64];
		/* Seeds depend on the mode only through CR3 masking; x64's mask is
		 * the widest, so one set serves the auto-detecting scan. */
		size_t nseeds = collect_seeds(d, cands[0], o, seeds, 64);
		for (unsigned k = 0; k < ncands && !rc; k++)
			rc = ptw_scan_judge(sc, cands[k], seeds, nseeds, &hits[k], err);
		ptw_scan_free(sc);
		if (rc) {
			free_hits(hits, 3);
			ptw_vms_free(&out->vms);
			return rc;
		}
		if (!m) {
			for (unsigned k = 1; k < ncands; k++)
				if (hits[k].n > hits[chosen].n)
					chosen = k;
			if (hits[chosen].n) {
				m = cands[chosen];
				snprintf(how, sizeof how,
					 "scan: %zu %s top tables (x64 %zu, pae %zu, x86 %zu)",
					 hits[chosen].n, m->name, hits[0].n, hits[1].n,
					 hits[2].n);
			}
		}
	}
	if (!m) {
		bool arm = d->machine == PTW_MACHINE_AARCH64;
		m = ptw_mode_get(arm ? PTW_MODE_AARCH64 : PTW_MODE_X64);
		snprintf(how, sizeof how, "%s; %s assumed (use --mode)",
			 o->no_scan ? "no scan and no CPU state"
				    : arm ? "no VMCOREINFO" : "no page tables found",
			 m->name);
	}
	out->mode = m;
	snprintf(out->mode_how, sizeof out->mode_how, "%s", how);
	/* Guests run only under a long-mode host, in its level count. */
	if (out->vms.n && (!ptw_mode_x86_64(m) || out->vms.v[0].npt->nlevels != m->nlevels)) {
		ptw_vms_free(&out->vms);
		out->cpus_in_guest = 0;
	}
	/* The kernel's text found in memory may be a guest's, when the host
	 * keeps none the search prefers: not the host's, then. */
	if (d->vmcoreinfo_pa != UINT64_MAX && ptw_vms_guest_page(&out->vms, d->vmcoreinfo_pa))
		ptw_dump_vmcoreinfo_withdraw(d);

	/* 3. The spaces; in a split mode each shares the kernel's upper
	 * root. */
	struct list l = { .upper = PTW_NO_ROOT };
	uint64_t pgd;
	bool have_pgd = vmcoreinfo_pgd(d, m, &pgd);
	if (m->split && have_pgd)
		l.upper = pgd;
	int rc = 0;
	for (size_t i = 0; !rc && i < o->ndirbases; i++)
		rc = add_cmdline(&l, d, m, o->dirbases[i], err);
	for (size_t i = 0; !rc && i < o->nprocs; i++)
		rc = add_cmdline(&l, d, m, o->procs[i].dirbase, err);
	for (size_t i = 0; !rc && i < d->ncpus; i++) {
		const struct ptw_cpu *c = &d->cpus[i];
		uint64_t dirbase;
		struct ptw_space *s;
		if (!(c->cr0 & CR0_PG) || !ptw_dirbase_from_cr3(m, c->cr3, &dirbase))
			continue;
		/* A vCPU running a guest holds the guest's CR3: /vm/ has it. */
		if (ptw_vms_of_cpu(&out->vms, c->index))
			continue;
		/* A CR3 outside the dump names nothing we can read: skip it. */
		if (list_add(&l, d, m, dirbase, PTW_FOUND_CR3, &s, NULL) == 0)
			s->cpu = (int)c->index;
	}
	if (!rc && have_pgd)
		list_add(&l, d, m, pgd, PTW_FOUND_VMCOREINFO, NULL, NULL);
	if (!rc && d->hints.dirbase && ptw_dirbase_from_cr3(m, d->hints.dirbase, &pgd))
		list_add(&l, d, m, pgd, PTW_FOUND_HEADER, NULL, NULL);
	size_t in_guests = 0;
	for (size_t i = 0; !rc && i < hits[chosen].n; i++) {
		/* A table in a guest's memory is the guest's (its tree under
		 * /vm/ lists it), however like the host's it looks. */
		if (ptw_vms_guest_page(&out->vms, hits[chosen].v[i].dirbase)) {
			in_guests++;
			continue;
		}
		rc = list_add(&l, d, m, hits[chosen].v[i].dirbase,
			      hits[chosen].v[i].found, NULL, err);
	}
	bool capped = hits[chosen].capped;
	free_hits(hits, 3);
	if (!rc) {
		list_merge(&l);
		rc = add_kpti_partners(&l, d, m, err);
	}
	if (rc) {
		free(l.v);
		ptw_vms_free(&out->vms);
		return rc;
	}
	if (in_guests) {
		size_t len = strlen(out->mode_how);
		snprintf(out->mode_how + len, sizeof out->mode_how - len,
			 " (%zu tables found in guests' memory left to /vm)", in_guests);
	}
	if (capped) {
		size_t len = strlen(out->mode_how);
		snprintf(out->mode_how + len, sizeof out->mode_how - len,
			 " (the scan stopped at its limit of candidates or tables)");
	}
	out->upper_root = l.upper;
	decide_os(d, o, l.v, l.n, out);
	/* 4. Owners: the user's listing, then the kernel's own data. */
	rc = assign_owners(&l, d, m, o, out, err);
	if (rc) {
		free(l.v);
		ptw_vms_free(&out->vms);
		return rc;
	}
	out->v = l.v;
	out->n = l.n;
	return 0;
}

const char *ptw_os_name(enum ptw_os os)
{
	return os == PTW_OS_WINDOWS ? "windows" : os == PTW_OS_LINUX ? "linux" : "unknown";
}

enum ptw_os ptw_os_find(const char *name)
{
	if (strcmp(name, "windows") == 0)
		return PTW_OS_WINDOWS;
	if (strcmp(name, "linux") == 0)
		return PTW_OS_LINUX;
	return PTW_OS_UNKNOWN;
}

/* Whose tables: the user's word, else a self-map (only Windows maps its
 * tables into themselves), else Linux's signs (VMCOREINFO, the shared
 * kernel half). */
static void decide_os(const ptw_dump *d, const struct ptw_discover_opts *o,
		      struct ptw_space *v, size_t n, struct ptw_spaces *sp)
{
	size_t selfmaps = 0, kshared = 0;
	for (size_t i = 0; i < n; i++) {
		selfmaps += (v[i].found & PTW_FOUND_SELFMAP) != 0;
		kshared += (v[i].found & PTW_FOUND_KSHARED) != 0;
	}
	if (o->os != PTW_OS_UNKNOWN) {
		sp->os = o->os;
		snprintf(sp->os_how, sizeof sp->os_how, "given with --os");
	} else if (d->hints.os != PTW_OS_UNKNOWN) {
		sp->os = d->hints.os;
		snprintf(sp->os_how, sizeof sp->os_how, "the %s dump header", d->format);
	} else if (selfmaps) {
		sp->os = PTW_OS_WINDOWS;
		snprintf(sp->os_how, sizeof sp->os_how,
			 "%zu top tables map themselves (Windows' self-map)", selfmaps);
	} else if (ptw_dump_vmcoreinfo(d, NULL)) {
		sp->os = PTW_OS_LINUX;
		snprintf(sp->os_how, sizeof sp->os_how, "the dump carries VMCOREINFO");
	} else if (kshared) {
		sp->os = PTW_OS_LINUX;
		snprintf(sp->os_how, sizeof sp->os_how,
			 "%zu top tables share one kernel half (Linux)", kshared);
	} else {
		sp->os = PTW_OS_UNKNOWN;
		snprintf(sp->os_how, sizeof sp->os_how, "no sign of either (use --os)");
	}
	char rel[64];
	if (sp->os == PTW_OS_LINUX && ptw_vmcoreinfo_get(d, "OSRELEASE", rel, sizeof rel))
		sp->os_release = ptw_parse_release(rel);
	for (size_t i = 0; i < n; i++) {
		v[i].os = sp->os;
		v[i].os_release = sp->os_release;
	}
}

void ptw_spaces_free(struct ptw_spaces *sp)
{
	ptw_vms_free(&sp->vms);
	free(sp->v);
	sp->v = NULL;
	sp->n = 0;
}

int ptw_spaces_open(const struct ptw_spaces *sp, const ptw_dump *d,
		    uint64_t dirbase, struct ptw_space *out, struct ptw_error *err)
{
	int rc = space_open(d, sp->mode, sp->upper_root, dirbase, out, err);
	out->os = sp->os;
	out->os_release = sp->os_release;
	return rc;
}

const struct ptw_space *ptw_spaces_find(const struct ptw_spaces *sp,
					uint64_t dirbase)
{
	size_t lo = 0, hi = sp->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sp->v[mid].dirbase < dirbase)
			lo = mid + 1;
		else if (sp->v[mid].dirbase > dirbase)
			hi = mid;
		else
			return &sp->v[mid];
	}
	return NULL;
}

void ptw_found_string(const struct ptw_space *s, char *buf, size_t bufsz)
{
	size_t len = 0;
	buf[0] = '\0';
#define PART(...)                                                           \
	do {                                                                \
		if (len < bufsz)                                            \
			len += (size_t)snprintf(buf + len, bufsz - len, "%s", \
						len ? ", " : "");           \
		if (len < bufsz)                                            \
			len += (size_t)snprintf(buf + len, bufsz - len,     \
						__VA_ARGS__);               \
	} while (0)
	if (s->found & PTW_FOUND_CMDLINE)
		PART("command line");
	if (s->found & PTW_FOUND_LISTING)
		PART("process listing");
	if (s->found & PTW_FOUND_CR3)
		PART("CR3 of vCPU %d", s->cpu);
	if (s->found & PTW_FOUND_VMCOREINFO)
		PART("VMCOREINFO (kernel page table)");
	if (s->found & PTW_FOUND_SELFMAP)
		PART("scan: self-map");
	if (s->found & PTW_FOUND_KSHARED)
		PART("scan: shares the kernel half");
	if (s->kpti_peer)
		PART("KPTI %s copy, %s copy at %" PRIx64,
		     s->kpti_user ? "user" : "kernel",
		     s->kpti_user ? "kernel" : "user", s->kpti_peer);
	if (s->found & PTW_FOUND_HEADER)
		PART("dump header (kernel DirectoryTableBase)");
	if (s->found & PTW_FOUND_PROCLIST)
		PART("%s", s->os == PTW_OS_WINDOWS ? "EPROCESS list" : "task list");
	if (s->found & PTW_FOUND_ON_DEMAND)
		PART("opened on demand");
#undef PART
}
