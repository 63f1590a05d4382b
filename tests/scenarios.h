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
	uint64_t a_end;           /* where RAM's tables and small pages end:
				     a copy cut there holds every table */
};

/* Build scenario `name`; false if there is none of that name. */
bool scenario_build(const char *name, struct scenario *s);
void scenario_free(struct scenario *s);
/* Write an AArch64 scenario's memory: a LiME capture, or a raw image
 * (offset = PA, sparse between the regions).  0, or -1 with errno. */
int scenario_write_lime(const struct scenario *s, const char *path);
int scenario_write_raw(const struct scenario *s, const char *path);

/* NULL-terminated list of the names. */
extern const char *const scenario_names[];

#endif
