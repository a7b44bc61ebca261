// Labels from numeric arrays (NPY, HDF5): class indices, one-hot rows, or regression targets.
#include <algorithm>
#include <cmath>

#include "import_formats.hpp"
#include "import_source.hpp"
#include "snac/core/error.hpp"

namespace snac::io::detail {

void labels_from_array(Dataset& data, const std::vector<double>& y, std::int64_t rows,
                       std::int64_t width, bool integer_type, TaskChoice task,
                       const std::string& what) {
    auto row_is_one_hot = [&](std::int64_t r) {
        int ones = 0;
        for (std::int64_t c = 0; c < width; ++c) {
            const double v = y[static_cast<std::size_t>(r * width + c)];
            if (v == 1.0)
                ++ones;
            else if (v != 0.0)
                return false;
        }
        return ones == 1;
    };
    bool integer_valued = true;
    for (double v : y) {
        if (!std::isfinite(v))
            throw UsageError(what + " holds a non-finite label value", "replace NaN/inf labels");
        if (v != std::floor(v)) integer_valued = false;
    }
    bool one_hot = width > 1;
    for (std::int64_t r = 0; one_hot && r < rows; ++r) one_hot = row_is_one_hot(r);

    const bool regression =
        task == TaskChoice::kRegression || (task == TaskChoice::kAuto && !one_hot &&
                                            !(width == 1 && (integer_type || integer_valued)));
    if (regression) {
        data.task = TaskType::kRegression;
        data.target_dim = width;
        data.targets.assign(y.begin(), y.end());
        return;
    }
    if (width > 1) {
        for (std::int64_t r = 0; r < rows; ++r)
            if (!row_is_one_hot(r))
                throw UsageError(what + " record " + std::to_string(r) +
                                     " is not a one-hot row (exactly one 1, the rest 0)",
                                 "give class indices [N] or one-hot rows [N, classes]");
        data.task = TaskType::kClassification;
        data.n_classes = width;
        data.labels.resize(static_cast<std::size_t>(rows));
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t c = 0; c < width; ++c)
                if (y[static_cast<std::size_t>(r * width + c)] == 1.0)
                    data.labels[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(c);
        data.class_names.clear();
        for (std::int64_t c = 0; c < width; ++c) data.class_names.push_back(std::to_string(c));
        return;
    }
    if (!integer_valued)
        throw UsageError(what + " holds non-integer labels but the task is classification",
                         "use integer class labels, or set 'task: regression'");
    // Non-negative integers are class indices (as a cross-entropy loss reads them), so a subset
    // missing a class keeps the numbering; other integers are category codes.
    const double lo = y.empty() ? 0.0 : *std::min_element(y.begin(), y.end());
    const double hi = y.empty() ? 0.0 : *std::max_element(y.begin(), y.end());
    if (lo >= 0 && hi < 65536) {
        data.task = TaskType::kClassification;
        data.n_classes = static_cast<std::int64_t>(hi) + 1;
        data.class_names.clear();
        for (std::int64_t c = 0; c < data.n_classes; ++c)
            data.class_names.push_back(std::to_string(c));
        data.labels.resize(y.size());
        for (std::size_t i = 0; i < y.size(); ++i) data.labels[i] = static_cast<std::int32_t>(y[i]);
        return;
    }
    std::vector<std::string> text(y.size());
    for (std::size_t i = 0; i < y.size(); ++i)
        text[i] = std::to_string(static_cast<long long>(y[i]));
    assign_classes(data, text);
}

}  // namespace snac::io::detail
