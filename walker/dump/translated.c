/* dump/translated.c — a dump over another dump's memory: a guest's
 * physical memory as a nested table maps it, read through the host's.
 *
 * The new dump shares the host's file and mapping: a run whose host bytes
 * the host's file holds plain becomes a segment pointing at them, so that
 * walks, passes and reads of the guest cost what they cost on the host;
 * any other run (bytes a host pager produces, zero fills, a run across
 * two host segments) is paged through ptw_phys_read of the host.  Every
 * segment keeps the host page number of its first page in aux, so that
 * the host address behind any guest address is one lookup. */
#include "dump/dump.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Page i of the host: the host's own reader, holes and all. */
static bool host_page(const struct ptw_dump *d, const struct ptw_seg *s,
		      uint64_t i, uint8_t out[4096])
{
	(void)s;
	const struct ptw_dump *host = d->priv;
	return ptw_phys_read(host, i * PTW_PAGE, out, PTW_PAGE) == PTW_PAGE;
}

static const struct ptw_pager host_pager = { host_page };

const struct ptw_format ptw_format_translated = {
	.name = "translated",
	.what = "memory translated through another dump",
	.shares_bytes = true,
};

static int add_run(struct ptw_dump *d, const ptw_dump *host,
		   const struct ptw_xrun *r, struct ptw_error *err)
{
	const uint8_t *p = ptw_phys_ptr(host, r->host_pa, r->size);
	int rc;
	if (p)
		rc = ptw_dump_add_segment(d, r->pa, r->size, (uint64_t)(p - host->data),
					  r->size, err);
	else
		rc = ptw_dump_add_paged(d, r->pa, r->size / PTW_PAGE, &host_pager, 0, err);
	if (!rc)
		d->segs[d->nsegs - 1].aux = r->host_pa / PTW_PAGE;
	return rc;
}

static int check_runs(const struct ptw_xrun *runs, size_t n, struct ptw_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct ptw_xrun *r = &runs[i];
		if ((r->pa | r->size | r->host_pa) & (PTW_PAGE - 1) || !r->size)
			return ptw_fail(err, PTW_ERR_INVALID,
					"translation run %zu (0x%llx -> 0x%llx, 0x%llx bytes) is not whole pages",
					i, (unsigned long long)r->pa,
					(unsigned long long)r->host_pa,
					(unsigned long long)r->size);
		if (i && r->pa < runs[i - 1].pa + runs[i - 1].size)
			return ptw_fail(err, PTW_ERR_INVALID,
					"translation runs at 0x%llx and 0x%llx overlap or are out of order",
					(unsigned long long)runs[i - 1].pa,
					(unsigned long long)r->pa);
	}
	if (!n)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"the translation maps no memory at all");
	return 0;
}

int ptw_dump_open_translated(const ptw_dump *host, const struct ptw_xrun *runs,
			     size_t nruns, enum ptw_machine machine,
			     const struct ptw_cpu *cpus, size_t ncpus,
			     ptw_dump **out, struct ptw_error *err)
{
	int rc = check_runs(runs, nruns, err);
	if (rc)
		return rc;
	struct ptw_dump *d = ptw_dump_new();
	if (!d)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	d->data = host->data;
	d->size = host->size;
	d->owns_mapping = false;
	/* Its own descriptor of the host's file, for the passes' preads. */
	if (host->fd >= 0 && (d->fd = dup(host->fd)) < 0) {
		ptw_dump_close(d);
		return ptw_fail(err, PTW_ERR_IO, "cannot duplicate the dump's file: %s",
				strerror(errno));
	}
	d->fmt = &ptw_format_translated;
	d->format = ptw_format_translated.name;
	d->machine = machine;
	d->priv = (void *)host;
	d->vmcoreinfo_pa = UINT64_MAX;
	for (size_t i = 0; !rc && i < nruns; i++)
		rc = add_run(d, host, &runs[i], err);
	for (size_t i = 0; !rc && i < ncpus; i++)
		rc = ptw_dump_add_cpu(d, &cpus[i], err);
	if (!rc)
		rc = ptw_dump_finish_segments(d, err);
	if (rc) {
		ptw_dump_close(d);
		return rc;
	}
	d->vmci_pending = true;
	*out = d;
	return 0;
}

bool ptw_dump_host_pa(const ptw_dump *d, uint64_t pa, uint64_t *host_pa)
{
	const struct ptw_seg *s = ptw_dump_seg(d, pa);
	if (!s || d->fmt != &ptw_format_translated)
		return false;
	*host_pa = s->aux * PTW_PAGE + (pa - s->pa);
	return true;
}
