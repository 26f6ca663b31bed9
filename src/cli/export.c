/* export.c - `llmbench export`: any selection of stored results as CSV,
 * JSON, JSON Lines, Markdown or SQL (src/output/records.c), to stdout or to
 * a file written atomically. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "cli.h"
#include "llmbench/output.h"
#include "output/records.h"
#include "signals.h"
#include "store_cli.h"

enum { O_FORMAT = 1, O_OUT, O_TIMELINE };

const struct llmb_opt llmb_export_opts[] = {
    {O_FORMAT, "-f,--format", "FMT", "from -o's extension, else json", "csv, json, jsonl, md or sql", LLMB_OPT_STR, 0,
     0, 0, NULL},
    {O_OUT, "-o,--output", "FILE", "stdout", "write to FILE (complete or not at all)", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_TIMELINE, "--timeline", NULL, NULL,
     "every generated token instead: run, test, repetition, token, t_ms, itl_ms (csv, json, jsonl; csv by default)",
     LLMB_OPT_FLAG, 0, 0, 0, NULL},
    LLMB_STORE_FILTER_OPTS,
    LLMB_STORE_DB_OPTS,
    {0},
};

static const char *const formats[] = {"csv", "json", "jsonl", "md", "sql", NULL};

struct export_cli {
    struct llmb_cli_store st;
    const char           *format;
    const char           *out;
    int timeline;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct export_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (filters are flags: see --help)", v);
    case O_FORMAT:
        for (int i = 0; formats[i]; i++)
            if (!strcmp(v, formats[i])) {
                c->format = v;
                return LLMB_OK;
            }
        return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown format '%s' (csv, json, jsonl, md, sql)", name, v);
    case O_OUT: c->out = v; return LLMB_OK;
    case O_TIMELINE: c->timeline = 1; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* The format -o's extension names, or NULL. */
static const char *format_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    for (int i = 0; dot && formats[i]; i++)
        if (!strcmp(dot + 1, formats[i]))
            return formats[i];
    return NULL;
}

int llmb_cmd_export(int argc, char **argv, struct llmb_error *err)
{
    struct export_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    struct llmb_store *s = NULL;
    struct llmb_store_record *v = NULL;
    size_t n = 0;
    struct llmb_atomic_file af;
    memset(&af, 0, sizeof af);
    int rc = llmb_opt_parse(llmb_export_opts, argc, argv, on_opt, &c, err);
    if (!rc && !c.format)
        c.format = format_of(c.out) ? format_of(c.out) : c.timeline ? "csv" : "json";
    if (!rc && c.timeline && (!strcmp(c.format, "md") || !strcmp(c.format, "sql")))
        rc = llmb_error_set(err, LLMB_E_INVAL, "--timeline: %s is not a timeline format (csv, json, jsonl)", c.format);
    char db[4096];
    if (!rc && c.out && !(rc = llmb_cli_store_path(&c.st, db, sizeof db, err))) {
        const char *in[] = {db};
        rc = llmb_output_check(c.out, "-o", in, 1, err);
    }
    rc = llmb_cli_input(rc);
    if (!rc && !(rc = llmb_cli_store_open(&c.st, 1, &s, err)))
        rc = llmb_store_query(s, &c.st.filter, &v, &n, err);
    if (!rc && n == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "no results match the selection; nothing written");
    size_t rows = 0, timed = 0;
    for (size_t i = 0; !rc && c.timeline && i < n; i++)
        timed += v[i].r.token_ns != NULL;
    if (!rc && c.timeline && !timed)
        rc = llmb_error_set(err, LLMB_E_INVAL,
                            "--timeline: none of the %zu selected tests has a token timeline (tests with generation "
                            "stored by this version have one); nothing written",
                            n);
    FILE *f = stdout;
    if (!rc && c.out && !(rc = llmb_atomic_open(&af, c.out, err)))
        f = af.f;
    errno = 0;
    if (!rc &&
        (rc = c.timeline ? llmb_timeline_write(f, c.format, v, n, &rows) : llmb_records_write(f, c.format, v, n))) {
        int e = ferror(f) ? errno : 0; /* a full disk says so */
        llmb_error_set(err, rc, "cannot write %s output%s%s%s%s", c.format, c.out ? " to " : "", c.out ? c.out : "",
                       e ? ": " : "", e ? llmb_errno_text(e) : "");
    }
    if (llmb_cli_interrupted()) { /* before the file takes its name */
        llmb_atomic_abort(&af);
        llmb_store_records_free(v, n);
        llmb_store_close(s);
        return llmb_cli_interrupted_say("%s", c.out ? "nothing was written (the temporary file was removed)"
                                                    : "the output is incomplete");
    }
    if (!rc && c.out)
        rc = llmb_atomic_commit(&af, err);
    if (!rc && !c.out && fflush(stdout))
        rc = llmb_error_set(err, LLMB_E_IO, "cannot write to stdout");
    llmb_atomic_abort(&af);
    llmb_store_records_free(v, n);
    llmb_store_close(s);
    if (!rc && c.out && !af.through)
        fprintf(stderr, "llmbench: wrote %zu %s to %s\n", c.timeline ? rows : n, c.timeline ? "tokens" : "results",
                c.out);
    return rc;
}
