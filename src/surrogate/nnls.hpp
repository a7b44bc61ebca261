#pragma once
// Private: non-negative least squares (Lawson & Hanson, "Solving Least Squares Problems", 1974,
// ch. 23). Small dense problems only (tens of columns).
#include <vector>

namespace snac::surrogate::detail {

/// Minimises ||A x − b||² subject to x >= 0. A is rows × cols, row-major. Columns are scaled to
/// unit norm internally, so terms of very different magnitude are fine. All-zero columns get 0.
std::vector<double> nnls(const std::vector<double>& a, const std::vector<double>& b, int rows,
                         int cols);

}  // namespace snac::surrogate::detail
