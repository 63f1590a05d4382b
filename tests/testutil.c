/* testutil.c — helpers shared by the cmocka unit tests. */
#include "testutil.h"

#include "ptview.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	if (dir[0])
		nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

const char *test_dir(void)
{
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/ptfs-test-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(cleanup);
	}
	return dir;
}

const char *test_path(const char *name)
{
	static char buf[8][256];
	static unsigned next;
	char *p = buf[next++ % 8];
	snprintf(p, 256, "%s/%s", test_dir(), name);
	return p;
}

ptw_dump *open_scenario(const char *name, bool elf, struct scenario *s)
{
	assert_true(scenario_build(name, s));
	ptw_dump *d = NULL;
	struct ptw_error err = {0};
	int rc;
	if (elf) {
		char file[128];
		snprintf(file, sizeof file, "%s.elf", name);
		const char *path = test_path(file);
		assert_int_equal(gen_write_elf(&s->g, &s->elf, path), 0);
		rc = ptw_dump_open(path, &d, &err);
	} else {
		rc = ptw_dump_open_memory(s->g.mem, s->g.size, &d, &err);
	}
	if (rc)
		fail_msg("opening %s (%s): %s", name, elf ? "elf" : "raw", err.msg);
	return d;
}

void discover(const ptw_dump *d, struct ptw_spaces *sp)
{
	struct ptw_discover_opts o = { .threads = 1 };
	struct ptw_error err = {0};
	if (ptw_discover(d, &o, sp, &err))
		fail_msg("discover: %s", err.msg);
}

char *maps_of(const struct ptw_spaces *sp, uint64_t dirbase)
{
	const struct ptw_space *s = ptw_spaces_find(sp, dirbase);
	if (!s)
		fail_msg("no space %llx", (unsigned long long)dirbase);
	struct ptv_text t = {0};
	assert_int_equal(ptv_render_maps(s, &t, NULL, NULL), 0);
	if (!t.p)
		return strdup("");
	return t.p;
}

void assert_text_(const char *got, const char *want, const char *file, int line)
{
	if (strcmp(got, want) == 0)
		return;
	print_error("--- want\n%s--- got\n%s---\n", want, got);
	_fail(file, line);
}

const char *write_file(const char *name, const void *data, size_t len)
{
	const char *path = test_path(name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	void *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static ptv_fs *open_view(const struct ptv_config *c)
{
	ptv_fs *fs;
	struct ptw_error err = {0};
	if (ptv_open(c, &fs, &err))
		fail_msg("ptv_open %s: %s", c->dump_path, err.msg);
	return fs;
}

ptv_fs *open_view_fs(const char *name, const char *tag,
		     const struct ptw_discover_opts *o)
{
	struct scenario s;
	assert_true(scenario_build(name, &s));
	char file[96];
	snprintf(file, sizeof file, "%s.%s.elf", name, tag);
	const char *path = test_path(file);
	assert_int_equal(gen_write_elf(&s.g, &s.elf, path), 0);
	scenario_free(&s);
	struct ptv_config c = { .dump_path = path };
	if (o)
		c.discover = *o;
	c.discover.threads = 1;
	return open_view(&c);
}

ptv_fs *open_view_x64(const char *path, uint64_t dirbase)
{
	struct ptv_config c = {
		.dump_path = path,
		.discover = { .mode = ptw_mode_get(PTW_MODE_X64), .dirbases = &dirbase, .ndirbases = 1,
			      .no_scan = true, .threads = 1 },
	};
	return open_view(&c);
}
