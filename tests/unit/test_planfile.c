/* test_planfile.c - plan files (src/plan/): each kind of run becomes its
 * command's flags (defaults, overrides, lists, pairs, paths from the plan's
 * folder), YAML and JSON give the same, and errors name the key, what was
 * expected, what was there and where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "llmbench/planfile.h"

static struct llmb_planfile *parse_ok(const char *text, const char *base)
{
    struct llmb_planfile *pf = NULL;
    struct llmb_error e = {0};
    int rc = llmb_planfile_parse("p.yaml", text, strlen(text), base, &pf, &e);
    if (rc)
        fail_msg("unexpected error: %s", e.msg);
    assert_non_null(pf);
    return pf;
}

static void expect_err(const char *text, const char *msg)
{
    struct llmb_planfile *pf = NULL;
    struct llmb_error e = {0};
    if (llmb_planfile_parse("p.yaml", text, strlen(text), NULL, &pf, &e) != LLMB_E_INVAL)
        fail_msg("no error for %s", text);
    assert_null(pf);
    assert_string_equal(e.msg, msg);
}

static void join_argv(const struct llmb_plan_step *s, char *buf, size_t len)
{
    buf[0] = 0;
    for (int i = 0; i < s->argc; i++) {
        strncat(buf, i ? " " : "", len - strlen(buf) - 1);
        strncat(buf, s->argv[i], len - strlen(buf) - 1);
    }
    assert_null(s->argv[s->argc]);
}

static void speed_defaults_and_overrides(void **state)
{
    (void)state;
    struct llmb_planfile *pf = parse_ok("version: 1\n"
                                        "defaults:\n"
                                        "  threads: [1, 2]\n"
                                        "  repetitions: 3\n"
                                        "  ppl: text.txt   # not a speed key: a default only where it applies\n"
                                        "runs:\n"
                                        "  - models: [a.gguf, /abs/b.gguf]\n"
                                        "    prompt: [64, 512]\n"
                                        "    gen: 0\n"
                                        "    flash_attn: [on, false]\n"
                                        "    type_k: [f16, q8_0]\n"
                                        "    gpu_layers: [-1, 0]\n"
                                        "    pg: [[32, 8], [64, 16]]\n"
                                        "  - name: one-thread\n"
                                        "    models: c.gguf\n"
                                        "    threads: 4\n"
                                        "    pg: [8, 2]\n",
                                        "/base");
    assert_int_equal(pf->n_steps, 2);
    char buf[1024];
    join_argv(&pf->steps[0], buf, sizeof buf);
    assert_string_equal(buf, "bench -m /base/a.gguf,/abs/b.gguf -t 1,2 -fa on,off -ctk f16,q8_0 -ngl -1,0 "
                             "-p 64,512 -n 0 -pg 32,8 -pg 64,16 -r 3");
    assert_string_equal(pf->steps[0].name, "run 1");
    assert_int_equal(pf->steps[0].line, 7);
    join_argv(&pf->steps[1], buf, sizeof buf);
    assert_string_equal(buf, "bench -m /base/c.gguf -t 4 -pg 8,2 -r 3");
    assert_string_equal(pf->steps[1].name, "one-thread");
    llmb_planfile_free(pf);
}

static void quality_and_ladder(void **state)
{
    (void)state;
    struct llmb_planfile *pf = parse_ok("version: 1\n"
                                        "defaults: {kind: ladder, quants: [Q8_0, Q4_K_M], threads: 2}\n"
                                        "runs:\n"
                                        "  - {shape: tiny, prompt: 16, gen: 4, suite: default, force: yes}\n"
                                        "  - {kind: quality, models: m.gguf, ppl: t.txt, ctx: 128, chunks: 4,\n"
                                        "     kld_ref: r.ref}\n",
                                        NULL);
    char buf[1024];
    join_argv(&pf->steps[0], buf, sizeof buf);
    assert_string_equal(buf, "pipeline --shape tiny -q Q8_0,Q4_K_M -t 2 -p 16 -n 4 --suite default --force");
    assert_string_equal(pf->steps[0].shape, "tiny");
    assert_string_equal(pf->steps[0].quants, "Q8_0,Q4_K_M");
    assert_string_equal(pf->steps[0].cmd, "pipeline");
    join_argv(&pf->steps[1], buf, sizeof buf);
    assert_string_equal(buf, "quality -m m.gguf -t 2 -c 128 --chunks 4 --ppl t.txt --ref r.ref");
    llmb_planfile_free(pf);
    /* no_ref is a ladder key: in a quality run it is an error */
    expect_err("version: 1\nruns:\n  - {kind: quality, models: m, no_ref: true}\n",
               "no_ref: no 'no_ref' in a quality run (see docs/plans.md) at p.yaml:3:32");
}

/* A ladder with a model and a shape: the model where its file is, else the shape. */
static void model_or_shape(void **state)
{
    (void)state;
    const char *text = "version: 1\nruns:\n  - {kind: ladder, model: CMakeLists.txt, shape: tiny, quants: Q8_0}\n";
    struct llmb_planfile *pf = parse_ok(text, LLMB_SOURCE_DIR);
    char buf[4096];
    join_argv(&pf->steps[0], buf, sizeof buf);
    assert_string_equal(buf, "pipeline -m " LLMB_SOURCE_DIR "/CMakeLists.txt -q Q8_0");
    assert_null(pf->steps[0].shape);
    llmb_planfile_free(pf);
    pf = parse_ok(text, LLMB_SOURCE_DIR "/no-such-folder");
    join_argv(&pf->steps[0], buf, sizeof buf);
    assert_string_equal(buf, "pipeline --shape tiny -q Q8_0");
    assert_null(pf->steps[0].source);
    llmb_planfile_free(pf);
}

static void json_is_yaml(void **state)
{
    (void)state;
    struct llmb_planfile *a = parse_ok("version: 1\nruns:\n  - models: [m]\n    threads: [1, 2]\n    gen: 0\n", NULL);
    struct llmb_planfile *b =
        parse_ok("{\"version\": 1, \"runs\": [{\"models\": [\"m\"], \"threads\": [1, 2], \"gen\": 0}]}", NULL);
    char x[512], y[512];
    join_argv(&a->steps[0], x, sizeof x);
    join_argv(&b->steps[0], y, sizeof y);
    assert_string_equal(x, "bench -m m -t 1,2 -n 0");
    assert_string_equal(x, y);
    llmb_planfile_free(a);
    llmb_planfile_free(b);
}

static void located_errors(void **state)
{
    (void)state;
    expect_err("version: 1\nruns:\n  - models: m\n    threads: four\n",
               "threads: expected a positive integer or a list of them, got \"four\" at p.yaml:4:14");
    expect_err("version: 1\nruns:\n  - models: m\n    threads: \"4\"\n",
               "threads: expected a positive integer or a list of them, got \"4\" at p.yaml:4:14");
    expect_err("version: 1\nruns:\n  - models: m\n    gpu_layers: [-2]\n",
               "gpu_layers: expected a whole number >= -1 or a list of them, got \"-2\" at p.yaml:4:18");
    expect_err("version: 1\nruns:\n  - models: m\n    ubatchh: 4\n",
               "a run: unknown key \"ubatchh\" (did you mean 'ubatch'?) at p.yaml:4:5");
    expect_err("version: 1\nruns:\n  - models: m\n    zzz: 4\n",
               "a run: unknown key \"zzz\" (keys: docs/plans.md) at p.yaml:4:5");
    expect_err("version: 1\nruns:\n  - models: m\n    repetitions: 0\n",
               "repetitions: expected a positive integer or auto, got \"0\" at p.yaml:4:18");
    expect_err("version: 1\nruns:\n  - models: m\n    pg: [[1, 2, 3]]\n",
               "pg: expected a [prompt, gen] pair of whole numbers or a list of them, got a list at p.yaml:4:10");
    expect_err("version: 1\nruns:\n  - models: m\n    flash_attn: maybe\n",
               "flash_attn: expected on, off or auto, or a list of them, got \"maybe\" at p.yaml:4:17");
    expect_err("version: 1\nruns:\n  - models: [\"a,b\"]\n",
               "models: expected a model file or pattern, or a list of them, got \"a,b\" at p.yaml:3:14");
    expect_err("version: 1\nruns:\n  - kind: ladder\n    quants: [Q8_0]\n",
               "shape: a ladder run needs a shape or a model at p.yaml:3:5");
    expect_err("version: 1\nruns:\n  - threads: 1\n", "models: a speed run needs models (paths or patterns) at "
                                                      "p.yaml:3:5");
    expect_err("version: 1\nruns:\n  - kind: fast\n", "kind: expected speed, quality or ladder, got \"fast\" at "
                                                      "p.yaml:3:11");
    expect_err("- 1\n", "plan: expected a map of keys (version, defaults, runs), got a list at p.yaml:1:1");
    expect_err("version: 1\nruns: 3\n", "runs: expected a list of runs, got \"3\" at p.yaml:2:7");
    expect_err("version: 1\nruns:\n  - m\n", "runs: expected a run (a map of keys), got \"m\" at p.yaml:3:5");
    expect_err("version: 1\nruns: [{models: m}]\n---\nversion: 1\n",
               "a plan is one YAML document; a second one starts at p.yaml:3:1");
    expect_err("version: 1\nruns:\n  - models: \"a\\0b\"\n", "a value holds a NUL character at p.yaml:3:13");
}

static void suggestions(void **state)
{
    (void)state;
    static const char *const names[] = {"threads", "batch", "ubatch", "flash_attn", "repetitions"};
    assert_string_equal(llmb_planfile_suggest("thread", names, 5), "threads");
    assert_string_equal(llmb_planfile_suggest("bacth", names, 5), "batch");
    assert_string_equal(llmb_planfile_suggest("flash-attn", names, 5), "flash_attn");
    assert_null(llmb_planfile_suggest("model", names, 5));
    assert_null(llmb_planfile_suggest("", names, 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(speed_defaults_and_overrides),
        cmocka_unit_test(quality_and_ladder),
        cmocka_unit_test(json_is_yaml),
        cmocka_unit_test(located_errors),
        cmocka_unit_test(suggestions),
        cmocka_unit_test(model_or_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
