// A strict little JSON reader for tests (RFC 8259 values; numbers kept as text and as
// unsigned integers when they are). parse() throws std::runtime_error naming the offset of
// the first problem, so "it parses" is a real check of the --stats report.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace json_lite {

struct Value {
    enum class Type { null, boolean, number, string, array, object } type = Type::null;
    bool b = false;
    std::string text;                      // number (as written) or string (unescaped)
    std::vector<Value> items;              // array
    std::map<std::string, Value> members;  // object

    bool is_null() const { return type == Type::null; }
    const Value& operator[](const std::string& key) const {
        if (type != Type::object) throw std::runtime_error("not an object (looking up '" + key + "')");
        auto it = members.find(key);
        if (it == members.end()) throw std::runtime_error("no member '" + key + "'");
        return it->second;
    }
    bool has(const std::string& key) const { return type == Type::object && members.count(key) == 1; }
    uint64_t u64() const {
        if (type != Type::number || text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
            throw std::runtime_error("not an unsigned integer: " + text);
        return std::stoull(text);
    }
    const std::string& str() const {
        if (type != Type::string) throw std::runtime_error("not a string");
        return text;
    }
};

class Parser {
public:
    explicit Parser(const std::string& s) : s_(s) {}
    Value document() {
        Value v = value();
        space();
        if (i_ != s_.size()) fail("trailing characters");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) {
        throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(i_));
    }
    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
    }
    bool eat(char c) {
        space();
        if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
        return false;
    }
    void expect(char c) {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }
    bool word(const char* w) {
        std::string t(w);
        if (s_.compare(i_, t.size(), t) != 0) return false;
        i_ += t.size();
        return true;
    }
    Value value() {
        space();
        if (i_ >= s_.size()) fail("unexpected end");
        Value v;
        char c = s_[i_];
        if (c == '{') {
            ++i_;
            v.type = Value::Type::object;
            if (eat('}')) return v;
            do {
                space();
                std::string key = string_body();
                expect(':');
                if (v.members.count(key)) fail("duplicate key '" + key + "'");
                v.members[key] = value();
            } while (eat(','));
            expect('}');
        } else if (c == '[') {
            ++i_;
            v.type = Value::Type::array;
            if (eat(']')) return v;
            do v.items.push_back(value());
            while (eat(','));
            expect(']');
        } else if (c == '"') {
            v.type = Value::Type::string;
            v.text = string_body();
        } else if (word("null")) {
        } else if (word("true")) {
            v.type = Value::Type::boolean, v.b = true;
        } else if (word("false")) {
            v.type = Value::Type::boolean;
        } else {
            v.type = Value::Type::number;
            size_t start = i_;
            if (s_[i_] == '-') ++i_;
            if (i_ >= s_.size() || !isdigit(s_[i_])) fail("bad value");
            if (s_[i_] == '0' && i_ + 1 < s_.size() && isdigit(s_[i_ + 1])) fail("leading zero");
            while (i_ < s_.size() && (isdigit(s_[i_]) || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E' ||
                                      s_[i_] == '+' || s_[i_] == '-'))
                ++i_;
            v.text = s_.substr(start, i_ - start);
        }
        return v;
    }
    static bool isdigit(char c) { return c >= '0' && c <= '9'; }
    std::string string_body() {
        if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string");
        ++i_;
        std::string out;
        for (;;) {
            if (i_ >= s_.size()) fail("unterminated string");
            unsigned char c = static_cast<unsigned char>(s_[i_++]);
            if (c == '"') return out;
            if (c < 0x20) fail("raw control character in a string");
            if (c != '\\') {
                out += char(c);
                continue;
            }
            if (i_ >= s_.size()) fail("bad escape");
            char e = s_[i_++];
            switch (e) {
                case '"': case '\\': case '/': out += e; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    if (i_ + 4 > s_.size()) fail("bad \\u escape");
                    unsigned code = std::stoul(s_.substr(i_, 4), nullptr, 16);
                    i_ += 4;
                    if (code >= 0x80) fail("test reader: only ASCII \\u escapes");
                    out += char(code);
                    break;
                }
                default: fail("bad escape");
            }
        }
    }

    const std::string& s_;
    size_t i_ = 0;
};

inline Value parse(const std::string& text) { return Parser(text).document(); }

}  // namespace json_lite
