/* web_int.h - what the server's files share: the follower of another
 * process's run (follow.c), started and stopped by server.c. */
#ifndef LLMB_WEB_INT_H
#define LLMB_WEB_INT_H

#include "llmbench/llmbench.h"
#include "hub.h"

struct llmb_web_follow;
/* Follows the events log at path (it may not exist yet; it may be rewritten
 * by a new run) and the folder of db_path (NULL: none): every new line of
 * the log is published to hub, a change of the database publishes a
 * "store_changed" event. inotify; no timer. */
int llmb_web_follow_start(const char *path, const char *db_path, struct llmb_web_hub *hub, struct llmb_web_follow **out,
                          struct llmb_error *err);
void llmb_web_follow_stop(struct llmb_web_follow *f); /* NULL: no-op */

#endif
