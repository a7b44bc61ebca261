// snac global CONFIG --out DIR [--trials N] [--time-limit 30m] [--resume] [--seed S]
#include "command.hpp"
#include "global_options.hpp"

namespace snac::app {
namespace {

std::function<int()> setup_global(CLI::App& sub) {
    auto opts = std::make_shared<GlobalCliOptions>();
    add_global_search_options(sub, *opts);
    return [opts] { return run_global_search(*opts); };
}

const RegisterCommand kRegister{
    {"global", setup_global,
     "Run the global architecture search (NSGA-II; every candidate estimated, then trained).\n"
     "Runs every role in this process, or distributes them when started under mpirun/srun."}};

}  // namespace
}  // namespace snac::app
