// snac run CONFIG --out DIR [--resume] [--from STAGE] [--until STAGE] [global-stage flags]: the
// whole pipeline (docs/pipeline.md). Flags to options only; the driver is runtime::run_pipeline.
#include "command.hpp"
#include "global_options.hpp"
#include "snac/runtime/pipeline.hpp"

namespace snac::app {
namespace {

struct RunArgs {
    GlobalCliOptions global;
    std::string from;
    std::string until;
    bool synth = false;
};

std::function<int()> setup_run(CLI::App& sub) {
    auto a = std::make_shared<RunArgs>();
    add_global_search_options(sub, a->global);
    const auto stages = CLI::IsMember({"global", "select", "local", "hls", "report"});
    sub.add_option("--from", a->from,
                   "Re-run this stage and every later one (their records are cleared; finished "
                   "earlier stages are kept)")
        ->check(stages);
    sub.add_option("--until", a->until, "Stop after this stage")->check(stages);
    sub.add_flag("--synth", a->synth,
                 "HLS stage: also synthesize each project with vitis_hls/vivado_hls from PATH "
                 "(refused at once when neither is there)");
    return [a] {
        const GlobalCliOptions& g = a->global;
        runtime::PipelineOptions o;
        o.config_path = g.config;
        o.overrides = config_overrides(g);
        o.resume = g.resume;
        if (!a->from.empty()) o.from = runtime::parse_stage(a->from);
        if (!a->until.empty()) o.until = runtime::parse_stage(a->until);
        o.progress = !g.no_progress && !global_options().quiet;
        o.synth = a->synth;
        return runtime::run_pipeline(o);
    };
}

const RegisterCommand kRegister{
    {"run", setup_run,
     "Run the pipeline: global search -> select -> local (QAT x pruning) -> hls -> report.\n"
     "--resume skips finished stages and continues an interrupted one; --from/--until choose\n"
     "stages. The global stage is distributed under mpirun/srun (docs/pipeline.md)."}};

}  // namespace
}  // namespace snac::app
