/* evseg_check.c — what of a team's segment files is complete, and the
 * derived columns rebuilt from the log where they are damaged (evseg.h,
 * invariants 1, 3 and 4).
 *
 * The log is the record of truth: its blocks lie back to back, each block
 * starts a unit and spans ceil(unpacked / SEG_UNIT) of them, and its
 * frames are the rows in order. So walking the log gives lidx (each
 * block's offset at its first unit), roff (each frame's unit and place)
 * and ts (each record's own time, else the one before it) exactly as the
 * writer wrote them (rebuild). sums says, per batch the writer wrote,
 * which rows, units and log bytes it covered and the checksums of its
 * column entries.
 *
 * seg_view_check, for a format-4 team, walks the sums entries it has not
 * checked yet, in order:
 *   - an entry that is sound, continues the last and whose columns match
 *     its checksums covers its rows; past the commit point its blocks'
 *     checksums must match too (they may be a torn write); before it only
 *     ts is checked here, roff and lidx when a record of the batch is read
 *     (seg_view_verify) or a writer begins (seg_view_verify_all);
 *   - committed rows whose columns do not match are rebuilt from the
 *     batch's log bytes into the view's own copies of the columns
 *     (repair_batch);
 *   - an entry that is not sound, or missing, before the commit point
 *     means sums itself is damaged: everything from the last good entry is
 *     rebuilt by walking the log to its end (rebuild_rest);
 *   - past the commit point, the first entry that fails ends the complete
 *     rows: an interrupted write, which the next writer cuts.
 * Committed rows the walk cannot reach (the log cut short, or a damaged
 * block where the columns had to be rebuilt) are lost (invariant 4).
 * A format-2 or -3 team (no sums) has the longest prefix of rows whose
 * last record reads back, as before.
 *
 * Cost: an entry is checked once a process (idx_sum over its 8 bytes of
 * ts a row, and its 16 of roff and lidx when it is read); past the commit
 * point all 24 and its packed blocks are summed too. A rebuild
 * unpacks and, for ts, parses the records it covers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "store/evidx.h"
#include "store/evseg.h"

void seg_sument_seal(seg_sument_t *e)
{
    e->zero[0] = e->zero[1] = 0;
    e->sum = seg_sum(e, offsetof(seg_sument_t, sum));
}

/* Entry i of sums into x: 1 when it is sound (its own checksum). */
static int ent_get(const seg_view_t *v, size_t i, seg_sument_t *x)
{
    if ((i + 1) * SEG_SUMENT > v->dl[SF_SUMS])
        return 0;
    memcpy(x, v->d[SF_SUMS] + i * SEG_SUMENT, sizeof *x);
    return x->sum == seg_sum(x, offsetof(seg_sument_t, sum)) && !x->zero[0] && !x->zero[1] &&
           x->rows && x->units && x->log_end > x->log_off;
}

/* Does ts hold x's entries, with x's checksum? */
static int ts_ok(const seg_view_t *v, const seg_sument_t *x)
{
    uint64_t r1 = x->first_row + x->rows;
    return v->ncol[SF_TS] >= r1 &&
           idx_sum(v->col[SF_TS] + x->first_row, (size_t)x->rows * 8) == x->sum_ts;
}

/* Do roff and lidx hold x's entries, with x's checksums? */
static int places_ok(const seg_view_t *v, const seg_sument_t *x)
{
    uint64_t r1 = x->first_row + x->rows, u1 = x->first_unit + x->units;
    if (v->ncol[SF_ROFF] < r1 || v->ncol[SF_LIDX] < u1)
        return 0;
    return idx_sum(v->col[SF_ROFF] + x->first_row, (size_t)x->rows * 8) == x->sum_roff &&
           idx_sum(v->col[SF_LIDX] + x->first_unit, (size_t)x->units * 8) == x->sum_lidx;
}

/* Do the columns hold x's entries, with x's checksums? */
static int cols_ok(const seg_view_t *v, const seg_sument_t *x)
{
    return ts_ok(v, x) && places_ok(v, x);
}

/* Are x's blocks whole in the log, each where lidx says, spanning its
 * units? (For rows past the commit point: a torn write.) */
static int blocks_ok(const seg_view_t *v, const seg_sument_t *x)
{
    uint64_t off = x->log_off, u = x->first_unit, u1 = x->first_unit + x->units;
    const uint64_t *lx = v->col[SF_LIDX];
    while (off < x->log_end) {
        uint32_t h[4];
        if (u >= u1 || lx[u] != off || seg_block_head(v, off, h) ||
            seg_block_sum(v->d[SF_LOG] + off + SEG_BLK_HDR, h[0], h[1], h[3]) != h[2])
            return 0;
        uint64_t span = ((uint64_t)h[1] + SEG_UNIT - 1) >> SEG_UNIT_BITS;
        if (!span || span > u1 - u)
            return 0;
        for (uint64_t k = 1; k < span; k++)
            if (lx[u + k] != SEG_NO_BLOCK)
                return 0;
        u += span;
        off += SEG_BLK_HDR + h[0];
    }
    return off == x->log_end && u == u1;
}

/* Make the view's columns its own copies (of at least `rows` rows), which
 * a rebuild may write. 0 or -1 (memory). */
static int go_own(seg_view_t *v)
{
    if (v->owned)
        return 0;
    for (int f = SF_TS; f <= SF_LIDX; f++) {
        size_t n = v->ncol[f], cap = n > 1024 ? n : 1024;
        uint64_t *p = malloc(cap * 8);
        if (!p)
            return -1;
        memcpy(p, v->col[f], n * 8);
        free(v->own[f]);
        v->own[f] = p;
        v->own_cap[f] = cap;
        v->col[f] = p;
    }
    v->owned = 1;
    return 0;
}

/* Entry i of own column f is val (the column grows to hold it); the bit
 * of f in *changed when that is not what it held. 0 or -1 (memory). */
static int own_put(seg_view_t *v, int f, uint64_t i, uint64_t val, int *changed)
{
    if (i >= v->own_cap[f]) {
        size_t cap = v->own_cap[f] * 2 > i + 1 ? v->own_cap[f] * 2 : (size_t)i + 1;
        uint64_t *p = realloc(v->own[f], cap * 8);
        if (!p)
            return -1;
        v->own[f] = p;
        v->own_cap[f] = cap;
        v->col[f] = p;
    }
    if (i >= v->ncol[f]) {
        for (uint64_t k = v->ncol[f]; k < i; k++)
            v->own[f][k] = 0;
        v->ncol[f] = (size_t)i + 1;
        *changed |= 1 << f;
    } else if (v->own[f][i] != val) {
        *changed |= 1 << f;
    }
    v->own[f][i] = val;
    return 0;
}

/* Walk the log's blocks from data offset *off to stop (not past the log's
 * end), writing each block's units into lidx and its frames' places and
 * times into roff and ts (own columns; *changed gets the bits of the
 * columns that differed), from unit *unit and row *row, *carry the time of
 * the row before. The four are where the walk got to. SW_OK at stop;
 * SW_EIO at a block that is not sound (its rows cannot be known). */
static int rebuild(seg_view_t *v, uint64_t *off, uint64_t stop, uint64_t *unit, uint64_t *row,
                   int64_t *carry, int *changed)
{
    uint8_t *buf = NULL;
    size_t cap = 0;
    uint64_t before = SEG_NO_BLOCK; /* the dictionary before buf's block */
    int rc = SW_OK;
    if (stop > v->dl[SF_LOG])
        stop = v->dl[SF_LOG];
    while (*off < stop && !rc) {
        uint32_t h[4];
        const uint8_t *data = v->d[SF_LOG] + *off + SEG_BLK_HDR;
        if (seg_block_head(v, *off, h) || seg_block_sum(data, h[0], h[1], h[3]) != h[2] || !h[1]) {
            rc = SW_EIO;
            break;
        }
        const uint8_t *raw = data;
        if (h[3] != SEG_BLK_STORED) {
            if (SEG_DICT_MAX + (size_t)h[1] > cap) {
                uint8_t *p = realloc(buf, SEG_DICT_MAX + (size_t)h[1]);
                if (!p) {
                    rc = SW_ENOMEM;
                    break;
                }
                buf = p;
                cap = SEG_DICT_MAX + (size_t)h[1];
                before = SEG_NO_BLOCK;
            }
            size_t got;
            if (seg_unpack(v, *off, h, buf + SEG_DICT_MAX, h[1], &got, &before)) {
                rc = SW_EIO;
                break;
            }
            raw = buf + SEG_DICT_MAX;
        } else if (h[0] != h[1]) {
            rc = SW_EIO;
            break;
        }
        /* its frames, all of it */
        size_t in = 0;
        while (in < h[1] && !rc) {
            uint32_t fl, fs;
            if (h[1] - in < 8) {
                rc = SW_EIO;
                break;
            }
            memcpy(&fl, raw + in, 4);
            memcpy(&fs, raw + in + 4, 4);
            if (fl > SEG_MAX_RECORD || fl > h[1] - in - 8 || seg_sum(raw + in + 8, fl) != fs) {
                rc = SW_EIO;
                break;
            }
            int64_t ms;
            if (v->time_of && v->time_of(v->time_ud, (const char *)raw + in + 8, fl, &ms))
                *carry = ms;
            if (*row >= UINT32_MAX - 1 ||
                own_put(v, SF_ROFF, *row, (*unit << SEG_UNIT_BITS) + in, changed) ||
                own_put(v, SF_TS, *row, (uint64_t)*carry, changed))
                rc = SW_ENOMEM;
            (*row)++;
            in += 8 + (size_t)fl;
        }
        if (rc)
            break;
        uint64_t span = ((uint64_t)h[1] + SEG_UNIT - 1) >> SEG_UNIT_BITS;
        for (uint64_t k = 0; k < span && !rc; k++)
            if (own_put(v, SF_LIDX, *unit + k, k ? SEG_NO_BLOCK : *off, changed))
                rc = SW_ENOMEM;
        *unit += span;
        *off += SEG_BLK_HDR + h[0];
    }
    free(buf);
    return rc;
}

/* The time before row r, for a rebuild starting there. */
static int64_t carry_at(const seg_view_t *v, uint64_t r)
{
    return r && r <= v->ncol[SF_TS] ? (int64_t)v->col[SF_TS][r - 1] : 0;
}

/* Committed batch x's columns do not match its checksums: rebuild them
 * from its log bytes. SW_EIO when the log does not give x's rows and
 * units (its block damaged too, or the entry wrong): then its rows have no
 * place (seg_record of one is SW_EIO), not the place the damaged roff, or
 * a rebuild cut short, would give them, which may be another record's. */
static int repair_batch(seg_view_t *v, const seg_sument_t *x)
{
    if (go_own(v))
        return SW_ENOMEM;
    uint64_t off = x->log_off, unit = x->first_unit, row = x->first_row;
    int64_t carry = carry_at(v, row);
    int changed = 0;
    int rc = rebuild(v, &off, x->log_end, &unit, &row, &carry, &changed);
    if (rc || off != x->log_end || unit != x->first_unit + x->units ||
        row != x->first_row + x->rows) {
        for (uint64_t r = x->first_row; r < x->first_row + x->rows; r++)
            if (own_put(v, SF_ROFF, r, UINT64_MAX, &changed))
                break;
        return SW_EIO;
    }
    v->repaired |= changed ? changed : 1 << SF_SUMS;
    return SW_OK;
}

/* sums is damaged or short before the commit point: rebuild the columns
 * from the last entry that held, walking the log to its end. Committed
 * rows it does not reach are lost. */
static void rebuild_rest(seg_view_t *v, uint64_t committed)
{
    v->sums_bad = 1;
    v->repaired |= 1 << SF_SUMS;
    if (go_own(v)) {
        v->lost_lo = v->ok_rows;
        v->lost_hi = committed;
        return;
    }
    uint64_t off = v->ok_log, unit = v->ok_units, row = v->ok_rows;
    int64_t carry = carry_at(v, row);
    int changed = 0;
    rebuild(v, &off, v->dl[SF_LOG], &unit, &row, &carry, &changed);
    v->repaired |= changed;
    v->ok_log = off;
    v->ok_units = unit;
    v->ok_rows = row;
    if (row >= committed)
        return;
    /* rows the log no longer gives: counted, lost, their places nowhere */
    v->lost_lo = row;
    v->lost_hi = committed;
    for (uint64_t r = row; r < committed; r++) {
        int ch = 0;
        if (r >= v->ncol[SF_TS] && own_put(v, SF_TS, r, (uint64_t)carry, &ch))
            break;
        if (own_put(v, SF_ROFF, r, UINT64_MAX, &ch))
            break;
    }
}

/* The first of rows [0, n) whose block the log does not hold whole
 * (blocks lie in row order: a binary search), n if none. */
static uint64_t first_cut_row(const seg_view_t *v, uint64_t n)
{
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2, u;
        size_t in;
        uint32_t h[4];
        int whole = seg_row_place(v, (size_t)mid, &u, &in) == SW_OK &&
                    seg_block_head(v, v->col[SF_LIDX][u], h) == SW_OK;
        if (whole)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* What was rebuilt or lost, in words, for a warning. */
static void note_of(seg_view_t *v)
{
    char *o = v->note;
    size_t cap = sizeof v->note, at = 0;
    o[0] = '\0';
    int bits = v->repaired | v->hdr_bad;
    if (bits) {
        at += (size_t)snprintf(o + at, cap - at, "damaged segment files rebuilt from the log:");
        for (int f = SF_TS; f < SF_N && at < cap; f++) {
            if (!(bits >> f & 1))
                continue;
            char name[16];
            seg_file_name(f, name, sizeof name);
            uint64_t want = v->commit.known ? v->commit.len[f] : 0;
            uint64_t have = v->dl[f] ? v->dl[f] + SEG_HDR : 0;
            if (v->hdr_bad >> f & 1)
                at += (size_t)snprintf(o + at, cap - at, " %s (header damaged or foreign)", name);
            else if (want > have)
                at += (size_t)snprintf(o + at, cap - at, " %s (cut short: %llu of %llu bytes)",
                                       name, (unsigned long long)have, (unsigned long long)want);
            else
                at += (size_t)snprintf(o + at, cap - at, " %s (checksum mismatch)", name);
        }
    }
    if (v->lost_hi > v->lost_lo && at < cap) {
        uint64_t want = v->commit.known ? v->commit.len[SF_LOG] : 0;
        at += (size_t)snprintf(o + at, cap - at,
                               "%scommitted records %llu-%llu are lost: the log holds %llu of "
                               "the %llu bytes committed, or is damaged there",
                               at ? "; " : "", (unsigned long long)v->lost_lo + 1,
                               (unsigned long long)v->lost_hi,
                               (unsigned long long)(v->dl[SF_LOG] ? v->dl[SF_LOG] + SEG_HDR : 0),
                               (unsigned long long)want);
    }
}

/* Entry e's bit in vchk: set it when set is; whether it was set. */
static int ent_mark(seg_view_t *v, size_t e, int set)
{
    if (e / 8 >= v->vchk_cap) {
        if (!set)
            return 0;
        size_t cap = v->vchk_cap ? v->vchk_cap * 2 : 64;
        while (cap <= e / 8)
            cap *= 2;
        uint8_t *p = realloc(v->vchk, cap);
        if (!p)
            return 0;
        memset(p + v->vchk_cap, 0, cap - v->vchk_cap);
        v->vchk = p;
        v->vchk_cap = cap;
    }
    int was = v->vchk[e / 8] >> (e % 8) & 1;
    if (set)
        v->vchk[e / 8] |= (uint8_t)(1 << (e % 8));
    return was;
}

/* Check committed entry e's roff and lidx (its ts is checked), rebuilding
 * the batch from the log when they do not match; once. */
static void ent_verify(seg_view_t *v, size_t e)
{
    seg_sument_t x;
    if (ent_mark(v, e, 1) || !ent_get(v, e, &x) || places_ok(v, &x))
        return;
    /* a record of a block damaged too stays unreadable: the search that
     * needs it says so */
    if (repair_batch(v, &x) == SW_OK)
        note_of(v);
}

void seg_view_verify(seg_view_t *v, size_t r)
{
    uint64_t committed = v->commit.known ? v->commit.rows : 0;
    if (v->format < 4 || r >= committed || !v->ok_ent)
        return;                    /* past the commit point seg_view_check checked all three */
    size_t lo = 0, hi = v->ok_ent; /* the last checked entry starting at or before r */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t first;
        memcpy(&first, v->d[SF_SUMS] + mid * SEG_SUMENT, 8);
        if (first <= r)
            lo = mid;
        else
            hi = mid;
    }
    seg_sument_t x;
    if (ent_get(v, lo, &x) && r >= x.first_row && r < x.first_row + x.rows)
        ent_verify(v, lo); /* else a row rebuilt past sums (rebuild_rest) */
}

void seg_view_verify_all(seg_view_t *v)
{
    uint64_t committed = v->commit.known ? v->commit.rows : 0;
    for (size_t e = 0; v->format >= 4 && e < v->ok_ent; e++) {
        seg_sument_t x;
        if (!ent_get(v, e, &x) || x.first_row >= committed)
            break;
        ent_verify(v, e);
    }
}

/* Format 4: the checks of the notes above. */
static void check4(seg_view_t *v)
{
    uint64_t committed = v->commit.known ? v->commit.rows : 0;
    size_t n_ent = v->dl[SF_SUMS] / SEG_SUMENT;
    while (!v->sums_bad && v->ok_ent < n_ent) {
        seg_sument_t x;
        int sound = ent_get(v, v->ok_ent, &x) && x.first_row == v->ok_rows &&
                    x.first_unit == v->ok_units && x.log_off == v->ok_log;
        uint64_t end = sound ? x.first_row + x.rows : 0;
        if (!sound || end > committed) {
            /* past the commit point: sound, whole, or the end of what is complete */
            if (!sound || !cols_ok(v, &x) || !blocks_ok(v, &x))
                break;
        } else if (!ts_ok(v, &x)) { /* roff and lidx: seg_view_verify */
            if (repair_batch(v, &x))
                break; /* its block is damaged too: rebuild_rest says what is lost */
            ent_mark(v, v->ok_ent, 1); /* all three rebuilt */
        }
        v->ok_rows = end;
        v->ok_units += x.units;
        v->ok_log = x.log_end;
        v->ok_ent++;
    }
    if (v->ok_rows < committed && !v->sums_bad)
        rebuild_rest(v, committed);
    v->n_rows = (size_t)(v->ok_rows > committed ? v->ok_rows : committed);
    /* the log cut short under committed rows whose columns held */
    if (committed && v->ok_log > v->dl[SF_LOG] && v->lost_hi <= v->lost_lo) {
        v->lost_lo = first_cut_row(v, committed);
        v->lost_hi = committed;
    }
    if (v->lost_hi <= v->lost_lo)
        v->lost_lo = v->lost_hi = 0;
    note_of(v);
}

void seg_view_check(seg_view_t *v)
{
    if (v->format >= 4) {
        check4(v);
    } else { /* formats 2 and 3: the longest prefix whose last record reads */
        size_t n = v->ncol[SF_TS] < v->ncol[SF_ROFF] ? v->ncol[SF_TS] : v->ncol[SF_ROFF];
        const char *j;
        size_t l;
        while (n && seg_record(v, n - 1, &j, &l))
            n--;
        v->n_rows = n;
    }
    for (int f = 0; f < SF_N; f++)
        v->seen[f] = v->dl[f];
}

/* ---- sums made from the columns ----------------------------------------------- */

int seg_sums_build(const seg_view_t *v, uint8_t **out, size_t *out_len)
{
    size_t n = v->n_rows, cap = 64, len = 0;
    uint8_t *b = malloc(cap * SEG_SUMENT);
    if (!b)
        return SW_ENOMEM;
    uint64_t r = 0, unit = 0, off = 0;
    const uint64_t *lx = v->col[SF_LIDX];
    while (r < n) {
        seg_sument_t x = {.first_row = r, .first_unit = unit, .log_off = off};
        for (int k = 0; k < SEG_BATCH && r < n; k++) {
            uint64_t u;
            size_t in;
            uint32_t h[4];
            /* the next block starts where the last ended, and holds row r */
            if (seg_row_place(v, (size_t)r, &u, &in) || u != unit || lx[u] != off ||
                seg_block_head(v, off, h))
                goto bad;
            uint64_t span = ((uint64_t)h[1] + SEG_UNIT - 1) >> SEG_UNIT_BITS;
            if (!span || unit + span > v->ncol[SF_LIDX])
                goto bad;
            while (r < n && seg_row_place(v, (size_t)r, &u, &in) == SW_OK && u == unit)
                r++;
            unit += span;
            off += SEG_BLK_HDR + h[0];
        }
        x.rows = (uint32_t)(r - x.first_row);
        x.units = (uint32_t)(unit - x.first_unit);
        x.log_end = off;
        x.sum_ts = idx_sum(v->col[SF_TS] + x.first_row, (size_t)x.rows * 8);
        x.sum_roff = idx_sum(v->col[SF_ROFF] + x.first_row, (size_t)x.rows * 8);
        x.sum_lidx = idx_sum(lx + x.first_unit, (size_t)x.units * 8);
        seg_sument_seal(&x);
        if (len == cap) {
            uint8_t *p = realloc(b, cap * 2 * SEG_SUMENT);
            if (!p) {
                free(b);
                return SW_ENOMEM;
            }
            b = p;
            cap *= 2;
        }
        memcpy(b + len * SEG_SUMENT, &x, SEG_SUMENT);
        len++;
    }
    *out = b;
    *out_len = len * SEG_SUMENT;
    return SW_OK;
bad:
    free(b);
    return SW_EIO;
}
