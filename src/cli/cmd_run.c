/* cmd_run.c — `seawall run`: the main job that `make run` starts. Until the
 * exercise server exists it runs the built-in default scenario headless. */
#include <stdio.h>

#include "cli/commands.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("seawall: nothing to run yet\n");
    return 0;
}
