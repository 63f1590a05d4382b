/* gen_vm.h — a hypervisor host's memory with guests in it, as AMD SVM
 * lays them out: per guest a nested page table (NPT) in host memory, the
 * guest's physical pages behind it, the guest's own page tables inside
 * its physical memory (entries hold guest PAs), one VMCB page per vCPU,
 * and optionally the host-save page of the host CPU that ran it.  Plus
 * look-alike VMCBs that discovery must reject.  For test_vm.c, the fuzz
 * target's seeds and mkdump.
 *
 * The guest's physical layout is fixed (every address is part of what the
 * tests assert):
 *   guest PA 0x1000               the guest's top table (vCPU 0's CR3);
 *                                 vCPU i's own copy follows the tables
 *   guest PA 0x2000..             the guest's lower tables
 *   guest PA 0x10000 + 0x1000*k   data page k (k < GEN_VM_DATA_PAGES),
 *                                 mapped at guest VA 0x400000 + 0x1000*k,
 *                                 filled with "vm<v> page <k>"
 *   guest PA 0x400000             a large guest page (2 MiB; 4 MiB for x86)
 *                                 at guest VA 0x800000, each 4K of it filled
 *                                 with "vm<v> big <j>"
 * The nested table maps, with leaves of npt_leaf bytes: 4K, every used
 * guest page [0x1000, 0x20000) and the large page, each on a host page of
 * its own taken in reverse order (so host addresses do not follow guest
 * ones), the rest holes; 2M, guest [0, 2M) and [4M, 6M) (or [4M, 8M)),
 * each on a 2 MiB-aligned host region; 1G, guest [0, 1G) on host
 * [1G, 2G) (the image then spans 1G + GEN_VM_GUEST_SIZE: write it with
 * gen_vm_elf's segments).
 */
#ifndef PTFS_GEN_VM_H
#define PTFS_GEN_VM_H

#include "gen.h"

#define GEN_VM_TOP        0x1000ULL     /* vCPU 0's CR3 (guest PA) */
#define GEN_VM_DATA       0x10000ULL    /* data page 0 (guest PA) */
#define GEN_VM_DATA_VA    0x400000ULL
#define GEN_VM_DATA_PAGES 8
#define GEN_VM_BIG        0x400000ULL   /* the large guest page (guest PA) */
#define GEN_VM_BIG_VA     0x800000ULL
#define GEN_VM_GUEST_SIZE 0x800000ULL   /* guest PAs in use lie below */
#define GEN_VM_ALIAS      0x30000ULL    /* npt 4K: data page 0 again, twice */
#define GEN_VM_ALIAS_2M   0x800000ULL   /* npt 2M: guest [0, 2M) again */
#define GEN_VM_1G_HOST    0x40000000ULL /* npt 1G: the host's copy of guest 0 */

/* The VMCB fields vm.c reads (AMD APM vol. 2, appendix B). */
struct gen_vmcb {
	uint64_t intercept_misc2;   /* 0x010; bit 0 VMRUN */
	uint32_t asid;              /* 0x058 */
	uint64_t exit_code;         /* 0x070 */
	uint64_t nested_ctl;        /* 0x090: NP_ENABLE 1, SEV 2, SEV-ES 4 */
	uint64_t event_inj;         /* 0x0a8 */
	uint64_t nested_cr3;        /* 0x0b0 */
	uint16_t cs_attrib;         /* 0x412 */
	uint64_t efer, cr4, cr3, cr0, rflags, rip, rsp, rax;
};

/* Write a VMCB page at host PA pa (zeroed first). */
void gen_vmcb_write(struct gen *host, uint64_t pa, const struct gen_vmcb *v);

/* A host-save page at pa: control area zero, EFER SVME|LME|LMA, CR0
 * PG|PE, CR3 host_cr3, RAX the VMCB's PA. */
void gen_hsave_write(struct gen *host, uint64_t pa, uint64_t host_cr3,
		     uint64_t vmcb);

struct gen_vm {
	/* inputs */
	unsigned index;             /* the markers' <v>; ASID index + 1 */
	uint64_t npt_leaf;          /* 0x1000, 0x200000 or 0x40000000 */
	enum ptw_mode_id guest_mode;/* X86, PAE, X64, LA57 */
	bool unpaged;               /* CR0.PG clear: no guest tables */
	unsigned nvcpus;            /* 1..4 (0: 1) */
	bool kvm_bits;              /* KVM's software bits 9-11 in the NPT */
	bool alias;                 /* npt 4K: guest PAs GEN_VM_ALIAS and
				     * +0x1000 map data page 0's host page;
				     * npt 2M: GEN_VM_ALIAS_2M maps [0, 2M)'s */
	uint64_t host_cr3;          /* for the host-save page; 0: none */
	bool small;                 /* npt 4K only, for the fuzzers' seeds: no
				     * large page, and only guest pages
				     * [0x1000, 0x8000) and the data pages
				     * mapped (15 host pages) */
	/* outputs */
	uint64_t npt;               /* the nested root: the VM's id */
	uint64_t vmcb[4];
	uint64_t cr3[4];            /* each vCPU's guest CR3 (guest PA) */
	struct gen_vmcb regs[4];    /* what each VMCB holds */
	uint64_t hsave;             /* the host-save page, or 0 */
	uint64_t data_host[GEN_VM_DATA_PAGES]; /* host PA of each data page */
	uint64_t big_host;          /* host PA of the large page's first 4K
				     * (0 when small) */
	uint64_t top_host;          /* host PA of the guest's top table */
	uint64_t mapped;            /* guest bytes the NPT maps */
	uint64_t runs;              /* its runs: guest PA -> host PA, merged
				     * where both continue */
};

/* Lay out one guest in host (whose mode, x64 or la57, is the NPT's
 * format).  Pages come from host's allocator. */
void gen_vm_build(struct gen *host, struct gen_vm *vm);

/* The guest's state as a QEMU CPU note would hold it while vCPU i ran
 * it (what the dump's note says of a vCPU in the guest). */
struct gen_cpu gen_vm_cpu(const struct gen_vm *vm, unsigned i);

/* Look-alike VMCBs, each on a page of its own, made from vm's vCPU 0
 * with one thing wrong.  The order is the enum's. */
enum gen_vm_fake {
	GEN_VM_FAKE_ASID0,          /* ASID 0 */
	GEN_VM_FAKE_NO_SVME,        /* guest EFER without SVME */
	GEN_VM_FAKE_ROOT_OUTSIDE,   /* nested root 0x7000000000, past the dump */
	GEN_VM_FAKE_ROOT_NO_US,     /* a root whose entry 0 lacks U/S */
	GEN_VM_FAKE_LOOP,           /* a root whose every entry points at itself */
	GEN_VM_FAKE_CR3_UNMAPPED,   /* vm's root, guest CR3 0x100000 (a hole) */
	GEN_VM_FAKE_SEV,            /* nested_ctl SEV | NP_ENABLE */
	GEN_VM_FAKES
};
/* Writes the fakes named by the bits of mask (1 << GEN_VM_FAKE_*); each
 * VMCB's PA into pa[kind] (0 where not made). */
void gen_vm_fakes(struct gen *host, const struct gen_vm *vm, unsigned mask,
		  uint64_t pa[GEN_VM_FAKES]);

/* A host for guests: g initialised in host_mode (X64 or LA57) over size
 * bytes (the tables from 0x100000 up), with a kernel top table mapping
 * its first 16 MiB at 0xffff888000000000 with 2 MiB pages (2 MiB at
 * VA 0 for la57); returns that table. */
uint64_t gen_vm_host(struct gen *g, enum ptw_mode_id host_mode, uint64_t size);

/* The ELF form of such a host: vCPU 0 the host (host_mode, host_cr3;
 * none when host_cr3 is 0), then the given guest vCPU states (at most 3); segments: the image
 * below GEN_VM_1G_HOST, and when the image reaches past it, its part
 * there as a segment whose tail up to 2 GiB reads as zeros. */
void gen_vm_elf(const struct gen *g, enum ptw_mode_id host_mode, uint64_t host_cr3,
		const struct gen_cpu *guest_cpus, unsigned nguest,
		struct gen_elf *out);

#endif
