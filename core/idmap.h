/*
 * idmap.h - database ids to array indexes, for set-based metric rows;
 * and the string hash of huddle's other tables.
 */
#ifndef HUDDLE_IDMAP_H
#define HUDDLE_IDMAP_H

#include <stddef.h>
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

/* FNV-1a over n bytes, from h (start with HD_FNV_BASIS): for names kept
 * once and for fingerprints of what was read. */
#define HD_FNV_BASIS 0xcbf29ce484222325ULL
unsigned long long hd_fnv(unsigned long long h, const void *data, size_t n);

#endif
