/* perplexity.c - perplexity exactly as llama-perplexity computes it: the text
 * tokenized with BOS, cut into chunks of n_ctx tokens, n_batch / n_ctx chunks
 * evaluated per pass as parallel sequences, each chunk's first token replaced
 * by BOS, only the second half of every chunk scored; PPL = exp(mean NLL) with
 * llama-perplexity's +/- estimate. Optionally saves this model's top-k
 * log-probabilities as a KL-divergence reference, or compares against one
 * (then the reference's tokens are scored). Log-softmax runs on all cores, as
 * llama-perplexity's does; sums are taken in token order (deterministic). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "llmbench/quality.h"
#include "logref.h"

struct llmb_ppl_params llmb_ppl_default_params(void)
{
    struct llmb_ppl_params p;
    memset(&p, 0, sizeof p);
    p.n_ctx = 512;
    p.n_batch = 2048;
    p.n_ubatch = 512;
    p.n_chunks = -1;
    p.top_k = 32;
    return p;
}

/* ---- text ------------------------------------------------------------------ */

static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

int llmb_text_read(const char *path, char **out, size_t *len, struct llmb_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return llmb_error_set(err, LLMB_E_IO, "text file '%s': %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return llmb_error_set(err, LLMB_E_INVAL, "text file '%s' is not a regular file", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return llmb_error_set(err, LLMB_E_IO, "text file '%s': %s", path, strerror(errno));
    char *buf = malloc((size_t)sb.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory reading '%s'", path);
    if (bad) {
        free(buf);
        return llmb_error_set(err, LLMB_E_IO, "cannot read text file '%s'", path);
    }
    buf[n] = 0;
    if (n > 0 && buf[n - 1] == '\n') /* as llama.cpp's -f */
        buf[--n] = 0;
    int rc = LLMB_OK;
    if (n == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "text file '%s' is empty", path);
    else if (memchr(buf, 0, n) || !valid_utf8((const unsigned char *)buf, n))
        rc = llmb_error_set(err, LLMB_E_INVAL, "text file '%s' is binary, not UTF-8 text", path);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return LLMB_OK;
}

/* ---- per-token work, on all cores ------------------------------------------ */

struct row_job {
    const float   *logits;   /* n_rows x n_vocab */
    const int32_t *next;     /* the token each row should predict */
    int            n_rows, n_vocab;
    /* outputs per row */
    double        *nll;
    /* saving a reference */
    unsigned char *rec_out;
    uint32_t       top_k;
    /* comparing with one */
    const unsigned char *rec_in;
    uint32_t       ref_k;
    float         *kld, *dp;
    unsigned char *same_top;
};

struct worker {
    const struct row_job *job;
    int from, to;
};

static void one_row(const struct row_job *j, int r)
{
    const float *l = j->logits + (size_t)r * j->n_vocab;
    float max = l[0];
    int argmax = 0;
    for (int i = 1; i < j->n_vocab; i++)
        if (l[i] > max) {
            max = l[i];
            argmax = i;
        }
    double sum = 0.0;
    for (int i = 0; i < j->n_vocab; i++)
        sum += expf(l[i] - max);
    const double lse = log(sum);
    const int32_t tok = j->next[r];
    j->nll[r] = -(l[tok] - max - lse);
    if (j->rec_out)
        llmb_logref_fill(j->rec_out + (size_t)r * llmb_logref_record_size(j->top_k), l, j->n_vocab, max, lse, tok,
                         j->top_k);
    if (j->rec_in) {
        const unsigned char *rec = j->rec_in + (size_t)r * llmb_logref_record_size(j->ref_k);
        float base_corr;
        memcpy(&base_corr, rec, 4);
        const int32_t *ids = (const int32_t *)(const void *)(rec + 4);
        const float *lp = (const float *)(const void *)(rec + 4 + 4 * (size_t)j->ref_k);
        /* the test model's log-probs at the reference's stored (float) precision,
         * so identical distributions give exactly 0 */
        double kl = 0, p_sum = 0, q_sum = 0;
        for (uint32_t k = 0; k < j->ref_k; k++) {
            if (ids[k] < 0 || ids[k] >= j->n_vocab)
                continue;
            const float lq = (float)(l[ids[k]] - max - lse);
            const double p = exp((double)lp[k]);
            kl += p * ((double)lp[k] - (double)lq);
            p_sum += p;
            q_sum += exp((double)lq);
        }
        /* the mass outside the reference's top-k, as one more outcome */
        double p_rest = 1.0 - p_sum, q_rest = 1.0 - q_sum;
        if (p_rest > 1e-12 && p_rest != q_rest)
            kl += p_rest * (log(p_rest) - log(q_rest > 1e-30 ? q_rest : 1e-30));
        j->kld[r] = (float)(kl > 0 ? kl : 0);
        const float corr = (float)(l[tok] - max - lse);
        j->dp[r] = (float)(exp((double)corr) - exp((double)base_corr));
        j->same_top[r] = ids[0] == argmax;
    }
}

static void *work(void *arg)
{
    struct worker *w = arg;
    for (int r = w->from; r < w->to; r++)
        one_row(w->job, r);
    return NULL;
}

static void run_rows(const struct row_job *job, int n_threads)
{
    enum { MAXT = 256 };
    n_threads = n_threads < 1 ? 1 : n_threads > MAXT ? MAXT : n_threads;
    pthread_t th[MAXT];
    struct worker w[MAXT];
    int created[MAXT] = {0};
    int per = (job->n_rows + n_threads - 1) / n_threads;
    for (int t = 0; t < n_threads; t++) {
        int from = t * per < job->n_rows ? t * per : job->n_rows;
        int to = from + per < job->n_rows ? from + per : job->n_rows;
        w[t] = (struct worker){job, from, to};
    }
    for (int t = 1; t < n_threads; t++)
        if (w[t].from < w[t].to && !(created[t] = pthread_create(&th[t], NULL, work, &w[t]) == 0))
            work(&w[t]); /* no thread: do it here */
    work(&w[0]);
    for (int t = 1; t < n_threads; t++)
        if (created[t])
            pthread_join(th[t], NULL);
}

/* ---- statistics ------------------------------------------------------------------ */

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* llama-perplexity's percentile: sorted v, element at p * (n - 1) rounded down */
static double percentile(const float *sorted, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1));
    return sorted[i < n ? i : n - 1];
}

static void mean_unc(double sum, double sum2, double n, double *mean, double *unc)
{
    *mean = sum / n;
    double var = sum2 / n - *mean * *mean;
    *unc = n > 1 && var > 0 ? sqrt(var / (n - 1)) : 0;
}

/* ---- the run ------------------------------------------------------------------------- */

static int ncpu(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

int llmb_ppl_run(const struct llmb_engine_ops *e, void *st, const struct llmb_model_info *mi,
                 const struct llmb_ppl_params *p, struct llmb_ppl_result *out, struct llmb_context_info *applied,
                 struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    if (!e->eval || !e->tokenize)
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "engine %s cannot score text", e->name);
    if (p->top_k < 1 || p->top_k > 1024)
        return llmb_error_set(err, LLMB_E_INVAL, "--top-k must be in [1, 1024]");
    struct llmb_logref ref;
    memset(&ref, 0, sizeof ref);
    int rc = LLMB_OK;
    int n_ctx = p->n_ctx;
    int32_t *tokens = NULL;
    int n_tokens = 0;
    if (p->ref_in) {
        if ((rc = llmb_logref_open(&ref, p->ref_in, mi->vocab_hash, mi->n_vocab, err)))
            return rc;
        n_ctx = (int)ref.h.n_ctx;
        n_tokens = (int)(ref.h.n_chunk * ref.h.n_ctx);
    } else {
        char *text;
        size_t len;
        if ((rc = llmb_text_read(p->text_path, &text, &len, err)))
            return rc;
        rc = e->tokenize(st, text, len, 1, &tokens, &n_tokens, err);
        free(text);
        if (rc)
            return rc;
    }
    if (n_ctx < 8 || n_ctx % 2)
        rc = llmb_error_set(err, LLMB_E_INVAL, "context %d: must be an even number >= 8", n_ctx);
    else if (mi->n_ctx_train > 0 && n_ctx > mi->n_ctx_train)
        rc = llmb_error_set(err, LLMB_E_INVAL, "context %d is larger than the model's (%d)", n_ctx, mi->n_ctx_train);
    else if (n_tokens < 2 * n_ctx)
        rc = llmb_error_set(err, LLMB_E_INVAL, "text '%s' has %d tokens; perplexity with a context of %d needs at "
                            "least %d (two chunks)", p->text_path ? p->text_path : "", n_tokens, n_ctx, 2 * n_ctx);
    if (rc)
        goto done;

    const int n_batch_in = p->n_batch > 0 ? p->n_batch : 2048;
    const int n_seq = n_batch_in / n_ctx > 1 ? n_batch_in / n_ctx : 1;
    const int n_batch = n_batch_in < n_ctx * n_seq ? n_batch_in : n_ctx * n_seq;
    const int n_chunk_max = n_tokens / n_ctx;
    const int n_chunk = p->n_chunks < 0 || p->n_chunks > n_chunk_max ? n_chunk_max : p->n_chunks;
    const int first = n_ctx / 2, per_seq = n_ctx - 1 - first, n_vocab = mi->n_vocab;
    if (p->n_chunks == 0 || n_chunk < 1) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "no chunk to score");
        goto done;
    }
    struct llmb_context_params cp = {
        .n_ctx = n_ctx * n_seq, .n_batch = n_batch, .n_ubatch = p->n_ubatch > 0 ? p->n_ubatch : 512,
        .type_k = "f16", .type_v = "f16", .flash_attn = -1, .n_threads = p->n_threads > 0 ? p->n_threads : 1,
        .n_seq = n_seq,
    };
    if ((rc = e->context(st, &cp, applied, err)))
        goto done;
    /* warm-up, as llama-perplexity's common init does: one token through the
     * model (buffers allocated, weights paged in), then a clean memory */
    if (e->prefill && e->reset) {
        int32_t bos = mi->bos >= 0 ? mi->bos : 0;
        if ((rc = e->prefill(st, &bos, 1, n_batch, err)) || (rc = e->reset(st)))
            goto done;
    }

    const int rows_max = n_seq * per_seq;
    const int32_t *all = p->ref_in ? ref.tokens : tokens;
    int32_t *batch_tok = malloc(sizeof(int32_t) * (size_t)n_seq * n_ctx);
    int32_t *next = malloc(sizeof(int32_t) * (size_t)rows_max);
    double *nll = malloc(sizeof(double) * (size_t)rows_max);
    size_t n_rec = (size_t)n_chunk * per_seq;
    float *kld = p->ref_in ? malloc(sizeof(float) * n_rec) : NULL;
    float *dp = p->ref_in ? malloc(sizeof(float) * n_rec) : NULL;
    unsigned char *same = p->ref_in ? malloc(n_rec) : NULL;
    unsigned char *recs = p->ref_out ? malloc(llmb_logref_record_size((uint32_t)p->top_k) * (size_t)rows_max) : NULL;
    struct llmb_logref_writer w;
    int writing = 0;
    if (!batch_tok || !next || !nll || (p->ref_in && (!kld || !dp || !same)) || (p->ref_out && !recs)) {
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        goto free_all;
    }
    if (p->ref_out) {
        struct llmb_logref_header h = {.n_ctx = (uint32_t)n_ctx, .n_vocab = (uint32_t)n_vocab,
                                       .n_chunk = (uint32_t)n_chunk, .top_k = (uint32_t)p->top_k,
                                       .first = (uint32_t)first, .vocab_hash = mi->vocab_hash,
                                       .n_records = n_rec};
        snprintf(h.text_sha256, sizeof h.text_sha256, "%s", p->text_sha256 ? p->text_sha256 : "");
        snprintf(h.model_name, sizeof h.model_name, "%.63s", base_name(mi->path));
        if ((rc = llmb_logref_create(&w, p->ref_out, &h, all, err)))
            goto free_all;
        writing = 1;
    }
    double sum = 0, sum2 = 0, ref_sum = 0;
    long count = 0;
    const int add_bos = mi->add_bos;
    uint64_t t_all = llmb_clock_ns();
    for (int i = 0; i < n_chunk && !rc; i += n_seq) {
        const int n_seq_batch = n_seq < n_chunk - i ? n_seq : n_chunk - i;
        for (int q = 0; q < n_seq_batch; q++) {
            memcpy(batch_tok + (size_t)q * n_ctx, all + (size_t)(i + q) * n_ctx, sizeof(int32_t) * (size_t)n_ctx);
            if (add_bos)
                batch_tok[(size_t)q * n_ctx] = mi->bos;
            for (int k = 0; k < per_seq; k++)
                next[q * per_seq + k] = all[(size_t)(i + q) * n_ctx + first + k + 1];
        }
        const float *logits;
        uint64_t t0 = llmb_clock_ns();
        if ((rc = e->eval(st, batch_tok, n_seq_batch, n_ctx, first, n_batch, &logits, err)))
            break;
        if (i == 0)
            out->seconds_per_pass = (double)(llmb_clock_ns() - t0) / 1e9;
        /* rows: (n_ctx - first) per sequence, the last of each predicts nothing */
        for (int q = 0; q < n_seq_batch && !rc; q++) {
            size_t rec0 = (size_t)(i + q) * per_seq;
            struct row_job job = {
                .logits = logits + (size_t)q * (n_ctx - first) * n_vocab, .next = next + q * per_seq,
                .n_rows = per_seq, .n_vocab = n_vocab, .nll = nll + q * per_seq,
                .rec_out = recs ? recs + (size_t)q * per_seq * llmb_logref_record_size((uint32_t)p->top_k) : NULL,
                .top_k = (uint32_t)p->top_k,
                .rec_in = p->ref_in ? ref.records + rec0 * llmb_logref_record_size(ref.h.top_k) : NULL,
                .ref_k = ref.h.top_k,
                .kld = kld ? kld + rec0 : NULL, .dp = dp ? dp + rec0 : NULL, .same_top = same ? same + rec0 : NULL,
            };
            run_rows(&job, ncpu());
            for (int k = 0; k < per_seq; k++) {
                sum += nll[q * per_seq + k];
                sum2 += nll[q * per_seq + k] * nll[q * per_seq + k];
                if (p->ref_in) {
                    float bc;
                    memcpy(&bc, ref.records + (rec0 + k) * llmb_logref_record_size(ref.h.top_k), 4);
                    ref_sum -= bc;
                }
            }
            count += per_seq;
            if (writing)
                rc = llmb_logref_append(&w, job.rec_out, (size_t)per_seq, err);
            if (p->progress)
                p->progress(i + q + 1, n_chunk, exp(sum / (double)count), p->user);
        }
    }
    out->seconds = (double)(llmb_clock_ns() - t_all) / 1e9;
    if (!rc) {
        double mean = sum / (double)count, var = sum2 / (double)count - mean * mean;
        out->ppl = exp(mean);
        out->ppl_err = var > 0 ? sqrt(var / (double)(count - 1)) * out->ppl : 0;
        out->n_ctx = n_ctx;
        out->n_chunks = n_chunk;
        out->n_seq = n_seq;
        out->n_scored = count;
        out->n_text_tokens = n_tokens;
        out->tokens_per_s = out->seconds > 0 ? (double)n_chunk * n_ctx / out->seconds : 0;
    }
    if (writing) {
        w.h.ppl = out->ppl;
        w.h.ppl_err = out->ppl_err;
        if (!rc)
            rc = llmb_logref_finish(&w, err);
        else
            llmb_logref_abort(&w);
    }
    if (!rc && p->ref_in) {
        double s = 0, s2 = 0, d = 0, d2 = 0, d4 = 0, t = 0;
        for (size_t k = 0; k < n_rec; k++) {
            s += kld[k];
            s2 += (double)kld[k] * kld[k];
            d += dp[k];
            d2 += (double)dp[k] * dp[k];
            d4 += (double)dp[k] * dp[k] * dp[k] * dp[k];
            t += same[k];
        }
        double nr = (double)n_rec, msq, msq_unc;
        mean_unc(s, s2, nr, &out->kld_mean, &out->kld_err);
        mean_unc(d, d2, nr, &out->mean_dp, &out->mean_dp_err);
        mean_unc(d2, d4, nr, &msq, &msq_unc);
        out->rms_dp = sqrt(msq);
        out->rms_dp_err = out->rms_dp > 0 ? 0.5 / out->rms_dp * msq_unc : 0;
        out->top1 = t / nr;
        out->top1_err = n_rec > 1 ? sqrt(out->top1 * (1 - out->top1) / (nr - 1)) : 0;
        qsort(kld, n_rec, sizeof *kld, cmp_float);
        out->kld_median = n_rec % 2 ? kld[n_rec / 2] : 0.5 * (kld[n_rec / 2 - 1] + kld[n_rec / 2]);
        out->kld_p99 = percentile(kld, n_rec, 0.99);
        out->kld_max = kld[n_rec - 1];
        out->ref_ppl = ref.h.ppl > 0 ? ref.h.ppl : exp(ref_sum / nr); /* the reference's own figure */
        out->ppl_ratio = out->ref_ppl > 0 ? out->ppl / out->ref_ppl : 0;
        out->have_kld = 1;
    }
free_all:
    free(batch_tok);
    free(next);
    free(nll);
    free(kld);
    free(dp);
    free(same);
    free(recs);
done:
    free(tokens);
    llmb_logref_close(&ref);
    return rc;
}
