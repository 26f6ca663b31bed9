/* events.c - the JSON form of the runner's events (docs/events.md, version
 * LLMB_EVENTS_VERSION) and the `--events FILE|-` log that writes them as
 * JSON Lines, one flushed line per event, so a reader (tail -f, the
 * dashboard) sees each as it happens. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "llmbench/events.h"
#include "llmbench/runner.h"
#include "jvalue.h"
#include "printer.h"

static const char *const names[LLMB_EV_COUNT] = {
    "run_started", "instance_started", "progress", "token", "sample", "instance_finished", "instance_failed",
    "run_finished",
};

const char *llmb_event_type_name(int type)
{
    return type >= 0 && type < LLMB_EV_COUNT ? names[type] : "unknown";
}

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null(); /* a progress value: NaN means none */
}

static json_t *instance_json(const struct llmb_instance *in)
{
    char test[96];
    llmb_instance_test_name(in, test, sizeof test);
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(llmb_workload_kind_name(in->kind)));
    json_object_set_new(o, "test", json_string(test));
    json_object_set_new(o, "model", llmb_jstr(in->model ? in->model : ""));
    json_object_set_new(o, "n_threads", json_integer(in->n_threads));
    if (in->kind == LLMB_WL_SPEED) {
        json_object_set_new(o, "n_prompt", json_integer(in->n_prompt));
        json_object_set_new(o, "n_gen", json_integer(in->n_gen));
        json_object_set_new(o, "n_depth", json_integer(in->n_depth));
        json_object_set_new(o, "n_batch", json_integer(in->n_batch));
        json_object_set_new(o, "n_ubatch", json_integer(in->n_ubatch));
        json_object_set_new(o, "n_gpu_layers", json_integer(in->n_gpu_layers));
        json_object_set_new(o, "occurrence", json_integer(in->occurrence + 1));
    } else if (in->kind == LLMB_WL_LOAD) {
        json_object_set_new(o, "url", llmb_jstr(in->load_url ? in->load_url : ""));
        json_object_set_new(o, "n_prompt", json_integer(in->n_prompt));
        json_object_set_new(o, "n_gen", json_integer(in->n_gen));
    } else {
        json_object_set_new(o, "ref_model", llmb_jstr(in->ref_model));
    }
    return o;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!k || k > n || (k == 2 && c < 0xc2))
        return 0;
    for (size_t j = 1; j < k; j++)
        if ((s[j] & 0xc0) != 0x80)
            return 0;
    return k;
}

/* A token's text: valid UTF-8 as it is, each invalid byte as U+FFFD; when
 * one was replaced, "raw_hex" keeps the exact bytes. */
static void set_token_text(json_t *o, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    char *out = malloc(3 * len + 1), *hex = NULL;
    size_t k = 0;
    for (size_t i = 0; out && i < len;) {
        size_t n = utf8_len(s + i, len - i);
        if (n && !(n == 1 && s[i] == 0)) {
            memcpy(out + k, s + i, n);
            k += n;
            i += n;
        } else {
            memcpy(out + k, "\xef\xbf\xbd", 3);
            k += 3;
            i++;
            hex = (char *)1;
        }
    }
    json_object_set_new(o, "text", out ? json_stringn(out, k) : json_string(""));
    free(out);
    if (hex && (hex = malloc(2 * len + 1))) {
        for (size_t i = 0; i < len; i++)
            snprintf(hex + 2 * i, 3, "%02x", s[i]);
        json_object_set_new(o, "raw_hex", json_string(hex));
        free(hex);
    }
}

static void now_rfc3339(char *buf, size_t len)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t s = tv.tv_sec;
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", gmtime_r(&s, &tm));
    snprintf(buf + n, len - n, ".%03dZ", (int)(tv.tv_usec / 1000));
}

char *llmb_event_json(const struct llmb_event *ev)
{
    char ts[40];
    now_rfc3339(ts, sizeof ts);
    json_t *o = json_object();
    json_object_set_new(o, "v", json_integer(LLMB_EVENTS_VERSION));
    json_object_set_new(o, "type", json_string(llmb_event_type_name(ev->type)));
    json_object_set_new(o, "time", json_string(ts));
    switch (ev->type) {
    case LLMB_EV_RUN_STARTED: {
        json_object_set_new(o, "n", json_integer((json_int_t)ev->n));
        json_t *k = json_object();
        for (int i = 0; i < LLMB_WL_COUNT; i++)
            json_object_set_new(k, llmb_workload_kind_name(i), json_integer((json_int_t)ev->n_kind[i]));
        json_object_set_new(o, "kinds", k);
        json_object_set_new(o, "estimate_s", ev->estimate_s >= 0 ? json_real(ev->estimate_s) : json_null());
        json_object_set_new(o, "run_id", ev->run_id ? json_integer(ev->run_id) : json_null());
        json_object_set_new(o, "interleave", json_boolean(ev->interleave));
        break;
    }
    case LLMB_EV_RUN_FINISHED:
        json_object_set_new(o, "n", json_integer((json_int_t)ev->n));
        json_object_set_new(o, "status", json_string(ev->status ? ev->status : "complete"));
        json_object_set_new(o, "done", json_integer((json_int_t)ev->n_done));
        json_object_set_new(o, "failed", json_integer((json_int_t)ev->n_failed));
        json_object_set_new(o, "run_id", ev->run_id ? json_integer(ev->run_id) : json_null());
        json_object_set_new(o, "error", ev->text && *ev->text ? llmb_jstr(ev->text) : json_null());
        break;
    default:
        json_object_set_new(o, "index", json_integer((json_int_t)ev->index));
        json_object_set_new(o, "n", json_integer((json_int_t)ev->n));
        if (ev->inst)
            json_object_set_new(o, "instance", instance_json(ev->inst));
        break;
    }
    switch (ev->type) {
    case LLMB_EV_PROGRESS:
        json_object_set_new(o, "phase", json_string(ev->phase ? ev->phase : ""));
        json_object_set_new(o, "i", json_integer(ev->i));
        json_object_set_new(o, "of", ev->of > 0 ? json_integer(ev->of) : json_null());
        json_object_set_new(o, "value", num(ev->value));
        break;
    case LLMB_EV_TOKEN:
        json_object_set_new(o, "prompt", json_integer(ev->i));
        set_token_text(o, ev->text, ev->text ? ev->len : 0);
        json_object_set_new(o, "t_ms", num(ev->t_ms));
        break;
    case LLMB_EV_SAMPLE:
        json_object_set_new(o, "value", num(ev->value));
        json_object_set_new(o, "unit", json_string(ev->unit ? ev->unit : ""));
        break;
    case LLMB_EV_INSTANCE_FINISHED:
        if (ev->result) {
            json_t *r = llmb_result_json(ev->result, 0);
            if (ev->result->n_answers)
                json_object_set_new(r, "answers", llmb_quality_answers_json(ev->result));
            json_object_set_new(o, "result", r);
        }
        break;
    case LLMB_EV_INSTANCE_FAILED:
        json_object_set_new(o, "reason", llmb_jstr(ev->text ? ev->text : "unknown"));
        break;
    default: break;
    }
    /* token text may hold part of a UTF-8 sequence: escaped, never dropped */
    char *s = llmb_json_escape(o) ? NULL : json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10));
    json_decref(o);
    return s;
}

struct llmb_event_log {
    FILE *f;
    int   own, failed;
};

int llmb_event_log_open(const char *path, struct llmb_event_log **out, struct llmb_error *err)
{
    struct llmb_event_log *l = calloc(1, sizeof *l);
    if (!l)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (!strcmp(path, "-")) {
        l->f = stdout;
    } else {
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            free(l);
            return llmb_error_set(err, LLMB_E_INVAL, "--events: '%s' is a folder", path);
        }
        if (!(l->f = fopen(path, "w"))) {
            free(l);
            return llmb_error_set(err, LLMB_E_IO, "--events: cannot write '%s': %s", path, strerror(errno));
        }
        l->own = 1;
    }
    *out = l;
    return LLMB_OK;
}

void llmb_event_log_write(struct llmb_event_log *l, const struct llmb_event *ev)
{
    if (!l || l->failed)
        return;
    char *s = llmb_event_json(ev);
    if (!s || fputs(s, l->f) == EOF || fputc('\n', l->f) == EOF || fflush(l->f))
        l->failed = 1;
    free(s);
}

int llmb_event_log_close(struct llmb_event_log *l, struct llmb_error *err)
{
    if (!l)
        return LLMB_OK;
    int bad = l->failed || (l->own ? fclose(l->f) != 0 : fflush(l->f) != 0);
    free(l);
    return bad ? llmb_error_set(err, LLMB_E_IO, "--events: a write failed (disk full?)") : LLMB_OK;
}
