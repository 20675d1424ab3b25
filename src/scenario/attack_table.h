/* attack_table.h — the ATT&CK enterprise technique table, compiled into the
 * binary from data/attack/techniques.tsv (see data/attack/NOTICE.md).
 *
 * Look-ups scan the embedded TSV text directly: no allocation, no state, and
 * the table is a few hundred lines, so a look-up costs one pass over ~60 KB.
 * The loader calls it once per playbook step. */
#ifndef SW_ATTACK_TABLE_H
#define SW_ATTACK_TABLE_H

#include <stddef.h>

/* Is id a well-formed technique id: T + 4 digits, optionally .3 digits? */
int sw_attack_id_valid(const char *id);

/* Find technique id. On success returns 1 and, when the out-params are not
 * NULL, copies the technique's name and its first tactic (e.g.
 * "initial-access") into the caller's buffers (truncated to fit). Returns 0
 * when the id is not in the table (or the table is missing). */
int sw_attack_lookup(const char *id, char *name, size_t name_len, char *tactic, size_t tactic_len);

#endif
