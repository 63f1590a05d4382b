/* testutil.h — helpers shared by the cmocka unit tests. */
#ifndef PTFS_TESTUTIL_H
#define PTFS_TESTUTIL_H

#include "scenarios.h"
#include "ptview.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* A scaffold directory for files the tests write, removed at exit. */
const char *test_dir(void);
/* test_dir()/name, in a static buffer per call site's lifetime (rotates). */
const char *test_path(const char *name);

/* Build scenario name and open it: raw from memory, or its ELF form from a
 * file in test_dir(). */
ptw_dump *open_scenario(const char *name, bool elf, struct scenario *s);

/* The views over scenario name's ELF form, written as test_dir()/<name>.<tag>.elf,
 * with options o (may be NULL) and one scan thread; asserts success. */
ptv_fs *open_view_fs(const char *name, const char *tag,
		     const struct ptw_discover_opts *o);
/* The views over a dump file with one x86-64 space at dirbase, no scan. */
ptv_fs *open_view_x64(const char *path, uint64_t dirbase);

/* Discover with default options; asserts success. */
void discover(const ptw_dump *d, struct ptw_spaces *sp);

/* The maps text of the space at dirbase (asserted to exist). */
char *maps_of(const struct ptw_spaces *sp, uint64_t dirbase);

/* assert_string_equal that shows both texts in full on mismatch. */
#define assert_text(got, want) assert_text_((got), (want), __FILE__, __LINE__)
void assert_text_(const char *got, const char *want, const char *file, int line);

/* Write bytes to test_dir()/name; returns the path. */
const char *write_file(const char *name, const void *data, size_t len);
/* Read a whole file (malloc'd), size in *len. */
void *read_file(const char *path, size_t *len);

#endif
