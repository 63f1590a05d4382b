/* truth_check — check a mounted real dump against the guest's own truth.
 *
 *   truth_check [--owners] MOUNTPOINT TRUTH.txt
 *
 * For every process in TRUTH.txt (PROC lines), find the one /dtb/<x>/ whose
 * maps translate every present page of it (TRUTH lines) to the PFN the
 * guest kernel reported; then, through the mount only:
 *   - maps: each present page at its PFN, R/W as writable_expected says;
 *     pages the hardware does not map (present=0, kind=protnone_touched:
 *     PROT_NONE: arch/x86/include/asm/pgtable-invert.h) absent;
 *   - entry files: walking <top>/<i>/.../entry reaches the same PFN (with
 *     the large page's offset), or a non-present entry for unmapped pages;
 *   - vmem: the 4096 bytes at the VA hash (FNV-1a 64) to the listed value;
 *     unmapped pages read as zeros.
 * With --owners, also what the kernel's task list gave each process:
 *   - /proc/<pid> links to ../dtb/<x>, a space whose maps agree with the
 *     process's truth pages;
 *   - /dtb/<x>/info says cid <pid>, parent <ppid>, name <comm>, owner-from
 *     task-list.
 * Prints a line per process and exits non-zero on any mismatch.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct page {
	unsigned pid;
	uint64_t va, pfn, fnv;
	bool present, writable, protnone_touched;
	char kind[32];
};

struct proc {
	unsigned pid, ppid;
	char comm[32];
};

struct run {
	uint64_t start, end, pa;
	bool writable;
};

struct space {
	char name[32];
	char mode[16];
	struct run *runs;
	size_t nruns;
};

static const char *mnt;
static unsigned failures;

#define FAIL(...)                                        \
	do {                                             \
		if (failures++ < 40)                     \
			fprintf(stderr, "FAIL: " __VA_ARGS__); \
	} while (0)

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("realloc");
		exit(2);
	}
	return p;
}

static bool field(const char *line, const char *key, char *out, size_t n)
{
	char pat[40];
	snprintf(pat, sizeof pat, " %s=", key);
	const char *p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	size_t len = strcspn(p, " \n");
	if (len >= n)
		len = n - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

static uint64_t num(const char *line, const char *key)
{
	char v[64];
	if (!field(line, key, v, sizeof v)) {
		fprintf(stderr, "truth line lacks %s: %s", key, line);
		exit(2);
	}
	return strtoull(v, NULL, 0);
}

static void load_truth(const char *path, struct proc **procs, size_t *nprocs,
		       struct page **pages, size_t *npages)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "PROC ", 5)) {
			*procs = xrealloc(*procs, (*nprocs + 1) * sizeof **procs);
			struct proc *p = &(*procs)[(*nprocs)++];
			p->pid = (unsigned)num(line, "pid");
			p->ppid = (unsigned)num(line, "ppid");
			field(line, "comm", p->comm, sizeof p->comm);
		} else if (!strncmp(line, "TRUTH ", 6)) {
			*pages = xrealloc(*pages, (*npages + 1) * sizeof **pages);
			struct page *g = &(*pages)[(*npages)++];
			memset(g, 0, sizeof *g);
			g->pid = (unsigned)num(line, "pid");
			g->va = num(line, "va");
			g->pfn = num(line, "pfn");
			g->present = num(line, "present") == 1;
			g->writable = num(line, "writable_expected") == 1;
			field(line, "kind", g->kind, sizeof g->kind);
			g->protnone_touched = !strcmp(g->kind, "protnone_touched");
			char v[32];
			field(line, "fnv1a64", v, sizeof v);
			g->fnv = strcmp(v, "none") ? strtoull(v, NULL, 0) : 0;
		}
	}
	fclose(f);
}

/* Whole file through the mount. */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = xrealloc(NULL, cap + 1);
	for (;;) {
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0) {
			perror(path);
			exit(2);
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n == cap)
			buf = xrealloc(buf, (cap *= 2) + 1);
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static void load_space(struct space *s)
{
	char path[512];
	snprintf(path, sizeof path, "%s/dtb/%s/info", mnt, s->name);
	char *info = slurp(path, NULL);
	if (!info || sscanf(strstr(info, "mode: ") ? strstr(info, "mode: ") : "", "mode: %15s", s->mode) != 1) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	free(info);
	snprintf(path, sizeof path, "%s/dtb/%s/maps", mnt, s->name);
	char *maps = slurp(path, NULL);
	if (!maps) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	size_t cap = 0;
	for (char *l = strtok(maps, "\n"); l; l = strtok(NULL, "\n")) {
		struct run r;
		char page[8], flags[16];
		if (sscanf(l, "%" SCNx64 "-%" SCNx64 " %" SCNx64 " %7s %15s", &r.start,
			   &r.end, &r.pa, page, flags) != 5) {
			FAIL("%s: bad maps line: %s\n", s->name, l);
			continue;
		}
		/* W is x86's 9th of 11 columns, the 8th of 9; AArch64's 6th
		 * (GLDAUWXEV, README "AArch64") */
		size_t fl = strlen(flags);
		bool arm = !strncmp(s->mode, "arm64-", 6);
		r.writable = (arm ? flags[5] : fl == 11 ? flags[8] : flags[7]) == 'W';
		if (s->nruns == cap)
			s->runs = xrealloc(s->runs, (cap = cap ? 2 * cap : 256) * sizeof *s->runs);
		s->runs[s->nruns++] = r;
	}
	free(maps);
}

static const struct run *find_run(const struct space *s, uint64_t va)
{
	size_t lo = 0, hi = s->nruns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (va < s->runs[mid].start)
			hi = mid;
		else if (va >= s->runs[mid].end)
			lo = mid + 1;
		else
			return &s->runs[mid];
	}
	return NULL;
}

static bool maps_agree(const struct space *s, const struct page *pages,
		       size_t n, unsigned pid)
{
	unsigned checked = 0;
	for (size_t i = 0; i < n; i++) {
		const struct page *g = &pages[i];
		if (g->pid != pid || !g->present || g->protnone_touched)
			continue;
		const struct run *r = find_run(s, g->va);
		if (!r || (r->pa + (g->va - r->start)) >> 12 != g->pfn)
			return false;
		checked++;
	}
	return checked > 0;
}

/* ---- entry files ---------------------------------------------------------- */

struct level {
	const char *dir;
	unsigned shift, bits;
};

/* arm64-<granule>k-<VA bits>: ARM's levels, numbered so the last is 3,
 * under ttbr0/ (every truth page is a user page); 0 if mode is another. */
static unsigned arm64_levels(const char *mode, struct level *lv, const char **prefix)
{
	static const char *const names[] = { "l-1", "l0", "l1", "l2", "l3" };
	unsigned gk, va;
	if (sscanf(mode, "arm64-%uk-%u", &gk, &va) != 2)
		return 0;
	unsigned g = gk == 4 ? 12 : gk == 16 ? 14 : 16, stride = g - 3;
	unsigned n = (va - 4) / stride;
	for (unsigned i = 0; i < n; i++) {
		lv[i].dir = names[5 - n + i];
		lv[i].shift = g + stride * (n - 1 - i);
		lv[i].bits = i ? stride : va - lv[i].shift;
	}
	*prefix = "/ttbr0";
	return n;
}

static unsigned mode_levels(const char *mode, struct level *lv, const char **prefix)
{
	unsigned n = arm64_levels(mode, lv, prefix);
	if (n)
		return n;
	*prefix = "";
	static const struct level x86[] = { { "pd", 22, 10 }, { "pt", 12, 10 } };
	static const struct level pae[] = { { "pdpt", 30, 2 }, { "pd", 21, 9 }, { "pt", 12, 9 } };
	static const struct level x64[] = { { "pml5", 48, 9 }, { "pml4", 39, 9 },
					    { "pdpt", 30, 9 }, { "pd", 21, 9 }, { "pt", 12, 9 } };
	if (!strcmp(mode, "x86"))
		return memcpy(lv, x86, sizeof x86), 2;
	if (!strcmp(mode, "pae"))
		return memcpy(lv, pae, sizeof pae), 3;
	if (!strcmp(mode, "la57"))
		return memcpy(lv, x64, sizeof x64), 5;
	return memcpy(lv, x64 + 1, 4 * sizeof *x64), 4;
}

/* What the entry files say of va: mapped (the PFN of its 4 KiB frame), or
 * not valid, and then whether the entry decodes as a PROT_NONE page (Linux:
 * resident, not present to the CPU) and at which PFN. */
struct walk {
	bool mapped;
	int64_t pfn;       /* mapped or PROT_NONE; -1 otherwise */
	bool protnone;
};

static struct walk entry_walk(const struct space *s, uint64_t va)
{
	struct walk w = { false, -1, false };
	struct level lv[5];
	const char *prefix;
	unsigned n = mode_levels(s->mode, lv, &prefix);
	char path[1024];
	int len = snprintf(path, sizeof path, "%s/dtb/%s%s", mnt, s->name, prefix);
	for (unsigned l = 0; l < n; l++) {
		unsigned idx = (unsigned)((va >> lv[l].shift) & ((1u << lv[l].bits) - 1));
		len += snprintf(path + len, sizeof path - (size_t)len, "/%s/%u", lv[l].dir, idx);
		char epath[1100];
		snprintf(epath, sizeof epath, "%s/entry", path);
		char *text = slurp(epath, NULL);
		if (!text)
			return w; /* a zero entry has no directory */
		char *p = strstr(text, "\npfn: "), *f = strstr(text, "\nflags: ");
		char *pg = strstr(text, "\npage: ");
		if (!p || !f) {
			FAIL("%s has no pfn or flags line\n", epath);
			free(text);
			return w;
		}
		size_t fl = strcspn(f + 8, "\n");
		bool valid = fl && f[8 + fl - 1] == 'V';
		if (!valid) {
			w.protnone = strstr(text, "\nProtNone: pfn ") != NULL;
			if (p[6] != '-')
				w.pfn = (int64_t)strtoull(p + 6, NULL, 16);
			free(text);
			return w;
		}
		uint64_t pfn = strtoull(p + 6, NULL, 16);
		if (pg) {
			uint64_t size = 1ULL << lv[l].shift;
			free(text);
			w.mapped = true;
			w.pfn = (int64_t)(pfn + ((va & (size - 1)) >> 12));
			return w;
		}
		free(text);
	}
	FAIL("%s: walk of %" PRIx64 " found no page entry\n", s->name, va);
	return w;
}

/* ---- vmem ------------------------------------------------------------------ */

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t vmem_offset(const struct space *s, uint64_t va)
{
	if (!strcmp(s->mode, "la57"))
		return va & ((1ULL << 57) - 1);
	if (!strcmp(s->mode, "x64"))
		return va & ((1ULL << 48) - 1);
	unsigned gk, vabits;
	if (sscanf(s->mode, "arm64-%uk-%u", &gk, &vabits) == 2)
		return va & ((1ULL << (vabits + 1)) - 1); /* lower half then upper */
	return va;
}

static void check_regions(const struct proc *p, const struct space *s,
			  const struct page *pages, size_t npages);

static void check_process(const struct proc *p, struct space *spaces,
			  size_t nspaces, const struct page *pages, size_t npages)
{
	struct space *s = NULL;
	for (size_t i = 0; i < nspaces && !s; i++)
		if (maps_agree(&spaces[i], pages, npages, p->pid))
			s = &spaces[i];
	if (!s) {
		FAIL("pid %u (%s): no address space maps all its pages to their PFNs\n",
		     p->pid, p->comm);
		return;
	}
	char path[512];
	snprintf(path, sizeof path, "%s/dtb/%s/vmem", mnt, s->name);
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		FAIL("open %s: %s\n", path, strerror(errno));
		return;
	}
	static const uint8_t zeros[4096];
	uint64_t zero_hash = fnv1a(zeros, sizeof zeros);
	unsigned n = 0, mapped = 0, unmapped = 0, before = failures;
	for (size_t i = 0; i < npages; i++) {
		const struct page *g = &pages[i];
		if (g->pid != p->pid)
			continue;
		n++;
		bool hw = g->present && !g->protnone_touched;
		const struct run *r = find_run(s, g->va);
		struct walk ew = entry_walk(s, g->va);
		uint8_t buf[4096];
		ssize_t got = pread(fd, buf, sizeof buf, (off_t)vmem_offset(s, g->va));
		uint64_t h = got == 4096 ? fnv1a(buf, 4096) : 0;
		if (hw) {
			mapped++;
			if (!r || (r->pa + (g->va - r->start)) >> 12 != g->pfn)
				FAIL("pid %u va %" PRIx64 ": maps disagree with pfn %" PRIx64 "\n",
				     p->pid, g->va, g->pfn);
			else if (r->writable != g->writable)
				FAIL("pid %u va %" PRIx64 ": maps says %s, truth says %s\n", p->pid,
				     g->va, r->writable ? "W" : "R", g->writable ? "W" : "R");
			if (!ew.mapped || ew.pfn != (int64_t)g->pfn)
				FAIL("pid %u va %" PRIx64 ": entry files give pfn %" PRIx64
				     ", truth %" PRIx64 "\n", p->pid, g->va, (uint64_t)ew.pfn, g->pfn);
			if (h != g->fnv)
				FAIL("pid %u va %" PRIx64 ": vmem hashes to %016" PRIx64
				     ", truth %016" PRIx64 "\n", p->pid, g->va, h, g->fnv);
		} else {
			unmapped++;
			if (r)
				FAIL("pid %u va %" PRIx64 " (%s): in maps, but the hardware does not map it\n",
				     p->pid, g->va, g->kind);
			if (ew.mapped)
				FAIL("pid %u va %" PRIx64 " (%s): entry files map it to pfn %" PRIx64 "\n",
				     p->pid, g->va, g->kind, (uint64_t)ew.pfn);
			/* PROT_NONE: not valid to the CPU, but decoded, at the
			 * frame the guest kernel reported */
			if (g->protnone_touched && (!ew.protnone || ew.pfn != (int64_t)g->pfn))
				FAIL("pid %u va %" PRIx64 ": entry files do not show PROT_NONE at pfn %" PRIx64
				     " (got %s, pfn %" PRIx64 ")\n", p->pid, g->va, g->pfn,
				     ew.protnone ? "ProtNone" : "no ProtNone", (uint64_t)ew.pfn);
			if (h != zero_hash)
				FAIL("pid %u va %" PRIx64 " (%s): unmapped vmem is not zeros\n",
				     p->pid, g->va, g->kind);
		}
	}
	close(fd);
	printf("pid %u (%s): dtb %s: %u pages (%u mapped, %u not): %s\n", p->pid,
	       p->comm, s->name, n, mapped, unmapped,
	       failures == before ? "maps, entries and vmem agree" : "MISMATCH");
	check_regions(p, s, pages, npages);
}

/* ---- regions and SEEK_DATA / SEEK_HOLE ------------------------------------ */

struct region {
	uint64_t start, end;
	char name[48];
};

static int cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Every mapped truth page in exactly one region file, at the right offset,
 * with the right bytes; vmem's SEEK_DATA and SEEK_HOLE agreeing with the
 * regions for mapped and unmapped pages alike. */
static void check_regions(const struct proc *p, const struct space *s,
			  const struct page *pages, size_t npages)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/dtb/%s/regions", mnt, s->name);
	DIR *d = opendir(dir);
	if (!d) {
		FAIL("opendir %s: %s\n", dir, strerror(errno));
		return;
	}
	struct region *r = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) /* geometric: tens of thousands of regions */
			r = xrealloc(r, (cap = cap ? 2 * cap : 1024) * sizeof *r);
		struct region *x = &r[n];
		snprintf(x->name, sizeof x->name, "%.47s", de->d_name);
		if (sscanf(de->d_name, "%" SCNx64 "-%" SCNx64, &x->start, &x->end) != 2) {
			FAIL("%s: bad region name %s\n", dir, de->d_name);
			continue;
		}
		n++;
	}
	closedir(d);
	qsort(r, n, sizeof *r, cmp_region);
	for (size_t k = 0; k + 1 < n; k++)
		if (r[k].end <= r[k].start || r[k].end > r[k + 1].start)
			FAIL("%s: region %s overlaps %s or is empty\n", dir, r[k].name, r[k + 1].name);
	char vpath[512];
	snprintf(vpath, sizeof vpath, "%s/dtb/%s/vmem", mnt, s->name);
	int vfd = open(vpath, O_RDONLY);
	unsigned checked = 0, before = failures;
	for (size_t i = 0; i < npages; i++) {
		const struct page *g = &pages[i];
		if (g->pid != p->pid)
			continue;
		bool hw = g->present && !g->protnone_touched;
		size_t hits = 0, at = 0;
		/* regions are disjoint (checked above): only the last one
		 * starting at or below va can hold it */
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (r[mid].start <= g->va)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo ? lo - 1 : 0; k < lo; k++)
			if (g->va >= r[k].start && g->va < r[k].end)
				hits++, at = k;
		off_t off = (off_t)vmem_offset(s, g->va);
		off_t data = lseek(vfd, off, SEEK_DATA), hole = lseek(vfd, off, SEEK_HOLE);
		if (!hw) {
			if (hits)
				FAIL("pid %u va %" PRIx64 " (%s): in region %s\n", p->pid, g->va,
				     g->kind, r[at].name);
			if (hole != off || data == off)
				FAIL("pid %u va %" PRIx64 " (%s): SEEK_HOLE %jx, SEEK_DATA %jx\n", p->pid,
				     g->va, g->kind, (intmax_t)hole, (intmax_t)data);
			continue;
		}
		if (hits != 1) {
			FAIL("pid %u va %" PRIx64 ": in %zu regions\n", p->pid, g->va, hits);
			continue;
		}
		/* SEEK_DATA stays, SEEK_HOLE goes to the end of the region */
		if (data != off || hole != (off_t)vmem_offset(s, r[at].end - 1) + 1)
			FAIL("pid %u va %" PRIx64 ": SEEK_DATA %jx, SEEK_HOLE %jx (region %s)\n",
			     p->pid, g->va, (intmax_t)data, (intmax_t)hole, r[at].name);
		char path[600];
		snprintf(path, sizeof path, "%s/%s", dir, r[at].name);
		int fd = open(path, O_RDONLY);
		uint8_t buf[4096];
		if (fd < 0 || pread(fd, buf, sizeof buf, (off_t)(g->va - r[at].start)) != 4096 ||
		    fnv1a(buf, sizeof buf) != g->fnv)
			FAIL("pid %u va %" PRIx64 ": region %s does not hold its bytes\n", p->pid,
			     g->va, r[at].name);
		if (fd >= 0)
			close(fd);
		checked++;
	}
	close(vfd);
	free(r);
	printf("pid %u (%s): %zu regions; %u pages found in them, SEEK_DATA/SEEK_HOLE agree: %s\n",
	       p->pid, p->comm, n, checked, failures == before ? "yes" : "NO");
}

/* ---- owners ---------------------------------------------------------------- */

/* /proc/<pid> names a space that maps the process's pages, and that
 * space's info names the process as the task list has it. */
static void check_owner(const struct proc *p, const struct space *spaces,
			size_t nspaces, const struct page *pages, size_t npages)
{
	char path[512], target[256];
	snprintf(path, sizeof path, "%s/proc/%u", mnt, p->pid);
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n < 0) {
		FAIL("pid %u (%s): readlink %s: %s\n", p->pid, p->comm, path, strerror(errno));
		return;
	}
	target[n] = '\0';
	const char *name = strncmp(target, "../dtb/", 7) == 0 ? target + 7 : NULL;
	const struct space *s = NULL;
	for (size_t i = 0; name && i < nspaces && !s; i++)
		if (!strcmp(spaces[i].name, name))
			s = &spaces[i];
	if (!s) {
		FAIL("pid %u (%s): /proc/%u -> %s, not a space of /dtb\n", p->pid, p->comm,
		     p->pid, target);
		return;
	}
	unsigned before = failures;
	if (!maps_agree(s, pages, npages, p->pid))
		FAIL("pid %u (%s): /proc/%u -> %s, whose maps do not map its pages\n",
		     p->pid, p->comm, p->pid, target);
	snprintf(path, sizeof path, "%s/dtb/%s/info", mnt, s->name);
	char *info = slurp(path, NULL);
	char want[4][64];
	snprintf(want[0], sizeof want[0], "\ncid: %u\n", p->pid);
	snprintf(want[1], sizeof want[1], "\nparent: %u\n", p->ppid);
	snprintf(want[2], sizeof want[2], "\nname: %s\n", p->comm);
	snprintf(want[3], sizeof want[3], "\nowner-from: task-list\n");
	for (unsigned i = 0; i < 4; i++)
		if (!info || !strstr(info, want[i]))
			FAIL("pid %u (%s): %s lacks \"%.*s\"\n", p->pid, p->comm, path,
			     (int)strlen(want[i]) - 2, want[i] + 1);
	free(info);
	printf("pid %u (%s): /proc/%u -> %s: cid %u, parent %u, name %s, task-list: %s\n",
	       p->pid, p->comm, p->pid, target, p->pid, p->ppid, p->comm,
	       failures == before ? "agree" : "MISMATCH");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(((const struct space *)a)->name, ((const struct space *)b)->name);
}

int main(int argc, char **argv)
{
	bool owners = argc == 4 && !strcmp(argv[1], "--owners");
	if (argc != 3 && !owners) {
		fprintf(stderr, "usage: truth_check [--owners] MOUNTPOINT TRUTH.txt\n");
		return 2;
	}
	argv += owners;
	mnt = argv[1];
	struct proc *procs = NULL;
	struct page *pages = NULL;
	size_t nprocs = 0, npages = 0;
	load_truth(argv[2], &procs, &nprocs, &pages, &npages);
	if (!nprocs || !npages) {
		fprintf(stderr, "%s: no PROC or TRUTH lines\n", argv[2]);
		return 2;
	}
	char path[512];
	snprintf(path, sizeof path, "%s/dtb", mnt);
	DIR *dir = opendir(path);
	if (!dir) {
		perror(path);
		return 2;
	}
	struct space *spaces = NULL;
	size_t nspaces = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		spaces = xrealloc(spaces, (nspaces + 1) * sizeof *spaces);
		memset(&spaces[nspaces], 0, sizeof *spaces);
		snprintf(spaces[nspaces].name, sizeof spaces[nspaces].name, "%.31s", de->d_name);
		nspaces++;
	}
	closedir(dir);
	qsort(spaces, nspaces, sizeof *spaces, cmp_str);
	for (size_t i = 0; i < nspaces; i++)
		load_space(&spaces[i]);
	for (size_t i = 0; i < nprocs; i++)
		check_process(&procs[i], spaces, nspaces, pages, npages);
	for (size_t i = 0; owners && i < nprocs; i++)
		check_owner(&procs[i], spaces, nspaces, pages, npages);
	printf("%zu processes, %zu truth pages, %zu address spaces: %s\n", nprocs, npages,
	       nspaces, failures ? "FAILED" : "all agree");
	if (failures > 40)
		fprintf(stderr, "(%u failures, first 40 shown)\n", failures);
	for (size_t i = 0; i < nspaces; i++)
		free(spaces[i].runs);
	free(spaces);
	free(procs);
	free(pages);
	return failures ? 1 : 0;
}
