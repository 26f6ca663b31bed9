/* load_data.c - prompts and request bodies of a load run (load_data.h).
 * A random prompt is "request <seed>-<i>:" then input_len words drawn from a
 * fixed list by a generator seeded per request, so a run is reproducible and
 * no two prompts share a prefix beyond a few tokens; with a prefix share F,
 * the first F of its words come from one generator for the whole run, before
 * that marker (the part a prefix cache can reuse). A prompt suite (the
 * built-in one or a file as `quality --suite` reads) gives its prompts. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "llmbench/quality.h"
#include "workload/load_data.h"

static const char *const words[] = {
    "time",    "river",  "stone",  "light",   "house",  "garden", "window",  "music",   "paper",  "market", "winter",
    "forest",  "table",  "orange", "silver",  "doctor", "engine", "island",  "letter",  "mirror", "number", "planet",
    "rabbit",  "summer", "ticket", "valley",  "yellow", "bridge", "candle",  "dragon",  "flower", "guitar", "hammer",
    "jacket",  "kitten", "lemon",  "monkey",  "needle", "ocean",  "pencil",  "queen",   "rocket", "school", "tiger",
    "violin",  "wagon",  "anchor", "basket",  "castle", "desert", "feather", "glacier", "harbor", "jungle", "kettle",
    "lantern", "meadow", "nest",   "orchard", "pirate", "quartz", "ribbon",  "saddle",  "tunnel"};

static uint64_t mix(uint64_t x) /* splitmix64 */
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* words from the generator at *st, each after a space (the first too when lead) */
static size_t add_words(char *s, size_t at, size_t cap, uint64_t *st, int n, int lead)
{
    size_t nw = sizeof words / sizeof words[0];
    for (int k = 0; k < n; k++) {
        *st = mix(*st);
        at += (size_t)snprintf(s + at, cap - at, "%s%s", k || lead ? " " : "", words[*st % nw]);
    }
    return at;
}

/* prefix_share of the words first, the same for every request (one
 * generator seeded by the run's seed), then the request's own marker and
 * the rest of its words, its own too */
static char *random_prompt(const struct llmb_load_params *p, uint64_t i)
{
    size_t cap = 64 + (size_t)p->input_len * 9;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    int shared = (int)lround(p->prefix_share * p->input_len);
    shared = shared < 0 ? 0 : shared > p->input_len ? p->input_len : shared;
    uint64_t st = mix(p->seed ^ 0x5ea4edc0ffeeull);
    size_t at = add_words(s, 0, cap, &st, shared, 0);
    at += (size_t)snprintf(s + at, cap - at, "%srequest %llu-%llu:", shared ? " " : "", (unsigned long long)p->seed,
                           (unsigned long long)i);
    st = mix(p->seed ^ mix(i + 1));
    add_words(s, at, cap, &st, p->input_len - shared, 1);
    return s;
}

static int count_words(const char *s)
{
    int n = 0, in = 0;
    for (; *s; s++) {
        int sp = *s == ' ' || *s == '\n' || *s == '\t';
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

/* The prompt of one JSONL object; max_tokens as it says. */
static const char *read_prompt(json_t *o, int *max_tokens)
{
    json_t *mt = json_object_get(o, "max_tokens");
    if (json_is_integer(mt) && json_integer_value(mt) > 0 && json_integer_value(mt) < 1000000)
        *max_tokens = (int)json_integer_value(mt);
    json_t *pr = json_object_get(o, "prompt");
    if (json_is_string(pr))
        return json_string_value(pr);
    json_t *conv = json_object_get(o, "conversations"), *msgs = json_object_get(o, "messages");
    json_t *list = json_is_array(conv) ? conv : msgs;
    const char *who = json_is_array(conv) ? "from" : "role", *what = json_is_array(conv) ? "value" : "content";
    size_t k;
    json_t *turn;
    json_array_foreach(list, k, turn)
    {
        const char *w = json_string_value(json_object_get(turn, who));
        const char *t = json_string_value(json_object_get(turn, what));
        if (!w || !t || (strcmp(w, "human") && strcmp(w, "user")))
            continue;
        json_t *next = json_array_get(list, k + 1);
        const char *reply = json_string_value(json_object_get(next, what));
        if (reply && !*max_tokens)
            *max_tokens = count_words(reply) > 0 ? count_words(reply) : 1;
        return t;
    }
    return NULL;
}

int llmb_load_is_suite(const char *dataset, const char **file)
{
    int is = dataset && (!strcmp(dataset, "suite") || !strncmp(dataset, "suite:", 6));
    if (file)
        *file = is && dataset[5] == ':' ? dataset + 6 : NULL;
    return is;
}

/* Each prompt of the suite, in its order (malformed entries left out: the
 * CLI has said which). */
static int suite_open(const char *path, struct llmb_load_data *d, struct llmb_error *err)
{
    struct llmb_suite su;
    int rc = llmb_suite_load(path, &su, err);
    if (rc)
        return rc;
    if (!(d->v = calloc(su.n, sizeof *d->v)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory reading --dataset");
    for (size_t i = 0; !rc && i < su.n; i++) {
        if (!(d->v[i].text = strdup(su.items[i].prompt)))
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory reading --dataset");
        d->n = i + 1;
    }
    llmb_suite_free(&su);
    if (rc)
        llmb_load_data_free(d);
    return rc;
}

int llmb_load_data_open(const struct llmb_load_params *p, struct llmb_load_data *d, struct llmb_error *err)
{
    memset(d, 0, sizeof d[0]);
    if (!p->dataset)
        return LLMB_OK;
    const char *suite_file;
    if (llmb_load_is_suite(p->dataset, &suite_file)) {
        if (suite_file && !*suite_file)
            return llmb_error_set(err, LLMB_E_INVAL, "--dataset suite: names no file (suite, or suite:FILE)");
        return suite_open(suite_file, d, err);
    }
    FILE *f = fopen(p->dataset, "r");
    if (!f)
        return llmb_error_set(err, LLMB_E_IO, "cannot read --dataset '%s': %s", p->dataset, llmb_errno_text(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0, alloc = 0;
    ssize_t got;
    int rc = LLMB_OK;
    while (!rc && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (got <= 1 && (got == 0 || line[0] == '\n'))
            continue;
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)got, 0, &je);
        int mt = 0;
        const char *t = json_is_object(o) ? read_prompt(o, &mt) : NULL;
        if (!t)
            rc = llmb_error_set(err, LLMB_E_INVAL,
                                "--dataset '%s' line %zu: not a JSON object with \"prompt\", \"messages\" or"
                                " \"conversations\"",
                                p->dataset, lineno);
        else if (d->n == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            struct llmb_load_prompt *v = realloc(d->v, alloc * sizeof *v);
            if (!v)
                rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory reading --dataset");
            else
                d->v = v;
        }
        if (!rc && !(d->v[d->n].text = strdup(t)))
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory reading --dataset");
        if (!rc)
            d->v[d->n++].max_tokens = mt;
        json_decref(o);
    }
    free(line);
    fclose(f);
    if (!rc && d->n == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--dataset '%s' holds no prompt", p->dataset);
    if (rc)
        llmb_load_data_free(d);
    return rc;
}

void llmb_load_data_free(struct llmb_load_data *d)
{
    for (size_t i = 0; d && i < d->n; i++)
        free(d->v[i].text);
    if (d)
        free(d->v);
    if (d)
        memset(d, 0, sizeof *d);
}

char *llmb_load_body(const struct llmb_load_params *p, const struct llmb_load_data *d, uint64_t i)
{
    char *own = NULL;
    const char *text;
    int max_tokens = p->output_len;
    if (d->n) {
        const struct llmb_load_prompt *pr = &d->v[i % d->n];
        text = pr->text;
        if (pr->max_tokens)
            max_tokens = pr->max_tokens;
    } else if (!(text = own = random_prompt(p, i)))
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(p->model ? p->model : ""));
    if (p->endpoint == LLMB_LOAD_CHAT) {
        json_t *m = json_object();
        json_object_set_new(m, "role", json_string("user"));
        json_object_set_new(m, "content", json_string(text));
        json_t *msgs = json_array();
        json_array_append_new(msgs, m);
        json_object_set_new(o, "messages", msgs);
    } else {
        json_object_set_new(o, "prompt", json_string(text));
    }
    json_object_set_new(o, "max_tokens", json_integer(max_tokens));
    json_object_set_new(o, "temperature", json_real(0.0));
    json_object_set_new(o, "ignore_eos", json_true()); /* the output length asked for, not the model's whim */
    json_object_set_new(o, "stream", json_boolean(p->stream));
    if (p->stream) {
        json_t *so = json_object();
        json_object_set_new(so, "include_usage", json_true());
        json_object_set_new(o, "stream_options", so);
    }
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    free(own);
    return body;
}
