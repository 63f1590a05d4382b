/* owners/linux.c — Linux processes from the kernel's own data, with no
 * symbol files.
 *
 * Everything comes out of the dump, read through the kernel's own page
 * table (the space VMCOREINFO names):
 *
 *   1. kallsyms.  VMCOREINFO (since 6.0) names the kernel's compressed
 *      symbol table: kallsyms_names (per symbol a length -- one byte, or
 *      two when the first has bit 7 set, low 7 bits first -- then that
 *      many token numbers), kallsyms_token_table (NUL-terminated strings)
 *      and kallsyms_token_index (256 u16 offsets into it), and
 *      kallsyms_offsets (s32 per symbol) with kallsyms_relative_base.  The
 *      first character a symbol expands to is its type letter.  Names are
 *      decoded in order, in bounded chunks, until init_task, __start_BTF,
 *      __stop_BTF, _stext and _text are found; only their offsets are then
 *      read.  An offset becomes an address as kernel/kallsyms.c does it:
 *      with CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86-64 SMP) a negative offset
 *      is relative_base - 1 - offset and a non-negative one is absolute (a
 *      per-CPU symbol); otherwise relative_base + (u32)offset.  x86-64
 *      takes the first form for negative offsets and the second for the
 *      rest (a per-CPU address is never what we look for).  Counts,
 *      lengths and the bytes decoded are bounded (KSYM_*).  Kernels
 *      before 6.0 write no SYMBOL(kallsyms_*) lines: the tables are then
 *      searched for in the kernel image (kallsyms_find.c), whose era says
 *      how wide num_syms is (a pointer before 4.20) and whether offsets
 *      are place-relative (no relative_base: &offsets[i] + offsets[i]).
 *   2. BTF.  The kernel keeps its own type information (CONFIG_DEBUG_INFO_BTF,
 *      /sys/kernel/btf/vmlinux) between __start_BTF and __stop_BTF: a header,
 *      type records with kind-specific trailers, a string section.  Its
 *      header is read first; then as much as it says (at most BTF_MAX) is
 *      copied, indexed by type id, and gives the offsets of
 *      task_struct's tasks, pid, tgid, comm, mm, real_parent and flags,
 *      list_head's next and prev, and mm_struct's pgd, searching anonymous
 *      structs and unions inside them.  Every id, offset and string is
 *      checked against the section before use.  No kernel's layout is
 *      assumed (4.18 to 6.12 differ: mm_struct's members moved into an
 *      anonymous struct in 4.19, thread_group went in 6.7, randstruct
 *      kernels wrap task_struct's members in one): each member is found by
 *      name and checked by type -- pid, tgid, flags 4-byte ints, comm an
 *      array of bytes, mm and real_parent pointers to the structs named,
 *      pgd a pointer, tasks a list_head of two of the mode's pointers --
 *      and must lie inside its struct; a bitfield, or a member renamed or
 *      retyped, is an error that says what BTF has.  Records of every kind
 *      up to ENUM64 (Linux 6.0) are sized and skipped as needed, kind_flag
 *      bitfields and the older INT-encoded ones alike; an unknown kind is
 *      an error naming it.  With no __start_BTF in kallsyms and no BTF
 *      header in the image, the error says plainly the kernel has none.
 *   2b. The kernel image scanned.  Without CONFIG_KALLSYMS_ALL (Debian's
 *      arm64 kernels) kallsyms names code only: no __start_BTF, __stop_BTF
 *      or init_task.  Each one missing is then looked for in the image,
 *      read forward from its start (VMCOREINFO's _stext, else kallsyms'
 *      _stext or _text) in 64 KiB chunks, at most IMAGE_SPAN of VA;
 *      unreadable VA is stepped over as far as the missing table entry or
 *      the dump's hole reaches, and IMAGE_GAP of it in a row ends the
 *      image.  The BTF: the first header as pahole writes the kernel's
 *      (magic, version 1, flags 0, hdr_len 24, types at 0, strings right
 *      after them, 4-byte aligned, a NUL at both ends of the strings) from
 *      which the layout above comes; at most BTF_TRIES are parsed.
 *      init_task (needing that layout): the first task_struct, aligned to
 *      L1_CACHE_BYTES as it is declared, whose comm is "swapper/0" (or
 *      "swapper", before the idle task renames itself), pid and tgid 0,
 *      and whose tasks neighbours link back to it (next->prev and
 *      prev->next); at most INIT_TASK_TRIES are checked.  Only reads
 *      through the kernel's table: no architecture's layout is assumed.
 *   3. The task list.  init_task.tasks links every thread-group leader (the
 *      kernel adds only leaders to it), so each entry is a process: pid ==
 *      tgid, its comm what ps shows.  Kernel threads (PF_KTHREAD) own no
 *      address space and are skipped.  A leader with no mm is either a
 *      zombie or a leader that exited while its other threads run on; the
 *      group's threads (signal->thread_head through thread_node, 3.14 on;
 *      else the task_struct.thread_group ring) tell which, and the first
 *      with an mm gives the process's table, still under the leader's tgid
 *      and comm as /proc shows it.  A
 *      process's top table is mm->pgd, a direct-map address translated
 *      through the kernel's table (KASLR moves the direct map).  Processes
 *      sharing one mm (vfork, CLONE_VM) give one record, the lowest pid's.
 *      The walk is bounded, and remembers the nodes it has walked.  A list
 *      that breaks -- an unreadable node, or one walked already before
 *      init_task comes round -- keeps what came before the break, is
 *      walked again backwards from init_task by prev up to the break, and
 *      the break is reported: one bad entry costs one process, not all.
 *      Links whose prev does not point back are counted and reported, not
 *      fatal: a dump taken while a fork or an exit changed the list shows
 *      one.
 * The kernel's own table gets a record too: cid 0, init_task's comm
 * ("swapper/0"; "swapper" before the idle task renames itself) and parent
 * (itself, 0), as the task list holds them.  A table whose page beside it is
 * a KPTI user copy gets that copy as user_dirbase.
 *
 * With no table named (an x86-64 raw image without VMCOREINFO), discovery
 * hands down a process's table instead (ptw_owners_linux_via): it maps the
 * kernel half as the kernel's own does.  kallsyms is then searched for from
 * __START_KERNEL_map unmoved (no KERNELOFFSET) over KIMAGE_SPAN, the KASLR
 * offset is _text's address less its default 0xffffffff81000000, and the
 * kernel's own table is init_top_pgt's PA (a data symbol: needs
 * CONFIG_KALLSYMS_ALL), its record naming only a table discovery found.
 */
#include "owners/owners.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds on what memory may claim. */
#define KSYM_MAX_SYMS   (1u << 22)      /* Debian 6.1 amd64: 94266 */
#define KSYM_NAMES_MAX  (64u << 20)     /* bytes of kallsyms_names: 1.5 MiB there */
#define KSYM_LEN_MAX    1024            /* tokens in one compressed name
					 * (KSYM_NAME_LEN is 512 in 6.1) */
#define KSYM_MATCH_MAX  64              /* characters expanded: the names we
					 * look for are shorter */
#define KSYM_TOKENS_MAX 65536           /* bytes of kallsyms_token_table */
#define KSYM_CHUNK      65536           /* kallsyms_names read this much at a time */
#define BTF_MAX         (64u << 20)     /* vmlinux BTF of 6.1: ~5 MiB */
#define BTF_DEPTH       8               /* anonymous struct/union nesting */
#define BTF_CHAIN       32              /* typedef/const/volatile chain */
#define BTF_BUDGET      (1u << 16)      /* member records one search visits
					 * (task_struct: a few hundred) */
#define TASKS_MAX_TEXT  "1048576"
#define TASKS_MAX       (1u << 20)      /* PID_MAX_LIMIT is 4M, but threads
					 * are not on the list */
#define THREADS_MAX     (1u << 16)      /* threads followed in one group */
#define THREAD_READS_MAX (1u << 20)     /* and in all groups together */
#define COMM_MAX        64
#define PID_MAX_LIMIT   (4u << 20)      /* no pid is larger (threads.h) */

#define PF_KTHREAD 0x00200000u

/* ---- reading kernel memory ------------------------------------------------- */

struct kmem {
	const struct ptw_space *k;
	unsigned ptr;              /* bytes of a pointer: 8, or 4 on 32-bit */
};

static bool read_u32(const struct kmem *m, uint64_t va, uint32_t *out)
{
	uint64_t v;
	if (!ptw_kread_uint(m->k, va, 4, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool read_ptr(const struct kmem *m, uint64_t va, uint64_t *out)
{
	return ptw_kread_uint(m->k, va, m->ptr, out);
}

static size_t read_upto(const struct kmem *m, uint64_t va, uint8_t *buf,
			size_t len)
{
	return ptw_kread_upto(m->k, va, buf, len);
}

/* ---- kallsyms ------------------------------------------------------------------ */

/* A symbol we look for, and what was found. */
struct ksym_want {
	const char *name;
	bool found;
	uint32_t index;
	uint64_t addr;
};

static int vmcoreinfo_symbol(const ptw_dump *d, const char *sym, uint64_t *va,
			     struct ptw_error *err)
{
	char key[64], v[64];
	snprintf(key, sizeof key, "SYMBOL(%s)", sym);
	if (!ptw_vmcoreinfo_get(d, key, v, sizeof v))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: VMCOREINFO has no %s (kernel before 6.0, or no CONFIG_KALLSYMS)",
				key);
	if (ptw_parse_hex(v, va, NULL))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: VMCOREINFO's %s is not an address: '%s'", key, v);
	return 0;
}

/* The tables as VMCOREINFO names them (6.0 on: the 4.20-6.1 or 6.2-6.3
 * layouts with relative_base; which does not matter to the decoder). */
static int ksym_tables_vmcoreinfo(const ptw_dump *d, struct ptw_ksym_tables *t,
				  struct ptw_error *err)
{
	int rc;
	memset(t, 0, sizeof *t);
	t->count_size = 4;
	if ((rc = vmcoreinfo_symbol(d, "kallsyms_names", &t->names, err)) ||
	    (rc = vmcoreinfo_symbol(d, "kallsyms_num_syms", &t->num_syms, err)) ||
	    (rc = vmcoreinfo_symbol(d, "kallsyms_token_table", &t->token_table, err)) ||
	    (rc = vmcoreinfo_symbol(d, "kallsyms_token_index", &t->token_index, err)) ||
	    (rc = vmcoreinfo_symbol(d, "kallsyms_offsets", &t->offsets, err)) ||
	    (rc = vmcoreinfo_symbol(d, "kallsyms_relative_base", &t->relative_base, err)))
		return rc;
	return 0;
}

#define KIMAGE_SPAN (1ULL << 30)        /* x86-64's KERNEL_IMAGE_SIZE at most */

/* Where the kernel image is, to search it for kallsyms: VMCOREINFO's
 * _stext (written by kernels long before 6.0), else on x86-64
 * __START_KERNEL_map moved by KERNELOFFSET (KASLR), else unmoved. */
static bool kimage_start(const struct kmem *m, uint64_t *va)
{
	const ptw_dump *d = m->k->dump;
	char v[32];
	uint64_t off = 0;
	if (vmcoreinfo_symbol(d, "_stext", va, NULL) == 0)
		return true;
	if (!ptw_mode_x86_64(m->k->mode))
		return false;
	if (ptw_vmcoreinfo_get(d, "KERNELOFFSET", v, sizeof v) && ptw_parse_hex(v, &off, NULL))
		off = 0;
	*va = LINUX_START_KERNEL_MAP + off;
	return true;
}

/* kallsyms' tables: VMCOREINFO's lines first; without them (kernels
 * before 6.0) searched for in the kernel image (kallsyms_find.c).  *how
 * says which ("from VMCOREINFO", "found in memory at ..."). */
static int ksym_tables_get(const struct kmem *m, struct ptw_ksym_tables *t, char *how,
			   size_t howsz, struct ptw_error *err)
{
	const ptw_dump *d = m->k->dump;
	bool vmci = ptw_dump_vmcoreinfo(d, NULL) != NULL;
	/* Only x86-64 has a fixed place to search from without it. */
	if (!vmci && !ptw_mode_x86_64(m->k->mode))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: the dump has no VMCOREINFO (needed for kallsyms)");
	struct ptw_error vm = { .code = 0 };
	if (vmci && ksym_tables_vmcoreinfo(d, t, &vm) == 0) {
		snprintf(how, howsz, "from VMCOREINFO");
		return 0;
	}
	const char *why = vmci ? "no SYMBOL(kallsyms_*) in VMCOREINFO (before 6.0)"
			       : "no VMCOREINFO";
	uint64_t start;
	if (!kimage_start(m, &start))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"%s, and it has no SYMBOL(_stext) to search the kernel image from",
				vm.msg);
	struct ptw_ksym_search st;
	struct ptw_error e = { .code = 0 };
	int rc = ptw_ksym_find(m->k, start, KIMAGE_SPAN, t, &st, &e);
	if (rc == PTW_ERR_NOMEM)
		return ptw_fail(err, rc, "%s", e.msg);
	if (rc)
		return ptw_fail(err, rc, "Linux task list: %s, and %s", why, e.msg);
	snprintf(how, howsz, "found in memory at %" PRIx64 ", layout %s, %.1f MiB of the image read",
		 t->token_table, ptw_ksym_layout(t), (double)st.bytes / (1 << 20));
	return 0;
}

/* The token table, and where each token starts in it. */
struct ksym_tokens {
	uint8_t table[KSYM_TOKENS_MAX];
	uint16_t index[256];
};

static int ksym_tokens_read(const struct kmem *m, const struct ptw_ksym_tables *t,
			    struct ksym_tokens *tok, struct ptw_error *err)
{
	uint8_t raw[512];
	if (!ptw_kread(m->k, t->token_index, raw, sizeof raw))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: cannot read kallsyms_token_index at %" PRIx64,
				t->token_index);
	unsigned top = 0;
	for (unsigned i = 0; i < 256; i++) {
		tok->index[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
		if (tok->index[i] > top)
			top = tok->index[i];
	}
	/* Tokens are short; the last one starts at `top`. */
	size_t want = top + 256u < KSYM_TOKENS_MAX ? top + 256u : KSYM_TOKENS_MAX;
	size_t got = read_upto(m, t->token_table, tok->table, want);
	for (unsigned i = 0; i < 256; i++)
		if (tok->index[i] >= got ||
		    !memchr(tok->table + tok->index[i], '\0', got - tok->index[i]))
			return ptw_fail(err, PTW_ERR_NOT_FOUND,
					"Linux task list: kallsyms token %u (at +0x%x) does not end inside kallsyms_token_table at %" PRIx64,
					i, tok->index[i], t->token_table);
	return 0;
}

/* kallsyms_names, read in chunks as the decoder moves along. */
struct ksym_stream {
	const struct kmem *m;
	uint64_t start;            /* kallsyms_names */
	uint64_t va;               /* of buf[0] */
	uint8_t buf[KSYM_CHUNK];
	size_t len, pos;
};

/* Make n bytes available at s->pos; false when memory ends first. */
static bool stream_need(struct ksym_stream *s, size_t n)
{
	if (s->len - s->pos >= n)
		return true;
	size_t keep = s->len - s->pos;
	memmove(s->buf, s->buf + s->pos, keep);
	s->va += s->pos;
	s->pos = 0;
	s->len = keep + read_upto(s->m, s->va + keep, s->buf + keep,
				  sizeof s->buf - keep);
	return s->len >= n;
}

/* Expand symbol names one at a time into name (type letter dropped; cut
 * at KSYM_MATCH_MAX characters, which bounds the work per symbol). */
static int ksym_next(struct ksym_stream *s, const struct ksym_tokens *tok,
		     uint32_t i, char name[KSYM_MATCH_MAX + 1], char *type,
		     struct ptw_error *err)
{
	if (s->va + s->pos - s->start > KSYM_NAMES_MAX)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: kallsyms_names runs past %u MiB at symbol %" PRIu32,
				KSYM_NAMES_MAX >> 20, i);
	if (!stream_need(s, 1))
		goto unreadable;
	unsigned len = s->buf[s->pos++];
	if (len & 0x80) { /* a "big" symbol: ULEB128, two bytes at most */
		if (!stream_need(s, 1))
			goto unreadable;
		len = (len & 0x7f) | (unsigned)s->buf[s->pos++] << 7;
	}
	if (len == 0 || len > KSYM_LEN_MAX)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: kallsyms symbol %" PRIu32 " has a compressed length of %u",
				i, len);
	if (!stream_need(s, len))
		goto unreadable;
	size_t out = 0;
	bool first = true;
	*type = '\0';
	for (unsigned j = 0; j < len && out < KSYM_MATCH_MAX; j++) {
		const uint8_t *p = tok->table + tok->index[s->buf[s->pos + j]];
		for (; *p && out < KSYM_MATCH_MAX; p++) {
			if (first) {
				*type = (char)*p;
				first = false;
			} else {
				name[out++] = (char)*p;
			}
		}
	}
	name[out] = '\0';
	s->pos += len;
	return 0;
unreadable:
	return ptw_fail(err, PTW_ERR_NOT_FOUND,
			"Linux task list: cannot read kallsyms_names at %" PRIx64 " (symbol %" PRIu32 ")",
			s->va + s->pos, i);
}

/* The address kallsyms_sym_address() computes from offset o, the one of
 * symbol i. */
static uint64_t ksym_address(const struct ptw_mode *mode, const struct ptw_ksym_tables *t,
			     uint64_t base, uint32_t i, int32_t o)
{
	bool x64 = ptw_mode_x86_64(mode);
	uint64_t a;
	if (t->place_relative)  /* offset_to_ptr(&kallsyms_offsets[i]) */
		a = t->offsets + 4ULL * i + (uint64_t)(int64_t)o;
	else if (x64 && o < 0)  /* KALLSYMS_ABSOLUTE_PERCPU: relative, negated */
		return base - 1 - (uint64_t)(int64_t)o;
	else
		a = base + (uint32_t)o;
	return mode->va_bits > 32 ? a : (a & 0xffffffffULL);
}

/* Find each of want[] in kallsyms; *nsyms receives the symbol count.  A
 * symbol not found is not an error here (want[i].found says). */
static int ksym_lookup(const struct kmem *m, struct ksym_want *want, size_t nwant,
		       uint32_t *nsyms, char *how, size_t howsz, struct ptw_error *err)
{
	struct ptw_ksym_tables t;
	int rc = ksym_tables_get(m, &t, how, howsz, err);
	if (rc)
		return rc;
	uint64_t n;  /* pointer-sized before 4.20, u32 since */
	if (!ptw_kread_uint(m->k, t.num_syms, t.count_size, &n))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: cannot read kallsyms_num_syms at %" PRIx64,
				t.num_syms);
	if (n == 0 || n > KSYM_MAX_SYMS)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: kallsyms_num_syms is %" PRIu64 " (expected 1 to %u)",
				n, KSYM_MAX_SYMS);
	*nsyms = (uint32_t)n;
	struct ksym_tokens *tok = malloc(sizeof *tok);
	struct ksym_stream *s = malloc(sizeof *s);
	if (!tok || !s) {
		free(tok);
		free(s);
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for kallsyms");
	}
	rc = ksym_tokens_read(m, &t, tok, err);
	s->m = m;
	s->start = s->va = t.names;
	s->len = s->pos = 0;
	size_t left = nwant;
	char name[KSYM_MATCH_MAX + 1], type;
	for (uint32_t i = 0; !rc && i < n && left; i++) {
		rc = ksym_next(s, tok, i, name, &type, err);
		for (size_t w = 0; !rc && w < nwant; w++)
			if (!want[w].found && strcmp(name, want[w].name) == 0) {
				want[w].found = true;
				want[w].index = i;
				left--;
			}
	}
	free(tok);
	free(s);
	if (rc)
		return rc;
	uint64_t base = 0;
	if (!t.place_relative && !read_ptr(m, t.relative_base, &base))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: cannot read kallsyms_relative_base at %" PRIx64,
				t.relative_base);
	for (size_t w = 0; w < nwant; w++) {
		uint32_t o;
		if (!want[w].found)
			continue;
		if (!read_u32(m, t.offsets + 4ULL * want[w].index, &o))
			return ptw_fail(err, PTW_ERR_NOT_FOUND,
					"Linux task list: cannot read kallsyms_offsets[%" PRIu32 "]",
					want[w].index);
		want[w].addr = ksym_address(m->k->mode, &t, base, want[w].index, (int32_t)o);
	}
	return 0;
}

/* ---- BTF ------------------------------------------------------------------------- */

enum {
	BTF_INT = 1, BTF_PTR, BTF_ARRAY, BTF_STRUCT, BTF_UNION, BTF_ENUM,
	BTF_FWD, BTF_TYPEDEF, BTF_VOLATILE, BTF_CONST, BTF_RESTRICT, BTF_FUNC,
	BTF_FUNC_PROTO, BTF_VAR, BTF_DATASEC, BTF_FLOAT, BTF_DECL_TAG,
	BTF_TYPE_TAG, BTF_ENUM64,
};

#define BTF_MAGIC 0xeb9f
#define BTF_HDR   24

struct btf {
	const uint8_t *types;      /* the type section */
	uint32_t types_len;
	const char *strs;          /* the string section */
	uint32_t strs_len;
	uint32_t *off;             /* off[id]: type id's record in types (id >= 1) */
	uint32_t n;                /* ids 1 .. n-1 */
};

/* One type record, decoded. */
struct btf_type {
	uint32_t name_off, kind, vlen;
	bool kind_flag;
	uint32_t size_type;        /* size, or the type it refers to */
	const uint8_t *extra;      /* the trailer */
};

/* Bytes of a record's trailer, or -1 for an unknown kind. */
static int64_t btf_extra_len(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BTF_INT: case BTF_VAR: case BTF_DECL_TAG:
		return 4;
	case BTF_ARRAY:
		return 12;
	case BTF_STRUCT: case BTF_UNION: case BTF_DATASEC: case BTF_ENUM64:
		return 12LL * vlen;
	case BTF_ENUM: case BTF_FUNC_PROTO:
		return 8LL * vlen;
	case BTF_PTR: case BTF_FWD: case BTF_TYPEDEF: case BTF_VOLATILE:
	case BTF_CONST: case BTF_RESTRICT: case BTF_FUNC: case BTF_FLOAT:
	case BTF_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

static void btf_decode(const struct btf *b, uint32_t off, struct btf_type *t)
{
	const uint8_t *p = b->types + off;
	uint32_t info = ptw_le32(p + 4);
	t->name_off = ptw_le32(p);
	t->vlen = info & 0xffff;
	t->kind = (info >> 24) & 0x1f;
	t->kind_flag = info >> 31;
	t->size_type = ptw_le32(p + 8);
	t->extra = p + 12;
}

/* Type id's record; false for void (0) or an id out of range. */
static bool btf_get(const struct btf *b, uint32_t id, struct btf_type *t)
{
	if (id == 0 || id >= b->n)
		return false;
	btf_decode(b, b->off[id], t);
	return true;
}

/* The NUL-terminated string at off, or NULL when it does not lie whole in
 * the string section. */
static const char *btf_str(const struct btf *b, uint32_t off)
{
	if (off >= b->strs_len || !memchr(b->strs + off, '\0', b->strs_len - off))
		return NULL;
	return b->strs + off;
}

/* The header's fields (offsets from the header's end, as btf.h says). */
struct btf_hdr {
	uint64_t hdr, toff, tlen, soff, slen;
	uint64_t extent;           /* bytes from the header's start it covers */
};

/* Check the header (24 bytes at data) against the size the section has. */
static int btf_header(const uint8_t *data, uint64_t size, struct btf_hdr *h,
		      struct ptw_error *err)
{
	if (size < BTF_HDR)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF of %" PRIu64 " bytes is shorter than its header", size);
	uint16_t magic = (uint16_t)(data[0] | data[1] << 8);
	if (magic != BTF_MAGIC)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: no BTF at __start_BTF (magic 0x%04x, not 0xeb9f)", magic);
	if (data[2] != 1)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF version %u (only 1 is known)", data[2]);
	h->hdr = ptw_le32(data + 4), h->toff = ptw_le32(data + 8), h->tlen = ptw_le32(data + 12);
	h->soff = ptw_le32(data + 16), h->slen = ptw_le32(data + 20);
	/* u32 fields summed in 64 bits: no overflow */
	uint64_t tend = h->toff + h->tlen, send = h->soff + h->slen;
	h->extent = h->hdr + (tend > send ? tend : send);
	if (h->hdr < BTF_HDR || h->extent > size || h->slen == 0)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF header (hdr_len %" PRIu64 ", types %" PRIu64 "+%" PRIu64
				", strings %" PRIu64 "+%" PRIu64 ") does not fit its %" PRIu64 " bytes",
				h->hdr, h->toff, h->tlen, h->soff, h->slen, size);
	return 0;
}

/* Check the header and index every type record. */
static int btf_parse(struct btf *b, const uint8_t *data, uint64_t size,
		     struct ptw_error *err)
{
	memset(b, 0, sizeof *b);
	struct btf_hdr h;
	int rc = btf_header(data, size, &h, err);
	if (rc)
		return rc;
	uint64_t hdr = h.hdr, toff = h.toff, tlen = h.tlen, soff = h.soff, slen = h.slen;
	b->types = data + hdr + toff;
	b->types_len = (uint32_t)tlen;
	b->strs = (const char *)data + hdr + soff;
	b->strs_len = (uint32_t)slen;
	/* Every record takes at least 12 bytes: that bounds the ids. */
	uint64_t cap = tlen / 12 + 1;
	b->off = malloc(cap * sizeof *b->off);
	if (!b->off)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for BTF types");
	b->n = 1;
	for (uint64_t at = 0; at < tlen;) {
		struct btf_type t;
		if (tlen - at < 12)
			return ptw_fail(err, PTW_ERR_NOT_FOUND,
					"Linux task list: BTF type %" PRIu32 " is cut short by the end of the type section",
					b->n);
		btf_decode(b, (uint32_t)at, &t);
		int64_t extra = btf_extra_len(t.kind, t.vlen);
		if (extra < 0) /* its trailer's size is unknown: nothing after it can be read */
			return ptw_fail(err, PTW_ERR_NOT_FOUND,
					"Linux task list: BTF type %" PRIu32 " has unknown kind %" PRIu32
					" (known: 1 to %u, BTF_KIND_INT to BTF_KIND_ENUM64)",
					b->n, t.kind, (unsigned)BTF_ENUM64);
		if ((uint64_t)extra > tlen - at - 12)
			return ptw_fail(err, PTW_ERR_NOT_FOUND,
					"Linux task list: BTF type %" PRIu32 " runs past the end of the type section",
					b->n);
		b->off[b->n++] = (uint32_t)at;
		at += 12 + (uint64_t)extra;
	}
	return 0;
}

/* Through typedefs and qualifiers to the type they name (0: void, or a
 * broken chain). */
static uint32_t btf_resolve(const struct btf *b, uint32_t id, struct btf_type *t)
{
	for (unsigned i = 0; i < BTF_CHAIN && btf_get(b, id, t); i++) {
		switch (t->kind) {
		case BTF_TYPEDEF: case BTF_VOLATILE: case BTF_CONST:
		case BTF_RESTRICT: case BTF_TYPE_TAG:
			id = t->size_type;
			continue;
		default:
			return id;
		}
	}
	return 0;
}

/* The first struct (kind) named name with members. */
static uint32_t btf_find_struct(const struct btf *b, const char *name)
{
	for (uint32_t id = 1; id < b->n; id++) {
		struct btf_type t;
		btf_get(b, id, &t);
		if (t.kind != BTF_STRUCT || t.vlen == 0)
			continue;
		const char *s = btf_str(b, t.name_off);
		if (s && strcmp(s, name) == 0)
			return id;
	}
	return 0;
}

/* What a member search found. */
enum member_found { MEMBER_ABSENT, MEMBER_FOUND, MEMBER_BITFIELD };

/* A member found: its byte offset and its type (for a bitfield, where its
 * bits lie, to say so). */
struct btf_member {
	uint64_t offset;
	uint32_t type;
	uint32_t bitsize;
	uint64_t bitoff;
};

/* Member `name` of struct/union id, searched through anonymous members
 * (task_struct's randomized_struct_fields, mm_struct's block of 4.19 on,
 * the unions of rcu heads).  A bitfield member (kind_flag's bit size, or a
 * bit offset off a byte) is MEMBER_BITFIELD: none of ours is one, and a
 * kernel that made one so must not be read as if it were whole.  *budget
 * bounds the member records visited: anonymous members may nest (or loop)
 * widely. */
static enum member_found btf_member(const struct btf *b, uint32_t id, const char *name,
				    unsigned depth, unsigned *budget, struct btf_member *out)
{
	struct btf_type t;
	if (depth > BTF_DEPTH || !btf_get(b, btf_resolve(b, id, &t), &t) ||
	    (t.kind != BTF_STRUCT && t.kind != BTF_UNION))
		return MEMBER_ABSENT;
	for (uint32_t i = 0; i < t.vlen; i++) {
		if (*budget == 0)
			return MEMBER_ABSENT;
		--*budget;
		const uint8_t *mp = t.extra + 12ULL * i;
		uint32_t moff = ptw_le32(mp), mtype = ptw_le32(mp + 4), bits = ptw_le32(mp + 8);
		uint32_t bitsize = t.kind_flag ? bits >> 24 : 0;
		uint64_t bitoff = t.kind_flag ? (bits & 0xffffff) : bits;
		const char *mname = btf_str(b, moff);
		if (!mname)
			continue;
		if (mname[0] == '\0') {
			struct btf_member in;
			enum member_found f = btf_member(b, mtype, name, depth + 1, budget, &in);
			if (f == MEMBER_ABSENT)
				continue;
			*out = in;
			out->offset = bitoff / 8 + in.offset;
			out->bitoff = bitoff + in.bitoff; /* from this struct's start */
			if (bitsize || bitoff % 8) { /* the anonymous member itself */
				out->bitsize = bitsize;
				out->bitoff = bitoff;
				return MEMBER_BITFIELD;
			}
			return f;
		}
		if (strcmp(mname, name) != 0)
			continue;
		out->offset = bitoff / 8;
		out->type = mtype;
		out->bitsize = bitsize;
		out->bitoff = bitoff;
		return bitsize || bitoff % 8 ? MEMBER_BITFIELD : MEMBER_FOUND;
	}
	return MEMBER_ABSENT;
}

/* ---- the offsets the walk needs --------------------------------------------------- */

/* How a process's threads are linked (group_mm walks them). */
enum threads {
	THREADS_NONE,
	THREADS_HEAD,   /* signal->thread_head through thread_node: 3.14 on,
			 * and the only one from 6.7 */
	THREADS_GROUP,  /* a ring through task_struct.thread_group, the
			 * leader's among them: before 6.7 */
};

struct layout {
	uint64_t tasks, next, prev;     /* task_struct.tasks; list_head's */
	uint64_t pid, tgid, comm, mm, real_parent, flags;
	enum threads threads;
	uint64_t signal, thread_head;   /* THREADS_HEAD: task->signal->thread_head */
	uint64_t thread_link;           /* thread_node, or thread_group */
	uint32_t comm_len;
	uint64_t pgd;                   /* mm_struct.pgd */
	uint64_t rm_pgd;                /* real_mode_header.trampoline_pgd */
	bool has_rm_pgd;                /* (x86 kernels only) */
};

/* What a member must be: the walk reads it as such. */
struct want {
	uint32_t kind;          /* BTF_INT, BTF_PTR, BTF_STRUCT or BTF_ARRAY */
	uint32_t size;          /* INT: bytes; ARRAY: bytes of its (int) elements */
	const char *target;     /* STRUCT: its name; PTR: the struct it points to
				 * (NULL: anything) */
};

static const struct want W_U32 = { BTF_INT, 4, NULL };
static const struct want W_LIST = { BTF_STRUCT, 0, "list_head" };

/* The name of struct/union/fwd t, or "" */
static const char *btf_name(const struct btf *b, const struct btf_type *t)
{
	const char *s = btf_str(b, t->name_off);
	return s ? s : "";
}

/* An INT's encoding (its trailer): bits used and bit offset.  Before
 * kind_flag (pahole 1.12, Linux 5.1) a bitfield was an INT whose bits fall
 * short of its size. */
static bool btf_int_whole(const struct btf_type *t)
{
	uint32_t enc = ptw_le32(t->extra);
	return (enc & 0xff) == t->size_type * 8 && ((enc >> 16) & 0xff) == 0;
}

/* "a" or "an" before the number n said in English ("an 8-byte int"). */
static const char *article(uint64_t n)
{
	while (n >= 1000)
		n /= 1000;
	return n == 8 || n == 11 || n == 18 || (n >= 80 && n < 90) ? "an" : "a";
}

/* What type t is, in words: "an 8-byte int", "a pointer", "struct list_head". */
static void btf_describe(const struct btf *b, const struct btf_type *t, char *buf, size_t n)
{
	switch (t->kind) {
	case BTF_INT:
		if (btf_int_whole(t))
			snprintf(buf, n, "%s %" PRIu32 "-byte int", article(t->size_type),
				 t->size_type);
		else
			snprintf(buf, n, "%s %u-bit bitfield int", article(ptw_le32(t->extra) & 0xff),
				 ptw_le32(t->extra) & 0xff);
		break;
	case BTF_ENUM: case BTF_ENUM64:
		snprintf(buf, n, "%s %" PRIu32 "-byte enum", article(t->size_type), t->size_type);
		break;
	case BTF_PTR: {
		struct btf_type p;
		const char *s = btf_resolve(b, t->size_type, &p) &&
				(p.kind == BTF_STRUCT || p.kind == BTF_FWD) ? btf_name(b, &p) : "";
		snprintf(buf, n, *s ? "a pointer to struct %s" : "a pointer", s);
		break;
	}
	case BTF_ARRAY: {
		struct btf_type e;
		uint32_t count = ptw_le32(t->extra + 8);
		if (btf_resolve(b, ptw_le32(t->extra), &e) && e.kind == BTF_INT)
			snprintf(buf, n, "an array of %" PRIu32 " %" PRIu32 "-byte ints", count,
				 e.size_type);
		else
			snprintf(buf, n, "an array of %" PRIu32, count);
		break;
	}
	case BTF_STRUCT: case BTF_UNION: case BTF_FWD: {
		const char *what = t->kind == BTF_UNION ? "union" : "struct";
		const char *s = btf_name(b, t);
		snprintf(buf, n, *s ? "%s %s" : "an anonymous %s", what, s);
		break;
	}
	default:
		snprintf(buf, n, "a type of BTF kind %" PRIu32, t->kind);
	}
}

static void want_describe(const struct want *w, char *buf, size_t n)
{
	switch (w->kind) {
	case BTF_INT:
		snprintf(buf, n, "%s %" PRIu32 "-byte int", article(w->size), w->size);
		break;
	case BTF_PTR:
		snprintf(buf, n, w->target ? "a pointer to struct %s" : "a pointer", w->target);
		break;
	case BTF_ARRAY:
		snprintf(buf, n, "an array of %" PRIu32 "-byte ints", w->size);
		break;
	default:
		snprintf(buf, n, "struct %s", w->target);
	}
}

/* The struct a pointer of type t (resolved) points to, if it is one named
 * name: its id (the one with members, when t names a declaration). */
static uint32_t btf_pointee(const struct btf *b, const struct btf_type *t, const char *name)
{
	struct btf_type p;
	uint32_t id = btf_resolve(b, t->size_type, &p);
	if (!id || (p.kind != BTF_STRUCT && p.kind != BTF_FWD) ||
	    strcmp(btf_name(b, &p), name) != 0)
		return 0;
	return p.kind == BTF_STRUCT ? id : btf_find_struct(b, name);
}

/* Whether mt (resolved) is what w wants; *size: its bytes (ptr: a
 * pointer's). */
static bool btf_matches(const struct btf *b, const struct btf_type *mt, const struct want *w,
			unsigned ptr, uint64_t *size)
{
	if (mt->kind != w->kind)
		return false;
	switch (w->kind) {
	case BTF_INT:
		*size = mt->size_type;
		return mt->size_type == w->size && btf_int_whole(mt);
	case BTF_PTR:
		*size = ptr;
		return !w->target || btf_pointee(b, mt, w->target) != 0;
	case BTF_ARRAY: {
		struct btf_type e;
		uint32_t n = ptw_le32(mt->extra + 8);
		*size = (uint64_t)n * w->size;
		return n > 0 && btf_resolve(b, ptw_le32(mt->extra), &e) && e.kind == BTF_INT &&
		       e.size_type == w->size && btf_int_whole(&e);
	}
	default:
		*size = mt->size_type;
		return strcmp(btf_name(b, mt), w->target) == 0;
	}
}

/* Member name of struct sid, of the type w says and lying inside the
 * struct; *mt its type, resolved.  A member renamed, retyped or made a
 * bitfield by some kernel gives an error naming what it found instead. */
static int need_member(const struct btf *b, unsigned ptr, uint32_t sid, const char *sname,
		       const char *name, const struct want *w, struct btf_member *out,
		       struct btf_type *mt, struct ptw_error *err)
{
	unsigned budget = BTF_BUDGET;
	switch (btf_member(b, sid, name, 0, &budget, out)) {
	case MEMBER_ABSENT:
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF: %s has no member %s", sname, name);
	case MEMBER_BITFIELD:
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF: %s.%s is a bitfield (%" PRIu32 " bits at bit %" PRIu64
				"), not a whole field", sname, name, out->bitsize, out->bitoff);
	case MEMBER_FOUND:
		break;
	}
	char got[96] = "a broken type chain", exp[96];
	uint32_t r = btf_resolve(b, out->type, mt);
	uint64_t size = 0;
	if (r)
		btf_describe(b, mt, got, sizeof got);
	if (!r || !btf_matches(b, mt, w, ptr, &size)) {
		want_describe(w, exp, sizeof exp);
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF: %s.%s is %s, not %s", sname, name, got, exp);
	}
	struct btf_type st;
	uint64_t ssize = btf_get(b, sid, &st) ? st.size_type : 0;
	if (out->offset + size > ssize)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF: %s.%s (%" PRIu64 " bytes at +0x%" PRIx64
				") lies outside %s's %" PRIu64 " bytes",
				sname, name, size, out->offset, sname, ssize);
	out->type = r;
	return 0;
}

/* Whether struct sid has a member name (of any type; need_member then
 * checks it): optional members, and which variant a kernel has. */
static bool has_member(const struct btf *b, uint32_t sid, const char *name)
{
	unsigned budget = BTF_BUDGET;
	struct btf_member m;
	return btf_member(b, sid, name, 0, &budget, &m) != MEMBER_ABSENT;
}

/* Through member ptr of struct sid (a pointer to struct tname) to that
 * struct's member name: both offsets. */
static int via_pointer(const struct btf *b, unsigned ptr, uint32_t sid, const char *sname,
		       const char *pname, const char *tname, const char *name,
		       const struct want *w, uint64_t *ptr_at, uint64_t *at,
		       struct ptw_error *err)
{
	struct btf_member m;
	struct btf_type t;
	const struct want wp = { BTF_PTR, 0, tname };
	int rc = need_member(b, ptr, sid, sname, pname, &wp, &m, &t, err);
	if (rc)
		return rc;
	*ptr_at = m.offset;
	uint32_t target = btf_pointee(b, &t, tname);
	if ((rc = need_member(b, ptr, target, tname, name, w, &m, &t, err)))
		return rc;
	*at = m.offset;
	return 0;
}

/* How the group's threads are linked, to find a process whose leader
 * exited: signal->thread_head through thread_node (3.14 on; 6.7 removed
 * thread_group), else the thread_group ring.  A kernel with neither is
 * walked without (such a process is then missed); one with either retyped
 * is an error. */
static int thread_layout(const struct btf *b, unsigned ptr, uint32_t task,
			 struct layout *L, struct ptw_error *err)
{
	struct btf_member m;
	struct btf_type t;
	const char *ts = "task_struct";
	int rc;
	L->threads = THREADS_NONE;
	if (has_member(b, task, "thread_node")) {
		if ((rc = need_member(b, ptr, task, ts, "thread_node", &W_LIST, &m, &t, err)))
			return rc;
		L->thread_link = m.offset;
		if ((rc = via_pointer(b, ptr, task, ts, "signal", "signal_struct", "thread_head",
				      &W_LIST, &L->signal, &L->thread_head, err)))
			return rc;
		L->threads = THREADS_HEAD;
	} else if (has_member(b, task, "thread_group")) {
		if ((rc = need_member(b, ptr, task, ts, "thread_group", &W_LIST, &m, &t, err)))
			return rc;
		L->thread_link = m.offset;
		L->threads = THREADS_GROUP;
	}
	return 0;
}

/* The task_struct members read as they are: name, type, where.  pid and
 * tgid are the numbers of the initial pid namespace (what the dump's
 * /proc showed), kept in task_struct by every kernel; a container's own
 * numbers would need struct pid's numbers[level], which ps does not show
 * either. */
static const struct want W_TASK_PTR = { BTF_PTR, 0, "task_struct" };
static const struct want W_COMM = { BTF_ARRAY, 1, NULL };
static const struct {
	const char *name;
	const struct want *want;
	size_t at;
} task_members[] = {
	{ "flags", &W_U32, offsetof(struct layout, flags) },
	{ "pid", &W_U32, offsetof(struct layout, pid) },
	{ "tgid", &W_U32, offsetof(struct layout, tgid) },
	{ "real_parent", &W_TASK_PTR, offsetof(struct layout, real_parent) },
	{ "comm", &W_COMM, offsetof(struct layout, comm) },
};

/* task_struct.tasks and its list_head's next and prev; a list_head is two
 * pointers, of the bytes the mode's are. */
static int list_layout(const struct btf *b, unsigned ptr, uint32_t task, struct layout *L,
		       struct ptw_error *err)
{
	struct btf_member m;
	struct btf_type t;
	const struct want wp = { BTF_PTR, 0, "list_head" };
	int rc;
	if ((rc = need_member(b, ptr, task, "task_struct", "tasks", &W_LIST, &m, &t, err)))
		return rc;
	L->tasks = m.offset;
	uint32_t list = m.type;
	if (t.size_type != 2 * ptr)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF: struct list_head is %" PRIu32 " bytes, not two"
				" %u-byte pointers (a kernel of another word size?)", t.size_type, ptr);
	if ((rc = need_member(b, ptr, list, "list_head", "next", &wp, &m, &t, err)))
		return rc;
	L->next = m.offset;
	if ((rc = need_member(b, ptr, list, "list_head", "prev", &wp, &m, &t, err)))
		return rc;
	L->prev = m.offset;
	return 0;
}

/* Every offset the walk reads, from BTF by member name and type: no
 * kernel version's layout is assumed.  ptr: the mode's pointer bytes. */
static int btf_layout(const struct btf *b, unsigned ptr, struct layout *L,
		      struct ptw_error *err)
{
	uint32_t task = btf_find_struct(b, "task_struct");
	if (!task)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF has no struct task_struct");
	struct btf_member m;
	struct btf_type t;
	int rc;
	const char *ts = "task_struct";
	if ((rc = list_layout(b, ptr, task, L, err)))
		return rc;
	for (size_t i = 0; i < sizeof task_members / sizeof task_members[0]; i++) {
		if ((rc = need_member(b, ptr, task, ts, task_members[i].name, task_members[i].want,
				      &m, &t, err)))
			return rc;
		*(uint64_t *)((char *)L + task_members[i].at) = m.offset;
		if (strcmp(task_members[i].name, "comm") == 0) {
			/* TASK_COMM_LEN: 16 in every kernel so far */
			uint32_t nelems = ptw_le32(t.extra + 8);
			L->comm_len = nelems < COMM_MAX ? nelems : COMM_MAX - 1;
		}
	}
	const struct want wpgd = { BTF_PTR, 0, NULL };
	if ((rc = via_pointer(b, ptr, task, ts, "mm", "mm_struct", "pgd", &wpgd, &L->mm,
			      &L->pgd, err)))
		return rc;
	if ((rc = thread_layout(b, ptr, task, L, err)))
		return rc;
	/* x86's real-mode header (arch/x86/include/asm/realmode.h): its
	 * fields are u32 physical addresses, and which come before
	 * trampoline_pgd depends on the configuration.  Optional. */
	uint32_t rmh = btf_find_struct(b, "real_mode_header");
	L->has_rm_pgd = rmh && need_member(b, ptr, rmh, "real_mode_header", "trampoline_pgd",
					   &W_U32, &m, &t, NULL) == 0;
	L->rm_pgd = L->has_rm_pgd ? m.offset : 0;
	return 0;
}

/* Copy the kernel's BTF out of memory and take the layout from it. */
static int read_layout(const struct kmem *m, uint64_t start, uint64_t stop,
		       struct layout *L, double *mib, struct ptw_error *err)
{
	if (stop <= start)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: __stop_BTF (%" PRIx64 ") is not above __start_BTF (%" PRIx64 ")",
				stop, start);
	uint64_t size = stop - start;
	if (size > BTF_MAX)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: BTF of %" PRIu64 " bytes is larger than the %u MiB read",
				size, BTF_MAX >> 20);
	*mib = (double)size / (1 << 20);
	/* The header first: memory that holds no BTF costs no big buffer,
	 * and the copy is only as long as the header says. */
	uint8_t head[BTF_HDR];
	struct btf_hdr h;
	if (size >= BTF_HDR && !ptw_kread(m->k, start, head, sizeof head))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: cannot read the BTF header at %" PRIx64, start);
	int rc = btf_header(head, size, &h, err);
	if (rc)
		return rc;
	size = h.extent;
	uint8_t *data = malloc((size_t)size);
	if (!data)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for BTF");
	if (read_upto(m, start, data, (size_t)size) != size)
		rc = ptw_fail(err, PTW_ERR_NOT_FOUND,
			      "Linux task list: cannot read the BTF at %" PRIx64 "-%" PRIx64,
			      start, start + size);
	struct btf b = {0};
	if (!rc)
		rc = btf_parse(&b, data, size, err);
	if (!rc)
		rc = btf_layout(&b, m->ptr, L, err);
	free(b.off);
	free(data);
	return rc;
}

/* ---- the kernel image, scanned ----------------------------------------------------- */

/* Without CONFIG_KALLSYMS_ALL kallsyms names code only: no __start_BTF,
 * __stop_BTF or init_task.  Both are then looked for in the kernel image,
 * read from its start through the kernel's table. */
#define IMAGE_SPAN      (256u << 20)    /* VA read from the start: an image
					 * is some tens of MiB */
#define IMAGE_GAP       (16u << 20)     /* so much unreadable in a row ends
					 * it (arm64 unmaps the freed __init
					 * sections, a few MiB, inside it) */
#define IMAGE_CHUNK     65536
#define IMAGE_OVERLAP   64              /* a pattern across two chunks is
					 * seen whole */
#define BTF_TRIES       16              /* headers copied and parsed */
#define INIT_TASK_TRIES 4096            /* swapper task_structs checked */
#define INIT_TASK_ALIGN 64              /* init_task is __aligned(L1_CACHE_BYTES):
					 * 64 on x86 and arm64 */

/* A forward read of the image in chunks, each the previous chunk's last
 * IMAGE_OVERLAP bytes (when it continues it) and what follows. */
struct image_scan {
	const struct kmem *m;
	uint64_t start, end;       /* the VA range read */
	uint64_t next;             /* the next VA to read */
	uint64_t gap;              /* unreadable bytes since the last read */
	uint64_t bytes;            /* read in all */
	uint64_t seen;             /* pattern starts below this VA were looked at */
	uint64_t va;               /* of buf[0] */
	size_t len;                /* bytes in buf */
	uint8_t buf[IMAGE_OVERLAP + IMAGE_CHUNK];
};

static struct image_scan *scan_new(const struct kmem *m, uint64_t start)
{
	struct image_scan *s = malloc(sizeof *s);
	if (!s)
		return NULL;
	s->m = m;
	s->start = s->next = s->seen = s->va = start;
	s->end = start > UINT64_MAX - IMAGE_SPAN ? UINT64_MAX : start + IMAGE_SPAN;
	s->gap = s->bytes = 0;
	s->len = 0;
	return s;
}

/* Step over the unreadable bytes at s->next: the stretch its missing table
 * entry covers, or the dump's hole its page lies in, else the page.  False
 * at a VA the mode does not have (none above it is valid either). */
static bool scan_skip(struct image_scan *s)
{
	const struct ptw_space *k = s->m->k;
	uint64_t pa, left, run, step = 0;
	if (!ptw_mode_va_valid(k->mode, s->next))
		return false;
	if (!ptw_vtop_run(k, NULL, s->next, &pa, &left))
		step = left;
	else if (!ptw_phys_present(k->dump, pa, &run))
		step = run < left ? run : left;
	if (step == 0)          /* mapped and held, yet unreadable: a page */
		step = PTW_PAGE - (s->next & (PTW_PAGE - 1));
	if (step > s->end - s->next)
		step = s->end - s->next;
	s->gap += step;
	s->next += step;
	return true;
}

/* The next chunk into s->buf; false when the span is read or a long
 * unreadable stretch ended the image. */
static bool scan_next(struct image_scan *s)
{
	size_t keep = 0;
	if (s->len && s->va + s->len == s->next) {
		keep = s->len < IMAGE_OVERLAP ? s->len : IMAGE_OVERLAP;
		memmove(s->buf, s->buf + s->len - keep, keep);
	}
	while (s->next < s->end && s->gap < IMAGE_GAP) {
		uint64_t rest = s->end - s->next;
		size_t n = read_upto(s->m, s->next, s->buf + keep,
				     rest < IMAGE_CHUNK ? (size_t)rest : IMAGE_CHUNK);
		if (n) {
			s->va = s->next - keep;
			s->len = keep + n;
			s->next += n;
			s->bytes += n;
			s->gap = 0;
			return true;
		}
		keep = 0;
		if (!scan_skip(s))
			break;
	}
	s->len = 0;
	return false;
}

/* The first pat in [p, p + n): its first byte by memchr, then the rest.
 * (glibc's memmem hashes byte pairs, and in zero-filled memory calls
 * memcmp nearly everywhere for a pattern with two zeros in a row.) */
static const uint8_t *find_bytes(const uint8_t *p, size_t n, const uint8_t *pat,
				 size_t plen)
{
	const uint8_t *last = n >= plen ? p + (n - plen) : NULL;
	for (; last && p <= last && (p = memchr(p, pat[0], (size_t)(last - p) + 1)); p++)
		if (memcmp(p, pat, plen) == 0)
			return p;
	return NULL;
}

/* The next start of pat in the chunk not looked at before, with need bytes
 * (at most IMAGE_OVERLAP) there from it; NULL when the chunk has no more.
 * A start too near the chunk's end comes again in the next chunk. */
static const uint8_t *scan_hit(struct image_scan *s, const uint8_t *pat, size_t plen,
			       size_t need)
{
	size_t from = s->seen > s->va ? (size_t)(s->seen - s->va) : 0;
	const uint8_t *h = from < s->len ? find_bytes(s->buf + from, s->len - from, pat, plen)
					  : NULL;
	if (!h || (size_t)(h - s->buf) + need > s->len) {
		uint64_t looked = s->len >= need ? s->va + s->len - need + 1 : s->va;
		if (looked > s->seen)
			s->seen = looked;
		return NULL;
	}
	s->seen = s->va + (uint64_t)(h - s->buf) + 1;
	return h;
}

static double scan_mib(const struct image_scan *s)
{
	return (double)s->bytes / (1 << 20);
}

/* A message of read_layout's without its "Linux task list: ", to quote. */
static const char *inner_msg(const char *msg)
{
	static const char prefix[] = "Linux task list: ";
	return strncmp(msg, prefix, sizeof prefix - 1) ? msg : msg + sizeof prefix - 1;
}

/* The start of a header as pahole writes the kernel's: magic 0xeb9f,
 * version 1, flags 0, hdr_len 24. */
static const uint8_t btf_start_bytes[8] = { 0x9f, 0xeb, 1, 0, BTF_HDR, 0, 0, 0 };

/* Whether the header h (24 bytes, read at va) is laid out as the kernel's
 * BTF is: the types from the header's end, the strings right after them
 * (4-byte aligned), within BTF_MAX; and the string section begins and ends
 * with a NUL, as every one does.  *size: the bytes it covers. */
static bool btf_header_plausible(const struct kmem *m, uint64_t va, const uint8_t *h,
				 uint64_t *size)
{
	uint32_t toff = ptw_le32(h + 8), tlen = ptw_le32(h + 12);
	uint32_t soff = ptw_le32(h + 16), slen = ptw_le32(h + 20);
	uint8_t first, last;
	*size = BTF_HDR + (uint64_t)tlen + slen;
	return toff == 0 && soff == tlen && soff % 4 == 0 && slen && *size <= BTF_MAX &&
	       ptw_kread(m->k, va + BTF_HDR + soff, &first, 1) && first == 0 &&
	       ptw_kread(m->k, va + *size - 1, &last, 1) && last == 0;
}

/* The layout from the first BTF in the image that gives one; *at: where
 * it lies.  Headers that do not are skipped, the last one's reason kept.
 * *none: the image was read and held no BTF header at all. */
static int scan_btf(const struct kmem *m, uint64_t start, struct layout *L,
		    double *mib, uint64_t *at, bool *none, struct ptw_error *err)
{
	struct image_scan *s = scan_new(m, start);
	if (!s)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the kernel image scan");
	unsigned tries = 0;
	struct ptw_error last = { .code = 0 };
	int rc = PTW_ERR_NOT_FOUND;
	while (rc == PTW_ERR_NOT_FOUND && tries < BTF_TRIES && scan_next(s)) {
		const uint8_t *h;
		while (rc == PTW_ERR_NOT_FOUND && tries < BTF_TRIES &&
		       (h = scan_hit(s, btf_start_bytes, sizeof btf_start_bytes, BTF_HDR))) {
			uint64_t va = s->va + (uint64_t)(h - s->buf), size;
			if (!btf_header_plausible(m, va, h, &size))
				continue;
			tries++;
			rc = read_layout(m, va, va + size, L, mib, &last);
			*at = va;
		}
	}
	*none = rc == PTW_ERR_NOT_FOUND && tries == 0 && s->bytes > 0;
	if (rc == PTW_ERR_NOMEM)
		ptw_fail(err, rc, "%s", last.msg);
	else if (*none)
		ptw_fail(err, rc, "the kernel image from %" PRIx64 " (%.1f MiB read) holds none",
			 s->start, scan_mib(s));
	else if (rc)
		ptw_fail(err, rc,
			 "the kernel image from %" PRIx64 " (%.1f MiB read) holds no BTF with"
			 " task_struct (%u tried%s%s)",
			 s->start, scan_mib(s), tries, tries ? "; the last: " : "",
			 tries ? inner_msg(last.msg) : "");
	free(s);
	return rc;
}

/* init_task's comm, as the bytes c begin it: "swapper/0" once the boot
 * CPU's idle task named itself, "swapper" (INIT_TASK_COMM) before. */
static const char *swapper_comm(const uint8_t *c)
{
	if (memcmp(c, "swapper/0", 10) == 0)
		return "swapper/0";
	return memcmp(c, "swapper", 8) == 0 ? "swapper" : NULL;
}

/* Whether the task_struct at t is init_task: pid and tgid 0, and its tasks
 * node's neighbours linked back to it (next->prev and prev->next). */
static bool is_init_task(const struct kmem *m, const struct layout *L, uint64_t t)
{
	uint32_t pid, tgid;
	uint64_t head = t + L->tasks, next, prev, back, fore;
	return read_u32(m, t + L->pid, &pid) && pid == 0 &&
	       read_u32(m, t + L->tgid, &tgid) && tgid == 0 &&
	       read_ptr(m, head + L->next, &next) && read_ptr(m, head + L->prev, &prev) &&
	       read_ptr(m, next + L->prev, &back) && back == head &&
	       read_ptr(m, prev + L->next, &fore) && fore == head;
}

/* init_task: the first task_struct in the image, INIT_TASK_ALIGN-aligned,
 * whose comm (at the BTF's offset) is a swapper's and is_init_task. */
static int scan_init_task(const struct kmem *m, const struct layout *L, uint64_t start,
			  uint64_t *task, const char **comm, struct ptw_error *err)
{
	struct image_scan *s = scan_new(m, start);
	if (!s)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the kernel image scan");
	unsigned tries = 0;
	*comm = NULL;
	while (!*comm && tries < INIT_TASK_TRIES && scan_next(s)) {
		const uint8_t *c;
		while (!*comm && tries < INIT_TASK_TRIES &&
		       (c = scan_hit(s, (const uint8_t *)"swapper", 7, 10))) {
			uint64_t t = s->va + (uint64_t)(c - s->buf) - L->comm;
			if (t % INIT_TASK_ALIGN || !swapper_comm(c))
				continue;
			tries++;
			if (is_init_task(m, L, t)) {
				*task = t;
				*comm = swapper_comm(c);
			}
		}
	}
	int rc = 0;
	if (!*comm)
		rc = ptw_fail(err, PTW_ERR_NOT_FOUND,
			      "the kernel image from %" PRIx64 " (%.1f MiB read) holds no swapper"
			      " task_struct with pid 0 and tasks linked back to it (%u tried)",
			      s->start, scan_mib(s), tries);
	free(s);
	return rc;
}

/* ---- the task list ---------------------------------------------------------------- */

struct walk {
	const struct kmem *m;
	const struct layout *L;
	struct ptw_owners *out;
	struct ptw_addrset seen; /* list nodes walked, both ways */
	size_t tasks;           /* processes on the list */
	size_t back;            /* of them, found walking back from init_task */
	size_t skipped;         /* with an mm we could not follow to a table,
				 * or no valid pid */
	size_t broken;          /* links whose prev did not point back */
	size_t thread_reads;    /* thread-group entries read, all processes */
	char stop[160];         /* why the forward walk stopped early, or "" */
};

static void comm_copy(char *dst, const uint8_t *src, size_t n)
{
	size_t i = 0;
	for (; i < n && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[i] = '\0';
}

/* The mm of a process whose leader has exited (its mm is gone) while other
 * threads run on: the first thread of its group with one.  The group is a
 * ring of list_heads: signal->thread_head and each thread's thread_node,
 * or (thread_group) the threads' own, the leader's among them.  0 for a
 * zombie, whose threads are all gone, or when the layout lacks the links. */
static uint64_t group_mm(struct walk *w, uint64_t leader)
{
	const struct kmem *m = w->m;
	const struct layout *L = w->L;
	uint64_t signal, head, node, mm;
	if (L->threads == THREADS_HEAD && read_ptr(m, leader + L->signal, &signal))
		head = signal + L->thread_head;
	else if (L->threads == THREADS_GROUP)
		head = leader + L->thread_link;
	else
		return 0;
	if (!read_ptr(m, head + L->next, &node))
		return 0;
	for (unsigned i = 0; node != head && i < THREADS_MAX; i++) {
		if (w->thread_reads++ >= THREAD_READS_MAX)
			return 0;
		uint64_t t = node - L->thread_link;
		if (t != leader && read_ptr(m, t + L->mm, &mm) && mm)
			return mm;
		if (!read_ptr(m, node + L->next, &node))
			return 0;
	}
	return 0;
}

/* The tgid of task's real_parent, or -1 when it cannot be read. */
static int64_t parent_of(const struct kmem *m, const struct layout *L, uint64_t task)
{
	uint64_t parent;
	uint32_t ptgid;
	if (read_ptr(m, task + L->real_parent, &parent) &&
	    read_u32(m, parent + L->tgid, &ptgid) && ptgid <= PID_MAX_LIMIT)
		return ptgid;
	return -1;
}

/* One process on the list: a record unless it owns no address space. */
static int walk_task(struct walk *w, uint64_t task, struct ptw_error *err)
{
	const struct kmem *m = w->m;
	const struct layout *L = w->L;
	uint32_t flags = 0, tgid;
	uint64_t mm, pgd;
	uint8_t comm[COMM_MAX];
	if (!read_u32(m, task + L->flags, &flags))
		flags = 0;
	if (flags & PF_KTHREAD)
		return 0;
	/* tgid, not pid: the list holds thread-group leaders (pid == tgid),
	 * and tgid is what /proc and ps call a process's id. */
	if (!read_ptr(m, task + L->mm, &mm) || !read_u32(m, task + L->tgid, &tgid) ||
	    !ptw_kread(m->k, task + L->comm, comm, L->comm_len)) {
		w->skipped++;
		return 0;
	}
	if (mm == 0 && (mm = group_mm(w, task)) == 0)
		return 0;
	uint64_t pgd_pa;
	if (!read_ptr(m, mm + L->pgd, &pgd) || ptw_vtop(m->k, NULL, pgd, &pgd_pa) != 0 ||
	    tgid == 0 || tgid > PID_MAX_LIMIT) {
		w->skipped++;
		return 0;
	}
	struct ptw_owner o = {
		.cid = tgid, .ppid = parent_of(m, L, task), .dirbase = pgd_pa, .object = task,
	};
	comm_copy(o.name, comm, L->comm_len);
	if (ptw_kpti_pair(m->k->dump, m->k->mode, o.dirbase))
		o.user_dirbase = o.dirbase + PTW_PAGE;
	return ptw_owners_add(w->out, &o, err);
}

/* Follow the list from init_task's node head, by next (dir 0) or by prev
 * (dir 1), taking each process, until head comes round again.  A list
 * that breaks -- a node that cannot be read, one already walked, more
 * than TASKS_MAX -- ends the walk there: the processes before the break
 * are kept, and the reason goes to w->stop (forward walk only: walking
 * back ends where the forward walk broke off, by design).  Only running
 * out of memory is an error. */
static int walk_dir(struct walk *w, uint64_t head, unsigned dir, struct ptw_error *err)
{
	const struct kmem *m = w->m;
	const struct layout *L = w->L;
	uint64_t link = dir ? L->prev : L->next, other = dir ? L->next : L->prev;
	uint64_t prev = head, cur;
	const char *why = NULL;
	if (!read_ptr(m, head + link, &cur))
		return 0;       /* walk_list read head's next: prev only fails here */
	while (!why && cur != head) {
		bool dup;
		int rc = ptw_addrset_add(&w->seen, cur, &dup, err);
		if (rc)
			return rc;
		if (dup) {
			why = "walked already: a loop that misses init_task";
			break;
		}
		if (w->tasks >= TASKS_MAX) {
			why = "more than " TASKS_MAX_TEXT " processes (a corrupt list?)";
			break;
		}
		uint64_t back;
		if (!read_ptr(m, cur + other, &back)) {
			why = "cannot read it";
			break;
		}
		w->broken += back != prev;
		w->tasks++;
		w->back += dir;
		if ((rc = walk_task(w, cur - L->tasks, err)))
			return rc;
		prev = cur;
		if (!read_ptr(m, cur + link, &cur))
			why = "cannot read its link";
	}
	if (why && dir == 0)
		snprintf(w->stop, sizeof w->stop, "after %zu entries, at task_struct %" PRIx64 ": %s",
			 w->tasks, cur - L->tasks, why);
	return 0;
}

/* init_task's list, forward; if it breaks, back from init_task too, to
 * the break: all but the broken entry are found. */
static int walk_list(struct walk *w, uint64_t init_task, struct ptw_error *err)
{
	uint64_t head = init_task + w->L->tasks, next;
	if (!read_ptr(w->m, head + w->L->next, &next))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: cannot read init_task at %" PRIx64, init_task);
	bool dup;
	int rc = ptw_addrset_add(&w->seen, head, &dup, err);
	if (!rc)
		rc = walk_dir(w, head, 0, err);
	if (!rc && w->stop[0])
		rc = walk_dir(w, head, 1, err);
	return rc;
}

static int owner_cmp(const void *a, const void *b)
{
	const struct ptw_owner *x = a, *y = b;
	if (x->dirbase != y->dirbase)
		return x->dirbase < y->dirbase ? -1 : 1;
	return x->cid < y->cid ? -1 : x->cid > y->cid;
}

/* One record per top table: the lowest pid's (vfork, CLONE_VM). */
static void dedup(struct ptw_owners *o)
{
	if (o->n == 0)
		return;
	qsort(o->v, o->n, sizeof *o->v, owner_cmp);
	size_t out = 1;
	for (size_t i = 1; i < o->n; i++)
		if (o->v[i].dirbase != o->v[out - 1].dirbase)
			o->v[out++] = o->v[i];
	o->n = out;
}

/* ---- the kernel's tables no task owns (x86-64) ------------------------------------------ */

/* What kallsyms is asked for: the walk's anchors, and the image's start
 * (code: always there) for when they are missing. */
enum {
	WANT_INIT_TASK, WANT_START_BTF, WANT_STOP_BTF, WANT_STEXT, WANT_TEXT,
	WANT_REAL_MODE_HEADER, WANT_POKING_MM, /* the kernel's tables no task owns */
	WANT_INIT_TOP_PGT, WANT_INIT_LEVEL4_PGT, /* the kernel's own (4.14 on, before):
						  * asked for only when no table is named */
	NWANT
};

/* A kernel pointer variable's value (0 when unset or unreadable). */
static uint64_t pointer_at(const struct kmem *m, const struct ksym_want *sym)
{
	uint64_t v;
	return sym->found && read_ptr(m, sym->addr, &v) ? v : 0;
}

/* Two top tables of x86-64 Linux belong to no task, so the task list
 * never names them; kallsyms does:
 *   real_mode_header->trampoline_pgd (arch/x86/realmode/init.c): the
 *     physical address (a u32, below 1 MiB) of the table the real-mode
 *     trampoline switches to when a CPU comes up or resumes, "[trampoline]";
 *   poking_mm->pgd (arch/x86/mm/init.c): the mm text_poke() switches to
 *     to write kernel text through a private mapping, "[poking_mm]" (with
 *     KPTI a pair, as every mm's).
 * crash has no name for either (its ps lists tasks); drgn reaches them as
 * prog["real_mode_header"].trampoline_pgd and prog["poking_mm"].pgd.
 * Records with cid -1 and kernel_table set: discovery names a space with
 * them only when it found that table itself. */
static bool task_owned(const struct ptw_owners *o, size_t n, uint64_t dirbase)
{
	for (size_t i = 0; i < n; i++)
		if (o->v[i].dirbase == dirbase)
			return true;
	return false;
}

/* Record o unless a task owns its table; say so in *say ("; [poking_mm]
 * 485e000"). */
static int kernel_table_add(struct ptw_owners *out, size_t ntasks, struct ptw_owner *o,
			    char *say, size_t saysz, struct ptw_error *err)
{
	if (task_owned(out, ntasks, o->dirbase))
		return 0;
	size_t len = strlen(say);
	if (len + 1 < saysz)
		snprintf(say + len, saysz - len, "; %s %" PRIx64, o->name, o->dirbase);
	return ptw_owners_add(out, o, err);
}

static int kernel_tables(const struct kmem *m, const struct layout *L,
			 const struct ksym_want *want, struct ptw_owners *out,
			 char *say, size_t saysz, struct ptw_error *err)
{
	if (!ptw_mode_x86_64(m->k->mode))
		return 0;
	size_t ntasks = out->n;
	uint64_t rmh = pointer_at(m, &want[WANT_REAL_MODE_HEADER]);
	uint32_t pgd32;
	int rc = 0;
	if (rmh && L->has_rm_pgd && read_u32(m, rmh + L->rm_pgd, &pgd32) && pgd32) {
		struct ptw_owner o = { .cid = -1, .ppid = -1, .dirbase = pgd32,
				       .name = "[trampoline]", .kernel_table = true };
		rc = kernel_table_add(out, ntasks, &o, say, saysz, err);
	}
	uint64_t mm = pointer_at(m, &want[WANT_POKING_MM]), pgd, pa;
	if (!rc && mm && read_ptr(m, mm + L->pgd, &pgd) && ptw_vtop(m->k, NULL, pgd, &pa) == 0) {
		struct ptw_owner o = { .cid = -1, .ppid = -1, .dirbase = pa, .object = mm,
				       .name = "[poking_mm]", .kernel_table = true };
		if (ptw_kpti_pair(m->k->dump, m->k->mode, pa))
			o.user_dirbase = pa + PTW_PAGE;
		rc = kernel_table_add(out, ntasks, &o, say, saysz, err);
	}
	return rc;
}

/* ---- the whole ---------------------------------------------------------------------- */


/* What the walk starts from, and how it was found. */
struct anchors {
	uint64_t init_task;
	struct layout L;
	double mib;                /* of BTF */
	char btf_how[64];          /* "" from kallsyms, else where the scan found it */
	char init_how[128];
};

/* "kallsyms (N symbols) has no A, B (needs OPTION)" into buf, for the n
 * symbols of want that are missing (option NULL: no "(needs ...)"); false
 * when none is. */
static bool missing_text(const struct ksym_want *want, size_t n, uint32_t nsyms,
			 const char *option, char *buf, size_t size)
{
	char names[64] = "";
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		if (!want[i].found && len < sizeof names)
			len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
						len ? ", " : "", want[i].name);
	if (len)
		snprintf(buf, size, "kallsyms (%" PRIu32 " symbols) has no %s%s%s%s",
			 nsyms, names, option ? " (needs " : "", option ? option : "",
			 option ? ")" : "");
	return len > 0;
}

/* Where the kernel image starts, to scan it: VMCOREINFO's _stext (arm64
 * and x86 kernels export it), else kallsyms' _stext or _text. */
static bool image_start(const struct kmem *m, const struct ksym_want *want, uint64_t *va)
{
	if (vmcoreinfo_symbol(m->k->dump, "_stext", va, NULL) == 0)
		return true;
	for (unsigned w = WANT_STEXT; w <= WANT_TEXT; w++)
		if (want[w].found) {
			*va = want[w].addr;
			return true;
		}
	return false;
}

/* A scan that could not start or found nothing: what kallsyms lacks, and
 * why the scan did not make up for it. */
static int no_image_start(const char *missing, struct ptw_error *err)
{
	return ptw_fail(err, PTW_ERR_NOT_FOUND,
			"Linux task list: %s, and neither VMCOREINFO nor kallsyms has _stext or"
			" _text to scan the kernel image from", missing);
}

static int scan_failed(int rc, const char *missing, const struct ptw_error *e,
		       struct ptw_error *err)
{
	if (rc == PTW_ERR_NOMEM)
		return ptw_fail(err, rc, "%s", e->msg);
	return ptw_fail(err, rc, "Linux task list: %s; %s", missing, e->msg);
}

/* The layout, from the BTF between kallsyms' __start_BTF and __stop_BTF,
 * else from the first BTF in the kernel image that gives one. */
static int find_layout(const struct kmem *m, const struct ksym_want *want, uint32_t nsyms,
		       struct anchors *a, struct ptw_error *err)
{
	char missing[160];
	if (!missing_text(want + WANT_START_BTF, 2, nsyms, "CONFIG_DEBUG_INFO_BTF", missing,
			  sizeof missing))
		return read_layout(m, want[WANT_START_BTF].addr, want[WANT_STOP_BTF].addr, &a->L,
				   &a->mib, err);
	uint64_t start, at = 0;
	if (!image_start(m, want, &start))
		return no_image_start(missing, err);
	struct ptw_error e = { .code = 0 };
	bool none = false;
	int rc = scan_btf(m, start, &a->L, &a->mib, &at, &none, &e);
	if (rc && none) { /* no BTF header anywhere in the image read */
		missing_text(want + WANT_START_BTF, 2, nsyms, NULL, missing, sizeof missing);
		return ptw_fail(err, rc,
				"Linux task list: kernel has no BTF (CONFIG_DEBUG_INFO_BTF, Linux 5.2+):"
				" %s, and %s", missing, e.msg);
	}
	if (rc)
		return scan_failed(rc, missing, &e, err);
	snprintf(a->btf_how, sizeof a->btf_how, " found by scanning the kernel image at %" PRIx64,
		 at);
	return 0;
}

/* init_task, from kallsyms, else the swapper task_struct in the image. */
static int find_init_task(const struct kmem *m, const struct ksym_want *want,
			  uint32_t nsyms, struct anchors *a, struct ptw_error *err)
{
	char missing[160];
	if (!missing_text(want + WANT_INIT_TASK, 1, nsyms, "CONFIG_KALLSYMS_ALL", missing,
			  sizeof missing)) {
		a->init_task = want[WANT_INIT_TASK].addr;
		return 0;
	}
	uint64_t start;
	if (!image_start(m, want, &start))
		return no_image_start(missing, err);
	struct ptw_error e = { .code = 0 };
	const char *comm;
	int rc = scan_init_task(m, &a->L, start, &a->init_task, &comm, &e);
	if (rc)
		return scan_failed(rc, missing, &e, err);
	snprintf(a->init_how, sizeof a->init_how,
		 ", init_task %" PRIx64 " found by scanning the kernel image for %s (BTF layout)",
		 a->init_task, comm);
	return 0;
}

/* x86-64's kernel image starts at __START_KERNEL_map + 16 MiB
 * (CONFIG_PHYSICAL_START) when KASLR does not move it. */
#define LINUX_DEFAULT_TEXT ((uint64_t)0xffffffff81000000ULL)

/* Read through another's table: the kernel's own top table from kallsyms'
 * init_top_pgt (init_level4_pgt before 4.14), a data symbol, translated
 * to its PA; *say tells what was found, and the KASLR offset _text says.
 * false (and *say why) when kallsyms lacks it or it does not translate. */
static bool kernel_table_from_ksyms(const struct kmem *m, const struct ksym_want *want,
				    uint64_t *pa, char *say, size_t saysz)
{
	size_t len = 0;
	if (want[WANT_TEXT].found)
		len = (size_t)snprintf(say, saysz, "; KASLR offset %" PRIx64 " (kallsyms' _text %" PRIx64
				       " - %" PRIx64 ")",
				       want[WANT_TEXT].addr - LINUX_DEFAULT_TEXT,
				       want[WANT_TEXT].addr, LINUX_DEFAULT_TEXT);
	if (len >= saysz)
		len = saysz - 1;
	for (unsigned w = WANT_INIT_TOP_PGT; w <= WANT_INIT_LEVEL4_PGT; w++) {
		if (!want[w].found)
			continue;
		if (ptw_vtop(m->k, NULL, want[w].addr, pa) == 0) {
			snprintf(say + len, saysz - len, "; kernel table %s %" PRIx64, want[w].name, *pa);
			return true;
		}
		snprintf(say + len, saysz - len, "; kallsyms' %s %" PRIx64 " does not translate:"
			 " the kernel's own table unnamed", want[w].name, want[w].addr);
		return false;
	}
	snprintf(say + len, saysz - len, "; kallsyms has no init_top_pgt (needs CONFIG_KALLSYMS_ALL):"
		 " the kernel's own table unnamed");
	return false;
}

/* The walk, through kernel's table; via: kernel is a process's table, not
 * the kernel's own (ptw_owners_linux_via). */
static int owners_linux(const struct ptw_space *kernel, bool via, struct ptw_owners *out,
			char *how, size_t howsz, struct ptw_error *err)
{
	const struct ptw_mode *mode = kernel->mode;
	struct kmem m = { kernel, mode->va_bits > 32 ? 8 : 4 };
	struct ksym_want want[NWANT] = {
		[WANT_INIT_TASK] = { .name = "init_task" },
		[WANT_START_BTF] = { .name = "__start_BTF" },
		[WANT_STOP_BTF] = { .name = "__stop_BTF" },
		[WANT_STEXT] = { .name = "_stext" },
		[WANT_TEXT] = { .name = "_text" },
		[WANT_REAL_MODE_HEADER] = { .name = "real_mode_header" },
		[WANT_POKING_MM] = { .name = "poking_mm" },
		[WANT_INIT_TOP_PGT] = { .name = "init_top_pgt" },
		[WANT_INIT_LEVEL4_PGT] = { .name = "init_level4_pgt" },
	};
	uint32_t nsyms = 0;
	struct anchors a = { .init_task = 0 };
	char khow[160];
	int rc = ksym_lookup(&m, want, via ? NWANT : WANT_INIT_TOP_PGT, &nsyms, khow,
			     sizeof khow, err);
	if (!rc)
		rc = find_layout(&m, want, nsyms, &a, err);
	if (!rc)
		rc = find_init_task(&m, want, nsyms, &a, err);
	if (rc)
		return rc;
	const struct layout *L = &a.L;

	uint64_t kdirbase = kernel->dirbase;
	char kwhose[192] = "";
	bool have_kernel = !via || kernel_table_from_ksyms(&m, want, &kdirbase, kwhose,
							  sizeof kwhose);
	struct ptw_owners own = {0};
	/* The kernel's own table is init_task's, named as ps names it: its
	 * comm (swapper/0) and its parent (itself: 0). */
	struct ptw_owner swapper = {
		.cid = 0, .ppid = parent_of(&m, L, a.init_task), .dirbase = kdirbase,
		.object = a.init_task, .name = "swapper", .only_found = via,
	};
	uint8_t comm[COMM_MAX];
	if (ptw_kread(kernel, a.init_task + L->comm, comm, L->comm_len) && comm[0])
		comm_copy(swapper.name, comm, L->comm_len);
	if (ptw_kpti_pair(kernel->dump, mode, kdirbase))
		swapper.user_dirbase = kdirbase + PTW_PAGE;
	struct walk w = { .m = &m, .L = L, .out = &own };
	rc = have_kernel ? ptw_owners_add(&own, &swapper, err) : 0;
	if (!rc)
		rc = walk_list(&w, a.init_task, err);
	ptw_addrset_free(&w.seen);
	if (rc) {
		ptw_owners_free(&own);
		return rc;
	}
	dedup(&own);
	size_t spaces = own.n;
	char ktabs[96] = "";
	rc = kernel_tables(&m, L, want, &own, ktabs, sizeof ktabs, err);
	if (rc) {
		ptw_owners_free(&own);
		return rc;
	}
	char extra[96] = "";
	if (w.skipped || w.broken)
		snprintf(extra, sizeof extra,
			 "; %zu with an unreadable mm or bad pid, %zu links not pointing back",
			 w.skipped, w.broken);
	char broke[256] = "";
	if (w.stop[0])
		snprintf(broke, sizeof broke,
			 "; the list breaks %s; %zu processes found walking back from init_task",
			 w.stop, w.back);
	snprintf(how, howsz,
		 "Linux task list: %zu processes, %zu address spaces%s%s (kallsyms %" PRIu32
		 " symbols %s, BTF %.1f MiB%s%s; task_struct tasks 0x%" PRIx64 " pid 0x%" PRIx64
		 " comm 0x%" PRIx64 " mm 0x%" PRIx64 ", mm_struct pgd 0x%" PRIx64 "%s)%s",
		 w.tasks, spaces, ktabs, broke, nsyms, khow, a.mib, a.btf_how, a.init_how, L->tasks, L->pid,
		 L->comm, L->mm, L->pgd, extra, kwhose);
	/* Hand the records over; out may already hold some. */
	for (size_t i = 0; !rc && i < own.n; i++)
		rc = ptw_owners_add(out, &own.v[i], err);
	ptw_owners_free(&own);
	return rc;
}

int ptw_owners_linux(const struct ptw_space *kernel, struct ptw_owners *out,
		     char *how, size_t howsz, struct ptw_error *err)
{
	return owners_linux(kernel, false, out, how, howsz, err);
}

int ptw_owners_linux_via(const struct ptw_space *through, struct ptw_owners *out,
			 char *how, size_t howsz, struct ptw_error *err)
{
	if (!ptw_mode_x86_64(through->mode))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"Linux task list: no kernel page table named by VMCOREINFO, and only"
				" x86-64 kernels are read through a process's table");
	return owners_linux(through, true, out, how, howsz, err);
}

/* ---- KPTI pairs ---------------------------------------------------------- */

bool ptw_kpti_pair(const ptw_dump *d, const struct ptw_mode *m,
		   uint64_t kernel)
{
	/* x86's: arm64's KPTI keeps one TTBR0 table and swaps TTBR1 for a
	 * trampoline's, never a second top table beside the first. */
	if (m->arch != &ptw_arch_x86)
		return false;
	if (kernel & 0x1fff)
		return false; /* the pair is one 8 KiB-aligned allocation */
	struct ptw_kregion k = ptw_linux_kregion(m);
	uint64_t user = kernel + PTW_PAGE;
	unsigned es = m->entry_size, n = ptw_level_entries(m, 0);
	unsigned same = 0, kernel_same = 0;
	bool kernel_differs = false;
	for (unsigned i = 0; i < n; i++) {
		uint64_t ek, eu, a;
		if (!ptw_phys_entry(d, kernel + (uint64_t)i * es, es, &ek) ||
		    !ptw_phys_entry(d, user + (uint64_t)i * es, es, &eu))
			return false;
		enum ptw_entry_kind kind = pt_classify(m, 0, eu, &a);
		if (eu && (kind < PTW_ENTRY_TABLE ||
			   (kind == PTW_ENTRY_TABLE && !ptw_phys_present(d, a, NULL))))
			return false;
		if (i < k.user_count) {
			/* Linux sets NX on the kernel copy's user entries. */
			if ((ek & ~PTW_XD) != (eu & ~PTW_XD))
				return false;
			same += eu != 0;
		} else {
			kernel_same += eu && eu == ek;
			kernel_differs |= ek != eu;
		}
	}
	if (!kernel_differs)
		return false;
	/* PAE (the kernel's region one table down): the user PDs are shared,
	 * the kernel PD is the user copy's own.  Elsewhere the user copy maps
	 * a little of the kernel (entry code, cpu_entry_area) with some of the
	 * kernel's own entries. */
	if (k.via >= 0)
		return same > 0;
	return kernel_same > 0;
}
