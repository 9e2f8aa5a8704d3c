// wordfreq: a C++ guest mixed with C. Counts the words of its arguments and prints them by
// frequency, then alphabetically: std::unordered_map, std::vector, std::sort, std::string.
#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fold.h"

int main(int argc, char** argv) {
    std::unordered_map<std::string, int> counts;
    for (int i = 1; i < argc; ++i) {
        std::string word = argv[i];
        word.resize(fold_word(word.data()));
        if (!word.empty()) ++counts[word];
    }
    std::vector<std::pair<std::string, int>> order(counts.begin(), counts.end());
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    for (const auto& [word, n] : order) std::printf("%d %s\n", n, word.c_str());
    return order.empty() ? 1 : 0;
}
