// libFuzzer harnesses: the raw-data importers (`snac data import`, and every run whose dataset
// is not imported yet). One source file, compiled once per format (SNAC_FUZZ_FORMAT):
//   csv  the input is the file (plain or gzip); label column "label"
//   idx  images and labels, separated by the 8 bytes "@@LABELS"
//   npy  x and y, separated by "@@Y@@Y@"
// The first byte chooses the task and whether a subset/resize is requested, so the option
// paths are fuzzed too. The dataset then goes through split and normalisation as in a run.
#include <string>

#include "fuzz_common.hpp"
#include "snac/io/import.hpp"

#ifndef SNAC_FUZZ_FORMAT
#error "define SNAC_FUZZ_FORMAT as csv, idx or npy"
#endif
#define SNAC_STR2(x) #x
#define SNAC_STR(x) SNAC_STR2(x)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t opts = data[0];
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    snac::DataSourceConfig src;
    const std::string_view format = SNAC_STR(SNAC_FUZZ_FORMAT);
    for (int f = 1; f <= static_cast<int>(snac::DataFormat::kSynthBragg); ++f)
        if (snac::to_string(static_cast<snac::DataFormat>(f)) == format)
            src.format = static_cast<snac::DataFormat>(f);
    src.task = static_cast<snac::TaskChoice>(opts % 3);
    if (opts & 0x04) src.subset = 1 + ((opts >> 3) & 0x7);
    if (format == "csv") {
        src.file = snac::fuzz::write_scratch("in.csv", body);
        src.label_column = "label";
    } else if (format == "idx") {
        const auto [images, labels] = snac::fuzz::split_two(body, "@@LABELS");
        src.images = snac::fuzz::write_scratch("images.idx", images);
        src.labels = snac::fuzz::write_scratch("labels.idx", labels);
        if (opts & 0x40) src.resize = {1 + ((opts >> 3) & 0x3), 1 + ((opts >> 5) & 0x1)};
    } else {
        const auto [x, y] = snac::fuzz::split_two(body, "@@Y@@Y@");
        src.x = snac::fuzz::write_scratch("x.npy", x);
        src.y = snac::fuzz::write_scratch("y.npy", y);
    }
    snac::fuzz::expect_clean([&] {
        snac::Dataset d = snac::io::read_source(src, {});
        snac::SplitConfig split;
        split.stratify = (opts & 0x80) != 0;
        snac::io::split_dataset(d, split);
        snac::io::normalize_dataset(d, static_cast<snac::Normalization>((opts >> 5) & 0x3));
    });
    return 0;
}
