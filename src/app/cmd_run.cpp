// snac run CONFIG --out DIR [--resume] ...: the pipeline. Today it runs the global stage; later
// stages (select, local, hls, report) join it as they land.
#include "command.hpp"
#include "global_options.hpp"

namespace snac::app {
namespace {

std::function<int()> setup_run(CLI::App& sub) {
    auto opts = std::make_shared<GlobalCliOptions>();
    add_global_search_options(sub, *opts);
    return [opts] { return run_global_search(*opts); };
}

const RegisterCommand kRegister{
    {"run", setup_run,
     "Run the pipeline on a configuration (currently the global search stage; see docs/cli.md).\n"
     "Works in one process or under mpirun/srun; --resume continues an interrupted run."}};

}  // namespace
}  // namespace snac::app
