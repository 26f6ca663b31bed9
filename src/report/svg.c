/* svg.c - the report's charts as inline SVG (no script, no font or file
 * fetched): horizontal bars with 95% whiskers, and scatter plots whose
 * marked points (the Pareto front) are joined and labelled. Labels are
 * stored text: escaped by llmb_report_html_text. */
#include <math.h>
#include <stdio.h>

#include "report/doc.h"

#define MARK "#2456b3"
#define PLAIN "#9aa3b2"

/* A round step for about n ticks over [lo, hi]. */
static double tick_step(double lo, double hi, int n)
{
    double raw = (hi - lo) / n, p = pow(10, floor(log10(raw > 0 ? raw : 1)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void num(char *buf, size_t len, double v)
{
    double a = fabs(v);
    snprintf(buf, len, a >= 1e6 || (a < 0.01 && a > 0) ? "%.3g" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
}

static void text(FILE *f, double x, double y, const char *anchor, const char *s)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
    llmb_report_html_text(f, s);
    fputs("</text>", f);
}

static void bars(FILE *f, const struct llmb_rchart *c)
{
    const double left = 300, w = 460, bar = 18, gap = 8, top = 8;
    double max = 0;
    for (size_t i = 0; i < c->n; i++)
        max = fmax(max, isnan(c->pts[i].hi) ? c->pts[i].y : fmax(c->pts[i].y, c->pts[i].hi));
    max = max > 0 ? max * 1.08 : 1;
    double h = top + (double)c->n * (bar + gap) + 30;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" role=\"img\">", left + w + 80,
            h);
    for (size_t i = 0; i < c->n; i++) {
        const struct llmb_rpoint *p = &c->pts[i];
        double y = top + (double)i * (bar + gap), bw = p->y > 0 ? p->y / max * w : 0;
        text(f, left - 8, y + 13, "end", p->label);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>", left, y, bw, bar,
                p->mark ? MARK : PLAIN);
        if (!isnan(p->lo) && !isnan(p->hi))
            fprintf(f, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#1d2330\"/>",
                    left + p->lo / max * w, y + bar / 2, left + p->hi / max * w, left + p->lo / max * w, y + 4,
                    y + bar - 4, left + p->hi / max * w, y + 4, y + bar - 4);
        char v[32];
        num(v, sizeof v, p->y);
        text(f, left + fmax(bw, isnan(p->hi) ? 0 : p->hi / max * w) + 6, y + 13, "start", v);
    }
    double yb = top + (double)c->n * (bar + gap);
    fprintf(f, "<path d=\"M%.0f %.1fH%.0f\" stroke=\"#5b6475\"/>", left, yb, left + w);
    text(f, left + w / 2, yb + 20, "middle", c->xlabel);
    fputs("</svg>", f);
}

static double sx(const struct llmb_rchart *c, double v, double lo, double hi, double x0, double w)
{
    if (c->logx)
        return x0 + (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * w;
    return x0 + (v - lo) / (hi - lo) * w;
}

static void scatter(FILE *f, const struct llmb_rchart *c)
{
    const double x0 = 70, y0 = 20, w = 620, h = 300;
    double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
    for (size_t i = 0; i < c->n; i++) {
        xl = fmin(xl, c->pts[i].x), xh = fmax(xh, c->pts[i].x);
        yl = fmin(yl, c->pts[i].y), yh = fmax(yh, c->pts[i].y);
    }
    if (c->logx && xl > 0)
        xl /= 1.3, xh *= 1.3;
    else {
        double m = xh > xl ? (xh - xl) * 0.08 : fabs(xh) * 0.1 + 1;
        xl -= m, xh += m;
    }
    double m = yh > yl ? (yh - yl) * 0.1 : fabs(yh) * 0.1 + 1;
    yl = yl - m < 0 && yl >= 0 ? 0 : yl - m, yh += m;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" role=\"img\">", x0 + w + 200,
            y0 + h + 46);
    fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#5b6475\"/>", x0, y0,
            w, h);
    double st = tick_step(yl, yh, 5);
    for (double t = ceil(yl / st) * st; t <= yh; t += st) {
        double y = y0 + h - (t - yl) / (yh - yl) * h;
        char v[32];
        num(v, sizeof v, t);
        fprintf(f, "<path d=\"M%.0f %.1fH%.0f\" stroke=\"#e3e6eb\"/>", x0, y, x0 + w);
        text(f, x0 - 6, y + 4, "end", v);
    }
    if (c->logx) {
        for (double t = pow(10, floor(log10(xl))); t <= xh; t *= 10)
            for (int k = 1; k <= 5; k += k == 1 ? 1 : 3) /* 1, 2 and 5 of each decade */
                if (t * k >= xl && t * k <= xh) {
                    char v[32];
                    num(v, sizeof v, t * k);
                    text(f, sx(c, t * k, xl, xh, x0, w), y0 + h + 16, "middle", v);
                }
    } else {
        double sxs = tick_step(xl, xh, 6);
        for (double t = ceil(xl / sxs) * sxs; t <= xh; t += sxs) {
            char v[32];
            num(v, sizeof v, t);
            text(f, sx(c, t, xl, xh, x0, w), y0 + h + 16, "middle", v);
        }
    }
    text(f, x0 + w / 2, y0 + h + 36, "middle", c->xlabel);
    fprintf(f, "<text x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\" text-anchor=\"middle\">", y0 + h / 2,
            y0 + h / 2);
    llmb_report_html_text(f, c->ylabel);
    fputs("</text>", f);
    /* the front: marked points joined in x order (they come sorted by x) */
    int first = 1;
    if (c->kind == LLMB_RC_SCATTER)
        fputs("<path fill=\"none\" stroke=\"" MARK "\" stroke-dasharray=\"4 3\" d=\"", f);
    for (size_t i = 0; c->kind == LLMB_RC_SCATTER && i < c->n; i++)
        if (c->pts[i].mark) {
            fprintf(f, "%s%.1f %.1f", first ? "M" : "L", sx(c, c->pts[i].x, xl, xh, x0, w),
                    y0 + h - (c->pts[i].y - yl) / (yh - yl) * h);
            first = 0;
        }
    if (c->kind == LLMB_RC_SCATTER)
        fputs("\"/>", f);
    for (size_t i = 0; i < c->n; i++) {
        const struct llmb_rpoint *p = &c->pts[i];
        double x = sx(c, p->x, xl, xh, x0, w), y = y0 + h - (p->y - yl) / (yh - yl) * h;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"/>", x, y, p->mark ? 5 : 4,
                p->mark ? MARK : PLAIN);
        text(f, x + 8, y - 6 + (double)(i % 2) * 14, "start", p->label);
    }
    fputs("</svg>", f);
}

void llmb_report_svg(FILE *f, const struct llmb_rchart *c)
{
    fputs("<figure><figcaption>", f);
    llmb_report_html_text(f, c->title);
    fputs("</figcaption>", f);
    if (c->kind == LLMB_RC_BARS)
        bars(f, c);
    else
        scatter(f, c);
    fputs("</figure>\n", f);
}
