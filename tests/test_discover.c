/* test_discover.c — finding the mode and the address spaces: self-maps,
 * Linux kernel-half sharing, KPTI pairs, the dump's CR3 and VMCOREINFO,
 * the command line, and the parsers of its values. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

struct want {
	uint64_t dirbase;
	unsigned found;
	uint64_t peer;
	bool user;
};

#define SCAN PTW_FOUND_KSHARED
#define KPTI PTW_FOUND_KPTI
#define SELF PTW_FOUND_SELFMAP
#define CR3 PTW_FOUND_CR3
#define VMCI PTW_FOUND_VMCOREINFO
#define CMD PTW_FOUND_CMDLINE

static void check_spaces(const struct ptw_spaces *sp, enum ptw_mode_id mode,
			 const struct want *w, size_t n)
{
	assert_int_equal(sp->mode->id, mode);
	if (sp->n != n) {
		for (size_t i = 0; i < sp->n; i++)
			print_error("  have %llx found %#x\n",
				    (unsigned long long)sp->v[i].dirbase, sp->v[i].found);
		fail_msg("want %zu spaces, have %zu", n, sp->n);
	}
	for (size_t i = 0; i < n; i++) {
		const struct ptw_space *s = &sp->v[i];
		assert_int_equal(s->dirbase, w[i].dirbase);
		if (s->found != w[i].found)
			fail_msg("%llx: found %#x, want %#x", (unsigned long long)s->dirbase,
				 s->found, w[i].found);
		assert_int_equal(s->kpti_peer, w[i].peer);
		assert_int_equal(s->kpti_user, w[i].user);
		assert_int_equal(s->mode->id, mode);
	}
}

static void run(const char *scenario, bool elf, enum ptw_mode_id mode,
		const struct want *w, size_t n)
{
	struct scenario s;
	struct ptw_spaces sp;
	ptw_dump *d = open_scenario(scenario, elf, &s);
	discover(d, &sp);
	check_spaces(&sp, mode, w, n);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
}

#define RUN(scn, elf, mode, ...)                                         \
	do {                                                             \
		const struct want w_[] = { __VA_ARGS__ };                \
		run(scn, elf, mode, w_, sizeof w_ / sizeof w_[0]);       \
	} while (0)

static void linux_x64(void **state)
{
	(void)state;
	/* raw: the kernel-half group and the KPTI partners, nothing else */
	RUN("linux-x64", false, PTW_MODE_X64,
	    { 0x100000, SCAN, 0, false },
	    { 0x10a000, SCAN | KPTI, 0x10b000, false },
	    { 0x10b000, KPTI, 0x10a000, true },
	    { 0x118000, SCAN | KPTI, 0x119000, false },
	    { 0x119000, KPTI, 0x118000, true });
	/* ELF: the same spaces, with what the dump itself says */
	RUN("linux-x64", true, PTW_MODE_X64,
	    { 0x100000, SCAN | VMCI, 0, false },
	    { 0x10a000, SCAN | KPTI, 0x10b000, false },
	    { 0x10b000, KPTI | CR3, 0x10a000, true },
	    { 0x118000, SCAN | KPTI, 0x119000, false },
	    { 0x119000, KPTI, 0x118000, true });
}

static void linux_pae(void **state)
{
	(void)state;
	RUN("linux-pae", false, PTW_MODE_PAE,
	    { 0x100000, SCAN, 0, false },
	    { 0x104000, SCAN | KPTI, 0x105000, false },
	    { 0x105000, KPTI, 0x104000, true },
	    { 0x10e000, SCAN | KPTI, 0x10f000, false },
	    { 0x10f000, KPTI, 0x10e000, true });
	RUN("linux-pae", true, PTW_MODE_PAE,
	    { 0x100000, SCAN | VMCI, 0, false },
	    { 0x104000, SCAN | KPTI, 0x105000, false },
	    { 0x105000, KPTI | CR3, 0x104000, true },
	    { 0x10e000, SCAN | KPTI, 0x10f000, false },
	    { 0x10f000, KPTI, 0x10e000, true });
}

static void windows_selfmaps(void **state)
{
	(void)state;
	RUN("windows-x64", false, PTW_MODE_X64,
	    { 0x100000, SELF, 0, false }, { 0x105000, SELF, 0, false });
	RUN("windows-x64", true, PTW_MODE_X64,
	    { 0x100000, SELF | CR3, 0, false }, { 0x105000, SELF, 0, false });
	RUN("windows-pae", false, PTW_MODE_PAE, { 0x100020, SELF, 0, false });
	RUN("windows-pae", true, PTW_MODE_PAE, { 0x100020, SELF | CR3, 0, false });
	RUN("windows-x86", false, PTW_MODE_X86, { 0x100000, SELF, 0, false });
	RUN("windows-x86", true, PTW_MODE_X86, { 0x100000, SELF | CR3, 0, false });
}

/* Without kernel data, /info's owners line says what is missing: for
 * Windows, the crash-dump header's PsActiveProcessHead; for 32-bit Linux
 * a table VMCOREINFO names; x86-64 Linux reads the kernel through a
 * process's table and says why kallsyms was not found there. */
static void owners_line_without_kernel_data(void **state)
{
	(void)state;
	const struct { const char *scn; const char *want; } c[] = {
		{ "windows-x64", "no kernel data: a Windows image without a crash-dump header gives no"
				 " PsActiveProcessHead (name processes with --processes FILE, the text of"
				 " WinDbg's !process 0 0)" },
		{ "linux-pae", "no kernel data: no kernel page table named by VMCOREINFO or a dump header" },
		{ "linux-x64", "Linux task list: no VMCOREINFO, and kallsyms not found in memory (2.0 MiB"
			       " from ffffffff80000000 read): no token table (no \"0\"..\"9\" tokens);"
			       " kernel read through 100000 (no kernel page table named by VMCOREINFO or"
			       " a dump header: the lowest DirBase sharing the kernel half)" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct scenario s;
		struct ptw_spaces sp;
		ptw_dump *d = open_scenario(c[i].scn, false, &s);
		discover(d, &sp);
		assert_string_equal(sp.owners_how, c[i].want);
		ptw_spaces_free(&sp);
		ptw_dump_close(d);
		scenario_free(&s);
	}
}

static void la57(void **state)
{
	(void)state;
	/* CR4.LA57 and VMCOREINFO say 5-level */
	RUN("linux-la57", true, PTW_MODE_LA57,
	    { 0x100000, SCAN | VMCI, 0, false },
	    { 0x106000, SCAN, 0, false },
	    { 0x10f000, SCAN | CR3, 0, false });
	/* a raw image cannot tell 5-level from 4-level: x64 is assumed, and
	 * --mode la57 is the remedy (README) */
	struct scenario s;
	struct ptw_spaces sp;
	ptw_dump *d = open_scenario("linux-la57", false, &s);
	discover(d, &sp);
	assert_int_equal(sp.mode->id, PTW_MODE_X64);
	ptw_spaces_free(&sp);
	struct ptw_discover_opts o = { .mode = ptw_mode_get(PTW_MODE_LA57), .threads = 1 };
	assert_int_equal(ptw_discover(d, &o, &sp, NULL), 0);
	assert_int_equal(sp.mode->id, PTW_MODE_LA57);
	assert_string_equal(sp.mode_how, "given with --mode");
	assert_int_equal(sp.n, 3);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
}

static void mode_strings(void **state)
{
	(void)state;
	struct scenario s;
	struct ptw_spaces sp;
	ptw_dump *d = open_scenario("linux-pae", true, &s);
	discover(d, &sp);
	assert_string_equal(sp.mode_how,
			    "vCPU 0: CR0.PG=1 CR4.PAE=1 CR4.LA57=0, machine i386");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
	d = open_scenario("windows-x86", false, &s);
	discover(d, &sp);
	assert_string_equal(sp.mode_how, "scan: 1 x86 top tables (x64 0, pae 0, x86 1)");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
	/* nothing to go on at all */
	struct gen g;
	gen_init(&g, PTW_MODE_X64, 64 * 1024, 0);
	assert_int_equal(ptw_dump_open_memory(g.mem, g.size, &d, NULL), 0);
	discover(d, &sp);
	assert_int_equal(sp.n, 0);
	assert_string_equal(sp.mode_how, "no page tables found; x64 assumed (use --mode)");
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	gen_free(&g);
}

static void command_line_sources(void **state)
{
	(void)state;
	struct scenario s;
	struct ptw_spaces sp;
	struct ptw_error err = {0};
	ptw_dump *d = open_scenario("linux-x64", true, &s);
	/* a CR3 value with PCID bits names its table; a process gets its
	 * cid and name; no scan: only what the dump and the user say */
	uint64_t dirbases[] = { 0x3000, 0x118005 };
	struct ptw_process_spec procs[] = { { 42, 0x10a000, "alpha", -1, 0 } };
	struct ptw_discover_opts o = {
		.dirbases = dirbases, .ndirbases = 2, .procs = procs, .nprocs = 1,
		.no_scan = true, .threads = 1,
	};
	assert_int_equal(ptw_discover(d, &o, &sp, &err), 0);
	const struct want w[] = {
		{ 0x3000, CMD, 0, false },
		{ 0x100000, VMCI, 0, false },
		{ 0x10a000, CMD | KPTI, 0x10b000, false },
		{ 0x10b000, CR3 | KPTI, 0x10a000, true },
		{ 0x118000, CMD | KPTI, 0x119000, false },
		{ 0x119000, KPTI, 0x118000, true },
	};
	check_spaces(&sp, PTW_MODE_X64, w, 6);
	const struct ptw_space *a = ptw_spaces_find(&sp, 0x10a000);
	assert_int_equal(a->cid, 42);
	assert_string_equal(a->name, "alpha");
	/* the KPTI user copy belongs to its kernel copy's owner */
	assert_int_equal(ptw_spaces_find(&sp, 0x10b000)->cid, 42);
	assert_int_equal(ptw_spaces_find(&sp, 0x10b000)->owner_from, PTW_OWNER_CMDLINE);
	assert_int_equal(a->owner_from, PTW_OWNER_CMDLINE);
	assert_int_equal(a->ppid, -1);
	assert_int_equal(ptw_spaces_find(&sp, 0x10b000)->cpu, 0);
	assert_null(ptw_spaces_find(&sp, 0x10c000));
	char how[256];
	ptw_found_string(ptw_spaces_find(&sp, 0x10b000), how, sizeof how);
	assert_string_equal(how, "CR3 of vCPU 0, KPTI user copy, kernel copy at 10a000");
	ptw_spaces_free(&sp);
	/* a DirBase outside the dump is an error that names it */
	uint64_t outside[] = { 0x7000000000ULL };
	o = (struct ptw_discover_opts){ .dirbases = outside, .ndirbases = 1, .threads = 1 };
	assert_int_equal(ptw_discover(d, &o, &sp, &err), PTW_ERR_NOT_FOUND);
	assert_string_equal(err.msg,
			    "DirBase 0x7000000000 lies outside the dump's physical memory");
	/* bits no CR3 has */
	uint64_t wild[] = { 0x7ff0000000100000ULL };
	o.dirbases = wild;
	assert_int_equal(ptw_discover(d, &o, &sp, &err), PTW_ERR_INVALID);
	assert_string_equal(err.msg,
			    "DirBase 0x7ff0000000100000 has bits set that no x86-64 4-level CR3 holds");
	ptw_dump_close(d);
	scenario_free(&s);
}

static void copies_count_once(void **state)
{
	(void)state;
	/* A crafted page of 128 copies of a process's PDPT: each copy passes
	 * every test a PAE top table must, but no two real ones are alike. */
	struct scenario s;
	assert_true(scenario_build("linux-pae", &s));
	uint64_t page = 0x7f0000;
	for (unsigned i = 0; i < 128; i++)
		gen_write(&s.g, page + 32 * i, s.g.mem + 0x104000, 32);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_memory(s.g.mem, s.g.size, &d, NULL), 0);
	struct ptw_spaces sp;
	discover(d, &sp);
	assert_int_equal(sp.n, 5);
	assert_non_null(ptw_spaces_find(&sp, 0x104000));
	assert_null(ptw_spaces_find(&sp, page));
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
}

static void parsers(void **state)
{
	(void)state;
	uint64_t v;
	struct ptw_error err = {0};
	assert_int_equal(ptw_parse_hex("0x1aB", &v, NULL), 0);
	assert_int_equal(v, 0x1ab);
	assert_int_equal(ptw_parse_hex("fffff801`07401940", &v, NULL), 0);
	assert_int_equal(v, 0xfffff80107401940ULL);
	assert_int_equal(ptw_parse_hex("0000000000000000000001", &v, NULL), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ptw_parse_hex("", &v, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_parse_hex("0x", &v, &err), PTW_ERR_INVALID);
	assert_string_equal(err.msg, "'0x' holds no hex digit");
	assert_int_equal(ptw_parse_hex("`", &v, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_parse_hex("0x`", &v, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_parse_hex("0", &v, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ptw_parse_hex("12g4", &v, &err), PTW_ERR_INVALID);
	assert_string_equal(err.msg, "'12g4' is not a hexadecimal address");
	assert_int_equal(ptw_parse_hex("10000000000000000", &v, &err), PTW_ERR_INVALID);
	assert_string_equal(err.msg, "'10000000000000000' does not fit in 64 bits");

	struct ptw_process_spec p;
	assert_int_equal(ptw_parse_process_spec("4:1aa000:System", &p, NULL), 0);
	assert_int_equal(p.cid, 4);
	assert_int_equal(p.dirbase, 0x1aa000);
	assert_string_equal(p.name, "System");
	assert_int_equal(ptw_parse_process_spec("0x1f4:0x3a5d4000", &p, NULL), 0);
	assert_int_equal(p.cid, 500);
	assert_int_equal(p.dirbase, 0x3a5d4000);
	assert_string_equal(p.name, "");
	/* a leading zero is not octal */
	assert_int_equal(ptw_parse_process_spec("010:1000", &p, NULL), 0);
	assert_int_equal(p.cid, 10);
	assert_int_equal(ptw_parse_process_spec("09:1000", &p, NULL), 0);
	assert_int_equal(p.cid, 9);
	assert_int_equal(ptw_parse_process_spec("0x:1000", &p, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_parse_process_spec("+5:1000", &p, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_parse_process_spec("7:10:a:b", &p, NULL), 0);
	assert_string_equal(p.name, "a:b");
	assert_int_equal(ptw_parse_process_spec("1aa000", &p, &err), PTW_ERR_INVALID);
	assert_string_equal(err.msg, "--process '1aa000': want CID:DIRBASE[:NAME]");
	assert_int_equal(ptw_parse_process_spec("x:1000", &p, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_parse_process_spec("-3:1000", &p, &err), PTW_ERR_INVALID);
	assert_int_equal(ptw_parse_process_spec("3:", &p, &err), PTW_ERR_INVALID);

	assert_ptr_equal(ptw_mode_find("amd64"), ptw_mode_get(PTW_MODE_X64));
	assert_ptr_equal(ptw_mode_find("5level"), ptw_mode_get(PTW_MODE_LA57));
	assert_ptr_equal(ptw_mode_find("arm64"), ptw_mode_aarch64(12, 48));
	assert_ptr_equal(ptw_mode_find("arm64-16k-47"), ptw_mode_aarch64(14, 47));
	assert_null(ptw_mode_aarch64(14, 53));
	assert_null(ptw_mode_find("arm64-16k-53"));
	assert_null(ptw_mode_find("sparc"));
}

/* WinDbg's !process 0 0, in its 64-bit (PROCESS on a line of its own) and
 * 32-bit (fields on the PROCESS line) shapes, with a kd prompt, CRLF line
 * ends, an image name with a space and a backticked address. */
static const char listing[] =
	"0: kd> !process 0 0\r\n"
	"**** NT ACTIVE PROCESS DUMP ****\r\n"
	"PROCESS ffffe00b2a8a4040\r\n"
	"    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\r\n"
	"    DirBase: 001ad002  ObjectTable: ffffc2078a404040  HandleCount: 2883.\r\n"
	"    Image: System\r\n"
	"\r\n"
	"PROCESS ffffe00b`2c5c5080\r\n"
	"    SessionId: 1  Cid: 0a1c    Peb: 1a0ab63000  ParentCid: 0004\r\n"
	"    DirBase: 2a6f0002  ObjectTable: ffffc2078ae9b040  HandleCount:  53.\r\n"
	"    Image: Memory Compression  \r\n"
	"\r\n"
	"PROCESS 84b3f830  SessionId: none  Cid: 01c8    Peb: 7ffd8000  ParentCid: 0004\n"
	"    DirBase: 3ec2a020  ObjectTable: 8b2a1e68  HandleCount:  29.\n"
	"    Image: smss.exe\n";

static void process_listing(void **state)
{
	(void)state;
	struct ptw_process_spec *v;
	size_t n;
	struct ptw_error err = {0};
	assert_int_equal(ptw_parse_process_listing(listing, sizeof listing - 1, &v, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].cid, 4);
	assert_int_equal(v[0].ppid, 0);
	assert_int_equal(v[0].dirbase, 0x1ad002);
	assert_int_equal(v[0].object, 0xffffe00b2a8a4040ULL);
	assert_string_equal(v[0].name, "System");
	assert_int_equal(v[1].cid, 0xa1c);
	assert_int_equal(v[1].ppid, 4);
	assert_int_equal(v[1].dirbase, 0x2a6f0002);
	assert_int_equal(v[1].object, 0xffffe00b2c5c5080ULL);
	assert_string_equal(v[1].name, "Memory Compression");
	assert_int_equal(v[2].cid, 0x1c8);
	assert_int_equal(v[2].ppid, 4);
	assert_int_equal(v[2].dirbase, 0x3ec2a020);
	assert_string_equal(v[2].name, "smss.exe");
	free(v);

	/* form feeds and vertical tabs separate words like blanks (the fuzzer
	 * found a loop on them) */
	const char ff[] = "PROCESS 1000\f\n Cid:\v10\fDirBase: 5000 \f\n";
	assert_int_equal(ptw_parse_process_listing(ff, sizeof ff - 1, &v, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].cid, 0x10);
	assert_int_equal(v[0].dirbase, 0x5000);
	free(v);

	/* a block without ParentCid or Image is still a process */
	const char bare[] = "PROCESS 1000\n Cid: 10 DirBase: 5000\n";
	assert_int_equal(ptw_parse_process_listing(bare, sizeof bare - 1, &v, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].cid, 0x10);
	assert_int_equal(v[0].ppid, -1);
	assert_string_equal(v[0].name, "");
	free(v);

	struct { const char *text, *msg; } bad[] = {
		{ "", "process listing: no PROCESS blocks (want the text of WinDbg's !process 0 0)" },
		{ "Cid: 0004 DirBase: 1000\n", "process listing: no PROCESS blocks" },
		{ "PROCESS 1000\n Cid: 4\n\nPROCESS 2000\n", "line 1: the PROCESS block has no DirBase" },
		{ "PROCESS 1000\n DirBase: 5000\n", "line 1: the PROCESS block has no Cid" },
		{ "x\nPROCESS fffq\n", "line 2: PROCESS 'fffq' is not a hex address" },
		{ "PROCESS 1\n  Cid: 12z4\n", "line 2: Cid '12z4' is not a hex number" },
		{ "PROCESS 1\n  Cid: 8000000000000000 DirBase: 0\n",
		  "line 2: Cid '8000000000000000' is not a hex number" },
		{ "PROCESS 1\n  Cid: 4\n  DirBase:\n", "line 3: DirBase '' is not a hex number" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = NULL;
		int rc = ptw_parse_process_listing(bad[i].text, strlen(bad[i].text), &v, &n, &err);
		if (rc != PTW_ERR_INVALID || !strstr(err.msg, bad[i].msg))
			fail_msg("listing %zu: got %d \"%s\"", i, rc, err.msg);
		assert_null(v);
	}
}

/* A listing names the spaces it lists; --process outranks it. */
static void listing_names_spaces(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-x64", true, &s);
	struct ptw_process_spec list[] = {
		{ 4, 0x10a000, "System", 0, 0xffff800000001000ULL },
		{ 0x1c8, 0x118000, "smss.exe", 4, 0 },
	};
	struct ptw_process_spec procs[] = { { 500, 0x118000, "mine", -1, 0 } };
	struct ptw_discover_opts o = { .listing = list, .nlisting = 2 };
	struct ptw_spaces sp;
	assert_int_equal(ptw_discover(d, &o, &sp, NULL), 0);
	const struct ptw_space *a = ptw_spaces_find(&sp, 0x10a000);
	assert_int_equal(a->cid, 4);
	assert_int_equal(a->ppid, 0);
	assert_string_equal(a->name, "System");
	assert_int_equal(a->owner_from, PTW_OWNER_LISTING);
	assert_int_equal(a->owner_object, 0xffff800000001000ULL);
	assert_true(a->found & PTW_FOUND_LISTING);
	assert_int_equal(ptw_spaces_find(&sp, 0x10b000)->cid, 4); /* its user copy */
	assert_int_equal(ptw_spaces_find(&sp, 0x118000)->cid, 0x1c8);
	ptw_spaces_free(&sp);
	o.procs = procs;
	o.nprocs = 1;
	assert_int_equal(ptw_discover(d, &o, &sp, NULL), 0);
	const struct ptw_space *b = ptw_spaces_find(&sp, 0x118000);
	assert_int_equal(b->cid, 500);
	assert_string_equal(b->name, "mine");
	assert_int_equal(b->owner_from, PTW_OWNER_CMDLINE);
	ptw_spaces_free(&sp);
	ptw_dump_close(d);
	scenario_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(process_listing),
		cmocka_unit_test(listing_names_spaces),
		cmocka_unit_test(linux_x64),
		cmocka_unit_test(linux_pae),
		cmocka_unit_test(windows_selfmaps),
		cmocka_unit_test(owners_line_without_kernel_data),
		cmocka_unit_test(la57),
		cmocka_unit_test(mode_strings),
		cmocka_unit_test(command_line_sources),
		cmocka_unit_test(copies_count_once),
		cmocka_unit_test(parsers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
