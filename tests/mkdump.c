/* mkdump — write a synthetic dump: mkdump SCENARIO raw|elf FILE
 * (mkdump --list names the scenarios). */
#include "scenarios.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (const char *const *n = scenario_names; *n; n++)
			puts(*n);
		return 0;
	}
	if (argc != 4 || (strcmp(argv[2], "raw") && strcmp(argv[2], "elf"))) {
		fprintf(stderr, "usage: mkdump SCENARIO raw|elf FILE | mkdump --list\n");
		return 2;
	}
	struct scenario s;
	if (!scenario_build(argv[1], &s)) {
		fprintf(stderr, "mkdump: no scenario '%s' (try --list)\n", argv[1]);
		return 2;
	}
	int rc = strcmp(argv[2], "raw") == 0 ? gen_write_raw(&s.g, argv[3])
					       : gen_write_elf(&s.g, &s.elf, argv[3]);
	if (rc)
		perror(argv[3]);
	scenario_free(&s);
	return rc ? 1 : 0;
}
