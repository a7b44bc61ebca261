#pragma once
/// Plain sample arrays for `snac predict`: samples from NPY or CSV files and predictions to NPY.
#include <cstdint>
#include <string>
#include <vector>

namespace snac::io {

/// Samples read from a file: `shape` = [N, ...] (N samples), values row-major as float32.
struct SampleArray {
    std::vector<std::int64_t> shape;
    std::vector<float> values;
};

/// .npy: the whole array ([N, ...]; a 1-D array is N samples of one value). .csv / .csv.gz: a
/// header line, then one sample a row, every column numeric. Throws UsageError naming the file.
SampleArray read_samples(const std::string& path);

/// Writes a C-order little-endian NPY (version 1.0) file of float32 ("<f4") or float64 ("<f8")
/// atomically. Throws Error on I/O failure.
void write_npy(const std::string& path, const std::vector<std::int64_t>& shape,
               const std::vector<float>& values);
void write_npy(const std::string& path, const std::vector<std::int64_t>& shape,
               const std::vector<double>& values);

}  // namespace snac::io
