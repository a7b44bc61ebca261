// The 64-bit fast path of fixed-point inference (src/nn/fixed_fast.cpp) against the 128-bit
// reference evaluation, word for word: the four reference models of the HLS benchmarks, every
// quantization and overflow mode of the accumulator, narrow accumulators that overflow often,
// negative shifts (accumulator finer than the product), the Resource kernel's loop order, and
// types too wide for the fast path (which must fall back, not differ).
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "snac/nn/fixed_model.hpp"

namespace snac::hls {
namespace {

const char* const kModels[] = {
    "input_shape: [24]\nlayers:\n  - {type: dense, units: 64}\n  - {type: relu}\n"
    "  - {type: dense, units: 32}\n  - {type: relu}\n  - {type: dense, units: 5}\n"
    "  - {type: softmax}\n",
    "input_shape: [1, 8, 8]\nlayers:\n  - {type: conv2d, filters: 4, kernel: 3, padding: same}\n"
    "  - {type: relu}\n  - {type: maxpool2d, size: 2}\n  - {type: conv2d, filters: 8, kernel: 3}\n"
    "  - {type: relu}\n  - {type: flatten}\n  - {type: dense, units: 10}\n",
    "input_shape: [16, 3]\nlayers:\n  - type: deepsets\n    aggregate: mean\n"
    "    phi: [{type: dense, units: 32}, {type: relu}, {type: dense, units: 16}, {type: relu}]\n"
    "    rho: [{type: dense, units: 16}, {type: relu}, {type: dense, units: 5}]\n",
    "input_shape: [16]\nlayers:\n  - {type: dense, units: 32}\n  - {type: batchnorm}\n"
    "  - {type: tanh}\n  - {type: dense, units: 16}\n  - {type: sigmoid}\n"
    "  - {type: dense, units: 5}\n"};

struct Case {
    const char* weight;
    const char* result;
    const char* accum;
    int reuse_factor;
    Strategy strategy;
};

const Case kCases[] = {
    {"ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<16,6>", 1, Strategy::kLatency},
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3>", 1, Strategy::kLatency},  // wraps
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3,AP_RND,AP_SAT>", 1, Strategy::kLatency},
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3,AP_RND_CONV,AP_SAT_ZERO>", 1,
     Strategy::kLatency},
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3,AP_RND_ZERO,AP_SAT_SYM>", 1,
     Strategy::kLatency},
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3,AP_RND_MIN_INF>", 1, Strategy::kLatency},
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3,AP_RND_INF>", 1, Strategy::kLatency},
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3,AP_TRN_ZERO,AP_SAT>", 1, Strategy::kLatency},
    {"ap_fixed<6,1>", "ap_fixed<8,3>", "ap_fixed<40,12>", 1, Strategy::kLatency},   // shift left
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_ufixed<12,4>", 1, Strategy::kLatency},  // unsigned
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3,AP_TRN,AP_WRAP_SM>", 1,
     Strategy::kLatency},  // fallback
    {"ap_fixed<8,2>", "ap_fixed<10,4>", "ap_fixed<12,3,AP_RND,AP_SAT>", 4, Strategy::kResource},
    {"ap_fixed<8,2>", "ap_fixed<16,6>", "ap_fixed<18,8>", 8, Strategy::kResource},
    // 32-bit data and weights into 64-bit wrapping accumulators (qat_settings' exact accumulators
    // at 32 bits): products of up to 2^62 in magnitude, sums modulo 2^64.
    {"ap_fixed<32,8>", "ap_fixed<32,10>", "ap_fixed<64,24>", 1, Strategy::kLatency},
    {"ap_fixed<32,2,AP_RND,AP_SAT>", "ap_fixed<32,2,AP_RND,AP_SAT>", "ap_fixed<64,4>", 1,
     Strategy::kLatency},  // saturated words (-2 · -2 = 2^62 raw), sums that wrap at 64 bits
    {"ap_fixed<32,2,AP_RND,AP_SAT>", "ap_fixed<32,2,AP_RND,AP_SAT>", "ap_fixed<63,3>", 3,
     Strategy::kResource},
    {"ap_fixed<32,8>", "ap_fixed<32,10>", "ap_fixed<64,24,AP_RND,AP_WRAP>", 1,
     Strategy::kLatency},  // fallback: rounding products
    {"ap_ufixed<32,8>", "ap_fixed<32,10>", "ap_fixed<64,24>", 1, Strategy::kLatency},  // fallback
};

TEST(FixedFastPath, BitExactAgainstThe128BitReference) {
    for (std::size_t m = 0; m < std::size(kModels); ++m) {
        const nn::NetworkSpec net = nn::NetworkSpec::from_yaml(kModels[m]);
        const CheckpointData ck = testing::random_checkpoint(net, 11 + m);
        for (const Case& c : kCases) {
            HlsSettings s;
            s.default_precision = {FixedType::parse(c.weight), FixedType::parse(c.weight),
                                   FixedType::parse(c.result), FixedType::parse(c.accum)};
            s.reuse_factor = c.reuse_factor;
            s.strategy = c.strategy;
            const nn::FixedModel model = nn::lower_network(net, ck, s);
            const std::int64_t n = 40, size = model.input_size();
            // A wide input range so narrow accumulators overflow (wrap and saturation matter).
            const std::vector<float> x = testing::random_inputs(n, size, 5 + m, -12.0, 12.0);
            for (std::int64_t i = 0; i < n; ++i) {
                const float* xi = x.data() + i * size;
                ASSERT_EQ(model.run_raw(xi), model.run_raw_reference(xi))
                    << "model " << m << ", accum " << c.accum << ", sample " << i;
            }
        }
    }
}

}  // namespace
}  // namespace snac::hls
