// Built-in search-space families -> architecture files. Gene names follow Optuna's flat style
// (units_0, phi_units_1, block_2_kernel_0, ...) and are listed in docs/search.md. The families
// reproduce the spaces of SNAC-Pack (MLP; arXiv:2512.15998) and NAC (Deep Sets and BraggNN
// conv/attention blocks; arXiv:2501.05515).
#include "snac/search/architecture.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "snac/core/config/train_genes.hpp"
#include "snac/core/error.hpp"
#include "snac/core/layer_types.hpp"

namespace snac::search {
namespace {

class Genes {
public:
    Genes(const SearchSpace& s, const Genome& g) : space_(s), genome_(g) {}

    std::optional<std::string> text(const std::string& name) const {
        if (auto it = genome_.find(name); it != genome_.end()) return gene_text(it->second);
        if (auto it = space_.fixed().find(name); it != space_.fixed().end()) {
            std::string v = it->second;
            while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
            return v;
        }
        return std::nullopt;
    }
    bool has(const std::string& name) const { return text(name).has_value(); }
    std::string str(const std::string& name, const std::string& fallback) const {
        return text(name).value_or(fallback);
    }
    /// First gene present among `names`, else fallback.
    std::string first(std::initializer_list<std::string> names, const std::string& fallback) const {
        for (const auto& n : names)
            if (auto v = text(n)) return *v;
        return fallback;
    }
    double num(const std::string& name, double fallback) const {
        auto v = text(name);
        if (!v) return fallback;
        try {
            std::size_t used = 0;
            const double d = std::stod(*v, &used);
            if (used == v->size()) return d;
        } catch (const std::exception&) {
        }
        throw UsageError("gene '" + name + "' has value '" + *v + "', which is not a number",
                         "give it numeric values in the search space");
    }
    std::int64_t count(const std::string& name, std::int64_t fallback) const {
        const double d = num(name, static_cast<double>(fallback));
        if (d < 0 || d != std::floor(d))
            throw UsageError("gene '" + name + "' must be a whole number >= 0, got " + gene_text(d));
        return static_cast<std::int64_t>(d);
    }
    std::int64_t positive(const std::string& name) const {
        if (!has(name))
            throw UsageError("the architecture needs gene '" + name + "'",
                             "add it to search_space.params or search_space.fixed");
        const std::int64_t v = count(name, 0);
        if (v < 1) throw UsageError("gene '" + name + "' must be >= 1");
        return v;
    }

private:
    const SearchSpace& space_;
    const Genome& genome_;
};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// Architecture-file type of an activation gene (the layer vocabulary's spellings and aliases,
/// any case); "" for none/identity.
std::string activation_type(const std::string& value) {
    const LayerTypeInfo* t = find_layer_gene(value);
    if (t && t->type == LayerType::kIdentity) return "";
    if (t && t->role == LayerRole::kActivation) return std::string(t->name);
    throw UsageError("activation '" + value + "' is not in the architecture vocabulary",
                     "use one of: " + layer_type_list(LayerRole::kActivation) + ", identity");
}

/// Architecture-file type of a normalisation gene; "" for none.
std::string norm_type(const std::string& value) {
    const LayerTypeInfo* t = find_layer_gene(value);
    if (t && t->type == LayerType::kIdentity) return "";
    if (value == "false") return "";
    if (value == "true") return std::string(layer_info(LayerType::kBatchNorm).name);
    if (t && t->role == LayerRole::kNormalization) return std::string(t->name);
    throw UsageError("normalisation '" + value + "' is not in the architecture vocabulary",
                     "use none or one of: " + layer_type_list(LayerRole::kNormalization));
}

/// "type: <spelling>" of a layer type, from the layer vocabulary.
std::string type_of(LayerType t) {
    return "type: " + std::string(to_string(t));
}

struct Writer {
    std::ostringstream out;
    void layer(int indent, const std::string& body) {
        out << std::string(static_cast<std::size_t>(indent), ' ') << "- {" << body << "}\n";
    }
    void dense(int indent, std::int64_t units) { layer(indent, type_of(LayerType::kDense) + ", units: " + std::to_string(units)); }
    void act(int indent, const std::string& value) {
        if (auto t = activation_type(value); !t.empty()) layer(indent, "type: " + t);
    }
    void norm(int indent, const std::string& value) {
        if (auto t = norm_type(value); !t.empty()) layer(indent, "type: " + t);
    }
    void dropout(int indent, double rate) {
        if (rate > 0) layer(indent, type_of(LayerType::kDropout) + ", rate: " + gene_text(rate));
    }
    void shape(const std::vector<std::int64_t>& s) {
        out << "input_shape: [";
        for (std::size_t i = 0; i < s.size(); ++i) out << (i ? ", " : "") << s[i];
        out << "]\nlayers:\n";
    }
};

std::string output_activation(const Genes& g, const ArchitectureContext& ctx) {
    return g.str("output_activation", ctx.task == TaskKind::kClassification ? "softmax" : "none");
}

std::string build_mlp(const Genes& g, const ArchitectureContext& ctx) {
    std::int64_t n = 0;
    if (g.has("n_layers")) n = g.count("n_layers", 0);
    else
        while (g.has("units_" + std::to_string(n))) ++n;
    Writer w;
    w.shape(ctx.input_shape);
    if (ctx.input_shape.size() > 1) w.layer(2, type_of(LayerType::kFlatten));
    const double dropout = g.num("dropout", 0.0);
    for (std::int64_t k = 0; k < n; ++k) {
        const std::string s = std::to_string(k);
        w.dense(2, g.positive("units_" + s));
        w.norm(2, g.first({"norm_" + s, "batchnorm_" + s, "norm", "batchnorm"}, "none"));
        w.act(2, g.first({"activation_" + s, "activation"}, "relu"));
        w.dropout(2, dropout);
    }
    w.dense(2, ctx.outputs);
    w.act(2, output_activation(g, ctx));
    return w.out.str();
}

std::string build_deepsets(const Genes& g, const ArchitectureContext& ctx) {
    if (ctx.input_shape.size() != 2)
        throw UsageError("the deepsets family needs [elements, features] samples, got " +
                             std::to_string(ctx.input_shape.size()) + "-D ones",
                         "use a set-shaped dataset or the mlp family");
    const std::int64_t phi_len = std::max<std::int64_t>(1, g.count("phi_len", 1));
    const std::int64_t rho_len = std::max<std::int64_t>(1, g.count("rho_len", 1));
    Writer w;
    w.shape(ctx.input_shape);
    w.out << "  - " << type_of(LayerType::kDeepSets) << "\n    aggregate: " << lower(g.first({"aggregator", "aggregate"}, "mean"))
          << "\n    phi:\n";
    for (std::int64_t k = 0; k < phi_len; ++k) {
        const std::string s = std::to_string(k);
        w.dense(6, k + 1 == phi_len ? g.positive("bottleneck") : g.positive("phi_units_" + s));
        w.norm(6, g.first({"phi_norm_" + s, "phi_norm"}, "none"));
        w.act(6, g.first({"phi_act_" + s, "phi_activation", "activation"}, "relu"));
    }
    w.out << "    rho:\n";
    for (std::int64_t k = 0; k + 1 < rho_len; ++k) {
        const std::string s = std::to_string(k);
        w.dense(6, g.positive("rho_units_" + s));
        w.norm(6, g.first({"rho_norm_" + s, "rho_norm"}, "none"));
        w.act(6, g.first({"rho_act_" + s, "rho_activation", "activation"}, "relu"));
    }
    w.dense(6, ctx.outputs);
    w.act(2, output_activation(g, ctx));
    return w.out.str();
}

std::string build_conv(const Genes& g, const ArchitectureContext& ctx) {
    if (ctx.input_shape.size() != 3)
        throw UsageError("the conv family needs [channels, height, width] samples",
                         "use an image dataset or the mlp family");
    std::int64_t h = ctx.input_shape[1], wd = ctx.input_shape[2];
    Writer w;
    w.shape(ctx.input_shape);
    auto conv = [&](std::int64_t filters, std::int64_t kernel) {
        // Kernels shrink to 1 when the image would vanish (NAC's rule).
        if (kernel > std::min(h, wd)) kernel = 1;
        w.layer(2, type_of(LayerType::kConv2d) + ", filters: " + std::to_string(filters) + ", kernel: " + std::to_string(kernel));
        h -= kernel - 1;
        wd -= kernel - 1;
    };
    std::int64_t channels = ctx.input_shape[0];
    if (g.has("stem_channels")) {
        channels = g.positive("stem_channels");
        conv(channels, g.count("stem_kernel", 3));
    }
    std::int64_t n_blocks = g.count("n_blocks", 0);
    if (!g.has("n_blocks"))
        while (g.has("block_" + std::to_string(n_blocks))) ++n_blocks;
    for (std::int64_t b = 0; b < n_blocks; ++b) {
        const std::string p = "block_" + std::to_string(b);
        const std::string kind_gene = g.str(p, "none");
        const LayerTypeInfo* block = find_layer_gene(kind_gene);
        const LayerType kind = block ? block->type : LayerType::kDense;  // dense: not a block
        if (kind == LayerType::kConv2d) {
            for (int j = 0; j < 2; ++j) {
                const std::string s = std::to_string(j);
                channels = g.positive(p + "_channels_" + s);
                conv(channels, g.count(p + "_kernel_" + s, 3));
                w.norm(2, g.first({p + "_norm_" + s, p + "_norm"}, "none"));
                w.act(2, g.first({p + "_act_" + s, p + "_act"}, "relu"));
            }
        } else if (kind == LayerType::kConvAttention) {
            w.layer(2, type_of(LayerType::kConvAttention) + ", hidden: " + std::to_string(g.positive(p + "_hidden")));
            w.norm(2, g.str(p + "_norm", "none"));
            w.act(2, g.str(p + "_act", "identity"));
        } else if (kind != LayerType::kIdentity) {
            throw UsageError("block type '" + g.str(p, "") + "' of gene '" + p + "' is unknown",
                             "use Conv, ConvAttn or None");
        }
    }
    (void)channels;
    w.layer(2, type_of(LayerType::kFlatten));
    const std::int64_t head_len = std::max<std::int64_t>(1, g.count("head_len", 4));
    for (std::int64_t k = 0; k + 1 < head_len; ++k) {
        const std::string s = std::to_string(k);
        w.dense(2, g.positive("head_units_" + s));
        w.norm(2, g.first({"head_norm_" + s, "head_norm"}, "none"));
        w.act(2, g.first({"head_act_" + s, "head_act"}, "relu"));
    }
    w.dense(2, ctx.outputs);
    w.act(2, output_activation(g, ctx));
    return w.out.str();
}

}  // namespace

std::string build_architecture(const SearchSpace& space, const Genome& genome,
                               const ArchitectureContext& context) {
    if (context.input_shape.empty() || context.outputs < 1)
        throw UsageError("the architecture needs an input shape and at least one output");
    const Genes g(space, genome);
    if (space.family() == "mlp") return build_mlp(g, context);
    if (space.family() == "deepsets") return build_deepsets(g, context);
    if (space.family() == "conv") return build_conv(g, context);
    throw UsageError("unknown search-space family '" + space.family() + "'", "one of: mlp, deepsets, conv");
}

namespace {

enum class GeneRole { kOther, kActivation, kNorm, kBlock };

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// `name` without a trailing "_<digits>" (units_3 -> units, block_2_act_1 -> block_2_act).
std::string strip_index(const std::string& name) {
    const auto us = name.rfind('_');
    if (us == std::string::npos || us + 1 == name.size()) return name;
    for (std::size_t i = us + 1; i < name.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(name[i]))) return name;
    return name.substr(0, us);
}

/// How the builders above read a gene (their g.first/g.str names), by the gene's name.
GeneRole gene_role(const std::string& family, const std::string& name) {
    const std::string base = strip_index(name);
    if (family == "conv" && base == "block" && name != base) return GeneRole::kBlock;
    if (base == "activation" || ends_with(base, "_activation") || ends_with(base, "_act"))
        return GeneRole::kActivation;
    if (base == "norm" || base == "batchnorm" || ends_with(base, "_norm")) return GeneRole::kNorm;
    return GeneRole::kOther;
}

}  // namespace

void check_vocabulary(const SearchSpace& space, const std::string& file) {
    std::vector<ConfigIssue> issues;
    auto check = [&](const std::string& name, const std::string& value, const char* where) {
        try {
            switch (gene_role(space.family(), name)) {
                case GeneRole::kActivation: (void)activation_type(value); break;
                case GeneRole::kNorm: (void)norm_type(value); break;
                case GeneRole::kBlock: {
                    const LayerTypeInfo* t = find_layer_gene(value);
                    if (!t || (t->type != LayerType::kConv2d &&
                               t->type != LayerType::kConvAttention &&
                               t->type != LayerType::kIdentity))
                        throw UsageError("block type '" + value + "' is unknown",
                                         "use Conv, ConvAttn or None");
                    break;
                }
                case GeneRole::kOther: break;
            }
        } catch (const UsageError& e) {
            issues.push_back({file, 0, 0,
                              "search_space." + std::string(where) + "." + name + ": " + e.what(),
                              e.hint()});
        }
    };
    for (const Param& p : space.params())
        if (p.kind == ParamKind::kCategorical)
            for (const auto& c : p.choices) check(p.name, c, p.training ? "training" : "params");
    for (const auto& [name, value] : space.fixed()) {
        std::string v = value;
        while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
        check(name, v, "fixed");
    }
    if (!issues.empty()) throw ConfigError(std::move(issues));
}

std::map<std::string, std::string> training_genes(const SearchSpace& space, const Genome& genome) {
    std::map<std::string, std::string> out;
    for (const auto& p : space.params())
        if (p.training)
            if (auto it = genome.find(p.name); it != genome.end()) out[p.name] = gene_text(it->second);
    return out;
}

void apply_training_genes(const std::map<std::string, std::string>& genes, TrainConfig& train) {
    for (const auto& [name, text] : genes) apply_train_gene(train, name, text);
}

}  // namespace snac::search
