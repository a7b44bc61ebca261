// snac study ls|show|export: read a study file (Optuna RDB schema) for humans.
#include "snac/runtime/study_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "snac/core/atomic_file.hpp"
#include "snac/core/csv.hpp"
#include "snac/core/error.hpp"
#include "snac/io/study_store.hpp"
#include "snac/search/pareto.hpp"

namespace snac::runtime {
namespace {

namespace fs = std::filesystem;

/// A run directory stands for its study.db.
std::string study_path_impl(const std::string& path) {
    if (fs::is_directory(path)) return (fs::path(path) / "study.db").string();
    return path;
}

std::string pick_study(const std::string& path, const std::string& name) {
    if (!name.empty()) return name;
    const auto studies = io::StudyStore::list_studies(path);
    if (studies.empty()) throw UsageError("'" + path + "' holds no study");
    if (studies.size() > 1) {
        std::string names;
        for (const auto& s : studies) names += (names.empty() ? "" : ", ") + s.name;
        throw UsageError("'" + path + "' holds several studies (" + names + ")",
                         "choose one with --study NAME");
    }
    return studies.front().name;
}

std::string num(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    std::ostringstream s;
    s << std::setprecision(10) << v;
    return s.str();
}

/// The value a user chose, from Optuna's internal representation and distribution.
std::string param_text(const io::StoredParam& p) {
    try {
        const auto d = nlohmann::json::parse(p.distribution_json);
        const std::string kind = d.value("name", "");
        if (kind.find("Categorical") != std::string::npos) {
            const auto& choices = d.at("attributes").at("choices");
            const auto i = static_cast<std::size_t>(p.internal_value);
            if (i < choices.size())
                return choices[i].is_string() ? choices[i].get<std::string>() : choices[i].dump();
        }
        if (kind.find("Int") != std::string::npos)
            return std::to_string(std::llround(p.internal_value));
    } catch (const nlohmann::json::exception&) {
        // Fall through: show the raw number.
    }
    return num(p.internal_value);
}

std::string attr_text(const std::string& json) {
    try {
        const auto j = nlohmann::json::parse(json);
        return j.is_string() ? j.get<std::string>() : j.dump();
    } catch (const nlohmann::json::exception&) {
        return json;
    }
}

std::string metric_name(const io::StudySummary& s, std::size_t k) {
    return k < s.metric_names.size() ? s.metric_names[k] : "value_" + std::to_string(k);
}

/// Numbers of the COMPLETE trials on the (constrained) Pareto front.
std::set<std::int64_t> front_of(const io::StudySummary& s,
                                const std::vector<io::StoredTrial>& trials) {
    std::vector<search::Point> pts;
    std::vector<std::int64_t> numbers;
    for (const auto& t : trials) {
        if (t.state != TrialState::kComplete) continue;
        std::vector<double> v;
        for (const auto& x : t.values) v.push_back(x.value_or(NAN));
        if (std::any_of(v.begin(), v.end(), [](double x) { return std::isnan(x); })) continue;
        search::Point p;
        p.objectives = search::to_minimization(v, s.directions);
        for (const auto& a : t.system_attrs)
            if (a.key == "constraints") {
                try {
                    for (const auto& c : nlohmann::json::parse(a.value_json))
                        p.constraints.push_back(c.get<double>());
                } catch (const nlohmann::json::exception&) {
                    p.constraints.clear();
                }
            }
        pts.push_back(std::move(p));
        numbers.push_back(t.number);
    }
    std::set<std::int64_t> out;
    for (auto i : search::pareto_front(pts)) out.insert(numbers[i]);
    return out;
}

int run_ls_impl(const std::string& path) {
    const auto studies = io::StudyStore::list_studies(path);
    std::cout << std::left << std::setw(24) << "study" << std::setw(9) << "trials" << std::setw(10)
              << "complete"
              << "objectives\n";
    for (const auto& s : studies) {
        std::string objs;
        for (std::size_t k = 0; k < s.directions.size(); ++k)
            objs += (k ? ", " : "") + metric_name(s, k) +
                    (s.directions[k] == Direction::kMaximize ? " (max)" : " (min)");
        std::cout << std::setw(24) << s.name << std::setw(9) << s.trials << std::setw(10)
                  << s.complete << objs << "\n";
    }
    return 0;
}

int run_show_impl(const std::string& path, const std::string& name, bool all) {
    const auto store = io::StudyStore::open_read_only(path, pick_study(path, name));
    const auto& s = store.summary();
    const auto trials = store.trials();
    const auto front = front_of(s, trials);
    std::map<std::string, int> states;
    for (const auto& t : trials) ++states[std::string(to_string(t.state))];
    std::cout << "study " << s.name << " (" << path << "): " << trials.size() << " trials";
    for (const auto& [st, n] : states) std::cout << ", " << n << " " << st;
    std::cout << "\n" << (all ? "all trials" : "Pareto front") << " (* = on the Pareto front):\n";
    for (const auto& t : trials) {
        const bool on_front = front.count(t.number) > 0;
        if (!all && !on_front) continue;
        std::cout << (on_front ? "* " : "  ") << "#" << std::setw(5) << std::left << t.number
                  << std::setw(9) << to_string(t.state);
        for (std::size_t k = 0; k < t.values.size(); ++k)
            if (t.values[k]) std::cout << " " << metric_name(s, k) << "=" << num(*t.values[k]);
        std::cout << " |";
        for (const auto& p : t.params) std::cout << " " << p.name << "=" << param_text(p);
        std::cout << "\n";
    }
    return 0;
}

/// Columns named like Optuna's trials_dataframe(): number, values_<metric>, datetimes, params_*,
/// user_attrs_*, system_attrs_*, state; plus snac's pareto flag.
void write_csv(std::ostream& out, const io::StudySummary& s,
               const std::vector<io::StoredTrial>& trials) {
    std::vector<std::string> params, users, systems;
    auto add = [](std::vector<std::string>& v, const std::string& k) {
        if (std::find(v.begin(), v.end(), k) == v.end()) v.push_back(k);
    };
    for (const auto& t : trials) {
        for (const auto& p : t.params) add(params, p.name);
        for (const auto& a : t.user_attrs) add(users, a.key);
        for (const auto& a : t.system_attrs) add(systems, a.key);
    }
    const auto front = front_of(s, trials);
    out << "number";
    for (std::size_t k = 0; k < s.directions.size(); ++k)
        out << "," << csv_field("values_" + metric_name(s, k));
    out << ",datetime_start,datetime_complete";
    for (const auto& p : params) out << "," << csv_field("params_" + p);
    for (const auto& u : users) out << "," << csv_field("user_attrs_" + u);
    for (const auto& a : systems) out << "," << csv_field("system_attrs_" + a);
    out << ",state,pareto\n";
    for (const auto& t : trials) {
        out << t.number;
        for (const auto& v : t.values) out << "," << (v ? num(*v) : "");
        out << "," << t.datetime_start << "," << t.datetime_complete;
        for (const auto& name : params) {
            out << ",";
            for (const auto& p : t.params)
                if (p.name == name) out << csv_field(param_text(p));
        }
        for (const auto* list : {&users, &systems}) {
            const auto& attrs = list == &users ? t.user_attrs : t.system_attrs;
            for (const auto& key : *list) {
                out << ",";
                for (const auto& a : attrs)
                    if (a.key == key) out << csv_field(attr_text(a.value_json));
            }
        }
        out << "," << to_string(t.state) << "," << (front.count(t.number) ? "true" : "false")
            << "\n";
    }
}

int run_export_impl(const std::string& path, const std::string& name, const std::string& csv_path) {
    const auto store = io::StudyStore::open_read_only(path, pick_study(path, name));
    const auto trials = store.trials();
    if (csv_path == "-") {
        write_csv(std::cout, store.summary(), trials);
        return 0;
    }
    std::ostringstream csv;
    write_csv(csv, store.summary(), trials);
    write_file_atomic(csv_path, csv.str());
    std::cerr << "wrote " << trials.size() << " trials to " << csv_path << "\n";
    return 0;
}

}  // namespace

std::string study_file(const std::string& path) {
    return study_path_impl(path);
}
int run_study_ls(const std::string& path) {
    return run_ls_impl(path);
}
int run_study_show(const std::string& path, const std::string& name, bool all) {
    return run_show_impl(path, name, all);
}
int run_study_export(const std::string& path, const std::string& name,
                     const std::string& csv_path) {
    return run_export_impl(path, name, csv_path);
}

}  // namespace snac::runtime
