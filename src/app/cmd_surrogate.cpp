// snac surrogate fit | eval: fit the hardware surrogate on synthesis records and measure it on
// a split grouped by architecture (docs/surrogate.md).

#include "cli_checks.hpp"
#include "command.hpp"
#include "snac/runtime/surrogate_command.hpp"

namespace snac::app {
namespace {
void add_common(CLI::App* c, runtime::SurrogateOptions& f) {
    c->add_option("--records", f.records,
                  "Synthesis records: wa-hls4ml pilot CSV (results_*.csv), wa-hls4ml JSON "
                  "(.json/.jsonl), or a directory of them; repeatable")
        ->required();
    c->add_option("--model", f.model, "analytical | learned");
    c->add_option("--resource-source", f.resource_source,
                  "JSON records: vivado (resource_report, default) or hls (hls_resource_report)");
    c->add_option("--coefficients", f.coefficients,
                  "Analytical coefficients the learned model builds on (default: shipped file)");
    c->add_option("--epochs", f.epochs, "Learned model: maximum training epochs (default 300)")
        ->check(in_range<long long>(1, 100000));
    c->add_option("--seed", f.seed, "Seed of the split and of training (default 1)")
        ->check(seed_range());
}

std::function<int()> setup_surrogate(CLI::App& sub) {
    sub.require_subcommand(1);
    auto f = std::make_shared<runtime::SurrogateOptions>();
    auto action = std::make_shared<std::function<int()>>();
    auto* fit = sub.add_subcommand(
        "fit", "Fit the analytical coefficients (.json) or train the learned model (.h5)");
    add_common(fit, *f);
    fit->add_option("--out", f->out, "Output: coefficients .json or model .h5")->required();
    fit->callback([f, action] { *action = [f] { return runtime::run_surrogate_fit(*f); }; });
    auto* ev = sub.add_subcommand(
        "eval", "R2, SMAPE and RMSE per target on a split that groups records by architecture");
    add_common(ev, *f);
    ev->add_option("--model-file", f->model_file,
                   "Score this model file as is instead of refitting on the training split");
    ev->add_option("--test-fraction", f->test_fraction,
                   "Share of architectures held out for testing (default 0.25)")
        ->check(in_range<double>(0.01, 0.99));
    ev->add_flag("--json", f->json, "Print the metrics as JSON");
    ev->callback([f, action] { *action = [f] { return runtime::run_surrogate_eval(*f); }; });
    return [action] { return (*action)(); };
}

const RegisterCommand kRegister{
    {"surrogate", setup_surrogate, "Fit and evaluate the hardware surrogate on synthesis records"}};

}  // namespace
}  // namespace snac::app
