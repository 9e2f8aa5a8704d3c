/* fold: word normalisation in C (a C++ guest links C objects as they are). */
#include "fold.h"

#include <ctype.h>

size_t fold_word(char *word)
{
    size_t n = 0;
    for (const char *p = word; *p; ++p)
        if (isalnum((unsigned char)*p))
            word[n++] = (char)tolower((unsigned char)*p);
    word[n] = '\0';
    return n;
}
