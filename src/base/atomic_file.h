/* atomic_file.h - every file llmbench writes goes through here, so an output
 * respects what is already at its path (docs/outputs.md):
 *  - a regular file (or a new one) is written under a temporary name in the
 *    same folder, "<dir>/.<name>.tmp.<pid>.XXXXXX", locked (flock) while it
 *    is written, and renamed over the final path only when complete, so no
 *    half-written file ever carries the final name;
 *  - "-", or the file this process's standard output (error) is (/dev/stdout,
 *    /proc/self/fd/1, the file stdout is redirected to), is written through
 *    that stream;
 *  - a character device, FIFO or socket is opened and written through: it
 *    is never replaced;
 *  - a symbolic link is followed: its target is written (or replaced), the
 *    link stays; a dangling link is refused;
 *  - a directory, a file the user may not write, and a regular file without
 *    any write permission (mode 0444, even for root) are refused.
 * Temporaries left by a writer that was killed (its lock free, its pid gone)
 * are recognised by name and removed by the next open of the same path. */
#ifndef LLMB_BASE_ATOMIC_FILE_H
#define LLMB_BASE_ATOMIC_FILE_H

#include <stdio.h>

#include "llmbench/llmbench.h"

struct llmb_atomic_file {
    FILE *f;
    int through;           /* 1: written straight to final_path (no temporary) */
    int own;               /* 1: f is ours to close (0: stdout/stderr) */
    char final_path[4096]; /* the path written: symbolic links resolved */
    char tmp_path[4096];   /* "" when through */
};

/* Opens path for writing as above (af may hold garbage before). */
int llmb_atomic_open(struct llmb_atomic_file *af, const char *path, struct llmb_error *err);
/* The same for a writer that opens the file by name (llama.cpp's quantizer):
 * path must be a regular file, absent, or a link to one; tmp_path is the
 * (locked, empty) temporary to hand over. */
int llmb_atomic_open_tmp(struct llmb_atomic_file *af, const char *path, struct llmb_error *err);
/* Flushes, fsyncs and renames over the final path (through: flushes).
 * Closes in any case. */
int llmb_atomic_commit(struct llmb_atomic_file *af, struct llmb_error *err);
/* Closes and removes the temporary file. Safe to call after commit, twice,
 * and on a zeroed struct. */
void llmb_atomic_abort(struct llmb_atomic_file *af);

/* Removes the temporaries of path whose writer is gone; returns how many. */
int llmb_atomic_remove_stale(const char *path);
/* Removes every temporary this process has open (for a process about to
 * end abnormally: async-signal-safe). */
void llmb_atomic_remove_all(void);

/* Checked before anything runs: refuses an output path that is one of the
 * inputs (the same file: inode and device, through links), a directory, a
 * dangling link, or a file that cannot or must not be written. what names
 * the flag ("--export-json"); inputs[0..n) may hold NULLs. */
int llmb_output_check(const char *path, const char *what, const char *const *inputs, size_t n, struct llmb_error *err);

#endif
