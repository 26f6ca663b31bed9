/* result.c - the field table of a result (result.h): every field's name,
 * type, unit, llama-bench's name, meaning, getter, setter and Markdown
 * column, in one list. Printers, import, instance keys and the store's
 * extra column walk it; nothing else names a field. llama-bench's fields
 * come first, in its order (tools/llama-bench/llama-bench.cpp, test::
 * get_fields), with its formatting of values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/llmbench.h"
#include "llmbench/result.h"

const char *llmb_strings_add(struct llmb_strings *st, const char *s)
{
    size_t n = strlen(s) + 1;
    if (!st || !st->buf || st->cap - st->used < n)
        return NULL;
    char *p = st->buf + st->used;
    memcpy(p, s, n);
    st->used += n;
    return p;
}

void llmb_result_of_instance(const struct llmb_instance *in, struct llmb_result *r)
{
    memset(r, 0, sizeof *r);
    r->inst = *in;
}

/* ---- value helpers ------------------------------------------------------------ */

static void v_str(struct llmb_value *v, const char *s)
{
    v->known = s != NULL;
    v->s = s ? s : "";
}

static void v_int(struct llmb_value *v, long long i, int known)
{
    v->known = known;
    v->i = i;
}

/* A measured number that came out NaN or infinite is known, not unknown:
 * printers show it as null / empty with a "nonfinite" flag (jvalue.h). */
static void v_num(struct llmb_value *v, double d, int known)
{
    v->known = known;
    v->d = d;
}

/* Copies v's string into dst[len]; -1 when it does not fit. */
static int set_chars(char *dst, size_t len, const struct llmb_value *v)
{
    if (strlen(v->s) >= len)
        return -1;
    snprintf(dst, len, "%s", v->s);
    return 0;
}

/* v's string kept in st, into *dst. */
static int set_kept(const char **dst, const struct llmb_value *v, struct llmb_strings *st)
{
    const char *p = llmb_strings_add(st, v->s);
    if (!p)
        return -1;
    *dst = p;
    return 0;
}

static int in_range(const struct llmb_value *v, long long lo, long long hi)
{
    return v->i >= lo && v->i <= hi;
}

/* ---- getters and setters ------------------------------------------------------ */

#define R const struct llmb_result *r
#define V struct llmb_value *v
#define W struct llmb_result *r, const struct llmb_value *v, struct llmb_strings *st

/* a string kept in a char array: g_NAME gives null while it is empty,
 * s_NAME stores it (too long: an error) */
#define STR_FIELD(name, arr)                                                                                           \
    static void g_##name(R, V)                                                                                         \
    {                                                                                                                  \
        v_str(v, (arr)[0] ? (arr) : NULL);                                                                             \
    }                                                                                                                  \
    static int s_##name(W)                                                                                             \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        return set_chars((arr), sizeof(arr), v);                                                                       \
    }

static const char *or_default(const char *s, const char *def)
{
    return s && *s ? s : def;
}

/* what was measured: not a failed test */
static int measured(R)
{
    return !r->error && r->n_samples > 0;
}

static void g_build_commit(R, V) { v_str(v, r->model.build_commit); }
static int s_build_commit(W) { (void)st; return set_chars(r->model.build_commit, sizeof r->model.build_commit, v); }
static void g_build_number(R, V) { v_int(v, r->model.build_number, 1); }
static int s_build_number(W) { (void)st; r->model.build_number = (int)v->i; return in_range(v, 0, 1LL << 31) - 1; }
static void g_cpu_info(R, V) { v_str(v, r->model.cpu_info); }
static int s_cpu_info(W) { (void)st; return set_chars(r->model.cpu_info, sizeof r->model.cpu_info, v); }
static void g_gpu_info(R, V) { v_str(v, r->model.gpu_info); }
static int s_gpu_info(W) { (void)st; return set_chars(r->model.gpu_info, sizeof r->model.gpu_info, v); }
static void g_backends(R, V) { v_str(v, r->model.backends); }
static int s_backends(W) { (void)st; return set_chars(r->model.backends, sizeof r->model.backends, v); }

static void g_model_filename(R, V) { v_str(v, r->inst.model && *r->inst.model ? r->inst.model : r->model.path); }
static int s_model_filename(W)
{
    (void)st;
    if (!*v->s || set_chars(r->model.path, sizeof r->model.path, v))
        return -1;
    r->inst.model = r->model.path;
    return 0;
}
static void g_model_type(R, V) { v_str(v, r->model.desc); }
static int s_model_type(W) { (void)st; return set_chars(r->model.desc, sizeof r->model.desc, v); }
static void g_model_size(R, V) { v_int(v, (long long)r->model.model_size, r->model.model_size > 0); }
static int s_model_size(W) { (void)st; r->model.model_size = (uint64_t)v->i; return in_range(v, 0, 1LL << 62) - 1; }
static void g_model_n_params(R, V) { v_int(v, (long long)r->model.n_params, r->model.n_params > 0); }
static int s_model_n_params(W) { (void)st; r->model.n_params = (uint64_t)v->i; return in_range(v, 0, 1LL << 62) - 1; }

/* the instance's integer parameters: a getter and a setter with bounds */
#define INST_INT(f, lo, hi)                                                                                          \
    static void g_##f(R, V) { v_int(v, r->inst.f, 1); }                                                              \
    static int s_##f(W) { (void)st; r->inst.f = (int)v->i; return in_range(v, lo, hi) - 1; }
INST_INT(n_batch, 1, 1 << 30)
INST_INT(n_ubatch, 1, 1 << 30)
INST_INT(n_threads, 1, 1 << 20)
INST_INT(cpu_strict, 0, 1)
INST_INT(n_gpu_layers, -1, 1 << 30)
INST_INT(n_cpu_moe, 0, 1 << 30)
INST_INT(main_gpu, 0, 1 << 30)
INST_INT(no_kv_offload, 0, 1)
INST_INT(flash_attn, -1, 1)
INST_INT(embeddings, 0, 1)
INST_INT(no_op_offload, 0, 1)
INST_INT(no_host, 0, 1)
INST_INT(fit_target, 0, 1 << 30)
INST_INT(fit_min_ctx, 0, 1 << 30)
INST_INT(n_prompt, 0, 1 << 30)
INST_INT(n_gen, 0, 1 << 30)
INST_INT(n_depth, 0, 1 << 30)

static void g_poll(R, V) { v_int(v, llmb_instance_poll(&r->inst), 1); }
static int s_poll(W) { (void)st; r->inst.poll = (int)v->i + 1; return in_range(v, 0, 1 << 30) - 1; }
static void g_cpu_mask(R, V) { v_str(v, or_default(r->inst.cpu_mask, LLMB_DEFAULT_CPU_MASK)); }
static int s_cpu_mask(W) { return set_kept(&r->inst.cpu_mask, v, st); }
static void g_type_k(R, V) { v_str(v, r->inst.type_k); }
static int s_type_k(W) { return set_kept(&r->inst.type_k, v, st); }
static void g_type_v(R, V) { v_str(v, r->inst.type_v); }
static int s_type_v(W) { return set_kept(&r->inst.type_v, v, st); }
static void g_split_mode(R, V) { v_str(v, llmb_split_mode_name(r->inst.split_mode)); }
static int s_split_mode(W) { (void)st; return (r->inst.split_mode = llmb_split_mode_parse(v->s)) < 0 ? -1 : 0; }
static void g_devices(R, V) { v_str(v, or_default(r->inst.devices, LLMB_DEFAULT_DEVICES)); }
static int s_devices(W) { return set_kept(&r->inst.devices, v, st); }
static void g_tensor_split(R, V)
{
    llmb_tensor_split_text(r->inst.tensor_split, v->buf, sizeof v->buf);
    v_str(v, v->buf);
}
static int s_tensor_split(W)
{
    float f[LLMB_MAX_DEVICES];
    return llmb_tensor_split_values(v->s, f) ? -1 : set_kept(&r->inst.tensor_split, v, st);
}
static void g_overrides(R, V) { v_str(v, or_default(r->inst.tensor_buft_overrides, "none")); }
static int s_overrides(W) { return set_kept(&r->inst.tensor_buft_overrides, v, st); }
static void g_load_mode(R, V) { v_str(v, llmb_load_mode_name(r->inst.load_mode)); }
static int s_load_mode(W) { (void)st; return (r->inst.load_mode = llmb_load_mode_parse(v->s)) < 0 ? -1 : 0; }
static void g_lazy_mode(R, V) { v_str(v, llmb_lazy_mode_name(r->inst.lazy_mode)); }
static int s_lazy_mode(W) { (void)st; return (r->inst.lazy_mode = llmb_lazy_mode_parse(v->s)) < 0 ? -1 : 0; }
static void g_test_time(R, V) { v_str(v, r->test_time); }
static int s_test_time(W) { (void)st; return set_chars(r->test_time, sizeof r->test_time, v); }

static void g_avg_ns(R, V) { v_int(v, llround(r->total_ns_stats.mean), measured(r) && r->total_ns_stats.n); }
static void g_stddev_ns(R, V) { v_int(v, llround(r->total_ns_stats.stddev), measured(r) && r->total_ns_stats.n); }
static void g_avg_ts(R, V) { v_num(v, r->ts.mean, measured(r) && r->ts.n); }
static void g_stddev_ts(R, V) { v_num(v, r->ts.stddev, measured(r) && r->ts.n); }

/* samples */
static double tokens(R) { return r->inst.n_prompt + r->inst.n_gen; }
static double rate(uint64_t ns, double toks) { return ns ? 1e9 * toks / (double)ns : NAN; }
static double at_ns(R, size_t k) { return (double)r->total_ns[k]; }
static double at_ts(R, size_t k) { return rate(r->total_ns[k], tokens(r)); }
static double at_pp(R, size_t k) { return rate(r->pp_ns[k], r->inst.n_prompt); }
static double at_tg(R, size_t k) { return rate(r->tg_ns[k], r->inst.n_gen); }
static double at_ttft(R, size_t k) { return (double)r->ttft_ns[k] / 1e6; }
static void samples(R, V, double (*at)(R, size_t), int have)
{
    v->known = 1;
    v->n = have && r->total_ns ? r->n_samples : 0;
    v->at = at;
}
static int has_pp(R) { return r->inst.n_prompt > 0 && r->pp_ts.n > 0; }
static int has_tg(R) { return r->inst.n_gen > 0 && r->tg_ts.n > 0; }
static void g_samples_ns(R, V) { samples(r, v, at_ns, 1); }
static void g_samples_ts(R, V) { samples(r, v, at_ts, 1); }
static void g_samples_pp(R, V) { samples(r, v, at_pp, has_pp(r) && r->pp_ns); }
static void g_samples_tg(R, V) { samples(r, v, at_tg, has_tg(r) && r->tg_ns); }
static void g_samples_ttft(R, V) { samples(r, v, at_ttft, r->ttft_ms.n > 0 && r->ttft_ns); }

/* llmbench's own */
static void g_version(R, V) { (void)r; v_str(v, llmb_version()); }
static void g_error(R, V) { v_str(v, r->error); }
static void g_test(R, V)
{
    llmb_instance_test_name(&r->inst, v->buf, sizeof v->buf);
    v_str(v, v->buf);
}
static void g_occurrence(R, V) { v_int(v, r->inst.occurrence + 1, 1); }
static int s_occurrence(W) { (void)st; r->inst.occurrence = (int)v->i - 1; return in_range(v, 1, 1 << 30) - 1; }
static void g_arch(R, V) { v_str(v, r->model.arch[0] ? r->model.arch : NULL); }
static void g_quant(R, V) { v_str(v, r->model.quant[0] ? r->model.quant : NULL); }
static void g_file_size(R, V) { v_int(v, (long long)r->model.file_size, r->model.file_size > 0); }
static void g_bpw(R, V) { v_num(v, r->model.bpw, r->model.bpw > 0); }
static void g_synthetic(R, V) { v_int(v, r->model.synthetic != 0, r->model.n_params > 0); }
static int applied(R) { return r->applied.n_ctx > 0; }
static void g_n_ctx(R, V) { v_int(v, r->applied.n_ctx, applied(r)); }
static void g_a_batch(R, V) { v_int(v, r->applied.n_batch, applied(r)); }
static void g_a_ubatch(R, V) { v_int(v, r->applied.n_ubatch, applied(r)); }
static void g_a_threads(R, V) { v_int(v, r->applied.n_threads, applied(r)); }
static void g_a_type_k(R, V) { v_str(v, applied(r) ? r->applied.type_k : NULL); }
static void g_a_type_v(R, V) { v_str(v, applied(r) ? r->applied.type_v : NULL); }
static void g_a_fa(R, V) { v_int(v, r->applied.flash_attn, applied(r)); }
static void g_a_devices(R, V) { v_str(v, r->model.devices[0] ? r->model.devices : NULL); }
STR_FIELD(dev_mem, r->applied.memory)
static void g_load_ms(R, V) { v_num(v, r->model.load_ms, r->model.load_ms > 0); }
static void g_peak_rss(R, V) { v_int(v, (long long)r->peak_rss, r->peak_rss > 0); }
static void g_reps(R, V) { v_int(v, (long long)r->n_samples, 1); }
static void g_stop(R, V) { v_str(v, measured(r) ? llmb_stop_reason_name(r->stop_reason) : NULL); }
static void g_median(R, V) { v_num(v, r->ts.median, r->ts.n > 0); }
static void g_min(R, V) { v_num(v, r->ts.min, r->ts.n > 0); }
static void g_max(R, V) { v_num(v, r->ts.max, r->ts.n > 0); }
static void g_ci_lo(R, V) { v_num(v, r->ts.mean - r->ts.ci95_half, r->ts.n >= 2); }
static void g_ci_hi(R, V) { v_num(v, r->ts.mean + r->ts.ci95_half, r->ts.n >= 2); }
static void g_ci_pct(R, V) { v_num(v, 100.0 * r->ts.ci95_half / r->ts.mean, r->ts.n >= 2 && r->ts.mean > 0); }
static void g_ci_target(R, V) { v_num(v, r->ci_target_pct, measured(r)); }
static void g_ci_stat(R, V)
{
    v_str(v, measured(r) ? (r->ci_mean ? "mean" : "median") : NULL);
}
static int s_ci_stat(W)
{
    (void)st;
    if (!v->s || (strcmp(v->s, "mean") && strcmp(v->s, "median")))
        return -1;
    r->ci_mean = !strcmp(v->s, "mean");
    return 0;
}
static void g_med_lo(R, V)
{
    v_num(v, r->ts.median_lo, r->ts.n > 0);
}
static void g_med_hi(R, V)
{
    v_num(v, r->ts.median_hi, r->ts.n > 0);
}
static void g_med_pct(R, V)
{
    double half = fmax(r->ts.median - r->ts.median_lo, r->ts.median_hi - r->ts.median);
    v_num(v, 100.0 * half / r->ts.median, r->ts.n > 0 && r->ts.median > 0);
}
static void g_outliers(R, V) { v_int(v, (long long)r->ts.n_outliers, r->ts.n > 0); }
static void g_pp_avg(R, V) { v_num(v, r->pp_ts.mean, has_pp(r)); }
static void g_pp_sd(R, V) { v_num(v, r->pp_ts.stddev, has_pp(r)); }
static void g_tg_avg(R, V) { v_num(v, r->tg_ts.mean, has_tg(r)); }
static void g_tg_sd(R, V) { v_num(v, r->tg_ts.stddev, has_tg(r)); }
static void g_ttft_avg(R, V) { v_num(v, r->ttft_ms.mean, r->ttft_ms.n > 0); }
static void g_ttft_sd(R, V) { v_num(v, r->ttft_ms.stddev, r->ttft_ms.n > 0); }

/* inter-token latency (llmb_itl): null without generation */
#define ITL_NUM(m)                                                                                                     \
    static void g_itl_##m(R, V)                                                                                        \
    {                                                                                                                  \
        v_num(v, r->itl.m, r->itl.n > 0);                                                                              \
    }                                                                                                                  \
    static int s_itl_##m(W)                                                                                            \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        r->itl.m = v->d;                                                                                               \
        r->itl.n = r->itl.n ? r->itl.n : 1;                                                                            \
        return isfinite(v->d) && v->d >= 0 ? 0 : -1;                                                                   \
    }
ITL_NUM(p50_ms)
ITL_NUM(p90_ms)
ITL_NUM(p99_ms)
ITL_NUM(max_ms)
static void g_itl_stalls(R, V)
{
    v_int(v, r->itl.stalls, r->itl.n > 0);
}
static int s_itl_stalls(W)
{
    (void)st;
    r->itl.stalls = (uint32_t)v->i;
    r->itl.n = r->itl.n ? r->itl.n : 1;
    return in_range(v, 0, 1LL << 31) - 1;
}

/* interleaved comparisons: null when the test was not interleaved (or is the base) */
static void g_il_rounds(R, V)
{
    v_int(v, r->paired.rounds, r->paired.rounds > 0);
}
static int s_il_rounds(W)
{
    (void)st;
    r->paired.rounds = (uint32_t)v->i;
    return in_range(v, 1, 1 << 30) - 1;
}
#define PAIRED_NUM(m)                                                                                                  \
    static void g_il_##m(R, V)                                                                                         \
    {                                                                                                                  \
        v_num(v, r->paired.m, r->paired.rounds > 0 && r->paired.m > 0);                                                \
    }                                                                                                                  \
    static int s_il_##m(W)                                                                                             \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        r->paired.m = v->d;                                                                                            \
        return isfinite(v->d) && v->d > 0 ? 0 : -1;                                                                    \
    }
PAIRED_NUM(ratio)
PAIRED_NUM(lo)
PAIRED_NUM(hi)
static void g_il_label(R, V)
{
    v_str(v, r->paired.rounds ? r->paired.label : NULL);
}
static int s_il_label(W)
{
    (void)st;
    return set_chars(r->paired.label, sizeof r->paired.label, v);
}
static void g_il_base(R, V)
{
    v_str(v, r->paired.rounds ? r->paired.base : NULL);
}
static int s_il_base(W)
{
    (void)st;
    return set_chars(r->paired.base, sizeof r->paired.base, v);
}

/* the machine's limits (roofline.h): 0 is unknown; stored by name (EXTRA) */
#define MACHINE_NUM(m)                                                                                                 \
    static void g_##m(R, V)                                                                                            \
    {                                                                                                                  \
        v_num(v, r->machine.m, r->machine.m > 0);                                                                      \
    }                                                                                                                  \
    static int s_##m(W)                                                                                                \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        r->machine.m = v->d;                                                                                           \
        return isfinite(v->d) && v->d > 0 ? 0 : -1;                                                                    \
    }
MACHINE_NUM(tg_bytes_per_token)
MACHINE_NUM(tg_gbs)
MACHINE_NUM(peak_gbs)
MACHINE_NUM(tg_bw_pct)
MACHINE_NUM(pp_flop_per_s)
MACHINE_NUM(pp_intensity)
MACHINE_NUM(energy_w)
MACHINE_NUM(energy_j)
MACHINE_NUM(energy_j_per_token)
MACHINE_NUM(energy_tokens_per_j)
STR_FIELD(energy_source, r->machine.energy_source)
STR_FIELD(energy_note, r->machine.energy_note)
static void md_bw_pct(R, char *buf, size_t len)
{
    snprintf(buf, len, "%.1f", r->machine.tg_bw_pct);
}

/* the test's conditions (conditions.h): a known bit each; stored by name (EXTRA) */
#define COND_NUM(m, bit)                                                                                               \
    static void g_##m(R, V)                                                                                            \
    {                                                                                                                  \
        v_num(v, r->cond.m, (r->cond.known & (bit)) != 0);                                                             \
    }                                                                                                                  \
    static int s_##m(W)                                                                                                \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        r->cond.m = v->d;                                                                                              \
        r->cond.known |= (bit);                                                                                        \
        return isfinite(v->d) ? 0 : -1;                                                                                \
    }
#define COND_INT(m, bit)                                                                                               \
    static void g_##m(R, V)                                                                                            \
    {                                                                                                                  \
        v_int(v, (long long)r->cond.m, (r->cond.known & (bit)) != 0);                                                  \
    }                                                                                                                  \
    static int s_##m(W)                                                                                                \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        r->cond.m = v->i;                                                                                              \
        r->cond.known |= (bit);                                                                                        \
        return in_range(v, 0, 1LL << 40) - 1;                                                                          \
    }
COND_NUM(others_cpu_cores, LLMB_COND_OTHERS)
COND_NUM(steal_pct, LLMB_COND_STEAL)
COND_NUM(load_avg, LLMB_COND_LOAD)
COND_NUM(run_queue, LLMB_COND_RUNQ)
COND_NUM(freq_mhz, LLMB_COND_MHZ)
COND_NUM(freq_drop_pct, LLMB_COND_FREQ_DROP)
COND_INT(swap_pages, LLMB_COND_SWAP)
COND_INT(throttled, LLMB_COND_THROTTLE)
COND_NUM(spread_pct, LLMB_COND_SPREAD)
COND_NUM(drift_pct, LLMB_COND_DRIFT)
COND_NUM(drift_rho, LLMB_COND_DRIFT)
COND_INT(warmup_reps, LLMB_COND_WARMUP)
COND_NUM(warmup_slow_pct, LLMB_COND_WARMUP)
COND_INT(warmup_runs, LLMB_COND_WARMUPS)
/* the interval across runs (analysis.h, llmb_run_interval); stored by name (EXTRA) */
#define RUNS_NUM(name, m)                                                                                              \
    static void g_##name(R, V)                                                                                         \
    {                                                                                                                  \
        v_num(v, r->runs.m, r->runs.known);                                                                            \
    }                                                                                                                  \
    static int s_##name(W)                                                                                             \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        r->runs.m = v->d;                                                                                              \
        r->runs.known = 1;                                                                                             \
        return isfinite(v->d) && v->d >= 0 ? 0 : -1;                                                                   \
    }
RUNS_NUM(run_lo, lo)
RUNS_NUM(run_hi, hi)
RUNS_NUM(run_cv, cv_pct)
static void g_run_n(R, V)
{
    v_int(v, (long long)r->runs.runs, r->runs.known);
}
static int s_run_n(W)
{
    (void)st;
    r->runs.runs = (size_t)v->i;
    r->runs.known = 1;
    return in_range(v, 0, 1LL << 40) - 1;
}
static void md_run_ci(R, char *buf, size_t len)
{
    if (r->runs.known)
        snprintf(buf, len, "%.2f-%.2f", r->runs.lo, r->runs.hi);
    else
        snprintf(buf, len, "-");
}

/* flags: null when none was raised (or nothing was looked at) */
static void g_interference(R, V)
{
    v_str(v, r->cond.interference[0] ? r->cond.interference : NULL);
}
static int s_interference(W)
{
    (void)st;
    r->cond.known |= LLMB_COND_CHECKED;
    return set_chars(r->cond.interference, sizeof r->cond.interference, v);
}
STR_FIELD(drift, r->cond.drift)

/* serving load (load.h): figures known by bit, texts known when set; null
 * for other kinds; stored by name (EXTRA) */
static int is_load(R)
{
    return r->inst.kind == LLMB_WL_LOAD;
}
static void load_get(R, V, int k, int type)
{
    int known = is_load(r) && (r->load.known >> k & 1);
    if (type == 'I')
        v_int(v, llround(r->load.v[k]), known);
    else
        v_num(v, r->load.v[k], known);
}
static int load_set(struct llmb_result *r, const struct llmb_value *v, int k, int type)
{
    double d = type == 'I' ? (double)v->i : v->d;
    if (!isfinite(d) || d < 0)
        return -1;
    r->load.v[k] = d;
    r->load.known |= 1ull << k;
    return 0;
}
#define LOAD_FIG(id, name, type, unit, doc)                                                                            \
    static void g_lf_##id(R, V)                                                                                        \
    {                                                                                                                  \
        load_get(r, v, LLMB_LOADF_##id, type);                                                                         \
    }                                                                                                                  \
    static int s_lf_##id(W)                                                                                            \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        return load_set(r, v, LLMB_LOADF_##id, type);                                                                  \
    }
LLMB_LOAD_FIGURES(LOAD_FIG)
#undef LOAD_FIG
#define LOAD_TEXT(m)                                                                                                   \
    static void g_lt_##m(R, V)                                                                                         \
    {                                                                                                                  \
        v_str(v, is_load(r) && r->load.m[0] ? r->load.m : NULL);                                                       \
    }                                                                                                                  \
    static int s_lt_##m(W)                                                                                             \
    {                                                                                                                  \
        (void)st;                                                                                                      \
        return set_chars(r->load.m, sizeof r->load.m, v);                                                              \
    }
LOAD_TEXT(url)
LOAD_TEXT(endpoint)
LOAD_TEXT(errors)
LOAD_TEXT(slo)
LOAD_TEXT(counts)
static void g_load_profile(R, V)
{
    v_str(v, is_load(r) ? r->inst.load_profile : NULL);
}
static int s_load_profile(W)
{
    return set_kept(&r->inst.load_profile, v, st);
}

/* where a stored result lives */
static void g_run_id(R, V) { v_int(v, r->origin ? r->origin->run_id : 0, r->origin != NULL); }
static void g_key(R, V) { v_str(v, r->origin ? r->origin->instance_key : NULL); }
static void g_sha(R, V) { v_str(v, r->origin ? r->origin->model_sha256 : NULL); }
static void g_tags(R, V) { v_str(v, r->origin ? r->origin->tags : NULL); }
static void g_host(R, V) { v_str(v, r->origin ? r->origin->host : NULL); }

/* ---- Markdown texts (llama-bench's markdown_printer) ------------------------------- */

static void fmt_bytes(char *buf, size_t len, double bytes)
{
    if (bytes < 1024.0 * 1024 * 1024)
        snprintf(buf, len, "%.2f MiB", bytes / 1024.0 / 1024.0);
    else
        snprintf(buf, len, "%.2f GiB", bytes / 1024.0 / 1024.0 / 1024.0);
}

static void md_size(R, char *buf, size_t len) { fmt_bytes(buf, len, (double)r->model.model_size); }
static void md_params(R, char *buf, size_t len)
{
    double n = (double)r->model.n_params;
    if (n < 1e9)
        snprintf(buf, len, "%.2f M", n / 1e6);
    else
        snprintf(buf, len, "%.2f B", n / 1e9);
}
static void md_ts(R, char *buf, size_t len) { snprintf(buf, len, "%.2f \xc2\xb1 %.2f", r->ts.mean, r->ts.stddev); }
static void md_ms(R, char *buf, size_t len) { snprintf(buf, len, "%.2f", r->ttft_ms.mean); }
static void md_rss(R, char *buf, size_t len) { fmt_bytes(buf, len, (double)r->peak_rss); }
static void md_ci(R, char *buf, size_t len) /* the interval -r auto aimed at: the median's, or the mean's */
{
    if (r->ci_mean)
        snprintf(buf, len, "%.2f-%.2f", r->ts.mean - r->ts.ci95_half, r->ts.mean + r->ts.ci95_half);
    else
        snprintf(buf, len, "%.2f-%.2f", r->ts.median_lo, r->ts.median_hi);
}

#undef R
#undef V
#undef W

/* ---- the table ---------------------------------------------------------------------- */

enum { S = LLMB_FIELD_STRING, I = LLMB_FIELD_INT, B = LLMB_FIELD_BOOL, F = LLMB_FIELD_FLOAT,
       IA = LLMB_FIELD_INTS, FA = LLMB_FIELD_FLOATS };
enum { LB = LLMB_FIELD_LLAMA_BENCH, ORIG = LLMB_FIELD_ORIGIN, EXTRA = LLMB_FIELD_EXTRA, KEY = LLMB_FIELD_KEY,
       REQ = LLMB_FIELD_REQUIRED };

/* A llama-bench field: name, type, unit, flags, default, meaning, get, set, then Markdown. */
#define LBF(n, t, u, fl, def, doc, g, s, ...) {n, t, u, n, LB | (fl), def, doc, g, s, __VA_ARGS__}
/* An llmbench field. */
#define OWN(n, t, u, fl, doc, g, ...) {n, t, u, NULL, fl, NULL, doc, g, NULL, __VA_ARGS__}

static const struct llmb_field fields[] = {
    LBF("build_commit", S, NULL, REQ | EXTRA, NULL, "llama.cpp commit the test ran on", g_build_commit, s_build_commit,
        NULL, 0, LLMB_MD_NEVER, 0, NULL),
    LBF("build_number", I, NULL, EXTRA, NULL, "llama.cpp build number", g_build_number, s_build_number, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    LBF("cpu_info", S, NULL, EXTRA, NULL, "the CPU (ggml's CPU device descriptions)", g_cpu_info, s_cpu_info, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    LBF("gpu_info", S, NULL, EXTRA, NULL, "the GPUs (ggml's GPU device descriptions), \"\" when none", g_gpu_info,
        s_gpu_info, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    LBF("backends", S, NULL, 0, NULL,
        "ggml backends besides the CPU's, then RPC once a server is registered (\"CPU\" when none)", g_backends,
        s_backends, "backend", -10, LLMB_MD_ALWAYS, 40, NULL),
    LBF("model_filename", S, NULL, REQ, NULL, "the model file as given", g_model_filename, s_model_filename, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    LBF("model_type", S, NULL, REQ, NULL, "llama.cpp's description (\"llama 7B Q4_0\")", g_model_type, s_model_type,
        "model", -30, LLMB_MD_ALWAYS, 10, NULL),
    LBF("model_size", I, "bytes", REQ, NULL, "bytes of the model's tensors", g_model_size, s_model_size, "size", 10,
        LLMB_MD_ALWAYS, 20, md_size),
    LBF("model_n_params", I, NULL, REQ, NULL, "parameters of the model", g_model_n_params, s_model_n_params, "params",
        10, LLMB_MD_ALWAYS, 30, md_params),
    LBF("n_batch", I, "tokens", REQ, "2048", "logical batch size asked (-b)", g_n_batch, s_n_batch, "n_batch", 7,
        LLMB_MD_CHANGED, 110, NULL),
    LBF("n_ubatch", I, "tokens", REQ, "512", "physical batch size asked (-ub)", g_n_ubatch, s_n_ubatch, "n_ubatch", 8,
        LLMB_MD_CHANGED, 120, NULL),
    LBF("n_threads", I, NULL, REQ, NULL, "threads asked (-t)", g_n_threads, s_n_threads, "threads", 7,
        LLMB_MD_CHANGED_OR_CPU, 70, NULL),
    LBF("cpu_mask", S, NULL, KEY | EXTRA, LLMB_DEFAULT_CPU_MASK, "CPU affinity mask of the threads (-C), hex",
        g_cpu_mask, s_cpu_mask, "cpu_mask", -10, LLMB_MD_CHANGED, 80, NULL),
    LBF("cpu_strict", B, NULL, KEY | EXTRA, "0", "strict CPU placement (--cpu-strict)", g_cpu_strict, s_cpu_strict,
        "cpu_strict", 10, LLMB_MD_CHANGED, 90, NULL),
    LBF("poll", I, NULL, KEY | EXTRA, "50", "busy-wait level of idle threads, 0..100 (--poll)", g_poll, s_poll, "poll",
        10, LLMB_MD_CHANGED, 100, NULL),
    LBF("type_k", S, NULL, REQ, "f16", "K cache type (-ctk)", g_type_k, s_type_k, "type_k", 6, LLMB_MD_CHANGED, 130,
        NULL),
    LBF("type_v", S, NULL, REQ, "f16", "V cache type (-ctv)", g_type_v, s_type_v, "type_v", 6, LLMB_MD_CHANGED, 140,
        NULL),
    LBF("n_gpu_layers", I, NULL, REQ, "-1", "layers offloaded to GPUs asked (-ngl; -1: all)", g_n_gpu_layers,
        s_n_gpu_layers, "ngl", 3, LLMB_MD_GPU, 50, NULL),
    LBF("n_cpu_moe", I, NULL, KEY | EXTRA, "0", "layers whose MoE expert weights stay on the CPU (-ncmoe)", g_n_cpu_moe,
        s_n_cpu_moe, "n_cpu_moe", 10, LLMB_MD_CHANGED, 60, NULL),
    LBF("split_mode", S, NULL, KEY | EXTRA, "layer", "how the model is split across GPUs (-sm)", g_split_mode,
        s_split_mode, "sm", 6, LLMB_MD_CHANGED, 160, NULL),
    LBF("main_gpu", I, NULL, KEY | EXTRA, "0", "the GPU of split mode none (-mg)", g_main_gpu, s_main_gpu, "main_gpu",
        10, LLMB_MD_CHANGED, 150, NULL),
    LBF("no_kv_offload", B, NULL, KEY | EXTRA, "0", "KV cache kept off the GPUs (-nkvo)", g_no_kv_offload,
        s_no_kv_offload, "nkvo", 13, LLMB_MD_CHANGED, 170, NULL),
    LBF("flash_attn", I, NULL, REQ, "-1", "flash attention asked (-fa): -1 auto, 0 off, 1 on", g_flash_attn,
        s_flash_attn, "fa", 3, LLMB_MD_CHANGED, 180, NULL),
    LBF("devices", S, NULL, KEY | EXTRA, LLMB_DEFAULT_DEVICES,
        "devices asked (-dev): \"auto\" (all), \"none\", or names joined by /", g_devices, s_devices, "dev", -12,
        LLMB_MD_CHANGED, 190, NULL),
    LBF("tensor_split", S, NULL, KEY | EXTRA, "0.00", "share of the model per GPU (-ts), \"%.2f\" joined by /",
        g_tensor_split, s_tensor_split, "ts", -12, LLMB_MD_CHANGED, 200, NULL),
    LBF("tensor_buft_overrides", S, NULL, KEY | EXTRA, "none",
        "tensors placed in a buffer type (-ot): \"none\" or pattern=TYPE joined by ;", g_overrides, s_overrides, "ot",
        -21, LLMB_MD_CHANGED, 210, NULL),
    LBF("load_mode", S, NULL, KEY | EXTRA, "auto",
        "how weights are loaded (-lm): auto, none, mmap, mlock, "
        "mmap+mlock, dio",
        g_load_mode, s_load_mode, "lm", 10, LLMB_MD_CHANGED, 220, NULL),
    LBF("lazy_mode", S, NULL, KEY | EXTRA, "auto", "on-demand reading of tensors (-lzm): auto, on, off", g_lazy_mode,
        s_lazy_mode, "lazy_mode", -10, LLMB_MD_CHANGED, 230, NULL),
    LBF("embeddings", B, NULL, KEY | EXTRA, "0", "embeddings computed too (-embd)", g_embeddings, s_embeddings, "embd",
        10, LLMB_MD_CHANGED, 240, NULL),
    LBF("no_op_offload", I, NULL, KEY | EXTRA, "0", "host tensors' ops not offloaded (-nopo)", g_no_op_offload,
        s_no_op_offload, "nopo", 4, LLMB_MD_CHANGED, 250, NULL),
    LBF("no_host", B, NULL, KEY | EXTRA, "0", "host buffers bypassed (--no-host)", g_no_host, s_no_host, "noh", 4,
        LLMB_MD_CHANGED, 260, NULL),
    LBF("fit_target", I, "MiB", KEY | EXTRA, "0", "memory left free per device by fitting (-fitt); 0: no fitting",
        g_fit_target, s_fit_target, "fitt", 10, LLMB_MD_CHANGED, 270, NULL),
    LBF("fit_min_ctx", I, "tokens", KEY | EXTRA, "0", "smallest context fitting may choose (-fitc)", g_fit_min_ctx,
        s_fit_min_ctx, "fitc", 11, LLMB_MD_CHANGED, 280, NULL),
    LBF("n_prompt", I, "tokens", REQ, NULL, "prompt tokens processed (pp)", g_n_prompt, s_n_prompt, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    LBF("n_gen", I, "tokens", REQ, NULL, "tokens generated (tg)", g_n_gen, s_n_gen, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    LBF("n_depth", I, "tokens", 0, NULL, "tokens in the KV cache before the test (-d)", g_n_depth, s_n_depth, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    LBF("test_time", S, NULL, REQ, NULL, "when the test started, RFC 3339 UTC", g_test_time, s_test_time, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    LBF("avg_ns", I, "ns", 0, NULL, "mean time of a repetition (prompt and generation)", g_avg_ns, NULL, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    LBF("stddev_ns", I, "ns", 0, NULL, "its sample standard deviation", g_stddev_ns, NULL, NULL, 0, LLMB_MD_NEVER, 0,
        NULL),
    LBF("avg_ts", F, "tokens/s", 0, NULL, "mean of the repetitions' (n_prompt + n_gen) / time", g_avg_ts, NULL, "t/s",
        20, LLMB_MD_ALWAYS, 300, md_ts),
    LBF("stddev_ts", F, "tokens/s", 0, NULL, "its sample standard deviation", g_stddev_ts, NULL, NULL, 0, LLMB_MD_NEVER,
        0, NULL),
    LBF("samples_ns", IA, "ns", 0, NULL, "time of each repetition", g_samples_ns, NULL, NULL, 0, LLMB_MD_NEVER, 0,
        NULL),
    LBF("samples_ts", FA, "tokens/s", 0, NULL, "tokens/s of each repetition", g_samples_ts, NULL, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    /* llmbench's own */
    OWN("llmbench_version", S, NULL, 0, "the llmbench that measured (or exported) it", g_version, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("error", S, NULL, 0, "why the test failed (crash, timeout, engine error); null when it did not", g_error, NULL,
        0, LLMB_MD_NEVER, 0, NULL),
    OWN("test", S, NULL, 0, "pp512, tg128, pp512+tg128, with \" @ d4096\" for a depth", g_test, "test", 15,
        LLMB_MD_ALWAYS, 290, NULL),
    {"occurrence", I, NULL, NULL, KEY | EXTRA, "1",
     "which of the identical tests of a sweep this is (1, 2, ...): llama-bench runs each one listed", g_occurrence,
     s_occurrence, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    OWN("model_arch", S, NULL, 0, "the model's architecture", g_arch, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("quant_type", S, NULL, 0, "the model's file type (\"Q4_K - Medium\")", g_quant, NULL, 0, LLMB_MD_NEVER, 0,
        NULL),
    OWN("file_size", I, "bytes", 0, "bytes of the model file", g_file_size, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("bpw", F, "bits", 0, "bits per weight: model_size * 8 / model_n_params", g_bpw, NULL, 0, LLMB_MD_NEVER, 0,
        NULL),
    OWN("synthetic", B, NULL, 0, "a random-weight model (llmbench synth): speed only", g_synthetic, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("n_ctx", I, "tokens", 0, "context the engine applied", g_n_ctx, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("applied_n_batch", I, "tokens", 0, "logical batch size the engine applied", g_a_batch, NULL, 0, LLMB_MD_NEVER,
        0, NULL),
    OWN("applied_n_ubatch", I, "tokens", 0, "physical batch size the engine applied (at most n_batch)", g_a_ubatch,
        NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("applied_n_threads", I, NULL, 0, "threads the engine applied", g_a_threads, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("applied_type_k", S, NULL, 0, "K cache type the engine applied", g_a_type_k, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("applied_type_v", S, NULL, 0, "V cache type the engine applied", g_a_type_v, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("applied_flash_attn", I, NULL, 0, "flash attention as the engine reports it applied", g_a_fa, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("applied_devices", S, NULL, 0, "devices the model ran on (\"CPU\" when no GPU)", g_a_devices, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    {"device_memory", S, "bytes", NULL, EXTRA, NULL,
     "memory per buffer type (device): NAME=model+context+compute bytes, ';' between them", g_dev_mem, s_dev_mem, NULL,
     0, LLMB_MD_NEVER, 0, NULL},
    OWN("load_ms", F, "ms", 0, "time to load the model", g_load_ms, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("peak_rss_bytes", I, "bytes", 0, "the process's peak resident memory during the test", g_peak_rss, "peak RSS",
        10, LLMB_MD_ALWAYS, 320, md_rss),
    OWN("reps", I, NULL, 0, "repetitions measured", g_reps, "reps", 4, LLMB_MD_AUTO_REPS, 340, NULL),
    OWN("stop_reason", S, NULL, 0, "why repetitions stopped: fixed, converged, max-reps, max-time", g_stop, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("median_ts", F, "tokens/s", 0, "median of samples_ts", g_median, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("min_ts", F, "tokens/s", 0, "slowest repetition", g_min, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("max_ts", F, "tokens/s", 0, "fastest repetition", g_max, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("ci95_lo_ts", F, "tokens/s", 0, "95% confidence interval of avg_ts (Student t), low end", g_ci_lo, "95% CI t/s",
        20, LLMB_MD_AUTO_REPS, 330, md_ci),
    OWN("ci95_hi_ts", F, "tokens/s", 0, "... high end", g_ci_hi, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("ci95_half_pct", F, "%", 0, "half-width of the interval in % of avg_ts", g_ci_pct, NULL, 0, LLMB_MD_NEVER, 0,
        NULL),
    OWN("median_ci_lo_ts", F, "tokens/s", 0, "95% interval of median_ts (order statistics), low end", g_med_lo, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("median_ci_hi_ts", F, "tokens/s", 0, "... high end", g_med_hi, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("median_ci_half_pct", F, "%", 0, "the interval's wider half in % of median_ts", g_med_pct, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    {"run_ci_lo_ts", F, "tokens/s", NULL, EXTRA, NULL,
     "95% interval of the configuration's median t/s across runs on this host and build (docs/metrics.md, Between "
     "runs), low end",
     g_run_lo, s_run_lo, "runs 95% t/s", 20, LLMB_MD_AUTO_REPS, 335, md_run_ci},
    {"run_ci_hi_ts", F, "tokens/s", NULL, EXTRA, NULL, "... high end", g_run_hi, s_run_hi, NULL, 0, LLMB_MD_NEVER, 0,
     NULL},
    {"run_cv_pct", F, "%", NULL, EXTRA, NULL,
     "the run-to-run relative sd that interval used: earlier runs' medians pooled with the prior (2% worth 4 runs)",
     g_run_cv, s_run_cv, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"run_cv_runs", I, NULL, NULL, EXTRA, NULL, "earlier runs of the configuration it drew on (0: the prior alone)",
     g_run_n, s_run_n, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    OWN("ci_target_pct", F, "%", 0, "-r auto's target half-width", g_ci_target, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    {"ci_stat", S, NULL, NULL, EXTRA, NULL, "-r auto's interval: median (order statistics) or mean (Student t)",
     g_ci_stat, s_ci_stat, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    OWN("outliers", I, NULL, 0, "repetitions further than 3 scaled MADs from the median", g_outliers, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("pp_avg_ts", F, "tokens/s", 0, "prompt tokens/s of the prompt part alone", g_pp_avg, NULL, 0, LLMB_MD_NEVER, 0,
        NULL),
    OWN("pp_stddev_ts", F, "tokens/s", 0, "its standard deviation", g_pp_sd, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("tg_avg_ts", F, "tokens/s", 0, "generated tokens/s of the generation part alone", g_tg_avg, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("tg_stddev_ts", F, "tokens/s", 0, "its standard deviation", g_tg_sd, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("ttft_avg_ms", F, "ms", 0, "time to the first generated token (to the prompt's end for pp tests)", g_ttft_avg,
        "ttft ms", 10, LLMB_MD_ALWAYS, 310, md_ms),
    OWN("ttft_stddev_ms", F, "ms", 0, "its standard deviation", g_ttft_sd, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("samples_pp_ts", FA, "tokens/s", 0, "prompt tokens/s of each repetition", g_samples_pp, NULL, 0, LLMB_MD_NEVER,
        0, NULL),
    OWN("samples_tg_ts", FA, "tokens/s", 0, "generated tokens/s of each repetition", g_samples_tg, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("samples_ttft_ms", FA, "ms", 0, "time to the first token of each repetition", g_samples_ttft, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    /* inter-token latency (docs/metrics.md) */
    {"itl_p50_ms", F, "ms", NULL, EXTRA, NULL, "median gap between consecutive generated tokens, every repetition",
     g_itl_p50_ms, s_itl_p50_ms, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"itl_p90_ms", F, "ms", NULL, EXTRA, NULL, "90th percentile of the gaps between generated tokens", g_itl_p90_ms,
     s_itl_p90_ms, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"itl_p99_ms", F, "ms", NULL, EXTRA, NULL, "99th percentile of the gaps between generated tokens", g_itl_p99_ms,
     s_itl_p99_ms, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"itl_max_ms", F, "ms", NULL, EXTRA, NULL, "longest gap between generated tokens", g_itl_max_ms, s_itl_max_ms, NULL,
     0, LLMB_MD_NEVER, 0, NULL},
    {"itl_stalls", I, NULL, NULL, EXTRA, NULL, "gaps between generated tokens longer than 3 x the median gap",
     g_itl_stalls, s_itl_stalls, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    /* interleaved comparisons (docs/metrics.md, Interleaved comparisons) */
    {"interleave_rounds", I, NULL, NULL, EXTRA, NULL,
     "bench --interleave: rounds in which the tests ran one repetition each, in alternating order", g_il_rounds,
     s_il_rounds, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"interleave_label", S, NULL, NULL, EXTRA, NULL, "this configuration, by what differs among the interleaved ones",
     g_il_label, s_il_label, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"interleave_base", S, NULL, NULL, EXTRA, NULL, "the configuration this test is compared with (the first one)",
     g_il_base, s_il_base, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"interleave_ratio", F, NULL, NULL, EXTRA, NULL,
     "median over rounds of this test's t/s / the base's t/s in the same round; null for the base", g_il_ratio,
     s_il_ratio, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"interleave_ratio_lo", F, NULL, NULL, EXTRA, NULL, "95% interval of interleave_ratio: low end (order statistics)",
     g_il_lo, s_il_lo, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"interleave_ratio_hi", F, NULL, NULL, EXTRA, NULL, "95% interval of interleave_ratio: high end", g_il_hi, s_il_hi,
     NULL, 0, LLMB_MD_NEVER, 0, NULL},
    /* the machine's limits (docs/metrics.md, Roofline and energy) */
    {"tg_bytes_per_token", F, "bytes", NULL, EXTRA, NULL,
     "bytes read per generated token: weights, one row of the token embeddings, the KV cache at that depth",
     g_tg_bytes_per_token, s_tg_bytes_per_token, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"tg_gbs", F, "GB/s", NULL, EXTRA, NULL, "achieved memory bandwidth of generation: tg_bytes_per_token x tg t/s",
     g_tg_gbs, s_tg_gbs, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"peak_gbs", F, "GB/s", NULL, EXTRA, NULL, "the machine's read bandwidth (llmbench hw --bandwidth)", g_peak_gbs,
     s_peak_gbs, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"tg_bw_pct", F, "%", NULL, EXTRA, NULL, "tg_gbs as a share of peak_gbs", g_tg_bw_pct, s_tg_bw_pct, "tg % of BW",
     11, LLMB_MD_PEAK, 315, md_bw_pct},
    {"pp_flop_per_s", F, "FLOP/s", NULL, EXTRA, NULL, "achieved FLOP/s of prompt processing (matmuls + attention)",
     g_pp_flop_per_s, s_pp_flop_per_s, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"pp_intensity", F, "FLOP/byte", NULL, EXTRA, NULL, "prompt FLOPs per byte of weights read (once per ubatch)",
     g_pp_intensity, s_pp_intensity, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"energy_w", F, "W", NULL, EXTRA, NULL, "average power during the test (RAPL package + dram, NVML)", g_energy_w,
     s_energy_w, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"energy_j", F, "J", NULL, EXTRA, NULL, "joules of one repetition: energy_w x its mean time", g_energy_j,
     s_energy_j, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"energy_j_per_token", F, "J", NULL, EXTRA, NULL, "energy_j / tokens of the test", g_energy_j_per_token,
     s_energy_j_per_token, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"energy_tokens_per_j", F, "tokens/J", NULL, EXTRA, NULL, "tokens of the test / energy_j", g_energy_tokens_per_j,
     s_energy_tokens_per_j, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"energy_source", S, NULL, NULL, EXTRA, NULL, "RAPL, NVML or RAPL+NVML; null when energy is absent",
     g_energy_source, s_energy_source, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"energy_note", S, NULL, NULL, EXTRA, NULL, "why energy is absent (\"no RAPL in this VM\"), or what it leaves out",
     g_energy_note, s_energy_note, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    /* the test's conditions (docs/metrics.md, Test conditions) */
    {"interference", S, NULL, NULL, EXTRA, NULL,
     "what spoiled the test, flags joined by ',': others_cpu, steal, swap, throttle, spread, bimodal; null when none",
     g_interference, s_interference, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"others_cpu_cores", F, "cores", NULL, EXTRA, NULL,
     "mean CPU use of all other processes during the test: (busy ticks of the machine - this process's) / time",
     g_others_cpu_cores, s_others_cpu_cores, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"steal_pct", F, "%", NULL, EXTRA, NULL, "CPU time the hypervisor took (steal) during the test, % of all",
     g_steal_pct, s_steal_pct, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"load_avg", F, NULL, NULL, EXTRA, NULL, "1-minute load average at the test's end", g_load_avg, s_load_avg, NULL, 0,
     LLMB_MD_NEVER, 0, NULL},
    {"run_queue", F, "tasks", NULL, EXTRA, NULL,
     "mean runnable tasks of other processes between repetitions (procs_running less this process's)", g_run_queue,
     s_run_queue, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"freq_mhz", F, "MHz", NULL, EXTRA, NULL, "mean CPU frequency between repetitions (cpufreq)", g_freq_mhz,
     s_freq_mhz, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"freq_drop_pct", F, "%", NULL, EXTRA, NULL, "lowest sampled CPU frequency below the first sample's",
     g_freq_drop_pct, s_freq_drop_pct, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"swap_pages", I, "pages", NULL, EXTRA, NULL, "pages swapped in and out on the machine during the test",
     g_swap_pages, s_swap_pages, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"throttled", I, NULL, NULL, EXTRA, NULL, "thermal throttling events during the test (thermal_throttle)",
     g_throttled, s_throttled, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"spread_pct", F, "%", NULL, EXTRA, NULL, "scaled MAD / median of samples_ts", g_spread_pct, s_spread_pct, NULL, 0,
     LLMB_MD_NEVER, 0, NULL},
    {"drift", S, NULL, NULL, EXTRA, NULL,
     "what the order of the samples shows, flags joined by ',': warmup, trend; null when none", g_drift, s_drift, NULL,
     0, LLMB_MD_NEVER, 0, NULL},
    {"drift_pct", F, "%", NULL, EXTRA, NULL,
     "median t/s of the last third of the repetitions against the first third's (after slow first ones)", g_drift_pct,
     s_drift_pct, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"drift_rho", F, NULL, NULL, EXTRA, NULL, "Spearman rank correlation of t/s with the repetition's index",
     g_drift_rho, s_drift_rho, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"warmup_reps", I, NULL, NULL, EXTRA, NULL, "first repetitions slower than all the rest (0: none)", g_warmup_reps,
     s_warmup_reps, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"warmup_slow_pct", F, "%", NULL, EXTRA, NULL, "how much slower they were than the rest's median",
     g_warmup_slow_pct, s_warmup_slow_pct, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"warmup_runs", I, NULL, NULL, EXTRA, NULL, "warm-up runs before the repetitions (--warmup)", g_warmup_runs,
     s_warmup_runs, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    /* serving load (docs/metrics.md, Serving load) */
    {"load_profile", S, NULL, NULL, EXTRA, NULL,
     "load: endpoint, concurrency (c), request rate, burstiness, input/output lengths, dataset", g_load_profile,
     s_load_profile, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"load_url", S, NULL, NULL, EXTRA, NULL, "load: the server (no user or password; never the API key)", g_lt_url,
     s_lt_url, NULL, 0, LLMB_MD_NEVER, 0, NULL},
    {"load_endpoint", S, NULL, NULL, EXTRA, NULL, "load: completions or chat", g_lt_endpoint, s_lt_endpoint, NULL, 0,
     LLMB_MD_NEVER, 0, NULL},
    {"load_errors", S, NULL, NULL, EXTRA, NULL,
     "load: failed requests by kind (http_429:3,dropped:2...); null when none failed", g_lt_errors, s_lt_errors, NULL,
     0, LLMB_MD_NEVER, 0, NULL},
    {"load_slo", S, NULL, NULL, EXTRA, NULL, "load: the goals goodput counts against (--slo)", g_lt_slo, s_lt_slo, NULL,
     0, LLMB_MD_NEVER, 0, NULL},
    {"load_token_counts", S, NULL, NULL, EXTRA, NULL,
     "load: where token counts come from: usage (the server's), counted (chunks with text), mixed", g_lt_counts,
     s_lt_counts, NULL, 0, LLMB_MD_NEVER, 0, NULL},
#define LOAD_ROW(id, name, type, unit, doc)                                                                            \
    {name,      type == 'I' ? I : F, unit, NULL, EXTRA,         NULL, "load: " doc,                                    \
     g_lf_##id, s_lf_##id,           NULL, 0,    LLMB_MD_NEVER, 0,    NULL},
    LLMB_LOAD_FIGURES(LOAD_ROW)
#undef LOAD_ROW
    /* where a stored result lives (export) */
    OWN("run_id", I, NULL, ORIG, "the stored run", g_run_id, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("instance_key", S, NULL, ORIG, "the test's canonical key in the store (compare matches on it)", g_key, NULL, 0,
        LLMB_MD_NEVER, 0, NULL),
    OWN("model_sha256", S, NULL, ORIG, "the model's identity: SHA-256 of its GGUF header and tensor index", g_sha, NULL,
        0, LLMB_MD_NEVER, 0, NULL),
    OWN("tags", S, NULL, ORIG, "the run's tags", g_tags, NULL, 0, LLMB_MD_NEVER, 0, NULL),
    OWN("host", S, NULL, ORIG, "the machine that ran it", g_host, NULL, 0, LLMB_MD_NEVER, 0, NULL),
};

const struct llmb_field *llmb_result_fields(size_t *n)
{
    *n = sizeof fields / sizeof fields[0];
    return fields;
}

const struct llmb_field *llmb_result_field(const char *name)
{
    for (size_t i = 0; name && i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(fields[i].name, name))
            return &fields[i];
    return NULL;
}

void llmb_value_text(const struct llmb_field *f, const struct llmb_value *v, char *buf, size_t len)
{
    if (!v->known) {
        buf[0] = 0;
        return;
    }
    switch (f->type) {
    case LLMB_FIELD_STRING: snprintf(buf, len, "%s", v->s); break;
    case LLMB_FIELD_INT: snprintf(buf, len, "%lld", v->i); break;
    case LLMB_FIELD_BOOL: snprintf(buf, len, "%d", v->i != 0); break;
    case LLMB_FIELD_FLOAT: snprintf(buf, len, "%f", v->d); break;
    default: buf[0] = 0;
    }
}

void llmb_result_suite_tally(const struct llmb_result *r, struct llmb_suite_tally *t)
{
    double sum = 0;
    memset(t, 0, sizeof *t);
    t->n = r->answers ? r->n_answers : 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct llmb_suite_answer *a = &r->answers[i];
        if (a->pass >= 0) {
            t->checked++;
            t->passed += a->pass > 0;
        }
        if (a->similarity >= 0) {
            t->n_sim++;
            sum += a->similarity;
        }
    }
    t->similarity = t->n_sim ? sum / (double)t->n_sim : NAN;
}
