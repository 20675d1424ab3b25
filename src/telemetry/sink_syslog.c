/* sink_syslog.c — records to a syslog collector as RFC 5424 messages.
 *
 *   <PRI>1 2026-03-09T23:00:00.123Z pw-dc01 sysmon - 1 [seawall@32473 team="pw"] {json}
 *
 * PRI = facility * 8 + severity: authpriv (10) for Linux auth lines, local7
 * (23) for device syslog, local4 (20) for everything else. APP-NAME is the
 * source type, MSGID the Windows EventID ("-" otherwise); one structured
 * data element names the team so a SIEM can route without parsing the JSON
 * (32473 is the private enterprise number RFC 5612 reserves for examples).
 * The MSG is the JSON record, without a BOM (MSG-ANY).
 *
 * UDP: one datagram per message (RFC 5426), messages over 65,000 bytes are
 * dropped and counted. TCP: octet-counted frames "LEN SP MSG" (RFC 6587
 * 3.4.1), written through a 64 KiB buffer. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "telemetry/sink.h"

#define SYSLOG_MAX (64 * 1024)
#define UDP_MAX 65000

struct sw_tel_syslog {
    int fd;
    int tcp;
    char *msg; /* SYSLOG_MAX */
    char *out; /* TCP write buffer */
    size_t out_len;
    uint64_t sent, dropped;
    int err;
};

static int facility_of(sw_tel_source_t s)
{
    return s == SW_TEL_LINUX_AUTH ? 10 : s == SW_TEL_DEVICE ? 23 : 20;
}

size_t sw_tel_syslog_format(char *buf, size_t cap, const sw_tel_record_t *rec)
{
    time_t secs = (time_t)(rec->unix_ms >= 0 ? rec->unix_ms / 1000 : (rec->unix_ms - 999) / 1000);
    int ms = (int)(rec->unix_ms - (int64_t)secs * 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char msgid[16] = "-";
    if (rec->event_id > 0)
        snprintf(msgid, sizeof msgid, "%d", rec->event_id);
    int sev = rec->severity < 0 ? 6 : rec->severity > 7 ? 7 : rec->severity;
    int n = snprintf(
        buf, cap,
        "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%03dZ %.255s %s - %s [seawall@32473 team=\"%s\"] ",
        facility_of(rec->source) * 8 + sev, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
        tm.tm_hour, tm.tm_min, tm.tm_sec, ms,
        rec->hostname && rec->hostname[0] ? rec->hostname : "-", sw_tel_source_names[rec->source],
        msgid, rec->team_id);
    if (n < 0 || (size_t)n + rec->json_len >= cap)
        return 0;
    memcpy(buf + n, rec->json, rec->json_len);
    return (size_t)n + rec->json_len;
}

int sw_tel_syslog_open(sw_tel_syslog_t **out, const char *url, sw_errbuf_t *err)
{
    *out = NULL;
    int tcp;
    if (!strncmp(url, "udp://", 6))
        tcp = 0;
    else if (!strncmp(url, "tcp://", 6))
        tcp = 1;
    else
        return sw_seterr(err, SW_EINVAL,
                         "%s: syslog address must be udp://HOST:PORT or tcp://HOST:PORT", url);
    char host[256];
    const char *hp = url + 6;
    const char *colon = strrchr(hp, ':');
    if (!colon || colon == hp || (size_t)(colon - hp) >= sizeof host || !colon[1])
        return sw_seterr(err, SW_EINVAL, "%s: missing HOST:PORT", url);
    memcpy(host, hp, (size_t)(colon - hp));
    host[colon - hp] = '\0';
    /* a number, not a service name: getaddrinfo would take "99999" as port
     * 34463 (it keeps the low 16 bits) */
    long port = 0;
    const char *d = colon + 1;
    for (; *d >= '0' && *d <= '9' && port <= 65535; d++)
        port = port * 10 + (*d - '0');
    if (*d || port < 1 || port > 65535)
        return sw_seterr(err, SW_EINVAL, "%s: the port must be a number from 1 to 65535", url);
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    int g = getaddrinfo(host, colon + 1, &hints, &ai);
    if (g)
        return sw_seterr(err, SW_EINVAL, "%s: %s", url, gai_strerror(g));
    int fd = -1;
    int e = 0;
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        e = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0)
        return sw_seterr(err, SW_EIO, "%s: cannot connect: %s", url, strerror(e));
    sw_tel_syslog_t *s = calloc(1, sizeof *s);
    if (!s || !(s->msg = malloc(SYSLOG_MAX)) || (tcp && !(s->out = malloc(SYSLOG_MAX + 16)))) {
        if (s)
            free(s->msg);
        free(s);
        close(fd);
        return sw_seterr(err, SW_ENOMEM, "out of memory");
    }
    s->fd = fd;
    s->tcp = tcp;
    *out = s;
    return SW_OK;
}

static int write_all(sw_tel_syslog_t *s, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            s->err = errno;
            return SW_EIO;
        }
        p += w;
        n -= (size_t)w;
    }
    return SW_OK;
}

static int tcp_flush(sw_tel_syslog_t *s)
{
    int rc = write_all(s, s->out, s->out_len);
    s->out_len = 0;
    return rc;
}

int sw_tel_syslog_send(void *ud, const sw_tel_record_t *rec)
{
    sw_tel_syslog_t *s = ud;
    if (s->err)
        return SW_EIO;
    size_t n = sw_tel_syslog_format(s->msg, SYSLOG_MAX, rec);
    if (!n) {
        s->dropped++;
        return SW_OK;
    }
    if (!s->tcp) {
        if (n > UDP_MAX) {
            s->dropped++;
            return SW_OK;
        }
        for (;;) {
            if (send(s->fd, s->msg, n, 0) >= 0)
                break;
            if (errno == EINTR)
                continue;
            if (errno == ECONNREFUSED ||
                errno == ENOBUFS) { /* collector not up yet: lossy, as UDP is */
                s->dropped++;
                return SW_OK;
            }
            s->err = errno;
            return SW_EIO;
        }
        s->sent++;
        return SW_OK;
    }
    char len[24];
    int ln = snprintf(len, sizeof len, "%zu ", n);
    if (s->out_len + (size_t)ln + n > SYSLOG_MAX + 16 && tcp_flush(s))
        return SW_EIO;
    if ((size_t)ln + n > SYSLOG_MAX + 16) {
        if (write_all(s, len, (size_t)ln) || write_all(s, s->msg, n))
            return SW_EIO;
    } else {
        memcpy(s->out + s->out_len, len, (size_t)ln);
        memcpy(s->out + s->out_len + ln, s->msg, n);
        s->out_len += (size_t)ln + n;
    }
    s->sent++;
    return SW_OK;
}

int sw_tel_syslog_close(sw_tel_syslog_t *s, sw_errbuf_t *err)
{
    if (!s)
        return SW_OK;
    if (s->tcp && !s->err)
        tcp_flush(s);
    int rc = SW_OK;
    if (s->err)
        rc = sw_seterr(err, SW_EIO, "syslog: send failed: %s", strerror(s->err));
    else if (s->dropped)
        rc = sw_seterr(err, SW_OK, "syslog: %llu messages dropped", (unsigned long long)s->dropped);
    close(s->fd);
    free(s->msg);
    free(s->out);
    free(s);
    return rc;
}
