// snac data import | snac data info
#include "snac/runtime/data_command.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/synth.hpp"

namespace snac::runtime {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_list(const std::string& text, const std::string& seps) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (seps.find(c) != std::string::npos) {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else if (c != ' ') {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

// Writes the flags as a `data:` section and parses it with the config parser, so flags and
// config files are validated by exactly the same rules.
DataConfig data_config_from_flags(const ImportOptions& f) {
    YAML::Emitter e;
    e << YAML::BeginMap << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "name" << YAML::Value << f.name;
    e << YAML::Key << "source" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "format" << YAML::Value << f.format;
    auto opt = [&](const char* key, const std::string& v) {
        if (!v.empty()) e << YAML::Key << key << YAML::Value << v;
    };
    opt("file", f.file);
    opt("images", f.images);
    opt("labels", f.labels);
    opt("x", f.x);
    opt("y", f.y);
    opt("label_column", f.label_column);
    opt("task", f.task);
    opt("particles", f.particles);
    opt("layout", f.layout);
    if (!f.features.empty())
        e << YAML::Key << "features" << YAML::Value << YAML::Flow << split_list(f.features, ",");
    if (!f.resize.empty()) {
        std::vector<std::int64_t> hw;
        for (const auto& part : split_list(f.resize, "x,X")) {
            try {
                hw.push_back(std::stoll(part));
            } catch (const std::exception&) {
                throw UsageError("--resize '" + f.resize + "' is not HxW", "e.g. --resize 8x8");
            }
        }
        e << YAML::Key << "resize" << YAML::Value << YAML::Flow << hw;
    }
    if (f.subset >= 0) e << YAML::Key << "subset" << YAML::Value << f.subset;
    if (f.n_particles >= 0) e << YAML::Key << "n_particles" << YAML::Value << f.n_particles;
    e << YAML::EndMap;
    opt("normalize", f.normalize);
    e << YAML::Key << "split" << YAML::Value << YAML::BeginMap;
    if (!f.split.empty()) {
        const auto parts = split_list(f.split, ",/");
        if (parts.size() != 3)
            throw UsageError("--split '" + f.split + "' needs three fractions train,val,test",
                             "e.g. --split 0.7,0.1,0.2");
        const char* keys[] = {"train", "val", "test"};
        for (std::size_t i = 0; i < 3; ++i) e << YAML::Key << keys[i] << YAML::Value << parts[i];
    }
    if (f.seed_set) e << YAML::Key << "seed" << YAML::Value << f.seed;
    if (f.no_stratify) e << YAML::Key << "stratify" << YAML::Value << false;
    e << YAML::EndMap;
    e << YAML::EndMap << YAML::EndMap;
    return parse_config(e.c_str(), "<command line>").data;
}

int run_import_impl(const ImportOptions& f) {
    DataConfig data;
    std::string base_dir;
    if (!f.config.empty()) {
        if (!f.format.empty())
            throw UsageError("give either --config or source flags (--format ...), not both",
                             "the config's data section already says how to import");
        const RunConfig cfg = load_config(f.config);
        data = cfg.data;
        base_dir = cfg.base_dir;
        if (!f.out.empty()) data.path = f.out;
    } else {
        if (f.format.empty())
            throw UsageError(
                "nothing to import: give --config FILE or --format and the source files",
                "e.g. snac data import --format csv --file htru2_pulsar/pulsar_stars.csv.gz "
                "--label-column target_class --out data/htru2.h5");
        if (f.out.empty() && f.name.empty())
            throw UsageError("give --out FILE.h5 or --name NAME (imports into ./data/NAME.h5)",
                             "e.g. --out data/htru2.h5");
        ImportOptions g = f;
        if (g.name.empty()) g.name = fs::path(f.out).stem().string();
        data = data_config_from_flags(g);
        data.path = f.out.empty() ? (fs::path("data") / (g.name + ".h5")).string() : f.out;
    }
    const std::string path = io::resolve_dataset(
        data, base_dir,
        f.force || f.config.empty() ? io::Reimport::kAlways : io::Reimport::kIfChanged);
    if (f.quiet) {
        std::cout << path << "\n";
        return 0;
    }
    std::cout << "file:           " << path << "\n"
              << io::describe_dataset(io::load_dataset(path), io::read_provenance(path),
                                      f.all ? 0 : 32);
    return 0;
}

int run_info_impl(const std::string& file, bool all) {
    const std::string ext = fs::path(file).extension().string();
    if ((ext == ".yaml" || ext == ".yml") && fs::exists(file))
        throw UsageError("'" + file + "' is a run configuration, not a dataset",
                         "run 'snac data import --config " + file + "' (it prints the summary)");
    const Dataset d = io::load_dataset(file);
    std::cout << "file:           " << file << "\n"
              << io::describe_dataset(d, io::read_provenance(file), all ? 0 : 32);
    return 0;
}

int run_synth_bragg_impl(const SynthOptions& f) {
    if (f.out.empty())
        throw UsageError("snac data synth bragg needs --out FILE.h5",
                         "e.g. --out data/bragg_synth.h5");
    const Dataset d = io::synth_bragg(f.bragg);
    const auto& b = f.bragg;
    std::ostringstream opts;
    opts << "samples=" << b.samples << " patch=" << b.patch << " seed=" << b.seed
         << " sigma=" << b.sigma_min << ".." << b.sigma_max << " eta=" << b.eta_min << ".."
         << b.eta_max << " amplitude=" << b.amplitude_min << ".." << b.amplitude_max
         << " background=" << b.background_min << ".." << b.background_max
         << " threshold=" << b.threshold;
    io::write_dataset(
        f.out, d,
        {{"source", "synth bragg (2-D pseudo-Voigt + Poisson noise; docs/data-format.md)"},
         {"synth_options", opts.str()}});
    if (f.quiet) {
        std::cout << f.out << "\n";
        return 0;
    }
    std::cout << "file:           " << f.out << "\n"
              << io::describe_dataset(io::load_dataset(f.out), io::read_provenance(f.out), 8);
    return 0;
}

}  // namespace

int run_data_import(const ImportOptions& options) {
    return run_import_impl(options);
}
int run_data_info(const std::string& file, bool all) {
    return run_info_impl(file, all);
}
int run_data_synth_bragg(const SynthOptions& options) {
    return run_synth_bragg_impl(options);
}

}  // namespace snac::runtime
