/* mknested — a dump of a hypervisor host whose one guest is another dump.
 *
 *   mknested [--4k] [--host-cpu] INNER OUT.elf
 *
 * INNER (any format ptfs reads, with a vCPU note or a discoverable kernel
 * table) becomes the physical memory of a guest: its pages are laid into
 * host memory out of order (the guest's 2 MiB blocks in reverse; within a
 * block mapped by 4 KiB pages, each pair of pages swapped), behind a
 * nested page table as KVM builds one (its software bits 9-11 set), with a
 * VMCB (AMD APM vol. 2, appendix B) holding the guest's registers and a
 * host-save area naming it.  Whole 2 MiB blocks INNER holds are mapped by
 * 2 MiB nested leaves unless --4k; pages INNER lacks are left unmapped.
 *
 * The ELF core's CPU note is the guest's registers, as QEMU writes it for a
 * vCPU that was running the guest (EM_386 for a guest outside long mode,
 * as QEMU's machine follows the vCPU's mode); with --host-cpu it is the
 * host's instead.  The host has no page tables of its own but a page for
 * its CR3: the guest's tree under /vm/<nested-root> must say what INNER's
 * own tree says.
 */
#include "gen.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB2 (2ULL << 20)
#define PAGE 4096ULL

/* KVM's marks: mmu-present in every entry, host- and mmu-writable in
 * leaves. */
#define KVM_PRESENT (1ULL << 11)
#define KVM_LEAF (KVM_PRESENT | (1ULL << 9) | (1ULL << 10))

static void die(const char *what, const struct ptw_error *err)
{
	fprintf(stderr, "mknested: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
	exit(1);
}

/* Whether INNER holds all of [pa, pa + len) (its ranges are merged). */
static bool holds(const ptw_dump *d, uint64_t pa, uint64_t len)
{
	uint64_t run;
	return ptw_phys_present(d, pa, &run) && run >= len;
}

static void put64(struct gen *g, uint64_t pa, uint64_t v)
{
	gen_write(g, pa, &v, sizeof v);
}

static void put32(struct gen *g, uint64_t pa, uint32_t v)
{
	gen_write(g, pa, &v, sizeof v);
}

/* The guest's registers: INNER's first vCPU, else its first space's. */
static struct ptw_cpu guest_cpu(const ptw_dump *d, enum ptw_mode_id *mode)
{
	const struct ptw_cpu *c;
	struct ptw_spaces sp;
	struct ptw_discover_opts o = {0};
	struct ptw_error err;
	if (ptw_discover(d, &o, &sp, &err))
		die("discovering INNER", &err);
	*mode = sp.mode->id;
	struct ptw_cpu cpu = {0};
	if (ptw_dump_cpus(d, &c)) {
		cpu = c[0];
	} else if (sp.n) {
		struct gen_cpu g = gen_cpu_for(sp.mode->id, sp.v[0].dirbase);
		cpu = (struct ptw_cpu){ 0, g.cr0, g.cr3, g.cr4 };
	} else {
		die("INNER has no vCPU note and no address space", NULL);
	}
	ptw_spaces_free(&sp);
	return cpu;
}

static bool long_mode(enum ptw_mode_id m)
{
	return m == PTW_MODE_X64 || m == PTW_MODE_LA57;
}

/* The VMCB of the guest's one vCPU at pa. */
static void write_vmcb(struct gen *g, uint64_t pa, uint64_t root,
		       const struct ptw_cpu *c, enum ptw_mode_id mode)
{
	bool lm = long_mode(mode);
	put32(g, pa + 0x010, 0x6e4f);              /* intercepts: VMRUN, ... */
	put32(g, pa + 0x058, 1);                   /* ASID */
	put64(g, pa + 0x070, 0x60);                /* exit code: INTR */
	put64(g, pa + 0x090, 1);                   /* nested_ctl: NP_ENABLE */
	put64(g, pa + 0x0b0, root);                /* nested_cr3 */
	uint16_t cs_attrib = lm ? 0xa9b : 0xc9b;   /* code, L (64-bit) or D */
	gen_write(g, pa + 0x412, &cs_attrib, 2);
	uint64_t efer = (1ULL << 12) | (lm ? 0xd00 : mode == PTW_MODE_PAE ? 0x800 : 0);
	put64(g, pa + 0x4d0, efer);
	put64(g, pa + 0x548, c->cr4);
	put64(g, pa + 0x550, c->cr3);
	put64(g, pa + 0x558, c->cr0);
	put64(g, pa + 0x570, 2);                   /* rflags */
	put64(g, pa + 0x578, 0x8078);              /* rip */
	put64(g, pa + 0x5d8, 0x7ff0);              /* rsp */
}

/* A host-save area as QEMU writes it: the host's state at VMRUN, its RAX
 * the VMCB run. */
static void write_hsave(struct gen *g, uint64_t pa, uint64_t host_cr3, uint64_t vmcb)
{
	put64(g, pa + 0x4d0, 0x1d01);
	put64(g, pa + 0x548, 0x20);
	put64(g, pa + 0x550, host_cr3);
	put64(g, pa + 0x558, 0x80050033);
	put64(g, pa + 0x578, 0xffffffffc0001000ULL);
	put64(g, pa + 0x5f8, vmcb);
}

int main(int argc, char **argv)
{
	bool only_4k = false, host_cpu = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--4k"))
			only_4k = true;
		else if (!strcmp(argv[i], "--host-cpu"))
			host_cpu = true;
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: mknested [--4k] [--host-cpu] INNER OUT.elf\n");
		return 2;
	}
	ptw_dump *d;
	struct ptw_error err;
	if (ptw_dump_open(argv[i], &d, &err))
		die("opening INNER", &err);
	enum ptw_mode_id mode;
	struct ptw_cpu cpu = guest_cpu(d, &mode);

	/* The guest's 2 MiB blocks that hold anything, each a host block of
	 * its own, last first. */
	const struct ptw_range *r;
	size_t nr = ptw_dump_ranges(d, &r);
	uint64_t *block = NULL, nblocks = 0, cap = 0;
	for (size_t k = 0; k < nr; k++)
		for (uint64_t b = r[k].start / MB2; b * MB2 < r[k].start + r[k].size; b++) {
			if (nblocks && block[nblocks - 1] == b)
				continue;
			if (nblocks == cap && !(block = realloc(block, (cap = cap ? 2 * cap : 64) * sizeof *block)))
				die("out of memory", NULL);
			block[nblocks++] = b;
		}
	struct gen g;
	gen_init(&g, PTW_MODE_X64, nblocks * MB2 + (8ULL << 20), nblocks * MB2);
	g.table_bits = GEN_TABLE | KVM_PRESENT;
	uint64_t root = gen_page(&g);
	uint8_t page[PAGE];
	for (uint64_t j = 0; j < nblocks; j++) {
		uint64_t gpa = block[j] * MB2, hpa = (nblocks - 1 - j) * MB2;
		if (!only_4k && holds(d, gpa, MB2)) {
			for (uint64_t off = 0; off < MB2; off += PAGE) {
				ptw_phys_read(d, gpa + off, page, PAGE);
				gen_write(&g, hpa + off, page, PAGE);
			}
			gen_map(&g, root, gpa, hpa, MB2,
				PTW_RW | PTW_US | PTW_A | PTW_D | KVM_LEAF);
			continue;
		}
		for (uint64_t k = 0; k < MB2 / PAGE; k++) {
			uint64_t at = gpa + k * PAGE, to = hpa + (k ^ 1) * PAGE;
			if (!holds(d, at, PAGE))
				continue;
			ptw_phys_read(d, at, page, PAGE);
			gen_write(&g, to, page, PAGE);
			gen_map(&g, root, at, to, PAGE,
				PTW_RW | PTW_US | PTW_A | PTW_D | KVM_LEAF);
		}
	}
	uint64_t vmcb = gen_page(&g), hsave = gen_page(&g), host_table = gen_page(&g);
	write_vmcb(&g, vmcb, root, &cpu, mode);
	write_hsave(&g, hsave, host_table, vmcb);

	struct gen_elf o = {
		.elfclass = ELFCLASS64,
		.machine = long_mode(mode) || host_cpu ? EM_X86_64 : EM_386,
		.ncpus = 1,
	};
	o.cpu[0] = host_cpu ? (struct gen_cpu){ 0x80050033, host_table, 0x20 }
			    : (struct gen_cpu){ cpu.cr0, cpu.cr3, cpu.cr4 };
	if (gen_write_elf(&g, &o, argv[i + 1]))
		die("writing OUT", NULL);
	printf("nested root %" PRIx64 " vmcb %" PRIx64 " host-save %" PRIx64 " guest cr3 %" PRIx64 "\n",
	       root, vmcb, hsave, cpu.cr3);
	free(block);
	gen_free(&g);
	ptw_dump_close(d);
	return 0;
}
