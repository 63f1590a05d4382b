/* dump/elf.c — ELF cores (QEMU dump-guest-memory, /proc/vmcore, VirtualBox
 * dumpvmcore), read through libelf: x86 in ELFCLASS32 and ELFCLASS64, and
 * little-endian AArch64 (ELFCLASS64), as QEMU and /proc/vmcore write them.
 *
 * PT_LOAD p_paddr..p_paddr+p_memsz is physical memory, file bytes from
 * p_offset, zero-filled past p_filesz.  PT_NOTE may carry QEMU's per-vCPU
 * register state (name "QEMU", type 0: QEMUCPUState, x86 only) and the
 * guest's VMCOREINFO text.  An AArch64 core's NT_PRSTATUS holds X0-X30, SP,
 * PC and PSTATE, none of the translation registers (TTBR0/1_EL1, TCR_EL1):
 * it gives no struct ptw_cpu.
 */
#include "dump/dump.h"

#include <gelf.h>
#include <libelf.h>
#include <string.h>

/* No real core has more notes than this; a file whose PT_NOTE headers
 * repeat one region a million times is refused, not believed.  (The vCPUs
 * QEMU's notes describe are bounded in dump.c.) */
enum { MAX_NOTES = 65536 };

static bool elf_probe(const uint8_t *data, size_t size)
{
	return size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0;
}

static int read_notes(struct ptw_dump *d, Elf *e, const GElf_Phdr *ph,
		      size_t *nnotes, struct ptw_error *err)
{
	if (ph->p_offset > d->size || ph->p_filesz > d->size - ph->p_offset)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"ELF note segment at 0x%llx (0x%llx bytes) runs past the end of the file (0x%zx)",
				(unsigned long long)ph->p_offset,
				(unsigned long long)ph->p_filesz, d->size);
	if (ph->p_filesz == 0)
		return 0;
	Elf_Data *data = elf_getdata_rawchunk(e, (int64_t)ph->p_offset,
					      ph->p_filesz, ELF_T_NHDR);
	if (!data)
		return ptw_fail(err, PTW_ERR_FORMAT, "unreadable ELF note segment: %s",
				elf_errmsg(-1));
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;
	while (off < data->d_size) {
		size_t next = gelf_getnote(data, off, &nh, &name_off, &desc_off);
		if (next == 0)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"malformed ELF note at offset 0x%zx of the note segment",
					off);
		if (++*nnotes > MAX_NOTES)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"more than %d ELF notes: not a dump ptfs believes",
					MAX_NOTES);
		const char *name = (const char *)data->d_buf + name_off;
		const uint8_t *desc = (const uint8_t *)data->d_buf + desc_off;
		int rc = 0;
		if (nh.n_namesz == 5 && memcmp(name, "QEMU", 5) == 0 && nh.n_type == 0)
			rc = ptw_dump_add_qemu_cpu(d, desc, nh.n_descsz, err);
		else if (nh.n_namesz == 11 && memcmp(name, "VMCOREINFO", 11) == 0)
			rc = ptw_dump_set_vmcoreinfo(d, (const char *)desc,
						     nh.n_descsz, err);
		if (rc)
			return rc;
		off = next;
	}
	return 0;
}

/* The machine's name in messages, or NULL for one ptfs does not read. */
static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386: return "i386";
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "AArch64";
	default: return NULL;
	}
}

/* The machine from the header (libelf gives e_machine in host order
 * whatever the file's): x86 of either class, AArch64 in ELFCLASS64, all
 * little-endian. */
static int elf_machine(struct ptw_dump *d, const GElf_Ehdr *eh, int cls,
		       struct ptw_error *err)
{
	const char *name = machine_name(eh->e_machine);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		if (name)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"big-endian %s ELF core: ptfs reads little-endian dumps only",
					name);
		return ptw_fail(err, PTW_ERR_FORMAT,
				"big-endian ELF core for machine %u: ptfs reads little-endian x86 and AArch64 dumps only",
				(unsigned)eh->e_machine);
	}
	if (eh->e_type != ET_CORE)
		return ptw_fail(err, PTW_ERR_FORMAT,
				"ELF file is not a core dump (e_type %u, want ET_CORE)",
				(unsigned)eh->e_type);
	switch (eh->e_machine) {
	case EM_386:
		d->machine = PTW_MACHINE_I386;
		return 0;
	case EM_X86_64:
		d->machine = PTW_MACHINE_X86_64;
		return 0;
	case EM_AARCH64:
		/* AArch64 has no 32-bit kernel whose core this would be. */
		if (cls != ELFCLASS64)
			return ptw_fail(err, PTW_ERR_FORMAT,
					"ELFCLASS32 core for AArch64: AArch64 cores are ELFCLASS64");
		d->machine = PTW_MACHINE_AARCH64;
		return 0;
	default:
		return ptw_fail(err, PTW_ERR_FORMAT,
				"ELF core for machine %u: ptfs reads x86 and AArch64 dumps only",
				(unsigned)eh->e_machine);
	}
}

static int elf_open_image(struct ptw_dump *d, Elf *e, struct ptw_error *err)
{
	if (elf_kind(e) != ELF_K_ELF)
		return ptw_fail(err, PTW_ERR_FORMAT, "not an ELF object");
	GElf_Ehdr eh;
	if (!gelf_getehdr(e, &eh))
		return ptw_fail(err, PTW_ERR_FORMAT, "bad ELF header: %s",
				elf_errmsg(-1));
	int cls = gelf_getclass(e);
	if (cls != ELFCLASS32 && cls != ELFCLASS64)
		return ptw_fail(err, PTW_ERR_FORMAT, "bad ELF class %d", cls);
	d->format = cls == ELFCLASS32 ? "elf32" : "elf64";
	int rc = elf_machine(d, &eh, cls, err);
	if (rc)
		return rc;
	size_t phnum;
	if (elf_getphdrnum(e, &phnum) != 0)
		return ptw_fail(err, PTW_ERR_FORMAT, "bad ELF program header count: %s",
				elf_errmsg(-1));
	if (phnum == 0)
		return ptw_fail(err, PTW_ERR_FORMAT, "ELF core has no program headers");
	size_t nnotes = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph))
			return ptw_fail(err, PTW_ERR_FORMAT,
					"program header %zu is unreadable (truncated file?): %s",
					i, elf_errmsg(-1));
		rc = 0;
		if (ph.p_type == PT_LOAD) {
			if (ph.p_filesz > ph.p_memsz)
				return ptw_fail(err, PTW_ERR_FORMAT,
						"PT_LOAD %zu has p_filesz 0x%llx > p_memsz 0x%llx",
						i, (unsigned long long)ph.p_filesz,
						(unsigned long long)ph.p_memsz);
			rc = ptw_dump_add_segment(d, ph.p_paddr, ph.p_memsz, ph.p_offset,
						  ph.p_filesz, err);
		} else if (ph.p_type == PT_NOTE) {
			rc = read_notes(d, e, &ph, &nnotes, err);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int elf_open(struct ptw_dump *d, struct ptw_error *err)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return ptw_fail(err, PTW_ERR_FORMAT, "libelf is out of date: %s",
				elf_errmsg(-1));
	/* libelf only reads an image opened with elf_memory in the native byte
	 * order, which is checked above before anything else is used. */
	Elf *e = elf_memory((char *)d->data, d->size);
	if (!e)
		return ptw_fail(err, PTW_ERR_FORMAT, "not a valid ELF file: %s",
				elf_errmsg(-1));
	int rc = elf_open_image(d, e, err);
	elf_end(e);
	return rc;
}

const struct ptw_format ptw_format_elf = {
	.name = "elf",
	.what = "an ELF core",
	.probe = elf_probe,
	.open = elf_open,
};
