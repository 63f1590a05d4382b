/* process_listing.c — WinDbg's `!process 0 0` text. */
#include "internal.h"

int ptw_parse_process_listing(const char *text, size_t len,
			      struct ptw_process_spec **out, size_t *n,
			      struct ptw_error *err)
{
	(void)text, (void)len, (void)out, (void)n;
	return ptw_fail(err, PTW_ERR_INVALID, "not yet");
}
