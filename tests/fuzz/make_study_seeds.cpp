// Writes small real study files (the study harness's seeds) with snac's own StudyStore:
// one per journal mode, trials in every state, parameters of each distribution kind.
#include <filesystem>
#include <iostream>

#include "snac/io/study_store.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: fuzz_study_seeds DIR\n";
        return 2;
    }
    namespace fs = std::filesystem;
    using snac::TrialState;
    fs::create_directories(argv[1]);
    for (auto journal : {snac::io::StudyJournal::kWal, snac::io::StudyJournal::kDelete}) {
        const bool wal = journal == snac::io::StudyJournal::kWal;
        const std::string path = std::string(argv[1]) + (wal ? "/wal.db" : "/delete.db");
        fs::remove(path);
        snac::io::StudyDefinition def{"seed", {"accuracy", "bops"},
                                      {snac::Direction::kMaximize, snac::Direction::kMinimize}};
        def.journal = journal;
        auto store = snac::io::StudyStore::open(path, def);
        const std::vector<snac::io::StoredParam> params = {
            {"n_layers", 1.0,
             R"({"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 1, "high": 4}})"},
            {"lr", 0.01,
             R"({"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0001, "high": 0.1, "log": true}})"},
            {"act", 1.0,
             R"({"name": "CategoricalDistribution", "attributes": {"choices": ["relu", "tanh"]}})"}};
        const auto a = store.create_trial(params, {{"bops", "1024.0"}});
        store.finish_trial(a, TrialState::kComplete, {0.9, 1024.0}, {{"params", "33"}});
        const auto b = store.create_trial(params);
        store.finish_trial(b, TrialState::kFail, {}, {}, {{"fail_reason", "\"diverged\""}});
        const auto c = store.create_trial(params);
        store.finish_trial(c, TrialState::kPruned, {});
        (void)store.create_trial(params);  // left RUNNING, as after a kill
        store.set_study_attrs({{"note", "\"seed\""}}, {});
    }
    return 0;
}
