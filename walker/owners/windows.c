/* owners/windows.c — Windows processes from the EPROCESS list.
 *
 * PsActiveProcessHead (a Windows crash dump's header names it) heads a
 * circular doubly linked list of LIST_ENTRYs, EPROCESS.ActiveProcessLinks,
 * in kernel virtual memory, read through the kernel's DirBase.  Without
 * symbols the EPROCESS fields are located as MemProcFS's offset locator
 * does it, from what must hold of System's EPROCESS (the first on the list)
 * and across the list, and every guess is checked:
 *
 *   - UniqueProcessId is the pointer-sized field right before
 *     ActiveProcessLinks (every build since Vista): 4 at head.Flink - ptr.
 *   - ImageFileName "System" follows System's links (within NAME_SPAN):
 *     found once, as a distance from the links.
 *   - ActiveProcessLinks' offset L: the one for which System's
 *     KPROCESS.DirectoryTableBase (x64 +0x28, x86 and PAE +0x18) at
 *     head.Flink - L + 0x28 is the kernel's DirBase (else, second pass, a
 *     top table of the dump that maps the list as the kernel's does: the
 *     header may hold another process's DirBase).  Only this match tells
 *     one L from another; the next process must then look like one (a pid
 *     that is a non-zero multiple of 4, a name, a DirBase).
 *   - InheritedFromUniqueProcessId: between the links and ImageFileName, the
 *     pointer-sized field that is 0 in System and most often the pid of
 *     another listed process (in a quarter of the others at least: the
 *     parents of the first processes have exited).
 *   - UserDirectoryTableBase (x64, KVA shadow): a KPROCESS field whose value
 *     in every process is 0 or 1 (no shadow) or the page of a table inside
 *     physical memory other than the process's DirBase and other than any
 *     other process's (each has its own user copy: a field equal in many
 *     processes, like Windows 7's KPROCESS.Affinity header 0x40001, is
 *     something else), and at least once a table the dump holds (only
 *     those become user copies).  Real builds' offsets are tried first
 *     (+0x388 Windows 10 2004 to 11 23H2, +0x278 Windows 10 1803 to 1909,
 *     +0x158 Windows 11 24H2), then the rest of KPROCESS, where two
 *     processes at least must have a copy.
 *
 * The walk is bounded: at most 65536 processes; it stops where an entry is
 * unreadable or the list returns to an entry already met, keeps the
 * processes before the break, walks back from the head by Blink to the
 * break, and reports where and why it broke.
 */
#include "owners/owners.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

enum {
	MAX_PROCESSES = 65536,
	SAMPLE = 256,          /* processes whose fields vote on offsets */
	WINDOW = 0x800,        /* bytes of each voter's EPROCESS read */
	NAME_LEN = 15,         /* EPROCESS.ImageFileName */
	NAME_SPAN = 0x400,     /* ImageFileName lies this close after the links */
};

/* Where the fields are, as offsets in EPROCESS; 0 where not found. */
struct fields {
	unsigned ptr;          /* pointer size: 8 or 4 */
	uint64_t dtb;          /* KPROCESS.DirectoryTableBase */
	uint64_t links;        /* ActiveProcessLinks (UniqueProcessId: - ptr) */
	uint64_t name;         /* ImageFileName */
	uint64_t ppid;         /* InheritedFromUniqueProcessId */
	uint64_t user_dtb;     /* KPROCESS.UserDirectoryTableBase */
};

struct proc {
	uint64_t object;       /* the EPROCESS */
	uint64_t pid, dtb;     /* raw field values */
	char name[NAME_LEN + 1];
};

struct walk {
	const struct ptw_space *k;
	const struct ptw_mode *m;
	uint64_t head, first;  /* PsActiveProcessHead and its Flink */
	struct fields f;
	struct proc *v;
	size_t n, cap;
	char note[160];        /* why the forward walk stopped before the head */
	size_t back;           /* processes found walking back by Blink */
};

/* ---- reading kernel memory ------------------------------------------------------ */

/* A DirectoryTableBase value as a top table's address, its PCID or flag
 * bits dropped; false when other bits are set or it is 0. */
static bool as_dirbase(const struct walk *w, uint64_t v, uint64_t *pa)
{
	return ptw_dirbase_from_cr3(w->m, v, pa) && *pa;
}

/* ---- locating ActiveProcessLinks and ImageFileName -------------------------------------- */

/* Whether the DirectoryTableBase value at va is the kernel's DirBase (or,
 * loose, a top table of the dump that maps the list's first entry where
 * the kernel's does). */
static bool dtb_fits(const struct walk *w, uint64_t va, bool loose)
{
	uint64_t v, pa;
	if (!ptw_kread_uint(w->k, va, w->f.ptr, &v) || !as_dirbase(w, v, &pa))
		return false;
	if (pa == w->k->dirbase)
		return true;
	if (!loose)
		return false;
	struct ptw_space s;
	uint64_t a, b;
	return ptw_space_init(&s, w->k->dump, w->m, pa, NULL) == 0 &&
	       ptw_vtop(&s, NULL, w->first, &a) == 0 &&
	       ptw_vtop(w->k, NULL, w->first, &b) == 0 && a == b;
}

/* ImageFileName "System" in System's EPROCESS: its distance past the
 * links (which the name follows, after UniqueProcessId's neighbours). */
static bool find_system_name(const struct walk *w, uint64_t *past_links)
{
	static const char want[7] = "System"; /* and its NUL */
	uint8_t buf[NAME_SPAN];
	uint64_t from = 2 * w->f.ptr;
	size_t got = ptw_kread_upto(w->k, w->first + from, buf, sizeof buf);
	for (size_t i = 0; i + sizeof want <= got; i += 4)
		if (memcmp(buf + i, want, sizeof want) == 0) {
			*past_links = from + i;
			return true;
		}
	return false;
}

/* The fields of the EPROCESS whose links are at e; false if unreadable. */
static bool read_proc(const struct walk *w, uint64_t e, struct proc *p)
{
	const struct fields *f = &w->f;
	uint8_t name[NAME_LEN];
	p->object = e - f->links;
	if (!ptw_kread_uint(w->k, e - f->ptr, f->ptr, &p->pid) ||
	    !ptw_kread_uint(w->k, p->object + f->dtb, f->ptr, &p->dtb) ||
	    !ptw_kread(w->k, p->object + f->name, name, NAME_LEN))
		return false;
	size_t i = 0;
	for (; i < NAME_LEN && name[i]; i++) /* no control characters */
		p->name[i] = name[i] < 0x20 || name[i] == 0x7f ? '?' : (char)name[i];
	p->name[i] = '\0';
	return true;
}

/* With L and the name's offset guessed: whether the process after System
 * looks like one.  A list that breaks right after System proves nothing
 * either way, and the walk will say it broke. */
static bool second_plausible(const struct walk *w)
{
	uint64_t next, dtb;
	struct proc p;
	if (!ptw_kread_uint(w->k, w->first, w->f.ptr, &next) || next == w->head ||
	    !read_proc(w, next, &p))
		return true;
	unsigned char c = (unsigned char)p.name[0];
	return p.pid && p.pid % 4 == 0 && p.pid <= 0xffffffffULL &&
	       c > 0x20 && c < 0x7f && as_dirbase(w, p.dtb, &dtb);
}

static int locate_links(struct walk *w, struct ptw_error *err)
{
	struct fields *f = &w->f;
	uint64_t pid, max = f->ptr == 8 ? 0x800 : 0x400;
	if (!ptw_kread_uint(w->k, w->first - f->ptr, f->ptr, &pid))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"EPROCESS list: System's UniqueProcessId at %" PRIx64 " (before ActiveProcessLinks %" PRIx64 ") is unreadable",
				w->first - f->ptr, w->first);
	if (pid != 4)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"EPROCESS list: the first process is not System: UniqueProcessId %" PRIu64 " (want 4) before ActiveProcessLinks %" PRIx64,
				pid, w->first);
	uint64_t name;
	if (!find_system_name(w, &name))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"EPROCESS list: no ImageFileName \"System\" in the 0x%x bytes after System's ActiveProcessLinks %" PRIx64,
				NAME_SPAN, w->first);
	for (int loose = 0; loose < 2; loose++)
		for (uint64_t L = f->dtb + 2 * f->ptr; L <= max; L += f->ptr) {
			if (!dtb_fits(w, w->first - L + f->dtb, loose))
				continue;
			f->links = L;
			f->name = L + name;
			if (second_plausible(w))
				return 0;
		}
	f->links = f->name = 0;
	return ptw_fail(err, PTW_ERR_NOT_FOUND,
			"EPROCESS list: cannot locate the fields: no offset of ActiveProcessLinks (%" PRIx64 ") puts DirBase %" PRIx64 " at KPROCESS +0x%" PRIx64 " and a process after System",
			w->first, w->k->dirbase, f->dtb);
}

/* ---- the walk ------------------------------------------------------------------------ */

static int add_proc(struct walk *w, const struct proc *p, struct ptw_error *err)
{
	struct proc *v = ptw_grow(w->v, &w->cap, w->n, sizeof *v, 64);
	if (!v)
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the EPROCESS walk");
	w->v = v;
	w->v[w->n++] = *p;
	return 0;
}

/* Follow the list from the head by Flink (back false) or Blink (back
 * true), adding each process, until the head comes round again.  A break
 * -- an unreadable entry, one met already, too many -- ends the walk
 * there; the forward walk says why in w->note.  Only running out of memory
 * is an error. */
static int walk_dir(struct walk *w, struct ptw_addrset *seen, bool back,
		    struct ptw_error *err)
{
	uint64_t link = back ? w->f.ptr : 0, e, from = w->head;
	char why[160] = "";
	if (!ptw_kread_uint(w->k, w->head + link, w->f.ptr, &e))
		return 0;       /* the forward walk read head's Flink */
	while (e != w->head) {
		bool dup;
		struct proc p;
		int rc;
		if (w->n == MAX_PROCESSES) {
			snprintf(why, sizeof why, "stopped at %d processes", MAX_PROCESSES);
			break;
		}
		if ((rc = ptw_addrset_add(seen, e, &dup, err)))
			return rc;
		if (dup) {
			snprintf(why, sizeof why,
				 "the list loops back to %" PRIx64 " after %zu processes", e, w->n);
			break;
		}
		if (!read_proc(w, e, &p)) {
			snprintf(why, sizeof why,
				 "the list breaks after %zu processes: the EPROCESS at %" PRIx64
				 " (Flink %" PRIx64 " at %" PRIx64 ") is unreadable",
				 w->n, e - w->f.links, e, from);
			break;
		}
		if ((rc = add_proc(w, &p, err)))
			return rc;
		w->back += back;
		from = e;
		if (!ptw_kread_uint(w->k, from + link, w->f.ptr, &e)) {
			snprintf(why, sizeof why,
				 "the list breaks after %zu processes: the Flink at %" PRIx64 " is unreadable",
				 w->n, from);
			break;
		}
	}
	if (!back)
		snprintf(w->note, sizeof w->note, "%s", why);
	return 0;
}

/* Forward from PsActiveProcessHead; if the list breaks, back from it by
 * Blink to the break: all but the broken entry are found. */
static int walk_list(struct walk *w, struct ptw_error *err)
{
	struct ptw_addrset seen = {0};
	int rc = walk_dir(w, &seen, false, err);
	if (!rc && w->note[0])
		rc = walk_dir(w, &seen, true, err);
	ptw_addrset_free(&seen);
	return rc;
}

/* ---- voting on the optional fields -------------------------------------------------------- */

struct voters {
	uint8_t *win;          /* SAMPLE windows of WINDOW bytes */
	size_t got[SAMPLE];    /* bytes read of each */
	size_t n;
	uint64_t *pids;        /* every listed pid, sorted */
};

static bool win_field(const struct voters *vt, size_t i, uint64_t off,
		      unsigned size, uint64_t *out)
{
	if (off > vt->got[i] || size > vt->got[i] - off)
		return false;
	*out = pt_load(vt->win + i * WINDOW + off, size);
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool listed(const struct voters *vt, size_t npids, uint64_t pid)
{
	return bsearch(&pid, vt->pids, npids, sizeof pid, cmp_u64) != NULL;
}

/* InheritedFromUniqueProcessId: 0 in System, another listed pid in more
 * processes than any other field, and in a quarter of them at least. */
static uint64_t vote_ppid(const struct walk *w, const struct voters *vt)
{
	const struct fields *f = &w->f;
	uint64_t best = 0;
	size_t best_score = 0;
	for (uint64_t off = f->links + 2 * f->ptr; off + f->ptr <= f->name; off += f->ptr) {
		uint64_t v;
		if (!win_field(vt, 0, off, f->ptr, &v) || v != 0)
			continue;
		size_t score = 0;
		for (size_t i = 1; i < vt->n; i++)
			score += win_field(vt, i, off, f->ptr, &v) && v != w->v[i].pid &&
				 listed(vt, w->n, v);
		if (score > best_score) {
			best = off;
			best_score = score;
		}
	}
	return best_score && 4 * best_score >= vt->n - 1 ? best : 0;
}

/* Whether off holds UserDirectoryTableBase in every voter: 0 or 1, or a
 * top table's address inside physical memory (a hole of the dump too: a
 * kernel dump may leave the user copies out) other than the process's
 * DirBase and other than every other voter's; and at least `need` tables,
 * one of them held by the dump. */
static bool user_dtb_fits(const struct walk *w, const struct voters *vt,
			  uint64_t off, size_t need)
{
	uint64_t end = ptw_dump_phys_end(w->k->dump);
	uint64_t copies[SAMPLE];
	size_t n = 0, held = 0;
	for (size_t i = 0; i < vt->n; i++) {
		uint64_t v, pa, own;
		if (!win_field(vt, i, off, 8, &v))
			return false;
		if ((v & ~0xfffULL) == 0)
			continue; /* 0 or 1: no shadow */
		if (!as_dirbase(w, v, &pa) || pa >= end ||
		    (as_dirbase(w, w->v[i].dtb, &own) && pa == own))
			return false;
		copies[n++] = pa;
		held += ptw_phys_holds(w->k->dump, pa, PTW_PAGE);
	}
	qsort(copies, n, sizeof *copies, cmp_u64);
	for (size_t i = 1; i < n; i++)
		if (copies[i] == copies[i - 1])
			return false;
	return n >= need && held > 0;
}

static uint64_t vote_user_dtb(const struct walk *w, const struct voters *vt)
{
	static const uint64_t known[] = { 0x388, 0x278, 0x158 };
	const struct fields *f = &w->f;
	if (f->ptr != 8)
		return 0;
	/* up to ProcessLock, before UniqueProcessId: KPROCESS and, on
	 * Windows 7, a few EPROCESS fields, which fail the test */
	uint64_t end = f->links - 2 * f->ptr;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (known[i] + 8 <= end && user_dtb_fits(w, vt, known[i], 1))
			return known[i];
	for (uint64_t off = f->dtb + 8; off + 8 <= end; off += 8)
		if (user_dtb_fits(w, vt, off, 2))
			return off;
	return 0;
}

static int vote(struct walk *w, struct ptw_error *err)
{
	struct voters vt = { .n = w->n < SAMPLE ? w->n : SAMPLE };
	vt.win = malloc(vt.n * WINDOW);
	vt.pids = malloc(w->n * sizeof *vt.pids);
	if (!vt.win || !vt.pids) {
		free(vt.win);
		free(vt.pids);
		return ptw_fail(err, PTW_ERR_NOMEM, "out of memory for the EPROCESS walk");
	}
	for (size_t i = 0; i < vt.n; i++)
		vt.got[i] = ptw_kread_upto(w->k, w->v[i].object, vt.win + i * WINDOW, WINDOW);
	for (size_t i = 0; i < w->n; i++)
		vt.pids[i] = w->v[i].pid;
	qsort(vt.pids, w->n, sizeof *vt.pids, cmp_u64);
	w->f.ppid = vote_ppid(w, &vt);
	w->f.user_dtb = vote_user_dtb(w, &vt);
	free(vt.win);
	free(vt.pids);
	return 0;
}

/* ---- the records ---------------------------------------------------------------------------- */

static int64_t as_id(uint64_t v)
{
	return v <= (uint64_t)INT64_MAX ? (int64_t)v : -1;
}

static uint64_t user_dirbase(const struct walk *w, const struct proc *p,
			     uint64_t dirbase)
{
	uint64_t v, pa;
	if (!w->f.user_dtb || !ptw_kread_uint(w->k, p->object + w->f.user_dtb, 8, &v) ||
	    !as_dirbase(w, v, &pa) || pa == dirbase ||
	    !ptw_phys_holds(w->k->dump, pa, PTW_PAGE))
		return 0;
	return pa;
}

static int emit(const struct walk *w, struct ptw_owners *out, size_t *skipped,
		struct ptw_error *err)
{
	*skipped = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct proc *p = &w->v[i];
		struct ptw_owner o = { .cid = as_id(p->pid), .ppid = -1, .object = p->object };
		uint64_t v;
		if (!as_dirbase(w, p->dtb, &o.dirbase)) {
			++*skipped; /* no address space (exited, or not a process) */
			continue;
		}
		if (w->f.ppid && ptw_kread_uint(w->k, p->object + w->f.ppid, w->f.ptr, &v))
			o.ppid = as_id(v);
		o.user_dirbase = user_dirbase(w, p, o.dirbase);
		snprintf(o.name, sizeof o.name, "%s", p->name);
		int rc = ptw_owners_add(out, &o, err);
		if (rc)
			return rc;
	}
	return 0;
}

static void describe(const struct walk *w, size_t emitted, size_t skipped,
		     char *how, size_t howsz)
{
	const struct fields *f = &w->f;
	char ppid[64] = "InheritedFromUniqueProcessId not found";
	char user[64] = "";
	if (f->ppid)
		snprintf(ppid, sizeof ppid, "InheritedFromUniqueProcessId +0x%" PRIx64, f->ppid);
	if (f->ptr == 8 && f->user_dtb)
		snprintf(user, sizeof user, ", UserDirectoryTableBase +0x%" PRIx64, f->user_dtb);
	else if (f->ptr == 8)
		snprintf(user, sizeof user, ", no UserDirectoryTableBase");
	int n = snprintf(how, howsz,
			 "EPROCESS list: %zu processes (ActiveProcessLinks +0x%" PRIx64 ", UniqueProcessId +0x%" PRIx64 ", ImageFileName +0x%" PRIx64 ", %s%s)",
			 emitted, f->links, f->links - f->ptr, f->name, ppid, user);
	size_t len = n < 0 ? 0 : (size_t)n;
	if (skipped && len < howsz)
		len += (size_t)snprintf(how + len, howsz - len, "; %zu without a DirBase skipped",
					skipped);
	if (w->note[0] && len < howsz)
		snprintf(how + len, howsz - len, "; %s; %zu found walking back by Blink",
			 w->note, w->back);
}

int ptw_owners_windows(const struct ptw_space *kernel, struct ptw_owners *out,
		       char *how, size_t howsz, struct ptw_error *err)
{
	const struct ptw_dump_hints *h = ptw_dump_hints(kernel->dump);
	struct walk w = { .k = kernel, .m = kernel->mode, .head = h->ps_active_process_head };
	/* KPROCESS by pointer width: 64-bit (x64) or 32-bit (x86, PAE) */
	bool x64 = kernel->mode->va_bits > 32;
	w.f.ptr = x64 ? 8 : 4;
	w.f.dtb = x64 ? 0x28 : 0x18;
	if (h->os != PTW_OS_WINDOWS || !w.head)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"no PsActiveProcessHead: the dump has no Windows crash-dump header");
	if (!ptw_kread_uint(kernel, w.head, w.f.ptr, &w.first))
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"PsActiveProcessHead %" PRIx64 " is not mapped by the kernel's DirBase %" PRIx64,
				w.head, kernel->dirbase);
	if (w.first == w.head)
		return ptw_fail(err, PTW_ERR_NOT_FOUND,
				"the EPROCESS list at PsActiveProcessHead %" PRIx64 " is empty", w.head);
	int rc = locate_links(&w, err);
	if (!rc)
		rc = walk_list(&w, err);
	if (!rc && w.n)
		rc = vote(&w, err);
	size_t skipped = 0, before = out->n;
	if (!rc)
		rc = emit(&w, out, &skipped, err);
	if (!rc && how && howsz)
		describe(&w, out->n - before, skipped, how, howsz);
	free(w.v);
	return rc;
}
