/* cmd_share.c — `seawall share`: copy the records a query finds in one
 * team's store into another team's, as one journaled act of the exercise
 * (record.share), at the current exercise time. The exercise does the work
 * (exercise.h, sw_exercise_share_records): the records the query names are
 * collected, those the receiving team already has from the sender are left
 * out, the act is journaled, then the copies are made, each matched by the
 * receiver's deployed rules. Ground truth is never copied.
 *
 *   seawall share --db F --from T1 --to T2 [--actor NAME] [--max N] [--now TIME] 'QUERY'
 *
 * Exit status: 0 success, 1 refused or failed, 2 usage error. */
#include <strings.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/ex_client.h"
#include "detect/query.h"

#define SHARE_MAX_DEFAULT 1000 /* records one act may share unless --max */

int cmd_share(sw_cli_t *a)
{
    if (!strcasecmp(a->from_team, a->to_team))
        return sw_cli_usage_error(a, "--from and --to are the same team ('%s')", a->from_team);
    int64_t now_ms = (int64_t)time(NULL) * 1000;
    if (a->now && sw_query_parse_time(a->now, strlen(a->now), &now_ms))
        return sw_cli_usage_error(a, "--now '%s' is not an ISO 8601 time", a->now);
    json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "op", "share", "from", a->from_team,
                            "to", a->to_team, "query", a->args[0], "max",
                            (json_int_t)(a->has_max ? a->max : SHARE_MAX_DEFAULT), "now_ms",
                            (json_int_t)now_ms);
    return sw_cli_request(a, req, 0, NULL);
}
