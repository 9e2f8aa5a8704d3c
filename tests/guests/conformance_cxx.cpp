// conformance_cxx: the C++ a guest gets against the host's. Built for the host (glibc,
// libstdc++) and as a guest (newlib, the guest runtime's C++ subset); the test wants
// byte-identical output. Global constructors before main and destructors after it, in
// order; containers, algorithms, strings, smart pointers, std::function, exceptions, RTTI.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <typeinfo>
#include <unordered_map>
#include <variant>
#include <vector>

namespace {

struct Tracer {
    const char* name;
    explicit Tracer(const char* n) : name(n) { std::printf("construct %s\n", name); }
    ~Tracer() { std::printf("destroy %s\n", name); }
};

Tracer first("first global");
Tracer second("second global");

Tracer& function_static() {
    static Tracer t("function static");
    return t;
}

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const = 0;
};
struct Square : Shape {
    double side;
    explicit Square(double s) : side(s) {}
    double area() const override { return side * side; }
    std::string name() const override { return "square"; }
};
struct Circle : Shape {
    double r;
    explicit Circle(double radius) : r(radius) {}
    double area() const override { return 3.0 * r * r; }
    std::string name() const override { return "circle"; }
};

void containers() {
    std::vector<int> v(10);
    std::iota(v.begin(), v.end(), -3);
    std::reverse(v.begin(), v.end());
    std::stable_sort(v.begin(), v.end(), [](int a, int b) { return std::abs(a) < std::abs(b); });
    std::printf("vector:");
    for (int x : v) std::printf(" %d", x);
    std::printf(" | sum %d max %d count>2 %ld\n", std::accumulate(v.begin(), v.end(), 0),
                *std::max_element(v.begin(), v.end()), std::count_if(v.begin(), v.end(), [](int x) { return x > 2; }));

    std::map<std::string, int> m;
    for (std::string w : {"delta", "alpha", "charlie", "bravo", "alpha"}) ++m[w];
    std::printf("map:");
    for (const auto& [k, n] : m) std::printf(" %s=%d", k.c_str(), n);
    std::unordered_map<std::string, std::vector<int>> um;
    for (int i = 0; i < 50; ++i) um["k" + std::to_string(i % 7)].push_back(i);
    std::vector<std::string> keys;
    for (const auto& kv : um) keys.push_back(kv.first + ":" + std::to_string(kv.second.size()));
    std::sort(keys.begin(), keys.end());
    std::printf(" | unordered:");
    for (const auto& k : keys) std::printf(" %s", k.c_str());
    std::set<double> s{2.5, -1.0, 2.5, 1e10};
    std::deque<char> d{'b', 'c'};
    d.push_front('a');
    d.push_back('d');
    std::printf(" | set %zu %g..%g deque %c%c%c%c\n", s.size(), *s.begin(), *s.rbegin(), d[0], d[1], d[2], d[3]);
    std::array<int, 5> a{5, 1, 4, 2, 3};
    std::nth_element(a.begin(), a.begin() + 2, a.end());
    auto [lo, hi] = std::minmax_element(a.begin(), a.end());
    std::printf("array median %d min %d max %d binary_search %d\n", a[2], *lo, *hi,
                std::binary_search(s.begin(), s.end(), 2.5));
}

void strings() {
    std::string s = "The quick brown fox";
    s += " jumps over the lazy dog, and this string is well past the small-string buffer";
    std::string_view sv(s);
    std::printf("string %zu find %zu rfind %zu substr [%s] sv [%.*s]\n", s.size(), s.find("fox"), s.rfind("the"),
                s.substr(4, 5).c_str(), int(sv.substr(10, 9).size()), sv.substr(10, 9).data());
    std::string up = s.substr(0, 9);
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    std::printf("upper [%s] to_string %s %s %s stoi %d stod %g compare %d\n", up.c_str(), std::to_string(42).c_str(),
                std::to_string(-7L).c_str(), std::to_string(1.5).c_str(), std::stoi("  -123"), std::stod("6.02e23"),
                std::string("abc").compare("abd") < 0);
    std::string joined;
    for (std::string_view w : {"a", "bb", "ccc"}) joined.append(w).push_back(',');
    joined.pop_back();
    std::printf("joined [%s] starts %d ends %d\n", joined.c_str(), sv.starts_with("The"), sv.ends_with("buffer"));
}

void objects() {
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Square>(2.0));
    shapes.push_back(std::make_unique<Circle>(1.0));
    std::sort(shapes.begin(), shapes.end(), [](const auto& a, const auto& b) { return a->area() < b->area(); });
    for (const auto& sh : shapes)
        std::printf("%s area %g circle? %d typeid %s\n", sh->name().c_str(), sh->area(),
                    dynamic_cast<Circle*>(sh.get()) != nullptr, typeid(*sh) == typeid(Square) ? "Square" : "other");
    auto shared = std::make_shared<Tracer>("shared tracer");
    {
        std::shared_ptr<Tracer> copy = shared;
        std::weak_ptr<Tracer> weak = shared;
        std::printf("use_count %ld expired %d\n", shared.use_count(), weak.expired());
    }
    shared.reset();
    std::function<int(int)> f = [k = 3](int x) { return x * k; };
    std::function<int(int)> g = std::bind(std::plus<int>(), std::placeholders::_1, 10);
    std::optional<int> none, some = 7;
    std::variant<int, std::string> var = std::string("text");
    std::printf("function %d %d optional %d %d variant %zu %s\n", f(5), g(5), none.value_or(-1), *some, var.index(),
                std::get<std::string>(var).c_str());
}

void exceptions() {
    try {
        std::vector<int> v(3);
        (void)v.at(5);
    } catch (const std::out_of_range&) {
        std::printf("caught out_of_range\n");
    }
    try {
        Tracer t("scoped in try");
        throw std::runtime_error("runtime failure");
    } catch (const std::exception& e) {
        std::printf("caught %s: %s\n", typeid(e) == typeid(std::runtime_error) ? "runtime_error" : "?", e.what());
    }
    try {
        throw 42;
    } catch (int n) {
        std::printf("caught int %d\n", n);
    }
    try {
        (void)std::stoi("not a number");
    } catch (const std::invalid_argument&) {
        std::printf("caught invalid_argument\n");
    }
    std::mt19937 gen(12345);  // deterministic: the same engine code on both sides
    std::uniform_int_distribution<int> dist(1, 6);
    std::printf("mt19937:");
    for (int i = 0; i < 6; ++i) std::printf(" %d", dist(gen));
    std::printf("\n");
}

void clocks() {
    using namespace std::chrono;
    auto wall = system_clock::now();
    auto t0 = steady_clock::now();
    std::this_thread::sleep_for(milliseconds(15));
    auto slept = steady_clock::now() - t0;
    // steady counts from boot, the wall clock from 1970: a mixed-up clock id shows here
    std::printf("chrono: after 2020 %d, steady below wall %d, slept at least 15 ms %d\n",
                wall.time_since_epoch() > hours(24 * 365 * 50), t0.time_since_epoch() < wall.time_since_epoch() / 2,
                slept >= milliseconds(15));
}

}  // namespace

int main() {
    std::printf("main starts\n");
    function_static();
    containers();
    strings();
    objects();
    exceptions();
    clocks();
    std::printf("main returns\n");
    return 0;
}
