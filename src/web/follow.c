/* follow.c - `llmbench serve --follow FILE`: a run in another process, seen
 * through its events log (--events FILE) and its database. One thread
 * blocks in poll() on an inotify descriptor watching the two folders: new
 * lines of the log are published as they are written (a rewritten log, a
 * new run, starts over), and a write to the database publishes a
 * "store_changed" event so the page reloads its tables. */
#define _GNU_SOURCE /* memmem, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web_int.h"

#define LINE_MAX_BYTES (4u << 20)

struct llmb_web_follow {
    struct llmb_web_hub *hub;
    pthread_t th;
    int ino, stop[2];
    int wd_log, wd_db, started;
    char path[4096], log_name[NAME_MAX + 1], db_name[NAME_MAX + 1];
    off_t off;
    ino_t inode;
    char *part; /* a line not yet ended */
    size_t n_part;
};

static void split(const char *path, char *dir, size_t dlen, char *name, size_t nlen)
{
    const char *s = strrchr(path, '/');
    if (!s) {
        snprintf(dir, dlen, ".");
        snprintf(name, nlen, "%s", path);
    } else {
        snprintf(dir, dlen, "%.*s", s == path ? 1 : (int)(s - path), path);
        snprintf(name, nlen, "%s", s + 1);
    }
}

static void publish_line(struct llmb_web_follow *f, const char *s, size_t n)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    if (n)
        llmb_web_hub_publish(f->hub, s, n, memmem(s, n, "\"type\":\"run_started\"", 20) != NULL);
}

/* Reads what the log gained since the last look. */
static void read_log(struct llmb_web_follow *f)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) || st.st_size < f->off || st.st_ino != f->inode) { /* rewritten: a new run */
        f->off = 0;
        f->n_part = 0;
        f->inode = st.st_ino;
    }
    char buf[65536];
    ssize_t got;
    while ((got = pread(fd, buf, sizeof buf, f->off)) > 0) {
        f->off += got;
        size_t i = 0;
        for (size_t j = 0; j < (size_t)got; j++) {
            if (buf[j] != '\n')
                continue;
            if (f->n_part) {
                size_t add = j - i;
                char *p = f->n_part + add <= LINE_MAX_BYTES ? realloc(f->part, f->n_part + add) : NULL;
                if (p) {
                    memcpy(p + f->n_part, buf + i, add);
                    publish_line(f, p, f->n_part + add);
                    f->part = p;
                }
                f->n_part = 0;
            } else {
                publish_line(f, buf + i, j - i);
            }
            i = j + 1;
        }
        if (i < (size_t)got) { /* keep the unfinished line (a longer one than the bound is dropped) */
            size_t add = (size_t)got - i;
            char *p = f->n_part + add <= LINE_MAX_BYTES ? realloc(f->part, f->n_part + add) : NULL;
            if (p) {
                memcpy(p + f->n_part, buf + i, add);
                f->part = p;
                f->n_part += add;
            } else {
                f->n_part = 0;
            }
        }
    }
    close(fd);
}

static void *loop(void *arg)
{
    struct llmb_web_follow *f = arg;
    read_log(f);
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        struct pollfd p[2] = {{.fd = f->ino, .events = POLLIN}, {.fd = f->stop[0], .events = POLLIN}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        ssize_t n = read(f->ino, buf, sizeof buf);
        int log_changed = 0, db_changed = 0;
        for (char *q = buf; n > 0 && q < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)(void *)q;
            if (e->len && e->wd == f->wd_log && !strcmp(e->name, f->log_name))
                log_changed = 1;
            if (e->len && e->wd == f->wd_db && !strncmp(e->name, f->db_name, strlen(f->db_name)) &&
                (e->mask & (IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE)))
                db_changed = 1;
            q += sizeof *e + e->len;
        }
        if (log_changed)
            read_log(f);
        if (db_changed && !log_changed) {
            static const char msg[] = "{\"v\":1,\"type\":\"store_changed\"}";
            llmb_web_hub_publish(f->hub, msg, sizeof msg - 1, 0);
        }
    }
    return NULL;
}

int llmb_web_follow_start(const char *path, const char *db_path, struct llmb_web_hub *hub, struct llmb_web_follow **out,
                          struct llmb_error *err)
{
    struct llmb_web_follow *f = calloc(1, sizeof *f);
    if (!f)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    f->hub = hub;
    f->stop[0] = f->stop[1] = -1;
    f->wd_db = -1;
    snprintf(f->path, sizeof f->path, "%s", path);
    char dir[4096];
    split(path, dir, sizeof dir, f->log_name, sizeof f->log_name);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        free(f);
        return llmb_error_set(err, LLMB_E_INVAL, "--follow: '%s' is not a file", path);
    }
    if ((f->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0 || pipe2(f->stop, O_CLOEXEC)) {
        int e = errno;
        llmb_web_follow_stop(f);
        return llmb_error_set(err, LLMB_E_IO, "--follow: cannot watch files: %s", strerror(e));
    }
    uint32_t mask = IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO;
    if ((f->wd_log = inotify_add_watch(f->ino, dir, mask)) < 0) {
        int e = errno;
        llmb_web_follow_stop(f);
        return llmb_error_set(err, LLMB_E_INVAL, "--follow: cannot watch the folder '%s': %s", dir, strerror(e));
    }
    if (db_path) {
        char ddir[4096];
        split(db_path, ddir, sizeof ddir, f->db_name, sizeof f->db_name);
        f->wd_db = inotify_add_watch(f->ino, ddir, mask); /* the same folder gives the same watch */
    }
    if (pthread_create(&f->th, NULL, loop, f)) {
        llmb_web_follow_stop(f);
        return llmb_error_set(err, LLMB_E_IO, "--follow: cannot start a thread");
    }
    f->started = 1;
    *out = f;
    return LLMB_OK;
}

void llmb_web_follow_stop(struct llmb_web_follow *f)
{
    if (!f)
        return;
    if (f->started) {
        (void)!write(f->stop[1], "x", 1);
        pthread_join(f->th, NULL);
    }
    if (f->ino >= 0)
        close(f->ino);
    if (f->stop[0] >= 0)
        close(f->stop[0]);
    if (f->stop[1] >= 0)
        close(f->stop[1]);
    free(f->part);
    free(f);
}
