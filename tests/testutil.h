/* testutil.h — helpers shared by the cmocka unit tests. */
#ifndef PTFS_TESTUTIL_H
#define PTFS_TESTUTIL_H

#include "scenarios.h"

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
