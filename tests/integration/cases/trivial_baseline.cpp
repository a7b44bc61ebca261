// Prints the trivial baseline of a config's dataset on its validation split, the split the search
// metric is measured on: classification -> "accuracy <share of the training split's majority class
// in val>", regression -> "mean_distance <mean Euclidean distance of the training-target mean>".
// Usage: case_trivial_baseline CONFIG.yaml (the dataset is resolved as the stages resolve it).
#include <cmath>
#include <cstdio>
#include <exception>
#include <vector>

#include "snac/core/config.hpp"
#include "snac/io/dataset_store.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: case_trivial_baseline CONFIG.yaml\n");
        return 2;
    }
    try {
        const snac::RunConfig cfg = snac::load_config(argv[1]);
        const snac::Dataset d =
            snac::io::load_dataset(snac::io::resolve_dataset(cfg.data, cfg.base_dir));
        if (d.val_idx.empty()) {
            std::fprintf(stderr, "the validation split is empty\n");
            return 1;
        }
        if (d.task == snac::TaskType::kClassification) {
            std::vector<std::int64_t> count(static_cast<std::size_t>(d.n_classes), 0);
            for (auto i : d.train_idx) ++count[static_cast<std::size_t>(d.labels[i])];
            std::size_t major = 0;
            for (std::size_t c = 1; c < count.size(); ++c)
                if (count[c] > count[major]) major = c;
            std::int64_t hit = 0;
            for (auto i : d.val_idx) hit += static_cast<std::size_t>(d.labels[i]) == major;
            std::printf("accuracy %.6f\n",
                        static_cast<double>(hit) / static_cast<double>(d.val_idx.size()));
        } else {
            const auto k = static_cast<std::size_t>(d.target_dim);
            std::vector<double> mean(k, 0.0);
            for (auto i : d.train_idx)
                for (std::size_t j = 0; j < k; ++j) mean[j] += d.targets[i * k + j];
            for (auto& m : mean) m /= static_cast<double>(d.train_idx.size());
            double sum = 0;
            for (auto i : d.val_idx) {
                double sq = 0;
                for (std::size_t j = 0; j < k; ++j) {
                    const double e = d.targets[i * k + j] - mean[j];
                    sq += e * e;
                }
                sum += std::sqrt(sq);
            }
            std::printf("mean_distance %.6f\n", sum / static_cast<double>(d.val_idx.size()));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "case_trivial_baseline: %s\n", e.what());
        return 1;
    }
    return 0;
}
