/* mkdump — write a synthetic dump: mkdump SCENARIO raw|elf FILE
 * (mkdump --list names the scenarios), or a Windows crash dump:
 * mkdump NAME dmp FILE (NAME: win7-x64-full, win10-x64-bitmap, ...). */
#include "scenarios.h"

#include <stdio.h>
#include <string.h>

/* mkdump NAME dmp FILE: a Windows crash dump (gen_windows_names). */
static int write_windows(const char *name, const char *path)
{
	struct gen g;
	struct gen_winsys s;
	if (!gen_windows_named(name, &g, &s)) {
		fprintf(stderr, "mkdump: no Windows dump '%s' (try:", name);
		for (const char *const *n = gen_windows_names; *n; n++)
			fprintf(stderr, " %s", *n);
		fprintf(stderr, ")\n");
		return 2;
	}
	int rc = gen_write_windows(&g, &s.dump, path);
	if (rc)
		perror(path);
	gen_free(&g);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (const char *const *n = scenario_names; *n; n++)
			puts(*n);
		return 0;
	}
	if (argc == 4 && strcmp(argv[2], "dmp") == 0) /* Windows crash dumps */
		return write_windows(argv[1], argv[3]);
	if (argc != 4 || (strcmp(argv[2], "raw") && strcmp(argv[2], "elf"))) {
		fprintf(stderr, "usage: mkdump SCENARIO raw|elf FILE | mkdump NAME dmp FILE | mkdump --list\n");
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
