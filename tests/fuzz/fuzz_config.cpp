// libFuzzer harness: the run configuration reader (parse_config) and its resolved form.
// Property: any text is parsed or rejected with snac::Error; an accepted config's resolved YAML
// (what snac writes to RUN_DIR/config.yaml and reads back on --resume) is accepted again.
#include <string>

#include "fuzz_common.hpp"
#include "snac/core/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    snac::fuzz::expect_clean([&] {
        const snac::RunConfig config = snac::parse_config(text, "fuzz.yaml");
        const std::string resolved = snac::to_yaml(config);
        try {
            (void)snac::parse_config(resolved, "resolved.yaml");
        } catch (const snac::Error&) {
            std::abort();  // snac would refuse its own config.yaml on --resume
        }
    });
    return 0;
}
