/* assets.c - the page's files, compiled into the binary at build time
 * (src/web/assets.cmake writes the table from src/web/assets/ and the
 * pinned uPlot that scripts/setup.sh installs): a path is served only when
 * it is exactly one of these, so nothing else on disk can be reached. */
#include <string.h>

#include "llmbench/web.h"

extern const struct llmb_web_asset llmb_web_assets[];
extern const size_t llmb_web_n_assets;
extern const int llmb_web_charts_built;

const struct llmb_web_asset *llmb_web_asset_find(const char *path)
{
    if (!path)
        return NULL;
    if (!strcmp(path, "/"))
        path = "/index.html";
    for (size_t i = 0; i < llmb_web_n_assets; i++)
        if (!strcmp(llmb_web_assets[i].path, path))
            return &llmb_web_assets[i];
    return NULL;
}

int llmb_web_have_charts(void)
{
    return llmb_web_charts_built;
}
