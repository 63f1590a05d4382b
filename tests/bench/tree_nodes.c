/* tree_nodes.c — how many nodes `find /dtb/<dirbase>` would print for each
 * found address space, counted through the views without a mount
 * (bench_find.sh picks the largest tree with it).
 *
 *   tree_nodes DUMP        one line per space: "<dirbase> <nodes>"
 */
#include "ptview.h"

#include <inttypes.h>
#include <stdio.h>

struct count {
	ptv_fs *fs;
	uint64_t nodes;
	int rc;
};

static int count_dir(struct count *c, const struct ptv_node *dir);

static int child(void *ctx, const char *name, const struct ptv_attr *a,
		 const struct ptv_node *n, uint64_t cookie)
{
	(void)name, (void)cookie;
	struct count *c = ctx;
	c->nodes++;
	if (a->kind == PTV_DIR && (c->rc = count_dir(c, n)) != 0)
		return 1;
	return 0;
}

static int count_dir(struct count *c, const struct ptv_node *dir)
{
	int rc = ptv_readdir_from(c->fs, dir, 0, child, c);
	return rc ? rc : c->rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: tree_nodes DUMP\n");
		return 2;
	}
	struct ptv_config cfg = { .dump_path = argv[1] };
	struct ptw_error err;
	ptv_fs *fs;
	if (ptv_open(&cfg, &fs, &err)) {
		fprintf(stderr, "tree_nodes: %s\n", err.msg);
		return 1;
	}
	const struct ptw_spaces *sp = ptv_spaces(fs);
	int rc = 0;
	for (size_t i = 0; i < sp->n && !rc; i++) {
		char path[64];
		struct ptv_node n;
		snprintf(path, sizeof path, "/dtb/%" PRIx64, sp->v[i].dirbase);
		struct count c = { .fs = fs, .nodes = 1 };
		rc = ptv_lookup(fs, path, &n);
		if (!rc)
			rc = count_dir(&c, &n);
		if (rc)
			fprintf(stderr, "tree_nodes: %s: error %d\n", path, rc);
		else
			printf("%" PRIx64 " %" PRIu64 "\n", sp->v[i].dirbase, c.nodes);
	}
	ptv_close(fs);
	return rc ? 1 : 0;
}
