/* atomic_file.h - write a file under a temporary name and rename it into
 * place only when complete, so no half-written file ever carries the final
 * name (outputs, models, reference logits). */
#ifndef LLMB_CORE_ATOMIC_FILE_H
#define LLMB_CORE_ATOMIC_FILE_H

#include <stdio.h>

#include "llmbench/llmbench.h"

struct llmb_atomic_file {
    FILE *f;
    char  final_path[4096];
    char  tmp_path[4096];
};

/* Creates "<dir of path>/.<name>.tmp.XXXXXX" for writing. */
int llmb_atomic_open(struct llmb_atomic_file *af, const char *path, struct llmb_error *err);
/* Flushes, fsyncs and renames over the final path. Closes in any case. */
int llmb_atomic_commit(struct llmb_atomic_file *af, struct llmb_error *err);
/* Closes and removes the temporary file. Safe to call after commit. */
void llmb_atomic_abort(struct llmb_atomic_file *af);

#endif
