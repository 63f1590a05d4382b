/* test_dump.c — the dump readers: raw (at 0 or at a physical base) and ELF
 * (32 and 64; x86 and AArch64), LiME, ranges, holes, zero-filled tails,
 * notes, and every malformed input giving its error. */
#include "testutil.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define KiB 1024ULL

/* A 1 MiB image whose every 8-byte word holds its own address. */
static void addressed(struct gen *g, enum ptw_mode_id mode)
{
	gen_init(g, mode, 1024 * KiB, 0);
	for (uint64_t pa = 0; pa < g->size; pa += 8)
		memcpy(g->mem + pa, &pa, 8);
}

static uint64_t word_at(const ptw_dump *d, uint64_t pa, size_t *backed)
{
	uint64_t v;
	*backed = ptw_phys_read(d, pa, &v, 8);
	return v;
}

static void raw_ranges_and_reads(void **state)
{
	(void)state;
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_memory(g.mem, 1000 * KiB + 5, &d, NULL), 0);
	assert_string_equal(ptw_dump_format(d), "raw");
	const struct ptw_range *r;
	assert_int_equal(ptw_dump_ranges(d, &r), 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].size, 1000 * KiB + 5);
	assert_int_equal(ptw_dump_phys_end(d), 1000 * KiB + 5);
	size_t backed;
	assert_int_equal(word_at(d, 0x1238, &backed), 0x1238);
	assert_int_equal(backed, 8);
	/* straddling the end: 5 bytes held, 3 bytes of hole */
	uint64_t v = word_at(d, 1000 * KiB, &backed);
	assert_int_equal(backed, 5);
	assert_int_equal(v, (1000 * KiB) & 0xffffffffffULL);
	/* past the end: a hole to 2^64 */
	uint64_t run;
	assert_false(ptw_phys_present(d, 2000 * KiB, &run));
	assert_int_equal(run, 0 - 2000 * KiB);
	assert_true(ptw_phys_present(d, 10, &run));
	assert_int_equal(run, 1000 * KiB + 5 - 10);
	ptw_dump_close(d);
	gen_free(&g);
}

/* ELF with a hole and a zero-filled tail:
 *   [0, 256K) from the file; [256K, 512K) nothing; [512K, 768K) with only
 *   its first 64K in the file. */
static const char *holey_elf(struct gen *g, int cls, const char *name)
{
	struct gen_elf o = {
		.elfclass = cls, .machine = cls == ELFCLASS64 ? EM_X86_64 : EM_386,
		.seg = { { 0, 256 * KiB, 256 * KiB },
			 { 512 * KiB, 64 * KiB, 256 * KiB } },
		.nsegs = 2,
	};
	const char *path = test_path(name);
	assert_int_equal(gen_write_elf(g, &o, path), 0);
	return path;
}

static void check_holey(const ptw_dump *d)
{
	const struct ptw_range *r;
	assert_int_equal(ptw_dump_ranges(d, &r), 2);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].size, 256 * KiB);
	assert_int_equal(r[1].start, 512 * KiB);
	assert_int_equal(r[1].size, 256 * KiB);
	assert_int_equal(ptw_dump_phys_end(d), 768 * KiB);
	assert_int_equal(ptw_dump_phys_size(d), 512 * KiB);
	size_t backed;
	assert_int_equal(word_at(d, 0x3000, &backed), 0x3000);
	assert_int_equal(backed, 8);
	/* the hole: zeros, and not held */
	assert_int_equal(word_at(d, 300 * KiB, &backed), 0);
	assert_int_equal(backed, 0);
	uint64_t run;
	assert_false(ptw_phys_present(d, 300 * KiB, &run));
	assert_int_equal(run, 212 * KiB);
	/* from the file in the second range, then its zero tail (held) */
	assert_int_equal(word_at(d, 512 * KiB + 8, &backed), 512 * KiB + 8);
	assert_int_equal(word_at(d, 600 * KiB, &backed), 0);
	assert_int_equal(backed, 8);
	/* one read across range, hole, range */
	uint8_t buf[16];
	memset(buf, 0xff, sizeof buf);
	assert_int_equal(ptw_phys_read(d, 256 * KiB - 8, buf, 16), 8);
	uint64_t first;
	memcpy(&first, buf, 8);
	assert_int_equal(first, 256 * KiB - 8);
	for (int i = 8; i < 16; i++)
		assert_int_equal(buf[i], 0);
}

static void elf64_holes_and_tails(void **state)
{
	(void)state;
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	ptw_dump *d;
	struct ptw_error err = {0};
	assert_int_equal(ptw_dump_open(holey_elf(&g, ELFCLASS64, "h64.elf"), &d, &err), 0);
	assert_string_equal(ptw_dump_format(d), "elf64");
	assert_int_equal(ptw_dump_machine(d), PTW_MACHINE_X86_64);
	check_holey(d);
	ptw_dump_close(d);
	gen_free(&g);
}

static void elf32_holes_and_tails(void **state)
{
	(void)state;
	struct gen g;
	addressed(&g, PTW_MODE_X86);
	ptw_dump *d;
	struct ptw_error err = {0};
	assert_int_equal(ptw_dump_open(holey_elf(&g, ELFCLASS32, "h32.elf"), &d, &err), 0);
	assert_string_equal(ptw_dump_format(d), "elf32");
	assert_int_equal(ptw_dump_machine(d), PTW_MACHINE_I386);
	check_holey(d);
	ptw_dump_close(d);
	gen_free(&g);
}

static void elf_notes(void **state)
{
	(void)state;
	struct scenario s;
	ptw_dump *d = open_scenario("linux-x64", true, &s);
	const struct ptw_cpu *c;
	assert_int_equal(ptw_dump_cpus(d, &c), 1);
	assert_int_equal(c[0].index, 0);
	assert_int_equal(c[0].cr0, 0x80050033);
	assert_int_equal(c[0].cr3, 0x10b000);
	assert_int_equal(c[0].cr4, 0x6f0);
	char v[64];
	assert_true(ptw_vmcoreinfo_get(d, "OSRELEASE", v, sizeof v));
	assert_string_equal(v, "6.1.0-ptfs-sample");
	assert_true(ptw_vmcoreinfo_get(d, "NUMBER(phys_base)", v, sizeof v));
	assert_string_equal(v, "-38797312");
	assert_false(ptw_vmcoreinfo_get(d, "SYMBOL(nothing)", v, sizeof v));
	/* a key is matched whole, not as a prefix of another */
	assert_false(ptw_vmcoreinfo_get(d, "OSREL", v, sizeof v));
	ptw_dump_close(d);
	scenario_free(&s);
}

/* The ELF form of linux-x64, loaded for corruption. */
static uint8_t *elf_bytes(size_t *len)
{
	struct scenario s;
	assert_true(scenario_build("linux-x64", &s));
	const char *path = test_path("corrupt-src.elf");
	assert_int_equal(gen_write_elf(&s.g, &s.elf, path), 0);
	scenario_free(&s);
	return read_file(path, len);
}

static void expect_error(const void *data, size_t len, int code,
			 const char *fragment)
{
	ptw_dump *d = NULL;
	struct ptw_error err = {0};
	int rc = ptw_dump_open_memory(data, len, &d, &err);
	if (rc != code || !strstr(err.msg, fragment))
		fail_msg("want error %d containing \"%s\"; got %d \"%s\"", code,
			 fragment, rc, err.msg);
	assert_null(d);
}

/* ELF64 layout written by gen: ehdr 64, phdrs from 64 (56 each: NOTE, LOAD),
 * notes at 176 (QEMU note: 12-byte header, "QEMU\0" padded to 8). */
enum { PH0 = 64, PH_LOAD = 64 + 56, NOTES = 64 + 2 * 56, QEMU_DESC = NOTES + 20 };

static void elf_malformed(void **state)
{
	(void)state;
	size_t len;
	uint8_t *img = elf_bytes(&len);
	uint8_t *bad = malloc(len);
	assert_non_null(bad);

	expect_error(img, 0, PTW_ERR_FORMAT, "empty");
	/* cut inside the program headers */
	expect_error(img, 100, PTW_ERR_FORMAT, "program header");
	/* cut inside the memory: the PT_LOAD runs past the end */
	expect_error(img, len / 2, PTW_ERR_FORMAT, "truncated dump");
	/* not a core */
	memcpy(bad, img, len);
	bad[16] = ET_EXEC;
	expect_error(bad, len, PTW_ERR_FORMAT, "not a core dump");
	/* neither x86 nor AArch64 */
	memcpy(bad, img, len);
	bad[18] = EM_PPC64;
	expect_error(bad, len, PTW_ERR_FORMAT,
		     "ELF core for machine 21: ptfs reads x86 and AArch64 dumps only");
	/* p_filesz > p_memsz */
	memcpy(bad, img, len);
	uint64_t memsz = 0x1000;
	memcpy(bad + PH_LOAD + 40, &memsz, 8);
	expect_error(bad, len, PTW_ERR_FORMAT, "p_filesz 0x800000 > p_memsz 0x1000");
	/* a QEMU CPU note claiming to be shorter than CR4's offset */
	memcpy(bad, img, len);
	uint32_t small = 0x100;
	memcpy(bad + QEMU_DESC + 4, &small, 4);
	expect_error(bad, len, PTW_ERR_FORMAT, "QEMU CPU note 0 says it is 0x100 bytes");
	/* a PT_LOAD whose physical range wraps past 2^64 */
	memcpy(bad, img, len);
	uint64_t paddr = 0xfffffffffff00000ULL;
	memcpy(bad + PH_LOAD + 24, &paddr, 8);
	expect_error(bad, len, PTW_ERR_FORMAT, "wraps past 2^64");
	/* a note segment pointing past the end */
	memcpy(bad, img, len);
	uint64_t off = len + 4096;
	memcpy(bad + PH0 + 8, &off, 8);
	expect_error(bad, len, PTW_ERR_FORMAT, "note segment");
	/* bad class */
	memcpy(bad, img, len);
	bad[EI_CLASS] = 7;
	expect_error(bad, len, PTW_ERR_FORMAT, "ELF");
	/* only the magic */
	expect_error(img, 4, PTW_ERR_FORMAT, "ELF");
	free(bad);
	free(img);
}

static void elf_overlaps_trimmed(void **state)
{
	(void)state;
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	/* kdump's ELF lists kernel text again inside the direct-map segment:
	 * the earlier segment (in PA order) wins where they overlap */
	struct gen_elf o = {
		.elfclass = ELFCLASS64, .machine = EM_X86_64,
		.seg = { { 0, 512 * KiB, 512 * KiB }, { 256 * KiB, 512 * KiB, 512 * KiB } },
		.nsegs = 2,
	};
	const char *path = test_path("overlap.elf");
	assert_int_equal(gen_write_elf(&g, &o, path), 0);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open(path, &d, NULL), 0);
	const struct ptw_range *r;
	assert_int_equal(ptw_dump_ranges(d, &r), 1);
	assert_int_equal(r[0].size, 768 * KiB);
	size_t backed;
	assert_int_equal(word_at(d, 700 * KiB, &backed), 700 * KiB);
	ptw_dump_close(d);
	gen_free(&g);
}

static void open_errors_name_the_file(void **state)
{
	(void)state;
	ptw_dump *d;
	struct ptw_error err = {0};
	assert_int_equal(ptw_dump_open("/nonexistent/dump.raw", &d, &err), PTW_ERR_IO);
	assert_non_null(strstr(err.msg, "cannot open /nonexistent/dump.raw"));
	const char *empty = write_file("empty.raw", "", 0);
	assert_int_equal(ptw_dump_open(empty, &d, &err), PTW_ERR_FORMAT);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(ptw_dump_open(test_dir(), &d, &err), PTW_ERR_IO);
	assert_non_null(strstr(err.msg, "not a regular file"));
	/* a truncated file names the file and the problem */
	size_t len;
	uint8_t *img = elf_bytes(&len);
	const char *cut = write_file("cut.elf", img, len - 4096);
	assert_int_equal(ptw_dump_open(cut, &d, &err), PTW_ERR_FORMAT);
	assert_non_null(strstr(err.msg, "cut.elf: "));
	assert_non_null(strstr(err.msg, "truncated dump?"));
	free(img);
}

static void no_wrap_past_2_64(void **state)
{
	(void)state;
	static uint8_t mem[4096];
	memset(mem, 'A', sizeof mem);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_memory(mem, sizeof mem, &d, NULL), 0);
	uint8_t buf[64];
	memset(buf, 0xff, sizeof buf);
	/* physical memory ends at 2^64: nothing wraps round to address 0 */
	assert_int_equal(ptw_phys_read(d, UINT64_MAX - 15, buf, sizeof buf), 0);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0);
	ptw_dump_close(d);
}

/* An ELF64 core whose one PT_NOTE holds n QEMU CPU notes. */
static const char *many_cpus_elf(unsigned n)
{
	size_t len = ((64 + 2 * 56 + (size_t)n * 0x1c4 + 4095) & ~4095UL) + 4096;
	uint8_t *f = gen_qemu_notes_elf(len, 1, n);
	const char *path = write_file("many-cpus.elf", f, len);
	free(f);
	return path;
}

static void bounded_notes(void **state)
{
	(void)state;
	ptw_dump *d;
	struct ptw_error err = {0};
	assert_int_equal(ptw_dump_open(many_cpus_elf(4096), &d, &err), 0);
	const struct ptw_cpu *c;
	assert_int_equal(ptw_dump_cpus(d, &c), 4096);
	assert_int_equal(c[4095].index, 4095);
	ptw_dump_close(d);
	assert_int_equal(ptw_dump_open(many_cpus_elf(4097), &d, &err), PTW_ERR_FORMAT);
	assert_non_null(strstr(err.msg, "more than 4096 QEMU CPU notes"));
}

static void tables_across_segments(void **state)
{
	(void)state;
	/* The segment boundary falls inside a KPTI user copy: the table is
	 * still whole in the dump, and its pair is still found. */
	struct scenario s;
	assert_true(scenario_build("linux-x64", &s));
	uint64_t cut = s.user[0] + 0x800;
	struct gen_elf o = s.elf;
	o.seg[0] = (struct gen_segment){ 0, cut, cut };
	o.seg[1] = (struct gen_segment){ cut, s.g.size - cut, s.g.size - cut };
	o.nsegs = 2;
	const char *path = test_path("straddle.elf");
	assert_int_equal(gen_write_elf(&s.g, &o, path), 0);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open(path, &d, NULL), 0);
	struct ptw_space sp;
	assert_int_equal(ptw_space_init(&sp, d, ptw_mode_get(PTW_MODE_X64), s.user[0], NULL), 0);
	uint64_t run;
	assert_true(ptw_phys_present(d, 0x1000, &run));
	assert_int_equal(run, s.g.size - 0x1000); /* to the range's end, not the segment's */
	struct ptw_spaces all;
	discover(d, &all);
	const struct ptw_space *u = ptw_spaces_find(&all, s.user[0]);
	assert_non_null(u);
	assert_int_equal(u->kpti_peer, s.proc[0]);
	ptw_spaces_free(&all);
	ptw_dump_close(d);
	scenario_free(&s);
}

static void segments_beyond_52_bits_and_aliases(void **state)
{
	(void)state;
	size_t len;
	uint8_t *img = elf_bytes(&len);
	uint8_t *bad = malloc(len);
	assert_non_null(bad);
	/* a PT_LOAD near 2^64 (a crafted 16 KiB file once crashed the scan) */
	memcpy(bad, img, len);
	uint64_t paddr = 0xfffffffffffff001ULL, filesz = 16, memsz = 16;
	memcpy(bad + PH_LOAD + 24, &paddr, 8);
	memcpy(bad + PH_LOAD + 32, &filesz, 8);
	memcpy(bad + PH_LOAD + 40, &memsz, 8);
	expect_error(bad, len, PTW_ERR_FORMAT, "reaches past 2^52");
	/* at 2^63: no file size a stat can hold */
	paddr = 1ULL << 63;
	memcpy(bad + PH_LOAD + 24, &paddr, 8);
	expect_error(bad, len, PTW_ERR_FORMAT, "reaches past 2^52");
	free(bad);
	free(img);
	/* two PT_LOADs over the same file bytes */
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	struct gen_elf o = {
		.elfclass = ELFCLASS64, .machine = EM_X86_64,
		.seg = { { 0, 64 * KiB, 64 * KiB }, { 128 * KiB, 64 * KiB, 64 * KiB } },
		.nsegs = 2,
	};
	const char *path = test_path("alias.elf");
	assert_int_equal(gen_write_elf(&g, &o, path), 0);
	gen_free(&g);
	img = read_file(path, &len);
	/* no notes here: the PT_LOADs are headers 0 and 1; the second takes
	 * the first one's p_offset */
	uint64_t off;
	memcpy(&off, img + PH0 + 8, 8);
	memcpy(img + PH0 + 56 + 8, &off, 8);
	expect_error(img, len, PTW_ERR_FORMAT, "share file bytes");
	free(img);
}

/* ---- AArch64 ---------------------------------------------------------------- */

#define ARM_RAM 0x40000000ULL

static const char ARM_VMCOREINFO[] =
	"OSRELEASE=6.1.0-57-arm64\nPAGESIZE=4096\n"
	"SYMBOL(swapper_pg_dir)=ffffdb608a658000\nNUMBER(VA_BITS)=48\n"
	"NUMBER(kimage_voffset)=0xffffdb6048e00000\nNUMBER(PHYS_OFFSET)=0x40000000\n";

/* As QEMU's dump-guest-memory and /proc/vmcore write an arm64 core: RAM
 * at 0x40000000 ([0, 512K) and [768K, 1M) of the image there, the second
 * zero-filled past 128K), NT_PRSTATUS per vCPU, VMCOREINFO; a QEMU CPU
 * note too, which QEMU writes for x86 guests only and which says nothing
 * of an AArch64 CPU. */
static struct gen_elf arm_elf(void)
{
	struct gen_elf o = {
		.elfclass = ELFCLASS64, .machine = EM_AARCH64,
		.seg = { { 0, 512 * KiB, 512 * KiB }, { 768 * KiB, 128 * KiB, 256 * KiB } },
		.nsegs = 2, .paddr_base = ARM_RAM, .nprstatus = 2, .ncpus = 1,
		.vmcoreinfo = ARM_VMCOREINFO,
	};
	o.cpu[0] = gen_cpu_for(PTW_MODE_X64, 0x1000);
	return o;
}

static void elf_aarch64(void **state)
{
	(void)state;
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	struct gen_elf o = arm_elf();
	const char *path = test_path("arm64.elf");
	assert_int_equal(gen_write_elf(&g, &o, path), 0);
	ptw_dump *d;
	struct ptw_error err = {0};
	if (ptw_dump_open(path, &d, &err))
		fail_msg("open: %s", err.msg);
	assert_string_equal(ptw_dump_format(d), "elf64");
	assert_int_equal(ptw_dump_machine(d), PTW_MACHINE_AARCH64);
	const struct ptw_range *r;
	assert_int_equal(ptw_dump_ranges(d, &r), 2);
	assert_int_equal(r[0].start, ARM_RAM);
	assert_int_equal(r[0].size, 512 * KiB);
	assert_int_equal(r[1].start, ARM_RAM + 768 * KiB);
	assert_int_equal(r[1].size, 256 * KiB);
	assert_int_equal(ptw_dump_phys_end(d), ARM_RAM + 1024 * KiB);
	/* p_paddr is the physical address: the image's word at 0x1238 is at
	 * PA 0x40001238 */
	size_t backed;
	assert_int_equal(word_at(d, ARM_RAM + 0x1238, &backed), 0x1238);
	assert_int_equal(backed, 8);
	assert_int_equal(word_at(d, ARM_RAM + 800 * KiB, &backed), 800 * KiB);
	assert_int_equal(word_at(d, ARM_RAM + 900 * KiB, &backed), 0); /* zero fill */
	assert_int_equal(backed, 8);
	/* below the RAM and between its ranges: holes */
	assert_int_equal(word_at(d, 0x1238, &backed), 0);
	assert_int_equal(backed, 0);
	assert_int_equal(word_at(d, ARM_RAM - 8, &backed), 0);
	assert_int_equal(backed, 0);
	assert_false(ptw_phys_present(d, ARM_RAM + 600 * KiB, NULL));
	/* no translation registers in an AArch64 core */
	const struct ptw_cpu *c;
	assert_int_equal(ptw_dump_cpus(d, &c), 0);
	char v[64];
	assert_true(ptw_vmcoreinfo_get(d, "OSRELEASE", v, sizeof v));
	assert_string_equal(v, "6.1.0-57-arm64");
	assert_true(ptw_vmcoreinfo_get(d, "NUMBER(PHYS_OFFSET)", v, sizeof v));
	assert_string_equal(v, "0x40000000");
	ptw_dump_close(d);
	gen_free(&g);
}

static void expect_file_error(const char *path, const char *fragment)
{
	ptw_dump *d = NULL;
	struct ptw_error err = {0};
	int rc = ptw_dump_open(path, &d, &err);
	if (rc != PTW_ERR_FORMAT || !strstr(err.msg, fragment))
		fail_msg("want an error containing \"%s\"; got %d \"%s\"", fragment,
			 rc, err.msg);
	assert_null(d);
}

/* Big-endian AArch64 (and x86, which has none), and a 32-bit AArch64
 * core, which no kernel writes: refused, saying why. */
static void elf_aarch64_refused(void **state)
{
	(void)state;
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	struct gen_elf o = arm_elf();
	o.big_endian = true;
	const char *path = test_path("arm64be.elf");
	assert_int_equal(gen_write_elf(&g, &o, path), 0);
	size_t len;
	uint8_t *f = read_file(path, &len);
	assert_int_equal(f[EI_DATA], ELFDATA2MSB);
	assert_int_equal(f[18] << 8 | f[19], EM_AARCH64); /* big-endian e_machine */
	free(f);
	expect_file_error(path, "big-endian AArch64 ELF core: ptfs reads little-endian dumps only");
	o.machine = EM_X86_64;
	assert_int_equal(gen_write_elf(&g, &o, path), 0);
	expect_file_error(path, "big-endian x86-64 ELF core: ptfs reads little-endian dumps only");
	o.machine = EM_PPC64;
	assert_int_equal(gen_write_elf(&g, &o, path), 0);
	expect_file_error(path, "big-endian ELF core for machine 21: ptfs reads little-endian x86 and AArch64 dumps only");
	o = arm_elf();
	o.elfclass = ELFCLASS32;
	o.nsegs = 1;
	o.paddr_base = 0;
	path = test_path("arm32.elf");
	assert_int_equal(gen_write_elf(&g, &o, path), 0);
	expect_file_error(path, "ELFCLASS32 core for AArch64: AArch64 cores are ELFCLASS64");
	gen_free(&g);
}

/* ---- a raw image's physical base ------------------------------------------ */

/* A raw image of RAM alone, whose first byte is PA phys_base: from memory
 * and from its file, the range starts there, every byte is the file's at
 * its offset, and below it is a hole. */
static void raw_phys_base(void **state)
{
	(void)state;
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	const char *path = test_path("ram.raw");
	assert_int_equal(gen_write_raw(&g, path), 0);
	const struct ptw_dump_opts o = { .phys_base = ARM_RAM };
	for (int file = 0; file < 2; file++) {
		ptw_dump *d = NULL;
		struct ptw_error err = {0};
		int rc = file ? ptw_dump_open_with(path, &o, &d, &err)
			      : ptw_dump_open_memory_with(g.mem, g.size, &o, &d, &err);
		if (rc)
			fail_msg("open: %s", err.msg);
		assert_string_equal(ptw_dump_format(d), "raw");
		const struct ptw_range *r;
		assert_int_equal(ptw_dump_ranges(d, &r), 1);
		assert_int_equal(r[0].start, ARM_RAM);
		assert_int_equal(r[0].size, g.size);
		assert_int_equal(ptw_dump_phys_end(d), ARM_RAM + g.size);
		size_t backed;
		for (uint64_t off = 0; off < g.size; off += 0x1f38)
			assert_int_equal(word_at(d, ARM_RAM + off, &backed), off);
		uint8_t page[4096];
		assert_int_equal(ptw_phys_read(d, ARM_RAM + 0x3000, page, sizeof page),
				 sizeof page);
		assert_memory_equal(page, g.mem + 0x3000, sizeof page);
		/* below the base, and straddling it: a hole, then the file */
		uint64_t run;
		assert_false(ptw_phys_present(d, 0, &run));
		assert_int_equal(run, ARM_RAM);
		assert_int_equal(word_at(d, 0x1238, &backed), 0);
		assert_int_equal(backed, 0);
		uint8_t buf[24];
		memset(buf, 0xff, sizeof buf);
		assert_int_equal(ptw_phys_read(d, ARM_RAM - 8, buf, sizeof buf), 16);
		for (int i = 0; i < 8; i++)
			assert_int_equal(buf[i], 0);
		uint64_t w;
		memcpy(&w, buf + 16, 8); /* the file's word at offset 8 */
		assert_int_equal(w, 8);
		assert_int_equal(word_at(d, ARM_RAM + g.size, &backed), 0);
		assert_int_equal(backed, 0);
		ptw_dump_close(d);
	}
	/* zero: the default, the file's first byte at PA 0 */
	const struct ptw_dump_opts zero = { 0 };
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_with(path, &zero, &d, NULL), 0);
	const struct ptw_range *r;
	assert_int_equal(ptw_dump_ranges(d, &r), 1);
	assert_int_equal(r[0].start, 0);
	ptw_dump_close(d);
	gen_free(&g);
}

static void expect_base_error(const char *path, uint64_t base, const char *fragment)
{
	const struct ptw_dump_opts o = { .phys_base = base };
	ptw_dump *d = NULL;
	struct ptw_error err = {0};
	int rc = ptw_dump_open_with(path, &o, &d, &err);
	if (rc != PTW_ERR_INVALID || !strstr(err.msg, fragment))
		fail_msg("base %#llx: want an error containing \"%s\"; got %d \"%s\"",
			 (unsigned long long)base, fragment, rc, err.msg);
	assert_null(d);
}

/* A base for a format that places its memory itself, an unaligned one,
 * one that moves the image past 2^64 or 2^52: refused, saying which. */
static void raw_phys_base_refused(void **state)
{
	(void)state;
	struct gen_elf o = arm_elf();
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	const char *elf = test_path("base.elf");
	assert_int_equal(gen_write_elf(&g, &o, elf), 0);
	const char *raw = test_path("base.raw");
	assert_int_equal(gen_write_raw(&g, raw), 0);
	const struct gen_segment seg = { 0x1000, 0x9f000, 0 };
	const char *lime = test_path("base.lime");
	assert_int_equal(gen_write_lime(&g, &seg, 1, lime), 0);
	gen_free(&g);

	expect_base_error(elf, ARM_RAM, "base.elf: a physical base (--phys-base 0x40000000) applies to raw images only; this is an ELF core");
	expect_base_error(lime, 0x80000000, "applies to raw images only; this is a LiME capture");
	expect_base_error(raw, ARM_RAM + 0x800, "the physical base (--phys-base 0x40000800) is not 4 KiB-aligned");
	expect_base_error(raw, 1, "is not 4 KiB-aligned");
	/* past 2^64 (wrapping), at 2^63, and just past 2^52 */
	expect_base_error(raw, 0xfffffffffff00000ULL,
			  "the physical base (--phys-base 0xfffffffffff00000) puts the image's end past 2^52, beyond any x86 or AArch64 physical address (an image of 0x100000 bytes)");
	expect_base_error(raw, 1ULL << 63, "puts the image's end past 2^52");
	expect_base_error(raw, (1ULL << 52) - 0x80000,
			  "the physical base (--phys-base 0xffffffff80000) puts the image's end past 2^52");
	/* the last base that fits */
	const struct ptw_dump_opts top = { .phys_base = (1ULL << 52) - 0x100000 };
	ptw_dump *d;
	assert_int_equal(ptw_dump_open_with(raw, &top, &d, NULL), 0);
	assert_int_equal(ptw_dump_phys_end(d), 1ULL << 52);
	ptw_dump_close(d);
	/* zero for the others: the default */
	const struct ptw_dump_opts zero = { 0 };
	assert_int_equal(ptw_dump_open_with(elf, &zero, &d, NULL), 0);
	ptw_dump_close(d);
	assert_int_equal(ptw_dump_open_with(elf, NULL, &d, NULL), 0);
	ptw_dump_close(d);
}

/* LiME: two ranges around a hole, end addresses inclusive. */
static void lime_ranges(void **state)
{
	(void)state;
	struct gen g;
	addressed(&g, PTW_MODE_X64);
	const struct gen_segment seg[] = { { 0x1000, 0x9f000, 0 },
					   { 0xc0000, 0x1234, 0 } };
	const char *path = test_path("two.lime");
	assert_int_equal(gen_write_lime(&g, seg, 2, path), 0);
	ptw_dump *d;
	assert_int_equal(ptw_dump_open(path, &d, NULL), 0);
	assert_string_equal(ptw_dump_format(d), "lime");
	const struct ptw_range *r;
	assert_int_equal(ptw_dump_ranges(d, &r), 2);
	assert_int_equal(r[0].start, 0x1000);
	assert_int_equal(r[0].size, 0x9f000);
	assert_int_equal(r[1].start, 0xc0000);
	assert_int_equal(r[1].size, 0x1234);
	assert_int_equal(ptw_dump_phys_end(d), 0xc1234);
	size_t backed;
	assert_int_equal(word_at(d, 0x1000, &backed), 0x1000);
	assert_int_equal(backed, 8);
	assert_int_equal(word_at(d, 0x9fff8, &backed), 0x9fff8);
	assert_int_equal(word_at(d, 0xa0000, &backed), 0); /* the hole */
	assert_int_equal(backed, 0);
	assert_int_equal(word_at(d, 0xc1228, &backed), 0xc1228);
	assert_int_equal(word_at(d, 0x800, &backed), 0); /* below the first */
	assert_int_equal(backed, 0);
	ptw_dump_close(d);

	size_t len;
	uint8_t *img = read_file(path, &len);
	assert_int_equal(len, 2 * 32 + 0x9f000 + 0x1234);
	/* cut short: in the second header, then in its data */
	expect_error(img, 32 + 0x9f000 + 20, PTW_ERR_FORMAT,
		     "LiME range 1: header at offset 0x9f020 is cut short (file ends at 0x9f034)");
	expect_error(img, len - 1, PTW_ERR_FORMAT,
		     "LiME range 1 (0xc0000-0xc1233) wants 0x1234 bytes at offset 0x9f040 but the file ends at 0xa0273");
	uint8_t *bad = malloc(len);
	memcpy(bad, img, len);
	bad[32 + 0x9f000] ^= 1; /* the second magic */
	expect_error(bad, len, PTW_ERR_FORMAT, "LiME range 1: bad magic 0x4c694d44 at offset 0x9f020");
	memcpy(bad, img, len);
	bad[4] = 2;
	expect_error(bad, len, PTW_ERR_FORMAT, "LiME range 0: version 2, only 1 is known");
	memcpy(bad, img, len);
	uint64_t end = 0x800; /* below its start */
	memcpy(bad + 16, &end, 8);
	expect_error(bad, len, PTW_ERR_FORMAT, "LiME range 0: end 0x800 lies below start 0x1000");
	memcpy(bad, img, len);
	end = UINT64_MAX; /* a length of 2^64 - 0x1000 */
	memcpy(bad + 16, &end, 8);
	expect_error(bad, len, PTW_ERR_FORMAT, "wants 0xfffffffffffff000 bytes at offset 0x20");
	free(bad);
	free(img);
	gen_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raw_ranges_and_reads),
		cmocka_unit_test(elf64_holes_and_tails),
		cmocka_unit_test(elf32_holes_and_tails),
		cmocka_unit_test(elf_notes),
		cmocka_unit_test(elf_malformed),
		cmocka_unit_test(elf_overlaps_trimmed),
		cmocka_unit_test(open_errors_name_the_file),
		cmocka_unit_test(no_wrap_past_2_64),
		cmocka_unit_test(bounded_notes),
		cmocka_unit_test(tables_across_segments),
		cmocka_unit_test(segments_beyond_52_bits_and_aliases),
		cmocka_unit_test(lime_ranges),
		cmocka_unit_test(elf_aarch64),
		cmocka_unit_test(elf_aarch64_refused),
		cmocka_unit_test(raw_phys_base),
		cmocka_unit_test(raw_phys_base_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
