#include "snac/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace snac::log {
namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mutex;
std::string g_prefix;  // guarded by g_mutex
}  // namespace

void set_level(Level lvl) { g_level.store(lvl); }
Level level() { return g_level.load(); }
void set_prefix(std::string prefix) {
    std::lock_guard lock(g_mutex);
    g_prefix = std::move(prefix);
}

void write(Level lvl, std::string_view message) {
    if (lvl < g_level.load()) return;
    static constexpr const char* kTags[] = {"debug: ", "", "warning: ", "error: "};
    std::lock_guard lock(g_mutex);
    std::string line = g_prefix;
    line += kTags[static_cast<int>(lvl)];
    line += message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace snac::log
