// The integration-test binary's entry: doctest's own main (run with --help for its options).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
