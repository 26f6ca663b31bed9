/* report.c - `llmbench report [RUN|FILTERS] -o report.html|report.md`: one
 * document from the results store (src/report/: what ran where, the status
 * matrix, speed and quality tables, key findings, charts), written
 * atomically: on any error nothing is written. */
#include <stdio.h>
#include <string.h>

#include "base/atomic_file.h"
#include "cli.h"
#include "llmbench/report.h"
#include "signals.h"
#include "store_cli.h"

enum { O_OUT = 1, O_QPCT };

const struct llmb_opt llmb_report_opts[] = {
    {O_OUT, "-o,--output", "FILE", NULL, "the report: FILE.html (one self-contained page) or FILE.md (required)",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_QPCT, "--quality-pct", "PCT", "1",
     "findings: a model keeps quality when its perplexity is at most PCT% above "
     "the reference's",
     LLMB_OPT_PCT, 0, 1000, 0, NULL},
    LLMB_STORE_FILTER_OPTS,
    LLMB_STORE_DB_OPTS,
    {0},
};

struct report_cli {
    struct llmb_cli_store st;
    struct llmb_report_params p;
    const char *out;
    char selection[1024];
};

static void say(struct report_cli *c, const char *a, const char *b)
{
    size_t n = strlen(c->selection);
    snprintf(c->selection + n, sizeof c->selection - n, "%s%s%s%s", n ? " " : "", a, b ? " " : "", b ? b : "");
}

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct report_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err)) {
        if (id != LLMB_SOPT_DB && id != LLMB_SOPT_LOCK_WAIT)
            say(c, name, v); /* a filter: the report names the selection */
        return rc;
    }
    switch (id) {
    case -1: /* a run id or key=value filters, as compare takes them */
        say(c, v, NULL);
        return llmb_store_filter_parse(&c->st.filter, v, err);
    case O_OUT: c->out = v; return LLMB_OK;
    case O_QPCT: c->p.quality_pct = llmb_opt_value(v); return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* The output, checked before the store is read. */
static int check_out(struct report_cli *c, int *format, struct llmb_error *err)
{
    if (!c->out)
        return llmb_error_set(err, LLMB_E_INVAL, "-o FILE is required: report.html or report.md");
    if ((*format = llmb_report_format_of(c->out)) < 0)
        return llmb_error_set(err, LLMB_E_INVAL,
                              "-o %s: unknown report format (the name must end in .html, .htm or .md)", c->out);
    char db[4096];
    int rc = llmb_cli_store_path(&c->st, db, sizeof db, err);
    const char *in[] = {db};
    return rc ? rc : llmb_output_check(c->out, "-o", in, 1, err);
}

int llmb_cmd_report(int argc, char **argv, struct llmb_error *err)
{
    struct report_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    llmb_report_default_params(&c.p);
    int format = 0;
    int rc = llmb_opt_parse(llmb_report_opts, argc, argv, on_opt, &c, err);
    if (!rc)
        rc = check_out(&c, &format, err);
    rc = llmb_cli_input(rc);
    struct llmb_store *s = NULL;
    struct llmb_report *r = NULL;
    c.p.filter = c.st.filter;
    c.p.selection = c.selection;
    if (!rc && !(rc = llmb_cli_store_open(&c.st, LLMB_STORE_READONLY, &s, err)))
        rc = llmb_report_build(s, &c.p, &r, err);
    llmb_store_close(s);
    struct llmb_atomic_file af;
    memset(&af, 0, sizeof af);
    if (!rc && !(rc = llmb_atomic_open(&af, c.out, err)))
        rc = llmb_report_write(r, format, af.f, err);
    if (llmb_cli_interrupted()) { /* before the file takes its name */
        llmb_atomic_abort(&af);
        llmb_report_free(r);
        return llmb_cli_interrupted_say("nothing was written");
    }
    if (!rc)
        rc = llmb_atomic_commit(&af, err);
    llmb_atomic_abort(&af);
    llmb_report_free(r);
    if (!rc && !af.through)
        fprintf(stderr, "llmbench: wrote the report to %s\n", c.out);
    return rc;
}
