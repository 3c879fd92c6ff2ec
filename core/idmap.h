/*
 * idmap.h - database ids to array indexes, for set-based metric rows.
 */
#ifndef HUDDLE_IDMAP_H
#define HUDDLE_IDMAP_H

#include <stdint.h>

typedef struct hd_idmap {
	int64_t *keys;
	int *vals;
	uint32_t mask; /* capacity - 1; capacity is a power of two */
} hd_idmap;

/* Sized for n entries; aborts on out-of-memory. */
void hd_idmap_init(hd_idmap *m, int n);
void hd_idmap_put(hd_idmap *m, int64_t id, int index);
/* The index stored for id, or -1. */
int hd_idmap_get(const hd_idmap *m, int64_t id);
void hd_idmap_free(hd_idmap *m);

#endif
