#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/sections.hpp"

namespace snac {

RunConfig parse_config(const std::string& yaml_text, const std::string& file_name) {
    config::Diagnostics diag(file_name);
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::ParserException& e) {
        diag.error(e.mark, "YAML syntax error: " + e.msg,
                   "check indentation and that every 'key: value' has a space after the colon");
        throw ConfigError(diag.take());
    }
    RunConfig cfg;
    cfg.source_file = file_name;
    if (!root.IsDefined() || root.IsNull()) {
        diag.error(YAML::Mark(), "the configuration is empty",
                   "start from configs/quickstart.yaml");
        throw ConfigError(diag.take());
    }
    {
        config::MapReader top(root, "", diag);
        if (!top.has("data"))
            top.error_at("data", "missing required section 'data'",
                         "add a 'data:' section naming the dataset (see docs/config.md)");
        auto data = top.map("data");
        config::parse_data(data, cfg.data);
        if (top.has("data") && !data.present())  // 'data:' with nothing under it
            top.error_at("data", "the data section is empty",
                         "name the dataset under it, e.g. 'data: {name: mnist8x8, source: ...}' "
                         "(see docs/config.md)");
        auto space = top.map("search_space");
        config::parse_search_space(space, cfg.search_space);
        auto search = top.map("search");
        config::parse_search(search, cfg.search);
        auto train = top.map("train");
        config::parse_train(train, cfg.train);
        auto select = top.map("select");
        config::parse_select(select, cfg.select);
        auto local = top.map("local");
        config::parse_local(local, cfg.local);
        auto hls = top.map("hls");
        config::parse_hls(hls, cfg.hls);
        auto surrogate = top.map("surrogate");
        config::parse_surrogate(surrogate, cfg.surrogate);
        auto runtime = top.map("runtime");
        config::parse_runtime(runtime, cfg.runtime);
        auto output = top.map("output");
        config::parse_output(output, cfg.output);
    }  // readers report unknown keys as they close
    config::validate_run(cfg, diag, root);
    if (!diag.empty()) throw ConfigError(diag.take());
    return cfg;
}

RunConfig load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw UsageError("cannot read configuration file '" + path + "'",
                         "check the path; example configs are in configs/");
    std::stringstream text;
    text << in.rdbuf();
    RunConfig cfg = parse_config(text.str(), path);
    cfg.base_dir = std::filesystem::absolute(path).parent_path().string();
    // Like every relative path in the file, output.dir is relative to the file's directory, not
    // to wherever snac was started (`--out` on the command line stays relative to the latter).
    if (std::filesystem::path(cfg.output.dir).is_relative())
        cfg.output.dir =
            (std::filesystem::path(cfg.base_dir) / cfg.output.dir).lexically_normal().string();
    // Baselines are read by the global stage, which may load the run directory's copy of the
    // config: resolved now, they mean the same file from either place.
    for (auto& b : cfg.search.baselines)
        if (std::filesystem::path(b).is_relative())
            b = (std::filesystem::path(cfg.base_dir) / b).lexically_normal().string();
    return cfg;
}

RunConfig load_config(const std::string& path, const ConfigOverrides& o) {
    if (o.trials && *o.trials < 1) throw UsageError("--trials must be at least 1");
    if (o.trials && *o.trials > kMaxTrials)
        throw UsageError("--trials " + std::to_string(*o.trials) +
                             " is beyond the largest budget, 2^40 = " + std::to_string(kMaxTrials) +
                             " trials",
                         "a search stops by itself when its space is exhausted: give at most "
                         "2^40, or set a --time-limit");
    RunConfig cfg = load_config(path);
    if (o.trials) cfg.search.trials = *o.trials;
    if (o.time_limit_s) cfg.search.time_limit_s = *o.time_limit_s;
    if (o.seed) cfg.search.seed = *o.seed;
    if (!o.out_dir.empty()) cfg.output.dir = o.out_dir;
    return cfg;
}

std::string to_yaml(const RunConfig& c) {
    YAML::Emitter out;
    out.SetDoublePrecision(12);  // 0.7 prints as 0.7, not 0.69999999999999996
    out << YAML::BeginMap;
    out << YAML::Key << "data" << YAML::Value;
    config::emit_data(out, c.data);
    out << YAML::Key << "search_space" << YAML::Value;
    config::emit_search_space(out, c.search_space);
    out << YAML::Key << "search" << YAML::Value;
    config::emit_search(out, c.search);
    out << YAML::Key << "train" << YAML::Value;
    config::emit_train(out, c.train);
    out << YAML::Key << "select" << YAML::Value;
    config::emit_select(out, c.select);
    out << YAML::Key << "local" << YAML::Value;
    config::emit_local(out, c.local);
    out << YAML::Key << "hls" << YAML::Value;
    config::emit_hls(out, c.hls);
    out << YAML::Key << "surrogate" << YAML::Value;
    config::emit_surrogate(out, c.surrogate);
    out << YAML::Key << "runtime" << YAML::Value;
    config::emit_runtime(out, c.runtime);
    out << YAML::Key << "output" << YAML::Value;
    config::emit_output(out, c.output);
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace snac
