/* dump/raw.c — a flat image: file offset = physical address (dd, WinPmem
 * raw, QEMU pmemsave, /dev/mem), or less the phys_base the caller names (a
 * capture of RAM alone, which on arm64 starts at 0x40000000 or so; dump.c
 * checks it).  Anything no other format claims is raw. */
#include "dump/dump.h"

static bool raw_probe(const uint8_t *data, size_t size)
{
	(void)data;
	return size > 0;
}

static int raw_open(struct ptw_dump *d, struct ptw_error *err)
{
	return ptw_dump_add_segment(d, d->phys_base, d->size, 0, d->size, err);
}

const struct ptw_format ptw_format_raw = {
	.name = "raw",
	.what = "a raw image",
	.probe = raw_probe,
	.open = raw_open,
};
