/* test_owners_linux.c — Linux processes from the kernel's own data
 * (owners/linux.c) and the VMCOREINFO text found in memory
 * (dump/vmcoreinfo.c), over the linux-x64 and linux-pae scenarios with a
 * kernel's kallsyms, BTF and task list (gen_linux.c) in their direct maps.
 */
#include "testutil.h"
#include "gen_linux.h"
#include "owners/owners.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Free in both scenarios' memory: the kernel data, and VMCOREINFO pages. */
#define BLOB_PA   0x350000ULL
#define VMCI_PA   0x3f0000ULL
#define STALE_PA  0x3e0000ULL
#define FORMAT_PA 0x3d0000ULL

#define DIRECT_X64 0xffff888000000000ULL
#define DIRECT_PAE 0xc0000000ULL

struct img {
	struct scenario s;
	struct gen_linux_task tasks[5];
	struct gen_linux L;
	uint8_t *blob;              /* s.g.mem + BLOB_PA */
	char vmci[2048];
	const struct ptw_mode *mode;
};

/* The processes: init and a daemon with their own tables, kthreadd (no
 * mm), a vfork child sharing the daemon's mm, a kernel thread borrowing
 * it (kthread_use_mm). */
static void set_tasks(struct gen_linux_task tasks[5], uint64_t direct,
		      const struct scenario *s)
{
	const struct gen_linux_task t[5] = {
		{ .pid = 1, .parent = -1, .comm = "init", .pgd = direct + s->proc[0] },
		{ .pid = 2, .parent = -1, .comm = "kthreadd", .flags = GEN_LINUX_PF_KTHREAD },
		{ .pid = 100, .parent = 0, .comm = "alpha-daemon-long-name",
		  .pgd = direct + s->proc[1] },
		{ .pid = 101, .parent = 2, .comm = "alpha-vfork", .share_mm = 3 },
		{ .pid = 50, .parent = 1, .comm = "vhost-100", .share_mm = 3,
		  .flags = GEN_LINUX_PF_KTHREAD },
	};
	memcpy(tasks, t, 5 * sizeof *t);
}

/* The scenario and the kernel's inputs, not yet laid out (a test may
 * change im->L and im->tasks before kernel_done). */
static void kernel_start(struct img *im, const char *scen, const char *omit,
			 bool text_only)
{
	memset(im, 0, sizeof *im);
	assert_true(scenario_build(scen, &im->s));
	bool pae = strcmp(scen, "linux-pae") == 0;
	uint64_t direct = pae ? DIRECT_PAE : DIRECT_X64;
	im->mode = ptw_mode_get(pae ? PTW_MODE_PAE : PTW_MODE_X64);
	set_tasks(im->tasks, direct, &im->s);
	im->L = (struct gen_linux){
		.va = direct + BLOB_PA, .ptr = pae ? 4 : 8, .tasks = im->tasks,
		.ntasks = 5, .omit = omit, .text_only = text_only,
	};
	im->blob = im->s.g.mem + BLOB_PA;
}

static void kernel_done(struct img *im)
{
	assert_true(gen_linux_build(&im->L, im->blob, STALE_PA - BLOB_PA));
	snprintf(im->vmci, sizeof im->vmci, "%s", im->s.elf.vmcoreinfo);
	gen_linux_vmcoreinfo(&im->L, im->vmci, sizeof im->vmci);
}

static void build_kernel(struct img *im, const char *scen, const char *omit,
			 bool text_only)
{
	kernel_start(im, scen, omit, text_only);
	kernel_done(im);
}

static void build(struct img *im, const char *scen, const char *omit)
{
	build_kernel(im, scen, omit, false);
}

/* A kernel without CONFIG_KALLSYMS_ALL: kallsyms names its code only
 * (_text, startup_64 and a long one), no init_task, __start_BTF or
 * __stop_BTF; they are found by scanning the image from _text. */
static void build_text_only(struct img *im, const char *scen)
{
	build_kernel(im, scen, NULL, true);
}

/* The buffer's bytes at kernel VA va. */
static uint8_t *at(struct img *im, uint64_t va)
{
	return im->blob + (va - im->L.va);
}

/* Open the image raw, with VMCOREINFO in memory at VMCI_PA. */
static ptw_dump *open_raw(struct img *im)
{
	gen_write(&im->s.g, VMCI_PA, im->vmci, strlen(im->vmci) + 1);
	ptw_dump *d;
	struct ptw_error e;
	assert_int_equal(ptw_dump_open_memory(im->s.g.mem, im->s.g.size, &d, &e), 0);
	return d;
}

/* ptw_owners_linux over the scenario's kernel table. */
static int owners(struct img *im, struct ptw_owners *o, char *how, size_t howsz,
		  struct ptw_error *e)
{
	ptw_dump *d = open_raw(im);
	struct ptw_space k;
	assert_int_equal(ptw_space_init(&k, d, im->mode, im->s.kernel, NULL), 0);
	memset(o, 0, sizeof *o);
	how[0] = '\0';
	int rc = ptw_owners_linux(&k, o, how, howsz, e);
	ptw_dump_close(d);
	return rc;
}

/* Fails with PTW_ERR_NOT_FOUND and a message containing want. */
static void expect_failure(struct img *im, const char *want)
{
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	int rc = owners(im, &o, how, sizeof how, &e);
	if (rc == 0 || !strstr(e.msg, want))
		fail_msg("want a failure saying '%s', got rc %d: '%s' / '%s'", want, rc,
			 e.msg, how);
	assert_int_equal(rc, PTW_ERR_NOT_FOUND);
	assert_int_equal(e.code, PTW_ERR_NOT_FOUND);
	assert_int_equal(o.n, 0);
	ptw_owners_free(&o);
	scenario_free(&im->s);
}

static const struct ptw_owner *by_cid(const struct ptw_owners *o, int64_t cid)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].cid == cid)
			return &o->v[i];
	fail_msg("no owner with cid %lld", (long long)cid);
	return NULL;
}

static void check_owner(const struct ptw_owners *o, int64_t cid, int64_t ppid,
			const char *name, uint64_t dirbase, uint64_t user,
			uint64_t object)
{
	const struct ptw_owner *p = by_cid(o, cid);
	assert_int_equal(p->ppid, ppid);
	assert_string_equal(p->name, name);
	assert_int_equal(p->dirbase, dirbase);
	assert_int_equal(p->user_dirbase, user);
	assert_int_equal(p->object, object);
}

/* ---- success ------------------------------------------------------------------ */

static void x64_records(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	int rc = owners(&im, &o, how, sizeof how, &e);
	if (rc)
		fail_msg("%s", e.msg);
	/* swapper, init, alpha-daemon (its vfork child and the kernel thread
	 * borrowing its mm fold into it, kthreadd has none) */
	assert_int_equal(o.n, 3);
	check_owner(&o, 0, 0, "swapper/0", im.s.kernel, 0, im.L.init_task);
	check_owner(&o, 1, 0, "init", im.s.proc[0], im.s.user[0], im.L.task[0]);
	check_owner(&o, 100, 1, "alpha-daemon-lo", im.s.proc[1], im.s.user[1], im.L.task[2]);
	assert_string_equal(how,
		"Linux task list: 5 processes, 3 address spaces (kallsyms 8 symbols from VMCOREINFO, "
		"BTF 0.0 MiB; task_struct tasks 0x40 pid 0x80 comm 0xc0 mm 0x98, mm_struct pgd 0x48)");
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

static void pae_records(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-pae", NULL);
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	int rc = owners(&im, &o, how, sizeof how, &e);
	if (rc)
		fail_msg("%s", e.msg);
	assert_int_equal(o.n, 3);
	check_owner(&o, 0, 0, "swapper/0", im.s.kernel, 0, im.L.init_task);
	check_owner(&o, 1, 0, "init", im.s.proc[0], im.s.user[0], im.L.task[0]);
	check_owner(&o, 100, 1, "alpha-daemon-lo", im.s.proc[1], im.s.user[1], im.L.task[2]);
	assert_non_null(strstr(how, "5 processes, 3 address spaces"));
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

/* After discovery: owners_how holds how, and alpha-daemon's table is its
 * own from the task list. */
static const struct ptw_space *discovered_daemon(const struct ptw_spaces *sp,
						 const struct img *im, const char *how)
{
	if (!strstr(sp->owners_how, how))
		fail_msg("want '%s' in '%s'", how, sp->owners_how);
	const struct ptw_space *s = ptw_spaces_find(sp, im->s.proc[1]);
	assert_non_null(s);
	assert_int_equal(s->cid, 100);
	assert_int_equal(s->ppid, 1);
	assert_string_equal(s->name, "alpha-daemon-lo");
	assert_int_equal(s->owner_from, PTW_OWNER_LINUX_TASKS);
	assert_int_equal(s->owner_object, im->L.task[2]);
	assert_true(s->found & PTW_FOUND_PROCLIST);
	return s;
}

/* Through discovery, from the ELF form (VMCOREINFO in its note). */
static void x64_discover_elf(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	struct gen_elf elf = im.s.elf;
	elf.vmcoreinfo = im.vmci;
	const char *path = test_path("owners-x64.elf");
	assert_int_equal(gen_write_elf(&im.s.g, &elf, path), 0);
	ptw_dump *d;
	struct ptw_error e;
	assert_int_equal(ptw_dump_open(path, &d, &e), 0);
	assert_int_equal(d->vmcoreinfo_pa, UINT64_MAX);
	struct ptw_spaces sp;
	discover(d, &sp);
	const struct ptw_space *s =
		discovered_daemon(&sp, &im, "Linux task list: 5 processes, 3 address spaces");
	/* the KPTI user copies belong to the same processes */
	s = ptw_spaces_find(&sp, im.s.user[1]);
	assert_non_null(s);
	assert_int_equal(s->cid, 100);
	assert_true(s->kpti_user);
	s = ptw_spaces_find(&sp, im.s.user[0]);
	assert_int_equal(s->cid, 1);
	assert_string_equal(s->name, "init");
	s = ptw_spaces_find(&sp, im.s.kernel);
	assert_int_equal(s->cid, 0);
	assert_int_equal(s->ppid, 0);
	assert_string_equal(s->name, "swapper/0");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&im.s);
}

/* ---- x86-64's tables no task owns ------------------------------------------------ */

/* The kernel with real_mode_header and poking_mm in kallsyms, pointing at
 * trampoline (PA) and poking (PA of poking_mm's pgd); without_daemon
 * leaves alpha-daemon's table (s.proc[1]) to no task. */
static void build_tables(struct img *im, uint32_t trampoline, uint64_t poking,
			 bool without_daemon)
{
	memset(im, 0, sizeof *im);
	assert_true(scenario_build("linux-x64", &im->s));
	im->mode = ptw_mode_get(PTW_MODE_X64);
	set_tasks(im->tasks, DIRECT_X64, &im->s);
	if (without_daemon) { /* it, its vfork child and the borrower: no mm */
		im->tasks[2].pgd = 0;
		im->tasks[3].share_mm = im->tasks[4].share_mm = 0;
	}
	im->L = (struct gen_linux){
		.va = DIRECT_X64 + BLOB_PA, .ptr = 8, .tasks = im->tasks, .ntasks = 5,
		.kernel_tables = true, .trampoline_pgd = trampoline,
		.poking_pgd = poking ? DIRECT_X64 + poking : 0,
	};
	im->blob = im->s.g.mem + BLOB_PA;
	assert_true(gen_linux_build(&im->L, im->blob, STALE_PA - BLOB_PA));
	snprintf(im->vmci, sizeof im->vmci, "%s", im->s.elf.vmcoreinfo);
	gen_linux_vmcoreinfo(&im->L, im->vmci, sizeof im->vmci);
}

/* Records: the trampoline's table by real_mode_header's trampoline_pgd
 * (the offset from BTF); poking_mm's table is a task's here, and a task's
 * table keeps its task's name. */
static void x64_kernel_table_records(void **state)
{
	(void)state;
	struct scenario probe; /* where the scenario puts alpha-daemon's table */
	assert_true(scenario_build("linux-x64", &probe));
	uint64_t daemon = probe.proc[1];
	scenario_free(&probe);
	struct img im;
	build_tables(&im, 0x9c000, daemon, false);
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	if (owners(&im, &o, how, sizeof how, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(o.n, 4);
	check_owner(&o, 100, 1, "alpha-daemon-lo", daemon, im.s.user[1], im.L.task[2]);
	const struct ptw_owner *t = by_cid(&o, -1);
	assert_string_equal(t->name, "[trampoline]");
	assert_int_equal(t->dirbase, 0x9c000);
	assert_int_equal(t->ppid, -1);
	assert_true(t->kernel_table);
	assert_string_equal(how,
		"Linux task list: 5 processes, 3 address spaces; [trampoline] 9c000 (kallsyms 10 "
		"symbols from VMCOREINFO, BTF 0.0 MiB; task_struct tasks 0x40 pid 0x80 comm 0xc0 mm 0x98, mm_struct"
		" pgd 0x48)");
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

/* Through discovery: poking_mm's pair (a found KPTI pair no task owns)
 * is named "[poking_mm]" with no cid; the trampoline's 9c000, no table
 * discovery found, names nothing and adds no space. */
static void x64_kernel_tables_discovered(void **state)
{
	(void)state;
	struct scenario probe;
	assert_true(scenario_build("linux-x64", &probe));
	uint64_t pair = probe.proc[1];
	scenario_free(&probe);
	struct img im;
	build_tables(&im, 0x9c000, pair, true);
	struct gen_elf elf = im.s.elf;
	elf.vmcoreinfo = im.vmci;
	const char *path = test_path("owners-x64-tables.elf");
	assert_int_equal(gen_write_elf(&im.s.g, &elf, path), 0);
	ptw_dump *d;
	struct ptw_error e;
	assert_int_equal(ptw_dump_open(path, &d, &e), 0);
	struct ptw_spaces sp;
	discover(d, &sp);
	if (!strstr(sp.owners_how, "2 address spaces; [trampoline] 9c000; [poking_mm] 118000 ("))
		fail_msg("owners_how: %s", sp.owners_how);
	for (unsigned k = 0; k < 2; k++) {
		const struct ptw_space *s = ptw_spaces_find(&sp, pair + k * 0x1000);
		assert_non_null(s);
		assert_string_equal(s->name, "[poking_mm]");
		assert_int_equal(s->cid, -1);
		assert_int_equal(s->ppid, -1);
		assert_int_equal(s->owner_from, PTW_OWNER_LINUX_KSYMS);
		assert_false(s->found & PTW_FOUND_PROCLIST);
	}
	assert_null(ptw_spaces_find(&sp, 0x9c000));
	assert_string_equal(ptw_owner_from_name(PTW_OWNER_LINUX_KSYMS), "kallsyms");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&im.s);
}

/* VMCOREINFO found in the image `mem` both ways, at pa with release
 * (pa ~0: none): by the scan's pass in discovery (memory read once; on 1
 * and 2 threads, from memory and from a file read with pread), and by the
 * search on its own on first use when no scan ran. */
static void vmci_both_ways(const uint8_t *mem, size_t size, uint64_t pa,
			   const char *release)
{
	const char *path = write_file("vmci.raw", mem, size);
	for (unsigned way = 0; way < 5; way++) {
		ptw_dump *d;
		struct ptw_error e;
		if (way < 2)
			assert_int_equal(ptw_dump_open_memory(mem, size, &d, &e), 0);
		else
			assert_int_equal(ptw_dump_open(path, &d, &e), 0);
		/* Not searched at open: pending until a scan or a first use. */
		assert_true(ptw_dump_vmcoreinfo_pending(d));
		assert_int_equal(d->vmcoreinfo_pa, UINT64_MAX);
		if (way == 1 || way == 3) { /* on first use, then no search in the scan */
			assert_int_equal(ptw_dump_vmcoreinfo(d, NULL) != NULL, pa != UINT64_MAX);
			assert_false(ptw_dump_vmcoreinfo_pending(d));
		}
		struct ptw_discover_opts o = { .threads = way == 4 ? 2 : 1 };
		struct ptw_spaces sp;
		if (ptw_discover(d, &o, &sp, &e))
			fail_msg("discover: %s", e.msg);
		assert_int_equal(sp.scan.vmcoreinfo, way != 1 && way != 3);
		assert_false(ptw_dump_vmcoreinfo_pending(d));
		assert_int_equal(d->vmcoreinfo_pa, pa);
		char v[64];
		if (pa == UINT64_MAX) {
			assert_null(ptw_dump_vmcoreinfo(d, NULL));
		} else {
			assert_true(ptw_vmcoreinfo_get(d, "OSRELEASE", v, sizeof v));
			assert_string_equal(v, release);
		}
		ptw_spaces_free(&sp);
		ptw_dump_close(d);
	}
}

/* A raw image: VMCOREINFO from memory, this boot's copy preferred over a
 * stale one and the kernel's format strings. */
static void raw_vmcoreinfo_in_memory(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	/* init_top_pgt (ffffffff82600000) maps to itself: this boot's */
	gen_map(&im.s.g, im.s.kernel, 0xffffffff82600000ULL, im.s.kernel, 0x1000,
		PTW_RW | PTW_A | PTW_D | PTW_G | PTW_XD);
	static const char fmt[] = "OSRELEASE=%s\n\0BUILD-ID=%20phN\n\0PAGESIZE=%ld\n";
	gen_write(&im.s.g, FORMAT_PA, fmt, sizeof fmt);
	char stale[2048];
	snprintf(stale, sizeof stale, "%s", im.vmci);
	memcpy(strstr(stale, "6.1.0-ptfs-sample"), "5.1", 3); /* "5.1.0-ptfs-sample" */
	memcpy(strstr(stale, "init_top_pgt)=ffffffff826"), "init_top_pgt)=ffffffff827", 25);
	gen_write(&im.s.g, STALE_PA + 24, stale, strlen(stale) + 1);
	ptw_dump *d = open_raw(&im);
	assert_string_equal(ptw_dump_format(d), "raw");
	struct ptw_spaces sp;
	discover(d, &sp);
	assert_true(sp.scan.vmcoreinfo);
	assert_int_equal(d->vmcoreinfo_pa, VMCI_PA);
	char v[64];
	assert_true(ptw_vmcoreinfo_get(d, "OSRELEASE", v, sizeof v));
	assert_string_equal(v, "6.1.0-ptfs-sample");
	assert_int_equal(sp.mode->id, PTW_MODE_X64);
	assert_string_equal(sp.mode_how, "VMCOREINFO (x86-64 kernel, pgtable_l5_enabled=0)");
	assert_int_equal(sp.os, PTW_OS_LINUX);
	const struct ptw_space *s = ptw_spaces_find(&sp, im.s.proc[0]);
	assert_int_equal(s->cid, 1);
	assert_string_equal(s->name, "init");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	vmci_both_ways(im.s.g.mem, im.s.g.size, VMCI_PA, "6.1.0-ptfs-sample");

	/* Without this boot's copy, the first valid text serves. */
	memset(im.s.g.mem + VMCI_PA, 0, 4096);
	vmci_both_ways(im.s.g.mem, im.s.g.size, STALE_PA + 24, "5.1.0-ptfs-sample");

	/* None at all: the format string alone is no VMCOREINFO. */
	memset(im.s.g.mem + STALE_PA, 0, 4096);
	vmci_both_ways(im.s.g.mem, im.s.g.size, UINT64_MAX, NULL);
	scenario_free(&im.s);
}

/* The text across the boundary of the pass's 4 MiB chunks (and of two
 * pages), and in the bytes of a LiME range that are no whole page. */
static void vmcoreinfo_where_the_pass_cuts(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	size_t len = strlen(im.vmci) + 1;
	assert_true(len < 0xc00);
	/* 16 MiB: the scenario's 8, and the text across the end of the third
	 * chunk; 4096 pages and more are scanned on both threads. */
	const size_t big = 16u << 20;
	const uint64_t across = (12u << 20) - 4;
	assert_true(im.s.g.size <= across - 4096);
	uint8_t *mem = calloc(1, big);
	assert_non_null(mem);
	memcpy(mem, im.s.g.mem, im.s.g.size);
	memcpy(mem + across, im.vmci, len);
	vmci_both_ways(mem, big, across, "6.1.0-ptfs-sample");
	free(mem);

	/* LiME: [0, VMCI_PA + 0xc00) and the rest; the text lies after the
	 * first range's last whole page. */
	gen_write(&im.s.g, VMCI_PA, im.vmci, len);
	size_t size = im.s.g.size, cut = VMCI_PA + 0xc00;
	uint8_t *lime = calloc(1, size + 64);
	assert_non_null(lime);
	const uint64_t ranges[2][2] = { { 0, cut - 1 }, { cut, size - 1 } };
	size_t off = 0;
	for (unsigned r = 0; r < 2; r++) {
		uint8_t h[32] = { 0x45, 0x4d, 0x69, 0x4c, 1 };
		memcpy(h + 8, &ranges[r][0], 8);
		memcpy(h + 16, &ranges[r][1], 8);
		memcpy(lime + off, h, 32);
		off += 32;
		size_t n = (size_t)(ranges[r][1] - ranges[r][0] + 1);
		memcpy(lime + off, im.s.g.mem + ranges[r][0], n);
		off += n;
	}
	const char *path = write_file("vmci.lime", lime, off);
	for (unsigned way = 0; way < 2; way++) {
		ptw_dump *d;
		struct ptw_error e;
		assert_int_equal(way ? ptw_dump_open(path, &d, &e)
				     : ptw_dump_open_memory(lime, off, &d, &e), 0);
		assert_string_equal(ptw_dump_format(d), "lime");
		struct ptw_spaces sp;
		discover(d, &sp);
		assert_true(sp.scan.vmcoreinfo);
		assert_int_equal(d->vmcoreinfo_pa, VMCI_PA);
		assert_int_equal(sp.mode->id, PTW_MODE_X64);
		assert_non_null(ptw_spaces_find(&sp, im.s.proc[0]));
		ptw_spaces_free(&sp);
		ptw_dump_close(d);
	}
	free(lime);
	scenario_free(&im.s);
}

/* A link whose prev does not point back is reported, not fatal. */
static void prev_mismatch(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	gen_linux_putptr(&im.L, im.blob, im.L.task[2] + GEN_LINUX_TASK_TASKS + 8,
			 im.L.task[4] + GEN_LINUX_TASK_TASKS);
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	assert_int_equal(owners(&im, &o, how, sizeof how, &e), 0);
	assert_int_equal(o.n, 3);
	assert_non_null(strstr(how, "; 0 with an unreadable mm or bad pid, 1 links not pointing back)"));
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

/* ---- failures ----------------------------------------------------------------- */

/* Without VMCOREINFO, 32-bit x86 has no place to search kallsyms from;
 * x86-64 searches from __START_KERNEL_map (here the blob, aliased in the
 * text mapping, has the tables VMCOREINFO would name: no markers). */
static void no_vmcoreinfo(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-pae", NULL);
	im.vmci[0] = '\0';
	expect_failure(&im, "Linux task list: the dump has no VMCOREINFO (needed for kallsyms)");
	build(&im, "linux-x64", NULL);
	im.vmci[0] = '\0';
	expect_failure(&im, "Linux task list: no VMCOREINFO, and kallsyms not found in memory"
		       " (2.0 MiB from ffffffff80000000 read): 1 candidates, the first at"
		       " ffffffff81150137: no kallsyms_markers before the token table");
}

static void missing_vmcoreinfo_symbol(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	memcpy(strstr(im.vmci, "SYMBOL(kallsyms_names)"), "SYMBOL(kallsyms_nameZ)", 22);
	expect_failure(&im, "Linux task list: no SYMBOL(kallsyms_*) in VMCOREINFO (before 6.0), and"
			    " kallsyms not found in memory (");
}

static void absurd_num_syms(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	gen_linux_put32(&im.L, im.blob, im.L.num_syms, 0xffffffff);
	expect_failure(&im, "kallsyms_num_syms is 4294967295 (expected 1 to 4194304)");
}

/* More symbols claimed than kallsyms_names holds: decoding runs into
 * the zeros after it. */
static void truncated_names(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", "init_task");
	gen_linux_put32(&im.L, im.blob, im.L.num_syms, 4000000);
	expect_failure(&im, "has a compressed length of 0");
}

static void bad_btf_magic(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	at(&im, im.L.btf_start)[1] = 0xec;
	expect_failure(&im, "Linux task list: no BTF at __start_BTF (magic 0xec9f, not 0xeb9f)");
}

static void btf_header_too_long(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	gen_linux_put32(&im.L, im.blob, im.L.btf_start + 20, 0x7fffffff); /* str_len */
	expect_failure(&im, "does not fit its");
}

/* task_struct's anonymous union (around tasks) names type 9999. */
static void btf_bad_type_id(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	uint8_t *b = at(&im, im.L.btf_start);
	uint32_t tlen = (uint32_t)(b[12] | b[13] << 8 | b[14] << 16 | (uint32_t)b[15] << 24);
	/* find the member record (name 0, type 15, offset 0x40 * 8) */
	uint8_t rec[12] = { 0, 0, 0, 0, 15, 0, 0, 0, 0x00, 0x02, 0, 0 };
	uint8_t *m = memmem(b + 24, tlen, rec, sizeof rec);
	assert_non_null(m);
	m[4] = 0x0f, m[5] = 0x27; /* 9999 */
	expect_failure(&im, "Linux task list: BTF: task_struct has no member tasks");
}

static void btf_unknown_kind(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	at(&im, im.L.btf_start)[24 + 7] = 0x1f; /* type 1's kind: 31 */
	expect_failure(&im, "Linux task list: BTF type 1 has unknown kind 31 (known: 1 to 19,"
			    " BTF_KIND_INT to BTF_KIND_ENUM64)");
	/* the kind after ENUM64, on the last type (the real-mode header's
	 * neighbour, 35): the types before it parse, this one stops it */
	build(&im, "linux-x64", NULL);
	uint8_t *b = at(&im, im.L.btf_start);
	uint32_t tlen = (uint32_t)(b[12] | b[13] << 8 | b[14] << 16 | (uint32_t)b[15] << 24);
	b[24 + tlen - 16 + 7] = 20; /* type 35: an INT, 12 + 4 bytes, the last */
	expect_failure(&im, "Linux task list: BTF type 35 has unknown kind 20 (known: 1 to 19,"
			    " BTF_KIND_INT to BTF_KIND_ENUM64)");
}

/* ---- broken lists: what comes before the break is kept ------------------------- */

/* Succeeds with records for the cids in want (swapper first) and a how
 * line containing the break's description. */
static void expect_partial(struct img *im, const char *broke, const int64_t *want,
			   size_t n)
{
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	assert_int_equal(owners(im, &o, how, sizeof how, &e), 0);
	if (!strstr(how, broke))
		fail_msg("want '%s' in '%s'", broke, how);
	assert_int_equal(o.n, n);
	for (size_t i = 0; i < n; i++)
		by_cid(&o, want[i]);
	ptw_owners_free(&o);
	scenario_free(&im->s);
}

static const int64_t all_three[] = { 0, 1, 100 };

static void task_loop(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	/* the last task leads back to the second, not to init_task */
	gen_linux_putptr(&im.L, im.blob, im.L.task[4] + GEN_LINUX_TASK_TASKS,
			 im.L.task[1] + GEN_LINUX_TASK_TASKS);
	char want[256];
	snprintf(want, sizeof want,
		 "Linux task list: 5 processes, 3 address spaces; the list breaks after 5 entries,"
		 " at task_struct %llx: walked already: a loop that misses init_task;"
		 " 0 processes found walking back from init_task (",
		 (unsigned long long)im.L.task[1]);
	expect_partial(&im, want, all_three, 3);
}

/* Broken at the first entry: walking back from init_task finds the rest. */
static void task_self_loop(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	gen_linux_putptr(&im.L, im.blob, im.L.task[0] + GEN_LINUX_TASK_TASKS,
			 im.L.task[0] + GEN_LINUX_TASK_TASKS);
	char want[256];
	snprintf(want, sizeof want,
		 "Linux task list: 5 processes, 3 address spaces; the list breaks after 1 entries,"
		 " at task_struct %llx: walked already: a loop that misses init_task;"
		 " 4 processes found walking back from init_task (",
		 (unsigned long long)im.L.task[0]);
	expect_partial(&im, want, all_three, 3);
}

static void task_unreadable(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	gen_linux_putptr(&im.L, im.blob, im.L.task[1] + GEN_LINUX_TASK_TASKS,
			 0xffff900000000000ULL);
	expect_partial(&im, "; the list breaks after 2 entries, at task_struct ffff8fffffffffc0:"
			    " cannot read it; 3 processes found walking back from init_task (",
		       all_three, 3);
}

/* Both ways cut right after init: init and swapper only. */
static void task_cut_both_ways(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	gen_linux_putptr(&im.L, im.blob, im.L.task[0] + GEN_LINUX_TASK_TASKS,
			 0xffff900000000000ULL);
	gen_linux_putptr(&im.L, im.blob, im.L.init_task + GEN_LINUX_TASK_TASKS + 8,
			 0xffff900000000000ULL);
	const int64_t want[] = { 0, 1 };
	expect_partial(&im, "Linux task list: 1 processes, 2 address spaces; the list breaks after 1"
			    " entries, at task_struct ffff8fffffffffc0: cannot read it; 0 processes"
			    " found walking back from init_task (", want, 2);
}

/* init_task alone on its list: swapper only, and no break. */
static void init_task_alone(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	gen_linux_putptr(&im.L, im.blob, im.L.init_task + GEN_LINUX_TASK_TASKS,
			 im.L.init_task + GEN_LINUX_TASK_TASKS);
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	assert_int_equal(owners(&im, &o, how, sizeof how, &e), 0);
	assert_int_equal(o.n, 1);
	assert_non_null(strstr(how, "Linux task list: 0 processes, 1 address spaces ("));
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

/* The leader of alpha-daemon (100) exited; its second thread (101) runs on
 * with the mm: the process is still 100, named by the leader's comm. */
static void leader_exited(void **state)
{
	(void)state;
	struct img im;
	memset(&im, 0, sizeof im);
	assert_true(scenario_build("linux-x64", &im.s));
	set_tasks(im.tasks, DIRECT_X64, &im.s);
	im.tasks[2].leader_exited = true;
	im.tasks[3] = (struct gen_linux_task){ .pid = 300, .parent = 2, .comm = "zombie" };
	im.mode = ptw_mode_get(PTW_MODE_X64);
	im.L = (struct gen_linux){ .va = DIRECT_X64 + BLOB_PA, .ptr = 8, .tasks = im.tasks,
				   .ntasks = 5 };
	im.blob = im.s.g.mem + BLOB_PA;
	assert_true(gen_linux_build(&im.L, im.blob, STALE_PA - BLOB_PA));
	snprintf(im.vmci, sizeof im.vmci, "%s", im.s.elf.vmcoreinfo);
	gen_linux_vmcoreinfo(&im.L, im.vmci, sizeof im.vmci);
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	assert_int_equal(owners(&im, &o, how, sizeof how, &e), 0);
	assert_int_equal(o.n, 3);
	check_owner(&o, 100, 1, "alpha-daemon-lo", im.s.proc[1], im.s.user[1],
		    im.L.task[2]);
	for (size_t i = 0; i < o.n; i++)
		assert_int_not_equal(o.v[i].cid, 300);
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

/* Through discovery the reason lands in owners_how; spaces stay unowned. */
static void failure_in_discovery(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", NULL);
	at(&im, im.L.btf_start)[0] = 0;
	ptw_dump *d = open_raw(&im);
	struct ptw_spaces sp;
	discover(d, &sp);
	assert_string_equal(sp.owners_how,
			    "Linux task list: no BTF at __start_BTF (magic 0xeb00, not 0xeb9f)");
	for (size_t i = 0; i < sp.n; i++)
		assert_int_equal(sp.v[i].owner_from, PTW_OWNER_NONE);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&im.s);
}

/* ---- without CONFIG_KALLSYMS_ALL: the kernel image scanned ------------------------- */

/* Succeeds: what owners() gives, with how; fails the test otherwise. */
static void run_owners(struct img *im, struct ptw_owners *o, char *how, size_t howsz)
{
	struct ptw_error e = {0};
	if (owners(im, o, how, howsz, &e))
		fail_msg("%s", e.msg);
}

/* The same records, field by field, as the kernel with full kallsyms
 * gives (built alike). */
static void same_records(const struct ptw_owners *got, const char *scen)
{
	struct img full;
	build(&full, scen, NULL);
	struct ptw_owners want;
	char how[512];
	run_owners(&full, &want, how, sizeof how);
	assert_int_equal(got->n, want.n);
	for (size_t i = 0; i < want.n; i++) {
		const struct ptw_owner *w = &want.v[i], *g = by_cid(got, w->cid);
		assert_int_equal(g->ppid, w->ppid);
		/* (the kernel's own is named by init_task's comm, which a
		 * test may have changed) */
		if (w->cid != 0 || !strcmp(g->name, "swapper/0"))
			assert_string_equal(g->name, w->name);
		assert_int_equal(g->dirbase, w->dirbase);
		assert_int_equal(g->user_dirbase, w->user_dirbase);
		assert_int_equal(g->object, w->object);
	}
	ptw_owners_free(&want);
	scenario_free(&full.s);
}

/* how, as a scan that found the BTF at btf and init_task (named comm) at
 * task says it (0: the one kallsyms gave), with nsyms symbols in kallsyms. */
static void scanned_how(char *buf, size_t n, unsigned nsyms, uint64_t btf,
			uint64_t task, const char *comm)
{
	char b[96] = "", t[128] = "";
	if (btf)
		snprintf(b, sizeof b, " found by scanning the kernel image at %llx",
			 (unsigned long long)btf);
	if (task)
		snprintf(t, sizeof t,
			 ", init_task %llx found by scanning the kernel image for %s (BTF layout)",
			 (unsigned long long)task, comm);
	snprintf(buf, n, "Linux task list: 5 processes, 3 address spaces (kallsyms %u symbols from VMCOREINFO,"
		 " BTF 0.0 MiB%s%s; task_struct tasks 0x40 pid 0x80 comm 0xc0 mm 0x98,"
		 " mm_struct pgd 0x48)", nsyms, b, t);
}

/* Owners as with full kallsyms, and how naming what was scanned for. */
static void expect_scanned(struct img *im, const char *scen, unsigned nsyms,
			   bool btf, bool task, const char *comm)
{
	struct ptw_owners o;
	char how[512], want[512];
	run_owners(im, &o, how, sizeof how);
	same_records(&o, scen);
	/* the kernel's table is named by init_task's comm */
	if (comm)
		assert_string_equal(by_cid(&o, 0)->name, comm);
	scanned_how(want, sizeof want, nsyms, btf ? im->L.btf_start : 0,
		    task ? im->L.init_task : 0, comm);
	assert_string_equal(how, want);
	ptw_owners_free(&o);
	scenario_free(&im->s);
}

static void text_only(void **state)
{
	(void)state;
	static const char *const scen[2] = { "linux-x64", "linux-pae" };
	for (unsigned i = 0; i < 2; i++) {
		struct img im;
		build_text_only(&im, scen[i]);
		expect_scanned(&im, scen[i], 3, true, true, "swapper/0");
	}
}

/* Each missing alone is scanned for alone; the other comes from kallsyms. */
static void only_init_task_missing(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", "init_task");
	expect_scanned(&im, "linux-x64", 7, false, true, "swapper/0");
}

static void only_btf_missing(void **state)
{
	(void)state;
	struct img im;
	build(&im, "linux-x64", "__stop_BTF");
	expect_scanned(&im, "linux-x64", 7, true, false, NULL);
}

/* The idle task has not renamed itself yet: init_task is "swapper". */
static void swapper_unrenamed(void **state)
{
	(void)state;
	struct img im;
	build_text_only(&im, "linux-x64");
	memcpy(at(&im, im.L.init_task + GEN_LINUX_TASK_COMM), "swapper\0\0", 10);
	expect_scanned(&im, "linux-x64", 3, true, true, "swapper");
}

/* n bytes of free room, 64-aligned, between kallsyms and the BTF (which
 * gen_linux puts on the next page). */
static uint64_t room(const struct img *im, size_t n)
{
	uint64_t va = (im->L.token_index + 512 + 63) & ~63ULL;
	assert_true(va + n <= im->L.btf_start);
	return va;
}

/* A BTF of one type record of kind (with no trailer: 2 is a pointer) and
 * the string section "\0x\0\0". */
static void put_btf(struct img *im, uint64_t va, uint8_t kind)
{
	uint8_t b[24 + 12 + 4] = { 0x9f, 0xeb, 1, 0, 24 };
	b[12] = 12, b[16] = 12, b[20] = 4;          /* types 0+12, strings 12+4 */
	b[24 + 7] = kind;                           /* info: kind << 24 */
	b[24 + 12 + 1] = 'x';
	memcpy(at(im, va), b, sizeof b);
}

/* Headers before the kernel's: one not laid out as the kernel's is (strings
 * not right after the types), one running past memory, one of an unknown
 * kind, one with no task_struct.  The kernel's own comes after them. */
static void put_btf_decoys(struct img *im, uint64_t va)
{
	put_btf(im, va, 2);
	gen_linux_put32(&im->L, im->blob, va + 16, 16);
	put_btf(im, va + 64, 2);
	gen_linux_put32(&im->L, im->blob, va + 64 + 12, 60u << 20);
	gen_linux_put32(&im->L, im->blob, va + 64 + 16, 60u << 20);
	put_btf(im, va + 128, 31);
	put_btf(im, va + 192, 2);
}

/* Failures name what kallsyms lacks and what the scan did. */
static void scan_failure(struct img *im, const char *missing, const char *scan)
{
	char want[256];
	snprintf(want, sizeof want, "Linux task list: kallsyms (3 symbols) has no %s; the"
		 " kernel image from %llx (", missing, (unsigned long long)im->L.va);
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	assert_int_equal(owners(im, &o, how, sizeof how, &e), PTW_ERR_NOT_FOUND);
	if (strncmp(e.msg, want, strlen(want)) || !strstr(e.msg, scan))
		fail_msg("want '%s...%s', got '%s'", want, scan, e.msg);
	assert_int_equal(o.n, 0);
	scenario_free(&im->s);
}

/* The kernel's BTF gone: the headers tried are counted, the last's fault
 * said. */
static void btf_not_found(void **state)
{
	(void)state;
	struct img im;
	build_text_only(&im, "linux-x64");
	put_btf_decoys(&im, room(&im, 256));
	at(&im, im.L.btf_start)[0] = 0;
	scan_failure(&im, "__start_BTF, __stop_BTF (needs CONFIG_DEBUG_INFO_BTF)",
		     "MiB read) holds no BTF with task_struct (2 tried; the last: BTF has no"
		     " struct task_struct)");
}

/* A task_struct at va: comm, pid (and tgid), tasks links. */
static void put_task(struct img *im, uint64_t va, const char *comm, uint32_t pid,
		     uint64_t next, uint64_t prev)
{
	memcpy(at(im, va + GEN_LINUX_TASK_COMM), comm, strlen(comm) + 1);
	gen_linux_put32(&im->L, im->blob, va + GEN_LINUX_TASK_PID, pid);
	gen_linux_put32(&im->L, im->blob, va + GEN_LINUX_TASK_TGID, pid);
	gen_linux_putptr(&im->L, im->blob, va + GEN_LINUX_TASK_TASKS, next);
	gen_linux_putptr(&im->L, im->blob, va + GEN_LINUX_TASK_TASKS + im->L.ptr, prev);
}

/* Swapper task_structs before init_task that are not it: links into the
 * list that do not lead back, links to itself but pid 5, and one (pid 0,
 * linked to itself) not 64-byte aligned. */
static void put_swapper_decoys(struct img *im, uint64_t va)
{
	uint64_t tasks = GEN_LINUX_TASK_TASKS;
	put_task(im, va, "swapper/0", 0, im->L.task[0] + tasks, im->L.task[4] + tasks);
	put_task(im, va + 0x100, "swapper/0", 5, va + 0x100 + tasks, va + 0x100 + tasks);
	put_task(im, va + 0x220, "swapper/0", 0, va + 0x220 + tasks, va + 0x220 + tasks);
}

/* Both kinds of decoys before the real ones: skipped. */
static void decoys_skipped(void **state)
{
	(void)state;
	struct img im;
	build_text_only(&im, "linux-x64");
	uint64_t va = room(&im, 256 + 0x320);
	put_btf_decoys(&im, va);
	put_swapper_decoys(&im, va + 256);
	expect_scanned(&im, "linux-x64", 3, true, true, "swapper/0");
}

static void init_task_not_found(void **state)
{
	(void)state;
	struct img im;
	build_text_only(&im, "linux-x64");
	put_swapper_decoys(&im, room(&im, 0x320));
	memcpy(at(&im, im.L.init_task + GEN_LINUX_TASK_COMM), "swapper/1", 10);
	scan_failure(&im, "init_task (needs CONFIG_KALLSYMS_ALL)",
		     "MiB read) holds no swapper task_struct with pid 0 and tasks linked back"
		     " to it (2 tried)");
}

/* VMCOREINFO's _stext is where the scan starts (kallsyms' _text is not
 * needed); start so that the BTF header's first 8 bytes, then init_task's
 * comm, lie across the scan's first two 64 KiB chunks. */
static void stext_from_vmcoreinfo(void **state)
{
	(void)state;
	const struct { const char *omit; bool text_only; uint64_t cut; } c[2] = {
		{ "_text", true, 4 },
		{ "init_task", false, 0x1000 + GEN_LINUX_TASK_COMM + 5 },
	};
	for (unsigned i = 0; i < 2; i++) {
		struct img im;
		build_kernel(&im, "linux-x64", c[i].omit, c[i].text_only);
		uint64_t base = i == 0 ? im.L.btf_start : im.L.init_task - 0x1000;
		size_t len = strlen(im.vmci);
		snprintf(im.vmci + len, sizeof im.vmci - len, "SYMBOL(_stext)=%llx\n",
			 (unsigned long long)(base + c[i].cut - 65536));
		expect_scanned(&im, "linux-x64", i == 0 ? 2 : 7, i == 0, true, "swapper/0");
	}
}

/* Unmapped VA before the image is stepped over by the entries that leave
 * it unmapped; 16 MiB of it in a row end the scan. */
static void scan_over_unmapped(void **state)
{
	(void)state;
	struct img im;
	build_text_only(&im, "linux-x64");
	size_t len = strlen(im.vmci);
	snprintf(im.vmci + len, sizeof im.vmci - len, "SYMBOL(_stext)=%llx\n",
		 (unsigned long long)(DIRECT_X64 - (1u << 20)));
	expect_scanned(&im, "linux-x64", 3, true, true, "swapper/0");

	build_text_only(&im, "linux-x64");
	snprintf(im.vmci + len, sizeof im.vmci - len, "SYMBOL(_stext)=%llx\n",
		 (unsigned long long)(DIRECT_X64 - (16u << 20)));
	expect_failure(&im, "; the kernel image from ffff887fff000000 (0.0 MiB read) holds no"
			    " BTF with task_struct (0 tried)");
}

static void no_image_start(void **state)
{
	(void)state;
	struct img im;
	build_kernel(&im, "linux-x64", "_text", true);
	expect_failure(&im, "Linux task list: kallsyms (2 symbols) has no __start_BTF, __stop_BTF"
			    " (needs CONFIG_DEBUG_INFO_BTF), and neither VMCOREINFO nor kallsyms"
			    " has _stext or _text to scan the kernel image from");
}

/* Through discovery, the raw image: owners_how says what was scanned. */
static void text_only_in_discovery(void **state)
{
	(void)state;
	struct img im;
	build_text_only(&im, "linux-x64");
	ptw_dump *d = open_raw(&im);
	struct ptw_spaces sp;
	discover(d, &sp);
	discovered_daemon(&sp, &im, "found by scanning the kernel image for swapper/0");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&im.s);
}

/* ---- a raw image without VMCOREINFO (x86-64) ------------------------------------- */

/* The blob where linux-x64's text mapping (ffffffff81000000 -> 200000,
 * 2 MiB) has BLOB_PA: the kernel's data in its image. */
#define NOVMCI_TEXT (0xffffffff81000000ULL + BLOB_PA - 0x200000)
#define NOVMCI_PGT  0xffffffff82600000ULL  /* init_top_pgt */

/* linux-x64 with the kernel's data in its image mapping (where the
 * search from __START_KERNEL_map finds kallsyms: _text at NOVMCI_TEXT,
 * KASLR offset 150000), 600 more code symbols (three markers), kallsyms' init_top_pgt at pgt_va (0: none)
 * mapping pgt_pa, and no VMCOREINFO anywhere: memory as a raw image. */
static ptw_dump *build_novmci(struct img *im, uint64_t pgt_va, uint64_t pgt_pa)
{
	memset(im, 0, sizeof *im);
	assert_true(scenario_build("linux-x64", &im->s));
	im->mode = ptw_mode_get(PTW_MODE_X64);
	set_tasks(im->tasks, DIRECT_X64, &im->s);
	im->L = (struct gen_linux){
		.va = NOVMCI_TEXT, .ptr = 8, .tasks = im->tasks, .ntasks = 5,
		.era = GEN_LINUX_ERA_6_2, .fillers = 600, .init_top_pgt = pgt_va,
	};
	im->blob = im->s.g.mem + BLOB_PA;
	const uint64_t bits = PTW_RW | PTW_A | PTW_D | PTW_G | PTW_XD;
	if (pgt_va)
		gen_map(&im->s.g, im->s.kernel, pgt_va, pgt_pa, 0x1000, bits);
	assert_true(im->s.g.next <= BLOB_PA); /* the new table is below the blob */
	assert_true(gen_linux_build(&im->L, im->blob, STALE_PA - BLOB_PA));
	ptw_dump *d;
	struct ptw_error e;
	assert_int_equal(ptw_dump_open_memory(im->s.g.mem, im->s.g.size, &d, &e), 0);
	assert_null(ptw_dump_vmcoreinfo(d, NULL));
	return d;
}

/* owners_how up to what says the kernel's own table. */
static void novmci_how(const struct img *im, char *buf, size_t n, unsigned spaces,
		       const char *kernel)
{
	snprintf(buf, n,
		 "Linux task list: 5 processes, %u address spaces (kallsyms %u symbols found in"
		 " memory at %llx, layout 6.2-6.3 (seqs_of_names before the token table),"
		 " 2.0 MiB of the image read, BTF 0.0 MiB; task_struct tasks 0x40 pid 0x80 comm"
		 " 0xc0 mm 0x98, mm_struct pgd 0x48); KASLR offset 150000 (kallsyms' _text"
		 " ffffffff81150000 - ffffffff81000000); %s; kernel read through 100000 (no kernel"
		 " page table named by VMCOREINFO or a dump header: the lowest DirBase sharing"
		 " the kernel half)",
		 spaces, im->L.nsyms, (unsigned long long)im->L.token_table, kernel);
}

static void check_space(const struct ptw_spaces *sp, uint64_t dirbase, int64_t cid,
			int64_t ppid, const char *name)
{
	const struct ptw_space *s = ptw_spaces_find(sp, dirbase);
	assert_non_null(s);
	assert_int_equal(s->cid, cid);
	assert_int_equal(s->ppid, ppid);
	assert_string_equal(s->name, name);
	assert_int_equal(s->owner_from, PTW_OWNER_LINUX_TASKS);
	assert_int_equal(s->found & (PTW_FOUND_KSHARED | PTW_FOUND_PROCLIST),
			 PTW_FOUND_KSHARED | PTW_FOUND_PROCLIST);
}

/* Discovery reads the kernel through the lowest table sharing the kernel
 * half (here the kernel's own, 100000, as in a real dump it may be the
 * trampoline's); the kernel's own table is init_top_pgt's PA, named only
 * when discovery found it -- never the table read through. */
static void raw_without_vmcoreinfo(void **state)
{
	(void)state;
	struct img im;
	struct ptw_spaces sp;
	char want[1024];
	/* init_top_pgt maps the kernel's table: cid 0, swapper/0 */
	ptw_dump *d = build_novmci(&im, NOVMCI_PGT, 0x100000);
	discover(d, &sp);
	assert_int_equal(sp.os, PTW_OS_LINUX);
	novmci_how(&im, want, sizeof want, 3, "kernel table init_top_pgt 100000");
	assert_string_equal(sp.owners_how, want);
	assert_int_equal(sp.n, 5);
	check_space(&sp, im.s.kernel, 0, 0, "swapper/0");
	check_space(&sp, im.s.proc[0], 1, 0, "init");
	check_space(&sp, im.s.proc[1], 100, 1, "alpha-daemon-lo");
	assert_int_equal(ptw_spaces_find(&sp, im.s.user[1])->cid, 100);
	assert_false(ptw_spaces_find(&sp, im.s.kernel)->found & PTW_FOUND_VMCOREINFO);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&im.s);

	/* no init_top_pgt in kallsyms: the table read through stays unnamed */
	d = build_novmci(&im, 0, 0);
	discover(d, &sp);
	novmci_how(&im, want, sizeof want, 2, "kallsyms has no init_top_pgt (needs"
		   " CONFIG_KALLSYMS_ALL): the kernel's own table unnamed");
	assert_string_equal(sp.owners_how, want);
	assert_int_equal(sp.n, 5);
	const struct ptw_space *k = ptw_spaces_find(&sp, im.s.kernel);
	assert_int_equal(k->owner_from, PTW_OWNER_NONE);
	assert_string_equal(k->name, "");
	check_space(&sp, im.s.proc[0], 1, 0, "init");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&im.s);

	/* init_top_pgt at a page discovery did not find: named nowhere, no
	 * space added */
	d = build_novmci(&im, NOVMCI_PGT, FORMAT_PA);
	discover(d, &sp);
	novmci_how(&im, want, sizeof want, 3, "kernel table init_top_pgt 3d0000");
	assert_string_equal(sp.owners_how, want);
	assert_int_equal(sp.n, 5);
	assert_null(ptw_spaces_find(&sp, FORMAT_PA));
	assert_int_equal(ptw_spaces_find(&sp, im.s.kernel)->owner_from, PTW_OWNER_NONE);
	check_space(&sp, im.s.proc[1], 100, 1, "alpha-daemon-lo");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&im.s);
}

/* Read through another's table on 32-bit x86: no place to search
 * kallsyms from without VMCOREINFO, said plainly. */
static void via_not_x64(void **state)
{
	(void)state;
	struct scenario s;
	assert_true(scenario_build("linux-pae", &s));
	ptw_dump *d;
	struct ptw_error e = {0};
	assert_int_equal(ptw_dump_open_memory(s.g.mem, s.g.size, &d, &e), 0);
	struct ptw_space k;
	assert_int_equal(ptw_space_init(&k, d, ptw_mode_get(PTW_MODE_PAE), s.kernel, NULL), 0);
	struct ptw_owners o = {0};
	char how[64] = "";
	assert_int_equal(ptw_owners_linux_via(&k, &o, how, sizeof how, &e), PTW_ERR_NOT_FOUND);
	assert_string_equal(e.msg, "Linux task list: no kernel page table named by VMCOREINFO,"
			    " and only x86-64 kernels are read through a process's table");
	assert_int_equal(o.n, 0);
	ptw_dump_close(d);
	scenario_free(&s);
}

/* ---- kallsyms found in memory (kallsyms_find.c) ------------------------------------- */

/* A kernel of era `era` (fillers more code symbols) whose VMCOREINFO
 * names no kallsyms table, only _stext: the blob's start, where the
 * search begins. */
static void build_era(struct img *im, const char *scen, enum gen_linux_era era,
		      unsigned fillers, bool text_only)
{
	memset(im, 0, sizeof *im);
	assert_true(scenario_build(scen, &im->s));
	bool pae = strcmp(scen, "linux-pae") == 0;
	uint64_t direct = pae ? DIRECT_PAE : DIRECT_X64;
	im->mode = ptw_mode_get(pae ? PTW_MODE_PAE : PTW_MODE_X64);
	set_tasks(im->tasks, direct, &im->s);
	im->L = (struct gen_linux){
		.va = direct + BLOB_PA, .ptr = pae ? 4 : 8, .tasks = im->tasks,
		.ntasks = 5, .era = era, .fillers = fillers, .text_only = text_only,
	};
	im->blob = im->s.g.mem + BLOB_PA;
	assert_true(gen_linux_build(&im->L, im->blob, STALE_PA - BLOB_PA));
	snprintf(im->vmci, sizeof im->vmci, "%sSYMBOL(_stext)=%llx\n", im->s.elf.vmcoreinfo,
		 (unsigned long long)im->L.va);
}

/* The layout the finder reports for an era (a 32-bit 4.18's pointer-sized
 * counts are u32, as 4.20's; with one marker, a u64 0 and a u64 count
 * below 2^32 read as 4.20's u32 ones and their padding, and decode alike). */
static const char *era_layout(enum gen_linux_era era, bool pae, unsigned fillers)
{
	switch (era) {
	case GEN_LINUX_ERA_4_18:
		return pae || !fillers ? "4.20-6.1" : "4.6-4.19 (u64 num_syms and markers)";
	case GEN_LINUX_ERA_6_1: return "6.1 (two-byte name lengths)";
	case GEN_LINUX_ERA_6_2: return "6.2-6.3 (seqs_of_names before the token table)";
	case GEN_LINUX_ERA_6_4: return "6.4 on (offsets after the token index)";
	case GEN_LINUX_ERA_7_0: return "7.0 on (offsets last, place-relative)";
	default: return "4.20-6.1";
	}
}

/* The records x64_records checks, at this image's addresses. */
static void era_records(const struct ptw_owners *o, const struct img *im)
{
	assert_int_equal(o->n, 3);
	check_owner(o, 0, 0, "swapper/0", im->s.kernel, 0, im->L.init_task);
	check_owner(o, 1, 0, "init", im->s.proc[0], im->s.user[0], im->L.task[0]);
	check_owner(o, 100, 1, "alpha-daemon-lo", im->s.proc[1], im->s.user[1], im->L.task[2]);
}

/* Records equal field by field. */
static void equal_records(const struct ptw_owners *a, const struct ptw_owners *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct ptw_owner *x = &a->v[i], *y = by_cid(b, x->cid);
		assert_int_equal(x->ppid, y->ppid);
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->dirbase, y->dirbase);
		assert_int_equal(x->user_dirbase, y->user_dirbase);
		assert_int_equal(x->object, y->object);
	}
}

/* Found in memory: the records, and how saying where and which layout. */
static void expect_found(const char *scen, enum gen_linux_era era, unsigned fillers)
{
	struct img im;
	build_era(&im, scen, era, fillers, false);
	bool pae = strcmp(scen, "linux-pae") == 0;
	struct ptw_owners o;
	char how[512], want[256];
	run_owners(&im, &o, how, sizeof how);
	era_records(&o, &im);
	snprintf(want, sizeof want, "(kallsyms %u symbols found in memory at %llx, layout %s, ",
		 im.L.nsyms, (unsigned long long)im.L.token_table, era_layout(era, pae, fillers));
	if (!strstr(how, want) || !strstr(how, " MiB of the image read, BTF 0.0 MiB; task_struct"))
		fail_msg("%s %s: how is '%s', want '%s'", scen, gen_linux_era_name(era), how, want);
	/* VMCOREINFO's lines, when the era could have them, give the same */
	if (era != GEN_LINUX_ERA_7_0) {
		gen_linux_vmcoreinfo(&im.L, im.vmci, sizeof im.vmci);
		struct ptw_owners v;
		run_owners(&im, &v, how, sizeof how);
		assert_non_null(strstr(how, "symbols from VMCOREINFO, BTF"));
		equal_records(&o, &v);
		ptw_owners_free(&v);
	}
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

static void found_each_era(void **state)
{
	(void)state;
	static const char *const scen[2] = { "linux-x64", "linux-pae" };
	for (unsigned i = 0; i < 2; i++)
		for (unsigned e = GEN_LINUX_ERA_4_18; e < GEN_LINUX_ERAS; e++)
			expect_found(scen[i], (enum gen_linux_era)e, 600);
}

/* 256 symbols or fewer: one marker, 0. */
static void found_one_marker(void **state)
{
	(void)state;
	expect_found("linux-x64", GEN_LINUX_ERA_5_10, 0);
	expect_found("linux-x64", GEN_LINUX_ERA_4_18, 0);
	expect_found("linux-pae", GEN_LINUX_ERA_6_4, 0);
}

/* Without CONFIG_KALLSYMS_ALL (no linux_banner): _text alone checks it,
 * and the image scan finds the rest. */
static void found_text_only(void **state)
{
	(void)state;
	struct img im;
	build_era(&im, "linux-x64", GEN_LINUX_ERA_5_10, 600, true);
	struct ptw_owners o;
	char how[512];
	run_owners(&im, &o, how, sizeof how);
	era_records(&o, &im);
	assert_non_null(strstr(how, "(kallsyms 602 symbols found in memory at "));
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

#define NOT_IN_VMCI "Linux task list: no SYMBOL(kallsyms_*) in VMCOREINFO (before 6.0), and" \
	" kallsyms not found in memory ("

/* The failure message, its start and a part naming the reason. */
static void expect_not_found(struct img *im, const char *why)
{
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	int rc = owners(im, &o, how, sizeof how, &e);
	if (rc != PTW_ERR_NOT_FOUND || strncmp(e.msg, NOT_IN_VMCI, strlen(NOT_IN_VMCI)) ||
	    !strstr(e.msg, why))
		fail_msg("want a failure saying '%s', got rc %d: '%s'", why, rc, e.msg);
	assert_int_equal(o.n, 0);
	scenario_free(&im->s);
}

/* The offset of token c in the token table. */
static uint16_t token_off(struct img *im, unsigned c)
{
	uint8_t *ix = at(im, im->L.token_index) + 2 * c;
	return (uint16_t)(ix[0] | ix[1] << 8);
}

static void find_no_token_table(void **state)
{
	(void)state;
	struct img im;
	build_era(&im, "linux-x64", GEN_LINUX_ERA_5_10, 600, false);
	*at(&im, im.L.token_table + token_off(&im, '5')) = 'S';
	expect_not_found(&im, " MiB from ffff888000350000 read): no token table (no \"0\"..\"9\""
			      " tokens)");
}

static void find_bad_token_index(void **state)
{
	(void)state;
	struct img im;
	char why[160];
	build_era(&im, "linux-x64", GEN_LINUX_ERA_5_10, 600, false);
	at(&im, im.L.token_index)[2 * 0x10] ^= 1;
	snprintf(why, sizeof why, "read): 1 candidates, the first at %llx:"
		 " kallsyms_token_index disagrees with tokens before '0'",
		 (unsigned long long)(im.L.token_table + token_off(&im, '0')));
	expect_not_found(&im, why);

	build_era(&im, "linux-pae", GEN_LINUX_ERA_6_4, 600, false);
	at(&im, im.L.token_index)[2 * 0x90] ^= 1;
	expect_not_found(&im, ": no kallsyms_token_index after the tokens");
}

static void find_markers_disagree(void **state)
{
	(void)state;
	static const enum gen_linux_era eras[3] = {
		GEN_LINUX_ERA_4_18, GEN_LINUX_ERA_5_10, GEN_LINUX_ERA_6_4,
	};
	for (unsigned i = 0; i < 3; i++) {
		struct img im;
		build_era(&im, "linux-x64", eras[i], 600, false);
		at(&im, im.L.markers + (eras[i] == GEN_LINUX_ERA_4_18 ? 8 : 4))[0] += 4;
		expect_not_found(&im, ": kallsyms_names do not meet kallsyms_markers");
	}
}

static void find_absurd_num_syms(void **state)
{
	(void)state;
	static const uint32_t n[2] = { 100000, 0 };
	for (unsigned i = 0; i < 2; i++) {
		struct img im;
		build_era(&im, "linux-x64", GEN_LINUX_ERA_5_10, 600, false);
		gen_linux_put32(&im.L, im.blob, im.L.num_syms, n[i]);
		expect_not_found(&im, ": no kallsyms_num_syms before names fits the markers' count");
	}
}

/* Offsets that decode _text outside the image, a linux_banner that is not
 * the banner. */
static void find_bad_offsets(void **state)
{
	(void)state;
	struct img im;
	build_era(&im, "linux-x64", GEN_LINUX_ERA_5_10, 600, false);
	gen_linux_putptr(&im.L, im.blob, im.L.relative_base, 0xffffffff81000000ULL);
	expect_not_found(&im, ": no kallsyms_offsets decode _text/_stext (and linux_banner) right");

	build_era(&im, "linux-x64", GEN_LINUX_ERA_6_4, 600, false);
	*at(&im, im.L.banner) = 'l';
	expect_not_found(&im, ": no kallsyms_offsets decode _text/_stext (and linux_banner) right");
}

/* Where the search starts without SYMBOL(_stext): x86-64's
 * __START_KERNEL_map moved by KERNELOFFSET; nowhere on 32-bit.  (The
 * scenario's kernel map shows the blob again, but its relative_base is a
 * direct-map address: the table is not the image's, and is rejected.) */
static void find_without_stext(void **state)
{
	(void)state;
	struct img im;
	build_era(&im, "linux-x64", GEN_LINUX_ERA_5_10, 600, false);
	snprintf(im.vmci, sizeof im.vmci, "%sKERNELOFFSET=1000000\n", im.s.elf.vmcoreinfo);
	expect_not_found(&im, "(2.0 MiB from ffffffff81000000 read): 1 candidates, the first at"
			      " ffffffff81152870: no kallsyms_offsets decode _text/_stext (and"
			      " linux_banner) right");

	build_era(&im, "linux-x64", GEN_LINUX_ERA_5_10, 600, false);
	snprintf(im.vmci, sizeof im.vmci, "%s", im.s.elf.vmcoreinfo);
	expect_not_found(&im, "(2.0 MiB from ffffffff80000000 read): 1 candidates, the first at"
			      " ffffffff81152870: no kallsyms_offsets decode _text/_stext (and"
			      " linux_banner) right");

	build_era(&im, "linux-pae", GEN_LINUX_ERA_5_10, 600, false);
	snprintf(im.vmci, sizeof im.vmci, "%s", im.s.elf.vmcoreinfo);
	expect_failure(&im, "Linux task list: VMCOREINFO has no SYMBOL(kallsyms_names) (kernel before"
			    " 6.0, or no CONFIG_KALLSYMS), and it has no SYMBOL(_stext) to search the"
			    " kernel image from");
}

/* VMCOREINFO's lines come first: a table they name is read even when
 * memory holds another (here: the same, found otherwise). */
static void vmcoreinfo_first(void **state)
{
	(void)state;
	struct img im;
	build_era(&im, "linux-x64", GEN_LINUX_ERA_5_10, 600, false);
	gen_linux_vmcoreinfo(&im.L, im.vmci, sizeof im.vmci);
	at(&im, im.L.token_index)[2 * 0x10] ^= 1; /* the finder would reject it */
	struct ptw_owners o;
	char how[512];
	run_owners(&im, &o, how, sizeof how);
	era_records(&o, &im);
	if (!strstr(how, "(kallsyms 608 symbols from VMCOREINFO, BTF"))
		fail_msg("how: '%s'", how);
	ptw_owners_free(&o);
	scenario_free(&im.s);
}


/* ---- other kernels' BTF (issue 12) --------------------------------------------------- */

/* A kernel's BTF variant, set on im->L before it is laid out. */
struct variant {
	const struct gen_linux_offsets *off;
	bool pgd_direct, thread_group, old_btf, flags_bitfield, text_only;
	unsigned pid_bytes;
};

static void build_variant(struct img *im, const char *scen, const struct variant *v)
{
	kernel_start(im, scen, NULL, v->text_only);
	im->L.off = v->off;
	im->L.pgd_direct = v->pgd_direct;
	im->L.thread_group = v->thread_group;
	im->L.old_btf = v->old_btf;
	im->L.flags_bitfield = v->flags_bitfield;
	im->L.pid_bytes = v->pid_bytes;
	kernel_done(im);
}

/* The three records every variant gives (the scenario's processes), and
 * how, exactly, with the offsets BTF gave. */
static void expect_records(struct img *im, const char *offsets)
{
	struct ptw_owners o;
	char how[512], want[512];
	run_owners(im, &o, how, sizeof how);
	assert_int_equal(o.n, 3);
	check_owner(&o, 0, 0, "swapper/0", im->s.kernel, 0, im->L.init_task);
	check_owner(&o, 1, 0, "init", im->s.proc[0], im->s.user[0], im->L.task[0]);
	check_owner(&o, 100, 1, "alpha-daemon-lo", im->s.proc[1], im->s.user[1], im->L.task[2]);
	snprintf(want, sizeof want, "Linux task list: 5 processes, 3 address spaces (kallsyms 8"
		 " symbols from VMCOREINFO, BTF 0.0 MiB; %s)", offsets);
	assert_string_equal(how, want);
	ptw_owners_free(&o);
	scenario_free(&im->s);
}

static const char *const both_scen[2] = { "linux-x64", "linux-pae" };

/* task_struct's members elsewhere and in another order (comm first, tgid
 * before pid, flags last), mm_struct.pgd inside its anonymous struct
 * (4.19 on) and not (4.18): the offsets come from BTF, on 8- and 4-byte
 * pointers alike. */
static void other_member_order(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct img im;
		const struct variant v = { .off = &gen_linux_offsets_other };
		build_variant(&im, both_scen[i], &v);
		expect_records(&im, "task_struct tasks 0x60 pid 0x3c comm 0x10 mm 0x20,"
				    " mm_struct pgd 0x30");
		const struct variant direct = { .off = &gen_linux_offsets_other, .pgd_direct = true };
		build_variant(&im, both_scen[i], &direct);
		expect_records(&im, "task_struct tasks 0x60 pid 0x3c comm 0x10 mm 0x20,"
				    " mm_struct pgd 0x30");
	}
	struct img im;
	const struct variant direct61 = { .pgd_direct = true };
	build_variant(&im, "linux-x64", &direct61);
	expect_records(&im, "task_struct tasks 0x40 pid 0x80 comm 0xc0 mm 0x98, mm_struct pgd 0x48");
}

/* The kinds in the BTF blob at va: bit k set when a type of kind k is. */
static uint32_t btf_kinds(struct img *im)
{
	const uint8_t *b = at(im, im->L.btf_start);
	uint32_t tlen = (uint32_t)(b[12] | b[13] << 8 | b[14] << 16 | (uint32_t)b[15] << 24);
	uint32_t kinds = 0;
	/* each record's size, as btf.h gives it per kind */
	for (uint32_t o = 0; o < tlen;) {
		const uint8_t *r = b + 24 + o;
		unsigned kind = r[7] & 0x1f, vlen = (unsigned)(r[4] | r[5] << 8);
		static const unsigned per[20] = { [1] = 4, [3] = 12, [13] = 8, [6] = 8,
						  [14] = 4, [17] = 4 };
		static const unsigned per_member[20] = { [4] = 12, [5] = 12, [6] = 8, [13] = 8,
							 [15] = 12, [19] = 12 };
		kinds |= 1u << kind;
		o += 12 + (kind == 6 || kind == 13 ? 0 : per[kind]) + per_member[kind] * vlen;
	}
	return kinds;
}

/* Newer pahole's kinds mixed in (FLOAT, DECL_TAG, TYPE_TAG -- real_parent
 * a pointer to a type tag "rcu" to task_struct, as clang's BTF has it --
 * ENUM64) and an older pahole's BTF without them and without kind_flag
 * (in_execve a 1-bit INT): the same records. */
static void btf_kinds_old_and_new(void **state)
{
	(void)state;
	const uint32_t newer = 1u << 16 | 1u << 17 | 1u << 18 | 1u << 19;
	for (unsigned old = 0; old < 2; old++) {
		struct img im;
		const struct variant v = { .old_btf = old };
		build_variant(&im, "linux-x64", &v);
		assert_int_equal(btf_kinds(&im) & newer, old ? 0 : newer);
		/* every kind 1-15 is there either way */
		assert_int_equal(btf_kinds(&im) & 0xfffe, 0xfffe);
		expect_records(&im, "task_struct tasks 0x40 pid 0x80 comm 0xc0 mm 0x98,"
				    " mm_struct pgd 0x48");
	}
}

/* A kernel as old as 4.18's BTF could be: older kinds, pgd in mm_struct
 * itself, threads linked by thread_group only, members elsewhere; the
 * leader of alpha-daemon exited and its second thread, found through the
 * thread_group ring, holds the mm; another leader with no mm and no other
 * thread (a zombie) owns nothing. */
static void thread_group_ring(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		const struct variant v = { .off = i ? &gen_linux_offsets_other : NULL,
					   .thread_group = true, .old_btf = i, .pgd_direct = i };
		struct img im;
		kernel_start(&im, "linux-x64", NULL, false);
		im.L.off = v.off;
		im.L.thread_group = true;
		im.L.old_btf = im.L.pgd_direct = i;
		im.tasks[2].leader_exited = true;
		im.tasks[3] = (struct gen_linux_task){ .pid = 300, .parent = 2, .comm = "zombie" };
		kernel_done(&im);
		const struct gen_linux_offsets *o = gen_linux_offsets_of(&im.L);
		/* the ring: leader <-> thread, no head in signal_struct */
		uint64_t node;
		memcpy(&node, at(&im, im.L.task[2] + o->thread), 8);
		assert_int_equal(node, im.L.thread[2] + o->thread);
		memcpy(&node, at(&im, im.L.task[3] + o->thread), 8);
		assert_int_equal(node, im.L.task[3] + o->thread);
		struct ptw_owners own;
		char how[512];
		run_owners(&im, &own, how, sizeof how);
		assert_int_equal(own.n, 3);
		check_owner(&own, 100, 1, "alpha-daemon-lo", im.s.proc[1], im.s.user[1],
			    im.L.task[2]);
		check_owner(&own, 1, 0, "init", im.s.proc[0], im.s.user[0], im.L.task[0]);
		for (size_t k = 0; k < own.n; k++)
			assert_int_not_equal(own.v[k].cid, 300);
		ptw_owners_free(&own);
		scenario_free(&im.s);
	}
}

/* Without either thread link (thread_node renamed, no thread_group) the
 * walk goes on, and a process whose leader exited is missed, not
 * misread. */
static void no_thread_links(void **state)
{
	(void)state;
	struct img im;
	kernel_start(&im, "linux-x64", NULL, false);
	im.tasks[2].leader_exited = true;
	im.tasks[3] = (struct gen_linux_task){ .pid = 300, .parent = 2, .comm = "zombie" };
	kernel_done(&im);
	uint8_t *b = at(&im, im.L.btf_start);
	uint32_t tlen = (uint32_t)(b[12] | b[13] << 8 | b[14] << 16 | (uint32_t)b[15] << 24);
	char *name = memmem(b + 24 + tlen, 2048, "thread_node", 12);
	assert_non_null(name);
	name[0] = 'T';
	struct ptw_owners o;
	char how[512];
	run_owners(&im, &o, how, sizeof how);
	assert_int_equal(o.n, 2);
	by_cid(&o, 0);
	by_cid(&o, 1);
	ptw_owners_free(&o);
	scenario_free(&im.s);
}

/* Members retyped or made bitfields by some kernel: an error naming what
 * BTF has, never a walk reading the wrong bytes. */
static void retyped_members(void **state)
{
	(void)state;
	struct img im;
	uint8_t *b;
	const struct variant pid8 = { .pid_bytes = 8 };
	build_variant(&im, "linux-x64", &pid8);
	expect_failure(&im, "Linux task list: BTF: task_struct.pid is an 8-byte int, not a 4-byte int");

	const struct variant bits = { .flags_bitfield = true };
	build_variant(&im, "linux-x64", &bits);
	expect_failure(&im, "Linux task list: BTF: task_struct.flags is a bitfield (32 bits at bit 32),"
			    " not a whole field");

	/* an older pahole's bitfield: pid's type an INT of 1 bit (no kind_flag) */
	const struct variant old = { .old_btf = true };
	build_variant(&im, "linux-x64", &old);
	uint8_t pid_old[8] = { 4, 0, 0, 0, 0x00, 0x04, 0, 0 }; /* type 4 at bit 0x400 */
	uint8_t *po = memmem(at(&im, im.L.btf_start) + 24, 2048, pid_old, sizeof pid_old);
	assert_non_null(po);
	po[0] = 35;
	expect_failure(&im, "Linux task list: BTF: task_struct.pid is a 1-bit bitfield int, not a"
			    " 4-byte int");

	/* comm an array of 4-byte ints (its element type made "int") */
	build(&im, "linux-x64", NULL);
	b = at(&im, im.L.btf_start);
	uint8_t arr[12] = { 3, 0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0 };
	uint8_t *a = memmem(b + 24, 2048, arr, sizeof arr);
	assert_non_null(a);
	a[0] = 1;
	expect_failure(&im, "Linux task list: BTF: task_struct.comm is an array of 16 4-byte ints,"
			    " not an array of 1-byte ints");

	/* mm a pointer to task_struct instead of mm_struct */
	build(&im, "linux-x64", NULL);
	b = at(&im, im.L.btf_start);
	uint8_t mmrec[12] = { 0, 0, 0, 0, 11, 0, 0, 0, 0xc0, 0x04, 0, 0 }; /* mm at 0x98*8 */
	uint8_t *mmm = memmem(b + 24, 2048, mmrec + 4, 8);
	assert_non_null(mmm);
	mmm[0] = 17;
	expect_failure(&im, "Linux task list: BTF: task_struct.mm is a pointer to struct task_struct,"
			    " not a pointer to struct mm_struct");

	/* list_head of 24 bytes: not two of the mode's 8-byte pointers */
	build(&im, "linux-x64", NULL);
	b = at(&im, im.L.btf_start);
	uint8_t lh[8] = { 2, 0, 0, 4, 16, 0, 0, 0 };
	uint8_t *l = memmem(b + 24, 2048, lh, sizeof lh);
	assert_non_null(l);
	l[4] = 24;
	expect_failure(&im, "Linux task list: BTF: struct list_head is 24 bytes, not two 8-byte"
			    " pointers (a kernel of another word size?)");

	/* pid past task_struct's end */
	build(&im, "linux-x64", NULL);
	b = at(&im, im.L.btf_start);
	uint8_t pidrec[8] = { 4, 0, 0, 0, 0x00, 0x04, 0, 0 }; /* type 4 at 0x80*8 */
	uint8_t *p = memmem(b + 24, 2048, pidrec, sizeof pidrec);
	assert_non_null(p);
	p[5] = 0x08; /* at 0x100 */
	expect_failure(&im, "Linux task list: BTF: task_struct.pid (4 bytes at +0x100) lies outside"
			    " task_struct's 256 bytes");
}

/* No BTF at all (kallsyms has no __start_BTF, the image holds no BTF
 * header): the owners line says so plainly, in discovery as on its own. */
static void btf_absent(void **state)
{
	(void)state;
	struct img im;
	build_text_only(&im, "linux-x64");
	memset(at(&im, im.L.btf_start), 0, 8);
	char want[256];
	snprintf(want, sizeof want,
		 "Linux task list: kernel has no BTF (CONFIG_DEBUG_INFO_BTF, Linux 5.2+): kallsyms"
		 " (3 symbols) has no __start_BTF, __stop_BTF, and the kernel image from %llx"
		 " (4.7 MiB read) holds none", (unsigned long long)im.L.va);
	struct ptw_owners o;
	struct ptw_error e = {0};
	char how[512];
	assert_int_equal(owners(&im, &o, how, sizeof how, &e), PTW_ERR_NOT_FOUND);
	assert_string_equal(e.msg, want);
	assert_int_equal(o.n, 0);
	ptw_dump *d = open_raw(&im);
	struct ptw_spaces sp;
	discover(d, &sp);
	assert_string_equal(sp.owners_how, want);
	for (size_t i = 0; i < sp.n; i++)
		assert_int_equal(sp.v[i].owner_from, PTW_OWNER_NONE);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&im.s);
}

/* The kernel's table and mode from VMCOREINFO texts of each architecture:
 * the keys each kernel writes, the PA its symbols are at, the mode. */
/* A crafted image whose every names start walks all the way to the last
 * marker before failing (names of one u32 each, markers 1024 bytes apart,
 * zeros before the markers): each position tried once cost a walk of all
 * its names, hours for thousands of markers.  The names after the last
 * marker are checked first and the whole search is bounded, so this one
 * (1024 markers) is refused at once -- meson's timeout fails the test
 * otherwise -- with the rejection named. */
static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void names_search_bounded(void **state)
{
	(void)state;
	const uint64_t blob = 0x10000, direct = 0xffff888000000000ULL;
	const unsigned nmark = 1024;
	const uint64_t last = 1024ULL * (nmark - 1);
	const uint32_t count = 256 * (nmark - 1) + 3;
	size_t mkoff = (last + 140000 + 3) & ~(size_t)3, tab = mkoff + 4ULL * nmark;
	size_t size = blob + ((tab + 8192) & ~(size_t)4095);
	uint8_t *img = calloc(1, size);
	assert_non_null(img);
	const uint64_t p = PTW_P | PTW_RW | PTW_A, ps = p | PTW_PS | PTW_D;
	put_le(img + 0x1000 + 8 * 273, 0x2000 | p, 8);   /* direct map: 1 GiB at PA 0 */
	put_le(img + 0x2000, ps, 8);
	uint8_t *b = img + blob;
	for (size_t o = 0; o + 4 <= mkoff - 512; o += 4)
		put_le(b + o, count, 4);
	for (unsigned i = 0; i < nmark; i++)
		put_le(b + mkoff + 4 * i, 1024ULL * i, 4);
	size_t o = tab;
	uint16_t idx[256];
	for (unsigned i = 0; i < 256; i++) {  /* "0".."9" at their codes */
		idx[i] = (uint16_t)(o - tab);
		b[o++] = (uint8_t)(i < 0x30 ? 'a' : i <= 0x7e ? i : 'z');
		b[o++] = 0;
	}
	o = (o + 7) & ~(size_t)7;
	for (unsigned i = 0; i < 256; i++)
		put_le(b + o + 2 * i, idx[i], 2);
	ptw_dump *d;
	struct ptw_error err = { .code = 0 };
	assert_int_equal(ptw_dump_open_memory(img, size, &d, &err), 0);
	struct ptw_space k;
	assert_int_equal(ptw_space_init(&k, d, ptw_mode_get(PTW_MODE_X64), 0x1000, &err), 0);
	struct ptw_ksym_tables tables;
	struct ptw_ksym_search st;
	assert_int_equal(ptw_ksym_find(&k, direct + blob, 1ULL << 30, &tables, &st, &err),
			 PTW_ERR_NOT_FOUND);
	assert_int_equal(st.candidates, 1);
	if (!strstr(err.msg, "kallsyms_names do not meet kallsyms_markers"))
		fail_msg("'%s'", err.msg);
	ptw_dump_close(d);
	free(img);
}

static void kernel_table_of_each_arch(void **state)
{
	(void)state;
	struct ptw_linux_kernel k;
	static const char arm[] =
		"OSRELEASE=6.1.0-57-arm64\nPAGESIZE=4096\n"
		"SYMBOL(swapper_pg_dir)=ffffdb608a658000\nNUMBER(VA_BITS)=48\n"
		"NUMBER(kimage_voffset)=0xffffdb6048e00000\nNUMBER(PHYS_OFFSET)=0x40000000\n"
		"NUMBER(TCR_EL1_T1SZ)=0x10\nKERNELOFFSET=5b6081000000\n";
	assert_true(ptw_linux_kernel_table(arm, sizeof arm - 1, &k));
	assert_ptr_equal(k.mode, ptw_mode_aarch64(12, 48));
	assert_true(k.mode_sure);
	assert_int_equal(k.va, 0xffffdb608a658000ULL);
	assert_int_equal(k.pa, 0x41858000);
	assert_int_equal(k.release, 0x060100);
	assert_string_equal(k.how, "VMCOREINFO (arm64 kernel, 4096-byte pages, 48-bit VA)");
	/* 16 KiB, folded at run time to 47 bits (T1SZ 17): the run-time size */
	static const char arm16[] =
		"OSRELEASE=6.10.3\nPAGESIZE=16384\nSYMBOL(swapper_pg_dir)=ffff800081a30000\n"
		"NUMBER(VA_BITS)=52\nNUMBER(kimage_voffset)=0xffff7fffc0000000\n"
		"NUMBER(TCR_EL1_T1SZ)=0x11\n";
	assert_true(ptw_linux_kernel_table(arm16, sizeof arm16 - 1, &k));
	assert_ptr_equal(k.mode, ptw_mode_aarch64(14, 47));
	assert_int_equal(k.pa, 0xc1a30000ULL);
	assert_int_equal(k.release, 0x060a03);
	/* 64 KiB built for 52 bits on a 48-bit CPU: the configured size */
	static const char arm64k[] =
		"PAGESIZE=65536\nSYMBOL(swapper_pg_dir)=fffffc0081a30000\n"
		"NUMBER(VA_BITS)=52\nNUMBER(kimage_voffset)=0xfffffbffc0000000\n"
		"NUMBER(TCR_EL1_T1SZ)=0x10\n";
	assert_true(ptw_linux_kernel_table(arm64k, sizeof arm64k - 1, &k));
	assert_ptr_equal(k.mode, ptw_mode_aarch64(16, 52));
	/* before TCR_EL1_T1SZ (5.9): VA_BITS */
	static const char old[] =
		"PAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffff800011a30000\n"
		"NUMBER(VA_BITS)=39\nNUMBER(kimage_voffset)=0xffff7fffd0000000\n";
	assert_true(ptw_linux_kernel_table(old, sizeof old - 1, &k));
	assert_ptr_equal(k.mode, ptw_mode_aarch64(12, 39));
	/* nonsense: no such granule, VA size, or a symbol below the offset */
	static const char bad1[] =
		"PAGESIZE=8192\nSYMBOL(swapper_pg_dir)=ffff800011a30000\n"
		"NUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0xffff7fffd0000000\n";
	static const char bad2[] =
		"PAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffff800011a30000\n"
		"NUMBER(VA_BITS)=60\nNUMBER(kimage_voffset)=0xffff7fffd0000000\n";
	static const char bad3[] =
		"PAGESIZE=4096\nSYMBOL(swapper_pg_dir)=1000\n"
		"NUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0xffff7fffd0000000\n";
	assert_false(ptw_linux_kernel_table(bad1, sizeof bad1 - 1, &k));
	assert_false(ptw_linux_kernel_table(bad2, sizeof bad2 - 1, &k));
	assert_false(ptw_linux_kernel_table(bad3, sizeof bad3 - 1, &k));
	/* x86-64, 5-level, and 32-bit PAE and not */
	static const char x64[] =
		"SYMBOL(init_top_pgt)=ffffffff9a40a000\nNUMBER(phys_base)=-16777216\n"
		"NUMBER(pgtable_l5_enabled)=1\n";
	assert_true(ptw_linux_kernel_table(x64, sizeof x64 - 1, &k));
	assert_ptr_equal(k.mode, ptw_mode_get(PTW_MODE_LA57));
	assert_int_equal(k.pa, 0x1940a000ULL);
	static const char pae[] = "SYMBOL(swapper_pg_dir)=c1a30000\nCONFIG_X86_PAE=y\n";
	assert_true(ptw_linux_kernel_table(pae, sizeof pae - 1, &k));
	assert_ptr_equal(k.mode, ptw_mode_get(PTW_MODE_PAE));
	assert_true(k.mode_sure);
	assert_int_equal(k.pa, 0x1a30000);
	static const char x86[] = "SYMBOL(swapper_pg_dir)=c1a30000\n";
	assert_true(ptw_linux_kernel_table(x86, sizeof x86 - 1, &k));
	assert_ptr_equal(k.mode, ptw_mode_get(PTW_MODE_X86));
	assert_false(k.mode_sure);
	assert_false(ptw_linux_kernel_table("OSRELEASE=6.1\n", 14, &k));
	assert_false(ptw_linux_kernel_table(NULL, 0, &k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(x64_records),
		cmocka_unit_test(found_each_era),
		cmocka_unit_test(found_one_marker),
		cmocka_unit_test(found_text_only),
		cmocka_unit_test(find_no_token_table),
		cmocka_unit_test(find_bad_token_index),
		cmocka_unit_test(find_markers_disagree),
		cmocka_unit_test(find_absurd_num_syms),
		cmocka_unit_test(find_bad_offsets),
		cmocka_unit_test(vmcoreinfo_first),
		cmocka_unit_test(find_without_stext),
		cmocka_unit_test(pae_records),
		cmocka_unit_test(x64_discover_elf),
		cmocka_unit_test(x64_kernel_table_records),
		cmocka_unit_test(x64_kernel_tables_discovered),
		cmocka_unit_test(raw_vmcoreinfo_in_memory),
		cmocka_unit_test(vmcoreinfo_where_the_pass_cuts),
		cmocka_unit_test(prev_mismatch),
		cmocka_unit_test(no_vmcoreinfo),
		cmocka_unit_test(missing_vmcoreinfo_symbol),
		cmocka_unit_test(absurd_num_syms),
		cmocka_unit_test(truncated_names),
		cmocka_unit_test(bad_btf_magic),
		cmocka_unit_test(btf_header_too_long),
		cmocka_unit_test(btf_bad_type_id),
		cmocka_unit_test(btf_unknown_kind),
		cmocka_unit_test(task_loop),
		cmocka_unit_test(task_self_loop),
		cmocka_unit_test(task_unreadable),
		cmocka_unit_test(task_cut_both_ways),
		cmocka_unit_test(init_task_alone),
		cmocka_unit_test(leader_exited),
		cmocka_unit_test(failure_in_discovery),
		cmocka_unit_test(text_only),
		cmocka_unit_test(only_init_task_missing),
		cmocka_unit_test(only_btf_missing),
		cmocka_unit_test(swapper_unrenamed),
		cmocka_unit_test(btf_not_found),
		cmocka_unit_test(decoys_skipped),
		cmocka_unit_test(init_task_not_found),
		cmocka_unit_test(stext_from_vmcoreinfo),
		cmocka_unit_test(scan_over_unmapped),
		cmocka_unit_test(no_image_start),
		cmocka_unit_test(text_only_in_discovery),
		cmocka_unit_test(names_search_bounded),
		cmocka_unit_test(kernel_table_of_each_arch),
		cmocka_unit_test(other_member_order),
		cmocka_unit_test(btf_kinds_old_and_new),
		cmocka_unit_test(thread_group_ring),
		cmocka_unit_test(no_thread_links),
		cmocka_unit_test(retyped_members),
		cmocka_unit_test(btf_absent),
		cmocka_unit_test(raw_without_vmcoreinfo),
		cmocka_unit_test(via_not_x64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
