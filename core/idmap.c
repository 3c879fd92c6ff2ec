/* idmap.c - open addressing with linear probing; index -1 marks empty. */
#include "idmap.h"

#include <stdlib.h>

#include "err.h"

static uint32_t slot(const hd_idmap *m, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	return (uint32_t)(h >> 32) & m->mask;
}

void hd_idmap_init(hd_idmap *m, int n)
{
	uint32_t cap = 16;
	while (cap < (uint32_t)n * 2u)
		cap <<= 1;
	m->mask = cap - 1;
	m->keys = hd_xmalloc(sizeof *m->keys * cap);
	m->vals = hd_xmalloc(sizeof *m->vals * cap);
	for (uint32_t i = 0; i < cap; i++)
		m->vals[i] = -1;
}

void hd_idmap_put(hd_idmap *m, int64_t id, int index)
{
	uint32_t i = slot(m, id);
	while (m->vals[i] >= 0 && m->keys[i] != id)
		i = (i + 1) & m->mask;
	m->keys[i] = id;
	m->vals[i] = index;
}

int hd_idmap_get(const hd_idmap *m, int64_t id)
{
	uint32_t i = slot(m, id);
	while (m->vals[i] >= 0) {
		if (m->keys[i] == id)
			return m->vals[i];
		i = (i + 1) & m->mask;
	}
	return -1;
}

void hd_idmap_free(hd_idmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
}

unsigned long long hd_fnv(unsigned long long h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}
