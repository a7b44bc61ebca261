// `surrogate:` section: which hardware cost model scores candidates (docs/surrogate.md).
#include "config/sections.hpp"

namespace snac::config {

void parse_surrogate(MapReader& in, SurrogateConfig& out) {
    in.get_enum(
        "model", out.model,
        {{"analytical", SurrogateModel::kAnalytical}, {"learned", SurrogateModel::kLearned}});
    in.get("file", out.file);
    if (out.model == SurrogateModel::kLearned && out.file.empty() && in.present())
        in.error_at("file", "the learned surrogate needs 'file: model.h5'",
                    "train one with 'snac surrogate fit --records PATH --out model.h5'");
}

void emit_surrogate(YAML::Emitter& out, const SurrogateConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "model" << YAML::Value
        << (c.model == SurrogateModel::kAnalytical ? "analytical" : "learned");
    out << YAML::Key << "file" << YAML::Value << c.file;
    out << YAML::EndMap;
}

}  // namespace snac::config
