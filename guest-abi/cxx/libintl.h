/* Only libstdc++'s locale headers include <libintl.h> (for std::messages); in a guest that
 * means a header that needs the C++ locale library, which the runtime cannot give. */
#error "ukmon guest: <locale>, <regex>, <iomanip> and <filesystem> need libstdc++'s locale library, which a newlib guest does not have (see docs/runtime.md, C++)"
