/* event_flat.c — flat JSON records without jansson. See event_flat.h.
 *
 * The parse is strict JSON for the subset it accepts; where jansson would
 * reject (bad syntax, a duplicate key) or would spell a value differently
 * (reals, exponents, -0), it declines and the full parser decides. So do
 * the keys event.c treats specially ("Event", "#attributes"). */
#include "detect/event_flat.h"

#include <string.h>

#define FLAT_MAX_FIELDS 256 /* more: leave it to the full parser */

/* A string at s[i] == '"'. Unescapes into out (cap >= raw length) and sets
 * *out_len; returns the index after the closing quote, or 0 to decline. */
static size_t scan_string(const char *s, size_t len, size_t i, char *out, size_t *out_len)
{
    size_t k = 0;
    for (i++; i < len; i++) {
        /* the run of plain bytes up to the next one that needs a look */
        size_t j = sw_flat_next_special(s, len, i);
        memcpy(out + k, s + i, j - i);
        k += j - i;
        if ((i = j) >= len)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            *out_len = k;
            return i + 1;
        }
        if (c < 0x20 || c >= 0x80)
            return 0; /* control bytes are invalid; non-ASCII: jansson checks UTF-8 */
        if (c == '\\') {
            if (++i >= len)
                return 0;
            switch (s[i]) {
            case '"':
                out[k++] = '"';
                break;
            case '\\':
                out[k++] = '\\';
                break;
            case '/':
                out[k++] = '/';
                break;
            case 'b':
                out[k++] = '\b';
                break;
            case 'f':
                out[k++] = '\f';
                break;
            case 'n':
                out[k++] = '\n';
                break;
            case 'r':
                out[k++] = '\r';
                break;
            case 't':
                out[k++] = '\t';
                break;
            default:
                return 0; /* \u and invalid escapes */
            }
        }
    }
    return 0;
}

int sw_event_parse_flat(sw_event_t *ev, const char *json, size_t len)
{
    sw_event_clear(ev);
    if (len > SW_EVENT_MAX_BYTES)
        return SW_ENOENT;
    /* names and values unescaped, one scratch buffer for the record */
    char stack[4096];
    char *scratch = len <= sizeof stack ? stack : NULL;
    if (!scratch)
        return SW_ENOENT; /* large records: the full parser */
    size_t used = 0;
    struct {
        size_t name, name_len, value, value_len;
        int type;
    } f[FLAT_MAX_FIELDS];
    size_t n = 0;
    size_t i = sw_flat_skip_ws(json, len, 0);
    if (i >= len || json[i] != '{')
        return SW_ENOENT;
    i = sw_flat_skip_ws(json, len, i + 1);
    if (i < len && json[i] == '}') {
        i++;
    } else {
        for (;;) {
            if (n == FLAT_MAX_FIELDS || i >= len || json[i] != '"')
                return SW_ENOENT;
            f[n].name = used;
            if (!(i = scan_string(json, len, i, scratch + used, &f[n].name_len)))
                return SW_ENOENT;
            used += f[n].name_len;
            i = sw_flat_skip_ws(json, len, i);
            if (i >= len || json[i] != ':')
                return SW_ENOENT;
            i = sw_flat_skip_ws(json, len, i + 1);
            if (i >= len)
                return SW_ENOENT;
            f[n].value = used;
            char c = json[i];
            if (c == '"') {
                if (!(i = scan_string(json, len, i, scratch + used, &f[n].value_len)))
                    return SW_ENOENT;
                f[n].type = SW_FV_STRING;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                /* plain integers only, spelled as jansson prints them */
                size_t st = i;
                if (!(i = sw_flat_int_end(json, len, i)))
                    return SW_ENOENT;
                memcpy(scratch + used, json + st, i - st);
                f[n].value_len = i - st;
                f[n].type = SW_FV_NUMBER;
            } else if (len - i >= 4 && !memcmp(json + i, "true", 4)) {
                memcpy(scratch + used, "true", 4);
                f[n].value_len = 4;
                f[n].type = SW_FV_BOOL;
                i += 4;
            } else if (len - i >= 5 && !memcmp(json + i, "false", 5)) {
                memcpy(scratch + used, "false", 5);
                f[n].value_len = 5;
                f[n].type = SW_FV_BOOL;
                i += 5;
            } else if (len - i >= 4 && !memcmp(json + i, "null", 4)) {
                f[n].value_len = 0;
                f[n].type = SW_FV_NULL;
                i += 4;
            } else {
                return SW_ENOENT; /* objects, arrays, garbage */
            }
            used += f[n].value_len;
            n++;
            int more = sw_flat_next_member(json, len, &i);
            if (more < 0)
                return SW_ENOENT;
            if (!more)
                break;
        }
    }
    if (sw_flat_skip_ws(json, len, i) != len)
        return SW_ENOENT; /* trailing bytes */
    /* the EVTX shape and duplicate keys are the full parser's business */
    for (size_t a = 0; a < n; a++) {
        if ((f[a].name_len == 5 && !memcmp(scratch + f[a].name, "Event", 5)) ||
            (f[a].name_len == 11 && !memcmp(scratch + f[a].name, "#attributes", 11)))
            return SW_ENOENT; /* event.c gives these their own meaning */
        for (size_t b = a + 1; b < n; b++)
            if (f[a].name_len == f[b].name_len &&
                !memcmp(scratch + f[a].name, scratch + f[b].name, f[a].name_len))
                return SW_ENOENT;
    }
    for (size_t a = 0; a < n; a++) {
        int rc = sw_event_add(ev, scratch + f[a].name, f[a].name_len, scratch + f[a].value,
                              f[a].value_len, f[a].type);
        if (rc) {
            sw_event_clear(ev);
            return rc;
        }
    }
    return SW_OK;
}

int sw_event_parse(sw_event_t *ev, const char *json, size_t len, sw_errbuf_t *err)
{
    int rc = sw_event_parse_flat(ev, json, len);
    if (rc == SW_ENOENT)
        return sw_event_parse_json(ev, json, len, err);
    return rc ? sw_seterr(err, rc, "record too large") : SW_OK;
}
