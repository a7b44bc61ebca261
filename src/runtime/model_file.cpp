// The model loader every command shares (architecture YAML, snac checkpoint, ONNX).
#include "snac/runtime/model_file.hpp"

#include <filesystem>

#include "snac/core/error.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/onnx_file.hpp"
#include "snac/runtime/onnx_model.hpp"

namespace snac::runtime {

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
