/* fmt.h - figures as people read them, the same in every table: sizes in
 * MiB/GiB. */
#ifndef LLMB_BASE_FMT_H
#define LLMB_BASE_FMT_H

#include <stddef.h>

/* "512.00 MiB", "3.25 GiB"; "-" when bytes is not positive (unknown). */
void llmb_fmt_bytes(char *buf, size_t len, double bytes);

#endif
