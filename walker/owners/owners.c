/* owners/owners.c — who owns each address space: the records the kernel-data
 * readers (owners/linux.c, owners/windows.c) produce, and reads of kernel
 * virtual memory for them. */
#include "owners/owners.h"

#include <stdlib.h>

int ptw_owners_add(struct ptw_owners *o, const struct ptw_owner *p,
		   struct ptw_error *err)
{
	struct ptw_owner *v = ptw_grow(o->v, &o->cap, o->n, sizeof *v, 64);
	if (!v)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for processes");
	o->v = v;
	o->v[o->n++] = *p;
	return 0;
}

void ptw_owners_free(struct ptw_owners *o)
{
	free(o->v);
	o->v = NULL;
	o->n = o->cap = 0;
}

/* ---- kernel memory ------------------------------------------------------------- */

bool ptw_kread(const struct ptw_space *s, uint64_t va, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint64_t pa, left;
		if (!ptw_mode_va_valid(s->mode, va) || !ptw_vtop_run(s, NULL, va, &pa, &left))
			return false;
		size_t n = left < len ? (size_t)left : len;
		if (ptw_phys_read(s->dump, pa, out, n) != n)
			return false;
		out += n, va += n, len -= n;
	}
	return true;
}

bool ptw_kread_uint(const struct ptw_space *s, uint64_t va, unsigned size,
		    uint64_t *out)
{
	uint8_t b[8];
	if (!ptw_kread(s, va, b, size))
		return false;
	*out = pt_load(b, size);
	return true;
}

size_t ptw_kread_upto(const struct ptw_space *s, uint64_t va, void *buf,
		      size_t len)
{
	uint8_t *out = buf;
	size_t done = 0;
	while (done < len) {
		uint64_t at = va + done;
		size_t n = (size_t)(PTW_PAGE - (at & (PTW_PAGE - 1)));
		if (n > len - done)
			n = len - done;
		if (!ptw_kread(s, at, out + done, n))
			break;
		done += n;
	}
	return done;
}

const char *ptw_owner_from_name(enum ptw_owner_from f)
{
	switch (f) {
	case PTW_OWNER_CMDLINE: return "cmdline";
	case PTW_OWNER_LISTING: return "listing";
	case PTW_OWNER_LINUX_TASKS: return "task-list";
	case PTW_OWNER_WINDOWS_EPROCESS: return "eprocess-list";
	case PTW_OWNER_LINUX_KSYMS: return "kallsyms";
	case PTW_OWNER_NONE: break;
	}
	return "-";
}
