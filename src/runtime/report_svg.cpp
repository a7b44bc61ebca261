// Inline SVG plots for the report: scatter, Pareto staircase, curves, labelled selections.
// Ticks follow the 1-2-5 "nice numbers" rule (Heckbert, Graphics Gems, 1990); log axes tick at
// powers of ten.
#include "report_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace snac::runtime::svg {
namespace {

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string tick_text(double v) {
    char buf[32];
    const double a = std::abs(v);
    if (a != 0.0 && (a >= 1e5 || a < 1e-3))
        std::snprintf(buf, sizeof buf, "%.0e", v);
    else
        std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

double nice_step(double range, int target) {
    const double raw = range / target;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    std::vector<double> ticks;
    double map(double v, double a, double b) const {  // data -> pixel in [a, b]
        const double t = log ? (std::log10(v) - lo) / (hi - lo) : (v - lo) / (hi - lo);
        return a + t * (b - a);
    }
};

bool usable(double v, bool log) {
    return std::isfinite(v) && (!log || v > 0.0);
}

Axis make_axis(const std::vector<const std::vector<double>*>& data, bool log) {
    Axis ax;
    ax.log = log;
    double lo = INFINITY, hi = -INFINITY;
    for (const auto* d : data)
        for (double v : *d)
            if (usable(v, log)) {
                const double t = log ? std::log10(v) : v;
                lo = std::min(lo, t);
                hi = std::max(hi, t);
            }
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (hi - lo < 1e-12) {
        const double pad = log ? 0.5 : std::max(std::abs(lo) * 0.1, 0.5);
        lo -= pad;
        hi += pad;
    }
    if (log) {
        ax.lo = std::floor(lo * 2) / 2 - 0.1;  // half-decade margins
        ax.hi = std::ceil(hi * 2) / 2 + 0.1;
        for (double e = std::ceil(ax.lo); e <= ax.hi; e += 1) ax.ticks.push_back(std::pow(10.0, e));
        if (ax.ticks.size() < 2)  // less than a decade: 1-2-5 ticks inside it
            for (double e = std::floor(ax.lo); e <= ax.hi; e += 1)
                for (double m : {2.0, 5.0})
                    if (const double v = m * std::pow(10.0, e);
                        std::log10(v) >= ax.lo && std::log10(v) <= ax.hi)
                        ax.ticks.push_back(v);
        std::sort(ax.ticks.begin(), ax.ticks.end());
        return ax;
    }
    const double step = nice_step(hi - lo, 5);
    ax.lo = std::floor(lo / step) * step;
    ax.hi = std::ceil(hi / step) * step;
    if (ax.hi - lo < step * 0.05) ax.hi += step;  // keep edge points off the frame
    for (double v = ax.lo; v <= ax.hi + step * 1e-9; v += step)
        ax.ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return ax;
}

}  // namespace

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string render(const Plot& p) {
    std::vector<const std::vector<double>*> xs, ys;
    for (const auto& s : p.series) {
        xs.push_back(&s.x);
        ys.push_back(&s.y);
    }
    const Axis ax = make_axis(xs, p.log_x), ay = make_axis(ys, false);
    const double left = 62, right = p.width - 12, top = 48, bottom = p.height - 44;
    auto px = [&](double v) { return ax.map(v, left, right); };
    auto py = [&](double v) { return ay.map(v, bottom, top); };

    std::ostringstream o;
    o << "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << p.width << " "
      << p.height << "\" width=\"" << p.width << "\" height=\"" << p.height
      << "\" role=\"img\" aria-label=\"" << escape(p.title) << "\">\n";
    o << "<text x=\"" << fmt(p.width / 2.0) << "\" y=\"18\" class=\"title\">" << escape(p.title)
      << "</text>\n";
    // grid and ticks
    for (double t : ax.ticks) {
        const double x = px(t);
        if (x < left - 0.5 || x > right + 0.5) continue;
        o << "<line class=\"grid\" x1=\"" << fmt(x) << "\" y1=\"" << fmt(top) << "\" x2=\""
          << fmt(x) << "\" y2=\"" << fmt(bottom) << "\"/>"
          << "<text class=\"tick\" x=\"" << fmt(x) << "\" y=\"" << fmt(bottom + 15)
          << "\" text-anchor=\"middle\">" << tick_text(t) << "</text>\n";
    }
    for (double t : ay.ticks) {
        const double y = py(t);
        if (y < top - 0.5 || y > bottom + 0.5) continue;
        o << "<line class=\"grid\" x1=\"" << fmt(left) << "\" y1=\"" << fmt(y) << "\" x2=\""
          << fmt(right) << "\" y2=\"" << fmt(y) << "\"/>"
          << "<text class=\"tick\" x=\"" << fmt(left - 5) << "\" y=\"" << fmt(y + 4)
          << "\" text-anchor=\"end\">" << tick_text(t) << "</text>\n";
    }
    o << "<rect class=\"frame\" x=\"" << fmt(left) << "\" y=\"" << fmt(top) << "\" width=\""
      << fmt(right - left) << "\" height=\"" << fmt(bottom - top) << "\"/>\n";
    o << "<text class=\"label\" x=\"" << fmt((left + right) / 2) << "\" y=\"" << fmt(p.height - 8.0)
      << "\" text-anchor=\"middle\">" << escape(p.x_label) << (p.log_x ? " (log)" : "")
      << "</text>\n";
    o << "<text class=\"label\" transform=\"translate(14," << fmt((top + bottom) / 2)
      << ") rotate(-90)\" text-anchor=\"middle\">" << escape(p.y_label) << "</text>\n";

    // series, in order (faded first by convention of the caller)
    for (const auto& s : p.series) {
        std::vector<std::size_t> idx;
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (usable(s.x[i], p.log_x) && usable(s.y[i], false)) idx.push_back(i);
        if (s.style == Style::kFront || s.style == Style::kLine) {
            std::vector<std::size_t> order = idx;
            if (s.style == Style::kFront)
                std::sort(order.begin(), order.end(),
                          [&](std::size_t a, std::size_t b) { return s.x[a] < s.x[b]; });
            std::string path;
            for (std::size_t k = 0; k < order.size(); ++k) {
                const double x = px(s.x[order[k]]), y = py(s.y[order[k]]);
                if (k == 0)
                    path += "M" + fmt(x) + " " + fmt(y);
                else if (s.style == Style::kFront)
                    path += " H" + fmt(x) + " V" + fmt(y);  // staircase
                else
                    path += " L" + fmt(x) + " " + fmt(y);
            }
            if (!path.empty())
                o << "<path class=\"curve\" d=\"" << path << "\" stroke=\"" << s.color << "\"/>\n";
        }
        for (std::size_t i : idx) {
            const double x = px(s.x[i]), y = py(s.y[i]);
            const std::string tip = i < s.labels.size() ? s.labels[i] : "";
            switch (s.style) {
                case Style::kFaded:
                    o << "<circle class=\"faded\" cx=\"" << fmt(x) << "\" cy=\"" << fmt(y)
                      << "\" r=\"2.5\">";
                    break;
                case Style::kSelected:
                    o << "<circle class=\"selected\" cx=\"" << fmt(x) << "\" cy=\"" << fmt(y)
                      << "\" r=\"7\" stroke=\"" << s.color << "\">";
                    break;
                default:
                    o << "<circle cx=\"" << fmt(x) << "\" cy=\"" << fmt(y) << "\" r=\"3.5\" fill=\""
                      << s.color << "\">";
            }
            o << "<title>" << escape(tip) << "</title></circle>\n";
            if (s.style == Style::kSelected && !tip.empty()) {
                const std::string word = tip.substr(0, tip.find(' '));
                o << "<text class=\"mark\" x=\"" << fmt(x + 9) << "\" y=\"" << fmt(y - 7)
                  << "\" fill=\"" << s.color << "\">" << escape(word) << "</text>\n";
            }
        }
    }
    // legend: one row between the title and the frame, so it never hides a point
    double lx = left;
    for (const auto& s : p.series) {
        if (s.name.empty()) continue;
        const double ly = top - 8;
        if (s.style == Style::kFaded)
            o << "<circle class=\"faded\" cx=\"" << fmt(lx + 4) << "\" cy=\"" << fmt(ly - 4)
              << "\" r=\"3\"/>";
        else if (s.style == Style::kSelected)
            o << "<circle class=\"selected\" cx=\"" << fmt(lx + 4) << "\" cy=\"" << fmt(ly - 4)
              << "\" r=\"5\" stroke=\"" << s.color << "\"/>";
        else
            o << "<circle cx=\"" << fmt(lx + 4) << "\" cy=\"" << fmt(ly - 4)
              << "\" r=\"3.5\" fill=\"" << s.color << "\"/>";
        o << "<text class=\"legend\" x=\"" << fmt(lx + 13) << "\" y=\"" << fmt(ly) << "\">"
          << escape(s.name) << "</text>\n";
        lx += 26 + 6.2 * static_cast<double>(s.name.size());
    }
    o << "</svg>\n";
    return o.str();
}

}  // namespace snac::runtime::svg
