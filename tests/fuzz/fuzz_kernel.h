/* fuzz_kernel.h — the small kernel address space fuzz_owners and
 * fuzz_kallsyms_find lay their input under: page tables at PA 0x1000 that
 * map the direct map (and, on x86-64, the kernel map) onto PA 0, so the
 * fuzzer's bytes are kernel memory at fixed VAs. */
#ifndef PTFS_FUZZ_KERNEL_H
#define PTFS_FUZZ_KERNEL_H

#include "ptwalk.h"

#include <stdint.h>

#define DIRECT_X64 0xffff888000000000ULL
#define DIRECT_PAE 0xc0000000ULL

static inline void put64(uint8_t *img, uint64_t pa, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		img[pa + i] = (uint8_t)(v >> (8 * i));
}

/* x86-64: 1 GiB pages at ffff888000000000 and ffffffff80000000. */
static inline void tables_x64(uint8_t *img)
{
	const uint64_t P = PTW_P | PTW_RW | PTW_A, PS = P | PTW_PS | PTW_D;
	put64(img, 0x1000 + 8 * 273, 0x2000 | P);   /* ffff888000000000 */
	put64(img, 0x2000, 0 | PS);                 /* 1 GiB page at PA 0 */
	put64(img, 0x1000 + 8 * 511, 0x3000 | P);   /* ffffffff80000000 */
	put64(img, 0x3000 + 8 * 510, 0 | PS);
}

/* PAE: 16 MiB of lowmem at c0000000 in 2 MiB pages. */
static inline void tables_pae(uint8_t *img)
{
	put64(img, 0x1000 + 8 * 3, 0x2000 | PTW_P);
	for (unsigned i = 0; i < 8; i++)
		put64(img, 0x2000 + 8 * i,
		      ((uint64_t)i << 21) | PTW_P | PTW_RW | PTW_A | PTW_D | PTW_PS);
}

#endif
