/* term_text.h — outside text (record fields, rule titles, journal entries)
 * made safe to print to a terminal or a pipe, as log viewers do.
 *
 * A record can carry any bytes its JSON escapes allow: ESC sequences that set
 * the window title, clear the screen or move the cursor, CR and backspace
 * that overwrite what was printed, tabs and newlines that forge columns and
 * lines, C1 controls and Unicode bidi overrides that reorder what is shown.
 * Every printer of such text in text mode goes through sw_term_printf, whose
 * %s arguments are escaped (its format and other arguments are the
 * program's own and are printed as they are):
 *
 *   tab, newline, CR             \t \n \r
 *   other C0 controls, DEL       \xNN  (ESC is \x1b, BEL \x07, NUL \x00)
 *   bytes that are not UTF-8     \xNN
 *   C1 controls U+0080-U+009F,   \uNNNN
 *   bidi and line separators
 *   (U+061C, U+200E-U+200F, U+2028-U+202E, U+2066-U+2069)
 *
 * Everything else, backslashes and printable UTF-8 included, is copied, so
 * Windows paths read as they are (a literal "\x1b" in a record is therefore
 * shown as it is, but it is only text: it cannot act on the terminal).
 * JSON output needs none of this: JSON escapes control characters itself. */
#ifndef SW_TERM_TEXT_H
#define SW_TERM_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"

/* Append s[0..n) to out, escaped as above. SW_OK or the buffer's error. */
int sw_term_escape(sw_buf_t *out, const char *s, size_t n);

/* printf to out where every %s (and %.*s, with width and '-') argument is
 * escaped by sw_term_escape; precision counts bytes of the argument, width
 * pads what is printed. The other conversions of printf (d i u x X o c e f
 * g a p, with flags, width, precision, * and the hh h l ll z j t L length
 * modifiers) are printed as printf prints them; %n is not supported. */
int sw_term_vformat(sw_buf_t *out, const char *fmt, va_list ap);

/* sw_term_vformat with its arguments here. */
int sw_term_format(sw_buf_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sw_term_vformat to f. */
void sw_term_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
