#pragma once
/// `surrogate:` section — which hardware cost model scores candidates.
#include <string>

namespace snac {

enum class SurrogateModel { kAnalytical, kLearned };

struct SurrogateConfig {
    SurrogateModel model = SurrogateModel::kAnalytical;
    std::string file;  ///< coefficients (analytical) or model.h5 (learned); empty = built-in
};

}  // namespace snac
