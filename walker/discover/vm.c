/* discover/vm.c — the guests in a hypervisor host's dump: AMD SVM's VMCBs,
 * their nested page tables, and each guest's memory as a dump of its own.
 *
 * The scan's pass sniffs every page (ptw_vm_sniff: a few loads) and keeps
 * those that may be a VMCB (nested paging enabled, a nested root) or a
 * host-save area (a save area with SVME and paging, the control area
 * zero).  Here they are judged, cheapest test first, each dropped page
 * with the reason /info shows:
 *   1. the control area: no SEV (its guest's state and memory are
 *      encrypted), ASID not 0, VMRUN intercepted;
 *   2. the guest's state as VMRUN's consistency checks want it (APM vol.
 *      2, 15.5.1; KVM's nested.c and QEMU's helper_vmrun check the same):
 *      EFER.SVME and no reserved EFER bits, CR0[63:32] clear, no NW
 *      without CD, long mode only with PAE and PE, not CS.L with CS.D,
 *      CR4's reserved bits clear;
 *   3. the nested root: inside the dump, its valid entries with U/S set
 *      (every nested walk is a user access: KVM sets it throughout) and
 *      no reserved bits, something mapped below it, no loop;
 *   4. the guest's CR3, translated through the nested table, a top table
 *      of the guest's mode that holds a valid entry and none with
 *      reserved bits.
 * The nested table's format is the host's paging mode at VMRUN (APM
 * 15.25.5), whatever mode the guest runs in: a 4- or 5-level long-mode
 * table, since a host with nested paging runs in long mode.
 *
 * Offsets are the APM's (appendix B, tables B-1 and B-2); Linux's struct
 * vmcb_control_area and vmcb_save_area lay them out the same. */
#include "discover/discover.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	VMCB_INTERCEPT_MISC2 = 0x010,  /* bit 0: VMRUN */
	VMCB_ASID = 0x058,
	VMCB_EXIT_CODE = 0x070,
	VMCB_EXIT_INFO1 = 0x078,
	VMCB_EXIT_INFO2 = 0x080,
	VMCB_NESTED_CTL = 0x090,
	VMCB_EVENT_INJ = 0x0a8,
	VMCB_NESTED_CR3 = 0x0b0,
	VMCB_CONTROL_END = 0x400,
	SAVE_CS_ATTRIB = 0x412,
	SAVE_EFER = 0x4d0,
	SAVE_CR4 = 0x548,
	SAVE_CR3 = 0x550,
	SAVE_CR0 = 0x558,
	SAVE_RFLAGS = 0x570,
	SAVE_RIP = 0x578,
	SAVE_RSP = 0x5d8,
	SAVE_RAX = 0x5f8,
};

#define NP_ENABLE 1ULL
#define NP_SEV 2ULL
#define NP_SEV_ES 4ULL
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_SVME (1ULL << 12)
/* SCE, LME, LMA, NXE, SVME, LMSLE, FFXSR, TCE and the newer ones up to
 * bit 21 (MCOMMIT, INTWB, AutoIBRS...): the rest must be zero. */
#define EFER_KNOWN 0x3fff01ULL
#define CR0_PE 1ULL
#define CR0_NW (1ULL << 29)
#define CR0_CD (1ULL << 30)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_PCIDE (1ULL << 17)
/* CR4 bits no CPU defines yet (25 up). */
#define CR4_RESERVED (~0ULL << 25)
#define CS_L (1u << 9)
#define CS_DB (1u << 10)
#define EVENT_VALID (1ULL << 31)
/* Nested roots and CR3s are frames within 52 bits. */
#define FRAME_52 0x000ffffffffff000ULL

/* Guest memory: at most this many runs of the nested table (each a
 * segment of 48 bytes of the guest's dump). */
#define VM_RUNS_MAX (1u << 22)
/* Non-zero entries one walk of a nested table may visit (a 256 GiB guest
 * mapped by 4 KiB pages has 64 Mi), and all the walks of one judging
 * together: candidates whose tables share subtrees or loop cost this much
 * at most, whatever their number. */
#define VM_ENTRIES_MAX (1ull << 26)
/* A guest maps at most this many times the host's memory (plus 1 GiB). */
#define VM_ALIAS_MAX 16u

static uint64_t ld(const uint8_t *p, unsigned off)
{
	return ptw_le64(p + off);
}

/* ---- sniffing (the scan's pass, every page) ------------------------------------ */

unsigned ptw_vm_sniff(const uint8_t *p)
{
	uint64_t ctl = ld(p, VMCB_NESTED_CTL);
	if ((ctl & NP_ENABLE) && ctl <= 7) {
		/* What every VMRUN needs, cheap to test: so that pages of a
		 * few chosen words cannot crowd the real VMCBs out of the
		 * candidates kept. */
		uint64_t ncr3 = ld(p, VMCB_NESTED_CR3);
		if (ncr3 && !(ncr3 & 0xfff) && ncr3 < PTW_PHYS_LIMIT &&
		    (uint32_t)ld(p, VMCB_ASID) && (ld(p, VMCB_INTERCEPT_MISC2) & 1) &&
		    (ld(p, SAVE_EFER) & EFER_SVME))
			return PTW_VMC_VMCB;
	}
	uint64_t efer = ld(p, SAVE_EFER), cr0 = ld(p, SAVE_CR0);
	if (!(efer & EFER_SVME) || (efer & ~EFER_KNOWN) ||
	    (cr0 & (CR0_PG | CR0_PE)) != (CR0_PG | CR0_PE) || cr0 >> 32 ||
	    !(ld(p, SAVE_CR3) & FRAME_52))
		return 0;
	for (unsigned off = 0; off < VMCB_CONTROL_END; off += 8)
		if (ld(p, off))
			return 0;
	return PTW_VMC_HSAVE;
}

/* ---- one VMCB ------------------------------------------------------------------ */

static void vmcb_read(const uint8_t *p, uint64_t pa, struct ptw_vmcb *v)
{
	*v = (struct ptw_vmcb){
		.pa = pa,
		.asid = (uint32_t)ld(p, VMCB_ASID),
		.nested_cr3 = ld(p, VMCB_NESTED_CR3) & FRAME_52,
		.exit_code = ld(p, VMCB_EXIT_CODE),
		.exit_info1 = ld(p, VMCB_EXIT_INFO1),
		.exit_info2 = ld(p, VMCB_EXIT_INFO2),
		.efer = ld(p, SAVE_EFER), .cr0 = ld(p, SAVE_CR0),
		.cr3 = ld(p, SAVE_CR3), .cr4 = ld(p, SAVE_CR4),
		.rip = ld(p, SAVE_RIP), .rsp = ld(p, SAVE_RSP),
		.rflags = ld(p, SAVE_RFLAGS),
		.cpu = -1,
	};
}

/* Rules 1 and 2: what is wrong with the VMCB at p, into why; false when
 * nothing is. */
static bool vmcb_wrong(const uint8_t *p, const struct ptw_vmcb *v, char *why,
		       size_t n)
{
	uint64_t ctl = ld(p, VMCB_NESTED_CTL);
	uint64_t efer = v->efer, cr0 = v->cr0, cr4 = v->cr4;
	unsigned cs = (unsigned)p[SAVE_CS_ATTRIB] | (unsigned)p[SAVE_CS_ATTRIB + 1] << 8;
	uint64_t inj = ld(p, VMCB_EVENT_INJ);
	bool lm = (efer & EFER_LME) && (cr0 & CR0_PG);
	if (ctl & (NP_SEV | NP_SEV_ES))
		snprintf(why, n, "an SEV%s guest (nested_ctl 0x%" PRIx64 "): its state and memory are encrypted",
			 ctl & NP_SEV_ES ? "-ES" : "", ctl);
	else if (!v->asid)
		snprintf(why, n, "ASID 0, the host's own");
	else if (!(ld(p, VMCB_INTERCEPT_MISC2) & 1))
		snprintf(why, n, "VMRUN is not intercepted, which VMRUN requires");
	else if (!(efer & EFER_SVME))
		snprintf(why, n, "guest EFER 0x%" PRIx64 " lacks SVME, which VMRUN requires", efer);
	else if (efer & ~EFER_KNOWN)
		snprintf(why, n, "guest EFER 0x%" PRIx64 " has reserved bits set", efer);
	else if (cr0 >> 32)
		snprintf(why, n, "guest CR0 0x%" PRIx64 " has bits 63:32 set", cr0);
	else if ((cr0 & CR0_NW) && !(cr0 & CR0_CD))
		snprintf(why, n, "guest CR0 0x%" PRIx64 " sets NW without CD", cr0);
	else if (cr4 & CR4_RESERVED)
		snprintf(why, n, "guest CR4 0x%" PRIx64 " has reserved bits set", cr4);
	else if (lm && (!(cr4 & CR4_PAE) || !(cr0 & CR0_PE)))
		snprintf(why, n, "guest in long mode (EFER 0x%" PRIx64 ", CR0 0x%" PRIx64 ") without CR4.PAE or CR0.PE",
			 efer, cr0);
	else if (lm && (cr4 & CR4_PAE) && (cs & CS_L) && (cs & CS_DB))
		snprintf(why, n, "guest CS has both L and D set in long mode");
	else if ((inj & EVENT_VALID) && ((inj >> 8) & 7) == 1)
		snprintf(why, n, "event injection of the reserved type 1");
	else
		return false;
	return true;
}

/* The guest's paging mode from its registers (NULL: paging off). */
static const struct ptw_mode *guest_mode(const struct ptw_vmcb *v, char *how, size_t n)
{
	const struct ptw_mode *m;
	if (!(v->cr0 & CR0_PG))
		m = NULL;
	else if (v->efer & EFER_LMA)
		m = ptw_mode_get(v->cr4 & CR4_LA57 ? PTW_MODE_LA57 : PTW_MODE_X64);
	else
		m = ptw_mode_get(v->cr4 & CR4_PAE ? PTW_MODE_PAE : PTW_MODE_X86);
	snprintf(how, n, "VMCB 0x%" PRIx64 ": CR0.PG=%d CR4.PAE=%d EFER.LMA=%d CR4.LA57=%d",
		 v->pa, !!(v->cr0 & CR0_PG), !!(v->cr4 & CR4_PAE), !!(v->efer & EFER_LMA),
		 !!(v->cr4 & CR4_LA57));
	return m;
}

/* The vCPU whose registers say the guest's paging mode: one in long mode
 * before one with 32-bit paging before one with paging off, the first by
 * VMCB address among equals.  An SMP guest's APs wait for their start-up
 * IPI in reset state, paging off, while the BSP runs the OS: taking the
 * first VMCB alone made such a guest unpaged (and its memory an i386
 * dump, whose discovery then took the BSP's x64 tables for PAE). */
static size_t mode_vcpu(const struct ptw_vmcb *v, size_t n)
{
	size_t best = 0;
	unsigned best_rank = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned rank = !(v[i].cr0 & CR0_PG) ? 0 : (v[i].efer & EFER_LMA) ? 2 : 1;
		if (rank > best_rank) {
			best = i;
			best_rank = rank;
		}
	}
	return best;
}

/* ---- the nested table ------------------------------------------------------------ */

int ptw_vm_nested_space(const ptw_dump *host, const struct ptw_vm *vm,
			enum ptw_os os, struct ptw_space *out,
			struct ptw_error *err)
{
	int rc = ptw_space_init(out, host, vm->npt, vm->id, err);
	if (!rc)
		out->os = os;
	return rc;
}

/* Rule 3's look at the root: false with why when it is no nested root. */
static bool root_wrong(const ptw_dump *d, const struct ptw_mode *npt, uint64_t root,
		       char *why, size_t n)
{
	uint8_t buf[PTW_PAGE];
	const uint8_t *p = ptw_phys_view(d, root, PTW_PAGE, buf);
	if (!p) {
		snprintf(why, n, "nested root 0x%" PRIx64 " lies outside the dump", root);
		return true;
	}
	unsigned valid = 0;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = ptw_le64(p + 8 * i);
		if (!pt_valid(npt, 0, e))
			continue;
		if (!(e & PTW_US)) {
			snprintf(why, n, "nested root 0x%" PRIx64 " entry %u (0x%" PRIx64 ") lacks U/S, which every nested walk needs",
				 root, i, e);
			return true;
		}
		if (pt_reserved(npt, 0, e)) {
			snprintf(why, n, "nested root 0x%" PRIx64 " entry %u (0x%" PRIx64 ") has reserved bits set",
				 root, i, e);
			return true;
		}
		valid++;
	}
	if (!valid) {
		snprintf(why, n, "nested root 0x%" PRIx64 " has no valid entry", root);
		return true;
	}
	return false;
}

/* What the walks of nested tables may still cost: one for a guest's
 * opening, one shared by all the candidates of a judging, so that their
 * number does not multiply it. */
struct vm_budget {
	uint64_t entries;          /* non-zero entries read */
	uint64_t runs;             /* runs kept */
	uint64_t bytes;            /* guest memory mapped */
};

static struct vm_budget vm_budget_for(const ptw_dump *host)
{
	/* Guest pages may share host pages (KSM merges them), but not beyond
	 * belief: a table that maps one host page everywhere would make a
	 * guest of 2^48 bytes, and every pass over it as long. */
	return (struct vm_budget){
		.entries = VM_ENTRIES_MAX, .runs = VM_RUNS_MAX,
		.bytes = VM_ALIAS_MAX * ptw_dump_phys_size(host) + (1ULL << 30),
	};
}

struct runs {
	const ptw_dump *host;
	struct ptw_xrun *v;
	size_t n, cap;
	uint64_t mapped;           /* guest bytes so far */
	struct vm_budget *budget;
	bool full, spent, too_much, oom;
};

/* Each non-zero entry before the walk maps or descends through it. */
static bool run_enter(void *ctx, unsigned lvl, uint64_t off, uint64_t e)
{
	(void)lvl, (void)off, (void)e;
	struct runs *rs = ctx;
	if (!rs->budget->entries) {
		rs->spent = true;
		return false;
	}
	rs->budget->entries--;
	return true;
}

/* One run of guest memory the host holds; false when it cannot be kept. */
static bool run_push(struct runs *rs, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	struct ptw_xrun *last = rs->n ? &rs->v[rs->n - 1] : NULL;
	if (size > rs->budget->bytes) {
		rs->too_much = true;
		return false;
	}
	rs->budget->bytes -= size;
	rs->mapped += size;
	if (last && last->pa + last->size == gpa && last->host_pa + last->size == hpa) {
		last->size += size;
		return true;
	}
	if (!rs->budget->runs) {
		rs->full = true;
		return false;
	}
	rs->budget->runs--;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct ptw_xrun *v = realloc(rs->v, cap * sizeof *v);
		if (!v) {
			rs->oom = true;
			return false;
		}
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = (struct ptw_xrun){ gpa, size, hpa };
	return true;
}

/* A run of the nested table: the parts whose host pages the dump holds
 * (a dump may leave out the VMM's memory: kdump's filters do), in whole
 * pages. */
static int run_add(void *ctx, const struct ptw_run *r)
{
	struct runs *rs = ctx;
	uint64_t gpa = r->va, hpa = r->pa, left = r->size;
	while (left) {
		uint64_t n;
		bool held = ptw_phys_present(rs->host, hpa, &n);
		n = (n + PTW_PAGE - 1) & ~(PTW_PAGE - 1);
		if (!n || n > left)
			n = left;
		if (held && !run_push(rs, gpa, hpa, n))
			return 1;
		gpa += n, hpa += n, left -= n;
	}
	return 0;
}

/* The nested table's runs, guest PA to host PA, within *budget: an error
 * names a table that loops or maps too much. */
static int nested_runs(const ptw_dump *host, const struct ptw_vm *vm,
		       struct vm_budget *budget, struct runs *rs, struct ptw_error *err)
{
	struct ptw_space s;
	struct ptw_iter_stats st;
	memset(rs, 0, sizeof *rs);
	rs->host = host;
	rs->budget = budget;
	int rc = ptw_vm_nested_space(host, vm, PTW_OS_UNKNOWN, &s, err);
	/* Guest-physical addresses have 52 bits at most (MAXPHYADDR), as
	 * any dump's: a 5-level table's entries above map nothing a guest
	 * can reach (and no dump could hold them). */
	uint64_t end = ptw_mode_va_size(vm->npt);
	if (end > PTW_PHYS_LIMIT)
		end = PTW_PHYS_LIMIT;
	if (!rc)
		rc = ptw_iterate_where(&s, 0, end - 1, run_enter, rs, run_add, rs, &st, err);
	if (!rc && rs->oom)
		rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for a nested table's runs");
	else if (!rc && rs->too_much)
		rc = ptw_fail(err, PTW_ERR_FORMAT,
			      "the nested table at 0x%" PRIx64 " maps more guest memory than is left of %u times the host's (0x%llx bytes), for all guests together",
			      vm->id, VM_ALIAS_MAX, (unsigned long long)ptw_dump_phys_size(host));
	else if (!rc && rs->spent)
		rc = ptw_fail(err, PTW_ERR_FORMAT,
			      "the nested table at 0x%" PRIx64 " needs more entries read than are left of %llu for all guests together (shared subtrees, or a loop)",
			      vm->id, VM_ENTRIES_MAX);
	else if (!rc && rs->full)
		rc = ptw_fail(err, PTW_ERR_FORMAT,
			      "the nested table at 0x%" PRIx64 " maps more runs of guest memory than are left of %u for all guests together",
			      vm->id, VM_RUNS_MAX);
	else if (!rc && st.truncated)
		rc = ptw_fail(err, PTW_ERR_FORMAT,
			      "the nested table at 0x%" PRIx64 " loops: its tables were met again %" PRIu64 " times",
			      vm->id, st.revisits);
	else if (!rc && !rs->n)
		rc = ptw_fail(err, PTW_ERR_FORMAT,
			      "the nested table at 0x%" PRIx64 " maps no memory the dump holds",
			      vm->id);
	if (rc) {
		free(rs->v);
		rs->v = NULL;
		rs->n = 0;
	}
	return rc;
}

static int open_runs(const ptw_dump *host, const struct ptw_vm *vm, const struct runs *rs,
		     ptw_dump **guest, struct ptw_error *err)
{
	struct ptw_cpu *cpus = calloc(vm->nvcpus ? vm->nvcpus : 1, sizeof *cpus);
	if (!cpus)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	const struct ptw_cpu *note;
	size_t nnotes = ptw_dump_cpus(host, &note);
	for (size_t i = 0; i < vm->nvcpus; i++) {
		const struct ptw_vmcb *v = &vm->vcpus[i];
		cpus[i] = (struct ptw_cpu){ (unsigned)i, v->cr0, v->cr3, v->cr4 };
		/* A vCPU in the guest at the dump: its note is newer. */
		for (size_t k = 0; k < nnotes; k++)
			if (v->cpu >= 0 && note[k].index == (unsigned)v->cpu)
				cpus[i] = (struct ptw_cpu){ (unsigned)i, note[k].cr0, note[k].cr3,
							    note[k].cr4 };
	}
	bool lm = vm->guest_mode && ptw_mode_x86_64(vm->guest_mode);
	int rc = ptw_dump_open_translated(host, rs->v, rs->n,
					  lm ? PTW_MACHINE_X86_64 : PTW_MACHINE_I386,
					  cpus, vm->nvcpus, guest, err);
	free(cpus);
	return rc;
}

int ptw_vm_open(const ptw_dump *host, const struct ptw_vm *vm, ptw_dump **guest,
		struct ptw_error *err)
{
	struct runs rs;
	struct vm_budget budget = vm_budget_for(host);
	int rc = nested_runs(host, vm, &budget, &rs, err);
	if (!rc)
		rc = open_runs(host, vm, &rs, guest, err);
	free(rs.v);
	return rc;
}

/* Rule 4: the guest's top table, read in the host's memory through the
 * nested table (npt: the nested space). */
static bool cr3_wrong(const struct ptw_space *npt, const struct ptw_mode *m,
		      const struct ptw_vmcb *v, char *why, size_t n)
{
	uint64_t dirbase;
	struct ptw_xlat x;
	if (!m)
		return false;
	uint64_t cr3 = v->cr3;
	if (m->nlevels >= 4 && (v->cr4 & CR4_PCIDE))
		cr3 &= ~0xfffULL;
	uint64_t bytes = ptw_table_bytes(m, 0);
	uint8_t buf[PTW_PAGE];
	const uint8_t *p = NULL;
	/* A top table lies within one page: one translation finds it. */
	if (ptw_dirbase_from_cr3(m, cr3, &dirbase) && dirbase < PTW_PHYS_LIMIT &&
	    !ptw_translate(npt, dirbase, &x, NULL) && x.status == PTW_MAPPED)
		p = ptw_phys_view(npt->dump, x.pa, bytes, buf);
	if (!p) {
		snprintf(why, n, "guest CR3 0x%" PRIx64 " (%s) is no table the nested table maps",
			 v->cr3, m->name);
		return true;
	}
	unsigned valid = 0;
	for (uint64_t i = 0; i < bytes / m->entry_size; i++) {
		uint64_t e = pt_load(p + i * m->entry_size, m->entry_size);
		if (!pt_valid(m, 0, e))
			continue;
		if (pt_reserved(m, 0, e)) {
			snprintf(why, n, "guest CR3 0x%" PRIx64 ": its top table's entry %" PRIu64 " (0x%" PRIx64 ") has reserved bits set",
				 v->cr3, i, e);
			return true;
		}
		valid++;
	}
	if (!valid) {
		snprintf(why, n, "guest CR3 0x%" PRIx64 ": its top table (guest PA 0x%" PRIx64 ") has no valid entry",
			 v->cr3, dirbase);
		return true;
	}
	return false;
}

/* ---- judging the pass's candidates ------------------------------------------------- */

static void reject(struct ptw_vms *out, uint64_t pa, const char *why)
{
	if (out->nrejected < PTW_VM_REJECTS_MAX) {
		struct ptw_vm_reject *r = &out->rejected[out->nrejected];
		r->pa = pa;
		size_t n = strlen(why);
		if (n >= sizeof r->why) /* a message cut short */
			n = sizeof r->why - 1;
		memcpy(r->why, why, n);
		r->why[n] = '\0';
	}
	out->nrejected++;
}

static int vmcb_cmp_root(const void *a, const void *b)
{
	const struct ptw_vmcb *x = a, *y = b;
	if (x->nested_cr3 != y->nested_cr3)
		return x->nested_cr3 < y->nested_cr3 ? -1 : 1;
	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/* The dump's vCPUs whose registers are v's guest state: they were in the
 * guest at the dump. */
static void match_cpus(const ptw_dump *d, struct ptw_vmcb *v, uint64_t *in_guest)
{
	const struct ptw_cpu *c;
	size_t n = ptw_dump_cpus(d, &c);
	for (size_t i = 0; i < n; i++)
		if (c[i].cr3 == v->cr3 && c[i].cr0 == v->cr0 && c[i].cr4 == v->cr4) {
			v->cpu = (int)c[i].index;
			if (c[i].index < 64)
				*in_guest |= 1ULL << c[i].index;
		}
}

/* Candidates' VMCBs that pass rules 1 and 2, into *out (sorted by root). */
static int read_vmcbs(const ptw_dump *d, const struct ptw_vm_cand *c, size_t n,
		      struct ptw_vms *vms, struct ptw_vmcb **out, size_t *nout,
		      struct ptw_error *err)
{
	struct ptw_vmcb *v = calloc(n ? n : 1, sizeof *v);
	if (!v)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for VMCBs");
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[PTW_PAGE];
		char why[160];
		if (c[i].kind != PTW_VMC_VMCB)
			continue;
		const uint8_t *p = ptw_pass_view(d, c[i].pa, buf);
		if (!p)
			continue;
		vmcb_read(p, c[i].pa, &v[k]);
		if (vmcb_wrong(p, &v[k], why, sizeof why)) {
			reject(vms, c[i].pa, why);
			continue;
		}
		k++;
	}
	qsort(v, k, sizeof *v, vmcb_cmp_root);
	*out = v;
	*nout = k;
	return 0;
}

/* The host memory behind a kept VM's runs, added to vms->guest_mem
 * (sorted and merged once all are in). */
static int add_guest_mem(struct ptw_vms *vms, const struct runs *rs)
{
	struct ptw_range *v = realloc(vms->guest_mem, (vms->nguest_mem + rs->n + 1) * sizeof *v);
	if (!v)
		return PTW_ERR_NOMEM;
	vms->guest_mem = v;
	for (size_t i = 0; i < rs->n; i++)
		v[vms->nguest_mem++] = (struct ptw_range){ rs->v[i].host_pa, rs->v[i].size };
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct ptw_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void merge_guest_mem(struct ptw_vms *vms)
{
	struct ptw_range *v = vms->guest_mem;
	size_t out = 0;
	if (!vms->nguest_mem)
		return;
	qsort(v, vms->nguest_mem, sizeof *v, range_cmp);
	for (size_t i = 1; i < vms->nguest_mem; i++) {
		uint64_t end = v[out].start + v[out].size;
		if (v[i].start <= end) {
			uint64_t e2 = v[i].start + v[i].size;
			if (e2 > end)
				v[out].size = e2 - v[out].start;
		} else {
			v[++out] = v[i];
		}
	}
	vms->nguest_mem = out + 1;
}

const struct ptw_vm *ptw_vms_of_cpu(const struct ptw_vms *vms, unsigned index)
{
	for (size_t i = 0; i < vms->n; i++)
		for (size_t k = 0; k < vms->v[i].nvcpus; k++)
			if (vms->v[i].vcpus[k].cpu == (int)index)
				return &vms->v[i];
	return NULL;
}

bool ptw_vms_guest_page(const struct ptw_vms *vms, uint64_t pa)
{
	size_t lo = 0, hi = vms->nguest_mem;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ptw_range *r = &vms->guest_mem[mid];
		if (pa < r->start)
			hi = mid;
		else if (pa - r->start >= r->size)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Whether the nested table gives its guest its own root or one of its
 * VMCBs: no hypervisor does (the guest could rewrite its own
 * translation), and a look-alike that maps all of memory does, which
 * would make every host table a guest's. */
static bool maps_own_pages(const struct runs *rs, uint64_t root, const struct ptw_vmcb *v,
			   size_t n, char *why, size_t whysz)
{
	uint64_t *pa = malloc((n + 1) * sizeof *pa);
	if (!pa)
		return false; /* the check is a refinement: skipped */
	pa[0] = root;
	for (size_t i = 0; i < n; i++)
		pa[i + 1] = v[i].pa;
	qsort(pa, n + 1, sizeof *pa, u64_cmp);
	bool hit = false;
	for (size_t r = 0; r < rs->n && !hit; r++) {
		uint64_t lo = rs->v[r].host_pa, hi = lo + rs->v[r].size;
		size_t a = 0, b = n + 1;
		while (a < b) { /* the first address >= lo */
			size_t mid = a + (b - a) / 2;
			if (pa[mid] < lo)
				a = mid + 1;
			else
				b = mid;
		}
		if (a <= n && pa[a] < hi) {
			snprintf(why, whysz, "the nested table at 0x%" PRIx64 " maps %s 0x%" PRIx64 " into its guest (at guest PA 0x%" PRIx64 "), as no hypervisor does",
				 root, pa[a] == root ? "its own root" : "its VMCB", pa[a],
				 rs->v[r].pa + (pa[a] - lo));
			hit = true;
		}
	}
	free(pa);
	return hit;
}

/* The VMCBs v[0..n) of one root, kept or dropped as a VM; the walks of
 * its nested table take from *budget.  The dump's vCPUs whose registers
 * are a kept vCPU's guest state go into *in_guest. */
static int judge_vm(const ptw_dump *d, const struct ptw_mode *npt, struct ptw_vmcb *v,
		    size_t n, struct vm_budget *budget, struct ptw_vms *vms,
		    uint64_t *in_guest, struct ptw_error *err)
{
	char why[160];
	struct ptw_vm vm = { .id = v[0].nested_cr3, .npt = npt };
	if (root_wrong(d, npt, vm.id, why, sizeof why)) {
		for (size_t i = 0; i < n; i++)
			reject(vms, v[i].pa, why);
		return 0;
	}
	struct runs rs;
	struct ptw_error e2;
	int rc = nested_runs(d, &vm, budget, &rs, &e2);
	if (rc == PTW_ERR_NOMEM)
		return ptw_fail(err, rc, "%s", e2.msg);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			reject(vms, v[i].pa, e2.msg);
		return 0;
	}
	if (maps_own_pages(&rs, vm.id, v, n, why, sizeof why)) {
		free(rs.v);
		for (size_t i = 0; i < n; i++)
			reject(vms, v[i].pa, why);
		return 0;
	}
	vm.mapped = rs.mapped;
	vm.runs = rs.n;
	/* Each vCPU's CR3 must be a table in the guest, in its own mode;
	 * those that are not are dropped, the others kept in place. */
	struct ptw_space nested;
	size_t kept = 0;
	if (ptw_vm_nested_space(d, &vm, PTW_OS_UNKNOWN, &nested, err)) {
		free(rs.v);
		return err ? err->code : PTW_ERR_INVALID;
	}
	for (size_t i = 0; i < n; i++) {
		char how[128];
		if (cr3_wrong(&nested, guest_mode(&v[i], how, sizeof how), &v[i], why, sizeof why))
			reject(vms, v[i].pa, why);
		else
			v[kept++] = v[i];
	}
	rc = kept ? add_guest_mem(vms, &rs) : 0;
	free(rs.v);
	if (!kept)
		return 0;
	struct ptw_vmcb *copy = rc ? NULL : malloc(kept * sizeof *copy);
	if (!copy)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for VMs");
	memcpy(copy, v, kept * sizeof *copy);
	for (size_t i = 0; i < kept; i++)
		match_cpus(d, &copy[i], in_guest);
	vm.vcpus = copy;
	vm.nvcpus = kept;
	vm.guest_mode = guest_mode(&copy[mode_vcpu(copy, kept)], vm.mode_how, sizeof vm.mode_how);
	vms->v[vms->n++] = vm;
	return 0;
}

/* Host-save areas: kept when their CR3 is a page of the dump; the VMCB
 * their RAX names gets them, its VM the host's table. */
static int judge_hsaves(const ptw_dump *d, const struct ptw_vm_cand *c, size_t n,
			struct ptw_vms *vms, struct ptw_error *err)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += c[i].kind == PTW_VMC_HSAVE;
	vms->hsave = calloc(count ? count : 1, sizeof *vms->hsave);
	if (!vms->hsave)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for host-save areas");
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[PTW_PAGE];
		char why[160];
		if (c[i].kind != PTW_VMC_HSAVE)
			continue;
		const uint8_t *p = ptw_pass_view(d, c[i].pa, buf);
		if (!p)
			continue;
		struct ptw_hsave h = { c[i].pa, ld(p, SAVE_CR3) & FRAME_52, ld(p, SAVE_RAX) };
		if (!ptw_phys_holds(d, h.cr3, PTW_PAGE)) {
			snprintf(why, sizeof why, "host-save look-alike: its CR3 0x%" PRIx64 " lies outside the dump",
				 h.cr3);
			reject(vms, h.pa, why);
			continue;
		}
		vms->hsave[vms->nhsave++] = h;
		for (size_t k = 0; k < vms->n; k++)
			for (size_t j = 0; j < vms->v[k].nvcpus; j++)
				if (vms->v[k].vcpus[j].pa == h.rax) {
					vms->v[k].vcpus[j].hsave = h.pa;
					vms->v[k].host_cr3 = h.cr3;
				}
	}
	return 0;
}

int ptw_vms_judge(const ptw_dump *d, const struct ptw_mode *host_mode,
		  const struct ptw_vm_cand *c, size_t n, bool capped,
		  struct ptw_vms *out, uint64_t *in_guest, struct ptw_error *err)
{
	memset(out, 0, sizeof *out);
	*in_guest = 0;
	out->searched = true;
	out->ncands = n;
	out->capped = capped;
	out->rejected = calloc(PTW_VM_REJECTS_MAX, sizeof *out->rejected);
	if (!out->rejected)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for VMs");
	struct ptw_vmcb *v;
	size_t nv;
	int rc = read_vmcbs(d, c, n, out, &v, &nv, err);
	if (rc)
		return rc;
	const struct ptw_mode *npt = ptw_mode_find(host_mode->nlevels == 5 ? "npt5" : "npt4");
	out->v = calloc(nv ? nv : 1, sizeof *out->v);
	if (!out->v)
		rc = ptw_fail(err, PTW_ERR_NOMEM, "out of memory for VMs");
	struct vm_budget budget = vm_budget_for(d);
	for (size_t i = 0; !rc && i < nv;) {
		size_t j = i;
		while (j < nv && v[j].nested_cr3 == v[i].nested_cr3)
			j++;
		rc = judge_vm(d, npt, v + i, j - i, &budget, out, in_guest, err);
		i = j;
	}
	free(v);
	merge_guest_mem(out);
	if (!rc)
		rc = judge_hsaves(d, c, n, out, err);
	return rc;
}

const struct ptw_mode *ptw_vm_host_mode(const ptw_dump *d, const struct ptw_vm_cand *c,
				       size_t n, char *how, size_t howsz)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[PTW_PAGE];
		const uint8_t *p;
		if (c[i].kind != PTW_VMC_HSAVE || !(p = ptw_pass_view(d, c[i].pa, buf)))
			continue;
		uint64_t cr4 = ld(p, SAVE_CR4);
		if (!(ld(p, SAVE_EFER) & EFER_LMA) || !(cr4 & CR4_PAE))
			continue;
		snprintf(how, howsz, "the host-save area at %" PRIx64 ": CR4.LA57=%d, EFER.LMA=1",
			 c[i].pa, !!(cr4 & CR4_LA57));
		return ptw_mode_get(cr4 & CR4_LA57 ? PTW_MODE_LA57 : PTW_MODE_X64);
	}
	return NULL;
}

void ptw_vms_free(struct ptw_vms *vms)
{
	for (size_t i = 0; i < vms->n; i++)
		free(vms->v[i].vcpus);
	free(vms->v);
	free(vms->rejected);
	free(vms->hsave);
	free(vms->guest_mem);
	memset(vms, 0, sizeof *vms);
}

const struct ptw_vm *ptw_vms_find(const struct ptw_vms *vms, uint64_t id)
{
	for (size_t i = 0; i < vms->n; i++)
		if (vms->v[i].id == id)
			return &vms->v[i];
	return NULL;
}
