/* stix.h — indicators shared between teams, in and out of STIX 2.1.
 *
 * Teams share indicators (an IP, a domain, a URL, a file hash, an e-mail
 * address, an account), not raw log copies. Inside seawall an indicator is
 * a (type, value) pair of STIX cyber-observable names ("ipv4-addr",
 * "domain-name", "url", "file:hashes.SHA-256", "email-addr",
 * "user-account"); on the wire it is a STIX 2.1 bundle: an identity for the
 * sharing team, the TLP marking, one indicator object per indicator (a STIX
 * pattern) carrying the sharer's text as its description. Ids are derived
 * from their content, so the same indicator shared twice is the same object.
 * (Not a note object: the OASIS bundle schema lists no note among its
 * objects, and a note then matches both of its custom-object branches, so
 * validators refuse such bundles.)
 *
 * sw_stix_parse reads a bundle another tool wrote: indicator objects with
 * STIX patterns made of comparisons [type:property = 'value'] joined by OR
 * or AND, observed-data with its observables (embedded or by reference),
 * and notes. What it cannot read is counted and named, never guessed.
 * Pure: no I/O; every size is bounded. */
#ifndef SW_STIX_H
#define SW_STIX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SW_STIX_MAX_INDICATORS 256
#define SW_STIX_MAX_VALUE 512
#define SW_STIX_MAX_BYTES ((size_t)4 << 20)

typedef struct sw_stix_ind {
    char type[32];
    char value[SW_STIX_MAX_VALUE];
} sw_stix_ind_t;

typedef struct sw_stix_read {
    sw_stix_ind_t *ind; /* malloc'd, n entries */
    size_t n;
    size_t skipped;  /* indicators or observables of types seawall does not use */
    char note[2048]; /* the notes' text, joined */
    char tlp[16];    /* the strictest TLP marking seen ("" none) */
} sw_stix_read_t;

/* Is (type, value) an indicator seawall understands? 0 yes, else a reason
 * in why. The value is normalised in place (domains and hashes lowercased). */
int sw_stix_check(sw_stix_ind_t *ind, char *why, size_t why_len);

/* Read the bundle (or single object) in text[0..len). SW_EINVAL with err
 * saying what and where; out is then empty. Duplicates are kept once. */
int sw_stix_parse(const char *text, size_t len, sw_stix_read_t *out, sw_errbuf_t *err);
void sw_stix_read_free(sw_stix_read_t *r);

/* The STIX pattern of one indicator: "[ipv4-addr:value = '203.0.113.45']". */
void sw_stix_pattern(const sw_stix_ind_t *ind, char *out, size_t len);

/* A STIX id derived from text: "<type>--<uuid>" (a version-5-shaped UUID of
 * its BLAKE2b hash). */
void sw_stix_id(const char *type, const char *text, char *out, size_t len);

/* The bundle a team shares: identity, TLP marking ("clear", "green",
 * "amber", "red"; NULL: green), the indicators, a note (may be NULL), all
 * stamped unix_ms. */
json_t *sw_stix_bundle(const char *team_id, const char *team_name, const sw_stix_ind_t *ind,
                       size_t n, const char *tlp, const char *note, int64_t unix_ms);

#endif
