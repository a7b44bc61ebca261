#pragma once
/// `data:` section — which dataset a run uses and how to import it when it is not there yet.
#include <cstdint>
#include <string>
#include <vector>

namespace snac {

enum class Normalization { kNone, kStandardize, kMinMax, kRobust };

/// What the labels are: `auto` decides from the label values (integers or strings: classes).
enum class TaskChoice { kAuto, kClassification, kRegression };

/// Jet constituents: keep the K leading particles flattened to [K*F] or as a set [K, F].
enum class ParticleLayout { kFlat, kSet };

/// How to build the dataset from raw files (paths relative to the data directory or absolute).
struct DataSourceConfig {
    std::string format;  ///< idx | csv | npy | jets_hlf | jets_constituents | hdf5 | synth_bragg
    std::string file;    ///< csv / csv.gz / hdf5 source
    std::string images, labels;        ///< idx
    std::string x, y;                  ///< npy
    std::string label_column;          ///< csv
    std::vector<std::int64_t> resize;  ///< idx down-sizing [h, w] by area averaging
    std::int64_t subset = 0;           ///< keep the first N samples (0 = all)
    TaskChoice task = TaskChoice::kAuto;
    std::vector<std::string> features;  ///< csv columns / particle features to keep (empty = all)
    std::string particles;  ///< jets_constituents: particle array (default jetConstituentList)
    std::int64_t n_particles = 0;  ///< jets_constituents: K leading particles (0 = all)
    ParticleLayout layout = ParticleLayout::kFlat;
    std::int64_t samples = 20000;  ///< synth_bragg: patches to generate
    std::uint64_t seed = 1;        ///< synth_bragg: generator seed
};

struct SplitConfig {
    double train = 0.7;
    double val = 0.1;
    double test = 0.2;
    std::uint64_t seed = 1;
    bool stratify = true;
};

struct DataConfig {
    std::string name;  ///< dataset name: <data dir>/<name>.h5 is used or created
    std::string path;  ///< explicit HDF5 dataset path (overrides name lookup)
    DataSourceConfig source;
    Normalization normalize = Normalization::kStandardize;
    SplitConfig split;
};

}  // namespace snac
