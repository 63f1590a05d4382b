/* scenarios.h — named synthetic dumps with fixed layouts, shared by the unit
 * tests, the integration tests (through mkdump), the sample dump and the
 * fuzzers' seeds.  Every address below is part of what tests assert. */
#ifndef PTFS_SCENARIOS_H
#define PTFS_SCENARIOS_H

#include "gen.h"

struct scenario {
	const char *name;
	struct gen g;
	struct gen_elf elf;       /* how its ELF form is written */
	uint64_t kernel;          /* the kernel's / System's top table */
	uint64_t proc[4];         /* processes' top tables (kernel copies) */
	unsigned nprocs;
	uint64_t user[4];         /* KPTI user copies, 0 where none */
};

/* Build scenario `name`; false if there is none of that name. */
bool scenario_build(const char *name, struct scenario *s);
void scenario_free(struct scenario *s);

/* NULL-terminated list of the names. */
extern const char *const scenario_names[];

#endif
