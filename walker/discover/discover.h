/* discover/discover.h — finding a dump's paging mode and address spaces:
 * the scan of physical memory for top-level tables, judged per mode.
 * Includes only the owners layer and those below it. */
#ifndef PTW_DISCOVER_H
#define PTW_DISCOVER_H

#include "owners/owners.h"

/* ---- scanning ----------------------------------------------------------- */

struct ptw_scan_hit {
	uint64_t dirbase;
	unsigned found;   /* PTW_FOUND_SELFMAP or PTW_FOUND_KSHARED */
};

struct ptw_scan_hits {
	struct ptw_scan_hit *v;
	size_t n, cap;
	bool capped;      /* more candidates than the scan would record */
};

/* The scan in two steps: one pass over every page of d (scan.c,
 * through dump/'s ptw_dump_pass) records
 * candidates for each of the modes (at most 3) and, while the dump's
 * VMCOREINFO is pending, searches for it as well and settles it; then
 * each mode's candidates are judged on demand.  A pass with no modes only
 * searches. */
struct ptw_scan;

struct ptw_scan_opts {
	unsigned threads;          /* 0: one per CPU */
	bool vms;                  /* keep pages that may be VMCBs (vm.c) */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

int ptw_scan_pass(const ptw_dump *d, const struct ptw_mode *const *modes,
		  unsigned nmodes, const struct ptw_scan_opts *o,
		  struct ptw_scan **out, struct ptw_scan_stats *stats,
		  struct ptw_error *err);
/* Judge the candidates of mode m (one the pass ran, or one of the same top
 * table shape: la57 for x64) into hits; seeds are top tables the dump or
 * the user names. */
int ptw_scan_judge(struct ptw_scan *sc, const struct ptw_mode *m,
		   const uint64_t *seeds, size_t nseeds,
		   struct ptw_scan_hits *hits, struct ptw_error *err);
void ptw_scan_free(struct ptw_scan *sc);

/* ---- guests (vm.c) ---------------------------------------------------------- */

/* What a page may be at a glance (a few loads; the pass asks of every
 * page): a VMCB with nested paging, a host-save area, or 0. */
enum { PTW_VMC_VMCB = 1, PTW_VMC_HSAVE = 2 };
unsigned ptw_vm_sniff(const uint8_t *page);

struct ptw_vm_cand {
	uint64_t pa;
	unsigned kind;             /* PTW_VMC_* */
};
/* The pass keeps at most this many, the lowest addresses. */
#define PTW_VM_CANDS_MAX 16384

/* The candidates the pass kept (with ptw_scan_opts.vms), by address. */
void ptw_scan_vm_cands(const struct ptw_scan *sc, const struct ptw_vm_cand **v,
		       size_t *n, bool *capped);

/* The host's paging mode from the first host-save area among the
 * candidates that holds a long-mode host (its CR4.LA57), with how into
 * how; NULL when none does. */
const struct ptw_mode *ptw_vm_host_mode(const ptw_dump *d, const struct ptw_vm_cand *c,
				       size_t n, char *how, size_t howsz);
/* Judge the candidates into out (vm.c's rules); host_mode is the host's
 * paging mode, whose level count the nested tables share.  *in_guest gets
 * the dump's vCPUs (bit i: index i < 64) whose registers are a kept
 * vCPU's guest state: they were running it (ptw_vms_of_cpu says it
 * of any index). */
int ptw_vms_judge(const ptw_dump *d, const struct ptw_mode *host_mode,
		  const struct ptw_vm_cand *c, size_t n, bool capped,
		  struct ptw_vms *out, uint64_t *in_guest, struct ptw_error *err);
void ptw_vms_free(struct ptw_vms *vms);
/* The guest kept in vms that the dump's vCPU of that index was running,
 * or NULL. */
const struct ptw_vm *ptw_vms_of_cpu(const struct ptw_vms *vms, unsigned index);
/* Whether host page pa holds a guest's memory (vms->guest_mem). */
bool ptw_vms_guest_page(const struct ptw_vms *vms, uint64_t pa);

#endif
