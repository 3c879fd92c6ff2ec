/* arena.c - a list of blocks, each filled front to back. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

#define BLOCK_SIZE (256 * 1024)

struct hd_arena_block {
	hd_arena_block *next;
	max_align_t data[];
};

void *hd_arena_alloc(hd_arena *a, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!a->head || a->used + n > a->cap) {
		size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		hd_arena_block *b = hd_xmalloc(sizeof *b + cap);
		b->next = a->head;
		a->head = b;
		a->used = 0;
		a->cap = cap;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += n;
	return memset(p, 0, n);
}

char *hd_arena_strdup(hd_arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	return memcpy(hd_arena_alloc(a, n), s, n);
}

void hd_arena_free(hd_arena *a)
{
	hd_arena_block *b = a->head;
	while (b) {
		hd_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = a->cap = 0;
}

void hd_arena_reset(hd_arena *a)
{
	if (!a->head)
		return;
	hd_arena_block *keep = a->head;
	a->head = keep->next;
	size_t cap = a->cap;
	hd_arena_free(a);
	keep->next = NULL;
	a->head = keep;
	a->cap = cap;
	a->used = 0;
}
