/* load_argv.c - the command line a load run records (the runs table, the
 * dashboard's Results view): the one it was given, but every --url without
 * a user or password, as the stored figures and the events show it. */
#include <stdlib.h>
#include <string.h>

#include "load_cli.h"

void llmb_load_command_line(int argc, char **argv, char *buf, size_t len)
{
    char **v = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *v);
    char(*safe)[300] = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *safe);
    if (!v || !safe) { /* no memory: the command alone, never the credentials */
        free(v);
        free(safe);
        llmb_cli_command_line("load", 0, argv, buf, len);
        return;
    }
    for (int i = 0; i < argc; i++) {
        v[i] = argv[i];
        int value = i > 0 && !strcmp(argv[i - 1], "--url"), joined = !strncmp(argv[i], "--url=", 6);
        if (value || joined) {
            strcpy(safe[i], joined ? "--url=" : "");
            size_t at = strlen(safe[i]);
            llmb_load_url_safe(argv[i] + (joined ? 6 : 0), safe[i] + at, sizeof safe[i] - at);
            v[i] = safe[i];
        }
    }
    llmb_cli_command_line("load", argc, v, buf, len);
    free(v);
    free(safe);
}
