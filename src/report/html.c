/* html.c - the report as one self-contained HTML file: inline CSS, charts
 * as inline SVG, no script, nothing fetched, readable from disk. Every
 * stored text goes through llmb_report_html_text, the one escaper. */
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "report/doc.h"

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2330;background:#f6f7f9}"
    "main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #d5d9e0;"
    "padding-bottom:4px}h3{font-size:15px;margin:20px 0 8px}"
    ".sub{color:#5b6475;margin:0 0 16px}p{margin:8px 0}ul{margin:8px 0;padding-left:22px}li{margin:3px 0}"
    "nav{margin:12px 0 4px}nav a{margin-right:14px;color:#2456b3;text-decoration:none}"
    ".tw{overflow-x:auto;margin:8px 0}table{border-collapse:collapse;background:#fff;font-size:13px}"
    "th,td{padding:4px 9px;border:1px solid #dde1e7;vertical-align:top}th{background:#eef1f5;text-align:left}"
    "td.r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "td.ran{background:#e4f5e7}td.failed{background:#fbe3e1}td.refused{background:#fdf2d6}"
    "figure{margin:14px 0;background:#fff;border:1px solid #dde1e7;padding:8px;display:inline-block}"
    "figcaption{font-weight:600;margin:0 0 4px}svg text{font:11px system-ui,sans-serif;fill:#1d2330}"
    "footer{margin-top:36px;color:#5b6475;font-size:12px}";

void llmb_report_html_text(FILE *f, const char *s)
{
    size_t n = s ? strlen(s) : 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) { /* one UTF-8 character, or U+FFFD for a bad byte */
            size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            if (i + len <= n && llmb_utf8_valid(s + i, len, NULL))
                fwrite(s + i, 1, len, f);
            else
                fputs("\xef\xbf\xbd", f), len = 1;
            i += len;
            continue;
        }
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if (c < 0x20 && c != '\n' && c != '\t')
                fputs("\xef\xbf\xbd", f);
            else
                fputc(c, f);
        }
        i++;
    }
}

static void table(FILE *f, const struct llmb_rblock *b)
{
    size_t rows = b->n_cells / (size_t)b->ncols;
    fputs("<div class=\"tw\"><table>\n", f);
    for (size_t i = 0; i < rows; i++) {
        fputs("<tr>", f);
        for (int j = 0; j < b->ncols; j++) {
            const char *s = b->cells[i * (size_t)b->ncols + (size_t)j];
            int outcome = !strcmp(s, "ran") || !strcmp(s, "failed") || !strcmp(s, "refused");
            if (i == 0)
                fputs("<th>", f);
            else if (outcome)
                fprintf(f, "<td class=\"%s\">", s); /* one of three fixed words */
            else
                fputs(b->align[j] == 'r' ? "<td class=\"r\">" : "<td>", f);
            llmb_report_html_text(f, s);
            fputs(i == 0 ? "</th>" : "</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

int llmb_report_html(const struct llmb_report *r, FILE *f)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src data:\">\n<title>",
          f);
    llmb_report_html_text(f, r->title);
    fprintf(f, "</title>\n<style>%s</style></head>\n<body><main>\n<h1>", css);
    llmb_report_html_text(f, r->title);
    fputs("</h1>\n<p class=\"sub\">", f);
    llmb_report_html_text(f, r->subtitle);
    fputs("</p>\n<nav>", f);
    for (size_t i = 0; i < r->n; i++)
        if (r->b[i].kind == LLMB_RB_HEADING && r->b[i].level == 2 && r->b[i].id[0]) {
            fputs("<a href=\"#", f);
            llmb_report_html_text(f, r->b[i].id);
            fputs("\">", f);
            llmb_report_html_text(f, r->b[i].text);
            fputs("</a>", f);
        }
    fputs("</nav>\n", f);
    for (size_t i = 0; i < r->n; i++) {
        const struct llmb_rblock *b = &r->b[i];
        switch (b->kind) {
        case LLMB_RB_HEADING:
            fprintf(f, "<h%d", b->level);
            if (b->id[0]) {
                fputs(" id=\"", f);
                llmb_report_html_text(f, b->id);
                fputs("\"", f);
            }
            fputs(">", f);
            llmb_report_html_text(f, b->text);
            fprintf(f, "</h%d>\n", b->level);
            break;
        case LLMB_RB_PARA:
            fputs("<p>", f);
            llmb_report_html_text(f, b->text);
            fputs("</p>\n", f);
            break;
        case LLMB_RB_LIST:
            fputs("<ul>\n", f);
            for (size_t j = 0; j < b->n_cells; j++) {
                fputs("<li>", f);
                llmb_report_html_text(f, b->cells[j]);
                fputs("</li>\n", f);
            }
            fputs("</ul>\n", f);
            break;
        case LLMB_RB_TABLE: table(f, b); break;
        case LLMB_RB_CHART: llmb_report_svg(f, &b->chart); break;
        }
    }
    fputs("<footer>Made by llmbench report from the results store. One file: no script, nothing fetched.</footer>\n"
          "</main></body></html>\n",
          f);
    return ferror(f) ? -1 : 0;
}
