/* gen_linux.c — a Linux kernel's kallsyms, BTF and task list (gen_linux.h).
 *
 * Buffer layout, from L->va:
 *   kallsyms_offsets (s32 each), kallsyms_relative_base (pointer),
 *   kallsyms_num_syms, kallsyms_names, kallsyms_token_table,
 *   kallsyms_token_index; then, page-aligned, the BTF; then init_task and
 *   the tasks (GEN_LINUX_TASK_SIZE apart), their mm_structs, their
 *   signal_structs and the second threads of leaders that exited.
 *
 * kallsyms is written as Linux 6.1's scripts/kallsyms.c writes it: each
 * name (type letter first) as a length byte -- two, ULEB128, past 127 --
 * and token numbers; the token table holds the printable characters as
 * themselves and a few longer tokens at 0x80..; offsets use x86-64's
 * KALLSYMS_ABSOLUTE_PERCPU form for 8-byte pointers (negative: relative to
 * relative_base - 1; non-negative: absolute per-CPU) and base-relative
 * unsigned offsets for 4-byte ones.
 */
#include "gen_linux.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void leptr(uint8_t *p, unsigned ptr, uint64_t v)
{
	for (unsigned i = 0; i < ptr; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void gen_linux_put32(const struct gen_linux *L, uint8_t *buf, uint64_t va,
		     uint32_t v)
{
	le32(buf + (va - L->va), v);
}

void gen_linux_putptr(const struct gen_linux *L, uint8_t *buf, uint64_t va,
		      uint64_t v)
{
	leptr(buf + (va - L->va), L->ptr, v);
}

const struct gen_linux_offsets gen_linux_offsets_61 = {
	.flags = GEN_LINUX_TASK_FLAGS, .tasks = GEN_LINUX_TASK_TASKS, .pid = GEN_LINUX_TASK_PID,
	.tgid = GEN_LINUX_TASK_TGID, .parent = GEN_LINUX_TASK_PARENT, .mm = GEN_LINUX_TASK_MM,
	.comm = GEN_LINUX_TASK_COMM, .thread = GEN_LINUX_TASK_THREAD,
	.signal = GEN_LINUX_TASK_SIGNAL, .mm_pgd = GEN_LINUX_MM_PGD,
};

/* Every member elsewhere, most in another order: comm first, tgid before
 * pid, the thread links before real_parent and tasks, flags last. */
const struct gen_linux_offsets gen_linux_offsets_other = {
	.comm = 0x10, .mm = 0x20, .signal = 0x30, .tgid = 0x38, .pid = 0x3c,
	.thread = 0x40, .parent = 0x50, .tasks = 0x60, .flags = 0xf0, .mm_pgd = 0x30,
};

const struct gen_linux_offsets *gen_linux_offsets_of(const struct gen_linux *L)
{
	return L->off ? L->off : &gen_linux_offsets_61;
}

static size_t align(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/* ---- kallsyms ---------------------------------------------------------------- */

static const char *const long_tokens[] = {
	[0x80 - 0x80] = "init_", [0x81 - 0x80] = "task", [0x82 - 0x80] = "Dinit_",
	[0x83 - 0x80] = "_BTF", [0x84 - 0x80] = "__st", [0x85 - 0x80] = "_pe",
};
#define NLONG (sizeof long_tokens / sizeof long_tokens[0])

static const char *token(unsigned i, char one[2])
{
	if (i >= 0x80 && i - 0x80 < NLONG)
		return long_tokens[i - 0x80];
	if (i >= 0x20 && i < 0x7f) {
		one[0] = (char)i;
		one[1] = '\0';
		return one;
	}
	return "?"; /* unused by the encoder: "?" is token 0x3f */
}

/* Token numbers of text, longest match first; returns their count. */
static size_t encode(const char *text, uint8_t *out)
{
	size_t n = 0;
	for (const char *p = text; *p;) {
		unsigned best = (unsigned char)*p;
		size_t blen = 1;
		for (unsigned i = 0x80; i < 0x80 + NLONG; i++) {
			size_t l = strlen(long_tokens[i - 0x80]);
			if (l > blen && strncmp(p, long_tokens[i - 0x80], l) == 0) {
				best = i;
				blen = l;
			}
		}
		out[n++] = (uint8_t)best;
		p += blen;
	}
	return n;
}

/* In kallsyms_names order (the reader stops at the last one it wants). */
enum { SYM_TEXT, SYM_STARTUP, SYM_LONG, SYM_PERCPU, SYM_INIT_TASK_GROUP,
       SYM_INIT_TASK, SYM_START_BTF, SYM_STOP_BTF, SYM_RMH, SYM_POKING, SYM_INIT_TOP_PGT,
       SYM_BANNER,
       NSYMS };

/* Symbols considered, fillers (after the named ones) included. */
static unsigned nall(const struct gen_linux *L)
{
	return NSYMS + (L->era != GEN_LINUX_ERA_DEFAULT ? L->fillers : 0);
}

static void sym_text(unsigned i, char *buf, size_t n)
{
	if (i >= NSYMS) {
		snprintf(buf, n, "tfiller_%04u", i - NSYMS);
		return;
	}
	if (i == SYM_BANNER) {
		snprintf(buf, n, "Rlinux_banner");
		return;
	}
	static const char *const names[] = {
		[SYM_TEXT] = "T_text", [SYM_STARTUP] = "Tstartup_64",
		[SYM_PERCPU] = "Dfixed_percpu_data", [SYM_INIT_TASK] = "Dinit_task",
		[SYM_INIT_TASK_GROUP] = "Dinit_task_group",
		[SYM_START_BTF] = "R__start_BTF", [SYM_STOP_BTF] = "R__stop_BTF",
		[SYM_RMH] = "Dreal_mode_header", [SYM_POKING] = "Bpoking_mm",
		[SYM_INIT_TOP_PGT] = "Dinit_top_pgt",
	};
	if (i != SYM_LONG) {
		snprintf(buf, n, "%s", names[i]);
		return;
	}
	/* 200 characters: a "big" symbol, its length in two bytes */
	int len = snprintf(buf, n, "t_RNvCs_rust_");
	while (len < 200 && (size_t)len + 1 < n)
		buf[len++] = 'x';
	buf[len] = '\0';
}

/* Whether symbol text (type letter first) is in kallsyms: not the one
 * omitted, and code only without CONFIG_KALLSYMS_ALL. */
static bool kept(const struct gen_linux *L, unsigned i, const char *text)
{
	/* linux_banner is the finder's check; names of 128 characters and
	 * more are 6.1's */
	if (i == SYM_BANNER && L->era == GEN_LINUX_ERA_DEFAULT)
		return false;
	if (i == SYM_LONG && L->era != GEN_LINUX_ERA_DEFAULT && L->era < GEN_LINUX_ERA_6_1)
		return false;
	if (L->text_only && text[0] != 'T' && text[0] != 't')
		return false;
	if (!L->kernel_tables &&
	    (strcmp(text, "Dreal_mode_header") == 0 || strcmp(text, "Bpoking_mm") == 0))
		return false;
	if (i == SYM_INIT_TOP_PGT && !L->init_top_pgt)
		return false;
	return !(L->omit && strcmp(text + 1, L->omit) == 0);
}

/* Bytes of kallsyms_names; mk (when not NULL) receives every 256th
 * name's offset: kallsyms_markers. */
static size_t names_bytes(const struct gen_linux *L, uint8_t *out, uint64_t *mk)
{
	size_t at = 0;
	unsigned k = 0;
	for (unsigned i = 0; i < nall(L); i++) {
		char text[256];
		uint8_t tok[256];
		sym_text(i, text, sizeof text);
		if (!kept(L, i, text))
			continue;
		if (mk && k % 256 == 0)
			mk[k / 256] = at;
		k++;
		size_t n = encode(text, tok);
		if (n > 127) {
			if (out) {
				out[at] = (uint8_t)(0x80 | (n & 0x7f));
				out[at + 1] = (uint8_t)(n >> 7);
			}
			at += 2;
		} else {
			if (out)
				out[at] = (uint8_t)n;
			at++;
		}
		if (out)
			memcpy(out + at, tok, n);
		at += n;
	}
	return at;
}

static size_t tokens_bytes(uint8_t *table, uint8_t *index)
{
	size_t at = 0;
	for (unsigned i = 0; i < 256; i++) {
		char one[2];
		const char *t = token(i, one);
		size_t l = strlen(t) + 1;
		if (table)
			memcpy(table + at, t, l);
		if (index)
			le16(index + 2 * i, (uint16_t)at);
		at += l;
	}
	return at;
}

static uint64_t sym_addr(const struct gen_linux *L, unsigned i)
{
	switch (i) {
	case SYM_TEXT: return L->va;
	case SYM_STARTUP: return L->va + 0x10;
	case SYM_PERCPU: return L->ptr == 8 ? 0 : L->va + 0x20;
	case SYM_INIT_TASK: return L->init_task;
	case SYM_INIT_TASK_GROUP: return L->mm[0] + 0x40;
	case SYM_START_BTF: return L->btf_start;
	case SYM_STOP_BTF: return L->btf_stop;
	case SYM_RMH: return L->rmh_var;
	case SYM_POKING: return L->poking_var;
	case SYM_INIT_TOP_PGT: return L->init_top_pgt;
	case SYM_BANNER: return L->banner;
	case SYM_LONG: return L->va + 0x30;
	default: return L->va + 0x40 + 16ULL * (i - NSYMS); /* fillers */
	}
}

static void write_offsets(const struct gen_linux *L, uint8_t *buf)
{
	unsigned k = 0;
	for (unsigned i = 0; i < nall(L); i++) {
		char text[256];
		sym_text(i, text, sizeof text);
		if (!kept(L, i, text))
			continue;
		uint64_t a = sym_addr(L, i), at = L->offsets + 4ULL * k;
		uint32_t o;
		if (L->era == GEN_LINUX_ERA_7_0) /* offset_to_ptr(&offsets[k]) */
			o = (uint32_t)(int32_t)(int64_t)(a - at);
		else if (L->ptr == 8) /* absolute per-CPU: a >= 0 absolute, else base - 1 - o */
			o = a < L->va ? (uint32_t)a : (uint32_t)(int32_t)-(int64_t)(a - L->va + 1);
		else
			o = (uint32_t)(a - L->va);
		gen_linux_put32(L, buf, at, o);
		k++;
	}
}

/* ---- BTF ------------------------------------------------------------------------- */

enum { K_INT = 1, K_PTR, K_ARRAY, K_STRUCT, K_UNION, K_ENUM, K_FWD, K_TYPEDEF,
       K_VOLATILE, K_CONST, K_RESTRICT, K_FUNC, K_FUNC_PROTO, K_VAR, K_DATASEC,
       K_FLOAT, K_DECL_TAG, K_TYPE_TAG, K_ENUM64 };

struct btfw {
	uint8_t types[4096];
	size_t tlen;
	char strs[2048];
	size_t slen;
	uint32_t next_id;
};

static uint32_t str(struct btfw *b, const char *s)
{
	if (!*s)
		return 0;
	uint32_t off = (uint32_t)b->slen;
	size_t l = strlen(s) + 1;
	memcpy(b->strs + b->slen, s, l);
	b->slen += l;
	return off;
}

static void w32(struct btfw *b, uint32_t v)
{
	le32(b->types + b->tlen, v);
	b->tlen += 4;
}

/* A type record; its trailer follows through w32.  Returns its id. */
static uint32_t type(struct btfw *b, const char *name, unsigned kind,
		     unsigned vlen, bool kflag, uint32_t size_type)
{
	w32(b, str(b, name));
	w32(b, (kflag ? 1u << 31 : 0) | (uint32_t)kind << 24 | vlen);
	w32(b, size_type);
	return b->next_id++;
}

static void member(struct btfw *b, const char *name, uint32_t t, uint32_t off)
{
	w32(b, str(b, name));
	w32(b, t);
	w32(b, off);
}

/* A task_struct member: name, type id, byte offset, bitfield bits (0: none). */
struct tmember {
	const char *name;
	uint32_t type, off, bits;
};

static int tmember_cmp(const void *a, const void *b)
{
	const struct tmember *x = a, *y = b;
	return (x->off > y->off) - (x->off < y->off);
}

/* task_struct's members, in offset order as pahole writes them (the
 * order thus differs between layouts); kflag: bitfield sizes in the
 * offsets, else in_execve's 1 bit is an INT of 1 bit (pahole before 1.12). */
static void task_members(struct btfw *b, const struct gen_linux *L, bool kflag)
{
	const struct gen_linux_offsets *o = gen_linux_offsets_of(L);
	const bool newer = !L->old_btf;
	struct tmember m[] = {
		{ "__state", 2, 0, 0 },
		{ "flags", 2, o->flags, L->flags_bitfield ? 32 : 0 },
		{ "", 15, o->tasks, 0 },
		{ "pid", L->pid_bytes == 8 ? 32 : 4, o->pid, 0 },
		{ "tgid", 4, o->tgid, 0 },
		{ "real_parent", newer ? 34 : 17, o->parent, 0 },
		{ "parent", 17, o->parent + 8, 0 },
		{ "mm", 11, o->mm, 0 },
		{ "active_mm", 11, o->mm + 8, 0 },
		{ "in_execve", kflag ? 2 : 35, 0xa8, 1 },
		{ "comm", 7, o->comm, 0 },
		{ L->thread_group ? "thread_group" : "thread_node", 5, o->thread, 0 },
		{ "signal", 30, o->signal, 0 },
	};
	const size_t n = sizeof m / sizeof m[0];
	qsort(m, n, sizeof m[0], tmember_cmp);
	type(b, "task_struct", K_STRUCT, (unsigned)n, kflag, GEN_LINUX_TASK_SIZE);
	for (size_t i = 0; i < n; i++) {
		/* in_execve lies at bit 3 of its byte */
		uint32_t bit = m[i].off * 8 + (m[i].bits == 1 ? 3 : 0);
		member(b, m[i].name, m[i].type, kflag ? m[i].bits << 24 | bit : bit);
	}
}

/* The BTF of a kernel: ids are fixed by the order below (a variant puts
 * another type of the same id in place, not fewer). */
static size_t btf_bytes(const struct gen_linux *L, uint8_t *out)
{
	const unsigned ptr = L->ptr;
	const struct gen_linux_offsets *o = gen_linux_offsets_of(L);
	const bool newer = !L->old_btf;
	struct btfw b;
	memset(&b, 0, sizeof b);
	b.slen = 1;
	b.next_id = 1;
	/* 1-3 */ type(&b, "int", K_INT, 0, false, 4); w32(&b, 1u << 24 | 32);
	type(&b, "unsigned int", K_INT, 0, false, 4); w32(&b, 32);
	type(&b, "char", K_INT, 0, false, 1); w32(&b, 8);
	/* 4 */ type(&b, "pid_t", K_TYPEDEF, 0, false, 1);
	/* 5 */ type(&b, "list_head", K_STRUCT, 2, false, 2 * ptr);
	member(&b, "next", 6, 0);
	member(&b, "prev", 6, ptr * 8);
	/* 6 */ type(&b, "", K_PTR, 0, false, 5);
	/* 7 */ type(&b, "", K_ARRAY, 0, false, 0); w32(&b, 3); w32(&b, 1); w32(&b, 16);
	/* 8: mm_struct: 4.19 on, its members in an anonymous struct (9) then
	 * cpu_bitmap[]; 4.18, its own */
	if (L->pgd_direct) {
		type(&b, "mm_struct", K_STRUCT, 2, false, GEN_LINUX_MM_SIZE);
		member(&b, "mmap", 10, 0);
		member(&b, "pgd", 25, o->mm_pgd * 8);
	} else {
		type(&b, "mm_struct", K_STRUCT, 2, false, GEN_LINUX_MM_SIZE);
		member(&b, "", 9, 0);
		member(&b, "cpu_bitmap", 13, GEN_LINUX_MM_SIZE * 8);
	}
	/* 9 */ type(&b, "", K_STRUCT, 2, false, GEN_LINUX_MM_SIZE);
	member(&b, "mmap", 10, 0);
	member(&b, "pgd", 25, o->mm_pgd * 8);
	/* 10 */ type(&b, "", K_PTR, 0, false, 0);
	/* 11 */ type(&b, "", K_PTR, 0, false, 8);
	/* 12: a declaration first: the struct with members wins */
	type(&b, "task_struct", K_FWD, 0, false, 0);
	/* 13 */ type(&b, "", K_ARRAY, 0, false, 0); w32(&b, 2); w32(&b, 1); w32(&b, 0);
	/* 14: task_struct */
	task_members(&b, L, newer);
	/* 15: the anonymous union around tasks */
	type(&b, "", K_UNION, 2, false, 0x20);
	member(&b, "tasks", 5, 0);
	member(&b, "rcu_pad", 16, 0);
	/* 16 */ type(&b, "", K_CONST, 0, false, 2);
	/* 17 */ type(&b, "", K_PTR, 0, false, 14);
	/* 18-24: kinds the reader skips */
	type(&b, "pid_type", K_ENUM, 2, false, 4);
	w32(&b, str(&b, "PIDTYPE_PID")); w32(&b, 0);
	w32(&b, str(&b, "PIDTYPE_TGID")); w32(&b, 1);
	type(&b, "", K_FUNC_PROTO, 1, false, 1); w32(&b, str(&b, "code")); w32(&b, 1);
	type(&b, "do_exit", K_FUNC, 0, false, 19);
	type(&b, "init_task", K_VAR, 0, false, 14); w32(&b, 1);
	type(&b, ".data", K_DATASEC, 1, false, 0x400); w32(&b, 21); w32(&b, 0); w32(&b, 0x100);
	if (newer) { /* FLOAT (5.13), DECL_TAG (5.16), TYPE_TAG (5.17), ENUM64 (6.0) */
		type(&b, "double", K_FLOAT, 0, false, 8);
		type(&b, "rcu", K_DECL_TAG, 0, false, 14); w32(&b, 0xffffffff);
		/* 25: pgd_t *, through a type tag */
		type(&b, "user", K_TYPE_TAG, 0, false, 10);
		type(&b, "big", K_ENUM64, 1, false, 8);
		w32(&b, str(&b, "BIG")); w32(&b, 1); w32(&b, 2);
	} else { /* the same ids, of kinds older pahole writes */
		type(&b, "long unsigned int", K_INT, 0, false, 8); w32(&b, 64);
		type(&b, "u64", K_TYPEDEF, 0, false, 23);
		/* 25: pgd_t *, through a typedef */
		type(&b, "pgdp_t", K_TYPEDEF, 0, false, 10);
		type(&b, "small", K_ENUM, 1, false, 4);
		w32(&b, str(&b, "SMALL")); w32(&b, 1);
	}
	type(&b, "", K_VOLATILE, 0, false, 1);
	type(&b, "", K_RESTRICT, 0, false, 10);
	/* 29: signal_struct; 30: a pointer to it */
	if (L->thread_group) {
		type(&b, "signal_struct", K_STRUCT, 1, false, GEN_LINUX_SIG_SIZE);
		member(&b, "nr_threads", 1, 0);
	} else {
		type(&b, "signal_struct", K_STRUCT, 2, false, GEN_LINUX_SIG_SIZE);
		member(&b, "nr_threads", 1, 0);
		member(&b, "thread_head", 5, GEN_LINUX_SIG_THREADS * 8);
	}
	type(&b, "", K_PTR, 0, false, 29);
	/* 31: x86's real-mode header, all u32 */
	type(&b, "real_mode_header", K_STRUCT, 6, false, GEN_LINUX_RMH_SIZE);
	member(&b, "text_start", 2, 0);
	member(&b, "ro_end", 2, 0x04 * 8);
	member(&b, "trampoline_start", 2, 0x08 * 8);
	member(&b, "trampoline_header", 2, 0x0c * 8);
	member(&b, "sev_es_trampoline_start", 2, 0x10 * 8);
	member(&b, "trampoline_pgd", 2, GEN_LINUX_RMH_PGD * 8);
	/* 32: long, pid's type when retyped */
	type(&b, "long int", K_INT, 0, false, 8); w32(&b, 1u << 24 | 64);
	/* 33, 34: struct task_struct __rcu *, as clang's BTF tags it (a
	 * pointer to a type tag to the struct); older: const */
	if (newer)
		type(&b, "rcu", K_TYPE_TAG, 0, false, 14);
	else
		type(&b, "", K_CONST, 0, false, 14);
	type(&b, "", K_PTR, 0, false, 33);
	/* 35: an old-style bitfield type: an INT of 1 bit */
	type(&b, "unsigned int", K_INT, 0, false, 4); w32(&b, 1);

	size_t total = 24 + b.tlen + b.slen;
	if (out) {
		le16(out, 0xeb9f);
		out[2] = 1;
		out[3] = 0;
		le32(out + 4, 24);
		le32(out + 8, 0);
		le32(out + 12, (uint32_t)b.tlen);
		le32(out + 16, (uint32_t)b.tlen);
		le32(out + 20, (uint32_t)b.slen);
		memcpy(out + 24, b.types, b.tlen);
		memcpy(out + 24 + b.tlen, b.strs, b.slen);
	}
	return total;
}

/* ---- tasks ----------------------------------------------------------------------- */

static void write_task(const struct gen_linux *L, uint8_t *buf, uint64_t t,
		       int32_t pid, int32_t tgid, uint32_t flags, uint64_t parent,
		       uint64_t mm, const char *comm, uint64_t next, uint64_t prev)
{
	const struct gen_linux_offsets *o = gen_linux_offsets_of(L);
	gen_linux_put32(L, buf, t + o->flags, flags);
	gen_linux_putptr(L, buf, t + o->tasks, next + o->tasks);
	gen_linux_putptr(L, buf, t + o->tasks + L->ptr, prev + o->tasks);
	gen_linux_put32(L, buf, t + o->pid, (uint32_t)pid);
	gen_linux_put32(L, buf, t + o->tgid, (uint32_t)tgid);
	gen_linux_putptr(L, buf, t + o->parent, parent);
	gen_linux_putptr(L, buf, t + o->parent + 8, parent);
	gen_linux_putptr(L, buf, t + o->mm, mm);
	size_t n = strlen(comm);
	memcpy(buf + (t + o->comm - L->va), comm, n < 15 ? n : 15);
}

/* Link list_heads at nodes[0..n) into a ring. */
static void ring(const struct gen_linux *L, uint8_t *buf, const uint64_t *nodes,
		 unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		gen_linux_putptr(L, buf, nodes[i], nodes[(i + 1) % n]);
		gen_linux_putptr(L, buf, nodes[i] + L->ptr, nodes[(i + n - 1) % n]);
	}
}

/* Task i's thread group: signal->thread_head, the leader, and a second
 * thread holding the mm when the leader has exited; with thread_group, a
 * ring of the threads alone. */
static void write_group(const struct gen_linux *L, uint8_t *buf, unsigned i,
			uint64_t mm)
{
	const struct gen_linux_offsets *o = gen_linux_offsets_of(L);
	const struct gen_linux_task *t = &L->tasks[i];
	uint64_t sig = L->signal[i];
	uint64_t nodes[3] = { sig + GEN_LINUX_SIG_THREADS, L->task[i] + o->thread,
			      L->thread[i] + o->thread };
	unsigned skip = L->thread_group; /* no head in signal_struct */
	gen_linux_putptr(L, buf, L->task[i] + o->signal, sig);
	gen_linux_put32(L, buf, sig, t->leader_exited ? 2 : 1);
	ring(L, buf, nodes + skip, (t->leader_exited ? 3 : 2) - skip);
	if (t->leader_exited) {
		uint64_t parent = t->parent >= 0 ? L->task[t->parent] : L->init_task;
		write_task(L, buf, L->thread[i], t->pid + 1, t->pid, t->flags, parent,
			   mm, t->comm, 0, 0);
		gen_linux_putptr(L, buf, L->thread[i] + o->signal, sig);
	}
}

static void write_tasks(const struct gen_linux *L, uint8_t *buf)
{
	unsigned n = L->ntasks;
	uint64_t first = n ? L->task[0] : L->init_task;
	uint64_t last = n ? L->task[n - 1] : L->init_task;
	write_task(L, buf, L->init_task, 0, 0, GEN_LINUX_PF_KTHREAD, L->init_task, 0,
		   "swapper/0", first, last);
	for (unsigned i = 0; i < n; i++) {
		const struct gen_linux_task *t = &L->tasks[i];
		uint64_t parent = t->parent >= 0 ? L->task[t->parent] : L->init_task;
		uint64_t mm = t->share_mm ? L->mm[t->share_mm - 1] : t->pgd ? L->mm[i] : 0;
		write_task(L, buf, L->task[i], t->pid, t->pid, t->flags, parent,
			   t->leader_exited ? 0 : mm, t->comm,
			   i + 1 < n ? L->task[i + 1] : L->init_task,
			   i ? L->task[i - 1] : L->init_task);
		write_group(L, buf, i, mm);
		if (t->pgd)
			gen_linux_putptr(L, buf, L->mm[i] + gen_linux_offsets_of(L)->mm_pgd, t->pgd);
	}
}

/* ---- the whole ----------------------------------------------------------------- */

/* The DEFAULT tables' places, from L->va; returns the end. */
static size_t layout_default(struct gen_linux *L)
{
	size_t at = 0;
	L->offsets = L->va;
	at = align(4ULL * L->nsyms, 8);
	L->relative_base = L->va + at;
	at += 8;
	L->num_syms = L->va + at;
	at += 8;
	L->names = L->va + at;
	at += names_bytes(L, NULL, NULL);
	L->token_table = L->va + at;
	at = align(at + tokens_bytes(NULL, NULL), 8);
	L->token_index = L->va + at;
	return at + 512;
}

/* Bytes of num_syms and of each marker: a pointer before 4.20. */
static unsigned count_size(const struct gen_linux *L)
{
	return L->era == GEN_LINUX_ERA_4_18 ? L->ptr : 4;
}

static unsigned nmarkers(const struct gen_linux *L)
{
	return (L->nsyms + 255) / 256;
}

/* An era's tables' places, each label ALGN-aligned, from L->va. */
static size_t layout_era(struct gen_linux *L)
{
	size_t a = L->era == GEN_LINUX_ERA_7_0 ? 4 : L->ptr, at = 0;
	size_t offsets = 4ULL * L->nsyms, names = names_bytes(L, NULL, NULL);
	size_t markers = count_size(L) * nmarkers(L), seqs = 3ULL * L->nsyms;
	size_t tokens = tokens_bytes(NULL, NULL);
	bool late = L->era >= GEN_LINUX_ERA_6_4;
	/* a word of something else first: .rodata before kallsyms */
	at = a;
	if (!late) {
		L->offsets = L->va + at;
		at = align(at + offsets, a);
		L->relative_base = L->va + at;
		at = align(at + L->ptr, a);
	}
	L->num_syms = L->va + at;
	at = align(at + count_size(L), a);
	L->names = L->va + at;
	at = align(at + names, a);
	L->markers = L->va + at;
	at = align(at + markers, a);
	if (L->era == GEN_LINUX_ERA_6_2) {
		L->seqs = L->va + at;
		at = align(at + seqs, a);
	}
	L->token_table = L->va + at;
	at = align(at + tokens, a);
	L->token_index = L->va + at;
	at = align(at + 512, a);
	if (late) {
		L->offsets = L->va + at;
		at = align(at + offsets, a);
		if (L->era != GEN_LINUX_ERA_7_0) {
			L->relative_base = L->va + at;
			at = align(at + L->ptr, a);
		}
		L->seqs = L->va + at;
		at += seqs;
	}
	return at;
}

/* The era's tables into buf. */
static void write_kallsyms(const struct gen_linux *L, uint8_t *buf)
{
	uint64_t mk[(GEN_LINUX_MAX_SYMS + 255) / 256];
	write_offsets(L, buf);
	if (L->relative_base)
		gen_linux_putptr(L, buf, L->relative_base, L->va);
	if (count_size(L) == 8)
		leptr(buf + (L->num_syms - L->va), 8, L->nsyms);
	else
		gen_linux_put32(L, buf, L->num_syms, L->nsyms);
	names_bytes(L, buf + (L->names - L->va), mk);
	for (unsigned k = 0; L->markers && k < nmarkers(L); k++)
		leptr(buf + (L->markers - L->va) + (size_t)count_size(L) * k, count_size(L), mk[k]);
	for (uint32_t k = 0; L->seqs && k < L->nsyms; k++) { /* a permutation */
		uint8_t *p = buf + (L->seqs - L->va) + 3ULL * k;
		p[0] = (uint8_t)(k >> 16);
		p[1] = (uint8_t)(k >> 8);
		p[2] = (uint8_t)k;
	}
	tokens_bytes(buf + (L->token_table - L->va), buf + (L->token_index - L->va));
}

static const char banner[] = "Linux version 5.10.0-gen (ptfs@tests) #1 SMP";

bool gen_linux_build(struct gen_linux *L, uint8_t *buf, size_t cap)
{
	if (L->ntasks > GEN_LINUX_MAX_TASKS || nall(L) > GEN_LINUX_MAX_SYMS ||
	    L->era >= GEN_LINUX_ERAS)
		return false;
	L->nsyms = 0;
	for (unsigned i = 0; i < nall(L); i++) {
		char text[256];
		sym_text(i, text, sizeof text);
		L->nsyms += kept(L, i, text);
	}
	L->markers = L->seqs = L->relative_base = 0;
	size_t at = L->era == GEN_LINUX_ERA_DEFAULT ? layout_default(L) : layout_era(L);
	at = align(at, 4096);
	size_t btf = btf_bytes(L, NULL);
	L->btf_start = L->va + at;
	L->btf_stop = L->btf_start + btf;
	at = align(at + btf, 4096);
	L->init_task = L->va + at;
	for (unsigned i = 0; i < L->ntasks; i++)
		L->task[i] = L->init_task + GEN_LINUX_TASK_SIZE * (i + 1ULL);
	at += GEN_LINUX_TASK_SIZE * (L->ntasks + 1ULL);
	for (unsigned i = 0; i < L->ntasks; i++)
		L->mm[i] = L->va + at + GEN_LINUX_MM_SIZE * (uint64_t)i;
	if (L->ntasks == 0)
		L->mm[0] = L->va + at;
	at += GEN_LINUX_MM_SIZE * (L->ntasks + 1ULL);
	for (unsigned i = 0; i < L->ntasks; i++)
		L->signal[i] = L->va + at + GEN_LINUX_SIG_SIZE * (uint64_t)i;
	at += GEN_LINUX_SIG_SIZE * (uint64_t)L->ntasks;
	for (unsigned i = 0; i < L->ntasks; i++)
		L->thread[i] = L->va + at + GEN_LINUX_TASK_SIZE * (uint64_t)i;
	at += GEN_LINUX_TASK_SIZE * (uint64_t)L->ntasks;
	L->rmh_var = L->va + at;
	L->poking_var = L->rmh_var + 8;
	L->rmh = L->rmh_var + 0x40;
	L->poking_mm = L->rmh + 0x40;
	at += 0x80 + GEN_LINUX_MM_SIZE;
	L->banner = L->va + at;
	at += sizeof banner;
	L->size = at;
	if (at > cap)
		return false;

	write_kallsyms(L, buf);
	memcpy(buf + (L->banner - L->va), banner, sizeof banner);
	btf_bytes(L, buf + (L->btf_start - L->va));
	write_tasks(L, buf);
	if (L->kernel_tables) {
		gen_linux_putptr(L, buf, L->rmh_var, L->rmh);
		gen_linux_put32(L, buf, L->rmh + GEN_LINUX_RMH_PGD, L->trampoline_pgd);
		if (L->poking_pgd) {
			gen_linux_putptr(L, buf, L->poking_var, L->poking_mm);
			gen_linux_putptr(L, buf, L->poking_mm + gen_linux_offsets_of(L)->mm_pgd,
					 L->poking_pgd);
		}
	}
	return true;
}

const char *gen_linux_era_name(enum gen_linux_era e)
{
	static const char *const names[GEN_LINUX_ERAS] = {
		"default", "4.18", "5.10", "6.1", "6.2", "6.4", "7.0",
	};
	return e < GEN_LINUX_ERAS ? names[e] : "?";
}

void gen_linux_vmcoreinfo(const struct gen_linux *L, char *text, size_t n)
{
	size_t len = strlen(text);
	snprintf(text + len, n - len,
		 "SYMBOL(kallsyms_names)=%llx\nSYMBOL(kallsyms_num_syms)=%llx\n"
		 "SYMBOL(kallsyms_token_table)=%llx\nSYMBOL(kallsyms_token_index)=%llx\n"
		 "SYMBOL(kallsyms_offsets)=%llx\nSYMBOL(kallsyms_relative_base)=%llx\n",
		 (unsigned long long)L->names, (unsigned long long)L->num_syms,
		 (unsigned long long)L->token_table, (unsigned long long)L->token_index,
		 (unsigned long long)L->offsets, (unsigned long long)L->relative_base);
}
