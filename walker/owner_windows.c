/* owner_windows.c — Windows processes from the EPROCESS list. */
#include "internal.h"

int ptw_owners_windows(const struct ptw_space *kernel, struct ptw_owners *out,
		       char *how, size_t howsz, struct ptw_error *err)
{
	(void)kernel, (void)out, (void)how, (void)howsz;
	return ptw_fail(err, PTW_ERR_NOT_FOUND, "EPROCESS list: not read yet");
}
