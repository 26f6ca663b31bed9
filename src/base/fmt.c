/* fmt.c - figures as people read them, see fmt.h. */
#include <stdio.h>

#include "fmt.h"

void llmb_fmt_bytes(char *buf, size_t len, double bytes)
{
    if (!(bytes > 0))
        snprintf(buf, len, "-");
    else if (bytes < 1024.0 * 1024 * 1024)
        snprintf(buf, len, "%.2f MiB", bytes / 1024 / 1024);
    else
        snprintf(buf, len, "%.2f GiB", bytes / 1024 / 1024 / 1024);
}
