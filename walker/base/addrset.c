/* base/addrset.c — a set of 64-bit addresses, for walks that must notice what
 * they have met before: page tables entered again (paging/iterate.c), kernel list
 * nodes met twice (owners/linux.c, owners/windows.c).  Open addressing kept
 * under half full; memory grows with what was added, nothing else.  And
 * ptw_grow, the one way the walker's arrays grow (discovery's spaces, the
 * owners' records, the EPROCESS walk's processes). */
#include "base/base.h"

#include <stdlib.h>

static size_t addr_slot(uint64_t v, size_t cap)
{
	return (size_t)((v * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

/* Place v (absent) in slot[cap]. */
static void addr_place(uint64_t *slot, size_t cap, uint64_t v)
{
	size_t i = addr_slot(v, cap);
	while (slot[i])
		i = (i + 1) & (cap - 1);
	slot[i] = v;
}

int ptw_addrset_add(struct ptw_addrset *s, uint64_t addr, bool *dup,
		    struct ptw_error *err)
{
	*dup = false;
	if (addr == 0) {
		*dup = s->zero;
		s->zero = true;
		return 0;
	}
	for (size_t i = s->cap ? addr_slot(addr, s->cap) : 0; s->cap && s->slot[i];
	     i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == addr) {
			*dup = true;
			return 0;
		}
	if (2 * (s->n + 1) > s->cap) { /* kept under half full */
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *slot = calloc(cap, sizeof *slot);
		if (!slot)
			return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for a set of addresses");
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				addr_place(slot, cap, s->slot[i]);
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	addr_place(s->slot, s->cap, addr);
	s->n++;
	return 0;
}

bool ptw_addrset_has(const struct ptw_addrset *s, uint64_t addr)
{
	if (addr == 0)
		return s->zero;
	for (size_t i = s->cap ? addr_slot(addr, s->cap) : 0; s->cap && s->slot[i];
	     i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == addr)
			return true;
	return false;
}

void ptw_addrset_free(struct ptw_addrset *s)
{
	free(s->slot);
	*s = (struct ptw_addrset){0};
}

void *ptw_grow(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n < *cap)
		return v;
	size_t c = *cap ? 2 * *cap : first;
	if (c < *cap || c > SIZE_MAX / size)
		return NULL;
	void *nv = realloc(v, c * size);
	if (nv)
		*cap = c;
	return nv;
}
