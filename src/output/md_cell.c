/* md_cell.c - escaping and padding of Markdown table cells (md_cell.h). */
#include <stdlib.h>

#include "md_cell.h"

int llmb_md_width(const char *s)
{
    int w = 0;
    for (; s && *s; s++)
        w += (((unsigned char)*s & 0xc0) != 0x80) + (*s == '|');
    return w;
}

void llmb_md_cell(FILE *f, const char *s, int width)
{
    int pad = abs(width) - llmb_md_width(s);
    fputc(' ', f);
    for (int i = 0; width > 0 && i < pad; i++)
        fputc(' ', f);
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    for (int i = 0; width < 0 && i < pad; i++)
        fputc(' ', f);
    fputs(" |", f);
}

void llmb_md_rule(FILE *f, int width)
{
    fputc(' ', f);
    for (int i = 0; i < abs(width) - 1; i++)
        fputc('-', f);
    fputs(width > 0 ? ": |" : "- |", f);
}
