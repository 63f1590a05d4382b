/* base/error.c — errors as values: a code and a message naming the problem. */
#include "base/base.h"

#include <stdio.h>

int ptw_fail(struct ptw_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}
