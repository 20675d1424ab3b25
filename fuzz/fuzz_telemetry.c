/* fuzz_telemetry.c — whatever strings the simulation (or a scenario author)
 * hands telemetry, every record it writes is valid JSON that the detection
 * layer parses.
 *
 * The input is split on '\n' into strings; they become account names,
 * images, command lines, DNS names, URLs, mail subjects, router commands and
 * addresses in one call of every activity function on a small demo world.
 * The record callback parses each record with sw_event_parse_json and aborts
 * on failure. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/event.h"
#include "telemetry/demo_world.h"
#include "telemetry/telemetry.h"

static sw_world_t world;
static sw_event_t ev;
static int ready;

static int check(void *ud, const sw_tel_record_t *r)
{
    (void)ud;
    if (strlen(r->json) != r->json_len)
        abort();
    sw_errbuf_t err;
    if (sw_event_parse_json(&ev, r->json, r->json_len, &err)) {
        fprintf(stderr, "record does not parse: %s\n%s\n", err.msg, r->json);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        sw_world_init(&world);
        if (sw_tel_demo_world(&world, 1, 16, 1))
            abort();
        for (uint32_t h = 0; h < world.n_hosts; h++)
            world.hosts[h].sensors.sysmon = world.hosts[h].sensors.pcap = 1;
        sw_event_init(&ev);
        ready = 1;
    }
    if (size > 64 * 1024)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *str[8];
    int n = 0;
    char *p = buf;
    while (n < 8) {
        str[n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    for (int i = n; i < 8; i++)
        str[i] = "";

    sw_tel_t *tel;
    sw_tel_config_t cfg = {.seed = 1, .proc_audit = SW_TEL_AUDIT_ALL, .cb = check};
    if (sw_tel_new(&tel, &world, &cfg))
        abort();
    uint32_t ws = sw_world_host(&world, "pw-ws001"), dc = sw_world_host(&world, "pw-dc01"),
             web = sw_world_host(&world, "pw-web01"), mail = sw_world_host(&world, "pw-mail01"),
             rtr = sw_world_host(&world, "pw-rtr01"), fw = sw_world_host(&world, "pw-fw01");
    sw_tel_session_t s, sl;
    uint32_t pid = 0;
    sw_tel_logon_failed(tel, 0, ws, str[0], 2, str[4], 1);
    if (sw_tel_logon(tel, 10, ws, SW_NONE, str[0], 2, NULL, 1, &s) == 0) {
        sw_tel_process_start(tel, 20, s, 0, str[1], str[2], 2, &pid);
        sw_tel_dns(tel, 30, ws, pid, str[3], str[4], 3);
        sw_tel_conn_t c = {.src_host = ws,
                           .dst_host = SW_NONE,
                           .dst_ip = str[4],
                           .dst_port = 443,
                           .dst_name = str[3],
                           .service = str[5],
                           .url = str[6],
                           .bytes_out = 1,
                           .bytes_in = 2};
        sw_tel_net_conn(tel, 40, pid, &c, 4);
        sw_tel_file_create(tel, 50, ws, pid, str[2], 5);
        sw_tel_image_load(tel, 55, ws, pid, str[1], 5);
        sw_tel_registry_set(tel, 60, ws, pid, str[3], str[5], 6);
        sw_tel_registry_key(tel, 61, ws, pid, str[3], 1, 6);
        sw_tel_task_create(tel, 70, s, pid, str[3], str[1], str[2], 7);
        sw_tel_service_install(tel, 80, s, str[0], str[2], str[5], 8);
        sw_tel_explicit_creds(tel, 85, s, pid, str[0], str[3], 8);
        sw_tel_av_detection(tel, 90, ws, pid, str[5], str[2], "Quarantine", 9);
        sw_tel_log_clear(tel, 95, s, str[7], 10);
        sw_tel_logoff(tel, 99, s, 10);
    }
    sw_tel_session_t sd;
    if (sw_tel_logon(tel, 100, dc, SW_NONE, str[0], 3, str[4], 11, &sd) == 0) {
        sw_tel_account_created(tel, 110, sd, str[1], 12);
        sw_tel_group_add(tel, 120, sd, str[1], str[3], 13);
    }
    sw_tel_kerberos_tgs(tel, 130, dc, str[0], str[3], str[4], 0x17, 14);
    sw_tel_conn_t in = {
        .src_host = SW_NONE, .dst_host = web, .src_ip = str[4], .dst_port = 443, .service = str[5]};
    sw_tel_ids_alert(tel, 140, fw, &in, 1, str[6], str[7], 2, 15);
    sw_tel_flow(tel, 150, rtr, &in, 16);
    sw_tel_web_request(tel, 160, web, str[4], str[0], str[6], 200, 10, str[7], 17);
    sw_tel_mail(tel, 170, mail, str[0], str[3], str[7], str[1], str[4], "delivered", 18);
    sw_tel_router_login(tel, 180, rtr, str[0], str[4], 1, 19);
    sw_tel_router_config_change(tel, 190, rtr, str[0], str[4], str[2], 20);
    sw_tel_router_config_change(tel, 195, fw, str[0], str[4], str[2], 20);
    sw_tel_router_reboot(tel, 200, fw, str[0], str[7], 21);
    if (sw_tel_logon(tel, 300, web, SW_NONE, str[0], 3, str[4], 22, &sl) == 0)
        sw_tel_sudo(tel, 310, sl, str[2], 23);
    sw_tel_free(tel);
    free(buf);
    return 0;
}
