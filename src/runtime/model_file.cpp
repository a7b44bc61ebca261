// The model loader every command shares (architecture YAML, snac checkpoint, ONNX).
#include "snac/runtime/model_file.hpp"

#include <filesystem>
#include <fstream>

#include "snac/core/error.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/onnx_file.hpp"
#include "snac/runtime/onnx_model.hpp"

namespace snac::runtime {

namespace {

/// An HDF5 file that is not a checkpoint (a dataset, a learned surrogate without an
/// architecture, another program's file) or any other binary would otherwise reach the YAML
/// parser, whose complaint ("control characters are not allowed") names no real problem.
void refuse_binary(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    const std::string hint =
        "pass an architecture file (.yaml), a snac checkpoint (.h5, written by snac train, "
        "global, or local) or an ONNX model (.onnx)";
    if (head.rfind("\x89HDF\r\n\x1a\n", 0) == 0) {
        if (io::is_dataset(path))
            throw UsageError("'" + path + "' is a snac dataset, not a model", hint);
        throw UsageError("'" + path + "' is an HDF5 file but not a snac checkpoint (it has no "
                         "architecture and weights)", hint);
    }
    if (head.find('\0') != std::string::npos)
        throw UsageError("'" + path + "' is a binary file, not an architecture file (YAML)", hint);
}

}  // namespace

ModelFile load_model(const std::string& path) {
    if (!std::filesystem::exists(path))
        throw UsageError("'" + path + "' does not exist",
                         "pass an architecture file (.yaml), a snac checkpoint (.h5) or an ONNX "
                         "model (.onnx)");
    ModelFile m;
    m.path = path;
    if (io::is_onnx_path(path)) {
        m.kind = ModelFileKind::kOnnx;
        m.checkpoint = import_onnx(path);
    } else if (io::is_checkpoint(path)) {
        m.kind = ModelFileKind::kCheckpoint;
        m.checkpoint = io::read_checkpoint(path);
    } else {
        refuse_binary(path);
        m.spec = nn::NetworkSpec::load(path);
        m.checkpoint.architecture_yaml = m.spec.to_yaml();
        return m;
    }
    m.spec = nn::NetworkSpec::from_yaml(m.checkpoint.architecture_yaml, path);
    return m;
}

std::string_view to_string(ModelFileKind kind) noexcept {
    switch (kind) {
        case ModelFileKind::kArchitecture:
            return "architecture file";
        case ModelFileKind::kCheckpoint:
            return "checkpoint";
        case ModelFileKind::kOnnx:
            return "ONNX model";
    }
    return "?";
}

}  // namespace snac::runtime
