/* paths.h - where llmbench keeps its data (XDG base directories). */
#ifndef LLMBENCH_PATHS_H
#define LLMBENCH_PATHS_H

#include <stddef.h>
#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ${XDG_DATA_HOME:-$HOME/.local/share}/llmbench[/sub], created (mode 0755)
 * with its parents. */
int llmb_path_data_dir(const char *sub, char *buf, size_t len, struct llmb_error *err);

/* The same path, created only when create (reading commands create nothing). */
int llmb_path_data_name(const char *sub, int create, char *buf, size_t len, struct llmb_error *err);

/* mkdir -p */
int llmb_path_mkdirs(const char *dir, struct llmb_error *err);

#ifdef __cplusplus
}
#endif

#endif
