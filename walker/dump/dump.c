/* dump/dump.c — open a dump, detect its format, and read physical memory.
 *
 * Every format reduces to segments of the mapped file placed at physical
 * addresses; reads binary-search them.  The file is mapped read-only and
 * never read whole.  Adding a format means one file and one line in
 * `formats` below.
 */
#include "dump/dump.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Probed in order; raw accepts anything, so it comes last. */
static const struct ptw_format *const formats[] = {
	&ptw_format_elf,
	&ptw_format_kdump,
	&ptw_format_lime,
	&ptw_format_windows,
	&ptw_format_raw,
};

int ptw_dump_add_segment(struct ptw_dump *d, uint64_t pa, uint64_t size,
			 uint64_t off, uint64_t len, struct ptw_error *err)
{
	if (size == 0)
		return 0;
	if (pa + size < pa)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"physical range at 0x%llx of 0x%llx bytes wraps past 2^64",
				(unsigned long long)pa, (unsigned long long)size);
	/* Physical addresses have at most 52 bits (x86's MAXPHYADDR, AArch64's
	 * FEAT_LPA). */
	if (pa + size > PTW_PHYS_LIMIT)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"physical range at 0x%llx of 0x%llx bytes reaches past 2^52, beyond any x86 or AArch64 physical address",
				(unsigned long long)pa, (unsigned long long)size);
	if (len > size)
		len = size;
	if (off > d->size || len > d->size - off)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"physical range at 0x%llx wants file bytes 0x%llx-0x%llx but the file ends at 0x%llx (truncated dump?)",
				(unsigned long long)pa, (unsigned long long)off,
				(unsigned long long)(off + len),
				(unsigned long long)d->size);
	if (d->nsegs == d->segs_cap) {
		size_t cap = d->segs_cap ? d->segs_cap * 2 : 16;
		struct ptw_seg *v = realloc(d->segs, cap * sizeof *v);
		if (!v)
			return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for segments");
		d->segs = v;
		d->segs_cap = cap;
	}
	d->segs[d->nsegs++] = (struct ptw_seg){
		.pa = pa, .size = size, .data = d->data + off, .data_len = len,
	};
	return 0;
}

int ptw_dump_add_paged(struct ptw_dump *d, uint64_t pa, uint64_t npages,
		       const struct ptw_pager *pager, uint64_t aux,
		       struct ptw_error *err)
{
	if (npages == 0)
		return 0;
	if (pa & (PTW_PAGE - 1))
		return ptw_fail(err, PTW_ERR_FORMAT,
				"physical pages at 0x%llx are not page-aligned",
				(unsigned long long)pa);
	if (npages > (PTW_PHYS_LIMIT - pa) / PTW_PAGE || pa >= PTW_PHYS_LIMIT)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"0x%llx pages at 0x%llx reach past 2^52, beyond any x86 or AArch64 physical address",
				(unsigned long long)npages, (unsigned long long)pa);
	/* A zero-length mapped segment reserves the slot; then make it paged. */
	int rc = ptw_dump_add_segment(d, pa, npages * PTW_PAGE, 0, 0, err);
	if (rc)
		return rc;
	struct ptw_seg *s = &d->segs[d->nsegs - 1];
	s->data = NULL;
	s->data_len = s->size;
	s->pager = pager;
	s->aux = aux;
	return 0;
}

/* QEMUCPUState (QEMU target/i386/arch_dump.c): u32 version, u32 size, then
 * registers; cr[0..4] are u64 from 0x188.  QEMU allows at most 4096 vCPUs
 * on x86: more notes than that are refused, not believed. */
enum {
	QEMU_MAX_CPUS = 4096,
	QEMU_CPU_SIZE_FIELD = 0x04,
	QEMU_CPU_CR0 = 0x188,
	QEMU_CPU_CR3 = 0x1a0,
	QEMU_CPU_CR4 = 0x1a8,
	QEMU_CPU_MIN = 0x1b0,
};

int ptw_dump_add_qemu_cpu(struct ptw_dump *d, const uint8_t *desc, size_t len,
			  struct ptw_error *err)
{
	/* QEMUCPUState is x86's: QEMU writes no such note for other guests,
	 * and one there would not hold control registers ptfs could read. */
	if (d->machine == PTW_MACHINE_AARCH64)
		return 0;
	unsigned index = (unsigned)d->ncpus;
	if (index >= QEMU_MAX_CPUS)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"more than %d QEMU CPU notes", QEMU_MAX_CPUS);
	if (len < QEMU_CPU_SIZE_FIELD + 4)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"QEMU CPU note %u is %zu bytes, too short for its header",
				index, len);
	uint32_t size = ptw_le32(desc + QEMU_CPU_SIZE_FIELD);
	/* Trust the structure's own size field, within the note. */
	if (size > len || size < QEMU_CPU_MIN)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"QEMU CPU note %u says it is 0x%x bytes (note holds 0x%zx; CR3..CR4 need 0x%x)",
				index, size, len, QEMU_CPU_MIN);
	struct ptw_cpu cpu = {
		.index = index,
		.cr0 = ptw_le64(desc + QEMU_CPU_CR0),
		.cr3 = ptw_le64(desc + QEMU_CPU_CR3),
		.cr4 = ptw_le64(desc + QEMU_CPU_CR4),
	};
	return ptw_dump_add_cpu(d, &cpu, err);
}

int ptw_dump_add_cpu(struct ptw_dump *d, const struct ptw_cpu *cpu,
		     struct ptw_error *err)
{
	if ((d->ncpus & (d->ncpus - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
		size_t cap = d->ncpus ? 2 * d->ncpus : 1;
		struct ptw_cpu *v = realloc(d->cpus, cap * sizeof *v);
		if (!v)
			return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for CPU records");
		d->cpus = v;
	}
	d->cpus[d->ncpus++] = *cpu;
	return 0;
}

int ptw_dump_set_vmcoreinfo(struct ptw_dump *d, const char *text, size_t len,
			    struct ptw_error *err)
{
	/* Linux keeps it in one page (VMCOREINFO_BYTES); any format's copy
	 * past this is not VMCOREINFO. */
	if (len > PTW_VMCOREINFO_MAX)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"VMCOREINFO of 0x%zx bytes is larger than any kernel writes (at most 0x%x read)",
				len, PTW_VMCOREINFO_MAX);
	char *copy = malloc(len + 1);
	if (!copy)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for VMCOREINFO");
	memcpy(copy, text, len);
	copy[len] = '\0';
	free(d->vmcoreinfo);
	d->vmcoreinfo = copy;
	d->vmcoreinfo_len = strlen(copy); /* stop at an embedded NUL */
	return 0;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct ptw_seg *x = a, *y = b;
	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

static int seg_cmp_data(const void *a, const void *b)
{
	const struct ptw_seg *x = a, *y = b;
	return x->data < y->data ? -1 : x->data > y->data;
}

/* Every file byte backs at most one physical address: segments that
 * share file bytes would multiply the work of a scan (and say nothing a
 * real dump says). */
static int check_aliases(struct ptw_dump *d, struct ptw_error *err)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nsegs; i++) /* paged ones own no file bytes */
		n += d->segs[i].data_len && !d->segs[i].pager;
	if (n < 2)
		return 0;
	struct ptw_seg *v = malloc(n * sizeof *v);
	if (!v)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for segments");
	n = 0;
	for (size_t i = 0; i < d->nsegs; i++)
		if (d->segs[i].data_len && !d->segs[i].pager)
			v[n++] = d->segs[i];
	qsort(v, n, sizeof *v, seg_cmp_data);
	int rc = 0;
	for (size_t i = 1; i < n && !rc; i++)
		if (v[i].data < v[i - 1].data + v[i - 1].data_len)
			rc = ptw_fail(err, PTW_ERR_FORMAT,
				      "physical ranges at 0x%llx and 0x%llx share file bytes at offset 0x%llx",
				      (unsigned long long)v[i - 1].pa,
				      (unsigned long long)v[i].pa,
				      (unsigned long long)(v[i].data - d->data));
	free(v);
	return rc;
}

/* Sort the segments, trim overlaps (the earlier segment wins: kdump's ELF
 * repeats kernel text that the direct-map segment already holds), and build
 * the public range list with adjacent segments merged. */
int ptw_dump_finish_segments(struct ptw_dump *d, struct ptw_error *err)
{
	if (d->nsegs == 0)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"%s dump holds no physical memory", d->format);
	int rc = d->fmt->shares_bytes ? 0 : check_aliases(d, err);
	if (rc)
		return rc;
	qsort(d->segs, d->nsegs, sizeof *d->segs, seg_cmp);
	size_t out = 0;
	for (size_t i = 0; i < d->nsegs; i++) {
		struct ptw_seg s = d->segs[i];
		if (out) {
			const struct ptw_seg *p = &d->segs[out - 1];
			uint64_t pend = p->pa + p->size;
			if (s.pa < pend) {
				uint64_t cut = pend - s.pa;
				if (s.pager) /* whole pages only */
					cut = (cut + PTW_PAGE - 1) & ~(PTW_PAGE - 1);
				if (cut >= s.size)
					continue;
				s.pa += cut;
				s.size -= cut;
				if (s.pager) {
					s.aux += cut / PTW_PAGE;
					s.data_len = s.size;
				} else if (s.data_len > cut) {
					s.data += cut;
					s.data_len -= cut;
				} else {
					s.data_len = 0;
				}
			}
		}
		d->segs[out++] = s;
	}
	d->nsegs = out;
	d->ranges = calloc(out, sizeof *d->ranges);
	if (!d->ranges)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for ranges");
	d->nranges = 0;
	d->phys_size = 0;
	for (size_t i = 0; i < out; i++) {
		const struct ptw_seg *s = &d->segs[i];
		struct ptw_range *last = d->nranges ? &d->ranges[d->nranges - 1] : NULL;
		if (last && last->start + last->size == s->pa)
			last->size += s->size;
		else
			d->ranges[d->nranges++] = (struct ptw_range){ s->pa, s->size };
		d->phys_size += s->size;
	}
	const struct ptw_seg *top = &d->segs[out - 1];
	d->phys_end = top->pa + top->size;
	for (size_t i = 0; i < out; i++) {
		const struct ptw_seg *s = &d->segs[i];
		if (!s->pager && s->data_len > d->window.len)
			d->window = (struct ptw_window){ s->pa, s->data_len, s->data };
	}
	return 0;
}

/* A phys_base places a raw image, whose content cannot say where it
 * starts; every other format says so itself.  The messages name the
 * command-line option too, since that is where a person gave it. */
static int check_phys_base(const struct ptw_dump *d, const struct ptw_format *f,
			   uint64_t base, struct ptw_error *err)
{
	if (base == 0)
		return 0;
	if (f != &ptw_format_raw)
		return ptw_fail(err, PTW_ERR_INVALID,
				"a physical base (--phys-base 0x%llx) applies to raw images only; this is %s",
				(unsigned long long)base, f->what);
	/* Overflow-safe: a base + size that wraps past 2^64 is past 2^52. */
	const char *wrong =
		base & (PTW_PAGE - 1) ? "is not 4 KiB-aligned"
		: base > PTW_PHYS_LIMIT || d->size > PTW_PHYS_LIMIT - base
		? "puts the image's end past 2^52, beyond any x86 or AArch64 physical address"
		: NULL;
	if (!wrong)
		return 0;
	return ptw_fail(err, PTW_ERR_INVALID,
			"the physical base (--phys-base 0x%llx) %s (an image of 0x%zx bytes)",
			(unsigned long long)base, wrong, d->size);
}

static int open_common(struct ptw_dump *d, const struct ptw_dump_opts *o,
		       struct ptw_error *err)
{
	if (d->size == 0)
		return ptw_fail(err, PTW_ERR_FORMAT, "the dump is empty (0 bytes)");
	uint64_t base = o ? o->phys_base : 0;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		const struct ptw_format *f = formats[i];
		if (!f->probe(d->data, d->size))
			continue;
		int rc = check_phys_base(d, f, base, err);
		if (rc)
			return rc;
		d->format = f->name;
		d->fmt = f;
		d->vmcoreinfo_pa = UINT64_MAX;
		d->phys_base = base;
		rc = f->open(d, err);
		if (!rc)
			rc = ptw_dump_finish_segments(d, err);
		/* Raw images and LiME carry no VMCOREINFO, but the kernel keeps
		 * its text in memory, searched for later: in the scan's pass
		 * when there is one, so that memory is read once.  Windows has
		 * none to look for. */
		if (!rc && !d->vmcoreinfo && d->hints.os != PTW_OS_WINDOWS)
			d->vmci_pending = true;
		return rc;
	}
	return ptw_fail(err, PTW_ERR_FORMAT, "unrecognised dump format");
}

struct ptw_dump *ptw_dump_new(void)
{
	struct ptw_dump *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	if (pthread_mutex_init(&d->vmci_lock, NULL)) {
		free(d);
		return NULL;
	}
	if (pthread_mutex_init(&d->vmci_search_lock, NULL)) {
		pthread_mutex_destroy(&d->vmci_lock);
		free(d);
		return NULL;
	}
	d->fd = -1;
	d->vmcoreinfo_pa = UINT64_MAX;
	return d;
}

int ptw_dump_open_memory(const void *data, size_t size, ptw_dump **out,
			 struct ptw_error *err)
{
	return ptw_dump_open_memory_with(data, size, NULL, out, err);
}

int ptw_dump_open_memory_with(const void *data, size_t size,
			      const struct ptw_dump_opts *o, ptw_dump **out,
			      struct ptw_error *err)
{
	struct ptw_dump *d = ptw_dump_new();
	if (!d)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	d->data = data;
	d->size = size;
	int rc = open_common(d, o, err);
	if (rc) {
		ptw_dump_close(d);
		return rc;
	}
	*out = d;
	return 0;
}

int ptw_dump_open(const char *path, ptw_dump **out, struct ptw_error *err)
{
	return ptw_dump_open_with(path, NULL, out, err);
}

int ptw_dump_open_with(const char *path, const struct ptw_dump_opts *o,
		       ptw_dump **out, struct ptw_error *err)
{
	char ebuf[128];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ptw_fail(err, PTW_ERR_IO, "cannot open %s: %s", path,
				strerror_r(errno, ebuf, sizeof ebuf));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return ptw_fail(err, PTW_ERR_IO, "cannot stat %s: %s", path,
				strerror_r(e, ebuf, sizeof ebuf));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return ptw_fail(err, PTW_ERR_IO, "%s is not a regular file", path);
	}
	uint64_t size = (uint64_t)st.st_size;
	if (size == 0) {
		close(fd);
		return ptw_fail(err, PTW_ERR_FORMAT, "%s is empty (0 bytes)", path);
	}
	void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	int e = errno;
	if (map == MAP_FAILED) {
		close(fd);
		return ptw_fail(err, PTW_ERR_IO, "cannot map %s: %s", path,
				strerror_r(e, ebuf, sizeof ebuf));
	}
	struct ptw_dump *d = ptw_dump_new();
	if (!d) {
		munmap(map, size);
		close(fd);
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory");
	}
	d->data = map;
	d->size = size;
	d->owns_mapping = true;
	/* Kept: the scan reads with pread and skips the holes of sparse files. */
	d->fd = fd;
	int rc = open_common(d, o, err);
	if (rc) {
		/* Name the file in the message: "<path>: <problem>". */
		if (err) {
			char msg[2 * sizeof err->msg];
			snprintf(msg, sizeof msg, "%.200s: %s", path, err->msg);
			msg[sizeof err->msg - 1] = '\0';
			memcpy(err->msg, msg, sizeof err->msg);
		}
		ptw_dump_close(d);
		return rc;
	}
	*out = d;
	return 0;
}

void ptw_dump_close(ptw_dump *d)
{
	if (!d)
		return;
	if (d->fmt && d->fmt->close)
		d->fmt->close(d);
	if (d->owns_mapping)
		munmap((void *)d->data, d->size);
	if (d->fd >= 0)
		close(d->fd);
	pthread_mutex_destroy(&d->vmci_lock);
	pthread_mutex_destroy(&d->vmci_search_lock);
	free(d->segs);
	free(d->ranges);
	free(d->cpus);
	free(d->vmcoreinfo);
	free(d->vmcoreinfo_withdrawn);
	free(d);
}

const char *ptw_dump_format(const ptw_dump *d) { return d->format; }
uint64_t ptw_dump_file_size(const ptw_dump *d) { return d->size; }
enum ptw_machine ptw_dump_machine(const ptw_dump *d) { return d->machine; }
uint64_t ptw_dump_phys_end(const ptw_dump *d) { return d->phys_end; }
uint64_t ptw_dump_phys_size(const ptw_dump *d) { return d->phys_size; }

size_t ptw_dump_ranges(const ptw_dump *d, const struct ptw_range **ranges)
{
	*ranges = d->ranges;
	return d->nranges;
}

const struct ptw_dump_hints *ptw_dump_hints(const ptw_dump *d)
{
	return &d->hints;
}

size_t ptw_dump_cpus(const ptw_dump *d, const struct ptw_cpu **cpus)
{
	*cpus = d->cpus;
	return d->ncpus;
}

/* ---- VMCOREINFO found in memory ------------------------------------------ */

bool ptw_dump_vmcoreinfo_pending(const ptw_dump *d)
{
	return __atomic_load_n(&d->vmci_pending, __ATOMIC_ACQUIRE);
}

int ptw_dump_vmcoreinfo_settle(const ptw_dump *d,
			       const struct ptw_vmci_search *v,
			       struct ptw_error *err)
{
	/* The one member that changes after open: logically constant (the
	 * same text whoever searches), set once under the lock. */
	struct ptw_dump *w = (struct ptw_dump *)d;
	int rc = 0;
	pthread_mutex_lock(&w->vmci_lock);
	if (w->vmci_pending) {
		uint64_t pa;
		size_t len;
		uint8_t buf[PTW_PAGE];
		const struct ptw_seg *s;
		const uint8_t *text;
		if (ptw_vmci_pick(v, &pa, &len) && len <= sizeof buf &&
		    (s = ptw_dump_seg(d, pa)) != NULL && !s->pager &&
		    (text = ptw_seg_bytes(d, s, pa - s->pa, len, buf)) != NULL) {
			rc = ptw_dump_set_vmcoreinfo(w, (const char *)text, len, err);
			if (!rc)
				w->vmcoreinfo_pa = pa;
		}
		if (!rc)
			__atomic_store_n(&w->vmci_pending, false, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&w->vmci_lock);
	return rc;
}

void ptw_dump_vmcoreinfo_withdraw(const ptw_dump *d)
{
	struct ptw_dump *w = (struct ptw_dump *)d;
	pthread_mutex_lock(&w->vmci_lock);
	if (w->vmcoreinfo_pa != UINT64_MAX) {
		/* Kept until close: a caller may hold the text. */
		free(w->vmcoreinfo_withdrawn);
		w->vmcoreinfo_withdrawn = w->vmcoreinfo;
		w->vmcoreinfo = NULL;
		w->vmcoreinfo_len = 0;
		w->vmcoreinfo_pa = UINT64_MAX;
	}
	pthread_mutex_unlock(&w->vmci_lock);
}

/* ---- physical reads ---------------------------------------------------- */

struct ptw_window ptw_phys_window(const ptw_dump *d, uint64_t pa)
{
	const struct ptw_seg *s = ptw_dump_seg(d, pa);
	if (!s || s->pager)
		return (struct ptw_window){ .lo = pa, .len = 0, .base = NULL };
	return (struct ptw_window){ .lo = s->pa, .len = s->data_len, .base = s->data };
}

bool ptw_phys_present(const ptw_dump *d, uint64_t pa, uint64_t *run)
{
	/* By the merged ranges, so that a run spans adjacent segments. */
	size_t lo = 0, hi = d->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ptw_range *r = &d->ranges[mid];
		if (pa < r->start) {
			hi = mid;
		} else if (pa - r->start >= r->size) {
			lo = mid + 1;
		} else {
			if (run)
				*run = r->start + r->size - pa;
			return true;
		}
	}
	if (run) /* lo: the first range above pa; the last hole ends at 2^64 */
		*run = lo < d->nranges ? d->ranges[lo].start - pa : 0 - pa;
	return false;
}

bool ptw_seg_next_data(const ptw_dump *d, const struct ptw_seg *s,
		       uint64_t from, uint64_t to, uint64_t *start,
		       uint64_t *end)
{
	if (from >= to)
		return false;
	*start = from;
	*end = to;
	if (d->fd < 0 || s->pager)
		return true;
	/* Segments lie inside the file (ptw_dump_add_segment): no overflow. */
	uint64_t base = (uint64_t)(s->data - d->data);
	off_t x = lseek(d->fd, (off_t)(base + from), SEEK_DATA);
	if (x < 0)
		return errno != ENXIO; /* ENXIO: a hole to the end of the file */
	if ((uint64_t)x >= base + to)
		return false;
	off_t y = lseek(d->fd, x, SEEK_HOLE);
	*start = (uint64_t)x - base;
	if (y > x && (uint64_t)y - base < to)
		*end = (uint64_t)y - base;
	return true;
}

void ptw_seg_prefetch(const ptw_dump *d, const struct ptw_seg *s, uint64_t in,
		      uint64_t len)
{
	if (d->fd >= 0 && !s->pager)
		posix_fadvise(d->fd, (off_t)((uint64_t)(s->data - d->data) + in),
			      (off_t)len, POSIX_FADV_WILLNEED);
}

const uint8_t *ptw_seg_bytes(const ptw_dump *d, const struct ptw_seg *s,
			     uint64_t in, size_t len, uint8_t *buf)
{
	if (s->pager || in > s->data_len || len > s->data_len - in)
		return NULL;
	if (d->fd < 0)
		return s->data + in;
	uint64_t at = (uint64_t)(s->data - d->data) + in;
	for (size_t got = 0; got < len;) {
		ssize_t n = pread(d->fd, buf + got, len - got, (off_t)(at + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* an I/O error, or the file shrank under us */
			return NULL;
		got += (size_t)n;
	}
	return buf;
}

/* Up to len bytes from offset in of paged segment s, within one page:
 * returns how many; *held is false when the pager could not produce the
 * page (then they read as zeros). */
static size_t paged_read(const ptw_dump *d, const struct ptw_seg *s,
			 uint64_t in, uint8_t *out, size_t len, bool *held)
{
	uint64_t at = in & (PTW_PAGE - 1);
	size_t n = PTW_PAGE - at < len ? (size_t)(PTW_PAGE - at) : len;
	uint8_t page[PTW_PAGE];
	*held = s->pager->page(d, s, s->aux + in / PTW_PAGE, page);
	if (*held)
		memcpy(out, page + at, n);
	else
		memset(out, 0, n);
	return n;
}

size_t ptw_phys_read(const ptw_dump *d, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t backed = 0;
	while (len) {
		uint64_t run;
		const struct ptw_seg *s = ptw_dump_seg(d, pa);
		if (!s) {
			/* Zeros to the next segment; the last hole runs to 2^64,
			 * where physical memory ends (no wrap back to 0). */
			ptw_phys_present(d, pa, &run);
			size_t n = run && run < len ? (size_t)run : len;
			memset(out, 0, n);
			out += n, pa += n, len -= n;
			if (pa == 0)
				break;
			continue;
		}
		uint64_t in = pa - s->pa;
		run = s->size - in;
		size_t n = run < len ? (size_t)run : len;
		bool held = true; /* zero fills count as held; corrupt pages not */
		if (s->pager) {
			n = paged_read(d, s, in, out, n, &held);
		} else if (in < s->data_len) {
			uint64_t have = s->data_len - in;
			size_t c = have < n ? (size_t)have : n;
			memcpy(out, s->data + in, c);
			if (c < n)
				memset(out + c, 0, n - c);
		} else {
			memset(out, 0, n);
		}
		if (held)
			backed += n;
		out += n, pa += n, len -= n;
		if (pa == 0) /* wrapped past 2^64 */
			break;
	}
	if (len)
		memset(out, 0, len);
	return backed;
}

bool ptw_phys_holds(const ptw_dump *d, uint64_t pa, uint64_t len)
{
	while (len) {
		const struct ptw_seg *s = ptw_dump_seg(d, pa);
		if (!s)
			return false;
		uint64_t run = s->pa + s->size - pa;
		if (run >= len)
			return true;
		pa += run;
		len -= run;
	}
	return true;
}

bool ptw_phys_any(const ptw_dump *d, uint64_t pa, uint64_t len)
{
	uint64_t run;
	return ptw_phys_present(d, pa, &run) || (run && run < len);
}

const uint8_t *ptw_phys_ptr(const struct ptw_dump *d, uint64_t pa,
			    uint64_t len)
{
	const struct ptw_seg *s = ptw_dump_seg(d, pa);
	if (!s || s->pager)
		return NULL;
	uint64_t in = pa - s->pa;
	if (in > s->data_len || len > s->data_len - in)
		return NULL;
	return s->data + in;
}

const uint8_t *ptw_phys_view(const struct ptw_dump *d, uint64_t pa,
			     uint64_t len, uint8_t *buf)
{
	const uint8_t *p = ptw_phys_ptr(d, pa, len);
	if (p)
		return p;
	if (len > PTW_PAGE || !ptw_phys_holds(d, pa, len))
		return NULL;
	/* Zero fills count as held by ptw_phys_read but not here: a table
	 * is only what the file really stores. */
	for (uint64_t at = pa, end = pa + len; at < end;) {
		const struct ptw_seg *s = ptw_dump_seg(d, at);
		uint64_t upto = s->pa + s->size < end ? s->pa + s->size : end;
		if (!s->pager && upto - s->pa > s->data_len)
			return NULL;
		at = upto;
	}
	return ptw_phys_read(d, pa, buf, (size_t)len) == len ? buf : NULL;
}

bool ptw_phys_entry(const struct ptw_dump *d, uint64_t pa, unsigned size,
		    uint64_t *out)
{
	const uint8_t *p = ptw_phys_ptr(d, pa, size);
	if (p) {
		*out = pt_load(p, size);
		return true;
	}
	/* Zero-filled tail or a segment boundary: the slow, exact path. */
	uint8_t b[8] = {0};
	if (ptw_phys_read(d, pa, b, size) != size)
		return false;
	*out = pt_load(b, size);
	return true;
}
