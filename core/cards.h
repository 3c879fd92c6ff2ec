/*
 * cards.h - scorecards as frames, and the spool that keeps them.
 *
 * A worker sends each finished scorecard to the host as a frame (rules
 * travel as indexes: both hold the same rules, the worker being a fork
 * of the host).  The host does not keep a million decoded cards in
 * memory until it can rank them: it writes the frames to an unlinked
 * temporary file, the spool, and keeps of each card only its header
 * (subject, score, ranks, how many items of each kind).  A reporter asks
 * for the whole card with hd_result_card, which decodes it from the
 * spool when the reporter reaches it, in whatever order it writes them.
 */
#ifndef HUDDLE_CARDS_H
#define HUDDLE_CARDS_H

#include <stddef.h>

#include "err.h"
#include "result.h"

/* A growable byte buffer. */
typedef struct hd_buf {
	unsigned char *p;
	size_t len, cap;
} hd_buf;

void hd_buf_put(hd_buf *b, const void *data, size_t n);

/* Appends card c as one frame: its length (int32, the length itself
 * included), kind and index first. */
void hd_frame_encode(const hd_rules *rules, const hd_scorecard *c, hd_buf *b);

/* The length of the whole frame at the start of p (n bytes there), or 0
 * when it has not all arrived, or -1 when it cannot be a frame. */
long hd_frame_length(const unsigned char *p, size_t n);

/* The subject of a whole frame; -1 when it names none of res. */
int hd_frame_subject(const hd_result *res, const unsigned char *p, size_t n, hd_kind *kind, int *index);

/* Sets the body of c (score, items, errors, trace) from a whole frame,
 * allocating in a; the header (subject, ranks) is left as it is.
 * Returns 0, or -1 when the frame is malformed. */
int hd_frame_decode(const hd_rules *rules, const unsigned char *p, size_t n, hd_scorecard *c, hd_arena *a);

/* Gives res a spool: an unlinked file in $TMPDIR (else /tmp) that goes
 * when res is freed. */
int hd_spool_open(hd_result *res, const hd_rules *rules, hd_err *err);

/* Takes one whole frame of subject (kind, index), as hd_frame_subject
 * read it, which the next hd_spool_write writes `at` bytes into its
 * data: checks it, records where the card will be, and sets the card's
 * score and counts of errors, recognitions and coaching items from it.
 * Returns 0, or -1 when the frame is malformed. */
int hd_spool_frame(hd_result *res, const unsigned char *p, size_t n, size_t at, hd_kind kind, int index);

/* Appends n bytes, whole frames hd_spool_frame took, to the spool;
 * HD_EIO when the file cannot be written. */
int hd_spool_write(hd_result *res, const unsigned char *p, size_t n, hd_err *err);

/* The first run position (reps, then teams) with no card yet, or -1. */
int hd_spool_missing(const hd_result *res);

void hd_spool_close(hd_result *res);

#endif
