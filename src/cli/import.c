/* import.c - `llmbench import FILE...`: llama-bench's -o json / -o jsonl
 * output into the results store, one run per file, so existing numbers can be
 * listed, exported and compared with llmbench's. Every file is read and
 * checked before anything is written; a file already imported (same bytes)
 * is refused unless --force. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "signals.h"
#include "store_cli.h"

enum { O_TAG = 1, O_FORCE };

const struct llmb_opt llmb_import_opts[] = {
    {O_TAG, "--tag", "TAGS", NULL, "comma-separated tags for the imported runs", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_FORCE, "--force", NULL, NULL, "import a file again that was imported before", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    LLMB_STORE_DB_OPTS,
    {0},
};

#define MAX_FILES 64

struct import_cli {
    struct llmb_cli_store st;
    const char           *tags;
    int                   force;
    const char           *files[MAX_FILES];
    int                   n_files;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct import_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1:
        if (c->n_files == MAX_FILES)
            return llmb_error_set(err, LLMB_E_INVAL, "at most %d files at once", MAX_FILES);
        c->files[c->n_files++] = v;
        return LLMB_OK;
    case O_TAG: c->tags = v; return llmb_store_tags_check(v, err);
    case O_FORCE: c->force = 1; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* Fails when the file's bytes were imported before (its sha256 is the run's plan hash). */
static int check_new(struct llmb_store *s, const char *file, const struct llmb_import *im, struct llmb_error *err)
{
    struct llmb_store_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.plan, sizeof f.plan, "%s", im->file_sha256);
    struct llmb_store_run *runs = NULL;
    size_t n = 0;
    int rc = llmb_store_list_runs(s, &f, &runs, &n, err);
    if (!rc && n > 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' was already imported as run %lld (--force imports it again)",
                            file, (long long)runs[0].id);
    free(runs);
    return rc;
}

int llmb_cmd_import(int argc, char **argv, struct llmb_error *err)
{
    struct import_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    struct llmb_import ims[MAX_FILES];
    memset(ims, 0, sizeof ims);
    struct llmb_store *s = NULL;
    int i;
    int rc = llmb_opt_parse(llmb_import_opts, argc, argv, on_opt, &c, err);
    if (!rc && c.n_files == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "no file to import (llmbench import FILE...)");
    for (i = 0; !rc && i < c.n_files; i++)
        rc = llmb_store_import_llama_bench(c.files[i], &ims[i], err);
    if ((rc = llmb_cli_input(rc)))
        goto done;
    if ((rc = llmb_cli_store_open(&c.st, 0, &s, err)))
        goto done;
    for (i = 0; !rc && !c.force && i < c.n_files; i++)
        rc = check_new(s, c.files[i], &ims[i], err);
    char cmd[1024];
    llmb_cli_command_line("import", argc, argv, cmd, sizeof cmd);
    for (i = 0; !rc && i < c.n_files; i++) {
        const struct llmb_import *im = &ims[i];
        if (llmb_cli_interrupted()) { /* each file is one transaction: whole or absent */
            llmb_store_close(s);
            for (int k = 0; k < c.n_files; k++)
                llmb_store_import_free(&ims[k]);
            return llmb_cli_interrupted_say("%d of %d files imported, the others not", i, c.n_files);
        }
        struct llmb_run_info ri = {.command = cmd, .tags = c.tags, .plan_hash = im->file_sha256, .n_planned = im->n,
                                   .source = "llama-bench", .started_at = im->started_at,
                                   .build_commit = im->build_commit, .build_number = im->build_number, .hw = &im->hw};
        int64_t run = 0;
        if (!(rc = llmb_store_put_run(s, &ri, im->results, im->model_sha256, im->n, &run, err))) {
            printf("imported %zu result%s from %s as run %lld\n", im->n, im->n == 1 ? "" : "s", c.files[i],
                   (long long)run);
            if (im->n_skipped)
                printf("skipped %zu quality result%s (ppl, kld, suite): import reads speed tests only\n",
                       im->n_skipped, im->n_skipped == 1 ? "" : "s");
        }
    }
done:
    llmb_store_close(s);
    for (i = 0; i < c.n_files; i++)
        llmb_store_import_free(&ims[i]);
    return rc;
}
