/* test_report.c - the report builder (src/report/): the one HTML escaper
 * and the Markdown one keep stored text text (<script>, quotes, invalid
 * UTF-8); the output's format from its extension; a store with two speed
 * configurations, a failed and a refused test, energy on one test and a
 * quantization ladder's perplexity and KLD gives a report whose tables
 * hold those figures, whose findings name the fastest configuration and
 * the smallest model within the quality threshold (and not the one beyond
 * it), whose Pareto front says why the other configuration lost, in HTML
 * with inline SVG and nothing fetched, and in Markdown; a run that does
 * not exist and a selection of nothing are errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmbench/report.h"
#include "llmbench/stats.h"
#include "report/doc.h"
#include "store_fixture.h"

static char *render(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fn(f, s);
    fclose(f);
    return buf;
}

static void test_escape(void **state)
{
    (void)state;
    char *o = render(llmb_report_html_text, "<script>alert('x')</script> & \"q\" \xce\x94 \xff\x01");
    assert_string_equal(o, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; \xce\x94 "
                           "\xef\xbf\xbd\xef\xbf\xbd");
    free(o);
    assert_int_equal(llmb_report_format_of("r.html"), LLMB_REPORT_HTML);
    assert_int_equal(llmb_report_format_of("dir.md/R.HTM"), LLMB_REPORT_HTML);
    assert_int_equal(llmb_report_format_of("a/r.md"), LLMB_REPORT_MD);
    assert_int_equal(llmb_report_format_of("r.txt"), -1);
    assert_int_equal(llmb_report_format_of("a.md/report"), -1);
    assert_int_equal(llmb_report_format_of("-"), -1);
}

/* A pp64+tg16 test of model m (file size bytes, t threads): 3 repetitions of
 * about ns ns, half prompt, half generation (fixture_speed), its quantization,
 * backend, TTFT and load time too. */
static void fake(struct fixture *f, const char *m, uint64_t size, int t, double ns)
{
    fixture_speed(f, m, t, 3, ns);
    struct llmb_result *r = &f->r;
    snprintf(r->model.quant, sizeof r->model.quant, "Q4_0");
    snprintf(r->model.backends, sizeof r->model.backends, "CPU");
    r->model.file_size = size;
    double ttft[3];
    for (size_t i = 0; i < 3; i++)
        ttft[i] = (double)f->ttft[i] / 1e6;
    llmb_stats_compute(ttft, 3, &r->ttft_ms);
    r->model.load_ms = 12.5;
}

/* A perplexity (ref NULL) or KLD test of model m against ref. */
static void qfake(struct fixture *f, const char *m, uint64_t size, const char *ref, double ppl, double kld)
{
    fake(f, m, size, 2, 1e6);
    struct llmb_result *r = &f->r;
    memset(&r->ts, 0, sizeof r->ts);
    r->n_samples = 0;
    r->total_ns = r->pp_ns = r->tg_ns = r->ttft_ns = NULL;
    r->applied.n_ctx = 256;
    f->q = (struct llmb_quality_spec){
        .text_path = "/data/wiki.txt", .text_sha256 = "ab", .n_ctx = 256, .n_batch = 2048, .n_chunks = -1, .top_k = 32};
    r->inst.kind = ref ? LLMB_WL_KLD : LLMB_WL_PPL;
    r->inst.q = &f->q;
    r->inst.ref_model = ref;
    r->inst.ref_in = ref ? "/tmp/ref.kld" : NULL;
    r->ppl = (struct llmb_ppl_result){.ppl = ppl, .ppl_err = 0.05, .n_ctx = 256, .n_chunks = 8, .n_scored = 1016};
    if (ref) {
        r->ppl.have_kld = 1;
        r->ppl.kld_mean = kld;
        r->ppl.kld_err = 0.0004;
        r->ppl.top1 = 0.93;
        r->ppl.top1_err = 0.004;
    }
}

/* The report of selection expr ("" all) as text in format; NULL and err on an error. */
static char *report(struct fixture_db *d, const char *expr, int format, struct llmb_error *err)
{
    struct llmb_report_params p;
    llmb_report_default_params(&p);
    if (expr[0] && llmb_store_filter_parse(&p.filter, expr, err))
        return NULL;
    p.selection = expr;
    struct llmb_report *r = NULL;
    if (llmb_report_build(d->s, &p, &r, err))
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(llmb_report_write(r, format, f, err), LLMB_OK);
    fclose(f);
    llmb_report_free(r);
    return buf;
}

/* The line of text holding every needle, or NULL. */
static const char *line_with(const char *text, const char *a, const char *b)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        size_t n = strcspn(l, "\n");
        char buf[4096];
        snprintf(buf, sizeof buf, "%.*s", (int)n, l);
        if (strstr(buf, a) && (!b || strstr(buf, b)))
            return l;
    }
    return NULL;
}

static void test_report(void **state)
{
    (void)state;
    struct fixture_db d;
    fixture_db_open(&d, "/tmp/llmb_report_XXXXXX");
    struct llmb_error e = {0};

    struct fixture s[4];
    fake(&s[0], "/m/slow-F16.gguf", 4000000, 1, 2e6);
    fake(&s[1], "/m/fast-Q4_0.gguf", 1000000, 1, 1e6); /* faster at the same memory: dominates slow */
    s[1].r.machine.energy_j_per_token = 0.125;
    fake(&s[2], "/m/<img src=x onerror=alert(1)>.gguf", 1000, 1, 1e6);
    s[2].r.error = "model does not fit in 2.00 GiB of free memory";
    s[2].r.n_samples = 0;
    fake(&s[3], "/m/crash.gguf", 1000, 1, 1e6);
    s[3].r.error = "worker killed by SIGSEGV <b>";
    s[3].r.n_samples = 0;
    fixture_run(&d, "<script>window.x=1</script>", s, 4);
    struct fixture q[4];
    qfake(&q[0], "/m/ref-F16.gguf", 8000000, NULL, 10.0, 0);
    qfake(&q[1], "/m/q8.gguf", 4000000, "/m/ref-F16.gguf", 10.05, 0.001);
    qfake(&q[2], "/m/q4.gguf", 2000000, "/m/ref-F16.gguf", 10.08, 0.01);
    qfake(&q[3], "/m/q3.gguf", 1500000, "/m/ref-F16.gguf", 10.5, 0.05); /* +5%: beyond 1% */
    int64_t qr = fixture_run(&d, "ladder", q, 4);

    char *md = report(&d, "", LLMB_REPORT_MD, &e);
    if (!md)
        fail_msg("report: %s", e.msg);
    /* speed: figures of the field table with their intervals */
    char fig[64];
    snprintf(fig, sizeof fig, "%.2f \xc2\xb1 %.2f", s[1].r.tg_ts.mean, s[1].r.tg_ts.ci95_half);
    assert_non_null(line_with(md, "| fast-Q4\\_0.gguf", fig));
    snprintf(fig, sizeof fig, "%.2f \xc2\xb1 %.2f", s[0].r.pp_ts.mean, s[0].r.pp_ts.ci95_half);
    assert_non_null(line_with(md, "| slow-F16.gguf", fig));
    assert_non_null(line_with(md, "energy per token (J)", NULL)); /* measured once: the column shows */
    assert_non_null(line_with(md, "| fast-Q4\\_0.gguf", "0.1250"));
    assert_null(line_with(md, "% of bandwidth", NULL)); /* never measured: no column */
    /* findings */
    assert_non_null(line_with(md, "Fastest generation: fast-Q4\\_0.gguf, t=1", NULL));
    assert_non_null(line_with(md, "Smallest model that keeps quality (perplexity within 1% of ref-F16.gguf's 10.0000)",
                              ": q4.gguf, 1.91 MiB, PPL 10.0800 (+0.80%); beyond the threshold: q3.gguf (+5.00%)"));
    assert_non_null(line_with(md, "- slow-F16.gguf, t=1", "dominated by \\#1"));
    /* quality, status matrix, failures */
    assert_non_null(line_with(md, "| q8.gguf", "10.0500 \xc2\xb1 0.0500"));
    assert_non_null(line_with(md, "| q3.gguf", "+5.00%"));
    assert_non_null(line_with(md, "| q3.gguf", "0.050000 \xc2\xb1 0.000400"));
    assert_non_null(line_with(md, "| refused", "does not fit in 2.00 GiB"));
    assert_non_null(line_with(md, "| failed", "worker killed by SIGSEGV &lt;b&gt;"));
    assert_non_null(strstr(md, "2 runs, 8 tests (2 speed, 4 quality, 2 failed)"));
    assert_null(strstr(md, "<script"));
    assert_null(strstr(md, "<b>"));
    assert_null(strstr(md, "<img"));
    free(md);

    char *html = report(&d, "", LLMB_REPORT_HTML, &e);
    if (!html)
        fail_msg("report: %s", e.msg);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<b>"));
    assert_non_null(strstr(html, "&lt;script&gt;window.x=1&lt;/script&gt;"));
    assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;.gguf"));
    assert_null(strstr(html, "<img"));
    assert_non_null(strstr(html, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(html, "default-src 'none'"));
    assert_null(strstr(html, "src=\"http"));
    assert_null(strstr(html, "<link"));
    assert_non_null(strstr(html, "<td class=\"refused\">refused</td>"));
    free(html);

    /* one run: the other's tests are not in it */
    char expr[32];
    snprintf(expr, sizeof expr, "%lld", (long long)qr);
    md = report(&d, expr, LLMB_REPORT_MD, &e);
    if (!md)
        fail_msg("report: %s", e.msg);
    assert_non_null(strstr(md, "1 run, 4 tests (0 speed, 4 quality, 0 failed); selection: "));
    assert_null(strstr(md, "fast-Q4"));
    free(md);

    /* nothing to report: errors */
    assert_null(report(&d, "99", LLMB_REPORT_HTML, &e));
    assert_int_equal(e.code, LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "run 99 does not exist"));
    assert_null(report(&d, "tag=nope", LLMB_REPORT_MD, &e));
    assert_non_null(strstr(e.msg, "no run matches the selection (tag=nope)"));

    fixture_db_close(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
