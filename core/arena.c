/* arena.c - a list of blocks, each filled front to back. */
#define _DEFAULT_SOURCE 1 /* MADV_HUGEPAGE */

#include "arena.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "err.h"

#define BLOCK_SIZE ((size_t)256 << 10) /* the first block */
#define BLOCK_MAX ((size_t)8 << 20)    /* blocks double up to this */
#define HUGE_PAGE ((size_t)2 << 20)

struct hd_arena_block {
	hd_arena_block *next;
	max_align_t data[];
};

/* A block of at least cap bytes; *cap is set to what it holds.  Blocks
 * of 2 MB and more sit on huge-page boundaries and ask for huge pages
 * (Debian's transparent_hugepage default is "madvise"): a million
 * scorecards fault in 2 MB at a time instead of 4 KB, which on a
 * virtual machine is most of the kernel time of storing them. */
static hd_arena_block *new_block(size_t *cap)
{
	size_t bytes = sizeof(hd_arena_block) + *cap;
	void *p = NULL;
	if (bytes >= HUGE_PAGE) {
		bytes = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		if (posix_memalign(&p, HUGE_PAGE, bytes) == 0)
			madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, small pages */
		else
			p = NULL;
	}
	if (!p)
		p = hd_xmalloc(bytes);
	*cap = bytes - sizeof(hd_arena_block);
	return p;
}

void *hd_arena_alloc_raw(hd_arena *a, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!a->head || a->used + n > a->cap) {
		size_t cap = a->head ? a->cap * 2 : BLOCK_SIZE;
		cap = cap > BLOCK_MAX ? BLOCK_MAX : cap;
		cap = n > cap ? n : cap;
		hd_arena_block *b = new_block(&cap);
		b->next = a->head;
		a->head = b;
		a->used = 0;
		a->cap = cap;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += n;
	return p;
}

void *hd_arena_alloc(hd_arena *a, size_t n)
{
	return memset(hd_arena_alloc_raw(a, n), 0, n);
}

char *hd_arena_strdup(hd_arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	return memcpy(hd_arena_alloc_raw(a, n), s, n);
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
