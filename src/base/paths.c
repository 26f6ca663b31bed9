/* paths.c - the XDG data folder of llmbench (models, results) and mkdir -p. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "llmbench/paths.h"

int llmb_path_mkdirs(const char *dir, struct llmb_error *err)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return llmb_error_set(err, LLMB_E_INVAL, "path too long: %s", dir);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST)
                return llmb_error_set(err, LLMB_E_IO, "cannot create folder '%s': %s", p, strerror(errno));
            *s = c;
            if (!c)
                break;
        }
    }
    struct stat sb;
    if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return llmb_error_set(err, LLMB_E_IO, "'%s' is not a folder", p);
    return LLMB_OK;
}

int llmb_path_data_dir(const char *sub, char *buf, size_t len, struct llmb_error *err)
{
    return llmb_path_data_name(sub, 1, buf, len, err);
}

int llmb_path_data_name(const char *sub, int create, char *buf, size_t len, struct llmb_error *err)
{
    const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n;
    if (x && *x)
        n = snprintf(buf, len, "%s/llmbench%s%s", x, sub ? "/" : "", sub ? sub : "");
    else if (home && *home)
        n = snprintf(buf, len, "%s/.local/share/llmbench%s%s", home, sub ? "/" : "", sub ? sub : "");
    else
        return llmb_error_set(err, LLMB_E_INVAL, "neither XDG_DATA_HOME nor HOME is set");
    if (n < 0 || (size_t)n >= len)
        return llmb_error_set(err, LLMB_E_INVAL, "data folder path too long");
    return create ? llmb_path_mkdirs(buf, err) : LLMB_OK;
}
