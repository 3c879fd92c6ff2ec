/*
 * arena.h - bump allocation for data that lives as long as a run.
 *
 * Results and subject names are many small strings and arrays freed all
 * at once; an arena makes that one free and no per-item bookkeeping.
 */
#ifndef HUDDLE_ARENA_H
#define HUDDLE_ARENA_H

#include <stddef.h>

typedef struct hd_arena_block hd_arena_block;

typedef struct hd_arena {
	hd_arena_block *head;
	size_t used, cap;
} hd_arena;

/* n bytes aligned for any type, zeroed; aborts on out-of-memory.  The
 * memory belongs to the arena until hd_arena_free. */
void *hd_arena_alloc(hd_arena *a, size_t n);
/* The same, not zeroed: for a caller that sets every byte it reads. */
void *hd_arena_alloc_raw(hd_arena *a, size_t n);
/* A copy of s (NULL stays NULL). */
char *hd_arena_strdup(hd_arena *a, const char *s);
void hd_arena_free(hd_arena *a);
/* Forgets everything allocated but keeps the newest block for what comes
 * next: for a stream of short-lived items, the same warm memory instead
 * of fresh pages. */
void hd_arena_reset(hd_arena *a);

#endif
