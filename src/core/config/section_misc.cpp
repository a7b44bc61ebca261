// Small sections (local lives in section_local.cpp, runtime and output in section_runtime.cpp,
// surrogate in section_surrogate.cpp).
#include "config/sections.hpp"

namespace snac::config {

void validate_run(const RunConfig&, Diagnostics&, const YAML::Node&) {}

}  // namespace snac::config
