/* load_url.c - the server's URL as a load run shows and stores it: without
 * a user or password (http://user:pass@host/ -> http://host/), so neither
 * the results, the events nor the dashboard ever carry a credential. */
#include <stdio.h>
#include <string.h>

#include "llmbench/load.h"

void llmb_load_url_safe(const char *url, char *buf, size_t len)
{
    const char *u = url ? url : "", *sep = strstr(u, "://"), *host = sep ? sep + 3 : u, *at = strchr(host, '@'),
               *slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        snprintf(buf, len, "%.*s%s", (int)(host - u), u, at + 1);
    else
        snprintf(buf, len, "%s", u);
}
