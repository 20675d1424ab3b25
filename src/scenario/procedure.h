/* procedure.h — the text of an adversary step's `procedure:`, read the same
 * way by the loader (which checks it) and by the telemetry bridge (which
 * runs it).
 *
 * A procedure is one command line, or several, one per line: a burst, run
 * one after another by the same shell (a discovery script, an operator's
 * hands on the keyboard). A line may end in an annotation naming the ATT&CK
 * technique that command performs ("netstat -ano  # T1049"), when it is not
 * the step's own; a line starting with '#' is a comment. Commands name the
 * scenario's hosts, accounts and domains through placeholders ("{dc}",
 * "{domain}\\{account}"), which the bridge replaces with the real names of
 * the step's target organisation when it writes the records.
 *
 * Pure: no I/O, no allocation.
 */
#ifndef SW_PROCEDURE_H
#define SW_PROCEDURE_H

#include <stddef.h>

/* One command of a procedure: cmd[0..cmd_len) without its annotation or
 * surrounding blanks; tech[0..tech_len) the annotation's technique id ("" when
 * none); line the 1-based line in the procedure text. */
typedef struct sw_proc_line {
    const char *cmd;
    size_t cmd_len;
    const char *tech;
    size_t tech_len;
    int line;
} sw_proc_line_t;

/* The next command at or after *cursor (start with the procedure text):
 * returns 1 and fills *out, moving *cursor past it; 0 at the end. Blank and
 * comment lines are skipped. O(line length). */
int sw_proc_next(const char **cursor, int *line, sw_proc_line_t *out);

/* Number of commands in the procedure (0 for NULL or blank). */
int sw_proc_count(const char *procedure);

/* The placeholders a command may use, NULL-terminated, each with what it
 * stands for (docs/scenario-format.md lists them). "role:ROLE" and
 * "role:ROLE:ip" take any host role name. */
extern const char *const sw_proc_placeholders[];
extern const char *const sw_proc_placeholder_help[];

/* Is name[0..len) (between the braces) a known placeholder ("role:X" when
 * X is a host role)? */
int sw_proc_placeholder_known(const char *name, size_t len);

/* The first placeholder-looking token "{...}" at or after s: 1 with
 * [*start, *end) the name between the braces, else 0. Only lower-case names
 * count, and not after '%', '$' or '{': curl's %{http_code}, a shell's
 * ${x}, PowerShell's {Get-Volume} and JSON stay what they are, and
 * "{{default}}" is bcdedit's {default} (the bridge writes one pair). */
int sw_proc_next_placeholder(const char *s, const char **start, const char **end);

#endif
