/* mkdump — write a synthetic dump: mkdump SCENARIO raw|elf|lime FILE
 * (mkdump --list names the scenarios), or a Windows crash dump:
 * mkdump NAME dmp FILE (NAME: win7-x64-full, win10-x64-bitmap, ...).
 *
 * raw: physical memory from address 0 (sparse between an AArch64
 * scenario's regions); elf: an ELF core (x86 scenarios); lime: a LiME
 * capture.  The AArch64 scenarios (arm64-*) have no ELF form yet: "elf"
 * writes their LiME capture (ptfs reads a dump by its content), so that
 * every scenario has the three forms; an x86 one's "lime" is one range of
 * its whole memory. */
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
		for (const char *const *n = scenario_arm64_names; *n; n++)
			puts(*n);
		return 0;
	}
	if (argc == 4 && strcmp(argv[2], "dmp") == 0) /* Windows crash dumps */
		return write_windows(argv[1], argv[3]);
	if (argc != 4 || (strcmp(argv[2], "raw") && strcmp(argv[2], "elf") &&
			  strcmp(argv[2], "lime"))) {
		fprintf(stderr, "usage: mkdump SCENARIO raw|elf|lime FILE | mkdump NAME dmp FILE | mkdump --list\n"
				"  (arm64-* scenarios: elf writes LiME, as they have no ELF form yet)\n");
		return 2;
	}
	struct scenario s;
	if (!scenario_build(argv[1], &s)) {
		fprintf(stderr, "mkdump: no scenario '%s' (try --list)\n", argv[1]);
		return 2;
	}
	int rc;
	if (s.arm64)
		rc = strcmp(argv[2], "raw") == 0 ? scenario_write_raw(&s, argv[3])
						 : scenario_write_lime(&s, argv[3]);
	else if (strcmp(argv[2], "lime") == 0)
		rc = gen_write_lime(&s.g, &(struct gen_segment){ 0, s.g.size, s.g.size }, 1,
				    argv[3]);
	else
		rc = strcmp(argv[2], "raw") == 0 ? gen_write_raw(&s.g, argv[3])
						 : gen_write_elf(&s.g, &s.elf, argv[3]);
	if (rc)
		perror(argv[3]);
	scenario_free(&s);
	return rc ? 1 : 0;
}
