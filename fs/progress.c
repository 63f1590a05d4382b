/* progress.c — the scan's progress on stderr (progress.h).
 *
 * The walker never prints: ptw_discover calls back with the bytes scanned
 * so far, a few times a second, the last time with all of them.  Here
 * that becomes one line ended by \r, rewritten on each call and blanked
 * at the end, so that what follows (ptwalk's output, ptfs's messages)
 * starts on a clean line.  A pipe or a log file gets nothing.
 */
#include "progress.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

/* Smaller scans are over before a line would help. */
#define PROGRESS_MIN (1ULL << 30)

struct progress {
	const char *prog;
	bool tty;
	int shown;        /* length of the line on screen; 0: none */
};

void progress_format(char *buf, size_t bufsz, const char *prog, uint64_t done,
		     uint64_t total)
{
	const double gib = (double)(1ULL << 30);
	unsigned pct = done >= total ? 100 : (unsigned)((double)done * 100 / (double)total);
	snprintf(buf, bufsz, "%s: scanning %.1f of %.1f GiB (%u%%)", prog,
		 (double)done / gib, (double)total / gib, pct);
}

static void show(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	if (!p->tty || total <= PROGRESS_MIN)
		return;
	if (done >= total) { /* the end: blank the line */
		if (p->shown)
			fprintf(stderr, "\r%*s\r", p->shown, "");
		p->shown = 0;
		return;
	}
	char line[160];
	progress_format(line, sizeof line, p->prog, done, total);
	int n = fprintf(stderr, "\r%s", line) - 1;
	/* A shorter line than the last leaves no tail behind. */
	if (n < p->shown)
		fprintf(stderr, "%*s", p->shown - n, "");
	if (n > p->shown)
		p->shown = n;
	fflush(stderr);
}

void progress_attach(struct ptw_discover_opts *o, const char *prog)
{
	static struct progress state; /* one scan per process */
	state = (struct progress){ .prog = prog, .tty = isatty(STDERR_FILENO) == 1 };
	o->progress = show;
	o->progress_ctx = &state;
}
