/* base/base.h — the leaf layer: what every other layer of the walker may
 * use and that uses nothing of theirs (errors, little-endian loads, small
 * parsers, a set of addresses).  Includes only the public ptwalk.h. */
#ifndef PTW_BASE_H
#define PTW_BASE_H

#include "ptwalk.h"

#include <endian.h>
#include <stdarg.h>
#include <string.h>

#define PTW_PAGE 4096ULL
/* Physical addresses have at most 52 bits (x86 MAXPHYADDR, AArch64 FEAT_LPA). */
#define PTW_PHYS_LIMIT (1ULL << 52)

/* Fill err (if any) with code and a formatted message; returns code. */
int ptw_fail(struct ptw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- little-endian fields ------------------------------------------------ */

/* Little-endian fields of dump headers and kernel structures. */
static inline uint32_t ptw_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return le32toh(v);
}

static inline uint64_t ptw_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return le64toh(v);
}

/* One little-endian page-table entry (or pointer) of 4 or 8 bytes. */
static inline uint64_t pt_load(const uint8_t *p, unsigned size)
{
	return size == 8 ? ptw_le64(p) : ptw_le32(p);
}

static inline void pt_store(uint8_t *p, unsigned size, uint64_t e)
{
	if (size == 8) {
		uint64_t v = htole64(e);
		memcpy(p, &v, 8);
		return;
	}
	uint32_t v = htole32((uint32_t)e);
	memcpy(p, &v, 4);
}

/* ---- small parsers (parse.c; ptw_parse_hex is public) ------------------- */

/* 1 to 16 lowercase hex digits and nothing else (the names maps and the
 * tree print, zero-padded or not). */
/* Room for one more element in the array v of *cap elements of `size`
 * bytes, n of them used: v itself while there is room, else v grown to
 * twice its capacity (`first` elements at first), *cap updated.  NULL when
 * out of memory (v and *cap left as they were). */
void *ptw_grow(void *v, size_t *cap, size_t n, size_t size, size_t first);

bool ptw_parse_hex_digits(const char *s, uint64_t *out);
/* Canonical lowercase hex: no 0x, no leading zeros ("0" for zero). */
bool ptw_parse_canon_hex(const char *s, uint64_t *out);
/* Canonical decimal (no sign, no leading zeros) of at most max. */
bool ptw_parse_canon_dec(const char *s, uint64_t max, uint64_t *out);
/* A whole signed number as strtoll reads it with base 0 (VMCOREINFO's
 * NUMBER(...) values): false when anything is left over or it overflows. */
bool ptw_parse_ll(const char *s, long long *out);
/* The value of key in text (len bytes of KEY=VALUE lines): a pointer to
 * it, its length in *vlen; NULL when no line has the key. */
const char *ptw_kv_find(const char *text, size_t len, const char *key,
			size_t *vlen);

/* ---- a set of addresses (addrset.c) -------------------------------------- */

/* A set of addresses met by a walk: page tables entered, kernel list
 * nodes, so that the walk notices what it meets twice. */
struct ptw_addrset {
	uint64_t *slot;         /* open addressing; 0: a free slot */
	size_t cap, n;          /* cap: a power of two, or 0 */
	bool zero;              /* address 0 is in the set */
};

/* Add addr; *dup says whether it was there already. */
int ptw_addrset_add(struct ptw_addrset *s, uint64_t addr, bool *dup,
		    struct ptw_error *err);
bool ptw_addrset_has(const struct ptw_addrset *s, uint64_t addr);
void ptw_addrset_free(struct ptw_addrset *s);

#endif
