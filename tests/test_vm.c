/* test_vm.c — guests inside a hypervisor host's dump (issue 13): AMD SVM
 * VMCBs found and judged (discover/vm.c), the guest's memory as a dump
 * over the host's (dump/translated.c), the guest's own tables walked in
 * it, and /vm/<id>/ in the views.  The dumps come from gen_vm.c; every
 * address below follows from its fixed layout (gen_vm.h). */
#include "testutil.h"

#include "gen_vm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A host with up to two guests, written as ELF and discovered. */
struct world {
	struct gen g;
	enum ptw_mode_id host_mode;
	uint64_t host_top;
	struct gen_vm vm[2];
	unsigned nvms;
	uint64_t fake[GEN_VM_FAKES];
	struct gen_cpu in_guest[3];   /* CPU notes after the host's */
	unsigned nin_guest;
	const char *path;
	ptw_dump *d;
	struct ptw_spaces sp;
};

#define MIB 0x100000ULL

static void world_host(struct world *w, enum ptw_mode_id host_mode, uint64_t size)
{
	memset(w, 0, sizeof *w);
	w->host_mode = host_mode;
	w->host_top = gen_vm_host(&w->g, host_mode, size);
}

static struct gen_vm *world_vm(struct world *w, const struct gen_vm *in)
{
	struct gen_vm *vm = &w->vm[w->nvms];
	*vm = *in;
	vm->index = w->nvms++;
	gen_vm_build(&w->g, vm);
	return vm;
}

/* Write, open and discover. */
static void world_open(struct world *w, const char *name)
{
	struct gen_elf elf;
	gen_vm_elf(&w->g, w->host_mode, w->host_top, w->in_guest, w->nin_guest, &elf);
	char file[64];
	snprintf(file, sizeof file, "%s.elf", name);
	w->path = test_path(file);
	assert_int_equal(gen_write_elf(&w->g, &elf, w->path), 0);
	struct ptw_error err = {0};
	if (ptw_dump_open(w->path, &w->d, &err))
		fail_msg("open %s: %s", w->path, err.msg);
	discover(w->d, &w->sp);
}

static void world_close(struct world *w)
{
	ptw_spaces_free(&w->sp);
	ptw_dump_close(w->d);
	gen_free(&w->g);
}

static ptw_dump *guest_open(const struct world *w, const struct ptw_vm *vm)
{
	ptw_dump *gd = NULL;
	struct ptw_error err = {0};
	if (ptw_vm_open(w->d, vm, &gd, &err))
		fail_msg("ptw_vm_open %" PRIx64 ": %s", vm->id, err.msg);
	return gd;
}

/* What discovery found, on a failure's way out. */
static void dump_world(const struct world *w)
{
	const struct ptw_vms *v = &w->sp.vms;
	print_message("mode %s (%s); spaces %zu; in guest %" PRIx64 "\n", w->sp.mode->name,
		      w->sp.mode_how, w->sp.n, w->sp.cpus_in_guest);
	for (size_t i = 0; i < w->sp.n; i++)
		print_message("  space %" PRIx64 " found %#x\n", w->sp.v[i].dirbase, w->sp.v[i].found);
	print_message("vms %zu cands %zu rejected %zu hsave %zu\n", v->n, v->ncands, v->nrejected,
		      v->nhsave);
	for (size_t i = 0; i < v->n; i++) {
		const struct ptw_vm *m = &v->v[i];
		print_message("  vm %" PRIx64 " %s guest %s (%s) vcpus %zu mapped %" PRIx64
			      " runs %" PRIu64 " host_cr3 %" PRIx64 "\n",
			      m->id, m->npt->name, m->guest_mode ? m->guest_mode->name : "-",
			      m->mode_how, m->nvcpus, m->mapped, m->runs, m->host_cr3);
		for (size_t k = 0; k < m->nvcpus; k++)
			print_message("    vmcb %" PRIx64 " cr3 %" PRIx64 " cpu %d hsave %" PRIx64 "\n",
				      m->vcpus[k].pa, m->vcpus[k].cr3, m->vcpus[k].cpu,
				      m->vcpus[k].hsave);
	}
	for (size_t i = 0; i < v->nrejected && i < PTW_VM_REJECTS_MAX; i++)
		print_message("  reject %" PRIx64 ": %s\n", v->rejected[i].pa, v->rejected[i].why);
}

/* ---- helpers --------------------------------------------------------------------- */

/* The page gen_fill_page makes of text. */
static void filled(uint8_t *page, const char *text)
{
	memset(page, 0, 4096);
	size_t n = strlen(text);
	for (size_t off = 0; off + n <= 4096; off += n + 1)
		memcpy(page + off, text, n);
}

/* Guest PA pa reads exactly as a page filled with text. */
static void assert_page(const ptw_dump *gd, uint64_t pa, const char *text)
{
	uint8_t want[4096], got[4096];
	filled(want, text);
	if (ptw_phys_read(gd, pa, got, sizeof got) != sizeof got)
		fail_msg("guest PA %" PRIx64 " not held", pa);
	if (memcmp(got, want, sizeof got))
		fail_msg("guest PA %" PRIx64 ": \"%.24s\", want \"%s\"", pa, (const char *)got, text);
}

/* Guest PA pa is a hole: nothing held, zeros read. */
static void assert_hole(const ptw_dump *gd, uint64_t pa)
{
	uint8_t got[4096], zero[4096] = {0};
	memset(got, 0xaa, sizeof got);
	assert_int_equal(ptw_phys_read(gd, pa, got, sizeof got), 0);
	assert_memory_equal(got, zero, sizeof got);
	uint64_t h = 0;
	assert_false(ptw_dump_host_pa(gd, pa, &h));
}

static void assert_host_pa(const ptw_dump *gd, uint64_t pa, uint64_t want)
{
	uint64_t h = 0;
	if (!ptw_dump_host_pa(gd, pa, &h))
		fail_msg("guest PA %" PRIx64 ": no host PA", pa);
	if (h != want)
		fail_msg("guest PA %" PRIx64 ": host %" PRIx64 ", want %" PRIx64, pa, h, want);
}

/* va of the guest's space translates to pa in a page of page_size, both
 * by ptw_translate and ptw_vtop. */
static void assert_xlat(const struct ptw_space *s, uint64_t va, uint64_t pa, uint64_t page_size)
{
	struct ptw_xlat x;
	struct ptw_error err = {0};
	assert_int_equal(ptw_translate(s, va, &x, &err), 0);
	if (x.status != PTW_MAPPED || x.pa != pa || x.page_size != page_size)
		fail_msg("%s va %" PRIx64 ": status %d pa %" PRIx64 " page %" PRIx64
			 ", want pa %" PRIx64 " page %" PRIx64,
			 s->mode->name, va, x.status, x.pa, x.page_size, pa, page_size);
	uint64_t v = 0;
	struct ptw_tlb tlb;
	ptw_tlb_reset(&tlb);
	assert_int_equal(ptw_vtop(s, &tlb, va, &v), 0);
	assert_int_equal(v, pa);
}

static void assert_unmapped(const struct ptw_space *s, uint64_t va)
{
	uint64_t v;
	assert_int_equal(ptw_vtop(s, NULL, va, &v), 1);
}

static const struct ptw_vm *only_vm(const struct world *w)
{
	if (w->sp.vms.n != 1) {
		dump_world(w);
		fail_msg("want one VM, have %zu", w->sp.vms.n);
	}
	return &w->sp.vms.v[0];
}

static void assert_reject(const struct world *w, size_t i, uint64_t pa, const char *why)
{
	const struct ptw_vms *v = &w->sp.vms;
	if (i >= v->nrejected) {
		dump_world(w);
		fail_msg("no reject %zu", i);
	}
	assert_int_equal(v->rejected[i].pa, pa);
	assert_text(v->rejected[i].why, why);
}

/* The guest's translations of the fixed layout: data pages, the large
 * page, a hole, through the space of CR3 cr3. */
static void check_guest_walk(const ptw_dump *gd, const struct ptw_vm *vm, uint64_t cr3,
			     const char *tag)
{
	struct ptw_space s;
	struct ptw_error err = {0};
	if (ptw_space_init(&s, gd, vm->guest_mode, cr3, &err))
		fail_msg("%s: guest space %" PRIx64 ": %s", tag, cr3, err.msg);
	for (unsigned k = 0; k < GEN_VM_DATA_PAGES; k++)
		assert_xlat(&s, GEN_VM_DATA_VA + 0x1000ULL * k + 0x123,
			    GEN_VM_DATA + 0x1000ULL * k + 0x123, 0x1000);
	bool x86 = vm->guest_mode->id == PTW_MODE_X86;
	uint64_t big = x86 ? 0x400000 : 0x200000;
	assert_xlat(&s, GEN_VM_BIG_VA, GEN_VM_BIG, big);
	assert_xlat(&s, GEN_VM_BIG_VA + big - 8, GEN_VM_BIG + big - 8, big);
	assert_unmapped(&s, GEN_VM_DATA_VA + 0x1000ULL * GEN_VM_DATA_PAGES);
	assert_unmapped(&s, 0);
	/* Bytes through the walk and the translated dump together. */
	char got[32] = {0}, want[32];
	assert_int_equal(ptw_vread(&s, NULL, GEN_VM_BIG_VA + 0x3000, got, 16), 16);
	snprintf(want, sizeof want, "vm%u big 3", (unsigned)(vm->vcpus[0].asid - 1));
	assert_string_equal(got, want);
	assert_int_equal(ptw_vread(&s, NULL, GEN_VM_DATA_VA + 0x2000, got, 16), 16);
	snprintf(want, sizeof want, "vm%u page 2", (unsigned)(vm->vcpus[0].asid - 1));
	assert_string_equal(got, want);
}

/* Every data page and large-page page of guest vm (gen index v) reads
 * as written, at its host PA per the generator. */
static void check_guest_bytes(const ptw_dump *gd, const struct gen_vm *g, uint64_t big)
{
	char text[32];
	for (unsigned k = 0; k < GEN_VM_DATA_PAGES; k++) {
		snprintf(text, sizeof text, "vm%u page %u", g->index, k);
		assert_page(gd, GEN_VM_DATA + 0x1000ULL * k, text);
		assert_host_pa(gd, GEN_VM_DATA + 0x1000ULL * k + 0x7f, g->data_host[k] + 0x7f);
	}
	for (uint64_t j = 0; j < big / 0x1000; j += 97) {
		snprintf(text, sizeof text, "vm%u big %u", g->index, (unsigned)j);
		assert_page(gd, GEN_VM_BIG + 0x1000 * j, text);
		assert_host_pa(gd, GEN_VM_BIG + 0x1000 * j, g->big_host + 0x1000 * j);
	}
	assert_host_pa(gd, GEN_VM_TOP, g->top_host);
}

/* ---- one guest, x64 over 4K nested leaves, with every look-alike ------------------- */

/* Host x64, 32 MiB: its table at 0x100000 (PDPT 101000, PD 102000); the
 * guest's nested root 103000, 31 host pages 104000-122fff for guest
 * [0x1000, 0x20000) in reverse, the NPT's tables 123000-125000, the large
 * page's 512 pages 126000-325fff, its page table 326000; VMCBs 327000 and
 * 328000, the host-save page 329000, then the fakes 32a000 on. */
static void world_basic(struct world *w, const char *name)
{
	world_host(w, PTW_MODE_X64, 32 * MIB);
	world_vm(w, &(struct gen_vm){ .npt_leaf = 0x1000, .guest_mode = PTW_MODE_X64,
				      .nvcpus = 2, .kvm_bits = true, .alias = true,
				      .host_cr3 = w->host_top });
	gen_vm_fakes(&w->g, &w->vm[0], (1u << GEN_VM_FAKES) - 1, w->fake);
	world_open(w, name);
}

static void found_x64_4k(void **state)
{
	(void)state;
	struct world w;
	world_basic(&w, "basic");
	assert_int_equal(w.fake[GEN_VM_FAKE_ASID0], 0x32a000);
	assert_string_equal(w.sp.mode->name, "x64");
	assert_int_equal(w.sp.n, 1);
	assert_int_equal(w.sp.v[0].dirbase, 0x100000);
	assert_int_equal(w.sp.cpus_in_guest, 0);

	const struct ptw_vms *vms = &w.sp.vms;
	assert_true(vms->searched);
	assert_false(vms->capped);
	/* The sniff itself leaves out the fakes without an ASID or SVME. */
	assert_int_equal(vms->ncands, 2 + 1 + GEN_VM_FAKES - 2);
	const struct ptw_vm *vm = only_vm(&w);
	assert_int_equal(vm->id, 0x103000);
	assert_string_equal(vm->npt->name, "npt4");
	assert_string_equal(vm->guest_mode->name, "x64");
	assert_text(vm->mode_how, "VMCB 0x327000: CR0.PG=1 CR4.PAE=1 EFER.LMA=1 CR4.LA57=0");
	assert_int_equal(vm->nvcpus, 2);
	assert_int_equal(vm->mapped, 31 * 0x1000 + 0x200000 + 0x2000);
	assert_int_equal(vm->runs, 34);
	assert_int_equal(vm->host_cr3, 0x100000);

	const struct ptw_vmcb *c = &vm->vcpus[0];
	assert_int_equal(c->pa, 0x327000);
	assert_int_equal(c->asid, 1);
	assert_int_equal(c->nested_cr3, 0x103000);
	assert_int_equal(c->exit_code, 0x60);
	assert_int_equal(c->efer, 0x1d01);
	assert_int_equal(c->cr0, 0x80050033);
	assert_int_equal(c->cr3, 0x1000);
	assert_int_equal(c->cr4, 0x6f0);
	assert_int_equal(c->rip, 0x400000);
	assert_int_equal(c->rsp, 0x401ff0);
	assert_int_equal(c->rflags, 0x202);
	assert_int_equal(c->cpu, -1);
	assert_int_equal(c->hsave, 0x329000);
	c = &vm->vcpus[1];
	assert_int_equal(c->pa, 0x328000);
	assert_int_equal(c->cr3, 0x5000);
	assert_int_equal(c->rip, 0x400010);
	assert_int_equal(c->hsave, 0);

	assert_int_equal(vms->nhsave, 1);
	assert_int_equal(vms->hsave[0].pa, 0x329000);
	assert_int_equal(vms->hsave[0].cr3, 0x100000);
	assert_int_equal(vms->hsave[0].rax, 0x327000);

	/* Rules 1 and 2 by address, then rules 3 and 4 by nested root. */
	assert_int_equal(vms->nrejected, 5);
	assert_reject(&w, 0, w.fake[GEN_VM_FAKE_SEV],
		      "an SEV guest (nested_ctl 0x3): its state and memory are encrypted");
	assert_reject(&w, 1, w.fake[GEN_VM_FAKE_CR3_UNMAPPED],
		      "guest CR3 0x2000000 (x64) is no table the nested table maps");
	assert_reject(&w, 2, w.fake[GEN_VM_FAKE_ROOT_NO_US],
		      "nested root 0x32d000 entry 0 (0x32e023) lacks U/S, which every nested walk needs");
	assert_reject(&w, 3, w.fake[GEN_VM_FAKE_LOOP],
		      "the nested table at 0x330000 loops: its tables were met again 4096 times");
	assert_reject(&w, 4, w.fake[GEN_VM_FAKE_ROOT_OUTSIDE],
		      "nested root 0x7000000000 lies outside the dump");
	world_close(&w);
}

static void guest_memory(void **state)
{
	(void)state;
	struct world w;
	world_basic(&w, "memory");
	const struct ptw_vm *vm = only_vm(&w);
	ptw_dump *gd = guest_open(&w, vm);
	/* Data page k is guest page 15 + k of the reversed block. */
	assert_int_equal(w.vm[0].data_host[0], 0x113000);
	assert_int_equal(w.vm[0].data_host[7], 0x10c000);
	assert_int_equal(w.vm[0].big_host, 0x126000);
	assert_int_equal(w.vm[0].top_host, 0x122000);
	check_guest_bytes(gd, &w.vm[0], 0x200000);
	assert_host_pa(gd, 0x1f000, 0x104000);
	assert_host_pa(gd, 0x5fffff, 0x325fff);
	/* The aliases: data page 0's host page twice more. */
	assert_page(gd, GEN_VM_ALIAS, "vm0 page 0");
	assert_page(gd, GEN_VM_ALIAS + 0x1000, "vm0 page 0");
	assert_host_pa(gd, GEN_VM_ALIAS + 0x10, 0x113010);
	assert_host_pa(gd, GEN_VM_ALIAS + 0x1010, 0x113010);
	/* Holes: below, between and above what the NPT maps. */
	assert_hole(gd, 0);
	assert_hole(gd, 0x20000);
	assert_hole(gd, 0x32000);
	assert_hole(gd, 0x3ff000);
	assert_hole(gd, 0x600000);
	assert_hole(gd, 0x40000000);
	/* A read across a run's end: what is held, then zeros. */
	uint8_t buf[0x2000];
	assert_int_equal(ptw_phys_read(gd, 0x1f000, buf, sizeof buf), 0x1000);
	assert_int_equal(buf[0x1000], 0);
	assert_int_equal(buf[0x1fff], 0);
	/* The host's own dump has no host PA. */
	uint64_t h;
	assert_false(ptw_dump_host_pa(w.d, 0x1000, &h));
	/* The guest's dump: its vCPUs from the VMCBs. */
	const struct ptw_cpu *cpus;
	assert_int_equal(ptw_dump_cpus(gd, &cpus), 2);
	assert_int_equal(cpus[1].cr3, 0x5000);
	assert_int_equal(cpus[1].cr4, 0x6f0);
	ptw_dump_close(gd);
	world_close(&w);
}

static void guest_walk(void **state)
{
	(void)state;
	struct world w;
	world_basic(&w, "walk");
	const struct ptw_vm *vm = only_vm(&w);
	ptw_dump *gd = guest_open(&w, vm);
	check_guest_walk(gd, vm, 0x1000, "vcpu 0");
	check_guest_walk(gd, vm, 0x5000, "vcpu 1");
	/* The nested table itself as a space: guest PA to host PA. */
	struct ptw_space n;
	struct ptw_error err = {0};
	assert_int_equal(ptw_vm_nested_space(w.d, vm, PTW_OS_UNKNOWN, &n, &err), 0);
	assert_xlat(&n, 0x10000, 0x113000, 0x1000);
	assert_xlat(&n, 0x400000 + 0x1234, 0x127234, 0x1000);
	assert_xlat(&n, GEN_VM_ALIAS + 0x1000, 0x113000, 0x1000);
	assert_unmapped(&n, 0x20000);
	ptw_dump_close(gd);
	world_close(&w);
}

/* ---- shapes ------------------------------------------------------------------------ */

struct shape {
	uint64_t npt_leaf;
	enum ptw_mode_id mode;
	bool unpaged;
	const char *name;      /* guest_mode's, NULL unpaged */
	uint64_t efer, cr4;
	const char *how;
	uint64_t mapped, runs;
};

static void check_shape(const struct shape *sh)
{
	struct world w;
	world_host(&w, PTW_MODE_X64, 32 * MIB);
	struct gen_vm *g = world_vm(&w, &(struct gen_vm){ .npt_leaf = sh->npt_leaf,
		.guest_mode = sh->mode, .unpaged = sh->unpaged });
	world_open(&w, "shape");
	const struct ptw_vm *vm = only_vm(&w);
	assert_int_equal(vm->id, g->npt);
	if (sh->name)
		assert_string_equal(vm->guest_mode->name, sh->name);
	else
		assert_null(vm->guest_mode);
	char how[128];
	snprintf(how, sizeof how, "VMCB 0x%" PRIx64 ": %s", g->vmcb[0], sh->how);
	assert_text(vm->mode_how, how);
	assert_int_equal(vm->vcpus[0].efer, sh->efer);
	assert_int_equal(vm->vcpus[0].cr4, sh->cr4);
	assert_int_equal(vm->mapped, sh->mapped);
	assert_int_equal(vm->runs, sh->runs);
	assert_int_equal(vm->nvcpus, 1);
	assert_int_equal(w.sp.vms.nrejected, 0);
	ptw_dump *gd = guest_open(&w, vm);
	uint64_t big = sh->mode == PTW_MODE_X86 ? 0x400000 : 0x200000;
	check_guest_bytes(gd, g, big);
	if (!sh->unpaged)
		check_guest_walk(gd, vm, GEN_VM_TOP, sh->how);
	if (sh->npt_leaf == 0x1000)
		assert_hole(gd, 0x20000);
	else
		assert_hole(gd, 0x200000);
	ptw_dump_close(gd);
	world_close(&w);
}

#define HOW_X86  "CR0.PG=1 CR4.PAE=0 EFER.LMA=0 CR4.LA57=0"
#define HOW_PAE  "CR0.PG=1 CR4.PAE=1 EFER.LMA=0 CR4.LA57=0"
#define HOW_X64  "CR0.PG=1 CR4.PAE=1 EFER.LMA=1 CR4.LA57=0"
#define HOW_LA57 "CR0.PG=1 CR4.PAE=1 EFER.LMA=1 CR4.LA57=1"
#define HOW_OFF  "CR0.PG=0 CR4.PAE=0 EFER.LMA=0 CR4.LA57=0"

/* Every guest paging mode over 4K and over 2M nested leaves; the large
 * guest page (2M, x86's 4M) over 4K nested leaves is 512 (1024) of them. */
static void guest_modes(void **state)
{
	(void)state;
	const uint64_t k4 = 0x1000, m2 = 0x200000, small = 31 * k4;
	const struct shape shapes[] = {
		{ k4, PTW_MODE_X86, false, "x86", 0x1000, 0x690, HOW_X86, small + 2 * m2, 32 },
		{ k4, PTW_MODE_PAE, false, "pae", 0x1800, 0x6f0, HOW_PAE, small + m2, 32 },
		{ k4, PTW_MODE_X64, false, "x64", 0x1d01, 0x6f0, HOW_X64, small + m2, 32 },
		{ k4, PTW_MODE_LA57, false, "la57", 0x1d01, 0x16f0, HOW_LA57, small + m2, 32 },
		{ k4, PTW_MODE_X64, true, NULL, 0x1000, 0, HOW_OFF, small + m2, 32 },
		{ m2, PTW_MODE_X86, false, "x86", 0x1000, 0x690, HOW_X86, 3 * m2, 2 },
		{ m2, PTW_MODE_PAE, false, "pae", 0x1800, 0x6f0, HOW_PAE, 2 * m2, 2 },
		{ m2, PTW_MODE_X64, false, "x64", 0x1d01, 0x6f0, HOW_X64, 2 * m2, 2 },
		{ m2, PTW_MODE_LA57, false, "la57", 0x1d01, 0x16f0, HOW_LA57, 2 * m2, 2 },
		{ m2, PTW_MODE_X64, true, NULL, 0x1000, 0, HOW_OFF, 2 * m2, 2 },
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		check_shape(&shapes[i]);
}

/* A 1 GiB nested leaf: guest [0, 1G) on host [1G, 2G), the host's
 * memory there zeros past the guest's first 8 MiB. */
static void npt_1g(void **state)
{
	(void)state;
	struct world w;
	world_host(&w, PTW_MODE_X64, GEN_VM_1G_HOST + GEN_VM_GUEST_SIZE);
	struct gen_vm *g = world_vm(&w, &(struct gen_vm){ .npt_leaf = 0x40000000,
		.guest_mode = PTW_MODE_X64, .kvm_bits = true });
	world_open(&w, "npt1g");
	const struct ptw_vm *vm = only_vm(&w);
	assert_int_equal(vm->id, 0x103000);
	assert_int_equal(vm->mapped, 0x40000000);
	assert_int_equal(vm->runs, 1);
	assert_int_equal(g->data_host[0], 0x40010000);
	ptw_dump *gd = guest_open(&w, vm);
	check_guest_bytes(gd, g, 0x200000);
	check_guest_walk(gd, vm, GEN_VM_TOP, "1G");
	assert_host_pa(gd, 0x3fffffff, 0x7fffffff);
	/* Past the guest's 8 MiB the host holds zeros (the segment's tail). */
	uint8_t buf[4096], zero[4096] = {0};
	assert_int_equal(ptw_phys_read(gd, 0x20000000, buf, sizeof buf), sizeof buf);
	assert_memory_equal(buf, zero, sizeof buf);
	assert_hole(gd, 0x40000000);
	ptw_dump_close(gd);
	world_close(&w);
}

/* Two VMs: two roots, each its own memory and ASID. */
static void two_vms(void **state)
{
	(void)state;
	struct world w;
	world_host(&w, PTW_MODE_X64, 32 * MIB);
	struct gen_vm *a = world_vm(&w, &(struct gen_vm){ .npt_leaf = 0x1000,
		.guest_mode = PTW_MODE_X64, .nvcpus = 3 });
	struct gen_vm *b = world_vm(&w, &(struct gen_vm){ .npt_leaf = 0x200000,
		.guest_mode = PTW_MODE_PAE, .nvcpus = 2, .kvm_bits = true });
	world_open(&w, "two");
	const struct ptw_vms *vms = &w.sp.vms;
	assert_int_equal(vms->n, 2);
	assert_int_equal(vms->nrejected, 0);
	assert_int_equal(vms->v[0].id, 0x103000);
	assert_int_equal(a->npt, 0x103000);
	assert_int_equal(vms->v[1].id, b->npt);
	assert_true(b->npt > a->npt);
	assert_int_equal(vms->v[0].nvcpus, 3);
	assert_int_equal(vms->v[1].nvcpus, 2);
	assert_string_equal(vms->v[0].guest_mode->name, "x64");
	assert_string_equal(vms->v[1].guest_mode->name, "pae");
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(vms->v[0].vcpus[i].asid, 1);
		assert_int_equal(vms->v[0].vcpus[i].pa, a->vmcb[i]);
		assert_int_equal(vms->v[0].vcpus[i].cr3, a->cr3[i]);
	}
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(vms->v[1].vcpus[i].asid, 2);
		assert_int_equal(vms->v[1].vcpus[i].pa, b->vmcb[i]);
		assert_int_equal(vms->v[1].vcpus[i].cr3, b->cr3[i]);
	}
	assert_ptr_equal(ptw_vms_find(vms, b->npt), &vms->v[1]);
	assert_null(ptw_vms_find(vms, 0x104000));
	ptw_dump *ga = guest_open(&w, &vms->v[0]), *gb = guest_open(&w, &vms->v[1]);
	check_guest_bytes(ga, a, 0x200000);
	check_guest_bytes(gb, b, 0x200000);
	for (unsigned i = 0; i < 3; i++)
		check_guest_walk(ga, &vms->v[0], a->cr3[i], "a");
	for (unsigned i = 0; i < 2; i++)
		check_guest_walk(gb, &vms->v[1], b->cr3[i], "b");
	ptw_dump_close(ga);
	ptw_dump_close(gb);
	world_close(&w);
}

/* A 5-level host: its nested tables are 5-level too (npt5). */
static void la57_host(void **state)
{
	(void)state;
	struct world w;
	world_host(&w, PTW_MODE_LA57, 32 * MIB);
	struct gen_vm *g = world_vm(&w, &(struct gen_vm){ .npt_leaf = 0x1000,
		.guest_mode = PTW_MODE_LA57, .kvm_bits = true, .alias = true });
	world_open(&w, "la57");
	assert_string_equal(w.sp.mode->name, "la57");
	const struct ptw_vm *vm = only_vm(&w);
	assert_string_equal(vm->npt->name, "npt5");
	assert_string_equal(vm->guest_mode->name, "la57");
	assert_int_equal(vm->id, g->npt);
	assert_int_equal(vm->mapped, 31 * 0x1000 + 0x200000 + 0x2000);
	assert_int_equal(vm->runs, 34);
	ptw_dump *gd = guest_open(&w, vm);
	check_guest_bytes(gd, g, 0x200000);
	check_guest_walk(gd, vm, GEN_VM_TOP, "la57");
	assert_page(gd, GEN_VM_ALIAS + 0x1000, "vm0 page 0");
	ptw_dump_close(gd);
	world_close(&w);
}

/* ---- vCPUs in the guest at the dump --------------------------------------------------- */

/* CPU note 1 holds vCPU 1's guest state: that vCPU is marked, its CR3
 * (a guest PA) is no host space.  The control: a note with that CR3 but
 * another CR4 is the host's, and gives a space. */
static void cpu_in_guest(void **state)
{
	(void)state;
	for (int match = 0; match < 2; match++) {
		struct world w;
		world_host(&w, PTW_MODE_X64, 32 * MIB);
		struct gen_vm *g = world_vm(&w, &(struct gen_vm){ .npt_leaf = 0x1000,
			.guest_mode = PTW_MODE_X64, .nvcpus = 2 });
		w.in_guest[0] = gen_vm_cpu(g, 1);
		if (!match)
			w.in_guest[0].cr4 |= 1ULL << 16;  /* FSGSBASE: no VMCB's */
		w.nin_guest = 1;
		world_open(&w, match ? "inguest" : "notinguest");
		const struct ptw_vm *vm = only_vm(&w);
		assert_int_equal(g->cr3[1], 0x5000);
		if (match) {
			assert_int_equal(w.sp.cpus_in_guest, 2);
			assert_int_equal(vm->vcpus[0].cpu, -1);
			assert_int_equal(vm->vcpus[1].cpu, 1);
			assert_int_equal(w.sp.n, 1);
			assert_int_equal(w.sp.v[0].dirbase, 0x100000);
			assert_null(ptw_spaces_find(&w.sp, 0x5000));
		} else {
			assert_int_equal(w.sp.cpus_in_guest, 0);
			assert_int_equal(vm->vcpus[1].cpu, -1);
			const struct ptw_space *s = ptw_spaces_find(&w.sp, 0x5000);
			if (!s) {
				dump_world(&w);
				fail_msg("the host note's CR3 5000 is no space");
			}
			assert_int_equal(s->cpu, 1);
		}
		/* The guest's dump takes the vCPU's registers from the note
		 * when it ran the guest, else from its VMCB. */
		ptw_dump *gd = guest_open(&w, vm);
		const struct ptw_cpu *c;
		assert_int_equal(ptw_dump_cpus(gd, &c), 2);
		assert_int_equal(c[1].cr3, 0x5000);
		assert_int_equal(c[1].cr4, 0x6f0);
		ptw_dump_close(gd);
		world_close(&w);
	}
}

/* The only CPU note is a guest's (a PAE guest's registers): the host's
 * mode is not taken from it. */
static void only_cpu_in_guest(void **state)
{
	(void)state;
	struct world w;
	world_host(&w, PTW_MODE_X64, 32 * MIB);
	struct gen_vm *g = world_vm(&w, &(struct gen_vm){ .npt_leaf = 0x1000,
		.guest_mode = PTW_MODE_PAE });
	w.in_guest[0] = gen_vm_cpu(g, 0);
	w.nin_guest = 1;
	w.host_top = 0;   /* no host note */
	world_open(&w, "onlyguest");
	assert_string_equal(w.sp.mode->name, "x64");
	assert_text(w.sp.mode_how,
		    "vCPU 0 was running guest 103000; the host's mode x64 as the vCPU registers give it");
	assert_int_equal(w.sp.cpus_in_guest, 1);
	const struct ptw_vm *vm = only_vm(&w);
	assert_string_equal(vm->guest_mode->name, "pae");
	assert_int_equal(vm->vcpus[0].cpu, 0);
	assert_null(ptw_spaces_find(&w.sp, GEN_VM_TOP));
	world_close(&w);
}

/* ---- the views: /vm/<id>/ ------------------------------------------------------------ */

static ptv_fs *view_of(const struct world *w)
{
	struct ptv_config c = { .dump_path = w->path, .discover = { .threads = 1 } };
	ptv_fs *fs;
	struct ptw_error err = {0};
	if (ptv_open(&c, &fs, &err))
		fail_msg("ptv_open %s: %s", w->path, err.msg);
	return fs;
}

static struct ptv_node node_at(ptv_fs *fs, const char *path)
{
	struct ptv_node n;
	int rc = ptv_lookup(fs, path, &n);
	if (rc)
		fail_msg("lookup %s: %d", path, rc);
	return n;
}

static int add_name(void *ctx, const char *name, const struct ptv_attr *a)
{
	(void)a;
	struct ptv_text *t = ctx;
	size_t n = strlen(name);
	if (t->len + n + 2 > t->cap) {
		t->cap = (t->len + n + 2) * 2;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	memcpy(t->p + t->len, name, n);
	t->len += n;
	t->p[t->len++] = ' ';
	t->p[t->len] = '\0';
	return 0;
}

static void assert_listing(ptv_fs *fs, const char *path, const char *want)
{
	struct ptv_node n = node_at(fs, path);
	struct ptv_text t = {0};
	assert_int_equal(ptv_readdir(fs, &n, add_name, &t), 0);
	assert_text(t.p ? t.p : "", want);
	free(t.p);
}

static void assert_file(ptv_fs *fs, const char *path, const char *want)
{
	struct ptv_node n = node_at(fs, path);
	struct ptv_file *f;
	assert_int_equal(ptv_file_open(fs, &n, &f), 0);
	char buf[16384];
	ssize_t k = ptv_file_read(f, buf, sizeof buf - 1, 0);
	assert_true(k >= 0);
	buf[k] = '\0';
	assert_text(buf, want);
	ptv_file_close(f);
}

/* Host x64 32 MiB; guest x64 over 2M nested leaves with KVM's bits:
 * guest [0, 2M) on host 200000 (the NPT's PDPT 400000, PD 401000), guest
 * [4M, 6M) on host 600000, guest [8M, 10M) the alias of [0, 2M); the
 * VMCB 800000. */
static void world_views(struct world *w, const char *name)
{
	world_host(w, PTW_MODE_X64, 32 * MIB);
	world_vm(w, &(struct gen_vm){ .npt_leaf = 0x200000, .guest_mode = PTW_MODE_X64,
				      .kvm_bits = true, .alias = true });
	world_open(w, name);
	assert_int_equal(w->vm[0].npt, 0x103000);
	assert_int_equal(w->vm[0].vmcb[0], 0x800000);
}

static void view_texts(void **state)
{
	(void)state;
	struct world w;
	world_views(&w, "views");
	ptv_fs *fs = view_of(&w);
	assert_listing(fs, "/vm", "103000 ");
	assert_listing(fs, "/vm/103000", "info info.json phys dtb proc name npt npt-maps ");
	assert_listing(fs, "/vm/103000/dtb", "1000 ");
	assert_listing(fs, "/vm/103000/npt/pml4/0/pdpt/0/pd", "0 2 4 ");
	assert_file(fs, "/vm/103000/npt-maps",
		    "0000000000000000-0000000000200000 0000000000200000 2M --LDA--UWEV\n"
		    "0000000000400000-0000000000600000 0000000000600000 2M --LDA--UWEV\n"
		    "0000000000800000-0000000000a00000 0000000000200000 2M --LDA--UWEV\n");
	/* The guest's tables: guest PAs, and the host's behind them. */
	assert_file(fs, "/vm/103000/dtb/1000/pml4/0/entry",
		    "level: PML4E\nindex: 0\ntable: 1000\naddress: 1000\nhost-address: 201000\n"
		    "contains: 0000000000002027\npfn: 2\nflags: ----A--UWEV\n"
		    "va: 0000000000000000-0000007fffffffff\n");
	assert_file(fs, "/vm/103000/dtb/1000/pml4/0/pdpt/0/pd/2/pt/3/entry",
		    "level: PTE\nindex: 3\ntable: 4000\naddress: 4018\nhost-address: 204018\n"
		    "contains: 0000000000013067\npfn: 13\nflags: ---DA--UWEV\n"
		    "va: 0000000000403000-0000000000403fff\npage: 4K\n");
	assert_file(fs, "/vm/103000/dtb/1000/pml4/0/pdpt/0/pd/4/entry",
		    "level: PDE\nindex: 4\ntable: 3000\naddress: 3020\nhost-address: 203020\n"
		    "contains: 00000000004000e3\npfn: 400\nflags: --LDA--KWEV\n"
		    "va: 0000000000800000-00000000009fffff\npage: 2M\n");
	/* The nested table's own entries, in host memory. */
	assert_file(fs, "/vm/103000/npt/pml4/0/entry",
		    "level: PML4E\nindex: 0\ntable: 103000\naddress: 103000\n"
		    "contains: 0000000000400827\npfn: 400\nflags: ----A--UWEV\n"
		    "guest-pa: 0000000000000000-0000007fffffffff\n");
	assert_file(fs, "/vm/103000/npt/pml4/0/pdpt/0/pd/2/entry",
		    "level: PDE\nindex: 2\ntable: 401000\naddress: 401010\n"
		    "contains: 0000000000600ee7\npfn: 600\nflags: --LDA--UWEV\n"
		    "guest-pa: 0000000000400000-00000000005fffff\npage: 2M\n");
	/* The guest's maps: its VAs to guest PAs. */
	assert_file(fs, "/vm/103000/dtb/1000/maps",
		    "0000000000400000-0000000000408000 0000000000010000 4K ---DA--UWEV\n"
		    "0000000000800000-0000000000a00000 0000000000400000 2M --LDA--KWEV\n");
	ptv_close(fs);
	world_close(&w);
}

static void view_phys(void **state)
{
	(void)state;
	struct world w;
	world_views(&w, "viewphys");
	ptv_fs *fs = view_of(&w);
	struct ptv_node n = node_at(fs, "/vm/103000/phys");
	struct ptv_attr a;
	assert_int_equal(ptv_getattr(fs, &n, &a), 0);
	assert_int_equal(a.size, 0xa00000);
	assert_int_equal(a.allocated, 0x600000);
	struct ptv_file *f;
	assert_int_equal(ptv_file_open(fs, &n, &f), 0);
	uint8_t got[4096], want[4096];
	filled(want, "vm0 page 5");
	assert_int_equal(ptv_file_read(f, got, sizeof got, 0x15000), sizeof got);
	assert_memory_equal(got, want, sizeof got);
	filled(want, "vm0 big 17");
	assert_int_equal(ptv_file_read(f, got, sizeof got, 0x411000), sizeof got);
	assert_memory_equal(got, want, sizeof got);
	filled(want, "vm0 page 0");   /* the alias */
	assert_int_equal(ptv_file_read(f, got, sizeof got, 0x810000), sizeof got);
	assert_memory_equal(got, want, sizeof got);
	memset(want, 0, sizeof want);  /* a hole reads as zeros */
	assert_int_equal(ptv_file_read(f, got, sizeof got, 0x300000), sizeof got);
	assert_memory_equal(got, want, sizeof got);
	assert_int_equal(ptv_file_read(f, got, sizeof got, 0xa00000), 0);
	/* Its holes are the nested table's. */
	assert_int_equal(ptv_file_seek(f, 0, true), 0);
	assert_int_equal(ptv_file_seek(f, 0, false), 0x200000);
	assert_int_equal(ptv_file_seek(f, 0x200000, true), 0x400000);
	assert_int_equal(ptv_file_seek(f, 0x4ff000, false), 0x600000);
	assert_int_equal(ptv_file_seek(f, 0x600000, true), 0x800000);
	assert_int_equal(ptv_file_seek(f, 0x800000, false), 0xa00000);
	assert_int_equal(ptv_file_seek(f, 0xa00000, true), -ENXIO);
	ptv_file_close(f);
	/* The host's phys is the host's. */
	n = node_at(fs, "/phys");
	assert_int_equal(ptv_file_open(fs, &n, &f), 0);
	assert_int_equal(ptv_file_read(f, got, sizeof got, 0x215000), sizeof got);
	filled(want, "vm0 page 5");
	assert_memory_equal(got, want, sizeof got);
	ptv_file_close(f);
	ptv_close(fs);
	world_close(&w);
}

/* Nodes under /vm to ids and back; the references given back. */
static void view_node_ids(void **state)
{
	(void)state;
	struct world w;
	world_views(&w, "viewids");
	ptv_fs *fs = view_of(&w);
	static const char *const paths[] = {
		"/vm", "/vm/103000", "/vm/103000/info", "/vm/103000/info.json",
		"/vm/103000/phys", "/vm/103000/npt-maps", "/vm/103000/npt",
		"/vm/103000/npt/pml4/0/entry", "/vm/103000/npt/pml4/0/pdpt/0/pd",
		"/vm/103000/npt/pml4/0/pdpt/0/pd/4/entry", "/vm/103000/dtb",
		"/vm/103000/dtb/1000", "/vm/103000/dtb/1000/vmem", "/vm/103000/dtb/1000/maps",
		"/vm/103000/dtb/1000/pml4", "/vm/103000/dtb/1000/pml4/0/pdpt",
		"/vm/103000/dtb/1000/pml4/0/pdpt/0/pd/2/pt/7/entry",
	};
	enum { N = sizeof paths / sizeof paths[0] };
	size_t before = ptv_interned(fs);
	uint64_t ids[N];
	for (size_t i = 0; i < N; i++) {
		struct ptv_node n = node_at(fs, paths[i]), back;
		assert_int_equal(ptv_node_id(fs, &n, &ids[i]), 0);
		assert_true(ids[i] != 0 && ids[i] != PTV_ROOT_ID);
		for (size_t k = 0; k < i; k++)
			if (ids[k] == ids[i])
				fail_msg("%s and %s share id %" PRIx64, paths[k], paths[i], ids[i]);
		if (ptv_node_from_id(fs, ids[i], &back))
			fail_msg("%s: id %" PRIx64 " names nothing", paths[i], ids[i]);
		if (back.type != n.type || back.vm != n.vm || back.nested != n.nested ||
		    back.space.dirbase != n.space.dirbase || back.level != n.level ||
		    back.index != n.index || back.table != n.table)
			fail_msg("%s: id %" PRIx64 " gives another node (type %d/%d vm %u/%u)",
				 paths[i], ids[i], back.type, n.type, back.vm, n.vm);
	}
	/* The guest's nodes are the guest's; the nested table's are marked. */
	struct ptv_node n = node_at(fs, "/vm/103000/npt/pml4/0/entry");
	assert_int_equal(n.vm, 1);
	assert_true(n.nested);
	assert_int_equal(n.space.dirbase, 0x103000);
	n = node_at(fs, "/vm/103000/dtb/1000/pml4/0/pdpt");
	assert_int_equal(n.vm, 1);
	assert_false(n.nested);
	assert_int_equal(n.type, PTV_TABLE);
	assert_int_equal(n.space.dirbase, 0x1000);
	for (size_t i = 0; i < N; i++)
		ptv_forget(fs, ids[i], 1);
	assert_int_equal(ptv_interned(fs), before);
	/* A guest's node id with the guest's number changed names nothing
	 * or another node, never a crash. */
	for (size_t i = 0; i < N; i++) {
		struct ptv_node back;
		(void)ptv_node_from_id(fs, ids[i] ^ (1ULL << 40), &back);
		(void)ptv_node_from_id(fs, ids[i] ^ (1ULL << 60), &back);
	}
	ptv_close(fs);
	world_close(&w);
}

/* npt-maps of the 4K layout: one line per reversed page, the two
 * aliases, the large page one line.  (KVM's bit 9 shows as WinDbg's C:
 * the host's OS is unknown here, so its software bits are not named.) */
static void view_npt_maps_4k(void **state)
{
	(void)state;
	struct world w;
	world_basic(&w, "maps4k");
	ptv_fs *fs = view_of(&w);
	struct ptv_text want = {0};
	char line[96];
	for (unsigned j = 0; j < 31; j++) {
		snprintf(line, sizeof line, "%016llx-%016llx %016llx 4K ---DA--UWEV\n",
			 0x1000ULL * (j + 1), 0x1000ULL * (j + 2), 0x104000ULL + 0x1000 * (30 - j));
		add_name(&want, line, NULL);
		want.p[--want.len] = '\0';
	}
	add_name(&want, "0000000000030000-0000000000031000 0000000000113000 4K ---DA--UWEV\n"
			"0000000000031000-0000000000032000 0000000000113000 4K ---DA--UWEV\n"
			"0000000000400000-0000000000600000 0000000000126000 4K ---DA--UWEV\n", NULL);
	want.p[--want.len] = '\0';
	assert_file(fs, "/vm/103000/npt-maps", want.p);
	free(want.p);
	/* The guest's vCPU 1 space is listed too. */
	assert_listing(fs, "/vm/103000/dtb", "1000 5000 ");
	ptv_close(fs);
	world_close(&w);
}

/* An SMP guest whose AP, at the lower VMCB, still waits for its start-up
 * IPI in reset state (paging off) while the BSP runs in long mode: the
 * guest is x64 by the BSP, its memory an x86-64 dump, its tree x64's. */
static void ap_in_reset(void **state)
{
	(void)state;
	struct world w;
	world_host(&w, PTW_MODE_X64, 32 * MIB);
	struct gen_vm *g = world_vm(&w, &(struct gen_vm){ .npt_leaf = 0x1000,
		.guest_mode = PTW_MODE_X64, .nvcpus = 2 });
	struct gen_vmcb r = g->regs[0];
	r.cr0 = 0x60000010;    /* CD|NW|ET: the reset value */
	r.cr3 = r.cr4 = 0;
	r.efer = 0x1000;
	r.cs_attrib = 0x9b;
	r.rip = 0xfff0;
	gen_vmcb_write(&w.g, g->vmcb[0], &r);
	world_open(&w, "apreset");
	const struct ptw_vm *vm = only_vm(&w);
	assert_int_equal(vm->nvcpus, 2);
	assert_int_equal(vm->vcpus[0].cr0, 0x60000010);
	assert_non_null(vm->guest_mode);   /* was NULL: the AP's "paging off" */
	assert_string_equal(vm->guest_mode->name, "x64");
	assert_text(vm->mode_how, "VMCB 0x328000: " HOW_X64);
	ptw_dump *gd = guest_open(&w, vm);
	assert_int_equal(ptw_dump_machine(gd), PTW_MACHINE_X86_64);
	check_guest_walk(gd, vm, 0x5000, "bsp");
	ptw_dump_close(gd);
	ptv_fs *fs = view_of(&w);
	assert_listing(fs, "/vm/103000/dtb", "5000 ");
	assert_file(fs, "/vm/103000/dtb/5000/pml4/0/entry",
		    "level: PML4E\nindex: 0\ntable: 5000\naddress: 5000\nhost-address: 11e000\n"
		    "contains: 0000000000002027\npfn: 2\nflags: ----A--UWEV\n"
		    "va: 0000000000000000-0000007fffffffff\n");
	ptv_close(fs);
	world_close(&w);
}

/* A 5-level nested table with an entry above guest PA 2^52 (root entry
 * 32, guest PA 2^53, repeats entry 0): no guest can reach it and no dump hold it; the
 * host's dump still discovers, the VM's memory what lies below.  (The
 * translated dump refused the run past 2^52, and ptw_discover failed.) */
static void npt5_above_52_bits(void **state)
{
	(void)state;
	struct world w;
	world_host(&w, PTW_MODE_LA57, 32 * MIB);
	struct gen_vm *g = world_vm(&w, &(struct gen_vm){ .npt_leaf = 0x1000,
		.guest_mode = PTW_MODE_X64 });
	gen_set(&w.g, g->npt + 8 * 32, gen_get(&w.g, g->npt));
	world_open(&w, "npt5high");
	const struct ptw_vm *vm = only_vm(&w);
	assert_string_equal(vm->npt->name, "npt5");
	assert_int_equal(vm->mapped, 31 * 0x1000 + 0x200000);
	assert_int_equal(vm->runs, 32);
	assert_int_equal(w.sp.vms.nrejected, 0);
	ptw_dump *gd = guest_open(&w, vm);
	check_guest_bytes(gd, g, 0x200000);
	uint64_t run;
	assert_false(ptw_phys_present(gd, 1ULL << 53, &run));
	ptw_dump_close(gd);
	/* The nested table itself still shows the entry. */
	struct ptw_space n;
	struct ptw_error err = {0};
	assert_int_equal(ptw_vm_nested_space(w.d, vm, PTW_OS_UNKNOWN, &n, &err), 0);
	assert_xlat(&n, (1ULL << 53) + 0x10000, g->data_host[0], 0x1000);
	world_close(&w);
}

/* mkdump's vm-x64 scenario (scenarios.c): what its comment promises. */
static void scenario_vm_x64(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("vm-x64", true, &s);
	struct ptw_spaces sp;
	discover(d, &sp);
	assert_int_equal(sp.n, 3);
	assert_int_equal(sp.v[0].dirbase, 0x100000);
	assert_int_equal(sp.v[1].dirbase, s.proc[0]);
	assert_int_equal(sp.v[2].dirbase, s.proc[1]);
	assert_int_equal(sp.cpus_in_guest, 2);
	assert_int_equal(sp.vms.n, 2);
	assert_int_equal(sp.vms.ncands, 5);
	const struct ptw_vm *a = &sp.vms.v[0], *b = &sp.vms.v[1];
	assert_int_equal(a->id, 0x103000);
	assert_int_equal(a->nvcpus, 2);
	assert_int_equal(a->vcpus[0].pa, 0x327000);
	assert_int_equal(a->vcpus[0].hsave, 0x329000);
	assert_int_equal(a->vcpus[1].pa, 0x328000);
	assert_int_equal(a->vcpus[1].cpu, 1);
	assert_int_equal(a->host_cr3, 0x100000);
	assert_int_equal(b->id, 0x32a000);
	assert_string_equal(b->guest_mode->name, "pae");
	assert_int_equal(b->vcpus[0].pa, 0xa00000);
	assert_int_equal(b->vcpus[0].asid, 2);
	assert_int_equal(b->mapped, 0x400000);
	/* The ASID 0 look-alike (a01000) is no candidate: the sniff wants
	 * an ASID. */
	assert_int_equal(sp.vms.nrejected, 1);
	assert_int_equal(sp.vms.rejected[0].pa, 0xa02000);
	ptw_dump *gd = NULL;
	struct ptw_error err = {0};
	assert_int_equal(ptw_vm_open(d, b, &gd, &err), 0);
	assert_page(gd, GEN_VM_DATA, "vm1 page 0");
	assert_host_pa(gd, GEN_VM_DATA, 0x410000);
	ptw_dump_close(gd);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(found_x64_4k),
		cmocka_unit_test(guest_memory),
		cmocka_unit_test(guest_walk),
		cmocka_unit_test(guest_modes),
		cmocka_unit_test(npt_1g),
		cmocka_unit_test(two_vms),
		cmocka_unit_test(la57_host),
		cmocka_unit_test(cpu_in_guest),
		cmocka_unit_test(only_cpu_in_guest),
		cmocka_unit_test(view_texts),
		cmocka_unit_test(view_phys),
		cmocka_unit_test(view_node_ids),
		cmocka_unit_test(view_npt_maps_4k),
		cmocka_unit_test(ap_in_reset),
		cmocka_unit_test(npt5_above_52_bits),
		cmocka_unit_test(scenario_vm_x64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
