// Finding a run's dataset: explicit path, then <data dir>/<name>.h5 with matching provenance,
// else an import into ./data/<name>.h5. Imports write a unique temporary file and rename it, so
// ranks racing on the same dataset each see either no file or a complete one.
#include "snac/io/dataset_store.hpp"

#include <cstdlib>
#include <filesystem>

#include "snac/core/error.hpp"
#include "snac/core/log.hpp"
#include "snac/io/import.hpp"

namespace snac::io {
namespace {

namespace fs = std::filesystem;

std::string against(const std::string& base_dir, const std::string& path) {
    if (fs::path(path).is_absolute() || base_dir.empty()) return path;
    return (fs::path(base_dir) / path).string();
}

std::string import_into(const DataConfig& config, const std::string& base_dir,
                        const std::string& out) {
    std::vector<std::string> dirs = data_search_dirs();
    if (!base_dir.empty()) dirs.push_back(base_dir);
    log::info("importing dataset '" + config.name + "' (" +
              std::string(to_string(config.source.format)) + ") into " + out);
    const Dataset data = import_dataset(config, dirs);
    write_dataset(out, data, import_provenance(config, data));
    return out;
}

}  // namespace

std::vector<std::string> data_search_dirs() {
    // The default is the shared data directory the build was configured with (an absolute path
    // beside the installation), so a run finds it from any working directory.
    const char* env = std::getenv("SNAC_DATA_DIR");
    std::vector<std::string> dirs{env && *env ? std::string(env)
                                              : std::string(SNAC_DEFAULT_DATA_DIR)};
    dirs.emplace_back("data");
    return dirs;
}

std::string resolve_dataset(const DataConfig& config, const std::string& base_dir,
                            Reimport reimport) {
    const bool has_source = config.source.format != DataFormat::kNone;
    const std::string signature = has_source ? import_signature(config) : std::string();
    auto usable = [&](const std::string& candidate) {
        if (!is_dataset(candidate))
            throw UsageError("'" + candidate + "' exists but is not a snac dataset",
                             "remove or rename it, or import into another name");
        if (!has_source) return true;
        if (reimport == Reimport::kAlways) return false;
        const auto prov = read_provenance(candidate);
        auto it = prov.find("import_signature");
        if (it != prov.end() && it->second == signature) return true;
        log::info("dataset '" + candidate +
                  "' was imported with other options than the config's; re-importing");
        return false;
    };

    if (!config.path.empty()) {
        const std::string p = against(base_dir, config.path);
        if (fs::exists(p) && usable(p)) return p;
        if (!has_source)
            throw UsageError("dataset file '" + p + "' does not exist",
                             "check 'data.path', or add a 'data.source' so snac can import it");
        return import_into(config, base_dir, p);
    }
    if (config.name.empty())
        throw UsageError("the data section names no dataset", "add 'data: {name: ...}'");
    std::string tried;
    for (const auto& dir : data_search_dirs()) {
        const std::string candidate = (fs::path(dir) / (config.name + ".h5")).string();
        tried += (tried.empty() ? "" : ", ") + candidate;
        if (fs::exists(candidate) && usable(candidate)) return candidate;
    }
    if (!has_source)
        throw UsageError("dataset '" + config.name + "' not found (looked for " + tried + ")",
                         "set SNAC_DATA_DIR, give 'data.path', or add a 'data.source' to import "
                         "it from");
    return import_into(config, base_dir, (fs::path("data") / (config.name + ".h5")).string());
}

}  // namespace snac::io
