// libFuzzer harness: the architecture-file reader (NetworkSpec::from_yaml) and the counting that
// `snac inspect`/`estimate` run on every accepted architecture.
#include <string>

#include "fuzz_common.hpp"
#include "snac/nn/counting.hpp"
#include "snac/nn/network_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    snac::fuzz::expect_clean([&] {
        const auto spec = snac::nn::NetworkSpec::from_yaml(text, "fuzz.yaml");
        (void)snac::nn::count_network(spec);
    });
    return 0;
}
