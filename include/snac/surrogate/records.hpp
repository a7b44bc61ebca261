#pragma once
/// Synthesis records the surrogate is fitted and evaluated on (docs/surrogate.md#records), read
/// from the wa-hls4ml pilot CSV layout (results_{latency,resource}.csv) or the wa-hls4ml JSON
/// record layout (../shared/docs/reference/surrogate.md §5, §6).
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "snac/core/hls_settings.hpp"
#include "snac/nn/network_spec.hpp"

namespace snac::surrogate {

/// Measured values of one synthesis. Missing values are NaN.
struct SynthesisTargets {
    double lut = 0, ff = 0, dsp = 0;
    double bram_18k = 0;  ///< 18 Kb blocks (wa-hls4ml's 36 Kb tiles are doubled on load)
    double uram = 0;
    double cycles_min = 0, cycles_max = 0;  ///< latency, clock cycles
    double ii_min = 0, ii_max = 0;          ///< initiation interval, clock cycles
};

struct SynthesisRecord {
    std::string id;            ///< model name / uuid
    std::string architecture;  ///< canonical layer structure: records sharing it are one group
    nn::NetworkSpec network;
    HlsSettings hls;
    std::string part;  ///< part name, e.g. "xcu250-figd2104-2L-e"
    SynthesisTargets y;
};

enum class RecordLayout { kPilotCsv, kWaHls4mlJson };
/// Which resource report of a JSON record is the target.
enum class ResourceSource { kVivado, kHls };

struct RecordSet {
    RecordLayout layout = RecordLayout::kPilotCsv;
    std::vector<SynthesisRecord> records;
    std::int64_t skipped_failed = 0;       ///< syntheses that did not succeed
    std::int64_t skipped_unsupported = 0;  ///< records with layers snac's spec cannot express
    std::vector<std::string> notes;        ///< why records were skipped (first few reasons)
};

/// Loads one file (.csv: pilot layout; .json/.jsonl: wa-hls4ml records, as a JSON array, an
/// object of records, one record, or one record per line) or every such file in a directory.
/// Throws UsageError naming missing columns/keys and the file.
RecordSet load_records(const std::string& path, ResourceSource source = ResourceSource::kVivado);
RecordSet parse_pilot_csv(std::istream& in, const std::string& source_name);
RecordSet parse_wa_hls4ml_json(const std::string& text, const std::string& source_name,
                               ResourceSource source = ResourceSource::kVivado);

/// Appends `more` to `into` (records, counters, notes).
void append(RecordSet& into, RecordSet more);

}  // namespace snac::surrogate
