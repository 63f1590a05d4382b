/* scenarios.h — named synthetic dumps with fixed layouts, shared by the unit
 * tests, the integration tests (through mkdump), the sample dump and the
 * fuzzers' seeds.  Every address below is part of what tests assert. */
#ifndef PTFS_SCENARIOS_H
#define PTFS_SCENARIOS_H

#include "gen.h"
#include "gen_arm64.h"

struct scenario {
	const char *name;
	struct gen g;
	struct gen_elf elf;       /* how its ELF form is written */
	uint64_t kernel;          /* the kernel's / System's top table */
	uint64_t proc[4];         /* processes' top tables (kernel copies) */
	unsigned nprocs;
	uint64_t user[4];         /* KPTI user copies, 0 where none */
	/* AArch64 scenarios (arm64-*): their memory is in a, not g (which
	 * stays empty), and they have no ELF form yet (mkdump writes LiME
	 * for "elf" and "lime", a sparse raw image for "raw"). */
	bool arm64;
	struct a64g a;
	uint64_t a_end;           /* where RAM 0's tables end: a copy of it
				     cut there holds every table */
	uint64_t a_vmci;          /* the PA of its VMCOREINFO text */
	uint64_t a_kimage;        /* the kernel image's VA (mapping PA 0) */
};

/* Build scenario `name`; false if there is none of that name. */
bool scenario_build(const char *name, struct scenario *s);
void scenario_free(struct scenario *s);
/* The AArch64 scenarios' layout for any granule (12, 14, 16) and VA size
 * (39 to 52; Linux 6.1's encodings, 6.10's with LPA2), for the fuzzers'
 * seeds of modes no scenario has; false if there is no such regime. */
bool scenario_build_arm64(struct scenario *s, unsigned granule, unsigned va_bits);
/* Write an AArch64 scenario's memory: a LiME capture, or a raw image
 * (offset = PA, sparse between the regions).  0, or -1 with errno. */
int scenario_write_lime(const struct scenario *s, const char *path);
int scenario_write_raw(const struct scenario *s, const char *path);

/* NULL-terminated lists of the names: the x86 scenarios (memory in g),
 * and the AArch64 ones (memory in a).  mkdump --list prints both. */
extern const char *const scenario_names[];
extern const char *const scenario_arm64_names[];

#endif
