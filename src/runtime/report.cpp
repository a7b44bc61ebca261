// `snac report RUN_DIR`: gathers the run's results (study, selection, local and HLS summaries,
// dataset normalisation, config) and writes report/index.html with inline SVG plots and CSVs.
#include "snac/core/atomic_file.hpp"
#include "snac/core/metrics.hpp"
#include "snac/core/trial_state.hpp"
#include "snac/runtime/report.hpp"
#include "snac/runtime/signals.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "hls_project.hpp"
#include "report_svg.hpp"
#include "snac/core/error.hpp"
#include "snac/io/checkpoint_io.hpp"
#include "snac/io/dataset_store.hpp"
#include "snac/io/study_store.hpp"
#include "snac/runtime/pipeline.hpp"
#include "snac/runtime/select.hpp"
#include "snac/search/hypervolume.hpp"
#include "snac/search/pareto.hpp"
#include "study_driver.hpp"
#include "work.hpp"

namespace snac::runtime {
namespace fs = std::filesystem;
namespace {

using Table = std::vector<std::map<std::string, std::string>>;

/// RFC 4180 CSV (quoted fields may hold commas, quotes and newlines) into rows keyed by header.
Table read_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                field += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            rows.back().push_back(std::move(field));
            field.clear();
            rows.emplace_back();
        } else if (c != '\r') {
            field += c;
        }
    }
    if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
    if (rows.back().empty()) rows.pop_back();
    Table t;
    if (rows.empty()) return t;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        std::map<std::string, std::string> row;
        for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c)
            row[rows[0][c]] = rows[r][c];
        t.push_back(std::move(row));
    }
    return t;
}

double to_num(const std::string& s) {
    try {
        return s.empty() ? NAN : std::stod(s);
    } catch (const std::exception&) {
        return NAN;
    }
}

std::string fmt(double v, int digits = 4) {
    if (!std::isfinite(v)) return "–";
    std::ostringstream o;
    o.precision(digits);
    o << v;
    return o.str();
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

struct Trial {
    std::int64_t number = 0;
    TrialState state = TrialState::kRunning;
    std::vector<double> values;
    std::vector<double> constraints;
    std::map<std::string, double> metrics;
    std::string reason;
    std::string checkpoint;
    std::string baseline;  // search.baselines file of a baseline trial
    bool front = false;
};

std::vector<Trial> load_trials(const std::string& run_dir, const RunConfig& cfg) {
    const fs::path db = fs::path(run_dir) / "study.db";
    std::error_code ec;
    if (!fs::is_regular_file(db, ec))
        throw UsageError(run_dir + " has no study.db",
                         "run the global stage first: snac run CONFIG --out " + run_dir);
    const auto store = io::StudyStore::open_read_only(db.string(), cfg.search.study_name);
    std::vector<Trial> out;
    for (const auto& st : store.trials()) {
        Trial t;
        t.number = st.number;
        t.state = st.state;
        for (const auto& v : st.values)
            if (v) t.values.push_back(*v);
        for (const auto& a : st.user_attrs) {
            const auto j = nlohmann::json::parse(a.value_json, nullptr, false);
            if (j.is_number())
                t.metrics[a.key] = j.get<double>();
            else if (a.key == "reason" && j.is_string())
                t.reason = j.get<std::string>();
            else if (a.key == "checkpoint" && j.is_string())
                t.checkpoint = j.get<std::string>();
        }
        for (const auto& a : st.system_attrs) {
            const auto j = nlohmann::json::parse(a.value_json, nullptr, false);
            if (a.key == "fail_reason" && j.is_string() && t.reason.empty())
                t.reason = j.get<std::string>();
            else if (a.key == "constraints" && j.is_array())
                for (const auto& c : j)
                    t.constraints.push_back(c.is_number() ? c.get<double>() : 0.0);
            else if (a.key == "snac:baseline" && j.is_string())
                t.baseline = j.get<std::string>();
        }
        out.push_back(std::move(t));
    }
    // The feasible front of the COMPLETE searched trials, by the config's objectives (baselines
    // are drawn beside it, as pareto_global.csv leaves them out).
    std::vector<Direction> dirs;
    for (const auto& o : cfg.search.objectives) dirs.push_back(o.direction);
    std::vector<search::Point> pts;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < out.size(); ++i)
        if (out[i].state == TrialState::kComplete && out[i].baseline.empty() &&
            out[i].values.size() == dirs.size()) {
            pts.push_back({search::to_minimization(out[i].values, dirs), out[i].constraints});
            which.push_back(i);
        }
    for (std::size_t k : search::pareto_front(pts))
        if (search::violation(pts[k].constraints) <= 0) out[which[k]].front = true;
    return out;
}

std::optional<double> metric_of(const Trial& t, const std::string& name) {
    return find_metric_value(t.metrics, name);
}

/// Hypervolume of the feasible front of the first k COMPLETE trials, for k over the run.
std::pair<std::vector<double>, std::vector<double>> hypervolume_curve(
    const std::vector<Trial>& trials, const RunConfig& cfg) {
    std::vector<Direction> dirs;
    for (const auto& o : cfg.search.objectives) dirs.push_back(o.direction);
    std::vector<std::vector<double>> pts;
    std::vector<std::int64_t> numbers;
    for (const auto& t : trials)
        if (t.state == TrialState::kComplete && t.baseline.empty() &&
            t.values.size() == dirs.size() && search::violation(t.constraints) <= 0) {
            pts.push_back(search::to_minimization(t.values, dirs));
            numbers.push_back(t.number);
        }
    std::vector<double> xs, ys;
    if (pts.empty()) return {xs, ys};
    std::vector<double> ref = cfg.search.reference_point;
    if (ref.size() != dirs.size())
        ref = search::derive_reference_point(pts);
    else
        ref = search::to_minimization(ref, dirs);
    const std::size_t n = pts.size(), step = std::max<std::size_t>(1, n / 200);
    for (std::size_t k = 1; k <= n; k = (k == n ? n + 1 : std::min(n, k + step))) {
        xs.push_back(static_cast<double>(numbers[k - 1]));
        ys.push_back(search::hypervolume(std::span(pts.data(), k), ref));
    }
    return {xs, ys};
}

const char* kCss = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:18px 24px 40px}
h1{font-size:22px;margin:6px 0 2px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #d8dde6;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}.sub{color:#5b6475;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}.card{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}.card.wide b{font-size:14px;font-weight:600;padding-top:5px}.card span{color:#5b6475;font-size:12px}
.panels{display:flex;flex-wrap:wrap;gap:12px}.panel{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:4px}
svg.plot{font-size:11px;display:block}svg.plot .title{font-weight:600;font-size:13px;text-anchor:middle}
svg.plot .grid{stroke:#e6e9ef;stroke-width:1}svg.plot .frame{fill:none;stroke:#8a93a3}
svg.plot .tick{fill:#5b6475}svg.plot .label{fill:#1d2330;font-size:12px}
svg.plot .faded{fill:#b8bfcc;opacity:.75}svg.plot .curve{fill:none;stroke-width:1.6}
svg.plot .selected{fill:none;stroke-width:2.2}svg.plot .mark{font-weight:600;font-size:11px}svg.plot .legend{fill:#1d2330}
table{border-collapse:collapse;background:#fff;margin:6px 0 10px;font-size:13px}
th,td{border:1px solid #d8dde6;padding:4px 8px;text-align:right;vertical-align:top}th{background:#eef1f5}
td.l,th.l{text-align:left}.ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:600}
.warn{background:#fff4e5;border-left:4px solid #f0a030;padding:6px 10px;margin:8px 0}
.note{color:#5b6475}pre{background:#fff;border:1px solid #d8dde6;padding:10px;overflow:auto;font-size:12px;max-height:420px}
code{font-size:12.5px}.scroll{overflow-x:auto}
)";

class Page {
public:
    void raw(const std::string& s) { o_ << s; }
    void h2(const std::string& id, const std::string& t) {
        o_ << "<h2 id=\"" << id << "\">" << svg::escape(t) << "</h2>\n";
    }
    void p(const std::string& t, const std::string& cls = "") {
        o_ << "<p" << (cls.empty() ? "" : " class=\"" + cls + "\"") << ">" << svg::escape(t)
           << "</p>\n";
    }
    void table(const std::vector<std::string>& head,
               const std::vector<std::vector<std::string>>& rows, std::size_t left_cols = 1) {
        o_ << "<div class=\"scroll\"><table><tr>";
        for (std::size_t i = 0; i < head.size(); ++i)
            o_ << "<th" << (i < left_cols ? " class=\"l\"" : "") << ">" << svg::escape(head[i])
               << "</th>";
        o_ << "</tr>\n";
        for (const auto& r : rows) {
            o_ << "<tr>";
            for (std::size_t i = 0; i < r.size(); ++i) {
                const bool numeric = !r[i].empty() && r[i].find_first_not_of("0123456789.e+-/ –") ==
                                                          std::string::npos;
                std::string cls = i < left_cols || !numeric ? "l" : "";
                if (r[i] == "ok")
                    cls += " ok";
                else if (r[i] == "mismatch" || r[i] == "error" || r[i] == "no")
                    cls += " bad";
                o_ << "<td" << (cls.empty() ? "" : " class=\"" + cls + "\"") << ">"
                   << svg::escape(r[i]) << "</td>";
            }
            o_ << "</tr>\n";
        }
        o_ << "</table></div>\n";
    }
    std::string str() const { return o_.str(); }

private:
    std::ostringstream o_;
};

std::string now_utc() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

ReportResult run_report(const ReportOptions& options) {
    const std::string run_dir = fs::absolute(options.run_dir).lexically_normal().string();
    const RunConfig cfg = load_run_config(run_dir);
    const std::vector<Trial> trials = load_trials(run_dir, cfg);
    std::error_code ec;
    const fs::path out_dir = fs::path(run_dir) / "report";
    ReportResult result;

    Selection selection;
    const bool have_selection = fs::is_regular_file(fs::path(run_dir) / "selected.yaml", ec);
    if (have_selection) selection = read_selection((fs::path(run_dir) / "selected.yaml").string());
    std::set<std::int64_t> selected;
    for (const auto& m : selection.models) selected.insert(m.trial);
    const fs::path hls_csv = fs::path(run_dir) / "hls" / "summary.csv";
    const Table designs = fs::is_regular_file(hls_csv, ec) ? read_csv(hls_csv.string()) : Table{};
    const fs::path local_csv = fs::path(run_dir) / "local" / "summary.csv";
    const Table local = fs::is_regular_file(local_csv, ec) ? read_csv(local_csv.string()) : Table{};

    std::map<std::string, int> counts;
    std::map<std::string, std::map<std::string, int>> reasons;
    for (const auto& t : trials) {
        const std::string s(snac::to_string(t.state));
        ++counts[s];
        if (t.state == TrialState::kPruned || t.state == TrialState::kFail)
            ++reasons[s][t.reason.empty() ? "(no reason recorded)" : t.reason];
    }
    const std::string metric =
        cfg.search.objectives.empty() ? "accuracy" : cfg.search.objectives[0].metric;

    Page pg;
    pg.raw(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>snac report — " +
        svg::escape(fs::path(run_dir).filename().string()) + "</title><style>" + std::string(kCss) +
        "</style></head><body><main>\n");
    pg.raw("<h1>snac report</h1>");
    pg.p(run_dir + " · generated " + now_utc() + " · snac " + SNAC_VERSION, "sub");
    {
        std::ostringstream cards;
        auto card = [&](const std::string& v, const std::string& label) {
            cards << "<div class=\"card" << (v.size() > 12 ? " wide" : "") << "\"><b>"
                  << svg::escape(v) << "</b><span>" << svg::escape(label) << "</span></div>";
        };
        card(std::to_string(trials.size()), "global trials");
        card(std::to_string(counts["COMPLETE"]), "complete");
        card(std::to_string(counts["PRUNED"]), "pruned");
        card(std::to_string(counts["FAIL"]), "failed");
        card(std::to_string(std::count_if(trials.begin(), trials.end(),
                                          [](const Trial& t) { return t.front; })),
             "on the Pareto front");
        card(std::to_string(selection.models.size()), "selected models");
        int ok = 0;
        for (const auto& d : designs) ok += d.at("status") == "ok" ? 1 : 0;
        card(std::to_string(ok) + " / " + std::to_string(designs.size()),
             "HLS designs verified by C-sim");
        std::string stages;
        for (Stage s : all_stages())
            stages += std::string(to_string(s)) + (read_stage_done(run_dir, s) ? " ✓  " : " –  ");
        card(stages, "stages finished");
        pg.raw("<div class=\"cards\">" + cards.str() + "</div>\n");
    }

    // ---- global search
    pg.h2("global", "Global search");
    pg.p("Objectives: " + [&] {
        std::string s;
        for (const auto& o : cfg.search.objectives)
            s += (s.empty() ? "" : ", ") + o.metric +
                 (o.direction == Direction::kMaximize ? " (maximise)" : " (minimise)");
        return s;
    }() + ". Grey: every COMPLETE trial; blue: the Pareto front; rings: the selected models.");
    auto is_objective = [&](const std::string& m) {
        for (const auto& o : cfg.search.objectives)
            if (o.metric == m) return true;
        return false;
    };
    auto scatter = [&](const std::string& xm, const std::string& xl, bool logx,
                       const std::string& ym, const std::string& yl) {
        svg::Plot p;
        p.title = yl + " vs " + xl;
        p.x_label = xl;
        p.y_label = yl;
        p.log_x = logx;
        svg::Series all{"all trials", svg::Style::kFaded, "#999", {}, {}, {}},
            front{"Pareto front", svg::Style::kFront, "#1f5fbf", {}, {}, {}},
            sel{"selected", svg::Style::kSelected, "#d62728", {}, {}, {}},
            base{"baseline", svg::Style::kSelected, "#2ca02c", {}, {}, {}};
        for (const auto& t : trials) {
            if (t.state != TrialState::kComplete) continue;
            const auto x = metric_of(t, xm), y = metric_of(t, ym);
            if (!x || !y) continue;
            const std::string tip = "t" + std::to_string(t.number) + " " + ym + "=" + fmt(*y) +
                                    " " + xm + "=" + fmt(*x);
            all.x.push_back(*x), all.y.push_back(*y), all.labels.push_back(tip);
            if (t.front) front.x.push_back(*x), front.y.push_back(*y), front.labels.push_back(tip);
            if (selected.count(t.number))
                sel.x.push_back(*x), sel.y.push_back(*y), sel.labels.push_back(tip);
            if (!t.baseline.empty())
                base.x.push_back(*x), base.y.push_back(*y),
                    base.labels.push_back(fs::path(t.baseline).stem().string() + " (" + tip +
                                          ", baseline " + t.baseline + ")");
        }
        if (all.x.empty()) return;
        // The staircase is the front's attainment line only when both axes are objectives.
        if (!is_objective(xm) || !is_objective(ym)) front.style = svg::Style::kPoints;
        p.series = {all, front, sel};
        if (!base.x.empty()) p.series.push_back(base);
        pg.raw("<div class=\"panel\">" + svg::render(p) + "</div>\n");
        ++result.panels;
    };
    pg.raw("<div class=\"panels\">\n");
    scatter(std::string(metric::kBops), "BOPs", true, metric, metric);
    scatter(std::string(metric::kEstAvgResourcePct), "est. avg resource %", false, metric, metric);
    scatter(std::string(metric::kEstLatencyCycles), "est. latency (cycles)", false, metric, metric);
    const auto& obj = cfg.search.objectives;
    if (obj.size() >= 3)
        for (std::size_t i = 0; i < obj.size(); ++i)
            for (std::size_t j = i + 1; j < obj.size(); ++j)
                if (!(i == 0 && obj[j].metric == metric::kBops))
                    scatter(obj[j].metric, obj[j].metric, obj[j].metric == metric::kBops,
                            obj[i].metric, obj[i].metric);
    {
        auto [xs, ys] = hypervolume_curve(trials, cfg);
        if (!xs.empty()) {
            svg::Plot p;
            p.title = "hypervolume over trials";
            p.x_label = "trial";
            p.y_label = "hypervolume";
            p.series = {{"", svg::Style::kLine, "#2a9d8f", xs, ys, {}}};
            pg.raw("<div class=\"panel\">" + svg::render(p) + "</div>\n");
            ++result.panels;
        }
    }
    pg.raw("</div>\n");
    pg.raw("<h3>Trial outcomes</h3>");
    {
        std::vector<std::vector<std::string>> rows;
        for (const char* s : {"COMPLETE", "PRUNED", "FAIL", "RUNNING"})
            if (counts[s] > 0 || std::string(s) != "RUNNING") {
                std::string why;
                for (const auto& [r, n] : reasons[s])
                    why += (why.empty() ? "" : "; ") + std::to_string(n) + "× " + r;
                rows.push_back({s, std::to_string(counts[s]), why});
            }
        pg.table({"state", "trials", "reasons"}, rows, 1);
    }

    // ---- selection
    pg.h2("select", "Selected models");
    if (!have_selection) {
        pg.p("The select stage has not run (snac select " + run_dir + ").", "note");
    } else {
        pg.p("Rule: " + std::string(to_string(selection.rule)) + " (select: section).");
        std::vector<std::vector<std::string>> rows;
        for (const auto& m : selection.models) {
            auto g = [&](std::string_view k) {
                auto it = m.metrics.find(std::string(k));
                return it == m.metrics.end() ? std::string("–") : fmt(it->second);
            };
            rows.push_back({m.name, std::to_string(m.trial), g(metric), g(metric::kBops),
                            g(metric::kParams), g(metric::kEstAvgResourcePct), m.why});
        }
        pg.table({"model", "trial", metric, "BOPs", "params", "est. avg res. %", "why"}, rows, 1);
        for (const auto& w : selection.warnings)
            pg.raw("<div class=\"warn\">" + svg::escape(w) + "</div>");
    }

    // ---- local
    pg.h2("local", "Local search (quantization-aware training and pruning)");
    if (!cfg.local.enabled) {
        pg.p(
            "The local stage is disabled in this run's config (local.enabled: false): the HLS "
            "stage built the selected models at the hls: section's precision.",
            "note");
    } else if (local.empty()) {
        pg.p("The local stage has not produced local/summary.csv yet.", "note");
    } else {
        svg::Plot p;
        p.title = "metric vs sparsity per precision";
        p.x_label = "sparsity";
        p.y_label = "metric";
        std::map<std::string, svg::Series> per;
        static const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                        "#9467bd", "#8c564b", "#e377c2", "#17becf"};
        for (const auto& r : local) {
            const std::string prec = r.count("precision") ? r.at("precision") : "?";
            auto& s = per[prec];
            if (s.name.empty()) {
                s.name = prec;
                s.style = svg::Style::kLine;
                s.color = kColors[(per.size() - 1) % 8];
            }
            s.x.push_back(to_num(r.count("sparsity") ? r.at("sparsity") : ""));
            s.y.push_back(to_num(r.count("metric") ? r.at("metric") : ""));
        }
        for (auto& [_, s] : per) p.series.push_back(s);
        pg.raw("<div class=\"panels\"><div class=\"panel\">" + svg::render(p) + "</div></div>\n");
        ++result.panels;
    }

    // ---- designs
    pg.h2("designs", "Final designs (HLS projects)");
    if (designs.empty()) {
        pg.p("The HLS stage has not run (snac hls " + run_dir + ").", "note");
    } else {
        std::vector<std::vector<std::string>> rows;
        const double clk = cfg.hls.clock_period_ns;
        bool synthesized = false;  // snac hls --synth ran Vitis HLS: its figures join the table
        for (const auto& d : designs)
            synthesized |= d.count("synth_lut") && !d.at("synth_lut").empty();
        const std::string pct_head = synthesized ? " % (est. / csynth)" : " %";
        for (const auto& d : designs) {
            auto g = [&](std::string_view k) {
                auto it = d.find(std::string(k));
                return it == d.end() ? std::string() : it->second;
            };
            auto n = [&](std::string_view k, int digits = 4) { return fmt(to_num(g(k)), digits); };
            double bops = NAN, params = NAN, fl = NAN;
            for (const auto& m : selection.models)
                if (m.name == g("model")) {
                    if (auto v = find_metric_value(m.metrics, metric::kBops)) bops = *v;
                    if (auto v = find_metric_value(m.metrics, metric::kParams)) params = *v;
                    if (m.metrics.count(metric)) fl = m.metrics.at(metric);
                }
            const double lat = to_num(g(metric::kEstLatencyCycles));
            const double ii = to_num(g(metric::kEstIiCycles));
            rows.push_back(
                {g("design"), fmt(fl), n("metric_float"), n("metric_fixed"), n("metric_fixed_local"),
                 g("csim_samples") + " / " + g("csim_mismatches"), fmt(bops), fmt(params),
                 g("sparsity"), g("precision").empty() ? cfg.hls.precision.str() : g("precision"),
                 n(metric::kEstLutPct, 3), n(metric::kEstFfPct, 3), n(metric::kEstDspPct, 3), n(metric::kEstBramPct, 3),
                 fmt(lat) + " / " + fmt(lat * clk, 3), fmt(ii) + " / " + fmt(ii * clk, 3),
                 g("status"), g("fits_part"), g("project")});
            if (synthesized) {
                // csynth's figures beside the estimate of the same quantity.
                auto both = [&](std::string_view est, const char* syn, int digits) {
                    return n(est, digits) + " / " + n(syn, digits);
                };
                std::vector<std::string>& row = rows.back();
                row[10] = both(metric::kEstLutPct, "synth_lut_pct", 3);
                row[11] = both(metric::kEstFfPct, "synth_ff_pct", 3);
                row[12] = both(metric::kEstDspPct, "synth_dsp_pct", 3);
                row[13] = both(metric::kEstBramPct, "synth_bram_pct", 3);
                row[14] += " | csynth " + n("synth_latency_cycles_max", 6);
                row[15] += " | csynth " + n("synth_ii_cycles", 6);
            }
            if (g("fits_part") == "no")
                pg.raw("<div class=\"warn\">" + svg::escape(g("design")) + " does not fit " +
                       svg::escape(cfg.hls.part) + ": " + svg::escape(g("warnings")) + "</div>");
        }
        pg.table({"design", metric + " (search, val)", "float (test)", "C-sim fixed (test)",
                  "local stage fixed (test)",
                  "C-sim samples / mismatches", "BOPs", "params", "sparsity", "precision",
                  "LUT" + pct_head, "FF" + pct_head, "DSP" + pct_head, "BRAM" + pct_head,
                  "latency cycles / ns", "II cycles / ns", "C-sim", "fits part", "project"},
                 rows, 1);
        pg.p("Percentages are of " + cfg.hls.part + " (surrogate estimate, " +
                 (designs[0].count("estimate_source") ? designs[0].at("estimate_source") : "") +
                 (synthesized ? "; beside it Vitis HLS csynth's figures, where it ran"
                              : "; no synthesis figures: snac hls --synth runs Vitis HLS where "
                                "it is installed") +
                 "); ns at the " + fmt(clk) +
                 " ns clock. Projects are relative to the run "
                 "directory; each holds snac_hls.json and tb_data/csim_results.log.",
             "note");
    }

    // ---- normalisation
    pg.h2("inputs", "Input normalisation the firmware expects");
    std::string norm_csv;
    {
        std::string dataset;
        for (const auto& m : selection.models) {
            try {
                const auto ck = io::read_checkpoint((fs::path(run_dir) / m.checkpoint).string());
                dataset = checkpoint_dataset(ck);
            } catch (const Error&) {
            }
            if (!dataset.empty()) break;
        }
        if (dataset.empty()) {
            pg.p(
                "The dataset of the selected models was not found (it is looked up as in snac "
                "hls: the path recorded in the checkpoint, then $SNAC_DATA_DIR and ./data).",
                "note");
        } else {
            const Dataset d = io::load_dataset(dataset);
            const auto& sc = d.scaling;
            pg.p("Feed the firmware x' = (x − shift) / scale per channel (method " +
                 std::string(to_string(sc.method)) + ", fitted on the training split of " +
                 dataset + "). " + std::to_string(sc.shift.size()) +
                 " channel(s); all in normalisation.csv.");
            norm_csv = "channel,shift,scale\n";
            std::vector<std::vector<std::string>> rows;
            for (std::size_t c = 0; c < sc.shift.size(); ++c) {
                norm_csv += std::to_string(c) + "," + fmt(sc.shift[c], 9) + "," +
                            fmt(sc.scale[c], 9) + "\n";
                if (c < 16)
                    rows.push_back({std::to_string(c), fmt(sc.shift[c], 6), fmt(sc.scale[c], 6)});
            }
            if (!rows.empty()) pg.table({"channel", "shift", "scale"}, rows, 1);
            if (sc.shift.size() > 16)
                pg.p("… first 16 of " + std::to_string(sc.shift.size()) + " channels shown.",
                     "note");
        }
    }

    // ---- config and reproduction
    pg.h2("reproduce", "Configuration and how to reproduce");
    pg.raw("<pre>snac run " + svg::escape((fs::path(run_dir) / "config.yaml").string()) +
           " --out NEW_RUN_DIR\nsnac select " + svg::escape(run_dir) + "\nsnac hls " +
           svg::escape(run_dir) + "\nsnac report " + svg::escape(run_dir) + "\n");
    for (const auto& m : selection.models)
        pg.raw("snac hls " + svg::escape((fs::path(run_dir) / m.checkpoint).string()) +
               " --config " + svg::escape((fs::path(run_dir) / "config.yaml").string()) +
               " --out " + svg::escape(m.name) + "_hls\n");
    pg.raw("</pre>\n<h3>Resolved config (config.yaml)</h3><pre>" +
           svg::escape(read_text(fs::path(run_dir) / "config.yaml")) + "</pre>\n");
    pg.raw("<p class=\"note\">CSV exports beside this page: trials.csv, designs.csv" +
           std::string(norm_csv.empty() ? "" : ", normalisation.csv") + ".</p>\n");
    pg.raw("</main></body></html>\n");

    // ---- CSVs
    std::ostringstream tcsv;
    tcsv << "trial,state";
    for (const auto& o : obj) tcsv << "," << o.metric;
    const std::string_view extra[] = {metric::kParams, metric::kBops, metric::kEstAvgResourcePct,
                                      metric::kEstLatencyCycles};
    for (const auto k : extra) tcsv << "," << k;
    tcsv << ",pareto,selected,reason,baseline\n";
    for (const auto& t : trials) {
        tcsv << t.number << "," << snac::to_string(t.state);
        for (const auto& o : obj) {
            auto v = metric_of(t, o.metric);
            tcsv << "," << (v ? fmt(*v, 10) : "");
        }
        for (const auto k : extra) {
            auto v = metric_of(t, std::string(k));
            tcsv << "," << (v ? fmt(*v, 10) : "");
        }
        tcsv << "," << (t.front ? 1 : 0) << "," << (selected.count(t.number) ? 1 : 0) << ","
             << csv_field(t.reason) << "," << csv_field(t.baseline) << "\n";
    }
    result.html = (out_dir / "index.html").string();
    snac::write_file_atomic((out_dir / "trials.csv").string(), tcsv.str());
    result.csvs.push_back((out_dir / "trials.csv").string());
    test_hook_pause();  // kill tests: the report half written, the stage not yet recorded
    if (!designs.empty()) {
        snac::write_file_atomic((out_dir / "designs.csv").string(), read_text(hls_csv));
        result.csvs.push_back((out_dir / "designs.csv").string());
    }
    if (!norm_csv.empty()) {
        snac::write_file_atomic((out_dir / "normalisation.csv").string(), norm_csv);
        result.csvs.push_back((out_dir / "normalisation.csv").string());
    }
    snac::write_file_atomic(result.html, pg.str());
    StageRecord rec;
    rec.stage = Stage::kReport;
    rec.counts = {{"panels", result.panels}};
    write_stage_done(run_dir, cfg, rec);
    return result;
}

}  // namespace snac::runtime
