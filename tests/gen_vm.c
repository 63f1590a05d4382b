/* gen_vm.c — guests of an AMD SVM host laid out in its memory (gen_vm.h). */
#include "gen_vm.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EFER_SCE  0x0001ULL
#define EFER_LME  0x0100ULL
#define EFER_LMA  0x0400ULL
#define EFER_NXE  0x0800ULL
#define EFER_SVME 0x1000ULL
#define MIB2 0x200000ULL
#define GIB1 0x40000000ULL

static void put(uint8_t *p, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

void gen_vmcb_write(struct gen *host, uint64_t pa, const struct gen_vmcb *v)
{
	uint8_t p[4096] = {0};
	put(p, 0x010, v->intercept_misc2, 8);
	put(p, 0x058, v->asid, 4);
	put(p, 0x070, v->exit_code, 8);
	put(p, 0x090, v->nested_ctl, 8);
	put(p, 0x0a8, v->event_inj, 8);
	put(p, 0x0b0, v->nested_cr3, 8);
	put(p, 0x412, v->cs_attrib, 2);
	put(p, 0x4d0, v->efer, 8);
	put(p, 0x548, v->cr4, 8);
	put(p, 0x550, v->cr3, 8);
	put(p, 0x558, v->cr0, 8);
	put(p, 0x570, v->rflags, 8);
	put(p, 0x578, v->rip, 8);
	put(p, 0x5d8, v->rsp, 8);
	put(p, 0x5f8, v->rax, 8);
	gen_write(host, pa, p, sizeof p);
}

void gen_hsave_write(struct gen *host, uint64_t pa, uint64_t host_cr3,
		     uint64_t vmcb)
{
	struct gen_vmcb h = {
		.cs_attrib = 0x29b,
		.efer = EFER_SVME | EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE,
		.cr0 = 0x80050033, .cr3 = host_cr3, .cr4 = 0x6f0,
		.rflags = 0x2, .rax = vmcb,
	};
	gen_vmcb_write(host, pa, &h);
}

/* ---- the guest's own memory ------------------------------------------------ */

static uint64_t big_size(const struct gen_vm *vm)
{
	return vm->guest_mode == PTW_MODE_X86 ? 2 * MIB2 : MIB2;
}

/* The guest's physical memory, built apart (guest PAs are its offsets),
 * then copied behind the nested table. */
static void guest_build(struct gen *gg, struct gen_vm *vm)
{
	enum ptw_mode_id mode = vm->unpaged ? PTW_MODE_X64 : vm->guest_mode;
	gen_init(gg, mode, GEN_VM_GUEST_SIZE, GEN_VM_TOP);
	char text[48];
	for (unsigned k = 0; k < GEN_VM_DATA_PAGES; k++) {
		snprintf(text, sizeof text, "vm%u page %u", vm->index, k);
		gen_fill_page(gg, GEN_VM_DATA + 0x1000ULL * k, text);
	}
	for (uint64_t j = 0; !vm->small && j < big_size(vm) / 0x1000; j++) {
		snprintf(text, sizeof text, "vm%u big %llu", vm->index, (unsigned long long)j);
		gen_fill_page(gg, GEN_VM_BIG + 0x1000 * j, text);
	}
	if (vm->unpaged)
		return;
	uint64_t top = gen_page(gg);  /* GEN_VM_TOP */
	for (unsigned k = 0; k < GEN_VM_DATA_PAGES; k++)
		gen_map(gg, top, GEN_VM_DATA_VA + 0x1000ULL * k, GEN_VM_DATA + 0x1000ULL * k,
			0x1000, PTW_RW | PTW_US | PTW_A | PTW_D);
	if (!vm->small)
		gen_map(gg, top, GEN_VM_BIG_VA, GEN_VM_BIG, big_size(vm),
			PTW_RW | PTW_A | PTW_D);
	vm->cr3[0] = top;
	/* Each further vCPU runs another process: a copy of the top table. */
	unsigned n = 4096 / gg->mode->entry_size;
	for (unsigned i = 1; i < vm->nvcpus; i++) {
		vm->cr3[i] = gen_page(gg);
		gen_copy_entries(gg, top, vm->cr3[i], 0, n);
	}
	if (gg->next > (vm->small ? GEN_VM_TOP + 0x7000 : GEN_VM_DATA)) {
		fprintf(stderr, "gen_vm: guest tables reach %#llx\n", (unsigned long long)gg->next);
		abort();
	}
}

/* ---- the nested table -------------------------------------------------------- */

static void npt_map(struct gen *host, struct gen_vm *vm, uint64_t gpa, uint64_t hpa,
		    uint64_t size)
{
	uint64_t leaf = (vm->kvm_bits ? 0xe00 : 0) | PTW_RW | PTW_US | PTW_A | PTW_D;
	uint64_t saved = host->table_bits;
	host->table_bits = (vm->kvm_bits ? 0x800 : 0) | GEN_TABLE;
	gen_map(host, vm->npt, gpa, hpa, size, leaf);
	host->table_bits = saved;
}

/* Guest pages [gpa, gpa + size) copied to host hpa and mapped there. */
static void back(struct gen *host, const struct gen *gg, struct gen_vm *vm,
		 uint64_t gpa, uint64_t hpa, uint64_t size)
{
	gen_write(host, hpa, gg->mem + gpa, size);
	for (uint64_t off = 0; off < size; off += vm->npt_leaf)
		npt_map(host, vm, gpa + off, hpa + off, vm->npt_leaf);
}

static uint64_t host_run(struct gen *host, uint64_t pages)
{
	uint64_t first = gen_page(host);
	for (uint64_t i = 1; i < pages; i++)
		gen_page(host);
	return first;
}

/* The small layout's guest pages: tables and data pages only. */
static void layout_small(struct gen *host, const struct gen *gg, struct gen_vm *vm)
{
	enum { TABLES = 7, N = TABLES + GEN_VM_DATA_PAGES };
	uint64_t block = host_run(host, N);
	for (uint64_t j = 0; j < N; j++) {
		uint64_t gpa = j < TABLES ? GEN_VM_TOP + 0x1000 * j
					  : GEN_VM_DATA + 0x1000 * (j - TABLES);
		back(host, gg, vm, gpa, block + 0x1000 * (N - 1 - j), 0x1000);
	}
	vm->mapped = N * 0x1000ULL;
	vm->runs = N;
	if (vm->alias) {
		npt_map(host, vm, GEN_VM_ALIAS, block + 0x1000 * (GEN_VM_DATA_PAGES - 1), 0x1000);
		vm->mapped += 0x1000;
		vm->runs++;
	}
}

static void layout_4k(struct gen *host, const struct gen *gg, struct gen_vm *vm)
{
	if (vm->small) {
		layout_small(host, gg, vm);
		return;
	}
	enum { SMALL = (GEN_VM_DATA + 0x10000 - GEN_VM_TOP) / 0x1000 }; /* [0x1000, 0x20000) */
	uint64_t block = host_run(host, SMALL);
	for (uint64_t j = 0; j < SMALL; j++)   /* reversed: host pages descend */
		back(host, gg, vm, GEN_VM_TOP + 0x1000 * j, block + 0x1000 * (SMALL - 1 - j), 0x1000);
	uint64_t big = host_run(host, big_size(vm) / 0x1000);
	back(host, gg, vm, GEN_VM_BIG, big, big_size(vm));
	vm->mapped = SMALL * 0x1000ULL + big_size(vm);
	vm->runs = SMALL + 1;
	if (vm->alias) {
		uint64_t h = block + 0x1000 * (SMALL - 1 - (GEN_VM_DATA - GEN_VM_TOP) / 0x1000);
		npt_map(host, vm, GEN_VM_ALIAS, h, 0x1000);
		npt_map(host, vm, GEN_VM_ALIAS + 0x1000, h, 0x1000);
		vm->mapped += 0x2000;
		vm->runs += 2;
	}
}

static uint64_t host_run_2m(struct gen *host, uint64_t size)
{
	host->next = (host->next + MIB2 - 1) & ~(MIB2 - 1);
	return host_run(host, size / 0x1000);
}

static void layout_2m(struct gen *host, const struct gen *gg, struct gen_vm *vm)
{
	uint64_t low = host_run_2m(host, MIB2);
	back(host, gg, vm, 0, low, MIB2);
	uint64_t big = host_run_2m(host, big_size(vm));
	back(host, gg, vm, GEN_VM_BIG, big, big_size(vm));
	vm->mapped = MIB2 + big_size(vm);
	vm->runs = 2;
	if (vm->alias) {
		npt_map(host, vm, GEN_VM_ALIAS_2M, low, MIB2);
		vm->mapped += MIB2;
		vm->runs++;
	}
}

static void layout_1g(struct gen *host, const struct gen *gg, struct gen_vm *vm)
{
	if (host->size < GEN_VM_1G_HOST + GEN_VM_GUEST_SIZE || host->next > GEN_VM_1G_HOST) {
		fprintf(stderr, "gen_vm: a 1G nested leaf needs host memory up to %#llx\n",
			(unsigned long long)(GEN_VM_1G_HOST + GEN_VM_GUEST_SIZE));
		abort();
	}
	gen_write(host, GEN_VM_1G_HOST, gg->mem, GEN_VM_GUEST_SIZE);
	npt_map(host, vm, 0, GEN_VM_1G_HOST, GIB1);
	vm->mapped = GIB1;
	vm->runs = 1;
}

/* The host PA behind guest PA gpa as the layouts above place it. */
static uint64_t host_of(const struct gen *host, const struct gen_vm *vm, uint64_t gpa)
{
	/* Walk down by hand: the leaf may be at any level. */
	uint64_t e, table = vm->npt;
	for (unsigned l = 0; l < host->mode->nlevels; l++) {
		const struct ptw_level *L = &host->mode->level[l];
		unsigned idx = (unsigned)((gpa >> L->shift) & ((1ULL << L->bits) - 1));
		e = gen_get(host, table + 8ULL * idx);
		if (l + 1 == host->mode->nlevels || (e & PTW_PS)) {
			uint64_t span = 1ULL << L->shift;
			return (e & 0x000ffffffffff000ULL & ~(span - 1)) + (gpa & (span - 1));
		}
		table = e & 0x000ffffffffff000ULL;
	}
	return 0;
}

/* ---- VMCBs ------------------------------------------------------------------ */

static struct gen_vmcb vcpu_regs(const struct gen_vm *vm, unsigned i)
{
	struct gen_vmcb r = {
		.intercept_misc2 = 1, .asid = vm->index + 1, .exit_code = 0x60,
		.nested_ctl = 1, .nested_cr3 = vm->npt, .cs_attrib = 0xc9b,
		.efer = EFER_SVME, .cr3 = vm->cr3[i], .rflags = 0x202,
		.rip = GEN_VM_DATA_VA + 0x10 * i, .rsp = GEN_VM_DATA_VA + 0x1ff0,
		.rax = i,
	};
	if (vm->unpaged) {
		r.cr0 = 0x11;               /* PE|ET */
		return r;
	}
	struct gen_cpu c = gen_cpu_for(vm->guest_mode, vm->cr3[i]);
	r.cr0 = c.cr0;
	r.cr4 = c.cr4;
	if (vm->guest_mode == PTW_MODE_X64 || vm->guest_mode == PTW_MODE_LA57) {
		r.efer |= EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
		r.cs_attrib = 0x29b;
	} else if (vm->guest_mode == PTW_MODE_PAE) {
		r.efer |= EFER_NXE;
	}
	return r;
}

void gen_vm_build(struct gen *host, struct gen_vm *vm)
{
	if (!vm->nvcpus)
		vm->nvcpus = 1;
	if (vm->nvcpus > 4)
		abort();
	struct gen gg;
	guest_build(&gg, vm);
	vm->npt = gen_page(host);
	if (vm->npt_leaf == GIB1)
		layout_1g(host, &gg, vm);
	else if (vm->npt_leaf == MIB2)
		layout_2m(host, &gg, vm);
	else
		layout_4k(host, &gg, vm);
	gen_free(&gg);
	for (unsigned k = 0; k < GEN_VM_DATA_PAGES; k++)
		vm->data_host[k] = host_of(host, vm, GEN_VM_DATA + 0x1000ULL * k);
	vm->big_host = vm->small ? 0 : host_of(host, vm, GEN_VM_BIG);
	vm->top_host = host_of(host, vm, GEN_VM_TOP);
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		vm->vmcb[i] = gen_page(host);
		vm->regs[i] = vcpu_regs(vm, i);
		gen_vmcb_write(host, vm->vmcb[i], &vm->regs[i]);
	}
	if (vm->host_cr3) {
		vm->hsave = gen_page(host);
		gen_hsave_write(host, vm->hsave, vm->host_cr3, vm->vmcb[0]);
	}
}

struct gen_cpu gen_vm_cpu(const struct gen_vm *vm, unsigned i)
{
	return (struct gen_cpu){ vm->regs[i].cr0, vm->regs[i].cr3, vm->regs[i].cr4 };
}

void gen_vm_fakes(struct gen *host, const struct gen_vm *vm, unsigned mask,
		  uint64_t pa[GEN_VM_FAKES])
{
	for (unsigned k = 0; k < GEN_VM_FAKES; k++) {
		pa[k] = 0;
		if (!(mask >> k & 1))
			continue;
		struct gen_vmcb r = vm->regs[0];
		switch ((enum gen_vm_fake)k) {
		case GEN_VM_FAKE_ASID0:
			r.asid = 0;
			break;
		case GEN_VM_FAKE_NO_SVME:
			r.efer &= ~EFER_SVME;
			break;
		case GEN_VM_FAKE_ROOT_OUTSIDE:
			r.nested_cr3 = 0x7000000000ULL;
			break;
		case GEN_VM_FAKE_ROOT_NO_US:
			r.nested_cr3 = gen_page(host);
			gen_set(host, r.nested_cr3, gen_page(host) | PTW_P | PTW_RW | PTW_A);
			break;
		case GEN_VM_FAKE_LOOP:
			r.nested_cr3 = gen_self_loop(host);
			break;
		case GEN_VM_FAKE_CR3_UNMAPPED:
			r.cr3 = 0x2000000;
			break;
		case GEN_VM_FAKE_SEV:
			r.nested_ctl = 3;
			break;
		case GEN_VM_FAKES:
			break;
		}
		pa[k] = gen_page(host);
		gen_vmcb_write(host, pa[k], &r);
	}
}

/* ---- the host ---------------------------------------------------------------- */

uint64_t gen_vm_host(struct gen *g, enum ptw_mode_id host_mode, uint64_t size)
{
	gen_init(g, host_mode, size, 0x100000);
	uint64_t top = gen_page(g);
	for (uint64_t pa = 0; pa < 8 * MIB2; pa += MIB2)
		gen_map(g, top, 0xffff888000000000ULL + pa, pa, MIB2, PTW_RW | PTW_A | PTW_D);
	return top;
}

void gen_vm_elf(const struct gen *g, enum ptw_mode_id host_mode, uint64_t host_cr3,
		const struct gen_cpu *guest_cpus, unsigned nguest, struct gen_elf *out)
{
	*out = (struct gen_elf){ .elfclass = ELFCLASS64, .machine = EM_X86_64 };
	if (host_cr3)
		out->cpu[out->ncpus++] = gen_cpu_for(host_mode, host_cr3);
	for (unsigned i = 0; i < nguest && i < 3; i++)
		out->cpu[out->ncpus++] = guest_cpus[i];
	if (g->size > GEN_VM_1G_HOST) {
		uint64_t low = (g->next + 0xfff) & ~0xfffULL;
		out->seg[0] = (struct gen_segment){ 0, low, low };
		out->seg[1] = (struct gen_segment){ GEN_VM_1G_HOST, g->size - GEN_VM_1G_HOST, GIB1 };
		out->nsegs = 2;
	}
}
