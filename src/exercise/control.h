/* control.h — the exercise's local control channel: how `seawall act` in
 * one shell reaches the `seawall play` that owns the exercise in another.
 *
 * A Unix stream socket beside the database (FILE.ctl, mode 0600: only the
 * operator's account may act through it), one request per connection: the
 * client sends one JSON object and a newline, the owner answers with one
 * JSON object and closes. The same requests are answered without a socket
 * by sw_control_handle, which `act` uses when no process owns the exercise
 * (it opens the exercise itself, acts at the time it stopped, closes).
 *
 * Requests ("op" and its fields; "actor" everywhere):
 *   {"op":"action","team","action","host","value","org","to","port"}
 *   {"op":"clock","what":"start|pause|resume|speed|end","speed"}
 *   {"op":"inject","id"}
 *   {"op":"deploy","team","file","yaml"}     {"op":"withdraw","team","rule_id"}
 *   {"op":"share","from","to","query","max","now_ms"}
 *   {"op":"triage","team","alert","status","assignee","incident","note"}
 *   {"op":"report","team","title","narrative","incident","techniques","hosts",
 *    "indicators":[{"type","value"}],"alerts"}
 *   {"op":"message","team","text"}  {"op":"hint","team","text"}
 *   {"op":"send","to","subject","body"}   (an inject written on the day)
 *   {"op":"status"}
 * Answer: {"ok","code","msg","seq","at_ms","effect_ms"} (+ "line","col" for
 * a refused rule; + the clock's "state","now_ms","until_ms","speed").
 * Unknown ops and unknown fields are refused by name. */
#ifndef SW_CONTROL_H
#define SW_CONTROL_H

#include <stddef.h>

#include "exercise/exercise.h"

#define SW_CONTROL_MAX_REQUEST ((size_t)8 << 20) /* bytes: a rule's YAML fits */

typedef struct sw_control sw_control_t;

/* The socket path for the database at db into buf (len >= 108). */
int sw_control_path(const char *db, char *buf, size_t len);

/* Listen on db's socket (replacing a stale one no process answers). */
int sw_control_open(const char *db, sw_control_t **out, sw_errbuf_t *err);
void sw_control_close(sw_control_t *c);
int sw_control_fd(const sw_control_t *c); /* to poll for a waiting client */
/* Answer every client waiting now (none: returns at once). */
int sw_control_serve(sw_control_t *c, sw_exercise_t *ex);

/* Answer one request (text) on ex: the reply JSON object (the caller frees
 * it with free()). Never NULL but out of memory. */
char *sw_control_handle(sw_exercise_t *ex, const char *request, size_t len);

/* Send request to the process owning db's exercise; *reply (malloc'd) gets
 * its answer. SW_ENOENT when no process listens (act on the database
 * itself then), SW_EIO on a broken exchange. */
int sw_control_call(const char *db, const char *request, char **reply, sw_errbuf_t *err);

#endif
