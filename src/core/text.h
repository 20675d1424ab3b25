/* text.h — small text helpers shared by every layer that answers a person:
 * how far apart two words are, and the "did you mean" pick. Pure. */
#ifndef SW_TEXT_H
#define SW_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Edit distance between a and b (ASCII case folded when fold): insertions,
 * deletions, substitutions and swaps of neighbours cost one (optimal string
 * alignment); words longer than 63 bytes are never close (99).
 * O(len(a) * len(b)). */
size_t sw_edit_distance(const char *a, const char *b, int fold);

/* The candidate closest to word, if close enough to be a likely typo:
 * distance <= max(1, min(3, len(word) / 3)); ties go to the earlier
 * candidate. cands has n entries (NULL ones skipped). NULL when none is. */
const char *sw_closest(const char *word, const char *const *cands, size_t n, int fold);

/* Exercise time as the exercise clock shows it: "T+01:23" on a whole
 * minute, else "T+01:23:45"; "-" for a negative time. Returns buf. */
const char *sw_format_ex_time(int64_t ms, char *buf, size_t len);

#endif
