/* progress.h — the scan's progress on stderr, for ptfs and ptwalk. */
#ifndef PTFS_PROGRESS_H
#define PTFS_PROGRESS_H

#include "ptwalk.h"

/* Have discovery report its scan as one line on stderr, rewritten in place
 * ("PROG: scanning 3.2 of 16.0 GiB (20%)") and cleared when the scan ends:
 * only when stderr is a terminal and the memory to scan is over 1 GiB. */
void progress_attach(struct ptw_discover_opts *o, const char *prog);

/* The line for done of total bytes, into buf (what progress_attach shows). */
void progress_format(char *buf, size_t bufsz, const char *prog, uint64_t done,
		     uint64_t total);

#endif
