/* fold: the C half of wordfreq, called from C++. */
#ifndef WORDFREQ_FOLD_H
#define WORDFREQ_FOLD_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
/* Lower-cases word in place and strips everything but letters and digits; returns its length. */
size_t fold_word(char *word);
#ifdef __cplusplus
}
#endif
#endif
