/* view_internal.h — what the view files share. */
#ifndef PTV_INTERNAL_H
#define PTV_INTERNAL_H

#include "internal.h"
#include "ptview.h"

#include <pthread.h>

/* Texts of one found space, computed once on first use (the dump never
 * changes).  Spaces opened on demand have none: their texts are built per
 * open. */
struct ptv_cache {
	pthread_mutex_t lock;
	bool ready;
	int rc;
	struct ptv_text maps, info;
	struct ptw_iter_stats stats;
};

struct ptv_fs {
	char *path;
	ptw_dump *dump;
	struct ptw_spaces spaces;
	struct ptv_cache *caches;   /* one per spaces.v[i] */
	struct ptv_text info;       /* /info, rendered at open */
};

void ptv_printf(struct ptv_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ptv_va_digits(const struct ptw_mode *m);
const char *ptv_size_name(uint64_t size);

/* Length of an open text file. */
uint64_t ptv_file_text_len(const struct ptv_file *f);

/* Fill the cache of a found space if not yet done; 0 or -errno. */
int ptv_cache_fill(struct ptv_cache *c, const struct ptw_space *s);

#endif
