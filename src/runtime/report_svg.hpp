#pragma once
// Private to runtime: the report's plots as inline SVG (docs/pipeline.md#report explains why a
// small writer of our own rather than PLplot). Pure: text in, text out.
#include <string>
#include <vector>

namespace snac::runtime::svg {

enum class Style {
    kFaded,     ///< small grey dots behind everything (all trials)
    kPoints,    ///< coloured dots
    kFront,     ///< coloured dots joined by a staircase in x order (a Pareto front)
    kLine,      ///< coloured polyline with small dots (a curve)
    kSelected,  ///< large rings with a text label (the chosen models)
};

struct Series {
    std::string name;  ///< legend entry ("" = none)
    Style style = Style::kPoints;
    std::string color = "#1f77b4";
    std::vector<double> x, y;
    std::vector<std::string> labels;  ///< per point: tooltip (<title>), and text for kSelected
};

struct Plot {
    std::string title;
    std::string x_label, y_label;
    bool log_x = false;
    std::vector<Series> series;
    int width = 460, height = 320;
};

/// An <svg> element (class "plot") with axes, nice ticks, grid, legend and the series. Points
/// with non-finite coordinates (or <= 0 on a log axis) are left out.
std::string render(const Plot& plot);

/// Text escaped for HTML/SVG content and attributes.
std::string escape(const std::string& text);

}  // namespace snac::runtime::svg
