/* sink.h — where telemetry records go: JSON-lines files, an RFC 5424 syslog
 * collector over UDP or TCP, or any sw_tel_record_cb (the event store).
 *
 * These are the I/O half of telemetry: the core (telemetry.h) hands each
 * record to a callback and never touches files or sockets; the CLI and the
 * server pick sinks and chain them (sw_tel_fanout). Every sink callback has
 * the sw_tel_record_cb signature, so a sink is passed as (callback, sink).
 *
 * Files: DIR/<team>/<source>.jsonl, one record a line, created on first use;
 * the hidden ground truth goes to DIR/truth.jsonl (outside every team's
 * directory): {"seq":N,"team":"pw","file":"pw/sysmon.jsonl","line":L,"truth":T}
 * for each record with truth != 0. Syslog: see sink_syslog.c for the frame. */
#ifndef SW_TEL_SINK_H
#define SW_TEL_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "telemetry/telemetry.h"

typedef struct sw_tel_files sw_tel_files_t;

int sw_tel_files_open(sw_tel_files_t **out, const char *dir, sw_errbuf_t *err);
int sw_tel_files_write(void *files, const sw_tel_record_t *rec);
/* Flush and close everything; reports the first write error. */
int sw_tel_files_close(sw_tel_files_t *f, sw_errbuf_t *err);
uint64_t sw_tel_files_bytes(const sw_tel_files_t *f);

typedef struct sw_tel_syslog sw_tel_syslog_t;

/* url: "udp://HOST:PORT" or "tcp://HOST:PORT" (TCP frames are octet-counted,
 * RFC 6587 3.4.1). Connects now; err says why not. */
int sw_tel_syslog_open(sw_tel_syslog_t **out, const char *url, sw_errbuf_t *err);
int sw_tel_syslog_send(void *syslog, const sw_tel_record_t *rec);
int sw_tel_syslog_close(sw_tel_syslog_t *s, sw_errbuf_t *err);

/* The RFC 5424 message for rec (no framing) into buf[0..cap); returns its
 * length, or 0 when it does not fit. Pure. */
size_t sw_tel_syslog_format(char *buf, size_t cap, const sw_tel_record_t *rec);

/* Up to 8 sinks behind one callback, called in order; the first error stops. */
typedef struct sw_tel_fanout {
    sw_tel_record_cb cb[8];
    void *ud[8];
    int n;
    uint64_t records;
    uint64_t bytes; /* JSON bytes, newline included */
} sw_tel_fanout_t;

int sw_tel_fanout_add(sw_tel_fanout_t *f, sw_tel_record_cb cb, void *ud);
int sw_tel_fanout_cb(void *fanout, const sw_tel_record_t *rec);

#endif
