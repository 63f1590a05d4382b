/* test_decode.c — non-present entries as Windows and Linux write them:
 * every kind, every mode, exact fields. */
#include "testutil.h"

#include <string.h>

static struct ptw_swpte decode(enum ptw_mode_id mode, enum ptw_os os,
			       unsigned lvl, uint64_t e, uint64_t max_pfn)
{
	struct ptw_swpte o;
	ptw_decode_entry(ptw_mode_get(mode), os, 0, lvl, e, max_pfn, &o);
	return o;
}

static void windows_x64(void **state)
{
	(void)state;
	/* paging file 2, page def3, ExecuteRead; swizzle bit set: as stored */
	struct ptw_swpte o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x0000def300002070ULL, 0);
	assert_int_equal(o.kind, PTW_SW_PAGEFILE);
	assert_int_equal(o.file, 2);
	assert_int_equal(o.offset, 0xdef3);
	assert_int_equal(o.protection, 3);
	/* transition, writable, frame 891f: WinDbg's capture 000020000891F860
	 * has the swizzle bit (45) set and bit 4 clear; the frame only fits a
	 * dump without bit 45 */
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x000020000891f860ULL, 0x100000);
	assert_int_equal(o.kind, PTW_SW_TRANSITION);
	assert_int_equal(o.pfn, 0x891f);
	assert_int_equal(o.protection, 3);
	/* the same with no dump size to go by: kept as stored */
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x000020000891f860ULL, 0);
	assert_int_equal(o.pfn, 0x20000891fULL);
	/* bit 4 set: the high bit is the frame's own */
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x000020000891f870ULL, 0x100000);
	assert_int_equal(o.pfn, 0x20000891fULL);
	assert_false(o.write);
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x0000000000312892ULL, 0);
	assert_true(o.write);
	/* prototype: ProtoAddress sign-extended (WinDbg: Proto: FFFFC182CC1FFDF8) */
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0xc182cc1ffdf80400ULL, 0);
	assert_int_equal(o.kind, PTW_SW_PROTOTYPE);
	assert_int_equal(o.proto, 0xffffc182cc1ffdf8ULL);
	assert_false(o.vad);
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0xffffffff00000480ULL, 0);
	assert_true(o.vad);
	assert_int_equal(o.protection, 4);
	/* demand-zero: no paging-file page, a real protection ... */
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x80, 0);
	assert_int_equal(o.kind, PTW_SW_DEMAND_ZERO);
	/* ... even with a file number (WinDbg does not test it) */
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x3080, 0);
	assert_int_equal(o.kind, PTW_SW_DEMAND_ZERO);
	/* ... but not decommitted (0x10), no-access (0x18) or 0 */
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x10ULL << 5, 0);
	assert_int_equal(o.kind, PTW_SW_PAGEFILE);
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x18ULL << 5, 0);
	assert_int_equal(o.kind, PTW_SW_PAGEFILE);
	o = decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x2000, 0);
	assert_int_equal(o.kind, PTW_SW_PAGEFILE);
	/* zero, valid, and no OS to go by */
	assert_int_equal(decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0, 0).kind, PTW_SW_ZERO);
	assert_int_equal(decode(PTW_MODE_X64, PTW_OS_WINDOWS, 3, 0x63, 0).kind, PTW_SW_VALID);
	assert_int_equal(decode(PTW_MODE_X64, PTW_OS_UNKNOWN, 3, 0x80, 0).kind, PTW_SW_UNKNOWN);
}

static void windows_32bit(void **state)
{
	(void)state;
	/* PAE (Windows 10 1809+): PageFileLow 15:12, PageFileHigh 63:32 */
	struct ptw_swpte o = decode(PTW_MODE_PAE, PTW_OS_WINDOWS, 2, 0x0000456700003090ULL, 0);
	assert_int_equal(o.kind, PTW_SW_PAGEFILE);
	assert_int_equal(o.file, 3);
	assert_int_equal(o.offset, 0x4567);
	assert_int_equal(o.protection, 4);
	/* transition: 26-bit frame */
	o = decode(PTW_MODE_PAE, PTW_OS_WINDOWS, 2, 0x0000004123456892ULL, 0);
	assert_int_equal(o.kind, PTW_SW_TRANSITION);
	assert_int_equal(o.pfn, 0x0123456);
	/* prototype: bits 63:32 */
	o = decode(PTW_MODE_PAE, PTW_OS_WINDOWS, 2, 0x8a00123000000400ULL, 0);
	assert_int_equal(o.kind, PTW_SW_PROTOTYPE);
	assert_int_equal(o.proto, 0x8a001230);
	/* WinDbg's PAE capture: 0000000000000080 is DemandZero, ReadWrite */
	o = decode(PTW_MODE_PAE, PTW_OS_WINDOWS, 2, 0x80, 0);
	assert_int_equal(o.kind, PTW_SW_DEMAND_ZERO);
	assert_int_equal(o.protection, 4);
	/* x86 (Windows 7): PageFileLow 4:1, PageFileHigh 31:12 */
	o = decode(PTW_MODE_X86, PTW_OS_WINDOWS, 1, 0x01234082, 0);
	assert_int_equal(o.kind, PTW_SW_PAGEFILE);
	assert_int_equal(o.file, 1);
	assert_int_equal(o.offset, 0x1234);
	o = decode(PTW_MODE_X86, PTW_OS_WINDOWS, 1, 0x00304880, 0);
	assert_int_equal(o.kind, PTW_SW_TRANSITION);
	assert_int_equal(o.pfn, 0x304);
	/* prototype: 0x80000000 + High(31:11) << 10 + Low(8:1) << 2 */
	o = decode(PTW_MODE_X86, PTW_OS_WINDOWS, 1, 0x0000251a, 0);
	assert_int_equal(o.kind, PTW_SW_PROTOTYPE);
	assert_int_equal(o.proto, 0x80001234);
	o = decode(PTW_MODE_X86, PTW_OS_WINDOWS, 1, 0xfffffdfe | 0x400, 0);
	assert_int_equal(o.proto, 0x80000000ULL + (0x1fffffULL << 10) + (0xffULL << 2));
}

static void linux_entries(void **state)
{
	(void)state;
	/* x86-64: PROT_NONE stores its frame inverted (L1TF) */
	uint64_t e = (~0x324000ULL & 0x000ffffffffff000ULL) | 0x160;
	struct ptw_swpte o = decode(PTW_MODE_X64, PTW_OS_LINUX, 3, e, 0);
	assert_int_equal(o.kind, PTW_SW_PROTNONE);
	assert_int_equal(o.pfn, 0x324);
	/* a PROT_NONE huge page: PS kept, frame aligned to 2 MiB */
	e = (~0x6a00000ULL & 0x000ffffffffff000ULL) | 0x1e0;
	o = decode(PTW_MODE_X64, PTW_OS_LINUX, 2, e, 0);
	assert_int_equal(o.kind, PTW_SW_PROTNONE);
	assert_int_equal(o.pfn, 0x6a00);
	/* swap: type in 63:59, offset inverted from bit 9 */
	e = ((~0x1f3ULL << 14) >> 5) | (1ULL << 59);
	o = decode(PTW_MODE_X64, PTW_OS_LINUX, 3, e, 0);
	assert_int_equal(o.kind, PTW_SW_SWAP);
	assert_int_equal(o.file, 1);
	assert_int_equal(o.offset, 0x1f3);
	e = ((~0xabcdefULL << 14) >> 5) | (31ULL << 59);
	o = decode(PTW_MODE_X64, PTW_OS_LINUX, 3, e, 0);
	assert_int_equal(o.file, 31);
	assert_int_equal(o.offset, 0xabcdef);
	/* PAE: the same 64-bit encoding */
	e = ((~0x77ULL << 14) >> 5) | (2ULL << 59);
	o = decode(PTW_MODE_PAE, PTW_OS_LINUX, 2, e, 0);
	assert_int_equal(o.kind, PTW_SW_SWAP);
	assert_int_equal(o.file, 2);
	assert_int_equal(o.offset, 0x77);
	/* 2-level x86: nothing inverted; type in 5:1, offset from bit 9 */
	o = decode(PTW_MODE_X86, PTW_OS_LINUX, 1, 0x00345160, 0);
	assert_int_equal(o.kind, PTW_SW_PROTNONE);
	assert_int_equal(o.pfn, 0x345);
	o = decode(PTW_MODE_X86, PTW_OS_LINUX, 1, (0x1234u << 9) | (3u << 1), 0);
	assert_int_equal(o.kind, PTW_SW_SWAP);
	assert_int_equal(o.file, 3);
	assert_int_equal(o.offset, 0x1234);
}

static void protections_and_flags(void **state)
{
	(void)state;
	char b[48];
	assert_string_equal(ptw_win_protection(0, b, sizeof b), "0");
	assert_string_equal(ptw_win_protection(1, b, sizeof b), "1 - Readonly");
	assert_string_equal(ptw_win_protection(3, b, sizeof b), "3 - ExecuteRead");
	assert_string_equal(ptw_win_protection(4, b, sizeof b), "4 - ReadWrite");
	assert_string_equal(ptw_win_protection(7, b, sizeof b), "7 - ReadWriteCopyExecute");
	assert_string_equal(ptw_win_protection(0xc, b, sizeof b), "c - ReadWrite UC");
	assert_string_equal(ptw_win_protection(0x14, b, sizeof b), "14 - ReadWrite G");
	assert_string_equal(ptw_win_protection(0x10, b, sizeof b), "10 - Decommitted");
	assert_string_equal(ptw_win_protection(0x18, b, sizeof b), "18 - No Access");
	/* a transition page's flags: U/S from above, R/W and XD from its
	 * protection, never P */
	const struct ptw_mode *m = ptw_mode_get(PTW_MODE_X64);
	uint64_t acc = PTW_RW | PTW_US;
	assert_int_equal(ptw_soft_flags(m, acc, 4ULL << 5), PTW_RW | PTW_US | PTW_XD);
	assert_int_equal(ptw_soft_flags(m, acc, 3ULL << 5), PTW_US);
	assert_int_equal(ptw_soft_flags(m, acc, 6ULL << 5), PTW_RW | PTW_US);
	assert_int_equal(ptw_soft_flags(m, PTW_US | PTW_XD, 6ULL << 5), PTW_US | PTW_XD);
	assert_int_equal(ptw_soft_flags(m, PTW_RW, 4ULL << 5), PTW_RW | PTW_XD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(windows_x64),
		cmocka_unit_test(windows_32bit),
		cmocka_unit_test(linux_entries),
		cmocka_unit_test(protections_and_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
