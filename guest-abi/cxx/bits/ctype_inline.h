/* ctype<char>'s inline members over a newlib-style class table (see ctype_base.h). */
#pragma GCC system_header
namespace std _GLIBCXX_VISIBILITY(default)
{
_GLIBCXX_BEGIN_NAMESPACE_VERSION
bool ctype<char>::is(mask __m, char __c) const
{
    return _M_table[static_cast<unsigned char>(__c)] & __m;
}

const char *ctype<char>::is(const char *__lo, const char *__hi, mask *__vec) const
{
    for (; __lo < __hi; ++__lo, ++__vec)
        *__vec = _M_table[static_cast<unsigned char>(*__lo)];
    return __hi;
}

const char *ctype<char>::scan_is(mask __m, const char *__lo, const char *__hi) const
{
    while (__lo < __hi && !this->is(__m, *__lo))
        ++__lo;
    return __lo;
}

const char *ctype<char>::scan_not(mask __m, const char *__lo, const char *__hi) const
{
    while (__lo < __hi && this->is(__m, *__lo))
        ++__lo;
    return __lo;
}
_GLIBCXX_END_NAMESPACE_VERSION
}
