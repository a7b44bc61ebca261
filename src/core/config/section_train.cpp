#include "config/sections.hpp"
#include "snac/core/config/train_genes.hpp"

namespace snac::config {
namespace {

constexpr EnumNames<LossKind, 3> kLosses{{{"auto", LossKind::kAuto},
                                          {"cross_entropy", LossKind::kCrossEntropy},
                                          {"mse", LossKind::kMse}}};

}  // namespace

void parse_train(MapReader& in, TrainConfig& out) {
    in.get("epochs", out.epochs, 1, 100000);
    in.get("batch_size", out.batch_size, 1, 1 << 20);
    in.get_enum("optimizer", out.optimizer, optimizer_names());
    in.get("learning_rate", out.learning_rate, 1e-12, 10.0);
    in.get("momentum", out.momentum, 0.0, 1.0);
    in.get("l1", out.l1, 0.0, 1e3);
    in.get("l2", out.l2, 0.0, 1e3);
    in.get("rho", out.rho, 0.0, 0.999999);
    in.get("weight_decay", out.weight_decay, 0.0, 1.0);
    in.get_enum("schedule", out.schedule, schedule_names());
    in.get("step_size", out.step_size, 1, 100000);
    in.get("gamma", out.gamma, 0.0, 1.0);
    in.get("decay_rate", out.decay_rate, 0.0, 1.0);
    in.get("plateau_patience", out.plateau_patience, 1, 100000);
    in.get("early_stopping_patience", out.early_stopping_patience, 0, 100000);
    in.get_enum("loss", out.loss, kLosses);
    in.get("kfold", out.kfold, 1, 100);
    in.get("threads", out.threads, 0, 4096);
    in.get("seed", out.seed);
}

void emit_train(YAML::Emitter& out, const TrainConfig& c) {
    out << YAML::BeginMap;
    out << YAML::Key << "epochs" << YAML::Value << c.epochs;
    out << YAML::Key << "batch_size" << YAML::Value << c.batch_size;
    out << YAML::Key << "optimizer" << YAML::Value << std::string(to_string(c.optimizer));
    out << YAML::Key << "learning_rate" << YAML::Value << c.learning_rate;
    out << YAML::Key << "momentum" << YAML::Value << c.momentum;
    out << YAML::Key << "l1" << YAML::Value << c.l1;
    out << YAML::Key << "l2" << YAML::Value << c.l2;
    out << YAML::Key << "rho" << YAML::Value << c.rho;
    out << YAML::Key << "weight_decay" << YAML::Value << c.weight_decay;
    out << YAML::Key << "schedule" << YAML::Value << std::string(to_string(c.schedule));
    out << YAML::Key << "step_size" << YAML::Value << c.step_size;
    out << YAML::Key << "gamma" << YAML::Value << c.gamma;
    out << YAML::Key << "decay_rate" << YAML::Value << c.decay_rate;
    out << YAML::Key << "plateau_patience" << YAML::Value << c.plateau_patience;
    out << YAML::Key << "early_stopping_patience" << YAML::Value << c.early_stopping_patience;
    out << YAML::Key << "loss" << YAML::Value << enum_name(kLosses, c.loss);
    out << YAML::Key << "kfold" << YAML::Value << c.kfold;
    out << YAML::Key << "threads" << YAML::Value << c.threads;
    out << YAML::Key << "seed" << YAML::Value << c.seed;
    out << YAML::EndMap;
}

}  // namespace snac::config

namespace snac {

std::string train_config_yaml(const TrainConfig& config) {
    YAML::Emitter out;
    config::emit_train(out, config);
    return std::string(out.c_str()) + "\n";
}

}  // namespace snac
