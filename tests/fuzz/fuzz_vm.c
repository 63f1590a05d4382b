/* fuzz_vm.c — libFuzzer target: guests in a hypervisor host's memory
 * (discover/vm.c: VMCBs, host-save pages, nested tables) and a guest's
 * memory as a dump over the host's (dump/translated.c).
 *
 * Input: byte 0 flags (bit 0: the host runs LA57, so that the nested
 * tables are 5-level; bit 1: the dump has a QEMU CPU note), bytes 1-24
 * that note's CR0, CR3 and CR4 (little-endian), the rest host physical
 * memory from PA 0x1000 on, in an image of VM_IMG bytes (page 0 and
 * whatever the input does not reach stay zero).  Everything in memory --
 * VMCBs, nested roots, nested and guest tables -- is hostile, and the
 * note may be a guest's state or the host's.  The harness wraps the image
 * in an ELF core (one PT_LOAD at PA 0, the note: a raw image has no CPU
 * notes to match against the VMCBs) and discovers it with the host's mode
 * given and the full scan, which keeps the VMCB candidates.  Then for each VM found: ptw_vm_open, the
 * guest's memory read range by range and compared with the host's bytes
 * behind it, the nested table's own translations compared with
 * ptw_dump_host_pa, each vCPU's CR3 walked in the guest's memory, and the
 * guest's dump discovered as the views do.
 *
 * tests/fuzz/seeds.c writes seeds in this form from gen_vm's small
 * layout (VM_IMG and VM_HDR there match).
 */
#include "fuzz_common.h"
#include "paging/paging.h"

#include <elf.h>

#define VM_IMG 0x40000ULL        /* 256 KiB of host memory */
#define VM_HDR 25                /* flags, CR0, CR3, CR4 */
#define VM_MAX_VMS 4             /* VMs looked into per input */
#define VM_MAX_RANGES 256        /* guest ranges read per VM */
#define VM_LOAD_OFF 0x1000ULL    /* the PT_LOAD's bytes in the ELF */
#define QEMU_DESC 0x1b0          /* QEMUCPUState version 1 */

/* The ELF core: header, PT_NOTE and PT_LOAD, the QEMU note (when asked
 * for) with the input's control registers, then the image.  Written here,
 * not by gen.c's writer: the generator links the uninstrumented library,
 * which cannot sit beside the fuzz build's. */
static uint8_t *make_core(const uint8_t *data, size_t size, bool note, size_t *len)
{
	uint8_t *f = calloc(1, VM_LOAD_OFF + VM_IMG);
	if (!f)
		return NULL;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof *eh;
	eh->e_ehsize = sizeof *eh;
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 2;
	size_t noff = sizeof *eh + 2 * sizeof(Elf64_Phdr);
	size_t nlen = note ? 12 + 8 + QEMU_DESC : 0;
	if (note) {
		const uint32_t hdr[3] = { 5, QEMU_DESC, 0 }, ver = 1, desc = QEMU_DESC;
		uint8_t *n = f + noff;
		memcpy(n, hdr, sizeof hdr);
		memcpy(n + 12, "QEMU", 5);
		memcpy(n + 20, &ver, 4);
		memcpy(n + 24, &desc, 4);
		for (unsigned i = 0; i < 3; i++) {
			uint64_t cr = fuzz_le64(data, size, 1 + 8 * i);
			/* cr0, cr3, cr4 at 0x188, 0x1a0, 0x1a8 */
			memcpy(n + 20 + (i == 0 ? 0x188 : i == 1 ? 0x1a0 : 0x1a8), &cr, 8);
		}
	}
	Elf64_Phdr *ph = (Elf64_Phdr *)(f + eh->e_phoff);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = noff, .p_filesz = nlen,
			      .p_align = 4 };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = VM_LOAD_OFF, .p_paddr = 0,
			      .p_filesz = VM_IMG, .p_memsz = VM_IMG, .p_align = 1 };
	if (size > VM_HDR) {
		size_t n = size - VM_HDR;
		if (n > VM_IMG - FUZZ_PAGE)
			n = VM_IMG - FUZZ_PAGE;
		memcpy(f + VM_LOAD_OFF + FUZZ_PAGE, data + VM_HDR, n);
	}
	*len = VM_LOAD_OFF + VM_IMG;
	return f;
}

/* What discovery promises of its VMs, whatever the memory held. */
FUZZ_NO_COVERAGE
static void check_vms(const struct ptw_vms *v, const char *npt)
{
	FUZZ_CHECK(v->searched);
	FUZZ_CHECK(v->n <= v->ncands);
	size_t vcpus = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct ptw_vm *m = &v->v[i];
		if (i)
			FUZZ_CHECK(m->id > v->v[i - 1].id);
		FUZZ_CHECK(ptw_vms_find(v, m->id) == m);
		FUZZ_CHECK(!strcmp(m->npt->name, npt));
		FUZZ_CHECK(m->nvcpus >= 1 && m->vcpus != NULL);
		FUZZ_CHECK(m->mapped > 0 && m->mapped % FUZZ_PAGE == 0 && m->runs >= 1);
		FUZZ_CHECK(memchr(m->mode_how, '\0', sizeof m->mode_how) && m->mode_how[0]);
		for (size_t k = 0; k < m->nvcpus; k++) {
			const struct ptw_vmcb *c = &m->vcpus[k];
			FUZZ_CHECK(c->nested_cr3 == m->id);
			FUZZ_CHECK(c->asid != 0);
			FUZZ_CHECK(c->cpu == -1 || c->cpu == 0);  /* one note at most */
			FUZZ_CHECK(c->pa % FUZZ_PAGE == 0 && c->pa < VM_IMG);
			if (k)
				FUZZ_CHECK(c->pa > m->vcpus[k - 1].pa);
		}
		vcpus += m->nvcpus;
	}
	for (size_t i = 0; i < v->nrejected && i < PTW_VM_REJECTS_MAX; i++) {
		const struct ptw_vm_reject *r = &v->rejected[i];
		FUZZ_CHECK(memchr(r->why, '\0', sizeof r->why) && r->why[0]);
		FUZZ_CHECK(r->pa % FUZZ_PAGE == 0 && r->pa < VM_IMG);
	}
	for (size_t i = 0; i < v->nhsave; i++)
		FUZZ_CHECK(v->hsave[i].pa % FUZZ_PAGE == 0 && v->hsave[i].pa < VM_IMG);
	/* Every candidate page ends up once: a vCPU, a reject or a
	 * host-save page. */
	FUZZ_CHECK(vcpus + v->nrejected + v->nhsave == v->ncands);
}

/* Guest page pa reads as the host's page behind it. */
static void check_page(const ptw_dump *host, const ptw_dump *gd, uint64_t pa)
{
	uint8_t g[FUZZ_PAGE], h[FUZZ_PAGE];
	uint64_t hpa = 0;
	FUZZ_CHECK(ptw_dump_host_pa(gd, pa, &hpa));
	FUZZ_CHECK(hpa % FUZZ_PAGE == pa % FUZZ_PAGE);
	size_t got = ptw_phys_read(gd, pa, g, sizeof g);
	if (ptw_phys_read(host, hpa, h, sizeof h) == sizeof h) {
		FUZZ_CHECK(got == sizeof g);
		FUZZ_CHECK(!memcmp(g, h, sizeof g));
	}
}

/* The guest's memory, range by range (bounded): each range's first and
 * last page as the host's, the holes between with no host address, and
 * all of it the bytes the VM says its nested table maps. */
static void check_memory(const ptw_dump *host, const ptw_dump *gd, const struct ptw_vm *vm)
{
	uint64_t pa = 0, held = 0;
	bool whole = false;
	for (unsigned i = 0; i < 2 * VM_MAX_RANGES; i++) {
		uint64_t run = 0, hpa;
		bool in = ptw_phys_present(gd, pa, &run);
		FUZZ_CHECK(run > 0);
		if (in) {
			FUZZ_CHECK(run % FUZZ_PAGE == 0 && pa % FUZZ_PAGE == 0);
			check_page(host, gd, pa);
			check_page(host, gd, pa + run - FUZZ_PAGE);
			held += run;
		} else {
			FUZZ_CHECK(!ptw_dump_host_pa(gd, pa, &hpa));
		}
		if (run > UINT64_MAX - pa) {
			whole = true;
			break;
		}
		pa += run;
	}
	if (whole)
		FUZZ_CHECK(held == vm->mapped);
}

/* The nested table walked as a space agrees with the guest's dump. */
static void check_nested(const ptw_dump *host, const ptw_dump *gd, const struct ptw_vm *vm)
{
	struct ptw_space n;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_vm_nested_space(host, vm, PTW_OS_LINUX, &n, &err);
	FUZZ_CHECK(rc == 0);
	uint64_t gpas[3 + 2 * 4] = { 0, 0x1000, 0x10000 };
	unsigned ng = 3;
	for (size_t k = 0; k < vm->nvcpus && k < 4; k++) {
		gpas[ng++] = vm->vcpus[k].cr3 & 0x000ffffffffff000ULL;
		gpas[ng++] = vm->vcpus[k].rip & 0x000ffffffffff000ULL;
	}
	for (unsigned i = 0; i < ng; i++) {
		uint64_t hpa = 0, via = 0;
		struct ptw_xlat x;
		if (ptw_translate(&n, gpas[i], &x, &err))
			continue;
		bool mapped = x.status == PTW_MAPPED;
		if (mapped && ptw_dump_host_pa(gd, gpas[i], &via))
			FUZZ_CHECK(via == x.pa);
		FUZZ_CHECK(ptw_vtop(&n, NULL, gpas[i], &hpa) == (mapped ? 0 : 1));
		if (mapped)
			FUZZ_CHECK(hpa == x.pa);
	}
}

/* Each vCPU's CR3 walked in the guest's memory: what it maps reads. */
static void check_walks(const ptw_dump *gd, const struct ptw_vm *vm)
{
	const struct ptw_mode *m = vm->guest_mode;
	if (!m)
		return;
	for (size_t k = 0; k < vm->nvcpus && k < 4; k++) {
		const struct ptw_vmcb *c = &vm->vcpus[k];
		uint64_t dirbase;
		struct ptw_space s;
		if (!ptw_dirbase_from_cr3(m, c->cr3 & ~0xfffULL, &dirbase) &&
		    !ptw_dirbase_from_cr3(m, c->cr3, &dirbase))
			continue;
		if (ptw_space_init(&s, gd, m, dirbase, NULL))
			continue;
		const uint64_t vas[] = { c->rip, c->rsp, 0, 0x400000, 0xffff800000000000ULL };
		for (unsigned i = 0; i < sizeof vas / sizeof vas[0]; i++) {
			struct ptw_xlat x;
			uint64_t pa = 0;
			if (ptw_translate(&s, vas[i], &x, NULL))
				continue;
			int rc = ptw_vtop(&s, NULL, vas[i], &pa);
			FUZZ_CHECK(rc == (x.status == PTW_MAPPED ? 0 : 1));
			if (!rc)
				FUZZ_CHECK(pa == x.pa);
			uint8_t buf[64];
			FUZZ_CHECK(ptw_vread(&s, NULL, vas[i], buf, sizeof buf) <= sizeof buf);
		}
	}
}

/* The guest's dump discovered as the views do it, without a scan. */
static void check_discover(const ptw_dump *gd, const struct ptw_vm *vm)
{
	struct ptw_discover_opts o = {
		.mode = vm->guest_mode ? vm->guest_mode : ptw_mode_get(PTW_MODE_X64),
		.no_scan = true, .threads = 1,
	};
	struct ptw_spaces sp;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_discover(gd, &o, &sp, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_NOMEM);
		return;
	}
	FUZZ_CHECK(sp.vms.n == 0);
	ptw_spaces_free(&sp);
}

static void check_vm(const ptw_dump *host, const struct ptw_vm *vm)
{
	ptw_dump *gd = NULL;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_vm_open(host, vm, &gd, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		/* Judging opened it already: only memory may fail now. */
		FUZZ_CHECK(rc == PTW_ERR_NOMEM);
		return;
	}
	const struct ptw_cpu *cpus;
	FUZZ_CHECK(ptw_dump_cpus(gd, &cpus) == vm->nvcpus);
	uint64_t hpa;
	FUZZ_CHECK(!ptw_dump_host_pa(host, 0x1000, &hpa));
	check_memory(host, gd, vm);
	check_nested(host, gd, vm);
	check_walks(gd, vm);
	check_discover(gd, vm);
	ptw_dump_close(gd);
}

/* The note's vCPU 0 in the guest: no host space from its CR3, and every
 * vCPU it matched holds its registers. */
FUZZ_NO_COVERAGE
static void check_in_guest(const struct ptw_spaces *sp, const ptw_dump *d)
{
	const struct ptw_cpu *note;
	size_t nnotes = ptw_dump_cpus(d, &note);
	FUZZ_CHECK(sp->cpus_in_guest <= 1);
	FUZZ_CHECK(!sp->cpus_in_guest || nnotes == 1);
	for (size_t i = 0; i < sp->n; i++)
		if (sp->cpus_in_guest)
			FUZZ_CHECK(sp->v[i].cpu != 0);
	for (size_t i = 0; i < sp->vms.n; i++)
		for (size_t k = 0; k < sp->vms.v[i].nvcpus; k++) {
			const struct ptw_vmcb *c = &sp->vms.v[i].vcpus[k];
			if (c->cpu != 0)
				continue;
			FUZZ_CHECK(sp->cpus_in_guest == 1);
			FUZZ_CHECK(c->cr0 == note[0].cr0 && c->cr3 == note[0].cr3 &&
				   c->cr4 == note[0].cr4);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool la57 = data[0] & 1;
	size_t len;
	uint8_t *core = make_core(data, size, data[0] & 2, &len);
	if (!core)
		return 0;
	ptw_dump *d = NULL;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_dump_open_memory(core, len, &d, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_NOMEM);
		free(core);
		return 0;
	}
	struct ptw_discover_opts o = {
		.mode = ptw_mode_get(la57 ? PTW_MODE_LA57 : PTW_MODE_X64), .threads = 1,
	};
	struct ptw_spaces sp;
	rc = ptw_discover(d, &o, &sp, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_NOMEM);
	} else {
		check_vms(&sp.vms, la57 ? "npt5" : "npt4");
		check_in_guest(&sp, d);
		/* What a seed reaches (FUZZ_VM_SHOW=1 with -runs=0). */
		if (getenv("FUZZ_VM_SHOW"))
			fprintf(stderr, "fuzz_vm: %zu VMs, %zu rejected, %zu host-save, in guest %#llx\n",
				sp.vms.n, sp.vms.nrejected, sp.vms.nhsave,
				(unsigned long long)sp.cpus_in_guest);
		for (size_t i = 0; i < sp.vms.n && i < VM_MAX_VMS; i++)
			check_vm(d, &sp.vms.v[i]);
		ptw_spaces_free(&sp);
	}
	ptw_dump_close(d);
	free(core);
	return 0;
}
