/* background.c — benign activity: what users, administrators and machines do
 * all day, written through the same sw_tel_* calls the simulation uses, so
 * an attacker's PowerShell and an administrator's PowerShell come out in the
 * same shape.
 *
 * Design notes
 *  1. Actors: every user (through their working hours) and every host
 *     (around the clock: scheduled tasks, updates, its own DNS, cron, web
 *     hits, router administration). Each actor draws from its own stream
 *     (seed, "tel.bg.user"/"tel.bg.host", index), so adding an actor or an
 *     activity kind never reshuffles another actor's day.
 *  2. One min-heap of wake-ups ordered by (time, actor, kind) gives a total
 *     order, hence determinism and time order: sw_tel_background_run pops
 *     every wake-up before to_ms, runs it, and the actor schedules its next
 *     one. Activities whose end lies in the future (an RDP or SSH session)
 *     push a second kind of wake-up that closes them.
 *  3. Inter-arrival times are exponential at the actor's total rate; the
 *     kind of each activity is drawn in proportion to its rate. A user's day:
 *        OFF -> ON   [first wake-up inside working hours: logon, Outlook]
 *        ON  -> ON   [web, mail, app, share, unlock, admin task]
 *        ON  -> OFF  [first wake-up after working hours: logoff]
 *  4. Records of one activity follow its start by up to about a minute (an
 *     IFM backup's ntdsutil ends 60 s after it began); time order holds
 *     between activity starts, and per host within that span (tested).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "telemetry/tel_internal.h"
#include "telemetry/telemetry.h"

#define MIN_MS 60000LL
#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

void sw_tel_rates_default(sw_tel_rates_t *r)
{
    r->logons_per_user_day = 4;
    r->web_per_user_hour = 12;
    r->mail_per_user_hour = 3;
    r->spam_ratio = 0.08;
    r->apps_per_user_hour = 2;
    r->share_per_user_hour = 1.5;
    r->failed_logon_ratio = 0.05;
    r->admin_actions_per_hour = 3;
    r->tasks_per_host_day = 12;
    r->updates_per_host_day = 4;
    r->dns_per_server_hour = 6;
    r->ifm_backups_per_dc_day = 1;
    r->web_hits_per_server_hour = 120;
    r->router_logins_per_day = 3;
    r->router_changes_per_day = 0.5;
    r->ssh_logins_per_linux_day = 4;
    r->cron_per_linux_hour = 2;
}

/* sw_rate_t (the scenario's names) to the field of sw_tel_rates_t. */
static const size_t rate_field[SW_RATE__COUNT] = {
    [SW_RATE_LOGONS_PER_USER_DAY] = offsetof(sw_tel_rates_t, logons_per_user_day),
    [SW_RATE_WEB_PER_USER_HOUR] = offsetof(sw_tel_rates_t, web_per_user_hour),
    [SW_RATE_MAIL_PER_USER_HOUR] = offsetof(sw_tel_rates_t, mail_per_user_hour),
    [SW_RATE_SPAM_RATIO] = offsetof(sw_tel_rates_t, spam_ratio),
    [SW_RATE_APPS_PER_USER_HOUR] = offsetof(sw_tel_rates_t, apps_per_user_hour),
    [SW_RATE_SHARE_PER_USER_HOUR] = offsetof(sw_tel_rates_t, share_per_user_hour),
    [SW_RATE_FAILED_LOGON_RATIO] = offsetof(sw_tel_rates_t, failed_logon_ratio),
    [SW_RATE_ADMIN_ACTIONS_PER_HOUR] = offsetof(sw_tel_rates_t, admin_actions_per_hour),
    [SW_RATE_TASKS_PER_HOST_DAY] = offsetof(sw_tel_rates_t, tasks_per_host_day),
    [SW_RATE_UPDATES_PER_HOST_DAY] = offsetof(sw_tel_rates_t, updates_per_host_day),
    [SW_RATE_DNS_PER_SERVER_HOUR] = offsetof(sw_tel_rates_t, dns_per_server_hour),
    [SW_RATE_IFM_BACKUPS_PER_DC_DAY] = offsetof(sw_tel_rates_t, ifm_backups_per_dc_day),
    [SW_RATE_WEB_HITS_PER_SERVER_HOUR] = offsetof(sw_tel_rates_t, web_hits_per_server_hour),
    [SW_RATE_ROUTER_LOGINS_PER_DAY] = offsetof(sw_tel_rates_t, router_logins_per_day),
    [SW_RATE_ROUTER_CHANGES_PER_DAY] = offsetof(sw_tel_rates_t, router_changes_per_day),
    [SW_RATE_SSH_LOGINS_PER_LINUX_DAY] = offsetof(sw_tel_rates_t, ssh_logins_per_linux_day),
    [SW_RATE_CRON_PER_LINUX_HOUR] = offsetof(sw_tel_rates_t, cron_per_linux_hour),
};

void sw_tel_rates_from_world(sw_tel_rates_t *r, const sw_world_t *w)
{
    sw_tel_rates_default(r);
    for (int i = 0; i < SW_RATE__COUNT; i++)
        if (w->telemetry.rates_set & (1u << i))
            *(double *)(void *)((char *)r + rate_field[i]) = w->telemetry.rates[i];
}

sw_tel_audit_t sw_tel_audit_from_world(const sw_world_t *w)
{
    switch (w->telemetry.proc_audit) {
    case SW_PROC_AUDIT_NONE:
        return SW_TEL_AUDIT_NONE;
    case SW_PROC_AUDIT_ALL:
        return SW_TEL_AUDIT_ALL;
    default:
        return SW_TEL_AUDIT_SERVERS;
    }
}

enum { WAKE_ACT = 0, WAKE_CLOSE = 1, WAKE_BURST = 2 };

typedef struct wake {
    int64_t t;
    uint32_t actor;
    uint32_t kind;
} wake_t;

typedef struct bg_user {
    sw_rng_t rng;
    sw_tel_session_t sess; /* SW_NONE: logged off */
    uint32_t browser, outlook;
    uint32_t apps[3];
    sw_tel_session_t remote; /* an open RDP/SSH session elsewhere */
    uint32_t remote_host;
    uint32_t burst_shell; /* a troubleshooting burst's cmd.exe, 0: none */
    uint32_t burst_left;  /* commands it still has to run */
} bg_user_t;

typedef struct bg_host {
    sw_rng_t rng;
    sw_tel_session_t remote; /* an admin's SSH session on this Linux host */
} bg_host_t;

struct sw_tel_bg {
    sw_tel_t *tel;
    const sw_world_t *w;
    sw_tel_rates_t r;
    uint64_t seed;
    bg_user_t *users;
    bg_host_t *hosts;
    wake_t *heap;
    uint32_t n_heap, cap_heap;
    int started;
    int64_t now;
};

/* ---- heap ------------------------------------------------------------------ */

static int wake_less(const wake_t *a, const wake_t *b)
{
    if (a->t != b->t)
        return a->t < b->t;
    if (a->actor != b->actor)
        return a->actor < b->actor;
    return a->kind < b->kind;
}

static int heap_push(sw_tel_bg_t *bg, int64_t t, uint32_t actor, uint32_t kind)
{
    if (bg->n_heap == bg->cap_heap) {
        uint32_t cap = bg->cap_heap ? bg->cap_heap * 2 : 256;
        wake_t *h = tel_realloc(bg->tel, bg->heap, cap * sizeof *h);
        if (!h)
            return SW_ENOMEM;
        bg->heap = h;
        bg->cap_heap = cap;
    }
    uint32_t i = bg->n_heap++;
    wake_t e = {t, actor, kind};
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!wake_less(&e, &bg->heap[p]))
            break;
        bg->heap[i] = bg->heap[p];
        i = p;
    }
    bg->heap[i] = e;
    return SW_OK;
}

static wake_t heap_pop(sw_tel_bg_t *bg)
{
    wake_t top = bg->heap[0];
    wake_t last = bg->heap[--bg->n_heap];
    uint32_t i = 0, n = bg->n_heap;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && wake_less(&bg->heap[c + 1], &bg->heap[c]))
            c++;
        if (!wake_less(&bg->heap[c], &last))
            break;
        bg->heap[i] = bg->heap[c];
        i = c;
    }
    if (n)
        bg->heap[i] = last;
    return top;
}

/* ---- helpers --------------------------------------------------------------- */

static int64_t exp_ms(sw_rng_t *r, double per_hour)
{
    if (per_hour <= 0)
        return 365 * DAY_MS;
    double u = sw_rng_double(r);
    double h = -log(1.0 - u) / per_hour;
    int64_t ms = (int64_t)(h * (double)HOUR_MS);
    return ms < 1 ? 1 : ms;
}

/* Local minute of the day at exercise time t. */
static int local_minute(const sw_world_t *w, int64_t t)
{
    int64_t m =
        (int64_t)w->exercise.start_minute + (t >= 0 ? t / MIN_MS : (t - MIN_MS + 1) / MIN_MS);
    m %= 1440;
    return (int)(m < 0 ? m + 1440 : m);
}

/* Exercise time of the next local minute `minute` at or after t. */
static int64_t next_local(const sw_world_t *w, int64_t t, int minute)
{
    int now = local_minute(w, t);
    int64_t delta = minute - now;
    if (delta <= 0)
        delta += 1440;
    int64_t base = t - (t % MIN_MS + MIN_MS) % MIN_MS;
    return base + delta * MIN_MS;
}

static int at_work(const sw_user_t *u, int minute)
{
    return minute >= u->work_start_min && minute < u->work_end_min;
}

static const char *pick(sw_rng_t *r, const char *const *v, size_t n)
{
    return v[sw_rng_below(r, n)];
}
#define PICK(r, arr) pick((r), (arr), sizeof(arr) / sizeof((arr)[0]))

/* A stable public-looking address for an internet name. */
static void inet_ip(const char *name, char out[16])
{
    static const unsigned first[] = {13, 20, 23, 34, 40, 52, 104, 142, 151, 185, 203, 216};
    uint64_t h = sw_hash64(name, strlen(name), SW_HASH64_INIT);
    snprintf(out, 16, "%u.%u.%u.%u", first[h % 12], (unsigned)(h >> 8) & 0xff,
             (unsigned)(h >> 16) & 0xff, 1 + (unsigned)((h >> 24) % 254));
}

static void random_public_ip(sw_rng_t *r, char out[16])
{
    static const unsigned first[] = {27, 36, 45, 61, 80, 91, 103, 110, 122, 175, 182, 202};
    snprintf(out, 16, "%u.%u.%u.%u", first[sw_rng_below(r, 12)], (unsigned)sw_rng_below(r, 256),
             (unsigned)sw_rng_below(r, 256), 1 + (unsigned)sw_rng_below(r, 254));
}

/* A host of org with this role (the k-th one), or SW_NONE. */
static uint32_t org_host(const sw_world_t *w, uint32_t org, sw_role_t role, uint32_t k)
{
    for (uint32_t h = 0; h < w->n_hosts; h++)
        if (w->hosts[h].org == org && w->hosts[h].role == role && k-- == 0)
            return h;
    return SW_NONE;
}

static uint32_t org_admin(const sw_world_t *w, uint32_t org, sw_rng_t *r)
{
    uint32_t n = 0;
    for (uint32_t u = 0; u < w->n_users; u++)
        if (w->users[u].org == org && w->users[u].domain_admin)
            n++;
    if (!n)
        return SW_NONE;
    uint32_t k = (uint32_t)sw_rng_below(r, n);
    for (uint32_t u = 0; u < w->n_users; u++)
        if (w->users[u].org == org && w->users[u].domain_admin && k-- == 0)
            return u;
    return SW_NONE;
}

/* ---- lifecycle ---------------------------------------------------------------- */

int sw_tel_bg_new(sw_tel_bg_t **out, sw_tel_t *tel, const sw_tel_rates_t *rates, uint64_t seed)
{
    *out = NULL;
    sw_tel_bg_t *bg = tel_zalloc(tel, sizeof *bg);
    if (!bg)
        return SW_ENOMEM;
    bg->tel = tel;
    bg->w = sw_tel_world(tel);
    if (rates)
        bg->r = *rates;
    else
        sw_tel_rates_default(&bg->r);
    bg->seed = seed;
    bg->users = tel_zalloc(tel, (size_t)bg->w->n_users * sizeof *bg->users);
    bg->hosts = tel_zalloc(tel, (size_t)bg->w->n_hosts * sizeof *bg->hosts);
    if (!bg->users || !bg->hosts)
        goto fail;
    for (uint32_t u = 0; u < bg->w->n_users; u++) {
        sw_rng_init(&bg->users[u].rng, seed, "tel.bg.user", u);
        bg->users[u].sess = bg->users[u].remote = SW_NONE;
    }
    for (uint32_t h = 0; h < bg->w->n_hosts; h++) {
        sw_rng_init(&bg->hosts[h].rng, seed, "tel.bg.host", h);
        bg->hosts[h].remote = SW_NONE;
    }
    *out = bg;
    return SW_OK;
fail:
    sw_tel_bg_free(bg);
    return SW_ENOMEM;
}

void sw_tel_bg_free(sw_tel_bg_t *bg)
{
    if (!bg)
        return;
    tel_free(bg->tel, bg->users);
    tel_free(bg->tel, bg->hosts);
    tel_free(bg->tel, bg->heap);
    tel_free(bg->tel, bg);
}

/* Per-hour rate of a host actor's activities (0: the host has none). */
static double host_rate(const sw_tel_bg_t *bg, uint32_t h)
{
    const sw_host_t *wh = &bg->w->hosts[h];
    const sw_tel_rates_t *r = &bg->r;
    if (wh->os_family == SW_OSF_NETWORK)
        return (r->router_logins_per_day + r->router_changes_per_day) / 24.0;
    double rate = (r->tasks_per_host_day + r->updates_per_host_day) / 24.0;
    if (wh->role != SW_ROLE_WORKSTATION)
        rate += r->dns_per_server_hour;
    if (wh->role == SW_ROLE_DOMAIN_CONTROLLER)
        rate += r->ifm_backups_per_dc_day / 24.0;
    if (wh->role == SW_ROLE_WEB)
        rate += r->web_hits_per_server_hour;
    if (wh->os_family == SW_OSF_LINUX)
        rate += r->ssh_logins_per_linux_day / 24.0 + r->cron_per_linux_hour;
    return rate;
}

typedef struct boot_ord {
    int64_t t;
    uint32_t h;
} boot_ord_t;

static int boot_cmp(const void *a, const void *b)
{
    const boot_ord_t *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->h < y->h ? -1 : x->h > y->h;
}

/* First window: hosts booted hours to days before, in boot order; every
 * actor's first wake-up. */
static int bg_start(sw_tel_bg_t *bg, int64_t from_ms)
{
    const sw_world_t *w = bg->w;
    boot_ord_t *ord = tel_realloc(bg->tel, NULL, (size_t)w->n_hosts * sizeof *ord);
    if (!ord)
        return SW_ENOMEM;
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        ord[h].t = from_ms - 2 * HOUR_MS - (int64_t)sw_rng_below(&bg->hosts[h].rng, 6 * DAY_MS);
        ord[h].h = h;
    }
    qsort(ord, w->n_hosts, sizeof *ord, boot_cmp);
    int rc = SW_OK;
    for (uint32_t i = 0; i < w->n_hosts && !rc; i++)
        rc = sw_tel_host_boot(bg->tel, ord[i].t, ord[i].h, 0);
    tel_free(bg->tel, ord);
    if (rc)
        return rc;
    for (uint32_t u = 0; u < w->n_users; u++)
        if ((rc = heap_push(bg, from_ms + (int64_t)sw_rng_below(&bg->users[u].rng, 10 * MIN_MS), u,
                            WAKE_ACT)))
            return rc;
    for (uint32_t h = 0; h < w->n_hosts; h++) {
        double rate = host_rate(bg, h);
        if (rate > 0 && (rc = heap_push(bg, from_ms + exp_ms(&bg->hosts[h].rng, rate),
                                        w->n_users + h, WAKE_ACT)))
            return rc;
    }
    bg->started = 1;
    return SW_OK;
}

/* ---- user activities -------------------------------------------------------- */

static const char *const web_sites[] = {
    "www.google.com",        "login.microsoftonline.com",
    "outlook.office365.com", "www.rnz.co.nz",
    "www.abc.net.au",        "www.bbc.com",
    "www.pireport.org",      "www.youtube.com",
    "www.facebook.com",      "www.linkedin.com",
    "teams.microsoft.com",   "www.spc.int",
    "www.forumsec.org",      "www.adb.org",
    "www.worldbank.org",     "en.wikipedia.org",
    "www.weather.gov",       "www.cisa.gov",
};

static int ensure_proc(sw_tel_bg_t *bg, int64_t t, bg_user_t *us, uint32_t host, uint32_t *pid,
                       const char *image, const char *cmd)
{
    if (*pid && sw_tel_process_alive(bg->tel, host, *pid))
        return SW_OK;
    return sw_tel_process_start(bg->tel, t, us->sess, 0, image, cmd, 0, pid);
}

static int u_web(sw_tel_bg_t *bg, int64_t t, uint32_t ui, uint32_t ws)
{
    bg_user_t *us = &bg->users[ui];
    int rc = ensure_proc(bg, t, us, ws, &us->browser,
                         "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
                         "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\"");
    if (rc)
        return rc;
    const char *site = PICK(&us->rng, web_sites);
    char ip[16], url[160];
    inet_ip(site, ip);
    static const char *const paths[] = {"/",
                                        "/news",
                                        "/search?q=weather",
                                        "/login",
                                        "/article/2026/03",
                                        "/mail/inbox",
                                        "/watch?v=dQw4w9WgXcQ",
                                        "/en/"};
    snprintf(url, sizeof url, "https://%s%s", site, PICK(&us->rng, paths));
    if ((rc = sw_tel_dns(bg->tel, t, ws, us->browser, site, ip, 0)))
        return rc;
    sw_tel_conn_t c = {.src_host = ws,
                       .dst_host = SW_NONE,
                       .dst_ip = ip,
                       .dst_port = 443,
                       .dst_name = site,
                       .service = "ssl",
                       .url = url,
                       .bytes_out = 800 + sw_rng_below(&us->rng, 4000),
                       .bytes_in = 20000 + sw_rng_below(&us->rng, 900000),
                       .duration_ms = 200 + (uint32_t)sw_rng_below(&us->rng, 30000)};
    return sw_tel_net_conn(bg->tel, t + 30, us->browser, &c, 0);
}

static int u_mail(sw_tel_bg_t *bg, int64_t t, uint32_t ui, uint32_t ws)
{
    const sw_world_t *w = bg->w;
    bg_user_t *us = &bg->users[ui];
    const sw_user_t *u = &w->users[ui];
    uint32_t mail = sw_tel_org_role_host(bg->tel, u->org, SW_ROLE_MAIL);
    static const char *const senders[] = {"newsletter@spc.int",
                                          "noreply@microsoft.com",
                                          "admin@forumsec.org",
                                          "finance@treasury.gov.pw",
                                          "it-helpdesk@pacificislands.net",
                                          "events@adb.org",
                                          "j.smith@dfat.gov.au",
                                          "info@pina.com.fj"};
    static const char *const subjects[] = {"Weekly bulletin",
                                           "Your Microsoft 365 invoice",
                                           "Meeting minutes - regional ICT",
                                           "Budget submission reminder",
                                           "Scheduled maintenance Saturday",
                                           "Workshop invitation",
                                           "RE: cable landing permit",
                                           "Pacific Islands News digest"};
    static const char *const attach[] = {"minutes.docx", "budget_2026.xlsx", "agenda.pdf",
                                         "invoice_0342.pdf"};
    int spam = sw_rng_chance(&us->rng, bg->r.spam_ratio);
    const char *att = sw_rng_chance(&us->rng, 0.3) ? PICK(&us->rng, attach) : NULL;
    char to[128], src[16];
    uint32_t team = u->org < w->n_orgs ? w->orgs[u->org].team : SW_NONE;
    const char *cc =
        team < w->n_teams && w->teams[team].country ? w->teams[team].country : "example";
    char tld[8];
    size_t i = 0;
    for (; cc[i] && i + 1 < sizeof tld; i++)
        tld[i] = (char)(cc[i] >= 'A' && cc[i] <= 'Z' ? cc[i] + 32 : cc[i]);
    tld[i] = '\0';
    snprintf(to, sizeof to, "%s@gov.%s", u->account, tld);
    random_public_ip(&us->rng, src);
    int rc;
    if (mail != SW_NONE &&
        (rc = sw_tel_mail(bg->tel, t, mail,
                          spam ? "promo@deals-best-price.top" : PICK(&us->rng, senders), to,
                          spam ? "You have won!" : PICK(&us->rng, subjects), att, src,
                          spam ? "quarantined" : "delivered", 0)))
        return rc;
    if (spam || !att || !sw_rng_chance(&us->rng, 0.5))
        return SW_OK;
    /* the user opens the attachment from Outlook */
    if ((rc = ensure_proc(bg, t, us, ws, &us->outlook,
                          "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
                          "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\" ")))
        return rc;
    char path[256];
    snprintf(
        path, sizeof path,
        "C:\\Users\\%s\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\%08X\\%s",
        u->account, (unsigned)sw_rng_next(&us->rng), att);
    return sw_tel_file_create(bg->tel, t + 20000, ws, us->outlook, path, 0);
}

static int u_app(sw_tel_bg_t *bg, int64_t t, uint32_t ui, uint32_t ws)
{
    bg_user_t *us = &bg->users[ui];
    static const struct {
        const char *img, *cmd;
    } apps[] = {
        {"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
         "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n "
         "\"\\\\%s\\shared\\reports\\monthly.docx\" /o \"\""},
        {"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
         "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\" "
         "\"\\\\%s\\shared\\finance\\budget.xlsx\""},
        {"C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe",
         "\"C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe\" "
         "\"C:\\Users\\Public\\Documents\\agenda.pdf\"%.0s"},
        {"C:\\Windows\\System32\\notepad.exe",
         "\"C:\\Windows\\system32\\NOTEPAD.EXE\" notes.txt%.0s"},
        {"C:\\Program "
         "Files\\WindowsApps\\MSTeams_23335.232.2637.4844_x64__8wekyb3d8bbwe\\ms-teams.exe",
         "\"C:\\Program "
         "Files\\WindowsApps\\MSTeams_23335.232.2637.4844_x64__8wekyb3d8bbwe\\ms-teams.exe\""
         "%.0s"},
    };
    size_t k = sw_rng_below(&us->rng, sizeof apps / sizeof apps[0]);
    const sw_user_t *u = &bg->w->users[ui];
    uint32_t fs = sw_tel_org_role_host(bg->tel, u->org, SW_ROLE_FILE_SERVER);
    char cmd[512];
    snprintf(cmd, sizeof cmd, apps[k].cmd,
             fs != SW_NONE ? bg->w->hosts[fs].hostname : "fileserver");
    /* keep at most three apps open: the oldest closes */
    int rc;
    if (us->apps[2] && sw_tel_process_alive(bg->tel, ws, us->apps[2]) &&
        (rc = sw_tel_process_end(bg->tel, t, ws, us->apps[2], 0)))
        return rc;
    us->apps[2] = us->apps[1];
    us->apps[1] = us->apps[0];
    if ((rc = sw_tel_process_start(bg->tel, t + 5, us->sess, 0, apps[k].img, cmd, 0, &us->apps[0])))
        return rc;
    if (k <= 1 && sw_rng_chance(&us->rng, 0.2)) /* a workbook with macros: Office loads VBA */
        return sw_tel_image_load(
            bg->tel, t + 900, ws, us->apps[0],
            "C:\\Program Files\\Common Files\\microsoft shared\\VBA\\VBA7.1\\VBE7.DLL", 0);
    if (k == 4) { /* Teams re-registers itself to start at logon, every time */
        char key[256];
        snprintf(key, sizeof key,
                 "HKU\\S-1-5-21-%u\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\ms-teams",
                 1000 + ui);
        return sw_tel_registry_set(
            bg->tel, t + 1500, ws, us->apps[0], key,
            "\"C:\\Program "
            "Files\\WindowsApps\\MSTeams_23335.232.2637.4844_x64__8wekyb3d8bbwe\\ms-teams.exe\" "
            "--system-initiated",
            0);
    }
    return SW_OK;
}

static int u_share(sw_tel_bg_t *bg, int64_t t, uint32_t ui, uint32_t ws)
{
    const sw_user_t *u = &bg->w->users[ui];
    uint32_t fs = sw_tel_org_role_host(bg->tel, u->org, SW_ROLE_FILE_SERVER);
    if (fs == SW_NONE)
        return SW_OK;
    bg_user_t *us = &bg->users[ui];
    const char *wsip = bg->w->hosts[ws].ip_text;
    int rc;
    sw_tel_session_t s; /* the logon brings the DC's 4769 for the server */
    if ((rc = sw_tel_logon(bg->tel, t + 15, fs, ui, NULL, SW_TEL_LOGON_NETWORK, wsip, 0, &s)))
        return rc;
    sw_tel_conn_t c = {.src_host = ws,
                       .dst_host = fs,
                       .dst_port = 445,
                       .service = "smb",
                       .bytes_out = 2000 + sw_rng_below(&us->rng, 50000),
                       .bytes_in = 10000 + sw_rng_below(&us->rng, 3000000),
                       .duration_ms = 1000 + (uint32_t)sw_rng_below(&us->rng, 8000)};
    if ((rc = sw_tel_net_conn(bg->tel, t + 20, 4, &c, 0)))
        return rc;
    return sw_tel_logoff(bg->tel, t + 20 + c.duration_ms, s, 0);
}

/* Administration with the tools attackers also use. */
static int u_admin(sw_tel_bg_t *bg, int64_t t, uint32_t ui, uint32_t ws)
{
    const sw_world_t *w = bg->w;
    bg_user_t *us = &bg->users[ui];
    const sw_user_t *u = &w->users[ui];
    sw_tel_t *tel = bg->tel;
    uint32_t org = u->org;
    uint32_t fs = org_host(w, org, SW_ROLE_FILE_SERVER, 0);
    uint32_t dc = org_host(w, org, SW_ROLE_DOMAIN_CONTROLLER, 0);
    const char *fsn = fs != SW_NONE ? w->hosts[fs].hostname : "fs01";
    const char *org_id = org < w->n_orgs ? w->orgs[org].id : "corp";
    char cmd[768];
    uint32_t shell, child;
    int rc;
    static const char PS[] = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    static const char CMD[] = "C:\\Windows\\System32\\cmd.exe";
    static const char CONHOST[] = "C:\\Windows\\System32\\conhost.exe";
    unsigned pick_k = (unsigned)sw_rng_below(&us->rng, 100);
    if (pick_k < 25) {
        static const char *const ps[] = {
            "Get-ADUser -Filter 'Enabled -eq $false' -Properties LastLogonDate | Select "
            "Name,LastLogonDate",
            "Get-Service | Where-Object {$_.Status -eq 'Stopped' -and $_.StartType -eq "
            "'Automatic'}",
            "Invoke-Command -ComputerName %s -ScriptBlock {Get-Volume}",
            "Get-WinEvent -LogName System -MaxEvents 50 | Format-Table -AutoSize",
            "Test-NetConnection %s -Port 445",
            "Get-ADComputer -Filter * -SearchBase 'OU=Workstations,DC=%s,DC=local' | "
            "Measure-Object",
            "Get-SmbShare; Get-SmbSession | Sort-Object SecondsIdle",
        };
        char inner[512];
        const char *f = PICK(&us->rng, ps);
        snprintf(inner, sizeof inner, f, strstr(f, "DC=%s") ? org_id : fsn);
        snprintf(cmd, sizeof cmd, "\"%s\" -NoProfile -Command \"%s\"", PS, inner);
        if ((rc = sw_tel_process_start(tel, t, us->sess, 0, PS, cmd, 0, &shell)) ||
            (rc = sw_tel_image_load(
                 tel, t + 300, ws, shell,
                 "C:\\Windows\\assembly\\NativeImages_v4.0.30319_64\\System.Manaa57fc8cc#\\"
                 "a2d5e3c8d0e2c4b1f3e4a5b6c7d8e9f0\\System.Management.Automation.ni.dll",
                 0)) ||
            (rc = sw_tel_process_start(
                 tel, t + 40, us->sess, shell, CONHOST,
                 "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", 0, &child)))
            return rc;
        if (strstr(inner, "Invoke-Command") || strstr(inner, "Test-NetConnection")) {
            sw_tel_conn_t c = {.src_host = ws,
                               .dst_host = fs,
                               .dst_port = strstr(inner, "Invoke") ? 5985 : 445,
                               .service = strstr(inner, "Invoke") ? "http" : "smb",
                               .bytes_out = 4000,
                               .bytes_in = 9000,
                               .duration_ms = 1500};
            if ((rc = sw_tel_net_conn(tel, t + 300, shell, &c, 0)))
                return rc;
        }
        if ((rc = sw_tel_process_end(tel, t + 4000, ws, child, 0)))
            return rc;
        return sw_tel_process_end(tel, t + 4010, ws, shell, 0);
    }
    if (pick_k >= 55 && pick_k < 65 && !us->burst_shell) {
        /* troubleshooting: a console, and a dozen built-ins over minutes,
         * the same shape as an intruder's discovery burst (bg_burst) */
        if ((rc = sw_tel_process_start(tel, t, us->sess, 0, CMD,
                                       "\"C:\\Windows\\system32\\cmd.exe\" ", 0, &shell)))
            return rc;
        us->burst_shell = shell;
        us->burst_left = 6 + (uint32_t)sw_rng_below(&us->rng, 9);
        return heap_push(bg, t + 5000 + (int64_t)sw_rng_below(&us->rng, 30000), ui, WAKE_BURST);
    }
    if (pick_k < 65) {
        /* cmd.exe running one of the classic admin utilities */
        static const struct {
            const char *img, *cmd;
        } tools[] = {
            {"C:\\Windows\\System32\\wbem\\WMIC.exe",
             "wmic /node:\"%s\" logicaldisk get caption,freespace,size"},
            {"C:\\Windows\\System32\\wbem\\WMIC.exe", "wmic /node:\"%s\" process list brief"},
            {"C:\\Windows\\System32\\wbem\\WMIC.exe", "wmic qfe list brief%.0s"},
            {"C:\\Windows\\System32\\netsh.exe",
             "netsh advfirewall firewall show rule name=all dir=in%.0s"},
            {"C:\\Windows\\System32\\netsh.exe", "netsh interface portproxy show all%.0s"},
            {"C:\\Windows\\System32\\netsh.exe", "netsh interface ipv4 show config%.0s"},
            {"C:\\Windows\\System32\\ipconfig.exe", "ipconfig /all%.0s"},
            {"C:\\Windows\\System32\\nltest.exe", "nltest /dclist:%s"},
            {"C:\\Windows\\System32\\net.exe", "net group \"Domain Admins\" /domain%.0s"},
            {"C:\\Windows\\System32\\whoami.exe", "whoami /groups%.0s"},
            {"C:\\Windows\\System32\\quser.exe", "quser /server:%s"},
            {"C:\\Windows\\System32\\tasklist.exe", "tasklist /s %s /v"},
            {"C:\\Windows\\System32\\vssadmin.exe", "vssadmin list shadows%.0s"},
            {"C:\\Windows\\System32\\sc.exe", "sc \\\\%s query wuauserv"},
        };
        size_t k = sw_rng_below(&us->rng, sizeof tools / sizeof tools[0]);
        char inner[512];
        snprintf(inner, sizeof inner, tools[k].cmd, strstr(tools[k].cmd, "dclist") ? org_id : fsn);
        snprintf(cmd, sizeof cmd, "C:\\Windows\\system32\\cmd.exe /c %s", inner);
        if ((rc = sw_tel_process_start(tel, t, us->sess, 0, CMD,
                                       "\"C:\\Windows\\system32\\cmd.exe\" ", 0, &shell)) ||
            (rc = sw_tel_process_start(tel, t + 3000, us->sess, shell, tools[k].img, inner, 0,
                                       &child)))
            return rc;
        if ((rc = sw_tel_process_end(tel, t + 4500, ws, child, 0)))
            return rc;
        return sw_tel_process_end(tel, t + 6000, ws, shell, 0);
    }
    if (pick_k < 80 || us->remote != SW_NONE) {
        /* RDP to the jump host or a server, closed some minutes later */
        if (us->remote != SW_NONE)
            return SW_OK;
        uint32_t tgt = org_host(
            w, org, sw_rng_chance(&us->rng, 0.5) ? SW_ROLE_JUMP_HOST : SW_ROLE_FILE_SERVER, 0);
        if (tgt == SW_NONE)
            return SW_OK;
        snprintf(cmd, sizeof cmd, "\"C:\\Windows\\system32\\mstsc.exe\" /v:%s",
                 w->hosts[tgt].hostname);
        uint32_t mstsc;
        if ((rc = sw_tel_process_start(tel, t, us->sess, 0, "C:\\Windows\\System32\\mstsc.exe", cmd,
                                       0, &mstsc)))
            return rc;
        sw_tel_conn_t c = {.src_host = ws,
                           .dst_host = tgt,
                           .dst_port = 3389,
                           .service = "rdp",
                           .bytes_out = 300000,
                           .bytes_in = 4000000,
                           .duration_ms = 600000};
        if ((rc = sw_tel_net_conn(tel, t + 200, mstsc, &c, 0)))
            return rc;
        sw_tel_session_t rs;
        if ((rc = sw_tel_logon(tel, t + 2500, tgt, ui, NULL, SW_TEL_LOGON_REMOTE_INTERACTIVE,
                               w->hosts[ws].ip_text, 0, &rs)))
            return rc;
        uint32_t sm;
        if ((rc = sw_tel_process_start(tel, t + 6000, rs, 0,
                                       "C:\\Windows\\System32\\ServerManager.exe",
                                       "\"C:\\Windows\\system32\\ServerManager.exe\" ", 0, &sm)))
            return rc;
        us->remote = rs;
        us->remote_host = tgt;
        return heap_push(bg, t + 5 * MIN_MS + (int64_t)sw_rng_below(&us->rng, 20 * MIN_MS), ui,
                         WAKE_CLOSE);
    }
    if (pick_k < 92) {
        /* ssh to a Linux server and look at a service */
        uint32_t tgt =
            org_host(w, org, sw_rng_chance(&us->rng, 0.5) ? SW_ROLE_WEB : SW_ROLE_MAIL, 0);
        /* the web or mail server may run Windows: then there is no ssh to it */
        if (tgt == SW_NONE || w->hosts[tgt].os_family != SW_OSF_LINUX)
            return SW_OK;
        snprintf(cmd, sizeof cmd, "ssh.exe %s@%s", u->account, w->hosts[tgt].hostname);
        uint32_t ssh;
        if ((rc = sw_tel_process_start(tel, t, us->sess, 0,
                                       "C:\\Windows\\System32\\OpenSSH\\ssh.exe", cmd, 0, &ssh)))
            return rc;
        sw_tel_conn_t c = {.src_host = ws,
                           .dst_host = tgt,
                           .dst_port = 22,
                           .service = "ssh",
                           .bytes_out = 5000,
                           .bytes_in = 40000,
                           .duration_ms = 120000};
        if ((rc = sw_tel_net_conn(tel, t + 100, ssh, &c, 0)))
            return rc;
        sw_tel_session_t s;
        if ((rc = sw_tel_logon(tel, t + 900, tgt, ui, NULL, SW_TEL_LOGON_NETWORK,
                               w->hosts[ws].ip_text, 0, &s)))
            return rc;
        static const char *const sudo[] = {"/usr/bin/systemctl status nginx",
                                           "/usr/bin/tail -n 200 /var/log/syslog",
                                           "/usr/bin/systemctl restart postfix",
                                           "/usr/bin/apt list --upgradable", "/usr/bin/df -h"};
        if ((rc = sw_tel_sudo(tel, t + 8000, s, PICK(&us->rng, sudo), 0)))
            return rc;
        if ((rc = sw_tel_logoff(tel, t + 60000, s, 0)))
            return rc;
        return sw_tel_process_end(tel, t + 60100, ws, ssh, 0);
    }
    if (pick_k < 97 || dc == SW_NONE) {
        /* ntdsutil / wbadmin checks on the DC over PowerShell remoting */
        snprintf(cmd, sizeof cmd,
                 "\"%s\" -NoProfile -Command \"Invoke-Command -ComputerName %s "
                 "{wbadmin get versions}\"",
                 PS, dc != SW_NONE ? w->hosts[dc].hostname : "dc01");
        if ((rc = sw_tel_process_start(tel, t, us->sess, 0, PS, cmd, 0, &shell)))
            return rc;
        return sw_tel_process_end(tel, t + 9000, ws, shell, 0);
    }
    /* a new service account, added to a group: rare but real */
    sw_tel_session_t s;
    if ((rc =
             sw_tel_logon(tel, t, dc, ui, NULL, SW_TEL_LOGON_NETWORK, w->hosts[ws].ip_text, 0, &s)))
        return rc;
    char acct[64];
    snprintf(acct, sizeof acct, "svc_app%02u", (unsigned)sw_rng_below(&us->rng, 100));
    if ((rc = sw_tel_account_created(tel, t + 500, s, acct, 0)) ||
        (rc = sw_tel_group_add(tel, t + 900, s, acct, "Application Services", 0)))
        return rc;
    return sw_tel_logoff(tel, t + 2000, s, 0);
}

static int user_wake(sw_tel_bg_t *bg, int64_t t, uint32_t ui)
{
    const sw_world_t *w = bg->w;
    const sw_user_t *u = &w->users[ui];
    bg_user_t *us = &bg->users[ui];
    uint32_t ws = u->workstation;
    if (ws == SW_NONE || ws >= w->n_hosts || w->hosts[ws].os_family != SW_OSF_WINDOWS)
        return SW_OK; /* no desk: nothing to do, and no more wake-ups */
    int minute = local_minute(w, t);
    int rc;
    if (!at_work(u, minute)) {
        if (us->sess != SW_NONE) {
            if ((rc = sw_tel_logoff(bg->tel, t, us->sess, 0)))
                return rc;
            us->sess = SW_NONE;
            us->burst_shell = 0;
            us->browser = us->outlook = 0;
            memset(us->apps, 0, sizeof us->apps);
        }
        int64_t next =
            next_local(w, t, u->work_start_min) + (int64_t)sw_rng_below(&us->rng, 20 * MIN_MS);
        return heap_push(bg, next, ui, WAKE_ACT);
    }
    const sw_tel_rates_t *r = &bg->r;
    double hours = (u->work_end_min - u->work_start_min) / 60.0;
    double unlock =
        hours > 0 && r->logons_per_user_day > 1 ? (r->logons_per_user_day - 1) / hours : 0;
    double admin = u->domain_admin ? r->admin_actions_per_hour : 0;
    double total = r->web_per_user_hour + r->mail_per_user_hour + r->apps_per_user_hour +
                   r->share_per_user_hour + unlock + admin;
    if (us->sess == SW_NONE) {
        if (sw_rng_chance(&us->rng, r->failed_logon_ratio) &&
            (rc = sw_tel_logon_failed(bg->tel, t - 9000, ws, u->account, SW_TEL_LOGON_INTERACTIVE,
                                      NULL, 0)))
            return rc;
        if ((rc = sw_tel_logon(bg->tel, t, ws, ui, NULL, SW_TEL_LOGON_INTERACTIVE, NULL, 0,
                               &us->sess)))
            return rc;
        if ((rc = ensure_proc(
                 bg, t + 4000, us, ws, &us->outlook,
                 "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
                 "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\" ")))
            return rc;
    } else {
        double x = sw_rng_double(&us->rng) * total;
        if ((x -= r->web_per_user_hour) < 0)
            rc = u_web(bg, t, ui, ws);
        else if ((x -= r->mail_per_user_hour) < 0)
            rc = u_mail(bg, t, ui, ws);
        else if ((x -= r->apps_per_user_hour) < 0)
            rc = u_app(bg, t, ui, ws);
        else if ((x -= r->share_per_user_hour) < 0)
            rc = u_share(bg, t, ui, ws);
        else if ((x -= unlock) < 0) {
            sw_tel_session_t s;
            if (sw_rng_chance(&us->rng, r->failed_logon_ratio) &&
                (rc = sw_tel_logon_failed(bg->tel, t - 6000, ws, u->account, SW_TEL_LOGON_UNLOCK,
                                          NULL, 0)))
                return rc;
            rc = sw_tel_logon(bg->tel, t, ws, ui, NULL, SW_TEL_LOGON_UNLOCK, NULL, 0, &s);
            if (!rc)
                rc = sw_tel_logoff(bg->tel, t + 1000, s, 0); /* the unlock token is short-lived */
        } else
            rc = u_admin(bg, t, ui, ws);
        if (rc)
            return rc;
    }
    return heap_push(bg, t + exp_ms(&us->rng, total), ui, WAKE_ACT);
}

/* The next command of an administrator's troubleshooting burst, in the
 * console it opened: the built-ins an intruder's discovery also runs. */
static int user_burst(sw_tel_bg_t *bg, int64_t t, uint32_t ui)
{
    const sw_world_t *w = bg->w;
    bg_user_t *us = &bg->users[ui];
    const sw_user_t *u = &w->users[ui];
    uint32_t ws = u->workstation;
    if (!us->burst_shell)
        return SW_OK;
    if (us->sess == SW_NONE) { /* logged off meanwhile: the console went with it */
        us->burst_shell = 0;
        return SW_OK;
    }
    int rc;
    if (!us->burst_left) {
        rc = sw_tel_process_end(bg->tel, t, ws, us->burst_shell, 0);
        us->burst_shell = 0;
        return rc;
    }
    static const struct {
        const char *img, *cmd;
    } cmds[] = {
        {"ipconfig.exe", "ipconfig /all"},
        {"NETSTAT.EXE", "netstat -ano"},
        {"tasklist.exe", "tasklist /v"},
        {"systeminfo.exe", "systeminfo"},
        {"nltest.exe", "nltest /dsgetdc:%s"},
        {"wevtutil.exe", "wevtutil qe System /c:20 /rd:true /f:text"},
        {"vssadmin.exe", "vssadmin list shadows"},
        {"dnscmd.exe", "dnscmd %s /enumzones"},
        {"ROUTE.EXE", "route print"},
        {"ARP.EXE", "arp -a"},
        {"gpresult.exe", "gpresult /r"},
        {"w32tm.exe", "w32tm /query /status"},
        {"whoami.exe", "whoami /all"},
        {"netsh.exe", "netsh advfirewall show allprofiles"},
        {"nslookup.exe", "nslookup %s"},
        {"PING.EXE", "ping -n 2 %s"},
        {"certutil.exe", "certutil -store My"},
        {"quser.exe", "quser"},
    };
    size_t k = sw_rng_below(&us->rng, sizeof cmds / sizeof cmds[0]);
    uint32_t org = u->org;
    uint32_t dc = org_host(w, org, SW_ROLE_DOMAIN_CONTROLLER, 0);
    uint32_t fs = org_host(w, org, SW_ROLE_FILE_SERVER, 0);
    const char *arg = strstr(cmds[k].cmd, "dsgetdc") ? (org < w->n_orgs ? w->orgs[org].id : "corp")
                      : strstr(cmds[k].cmd, "dnscmd")
                          ? (dc != SW_NONE ? w->hosts[dc].hostname : "dc01")
                          : (fs != SW_NONE ? w->hosts[fs].hostname : "fs01");
    char img[96], line[256];
    snprintf(img, sizeof img, "C:\\Windows\\System32\\%s", cmds[k].img);
    snprintf(line, sizeof line, cmds[k].cmd, arg);
    uint32_t child;
    if ((rc = sw_tel_process_start(bg->tel, t, us->sess, us->burst_shell, img, line, 0, &child)) ||
        (rc = sw_tel_process_end(bg->tel, t + 800 + (int64_t)sw_rng_below(&us->rng, 2500), ws,
                                 child, 0)))
        return rc;
    us->burst_left--;
    /* a few seconds to read the output, sometimes a minute to think */
    int64_t pause = sw_rng_chance(&us->rng, 0.2) ? 30000 + (int64_t)sw_rng_below(&us->rng, 60000)
                                                 : 4000 + (int64_t)sw_rng_below(&us->rng, 20000);
    return heap_push(bg, t + pause, ui, WAKE_BURST);
}

static int user_close(sw_tel_bg_t *bg, int64_t t, uint32_t ui)
{
    bg_user_t *us = &bg->users[ui];
    if (us->remote == SW_NONE)
        return SW_OK;
    int rc = sw_tel_logoff(bg->tel, t, us->remote, 0);
    us->remote = SW_NONE;
    return rc;
}

/* ---- host activities ------------------------------------------------------------ */

static int h_windows_task(sw_tel_bg_t *bg, int64_t t, uint32_t hi, bg_host_t *hs)
{
    sw_tel_t *tel = bg->tel;
    tel_host_t *th = &tel->hosts[hi];
    sw_tel_session_t sys = sw_tel_system_session(tel, hi);
    static const struct {
        const char *img, *cmd;
    } tasks[] = {
        {"C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe Install $(Arg0)"},
        {"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MpCmdRun.exe",
         "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MpCmdRun.exe\" "
         "-IdleTask -TaskName WdCacheMaintenance"},
        {"C:\\Windows\\System32\\defrag.exe", "C:\\Windows\\system32\\defrag.exe -c -h -o -$"},
        {"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe",
         "\"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe\" /ua /installsource "
         "scheduler"},
        {"C:\\Windows\\System32\\gpupdate.exe", "gpupdate.exe /target:computer"},
    };
    size_t k = sw_rng_below(&hs->rng, sizeof tasks / sizeof tasks[0]);
    const sw_host_t *wh = &bg->w->hosts[hi];
    const char *img = tasks[k].img, *cmd = tasks[k].cmd;
    char buf[512];
    if (wh->role == SW_ROLE_BACKUP && sw_rng_chance(&hs->rng, 0.5)) {
        img = "C:\\Windows\\System32\\wbadmin.exe";
        snprintf(buf, sizeof buf,
                 "wbadmin start backup -backupTarget:\\\\%s\\WindowsImageBackup -include:C: "
                 "-allCritical -quiet",
                 wh->hostname);
        cmd = buf;
    }
    uint32_t pid;
    int rc = sw_tel_process_start(tel, t, sys, th->sched_pid, img, cmd, 0, &pid);
    if (rc)
        return rc;
    return sw_tel_process_end(tel, t + 1000 + (int64_t)sw_rng_below(&hs->rng, 60000), hi, pid, 0);
}

static int h_windows_update(sw_tel_bg_t *bg, int64_t t, uint32_t hi, bg_host_t *hs)
{
    sw_tel_t *tel = bg->tel;
    tel_host_t *th = &tel->hosts[hi];
    sw_tel_session_t sys = sw_tel_system_session(tel, hi);
    uint32_t pid;
    int rc = sw_tel_process_start(tel, t, sys, th->dcom_pid,
                                  "C:\\Windows\\System32\\MoUsoCoreWorker.exe",
                                  "C:\\Windows\\System32\\mousocoreworker.exe -Embedding", 0, &pid);
    if (rc)
        return rc;
    static const char *const hosts[] = {"fe3cr.delivery.mp.microsoft.com",
                                        "slscr.update.microsoft.com", "ctldl.windowsupdate.com"};
    const char *name = PICK(&hs->rng, hosts);
    char ip[16];
    inet_ip(name, ip);
    if ((rc = sw_tel_dns(tel, t + 200, hi, th->wuau_pid, name, ip, 0)))
        return rc;
    sw_tel_conn_t c = {.src_host = hi,
                       .dst_host = SW_NONE,
                       .dst_ip = ip,
                       .dst_port = 443,
                       .dst_name = name,
                       .service = "ssl",
                       .bytes_out = 3000,
                       .bytes_in = 50000 + sw_rng_below(&hs->rng, 5000000),
                       .duration_ms = 8000};
    if ((rc = sw_tel_net_conn(tel, t + 260, th->wuau_pid, &c, 0)))
        return rc;
    /* the update clears its reboot flag; now and then it brings a service */
    if ((rc = sw_tel_registry_key(tel, t + 20000, hi, pid,
                                  "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdat"
                                  "e\\Auto Update\\RebootRequired",
                                  0, 0)))
        return rc;
    if (sw_rng_chance(&hs->rng, 0.15) &&
        (rc = sw_tel_service_install(
             tel, t + 25000, sys, "edgeupdate",
             "\"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe\" /svc",
             "auto start", 0)))
        return rc;
    return sw_tel_process_end(tel, t + 30000, hi, pid, 0);
}

static int h_dns(sw_tel_bg_t *bg, int64_t t, uint32_t hi, bg_host_t *hs)
{
    static const char *const names[] = {"time.windows.com", "ctldl.windowsupdate.com",
                                        "www.msftconnecttest.com",
                                        "settings-win.data.microsoft.com", "wdcp.microsoft.com"};
    const char *name = PICK(&hs->rng, names);
    char ip[16];
    inet_ip(name, ip);
    return sw_tel_dns(bg->tel, t, hi, bg->tel->hosts[hi].dnscache_pid, name, ip, 0);
}

static int h_ifm(sw_tel_bg_t *bg, int64_t t, uint32_t hi)
{
    sw_tel_t *tel = bg->tel;
    sw_tel_session_t sys = sw_tel_system_session(tel, hi);
    uint32_t ps, nt;
    int rc = sw_tel_process_start(
        tel, t, sys, tel->hosts[hi].sched_pid,
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "powershell.exe -ExecutionPolicy Bypass -File C:\\Scripts\\ad-backup.ps1", 0, &ps);
    if (rc)
        return rc;
    if ((rc = sw_tel_process_start(tel, t + 1500, sys, ps, "C:\\Windows\\System32\\ntdsutil.exe",
                                   "\"C:\\Windows\\system32\\ntdsutil.exe\" \"ac i ntds\" \"ifm\" "
                                   "\"create full C:\\Backup\\NTDS_IFM\" q q",
                                   0, &nt)))
        return rc;
    if ((rc = sw_tel_file_create(tel, t + 9000, hi, nt,
                                 "C:\\Backup\\NTDS_IFM\\Active Directory\\ntds.dit", 0)))
        return rc;
    if ((rc = sw_tel_process_end(tel, t + 60000, hi, nt, 0)))
        return rc;
    return sw_tel_process_end(tel, t + 61000, hi, ps, 0);
}

static int h_web_hit(sw_tel_bg_t *bg, int64_t t, uint32_t hi, bg_host_t *hs)
{
    static const struct {
        const char *m, *uri;
        int status;
    } hits[] = {
        {"GET", "/", 200},
        {"GET", "/css/site.css", 200},
        {"GET", "/images/logo.png", 200},
        {"GET", "/news/", 200},
        {"GET", "/contact", 200},
        {"POST", "/contact", 302},
        {"GET", "/favicon.ico", 200},
        {"GET", "/robots.txt", 200},
        {"GET", "/wp-login.php", 404},
        {"GET", "/.env", 404},
        {"GET", "/services/permits?id=42", 200},
        {"HEAD", "/", 200},
    };
    static const char *const uas[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    };
    size_t k = sw_rng_below(&hs->rng, sizeof hits / sizeof hits[0]);
    char ip[16];
    random_public_ip(&hs->rng, ip);
    uint64_t bytes = hits[k].status == 200 ? 500 + sw_rng_below(&hs->rng, 40000) : 196;
    sw_tel_conn_t c = {.src_host = SW_NONE,
                       .dst_host = hi,
                       .src_ip = ip,
                       .dst_port = 443,
                       .service = "ssl",
                       .bytes_out = 600,
                       .bytes_in = bytes,
                       .duration_ms = 150};
    int rc = sw_tel_net_conn(bg->tel, t, 0, &c, 0);
    if (rc)
        return rc;
    return sw_tel_web_request(bg->tel, t + 40, hi, ip, hits[k].m, hits[k].uri, hits[k].status,
                              bytes, PICK(&hs->rng, uas), 0);
}

static int h_linux(sw_tel_bg_t *bg, int64_t t, uint32_t hi, bg_host_t *hs, double x)
{
    sw_tel_t *tel = bg->tel;
    const sw_world_t *w = bg->w;
    const sw_tel_rates_t *r = &bg->r;
    sw_tel_session_t sys = sw_tel_system_session(tel, hi);
    tel_host_t *th = &tel->hosts[hi];
    int rc;
    if ((x -= r->cron_per_linux_hour) < 0) {
        uint32_t cron, sh;
        if ((rc = sw_tel_process_start(tel, t, sys, th->cron_pid, "/usr/sbin/cron",
                                       "/usr/sbin/CRON -f -P", 0, &cron)) ||
            (rc = sw_tel_process_start(tel, t + 5, sys, cron, "/usr/bin/dash",
                                       "/bin/sh -c cd / && run-parts --report /etc/cron.hourly", 0,
                                       &sh)))
            return rc;
        if ((rc = sw_tel_process_end(tel, t + 700, hi, sh, 0)))
            return rc;
        return sw_tel_process_end(tel, t + 720, hi, cron, 0);
    }
    if ((x -= r->updates_per_host_day / 24.0) < 0) {
        uint32_t apt;
        if ((rc = sw_tel_process_start(tel, t, sys, th->init_pid, "/usr/bin/apt-get",
                                       "/usr/bin/apt-get -qq update", 0, &apt)))
            return rc;
        char ip[16];
        inet_ip("archive.ubuntu.com", ip);
        sw_tel_conn_t c = {.src_host = hi,
                           .dst_host = SW_NONE,
                           .dst_ip = ip,
                           .dst_port = 80,
                           .dst_name = "archive.ubuntu.com",
                           .service = "http",
                           .url = "http://archive.ubuntu.com/ubuntu/dists/jammy-updates/InRelease",
                           .bytes_out = 2000,
                           .bytes_in = 130000,
                           .duration_ms = 3000};
        if ((rc = sw_tel_net_conn(tel, t + 100, apt, &c, 0)))
            return rc;
        return sw_tel_process_end(tel, t + 5000, hi, apt, 0);
    }
    if ((x -= r->ssh_logins_per_linux_day / 24.0) < 0) {
        if (hs->remote != SW_NONE)
            return SW_OK;
        uint32_t admin = org_admin(w, w->hosts[hi].org, &hs->rng);
        uint32_t from = org_host(w, w->hosts[hi].org, SW_ROLE_JUMP_HOST, 0);
        if (admin == SW_NONE)
            return SW_OK;
        sw_tel_session_t s;
        if ((rc = sw_tel_logon(tel, t, hi, admin, NULL, SW_TEL_LOGON_NETWORK,
                               from != SW_NONE ? w->hosts[from].ip_text : "10.0.0.1", 0, &s)))
            return rc;
        static const char *const sudo[] = {"/usr/bin/journalctl -u nginx --since today",
                                           "/usr/bin/systemctl status cron",
                                           "/usr/bin/du -sh /var/log"};
        if ((rc = sw_tel_sudo(tel, t + 5000, s, PICK(&hs->rng, sudo), 0)))
            return rc;
        hs->remote = s;
        return heap_push(bg, t + 2 * MIN_MS + (int64_t)sw_rng_below(&hs->rng, 10 * MIN_MS),
                         w->n_users + hi, WAKE_CLOSE);
    }
    if (w->hosts[hi].role == SW_ROLE_WEB)
        return h_web_hit(bg, t, hi, hs);
    return SW_OK;
}

static int h_device(sw_tel_bg_t *bg, int64_t t, uint32_t hi, bg_host_t *hs)
{
    const sw_world_t *w = bg->w;
    const sw_tel_rates_t *r = &bg->r;
    uint32_t admin = org_admin(w, w->hosts[hi].org, &hs->rng);
    uint32_t nms = org_host(w, w->hosts[hi].org, SW_ROLE_NMS, 0);
    const char *who = admin != SW_NONE ? w->users[admin].account : "netadmin";
    const char *ip = nms != SW_NONE ? w->hosts[nms].ip_text : "10.0.2.20";
    int rc;
    double total = r->router_logins_per_day + r->router_changes_per_day;
    int change = sw_rng_double(&hs->rng) * total < r->router_changes_per_day;
    if (sw_rng_chance(&hs->rng, 0.05) &&
        (rc = sw_tel_router_login(bg->tel, t - 15000, hi, who, ip, 0, 0)))
        return rc;
    if ((rc = sw_tel_router_login(bg->tel, t, hi, who, ip, 1, 0)))
        return rc;
    if (!change)
        return SW_OK;
    static const char *const ios[] = {"interface GigabitEthernet0/1 description uplink-telecom",
                                      "ntp server 10.10.1.10", "logging host 10.10.2.19",
                                      "access-list 110 permit tcp 10.10.2.0 0.0.0.255 any eq 22",
                                      "snmp-server community n0t-publ1c RO 99"};
    static const char *const forti[] = {"admintimeout 30", "timezone 71", "ntpserver 10.10.1.10",
                                        "log-fortiguard-disk enable"};
    const char *what =
        w->hosts[hi].role == SW_ROLE_FIREWALL ? PICK(&hs->rng, forti) : PICK(&hs->rng, ios);
    return sw_tel_router_config_change(bg->tel, t + 60000, hi, who, ip, what, 0);
}

static int host_wake(sw_tel_bg_t *bg, int64_t t, uint32_t hi)
{
    const sw_world_t *w = bg->w;
    const sw_host_t *wh = &w->hosts[hi];
    const sw_tel_rates_t *r = &bg->r;
    bg_host_t *hs = &bg->hosts[hi];
    double total = host_rate(bg, hi);
    int rc = SW_OK;
    double x = sw_rng_double(&hs->rng) * total;
    if (wh->os_family == SW_OSF_NETWORK) {
        rc = h_device(bg, t, hi, hs);
    } else if (wh->os_family == SW_OSF_LINUX) {
        if (wh->role != SW_ROLE_WORKSTATION && (x -= r->dns_per_server_hour) < 0)
            rc = SW_OK; /* Linux resolvers are not logged on the host */
        else
            rc = h_linux(bg, t, hi, hs, x);
    } else if (wh->os_family == SW_OSF_WINDOWS) {
        if ((x -= r->tasks_per_host_day / 24.0) < 0)
            rc = h_windows_task(bg, t, hi, hs);
        else if ((x -= r->updates_per_host_day / 24.0) < 0)
            rc = h_windows_update(bg, t, hi, hs);
        else if (wh->role == SW_ROLE_DOMAIN_CONTROLLER &&
                 (x -= r->ifm_backups_per_dc_day / 24.0) < 0)
            rc = h_ifm(bg, t, hi);
        else if (wh->role != SW_ROLE_WORKSTATION)
            rc = h_dns(bg, t, hi, hs);
    }
    if (rc)
        return rc;
    return heap_push(bg, t + exp_ms(&hs->rng, total), w->n_users + hi, WAKE_ACT);
}

static int host_close(sw_tel_bg_t *bg, int64_t t, uint32_t hi)
{
    bg_host_t *hs = &bg->hosts[hi];
    if (hs->remote == SW_NONE)
        return SW_OK;
    int rc = sw_tel_logoff(bg->tel, t, hs->remote, 0);
    hs->remote = SW_NONE;
    return rc;
}

/* ---- the main loop --------------------------------------------------------------- */

int sw_tel_background_run(sw_tel_bg_t *bg, int64_t from_ms, int64_t to_ms)
{
    if (to_ms < from_ms)
        return SW_EINVAL;
    int rc;
    if (!bg->started && (rc = bg_start(bg, from_ms)))
        return rc;
    while (bg->n_heap && bg->heap[0].t < to_ms) {
        wake_t e = heap_pop(bg);
        bg->now = e.t;
        if (e.actor < bg->w->n_users)
            rc = e.kind == WAKE_ACT     ? user_wake(bg, e.t, e.actor)
                 : e.kind == WAKE_BURST ? user_burst(bg, e.t, e.actor)
                                        : user_close(bg, e.t, e.actor);
        else
            rc = e.kind == WAKE_ACT ? host_wake(bg, e.t, e.actor - bg->w->n_users)
                                    : host_close(bg, e.t, e.actor - bg->w->n_users);
        if (rc)
            return rc;
    }
    return SW_OK;
}
