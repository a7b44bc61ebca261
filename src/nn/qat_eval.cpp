// Metrics with the firmware's arithmetic (FixedModel, one sample per OpenMP iteration) and the
// fake-quantized float forward pass that QAT trains with.
#include <omp.h>

#include <cmath>

#include "network.hpp"
#include "qat_hook.hpp"
#include "snac/nn/fixed_arith.hpp"
#include "snac/nn/qat.hpp"

namespace snac::nn {

std::vector<float> qat_forward(const CheckpointData& checkpoint, const HlsSettings& settings,
                               const float* x, std::int64_t n) {
    const NetworkSpec spec = NetworkSpec::from_yaml(checkpoint.architecture_yaml, "checkpoint");
    detail::Network net(spec, 0);
    net.load(checkpoint.layers);
    detail::QatHook hook(net, &settings, nullptr);
    const float* y = net.forward(hook.input(x, n), n, detail::Mode::kEval);
    return {y, y + n * net.out_size()};
}

std::map<std::string, double> evaluate_fixed(const FixedModel& model, const Dataset& data,
                                             Split split) {
    const auto& idx = data.indices(split);
    const auto n = static_cast<std::int64_t>(idx.size());
    if (n == 0) return {};
    const std::int64_t ss = data.sample_size();
    const std::int64_t outs = model.output_size();
    const FixedType ot = model.output_type();
    const bool classification = data.task == TaskType::kClassification;
    std::int64_t correct = 0;
    double distance = 0.0, squared = 0.0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : correct, distance, squared)
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t s = idx[static_cast<std::size_t>(i)];
        const std::vector<std::int64_t> raw = model.run_raw(data.x.data() + s * ss);
        if (classification) {
            std::size_t best = 0;
            for (std::size_t j = 1; j < raw.size(); ++j)
                if (raw[j] > raw[best]) best = j;
            correct += static_cast<std::int64_t>(best) == data.labels[static_cast<std::size_t>(s)];
        } else {
            double d2 = 0.0;
            for (std::int64_t j = 0; j < outs; ++j) {
                const double d = fx::to_double(raw[static_cast<std::size_t>(j)], ot) -
                                 data.targets[static_cast<std::size_t>(s * outs + j)];
                d2 += d * d;
            }
            distance += std::sqrt(d2);
            squared += d2 / static_cast<double>(outs);
        }
    }
    if (classification)
        return {{"accuracy", static_cast<double>(correct) / static_cast<double>(n)}};
    return {{"mean_distance", distance / static_cast<double>(n)},
            {"loss", squared / static_cast<double>(n)}};
}

}  // namespace snac::nn
