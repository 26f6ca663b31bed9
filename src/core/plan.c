/* plan.c - the test matrix: llama-bench's defaults for every parameter list,
 * validation, expansion in llama-bench's order, numbering of repeated tests,
 * which instances share a model, and the names of modes, kinds and tests.
 * The lists and their syntax are plan_parse.c's. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/plan.h"

#define LLMB_MAX_TEST_TOKENS (1 << 24) /* no model has a longer context */

static const char *const split_names[LLMB_SPLIT_COUNT] = {"layer", "none", "row", "tensor"};
static const char *const load_names[LLMB_LOAD_COUNT] = {"auto", "none", "mmap", "mlock", "mmap+mlock", "dio"};
static const char *const lazy_names[LLMB_LAZY_COUNT] = {"auto", "off", "on"};

static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

const char *llmb_split_mode_name(int m) { return m >= 0 && m < LLMB_SPLIT_COUNT ? split_names[m] : "unknown"; }
const char *llmb_load_mode_name(int m) { return m >= 0 && m < LLMB_LOAD_COUNT ? load_names[m] : "unknown"; }
const char *llmb_lazy_mode_name(int m) { return m >= 0 && m < LLMB_LAZY_COUNT ? lazy_names[m] : "unknown"; }
int llmb_split_mode_parse(const char *name) { return name_index(split_names, LLMB_SPLIT_COUNT, name); }
int llmb_load_mode_parse(const char *name) { return name_index(load_names, LLMB_LOAD_COUNT, name); }
int llmb_lazy_mode_parse(const char *name) { return name_index(lazy_names, LLMB_LAZY_COUNT, name); }

void llmb_instance_init(struct llmb_instance *in)
{
    memset(in, 0, sizeof *in);
    in->kind = LLMB_WL_SPEED;
    in->n_gpu_layers = -1;
    in->n_batch = 2048;
    in->n_ubatch = 512;
    in->type_k = in->type_v = "f16";
    in->flash_attn = LLMB_FA_AUTO;
    in->n_prompt = 512;
}

int llmb_instance_poll(const struct llmb_instance *in)
{
    return in->poll > 0 ? in->poll - 1 : LLMB_DEFAULT_POLL;
}

static int default_int(struct llmb_int_list *l, int v)
{
    return l->n ? LLMB_OK : llmb_int_list_push(l, v);
}

static int default_str(struct llmb_str_list *l, const char *v)
{
    return l->n ? LLMB_OK : llmb_str_list_push(l, v);
}

int llmb_bench_params_defaults(struct llmb_bench_params *p, int default_threads)
{
    /* -p/-n given only as -pg: llama-bench still runs its pp512/tg128 defaults */
    int rc = default_int(&p->n_prompt, 512);
    rc = rc ? rc : default_int(&p->n_gen, 128);
    rc = rc ? rc : default_int(&p->n_depth, 0);
    rc = rc ? rc : default_int(&p->n_batch, 2048);
    rc = rc ? rc : default_int(&p->n_ubatch, 512);
    rc = rc ? rc : default_str(&p->type_k, "f16");
    rc = rc ? rc : default_str(&p->type_v, "f16");
    rc = rc ? rc : default_int(&p->n_threads, default_threads);
    rc = rc ? rc : default_int(&p->n_gpu_layers, -1);
    rc = rc ? rc : default_int(&p->flash_attn, LLMB_FA_AUTO);
    rc = rc ? rc : default_str(&p->cpu_mask, LLMB_DEFAULT_CPU_MASK);
    rc = rc ? rc : default_int(&p->cpu_strict, 0);
    rc = rc ? rc : default_int(&p->poll, LLMB_DEFAULT_POLL);
    rc = rc ? rc : default_int(&p->n_cpu_moe, 0);
    rc = rc ? rc : default_int(&p->split_mode, LLMB_SPLIT_LAYER);
    rc = rc ? rc : default_int(&p->main_gpu, 0);
    rc = rc ? rc : default_int(&p->no_kv_offload, 0);
    rc = rc ? rc : default_str(&p->devices, LLMB_DEFAULT_DEVICES);
    rc = rc ? rc : default_str(&p->tensor_split, "");
    rc = rc ? rc : default_str(&p->tensor_buft_overrides, "none");
    rc = rc ? rc : default_int(&p->load_mode, LLMB_LOAD_AUTO);
    rc = rc ? rc : default_int(&p->lazy_mode, LLMB_LAZY_AUTO);
    rc = rc ? rc : default_int(&p->embeddings, 0);
    rc = rc ? rc : default_int(&p->no_op_offload, 0);
    rc = rc ? rc : default_int(&p->no_host, 0);
    rc = rc ? rc : default_int(&p->fit_target, 0);
    rc = rc ? rc : default_int(&p->fit_min_ctx, 0);
    return rc;
}

static long long max_of(const struct llmb_int_list *l)
{
    long long m = 0;
    for (size_t i = 0; i < l->n; i++)
        m = l->v[i] > m ? l->v[i] : m;
    return m;
}

int llmb_bench_params_validate(const struct llmb_bench_params *p, struct llmb_error *err)
{
    if (p->models.n == 0)
        return llmb_error_set(err, LLMB_E_INVAL, "no model given (use -m FILE)");
    for (size_t i = 0; i < p->n_threads.n; i++)
        if (p->n_threads.v[i] < 1)
            return llmb_error_set(err, LLMB_E_INVAL, "thread count must be at least 1 (got %d)", p->n_threads.v[i]);
    for (size_t i = 0; i < p->n_batch.n; i++)
        if (p->n_batch.v[i] < 1)
            return llmb_error_set(err, LLMB_E_INVAL, "batch size must be at least 1 (got %d)", p->n_batch.v[i]);
    for (size_t i = 0; i < p->n_ubatch.n; i++)
        if (p->n_ubatch.v[i] < 1)
            return llmb_error_set(err, LLMB_E_INVAL, "micro-batch size must be at least 1 (got %d)", p->n_ubatch.v[i]);
    /* KV cache types are the engine's to know (its check) */
    int any = 0;
    for (size_t i = 0; i < p->n_prompt.n; i++)
        any |= p->n_prompt.v[i] > 0;
    for (size_t i = 0; i < p->n_gen.n; i++)
        any |= p->n_gen.v[i] > 0;
    any |= p->pg.n > 0;
    if (!any)
        return llmb_error_set(err, LLMB_E_INVAL, "nothing to run: every -p and -n is 0 and no -pg given");
    for (size_t i = 0; i + 1 < p->pg.n; i += 2)
        if (p->pg.v[i] == 0 && p->pg.v[i + 1] == 0)
            return llmb_error_set(err, LLMB_E_INVAL, "-pg 0,0 runs nothing");
    /* the longest test's context (depth + prompt, + generated): runners add them in int */
    long long most = max_of(&p->n_prompt) > max_of(&p->n_gen) ? max_of(&p->n_prompt) : max_of(&p->n_gen);
    for (size_t i = 0; i + 1 < p->pg.n; i += 2)
        if ((long long)p->pg.v[i] + p->pg.v[i + 1] > most)
            most = (long long)p->pg.v[i] + p->pg.v[i + 1];
    most += max_of(&p->n_depth);
    if (most > LLMB_MAX_TEST_TOKENS)
        return llmb_error_set(err, LLMB_E_INVAL, "a test of %lld tokens (depth + prompt + generated) is over the "
                              "limit of %d", most, LLMB_MAX_TEST_TOKENS);
    return LLMB_OK;
}

void llmb_bench_params_free(struct llmb_bench_params *p)
{
    llmb_str_list_free(&p->models);
    llmb_int_list_free(&p->n_prompt);
    llmb_int_list_free(&p->n_gen);
    llmb_int_list_free(&p->pg);
    llmb_int_list_free(&p->n_depth);
    llmb_int_list_free(&p->n_batch);
    llmb_int_list_free(&p->n_ubatch);
    llmb_str_list_free(&p->type_k);
    llmb_str_list_free(&p->type_v);
    llmb_int_list_free(&p->n_threads);
    llmb_int_list_free(&p->n_gpu_layers);
    llmb_int_list_free(&p->flash_attn);
    llmb_str_list_free(&p->cpu_mask);
    llmb_int_list_free(&p->cpu_strict);
    llmb_int_list_free(&p->poll);
    llmb_int_list_free(&p->n_cpu_moe);
    llmb_int_list_free(&p->split_mode);
    llmb_int_list_free(&p->main_gpu);
    llmb_int_list_free(&p->no_kv_offload);
    llmb_str_list_free(&p->devices);
    llmb_str_list_free(&p->tensor_split);
    llmb_str_list_free(&p->tensor_buft_overrides);
    llmb_int_list_free(&p->load_mode);
    llmb_int_list_free(&p->lazy_mode);
    llmb_int_list_free(&p->embeddings);
    llmb_int_list_free(&p->no_op_offload);
    llmb_int_list_free(&p->no_host);
    llmb_int_list_free(&p->fit_target);
    llmb_int_list_free(&p->fit_min_ctx);
}

/* Strings compared as llama-bench would: NULL is the default. */
static int str_eq(const char *a, const char *b, const char *def)
{
    return !strcmp(a ? a : def, b ? b : def);
}

/* Orders identical speed instances together (every parameter, the model
 * path), then by position: the sort behind duplicate numbering. */
static int same_test(const struct llmb_instance *a, const struct llmb_instance *b)
{
    return a->kind == b->kind && str_eq(a->model, b->model, "") && a->n_gpu_layers == b->n_gpu_layers &&
           a->n_batch == b->n_batch && a->n_ubatch == b->n_ubatch && str_eq(a->type_k, b->type_k, "") &&
           str_eq(a->type_v, b->type_v, "") && a->flash_attn == b->flash_attn && a->n_threads == b->n_threads &&
           a->n_depth == b->n_depth && a->n_prompt == b->n_prompt && a->n_gen == b->n_gen &&
           str_eq(a->cpu_mask, b->cpu_mask, LLMB_DEFAULT_CPU_MASK) && a->cpu_strict == b->cpu_strict &&
           llmb_instance_poll(a) == llmb_instance_poll(b) && a->n_cpu_moe == b->n_cpu_moe && a->split_mode == b->split_mode &&
           a->main_gpu == b->main_gpu && a->no_kv_offload == b->no_kv_offload &&
           str_eq(a->devices, b->devices, LLMB_DEFAULT_DEVICES) && str_eq(a->tensor_split, b->tensor_split, "") &&
           str_eq(a->tensor_buft_overrides, b->tensor_buft_overrides, "none") && a->load_mode == b->load_mode &&
           a->lazy_mode == b->lazy_mode && a->embeddings == b->embeddings && a->no_op_offload == b->no_op_offload &&
           a->no_host == b->no_host && a->fit_target == b->fit_target && a->fit_min_ctx == b->fit_min_ctx;
}

/* A 64-bit digest of what same_test compares (equal tests, equal digests). */
static uint64_t test_digest(const struct llmb_instance *in)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%d|%s|%d|%d|%d|%s|%s|%d|%d|%d|%d|%d|%s|%d|%d|%d|%d|%d|%d|%s|%s|%s|%d|%d|%d|%d|%d|%d|%d",
             in->kind, in->model ? in->model : "", in->n_gpu_layers, in->n_batch, in->n_ubatch,
             in->type_k ? in->type_k : "", in->type_v ? in->type_v : "", in->flash_attn, in->n_threads, in->n_depth,
             in->n_prompt, in->n_gen, in->cpu_mask ? in->cpu_mask : LLMB_DEFAULT_CPU_MASK, in->cpu_strict,
             llmb_instance_poll(in),
             in->n_cpu_moe, in->split_mode, in->main_gpu, in->no_kv_offload,
             in->devices ? in->devices : LLMB_DEFAULT_DEVICES, in->tensor_split ? in->tensor_split : "",
             in->tensor_buft_overrides ? in->tensor_buft_overrides : "none", in->load_mode, in->lazy_mode,
             in->embeddings, in->no_op_offload, in->no_host, in->fit_target, in->fit_min_ctx);
    uint64_t h = 14695981039346656037ull; /* FNV-1a 64 */
    for (const char *p = buf; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h;
}

struct dup_entry {
    uint64_t digest;
    size_t   index;
};

static int dup_cmp(const void *x, const void *y)
{
    const struct dup_entry *a = x, *b = y;
    if (a->digest != b->digest)
        return a->digest < b->digest ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

int llmb_instances_number_duplicates(struct llmb_instance *const *v, size_t n)
{
    struct dup_entry *e = malloc((n ? n : 1) * sizeof *e);
    if (!e)
        return LLMB_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        v[i]->occurrence = 0;
        e[i] = (struct dup_entry){.digest = test_digest(v[i]), .index = i};
    }
    qsort(e, n, sizeof *e, dup_cmp);
    /* within a run of equal digests, each instance counts the earlier equal ones */
    for (size_t i = 0; i < n; i++) {
        if (v[e[i].index]->kind != LLMB_WL_SPEED)
            continue;
        for (size_t j = i; j > 0 && e[j - 1].digest == e[i].digest; j--)
            if (same_test(v[e[j - 1].index], v[e[i].index])) {
                v[e[i].index]->occurrence = v[e[j - 1].index]->occurrence + 1;
                break;
            }
    }
    free(e);
    return LLMB_OK;
}

/* One list of the product: its length, and a loop variable. */
#define LISTS(X)                                                                                                     \
    X(models) X(fit_target) X(fit_min_ctx) X(n_gpu_layers) X(n_cpu_moe) X(split_mode) X(load_mode) X(lazy_mode)      \
    X(main_gpu) X(devices) X(tensor_split) X(tensor_buft_overrides) X(no_host) X(embeddings) X(no_op_offload)       \
    X(n_batch) X(n_ubatch) X(type_k) X(type_v) X(no_kv_offload) X(flash_attn) X(n_threads) X(cpu_mask)              \
    X(cpu_strict) X(n_depth) X(poll)

int llmb_plan_expand(const struct llmb_bench_params *p, struct llmb_instance **out, size_t *n_out,
                     struct llmb_error *err)
{
    size_t tests = p->pg.n / 2;
    for (size_t i = 0; i < p->n_prompt.n; i++)
        tests += p->n_prompt.v[i] > 0;
    for (size_t i = 0; i < p->n_gen.n; i++)
        tests += p->n_gen.v[i] > 0;
    size_t total = tests;
    enum { LIMIT = 100000 };
#define COUNT(l) total = p->l.n && total <= LIMIT ? total * p->l.n : (p->l.n ? LIMIT + 1 : 0);
    LISTS(COUNT)
#undef COUNT
    if (total == 0)
        return llmb_error_set(err, LLMB_E_INVAL, "the test matrix is empty");
    if (total > LIMIT)
        return llmb_error_set(err, LLMB_E_INVAL, "the test matrix has more than %d instances", LIMIT);
    struct llmb_instance *v = calloc(total, sizeof *v);
    struct llmb_instance **ptr = malloc(total * sizeof *ptr);
    if (!v || !ptr) {
        free(v);
        free(ptr);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    size_t k = 0, idx[32] = {0};
    enum {
#define ENUM(l) I_##l,
        LISTS(ENUM)
#undef ENUM
        I_COUNT
    };
    const size_t len[I_COUNT] = {
#define LEN(l) p->l.n,
        LISTS(LEN)
#undef LEN
    };
    for (;;) {
        struct llmb_instance base;
        llmb_instance_init(&base);
        base.model = p->models.v[idx[I_models]];
        base.fit_target = p->fit_target.v[idx[I_fit_target]];
        base.fit_min_ctx = p->fit_min_ctx.v[idx[I_fit_min_ctx]];
        base.n_gpu_layers = p->n_gpu_layers.v[idx[I_n_gpu_layers]];
        base.n_cpu_moe = p->n_cpu_moe.v[idx[I_n_cpu_moe]];
        base.split_mode = p->split_mode.v[idx[I_split_mode]];
        base.load_mode = p->load_mode.v[idx[I_load_mode]];
        base.lazy_mode = p->lazy_mode.v[idx[I_lazy_mode]];
        base.main_gpu = p->main_gpu.v[idx[I_main_gpu]];
        base.devices = p->devices.v[idx[I_devices]];
        base.tensor_split = p->tensor_split.v[idx[I_tensor_split]];
        base.tensor_buft_overrides = p->tensor_buft_overrides.v[idx[I_tensor_buft_overrides]];
        base.no_host = p->no_host.v[idx[I_no_host]];
        base.embeddings = p->embeddings.v[idx[I_embeddings]];
        base.no_op_offload = p->no_op_offload.v[idx[I_no_op_offload]];
        base.n_batch = p->n_batch.v[idx[I_n_batch]];
        base.n_ubatch = p->n_ubatch.v[idx[I_n_ubatch]];
        base.type_k = p->type_k.v[idx[I_type_k]];
        base.type_v = p->type_v.v[idx[I_type_v]];
        base.no_kv_offload = p->no_kv_offload.v[idx[I_no_kv_offload]];
        base.flash_attn = p->flash_attn.v[idx[I_flash_attn]];
        base.n_threads = p->n_threads.v[idx[I_n_threads]];
        base.cpu_mask = p->cpu_mask.v[idx[I_cpu_mask]];
        base.cpu_strict = p->cpu_strict.v[idx[I_cpu_strict]];
        base.n_depth = p->n_depth.v[idx[I_n_depth]];
        base.poll = p->poll.v[idx[I_poll]] + 1;
        base.n_prompt = 0;
        for (size_t i = 0; i < p->n_prompt.n; i++) {
            if (p->n_prompt.v[i] <= 0)
                continue;
            v[k] = base;
            v[k++].n_prompt = p->n_prompt.v[i];
        }
        for (size_t i = 0; i < p->n_gen.n; i++) {
            if (p->n_gen.v[i] <= 0)
                continue;
            v[k] = base;
            v[k++].n_gen = p->n_gen.v[i];
        }
        for (size_t i = 0; i + 1 < p->pg.n; i += 2) {
            v[k] = base;
            v[k].n_prompt = p->pg.v[i];
            v[k++].n_gen = p->pg.v[i + 1];
        }
        /* next combination: the last list turns fastest */
        int d = I_COUNT - 1;
        while (d >= 0 && ++idx[d] == len[d])
            idx[d--] = 0;
        if (d < 0)
            break;
    }
    for (size_t i = 0; i < k; i++)
        ptr[i] = &v[i];
    int rc = llmb_instances_number_duplicates(ptr, k);
    free(ptr);
    if (rc) {
        free(v);
        return llmb_error_set(err, rc, "out of memory");
    }
    *out = v;
    *n_out = k;
    return LLMB_OK;
}

int llmb_instance_same_model(const struct llmb_instance *a, const struct llmb_instance *b)
{
    return a && b && !strcmp(a->model, b->model) && a->n_gpu_layers == b->n_gpu_layers &&
           a->n_cpu_moe == b->n_cpu_moe && a->split_mode == b->split_mode && a->main_gpu == b->main_gpu &&
           str_eq(a->tensor_split, b->tensor_split, "") && a->load_mode == b->load_mode &&
           a->lazy_mode == b->lazy_mode && str_eq(a->devices, b->devices, LLMB_DEFAULT_DEVICES) &&
           a->no_host == b->no_host && str_eq(a->tensor_buft_overrides, b->tensor_buft_overrides, "none") &&
           !a->fit_target && !a->fit_min_ctx && !b->fit_target && !b->fit_min_ctx;
}

static const char *const kind_names[LLMB_WL_COUNT] = {"speed", "ppl", "kld", "suite", "load"};

const char *llmb_workload_kind_name(int kind)
{
    return kind >= 0 && kind < LLMB_WL_COUNT ? kind_names[kind] : "unknown";
}

int llmb_workload_kind_parse(const char *name)
{
    for (int k = 0; name && k < LLMB_WL_COUNT; k++)
        if (!strcmp(name, kind_names[k]))
            return k;
    return -1;
}

void llmb_instance_test_name(const struct llmb_instance *in, char *buf, size_t len)
{
    int w;
    if (in->kind == LLMB_WL_PPL || in->kind == LLMB_WL_KLD) {
        snprintf(buf, len, "%s c%d", llmb_workload_kind_name(in->kind), in->q ? in->q->n_ctx : 0);
        return;
    }
    if (in->kind == LLMB_WL_LOAD) {
        snprintf(buf, len, "load %s", in->load_profile ? in->load_profile : "");
        return;
    }
    if (in->kind == LLMB_WL_SUITE) {
        snprintf(buf, len, "suite %s", in->q && in->q->suite && in->q->suite->name ? in->q->suite->name : "");
        return;
    }
    if (in->n_prompt > 0 && in->n_gen == 0)
        w = snprintf(buf, len, "pp%d", in->n_prompt);
    else if (in->n_gen > 0 && in->n_prompt == 0)
        w = snprintf(buf, len, "tg%d", in->n_gen);
    else
        w = snprintf(buf, len, "pp%d+tg%d", in->n_prompt, in->n_gen);
    if (in->n_depth > 0 && w > 0 && (size_t)w < len)
        snprintf(buf + w, len - (size_t)w, " @ d%d", in->n_depth);
}

int llmb_plan_merge_by_model(const char *const *models, size_t n_models, const struct llmb_instance *a, size_t na,
                             const struct llmb_instance *b, size_t nb, struct llmb_instance **out, size_t *n_out)
{
    struct llmb_instance *all = malloc((na + nb + 1) * sizeof *all);
    if (!all)
        return LLMB_E_NOMEM;
    size_t k = 0;
    for (size_t j = 0; j < n_models; j++) {
        for (size_t i = 0; i < na; i++)
            if (!strcmp(a[i].model, models[j]))
                all[k++] = a[i];
        for (size_t i = 0; i < nb; i++)
            if (!strcmp(b[i].model, models[j]))
                all[k++] = b[i];
    }
    *out = all;
    *n_out = k;
    return LLMB_OK;
}
