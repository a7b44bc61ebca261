#pragma once
/// Minimal leveled logging to stderr. Thread-safe; each line is written whole.
#include <string>
#include <string_view>

namespace snac::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kQuiet = 4 };

void set_level(Level level);
Level level();
/// Prefix put before every line, e.g. "[rank 3] " under MPI.
void set_prefix(std::string prefix);

void write(Level level, std::string_view message);
inline void debug(std::string_view m) { write(Level::kDebug, m); }
inline void info(std::string_view m) { write(Level::kInfo, m); }
inline void warn(std::string_view m) { write(Level::kWarn, m); }
inline void error(std::string_view m) { write(Level::kError, m); }

}  // namespace snac::log
