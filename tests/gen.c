/* gen.c — synthetic physical memory with page tables (see gen.h). */
#include "gen.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void gen_init(struct gen *g, enum ptw_mode_id mode, uint64_t size,
	      uint64_t alloc_base)
{
	g->mem = calloc(1, size);
	if (!g->mem) {
		perror("gen_init");
		abort();
	}
	g->size = size;
	g->next = alloc_base;
	g->mode = ptw_mode_get(mode);
	g->table_bits = GEN_TABLE;
}

void gen_free(struct gen *g)
{
	free(g->mem);
	g->mem = NULL;
}

uint64_t gen_self_loop(struct gen *g)
{
	uint64_t t = gen_page(g);
	for (unsigned i = 0; i < 4096 / g->mode->entry_size; i++)
		gen_set(g, t + (uint64_t)i * g->mode->entry_size, t | 0x67);
	return t;
}

uint64_t gen_page(struct gen *g)
{
	if (g->next + 4096 > g->size) {
		fprintf(stderr, "gen: out of physical memory at %#llx\n",
			(unsigned long long)g->next);
		abort();
	}
	uint64_t pa = g->next;
	g->next += 4096;
	memset(g->mem + pa, 0, 4096);
	return pa;
}

uint64_t gen_pair(struct gen *g)
{
	if (g->next & 0x1000)
		gen_page(g);
	uint64_t pa = gen_page(g);
	gen_page(g);
	return pa;
}

static void check(const struct gen *g, uint64_t pa, size_t n)
{
	if (pa > g->size || n > g->size - pa) {
		fprintf(stderr, "gen: %#llx+%zu outside the image\n",
			(unsigned long long)pa, n);
		abort();
	}
}

uint64_t gen_get(const struct gen *g, uint64_t pa)
{
	unsigned es = g->mode->entry_size;
	check(g, pa, es);
	uint64_t v = 0;
	for (unsigned i = es; i-- > 0;)
		v = v << 8 | g->mem[pa + i];
	return v;
}

void gen_set(struct gen *g, uint64_t pa, uint64_t value)
{
	unsigned es = g->mode->entry_size;
	check(g, pa, es);
	for (unsigned i = 0; i < es; i++)
		g->mem[pa + i] = (uint8_t)(value >> (8 * i));
}

void gen_write(struct gen *g, uint64_t pa, const void *p, size_t n)
{
	check(g, pa, n);
	memcpy(g->mem + pa, p, n);
}

void gen_fill_page(struct gen *g, uint64_t pa, const char *text)
{
	check(g, pa, 4096);
	size_t n = strlen(text);
	for (size_t off = 0; off + n <= 4096; off += n + 1)
		memcpy(g->mem + pa + off, text, n);
}

static unsigned level_of_size(const struct ptw_mode *m, uint64_t size)
{
	for (unsigned l = 0; l < m->nlevels; l++)
		if (ptw_level_span(m, l) == size)
			return l;
	fprintf(stderr, "gen: no %#llx pages in %s\n", (unsigned long long)size,
		m->name);
	abort();
}

uint64_t gen_entry(struct gen *g, uint64_t top, uint64_t va, unsigned lvl)
{
	const struct ptw_mode *m = g->mode;
	uint64_t table = top;
	for (unsigned l = 0;; l++) {
		const struct ptw_level *L = &m->level[l];
		unsigned idx = (unsigned)((va >> L->shift) & ((1ULL << L->bits) - 1));
		uint64_t ea = table + (uint64_t)idx * m->entry_size;
		if (l == lvl)
			return ea;
		uint64_t e = gen_get(g, ea);
		if (!(e & PTW_P)) {
			uint64_t t = gen_page(g);
			uint64_t bits = (m->id == PTW_MODE_PAE && l == 0) ? PTW_P : g->table_bits;
			e = t | bits;
			gen_set(g, ea, e);
		}
		table = e & L->addr_table;
	}
}

void gen_map(struct gen *g, uint64_t top, uint64_t va, uint64_t pa,
	     uint64_t size, uint64_t flags)
{
	const struct ptw_mode *m = g->mode;
	unsigned lvl = level_of_size(m, size);
	uint64_t e = pa | flags | PTW_P;
	if (lvl + 1 < m->nlevels) {
		e = (pa & 0xffffffffULL & ~(size - 1)) | flags | PTW_P | PTW_PS;
		struct ptw_oa_bits f = m->level[lvl].oa_leaf; /* PSE-36 */
		if (f.width)
			e |= ((pa >> f.to) & ((1ULL << f.width) - 1)) << f.from;
		else
			e |= pa & ~0xffffffffULL;
	}
	gen_set(g, gen_entry(g, top, va, lvl), e);
}

void gen_copy_entries(struct gen *g, uint64_t from, uint64_t to,
		      unsigned first, unsigned count)
{
	unsigned es = g->mode->entry_size;
	for (unsigned i = first; i < first + count; i++)
		gen_set(g, to + (uint64_t)i * es, gen_get(g, from + (uint64_t)i * es));
}

struct gen_cpu gen_cpu_for(enum ptw_mode_id mode, uint64_t cr3)
{
	struct gen_cpu c = { .cr0 = 0x80050033, .cr3 = cr3, .cr4 = 0x6f0 };
	if (mode == PTW_MODE_X86)
		c.cr4 = 0x690;                      /* PSE, no PAE */
	if (mode == PTW_MODE_LA57)
		c.cr4 |= 1ULL << 12;
	return c;
}

/* ---- files ---------------------------------------------------------------- */

int gen_write_raw(const struct gen *g, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(g->mem, 1, g->size, f);
	int rc = fclose(f);
	return n == g->size && rc == 0 ? 0 : -1;
}

int gen_write_lime(const struct gen *g, const struct gen_segment *seg,
		   unsigned nsegs, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	bool ok = true;
	for (unsigned i = 0; i < nsegs && ok; i++) {
		uint32_t magic = 0x4C694D45, version = 1;
		uint64_t start = seg[i].pa, end = seg[i].pa + seg[i].filesz - 1, zero = 0;
		ok = fwrite(&magic, 4, 1, f) == 1 && fwrite(&version, 4, 1, f) == 1 &&
		     fwrite(&start, 8, 1, f) == 1 && fwrite(&end, 8, 1, f) == 1 &&
		     fwrite(&zero, 8, 1, f) == 1 &&
		     fwrite(g->mem + seg[i].pa, 1, seg[i].filesz, f) == seg[i].filesz;
	}
	int rc = fclose(f);
	return ok && rc == 0 ? 0 : -1;
}

/* ELF notes: 4-byte words, name and desc padded to 4, in both classes. */
static size_t note_put(uint8_t *buf, const char *name, uint32_t type,
		       const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t off = 0;
	memcpy(buf + off, &namesz, 4), off += 4;
	memcpy(buf + off, &descsz, 4), off += 4;
	memcpy(buf + off, &type, 4), off += 4;
	memcpy(buf + off, name, namesz), off += (namesz + 3) & ~3u;
	memcpy(buf + off, desc, descsz), off += (descsz + 3) & ~3u;
	return off;
}

/* QEMUCPUState version 1: 0x1b0 bytes, cr[0..4] at 0x188. */
static size_t qemu_cpu_note(uint8_t *buf, const struct gen_cpu *c)
{
	uint8_t desc[0x1b0] = {0};
	uint32_t version = 1, size = sizeof desc;
	memcpy(desc + 0, &version, 4);
	memcpy(desc + 4, &size, 4);
	memcpy(desc + 0x188, &c->cr0, 8);
	memcpy(desc + 0x1a0, &c->cr3, 8);
	memcpy(desc + 0x1a8, &c->cr4, 8);
	return note_put(buf, "QEMU", 0, desc, sizeof desc);
}

uint8_t *gen_qemu_notes_elf(size_t size, unsigned nph, size_t nnotes)
{
	enum { DESC = 0x1b0 };
	uint8_t *f = calloc(1, size);
	if (!f)
		abort();
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof *eh;
	eh->e_ehsize = sizeof *eh;
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (Elf64_Half)(nph + 1);
	size_t notes = (sizeof *eh + (nph + 1) * sizeof(Elf64_Phdr) + 7) & ~(size_t)7;
	size_t load = size - 4096;
	/* one QEMU note: header, "QEMU\0" padded to 8, QEMUCPUState v1 */
	uint8_t note[12 + 8 + DESC] = {0};
	uint32_t hdr[3] = { 5, DESC, 0 }, ver = 1, len = DESC;
	uint64_t cr0 = 0x80050033, cr4 = 0x6f0;
	memcpy(note, hdr, sizeof hdr);
	memcpy(note + 12, "QEMU", 5);
	memcpy(note + 20, &ver, 4);
	memcpy(note + 24, &len, 4);
	memcpy(note + 20 + 0x188, &cr0, 8);
	memcpy(note + 20 + 0x1a8, &cr4, 8);
	size_t room = (load - notes) / sizeof note;
	if (nnotes == 0 || nnotes > room)
		nnotes = room;
	for (size_t i = 0; i < nnotes; i++)
		memcpy(f + notes + i * sizeof note, note, sizeof note);
	Elf64_Phdr *ph = (Elf64_Phdr *)(f + eh->e_phoff);
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = load,
			      .p_filesz = 4096, .p_memsz = 4096, .p_align = 1 };
	for (unsigned i = 1; i <= nph; i++)
		ph[i] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = notes,
				      .p_filesz = nnotes * sizeof note, .p_align = 4 };
	return f;
}

int gen_write_elf(const struct gen *g, const struct gen_elf *o,
		  const char *path)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	Elf *e = elf_begin(fd, ELF_C_WRITE, NULL);
	int rc = -1;
	uint8_t *notes = NULL;
	if (!e)
		goto out;
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	GElf_Ehdr eh;
	if (!gelf_newehdr(e, o->elfclass))
		goto out;

	/* The notes: NT_PRSTATUS and one QEMU CPU state per vCPU, then
	 * VMCOREINFO. */
	enum { PRSTATUS_AARCH64 = 392 };
	static const uint8_t prstatus[PRSTATUS_AARCH64];
	size_t vlen = o->vmcoreinfo ? strlen(o->vmcoreinfo) : 0;
	notes = calloc(1, (o->ncpus + o->nprstatus) * 0x200 + vlen + 64);
	size_t nlen = 0;
	for (unsigned i = 0; i < o->nprstatus; i++)
		nlen += note_put(notes + nlen, "CORE", NT_PRSTATUS, prstatus,
				 sizeof prstatus);
	for (unsigned i = 0; i < o->ncpus; i++)
		nlen += qemu_cpu_note(notes + nlen, &o->cpu[i]);
	if (o->vmcoreinfo)
		nlen += note_put(notes + nlen, "VMCOREINFO", 0, o->vmcoreinfo,
				 (uint32_t)vlen);

	struct gen_segment whole = { 0, g->size, g->size };
	const struct gen_segment *seg = o->nsegs ? o->seg : &whole;
	unsigned nsegs = o->nsegs ? o->nsegs : 1;
	size_t nph = nsegs + (nlen ? 1 : 0);
	size_t ehsz = o->elfclass == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phsz = o->elfclass == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (!gelf_newphdr(e, nph))
		goto out;

	/* Layout: headers, notes, then each segment's bytes. */
	uint64_t off = ehsz + nph * phsz;
	size_t ph = 0;
	if (nlen) {
		Elf_Scn *scn = elf_newscn(e);
		Elf_Data *d = scn ? elf_newdata(scn) : NULL;
		GElf_Shdr sh;
		if (!d || !gelf_getshdr(scn, &sh))
			goto out;
		d->d_buf = notes, d->d_size = nlen, d->d_type = ELF_T_BYTE, d->d_align = 1;
		sh.sh_type = SHT_NOTE, sh.sh_offset = off, sh.sh_size = nlen;
		sh.sh_addralign = 1;
		gelf_update_shdr(scn, &sh);
		GElf_Phdr p = { .p_type = PT_NOTE, .p_offset = off, .p_filesz = nlen,
				.p_align = 1 };
		gelf_update_phdr(e, (int)ph++, &p);
		off += nlen;
	}
	for (unsigned i = 0; i < nsegs; i++) {
		const struct gen_segment *s = &seg[i];
		off = (off + 15) & ~15ULL;
		if (s->filesz) {
			Elf_Scn *scn = elf_newscn(e);
			Elf_Data *d = scn ? elf_newdata(scn) : NULL;
			GElf_Shdr sh;
			if (!d || !gelf_getshdr(scn, &sh))
				goto out;
			d->d_buf = g->mem + s->pa, d->d_size = s->filesz;
			d->d_type = ELF_T_BYTE, d->d_align = 1;
			sh.sh_type = SHT_PROGBITS, sh.sh_offset = off;
			sh.sh_size = s->filesz, sh.sh_addralign = 1;
			gelf_update_shdr(scn, &sh);
		}
		GElf_Phdr p = { .p_type = PT_LOAD, .p_offset = off,
				.p_paddr = o->paddr_base + s->pa,
				.p_vaddr = 0, .p_filesz = s->filesz,
				.p_memsz = s->memsz, .p_flags = PF_R | PF_W | PF_X,
				.p_align = 1 };
		gelf_update_phdr(e, (int)ph++, &p);
		off += s->filesz;
	}
	off = (off + 7) & ~7ULL;
	/* Read the header back now: gelf_newphdr has set e_phnum in it. */
	if (!gelf_getehdr(e, &eh))
		goto out;
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = (unsigned char)o->elfclass;
	eh.e_ident[EI_DATA] = o->big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = (GElf_Half)o->machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = ehsz;
	eh.e_shoff = off;
	if (!gelf_update_ehdr(e, &eh))
		goto out;
	if (elf_update(e, ELF_C_WRITE) < 0) {
		fprintf(stderr, "gen: elf_update: %s\n", elf_errmsg(-1));
		goto out;
	}
	rc = 0;
out:
	if (e)
		elf_end(e);
	free(notes);
	if (close(fd) != 0)
		rc = -1;
	return rc;
}
