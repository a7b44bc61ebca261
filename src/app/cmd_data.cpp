// snac data import | snac data info
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/core/config.hpp"
#include "snac/core/error.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/synth.hpp"

namespace snac::app {
namespace {

namespace fs = std::filesystem;

/// Flags of `snac data import` when no --config is given: they spell a `data:` section.
struct ImportFlags {
    std::string config, out, name, format, file, images, labels, x, y, label_column, features,
        resize, task, particles, layout, normalize, split;
    std::int64_t subset = -1, n_particles = -1;
    std::uint64_t seed = 0;
    bool seed_set = false, no_stratify = false, force = false, all = false;
};

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
DataConfig data_config_from_flags(const ImportFlags& f) {
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

int run_import(const ImportFlags& f) {
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
        ImportFlags g = f;
        if (g.name.empty()) g.name = fs::path(f.out).stem().string();
        data = data_config_from_flags(g);
        data.path = f.out.empty() ? (fs::path("data") / (g.name + ".h5")).string() : f.out;
    }
    const std::string path = io::resolve_dataset(
        data, base_dir,
        f.force || f.config.empty() ? io::Reimport::kAlways : io::Reimport::kIfChanged);
    if (global_options().quiet) {
        std::cout << path << "\n";
        return 0;
    }
    std::cout << "file:           " << path << "\n"
              << io::describe_dataset(io::load_dataset(path), io::read_provenance(path),
                                      f.all ? 0 : 32);
    return 0;
}

int run_info(const std::string& file, bool all) {
    const std::string ext = fs::path(file).extension().string();
    if ((ext == ".yaml" || ext == ".yml") && fs::exists(file))
        throw UsageError("'" + file + "' is a run configuration, not a dataset",
                         "run 'snac data import --config " + file + "' (it prints the summary)");
    const Dataset d = io::load_dataset(file);
    std::cout << "file:           " << file << "\n"
              << io::describe_dataset(d, io::read_provenance(file), all ? 0 : 32);
    return 0;
}

struct SynthFlags {
    std::string out;
    io::BraggSynthOptions bragg;
};

int run_synth_bragg(const SynthFlags& f) {
    if (f.out.empty())
        throw UsageError("snac data synth bragg needs --out FILE.h5", "e.g. --out data/bragg_synth.h5");
    const Dataset d = io::synth_bragg(f.bragg);
    const auto& b = f.bragg;
    std::ostringstream opts;
    opts << "samples=" << b.samples << " patch=" << b.patch << " seed=" << b.seed
         << " sigma=" << b.sigma_min << ".." << b.sigma_max << " eta=" << b.eta_min << ".."
         << b.eta_max << " amplitude=" << b.amplitude_min << ".." << b.amplitude_max
         << " background=" << b.background_min << ".." << b.background_max
         << " threshold=" << b.threshold;
    io::write_dataset(f.out, d,
                      {{"source", "synth bragg (2-D pseudo-Voigt + Poisson noise; docs/data-format.md)"},
                       {"synth_options", opts.str()}});
    if (global_options().quiet) {
        std::cout << f.out << "\n";
        return 0;
    }
    std::cout << "file:           " << f.out << "\n"
              << io::describe_dataset(io::load_dataset(f.out), io::read_provenance(f.out), 8);
    return 0;
}

std::function<int()> setup_data(CLI::App& sub) {
    sub.require_subcommand(1);
    auto flags = std::make_shared<ImportFlags>();
    auto* imp = sub.add_subcommand(
        "import",
        "Convert raw data (CSV/CSV.gz, IDX(.gz), NPY, hls4ml jet HLF CSV or constituent HDF5, "
        "plain HDF5 arrays) into a snac HDF5 dataset: split (stratified for classification), "
        "normalised on the training split, with provenance. Either from a run config's data "
        "section (--config) or from flags. Source paths are looked up in $SNAC_DATA_DIR "
        "(default: the shared data beside the installation), then ./data. See docs/data-format.md.");
    imp->add_option("-c,--config", flags->config, "Run configuration whose data section to import")
        ->check(CLI::ExistingFile);
    imp->add_option("-o,--out", flags->out, "Output dataset file (.h5); default data/NAME.h5");
    imp->add_option("--name", flags->name, "Dataset name (default: the output file's stem)");
    imp->add_option("--format", flags->format,
                    "Source format: csv, idx, npy, hdf5, jets_hlf, jets_constituents");
    imp->add_option("--file", flags->file,
                    "csv / jets_hlf: the CSV(.gz); hdf5 / jets_constituents: the .h5");
    imp->add_option("--images", flags->images, "idx: images file (IDX3, may be .gz)");
    imp->add_option(
        "--labels", flags->labels,
        "idx: labels file (IDX1, may be .gz); jets_constituents: one-hot label dataset");
    imp->add_option("--x", flags->x, "npy: samples file; hdf5: samples dataset name");
    imp->add_option("--y", flags->y, "npy: labels/targets file; hdf5: labels dataset name");
    imp->add_option("--label-column", flags->label_column, "csv: name of the label column");
    imp->add_option("--features", flags->features,
                    "Comma-separated feature columns (csv, jets_hlf) or particle features "
                    "(jets_constituents); default all");
    imp->add_option("--resize", flags->resize,
                    "idx: down-size images to HxW by area averaging, e.g. 8x8");
    imp->add_option("--subset", flags->subset, "Keep only the first N samples");
    imp->add_option("--task", flags->task, "auto (default), classification or regression");
    imp->add_option("--particles", flags->particles,
                    "jets_constituents: particle array name (default jetConstituentList)");
    imp->add_option("--n-particles", flags->n_particles,
                    "jets_constituents: keep the K leading particles");
    imp->add_option("--layout", flags->layout, "jets_constituents: flat ([K*F]) or set ([K, F])");
    imp->add_option("--normalize", flags->normalize,
                    "standardize (default), minmax, robust or none; fitted on the training split");
    imp->add_option("--split", flags->split, "Fractions train,val,test (default 0.7,0.1,0.2)");
    imp->add_option("--seed", flags->seed, "Split seed (default 1)")
        ->check(seed_range())
        ->each([flags](const std::string&) { flags->seed_set = true; });
    imp->add_flag("--no-stratify", flags->no_stratify, "Do not stratify the split by class");
    imp->add_flag("-f,--force", flags->force, "Re-import even when an up-to-date dataset exists");
    imp->add_flag("--all", flags->all, "List statistics of every feature in the summary");

    auto* info = sub.add_subcommand(
        "info", "Print a dataset's shapes, split sizes, class balance and per-feature statistics.");
    auto info_file = std::make_shared<std::string>();
    auto info_all = std::make_shared<bool>(false);
    info->add_option("FILE", *info_file, "Dataset file (.h5) written by 'snac data import'")
        ->required();
    info->add_flag("--all", *info_all, "List statistics of every feature");

    auto synth = sub.add_subcommand("synth", "Generate a synthetic dataset from a stated physical model");
    synth->require_subcommand(1);
    auto sflags = std::make_shared<SynthFlags>();
    auto* bragg = synth->add_subcommand(
        "bragg",
        "BraggNN-style 11x11 diffraction-peak patches: a 2-D pseudo-Voigt peak with random "
        "sub-pixel centre, widths, mixing and rotation, background and Poisson noise, cut and "
        "min-max normalised as BraggNN does; target = centre / patch size (x, y). The real "
        "training frames are not distributed; check models on braggnn_golden_patches.csv.");
    bragg->add_option("-o,--out", sflags->out, "Output dataset file (.h5)")->required();
    bragg->add_option("--samples", sflags->bragg.samples, "Number of patches (default 20000)")
        ->check(in_range<long long>(10, 100000000));
    bragg->add_option("--patch", sflags->bragg.patch, "Patch size in pixels (default 11)")
        ->check(in_range<long long>(3, 64));
    bragg->add_option("--seed", sflags->bragg.seed, "Seed (default 1)")->check(seed_range());
    bragg->add_option("--sigma-min", sflags->bragg.sigma_min, "Smallest Gaussian width, pixels");
    bragg->add_option("--sigma-max", sflags->bragg.sigma_max, "Largest Gaussian width, pixels");
    bragg->add_option("--eta-max", sflags->bragg.eta_max, "Largest Lorentzian fraction (0..1)");
    bragg->add_option("--threshold", sflags->bragg.threshold,
                      "Pixels below this fraction of the maximum are set to 0 (default 0.05)");

    return [flags, imp, info, info_file, info_all, bragg, sflags]() {
        if (bragg->parsed()) return run_synth_bragg(*sflags);
        if (imp->parsed()) return run_import(*flags);
        if (info->parsed()) return run_info(*info_file, *info_all);
        return static_cast<int>(ExitCode::kUsage);
    };
}

const RegisterCommand kRegister{{"data", setup_data, "Import datasets and inspect them"}};

}  // namespace
}  // namespace snac::app
