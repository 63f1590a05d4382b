/* fuzz_common.h — what the libFuzzer targets share: the entry point's
 * prototype, a check that turns a broken invariant into a crash libFuzzer
 * records, and little-endian reads of the input that never run past it. */
#ifndef PTFS_FUZZ_COMMON_H
#define PTFS_FUZZ_COMMON_H

#include "ptwalk.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PAGE 4096ULL

/* For the harness's own hot callbacks: no coverage feedback (the library's
 * code is what the fuzzer should explore) and none of its cost. */
#if defined(__clang__) && __clang_major__ >= 13
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_NO_COVERAGE
#endif

/* UBSan reports stop the fuzzer (halt_on_error), minus the known, reported
 * library bugs listed in ubsan.supp (meson passes its path).  Undefined
 * behaviour is compiled recoverable only so that the list can apply. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
#ifdef FUZZ_UBSAN_SUPP
	return "halt_on_error=1:print_stacktrace=1:suppressions=" FUZZ_UBSAN_SUPP;
#else
	return "halt_on_error=1:print_stacktrace=1";
#endif
}

/* A property the library promises; a violation is a bug as real as a
 * crash, so it aborts (libFuzzer saves the input as crash-*). */
#define FUZZ_CHECK(cond)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: invariant violated: %s\n",   \
				__FILE__, __LINE__, #cond);                  \
			abort();                                             \
		}                                                            \
	} while (0)

/* Up to 8 bytes at off as a little-endian number; bytes past size read 0. */
static inline uint64_t fuzz_le64(const uint8_t *data, size_t size, size_t off)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		if (off < size && i < size - off)
			v |= (uint64_t)data[off + i] << (8 * i);
	return v;
}

/* The 8-byte word k from the end of the input (k = 0: the last 8 bytes),
 * or 0 when the input is too short. */
static inline uint64_t fuzz_tail64(const uint8_t *data, size_t size,
				   unsigned k)
{
	size_t back = 8 * ((size_t)k + 1);
	return size >= back ? fuzz_le64(data, size, size - back) : 0;
}

/* A failed call must say why: its code in err, a non-empty message. */
static inline void fuzz_check_error(int rc, const struct ptw_error *err)
{
	FUZZ_CHECK(rc >= PTW_ERR_NOMEM && rc <= PTW_ERR_NOT_FOUND);
	FUZZ_CHECK(err->code == rc);
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof err->msg) != NULL);
	FUZZ_CHECK(err->msg[0] != '\0');
}

#endif
