/* ftype.c - names of llama.cpp's file types (llama_ftype), as llama-quantize
 * spells them, and which of them need an importance matrix. */
#include <strings.h>

#include "llmbench/quant.h"

static const struct { const char *name; int ftype; int imatrix; } table[] = {
    {"F32", 0, 0},     {"F16", 1, 0},      {"BF16", 32, 0},    {"Q8_0", 7, 0},     {"Q6_K", 18, 0},
    {"Q5_K_M", 17, 0}, {"Q5_K_S", 16, 0},  {"Q5_1", 9, 0},     {"Q5_0", 8, 0},     {"Q4_K_M", 15, 0},
    {"Q4_K_S", 14, 0}, {"Q4_1", 3, 0},     {"Q4_0", 2, 0},     {"IQ4_XS", 30, 0},  {"IQ4_NL", 25, 0},
    {"Q3_K_L", 13, 0}, {"Q3_K_M", 12, 0},  {"Q3_K_S", 11, 0},  {"IQ3_M", 27, 0},   {"IQ3_S", 26, 0},
    {"IQ3_XS", 22, 0}, {"IQ3_XXS", 23, 1}, {"Q2_K", 10, 0},    {"Q2_K_S", 21, 1},  {"IQ2_M", 29, 1},
    {"IQ2_S", 28, 1},  {"IQ2_XS", 20, 1},  {"IQ2_XXS", 19, 1}, {"IQ1_M", 31, 1},   {"IQ1_S", 24, 1},
    {"TQ1_0", 36, 0},  {"TQ2_0", 37, 0},
};
#define N_TABLE (sizeof table / sizeof table[0])

int llmb_ftype_from_name(const char *name)
{
    for (size_t i = 0; name && i < N_TABLE; i++)
        if (!strcasecmp(table[i].name, name))
            return table[i].ftype;
    return -1;
}

const char *llmb_ftype_name(int ftype)
{
    for (size_t i = 0; i < N_TABLE; i++)
        if (table[i].ftype == ftype)
            return table[i].name;
    return NULL;
}

int llmb_ftype_is_float(int ftype)
{
    return ftype == 0 || ftype == 1 || ftype == 32;
}

int llmb_ftype_needs_imatrix(int ftype)
{
    for (size_t i = 0; i < N_TABLE; i++)
        if (table[i].ftype == ftype)
            return table[i].imatrix;
    return 0;
}

const char *llmb_ftype_names(void)
{
    return "F32 F16 BF16 Q8_0 Q6_K Q5_K_M Q5_K_S Q5_1 Q5_0 Q4_K_M Q4_K_S Q4_1 Q4_0 IQ4_XS IQ4_NL Q3_K_L Q3_K_M "
           "Q3_K_S IQ3_M IQ3_S IQ3_XS IQ3_XXS Q2_K Q2_K_S IQ2_M IQ2_S IQ2_XS IQ2_XXS IQ1_M IQ1_S TQ1_0 TQ2_0";
}
