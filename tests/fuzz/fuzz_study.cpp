// libFuzzer harness: the study reader (`snac study`, `--resume`): the input is the SQLite file.
// Seeds are real study files (Optuna's RDB schema) made by tests/fuzz/make_seeds.sh.
// Property: list_studies/open_read_only/trials return or throw snac::Error; a damaged file is a
// UsageError naming the file, never a crash.
#include <string>

#include "fuzz_common.hpp"
#include "snac/io/study_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = snac::fuzz::write_scratch(
        "study.db", std::string_view(reinterpret_cast<const char*>(data), size));
    snac::fuzz::expect_clean([&] {
        for (const auto& s : snac::io::StudyStore::list_studies(path)) {
            auto store = snac::io::StudyStore::open_read_only(path, s.name);
            (void)store.summary();
            for (const auto& t : store.trials()) (void)snac::to_string(t.state);
        }
    });
    return 0;
}
