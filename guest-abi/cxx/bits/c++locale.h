/* The C library locale model libstdc++'s headers see in a guest: newlib has only the "C"
 * locale, so a locale handle is never used. Locales and iostreams are not part of the guest
 * runtime (docs/runtime.md); this lets <memory> and <string> parse, which include <ostream>. */
#ifndef _GLIBCXX_CXX_LOCALE_H
#define _GLIBCXX_CXX_LOCALE_H 1
#pragma GCC system_header

#include <clocale>

#define _GLIBCXX_NUM_CATEGORIES 0

namespace std _GLIBCXX_VISIBILITY(default)
{
_GLIBCXX_BEGIN_NAMESPACE_VERSION
typedef int *__c_locale;

/* Declared only: defined where iostreams live, which guests do not link. */
int __convert_from_v(const __c_locale &, char *, const int, const char *, ...);
_GLIBCXX_END_NAMESPACE_VERSION
}
#endif
