// `surrogate:` section: which hardware cost model scores candidates (docs/surrogate.md).
#include "config/sections.hpp"

namespace snac::config {

void parse_surrogate(MapReader& in, SurrogateConfig& out) {
    in.get_enum(
        "model", out.model,
        {{"analytical", SurrogateModel::kAnalytical}, {"learned", SurrogateModel::kLearned}});
    in.get("file", out.file);  // empty: the model shipped with snac (either kind)
}

void emit_surrogate(YAML::Emitter& out, const SurrogateConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "model" << YAML::Value
        << (c.model == SurrogateModel::kAnalytical ? "analytical" : "learned");
    out << YAML::Key << "file" << YAML::Value << c.file;
    out << YAML::EndMap;
}

}  // namespace snac::config
