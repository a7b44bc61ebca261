// snac data import | snac data info

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/core/error.hpp"
#include "snac/runtime/data_command.hpp"

namespace snac::app {
namespace {
std::function<int()> setup_data(CLI::App& sub) {
    sub.require_subcommand(1);
    auto flags = std::make_shared<runtime::ImportOptions>();
    auto* imp = sub.add_subcommand(
        "import",
        "Convert raw data (CSV/CSV.gz, IDX(.gz), NPY, hls4ml jet HLF CSV or constituent HDF5, "
        "plain HDF5 arrays) into a snac HDF5 dataset: split (stratified for classification), "
        "normalised on the training split, with provenance. Either from a run config's data "
        "section (--config) or from flags. Source paths are looked up in $SNAC_DATA_DIR "
        "(default: the shared data beside the installation), then ./data. See "
        "docs/data-format.md.");
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

    auto synth =
        sub.add_subcommand("synth", "Generate a synthetic dataset from a stated physical model");
    synth->require_subcommand(1);
    auto sflags = std::make_shared<runtime::SynthOptions>();
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
        flags->quiet = sflags->quiet = global_options().quiet;
        if (bragg->parsed()) return runtime::run_data_synth_bragg(*sflags);
        if (imp->parsed()) return runtime::run_data_import(*flags);
        if (info->parsed()) return runtime::run_data_info(*info_file, *info_all);
        return static_cast<int>(ExitCode::kUsage);
    };
}

const RegisterCommand kRegister{{"data", setup_data, "Import datasets and inspect them"}};

}  // namespace
}  // namespace snac::app
