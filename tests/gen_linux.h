/* gen_linux.h — a Linux kernel's own data as ptw_owners_linux reads it:
 * kallsyms tables, a BTF blob describing task_struct, list_head and
 * mm_struct, and a task list from init_task, laid out in one buffer that
 * the caller places in physical memory and maps at a kernel VA (the direct
 * map).  For the unit test (test_owners_linux.c) and the fuzzer's seeds.
 *
 * The layout the BTF describes is the GEN_LINUX_* offsets below unless
 * the inputs ask for another kernel's (gen_linux_offsets_other, pgd in
 * mm_struct itself, thread_group, older pahole kinds, retyped members);
 * tests corrupt the buffer through the offsets and through the addresses
 * the builder reports.
 */
#ifndef PTFS_GEN_LINUX_H
#define PTFS_GEN_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* task_struct (0x100 bytes; the same offsets for 4- and 8-byte pointers) */
#define GEN_LINUX_TASK_SIZE    0x100
#define GEN_LINUX_TASK_FLAGS   0x04
#define GEN_LINUX_TASK_TASKS   0x40   /* inside an anonymous union */
#define GEN_LINUX_TASK_PID     0x80
#define GEN_LINUX_TASK_TGID    0x84
#define GEN_LINUX_TASK_PARENT  0x88   /* real_parent */
#define GEN_LINUX_TASK_MM      0x98
#define GEN_LINUX_TASK_COMM    0xc0   /* char[16] */
#define GEN_LINUX_TASK_THREAD  0xd0   /* thread_node (list_head) */
#define GEN_LINUX_TASK_SIGNAL  0xe0   /* signal */
/* signal_struct (0x40 bytes): thread_head, the group's threads */
#define GEN_LINUX_SIG_SIZE     0x40
#define GEN_LINUX_SIG_THREADS  0x10
/* mm_struct (0x80 bytes): pgd inside an anonymous struct */
#define GEN_LINUX_MM_SIZE      0x80
#define GEN_LINUX_MM_PGD       0x48

/* real_mode_header (0x28 bytes): u32 physical addresses, trampoline_pgd
 * after five others (AMD_MEM_ENCRYPT's sev_es_trampoline_start among them) */
#define GEN_LINUX_RMH_SIZE     0x28
#define GEN_LINUX_RMH_PGD      0x14

#define GEN_LINUX_PF_KTHREAD   0x00200000u
#define GEN_LINUX_MAX_TASKS    8
#define GEN_LINUX_MAX_SYMS     2048   /* named ones and fillers */

/* Where a task_struct's members are, and mm_struct's pgd (bytes). */
struct gen_linux_offsets {
	uint32_t flags, tasks, pid, tgid, parent, mm, comm, thread, signal, mm_pgd;
};

/* The GEN_LINUX_* offsets above, and a layout with every member elsewhere. */
extern const struct gen_linux_offsets gen_linux_offsets_61, gen_linux_offsets_other;

/* One process on init_task's list (init_task itself is made apart). */
struct gen_linux_task {
	int32_t pid;            /* and tgid: the list holds group leaders */
	int parent;             /* index in tasks[] of real_parent; -1: init_task */
	const char *comm;
	uint64_t pgd;           /* kernel VA of its top table; 0: no mm */
	uint32_t flags;         /* task_struct.flags (PF_KTHREAD ...) */
	unsigned share_mm;      /* 1 + index of the task whose mm it shares
				 * (vfork, kthread_use_mm); 0: its own */
	bool leader_exited;     /* the leader's mm is gone; a second thread
				 * (pid + 1) holds the process's mm */
};

/* kallsyms as a kernel of each era writes it (kallsyms_find.c's list):
 * DEFAULT the tables VMCOREINFO names, without markers (what the tests
 * before eras used); the others whole, with markers and each label
 * aligned (8 bytes with 8-byte pointers, else 4). */
enum gen_linux_era {
	GEN_LINUX_ERA_DEFAULT,
	GEN_LINUX_ERA_4_18,   /* offsets, relative_base, u64 num_syms, names,
			       * u64 markers, token_table, token_index */
	GEN_LINUX_ERA_5_10,   /* the same with u32 num_syms and markers */
	GEN_LINUX_ERA_6_1,    /* 5.10's, with a long name (two-byte length) */
	GEN_LINUX_ERA_6_2,    /* seqs_of_names between markers and token_table */
	GEN_LINUX_ERA_6_4,    /* num_syms, names, markers, token_table,
			       * token_index, offsets, relative_base, seqs */
	GEN_LINUX_ERA_7_0,    /* 6.4's without relative_base: place-relative
			       * offsets, every label 4-aligned */
	GEN_LINUX_ERAS
};

struct gen_linux {
	/* in */
	uint64_t va;            /* where the buffer is mapped */
	unsigned ptr;           /* pointer bytes: 8 (x86-64) or 4 */
	const struct gen_linux_task *tasks;
	unsigned ntasks;        /* <= GEN_LINUX_MAX_TASKS */
	const char *omit;       /* a kallsyms symbol to leave out, or NULL */
	bool text_only;         /* kallsyms of code only (no CONFIG_KALLSYMS_ALL):
				 * no init_task, __start_BTF, __stop_BTF */
	bool kernel_tables;     /* kallsyms has real_mode_header and poking_mm
				 * (x86-64's tables no task owns), pointing at: */
	uint32_t trampoline_pgd;   /* real_mode_header->trampoline_pgd (PA) */
	uint64_t poking_pgd;       /* poking_mm->pgd (kernel VA); 0: poking_mm
				    * is NULL */
	uint64_t init_top_pgt;     /* kallsyms' init_top_pgt (a kernel VA at or
				    * above va); 0: not in kallsyms */
	enum gen_linux_era era;
	unsigned fillers;          /* code symbols added after the others
				    * (600: three markers); not with DEFAULT */
	/* The BTF as other kernels (and pahole versions) have it: */
	const struct gen_linux_offsets *off; /* NULL: gen_linux_offsets_61 */
	bool pgd_direct;        /* mm_struct.pgd its own member (4.18), not
				 * in its anonymous struct (4.19 on) */
	bool thread_group;      /* threads in a ring through task_struct.
				 * thread_group; no thread_node, and signal_struct
				 * has no thread_head (before 3.14) */
	bool old_btf;           /* pahole's older BTF: no kind_flag (in_execve a
				 * 1-bit INT), no FLOAT, DECL_TAG, TYPE_TAG,
				 * ENUM64 (same ids, older kinds) */
	unsigned pid_bytes;     /* 8: task_struct.pid retyped as a long */
	bool flags_bitfield;    /* task_struct.flags a 32-bit bitfield */

	/* out: kernel VAs */
	uint64_t names, num_syms, token_table, token_index, offsets, relative_base;
	uint64_t markers, seqs;    /* 0 with DEFAULT */
	uint64_t banner;           /* linux_banner's text (not with DEFAULT) */
	uint64_t btf_start, btf_stop;
	uint64_t init_task;
	uint64_t task[GEN_LINUX_MAX_TASKS], mm[GEN_LINUX_MAX_TASKS];
	uint64_t signal[GEN_LINUX_MAX_TASKS];   /* each task's signal_struct */
	uint64_t thread[GEN_LINUX_MAX_TASKS];   /* its second thread, if any */
	uint64_t rmh_var, rmh;     /* the variable real_mode_header, its struct */
	uint64_t poking_var, poking_mm; /* the variable poking_mm, its mm_struct */
	uint32_t nsyms;
	size_t size;            /* bytes of the buffer used */
};

/* L's offsets (off, or the default). */
const struct gen_linux_offsets *gen_linux_offsets_of(const struct gen_linux *L);

/* Lay it all out in buf (cap bytes, zeroed by the caller); returns false
 * when cap is too small. */
bool gen_linux_build(struct gen_linux *L, uint8_t *buf, size_t cap);

/* VMCOREINFO lines naming the kallsyms tables (appended to text of size n). */
void gen_linux_vmcoreinfo(const struct gen_linux *L, char *text, size_t n);
/* The era's name ("4.18") for messages. */
const char *gen_linux_era_name(enum gen_linux_era e);

/* Little-endian stores into the buffer at kernel VA va. */
void gen_linux_put32(const struct gen_linux *L, uint8_t *buf, uint64_t va,
		     uint32_t v);
void gen_linux_putptr(const struct gen_linux *L, uint8_t *buf, uint64_t va,
		      uint64_t v);

#endif
