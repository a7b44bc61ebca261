#pragma once
/// `data:` section — which dataset a run uses and how to import it when it is not there yet.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace snac {

/// The input scaling method (`data.normalize`, a dataset's and a model's stored scaling).
enum class Normalization { kNone, kStandardize, kMinMax, kRobust };
/// Its name (one table in src/core/config/section_data.cpp: the config, the dataset file and the
/// model's stored scaling use it).
std::string_view to_string(Normalization n) noexcept;  ///< "none" | "standardize" | ...
/// The method named `name`; throws UsageError naming `where` for an unknown name.
Normalization parse_normalization(std::string_view name, const std::string& where);

/// What the labels are: `auto` decides from the label values (integers or strings: classes).
enum class TaskChoice { kAuto, kClassification, kRegression };

/// Jet constituents: keep the K leading particles flattened to [K*F] or as a set [K, F].
enum class ParticleLayout { kFlat, kSet };

/// The raw-data format of `data.source.format` (docs/data-format.md); kNone = no source.
enum class DataFormat { kNone, kIdx, kCsv, kNpy, kJetsHlf, kJetsConstituents, kHdf5, kSynthBragg };
/// Its config name (one table in src/core/config/section_data.cpp for the parser, the emitter and
/// the importers' provenance).
std::string_view to_string(DataFormat f) noexcept;  ///< "idx", "csv", ...; "" for kNone

/// How to build the dataset from raw files (paths relative to the data directory or absolute).
struct DataSourceConfig {
    DataFormat format = DataFormat::kNone;
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
