// Plain HDF5 arrays: samples `x` [N, ...] and labels `y` ([N], one-hot [N, C] or targets [N, T])
// named by dataset path inside one file.
#include <algorithm>

#include "hdf5_util.hpp"
#include "import_formats.hpp"
#include "import_source.hpp"

namespace snac::io::detail {

Dataset read_hdf5_source(const DataSourceConfig& source, const std::vector<std::string>& dirs) {
    const std::string file = locate_source(source.file, dirs);
    h5::Handle f = h5::open_file(file);
    std::vector<hsize_t> xd, yd;
    std::vector<float> x = h5::read_array<float>(f, source.x, file, &xd);
    std::vector<double> y = h5::read_array<double>(f, source.y, file, &yd);
    const bool integer = h5::is_integer_dataset(f, source.y, file);
    if (xd.empty() || yd.empty() || xd[0] != yd[0])
        throw UsageError("'" + file + "': '" + source.x + "' and '" + source.y +
                             "' must share their first (sample) dimension",
                         "store samples as [N, ...] and labels as [N] or [N, outputs]");
    std::int64_t n = static_cast<std::int64_t>(xd[0]);
    const std::int64_t width =
        n == 0 ? 1 : static_cast<std::int64_t>(y.size()) / static_cast<std::int64_t>(xd[0]);
    if (source.subset > 0) n = std::min<std::int64_t>(n, source.subset);
    Dataset data;
    data.n_samples = n;
    for (std::size_t i = 1; i < xd.size(); ++i)
        data.sample_shape.push_back(static_cast<std::int64_t>(xd[i]));
    if (data.sample_shape.empty()) data.sample_shape = {1};
    x.resize(static_cast<std::size_t>(n * data.sample_size()));
    data.x = std::move(x);
    y.resize(static_cast<std::size_t>(n * width));
    labels_from_array(data, y, n, width, integer, source.task,
                      "'" + file + "' dataset '" + source.y + "'");
    if (data.sample_shape.size() == 1)
        for (std::int64_t i = 0; i < data.sample_shape[0]; ++i)
            data.feature_names.push_back("x" + std::to_string(i));
    return data;
}

}  // namespace snac::io::detail
