// Writes small stand-ins for the hls4ml LHC jet constituent files (Zenodo 10.5281/zenodo.3602260)
// in the layout `scripts/fetch_data.sh --dir DIR jets_constituents 150` leaves:
// DIR/jets_constituents_150p/jetImage_<k>_150p_<first>_<last>.h5, each with
//   jetConstituentList [N, 150, 16] float32, particles in decreasing pT, zero-padded;
//   particleFeatureNames: the 16 published per-particle names (j1_px ... j1_costhetarel);
//   jets [N, J] float32 with jetFeatureNames, the one-hot class columns j_g j_q j_w j_z j_t and
//   j_undef among jet-level columns (the published array has 59 columns; this one has fewer).
// The jets follow a toy model in which the classes differ in multiplicity, pT sharing and angular
// spread, so a small network can beat the majority class after one epoch. They are NOT physics:
// the test checks that the configs run end to end on files of this layout.
// Usage: case_jets_fixture DIR [jets_per_file] [files]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "hdf5_util.hpp"

namespace h5 = snac::io::h5;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: case_jets_fixture DIR [jets_per_file] [files]\n");
        return 2;
    }
    try {
        const std::filesystem::path dir = std::filesystem::path(argv[1]) / "jets_constituents_150p";
        const int per_file = argc > 2 ? std::stoi(argv[2]) : 3000;
        const int files = argc > 3 ? std::stoi(argv[3]) : 2;
        constexpr int kParticles = 150, kFeatures = 16;
        const std::vector<std::string> particle_names = {
            "j1_px",     "j1_py",     "j1_pz",       "j1_e",          "j1_erel", "j1_pt",
            "j1_ptrel",  "j1_eta",    "j1_etarel",   "j1_etarot",     "j1_phi",  "j1_phirel",
            "j1_phirot", "j1_deltaR", "j1_costheta", "j1_costhetarel"};
        const std::vector<std::string> jet_names = {"j_ptfrac",  "j_pt", "j_eta",   "j_mass",
                                                    "j_tau1_b1", "j_g",  "j_q",     "j_w",
                                                    "j_z",       "j_t",  "j_undef", "j_index"};
        std::filesystem::create_directories(dir);
        std::mt19937_64 rng(20260127);
        std::normal_distribution<double> gauss(0.0, 1.0);
        std::uniform_real_distribution<double> uni(0.0, 1.0);
        for (int f = 0; f < files; ++f) {
            const int first = f * per_file;
            std::vector<float> parts(static_cast<std::size_t>(per_file) * kParticles * kFeatures,
                                     0.0f);
            std::vector<float> jets(static_cast<std::size_t>(per_file) * jet_names.size(), 0.0f);
            for (int j = 0; j < per_file; ++j) {
                const int c = static_cast<int>(uni(rng) * 5.0) % 5;  // g q W Z t
                const double jet_pt = 1000.0 * (1.0 + 0.1 * gauss(rng));
                const double jet_eta = 0.5 * gauss(rng), jet_phi = 3.0 * (2.0 * uni(rng) - 1.0);
                // Class signatures: multiplicity, how steeply pT falls, angular spread.
                const int n = std::min(kParticles, 12 + 8 * c + static_cast<int>(6 * uni(rng)));
                const double slope = 0.15 + 0.12 * c;
                const double spread = 0.03 + 0.05 * ((c * 3) % 5);
                std::vector<double> pt(static_cast<std::size_t>(n));
                double sum = 0;
                for (int p = 0; p < n; ++p)
                    sum += pt[static_cast<std::size_t>(p)] =
                        std::exp(-slope * p) * (0.8 + 0.4 * uni(rng));
                std::sort(pt.begin(), pt.end(), std::greater<>());
                for (int p = 0; p < n; ++p) {
                    const double ppt = jet_pt * pt[static_cast<std::size_t>(p)] / sum;
                    const double deta = spread * gauss(rng), dphi = spread * gauss(rng);
                    const double eta = jet_eta + deta, phi = jet_phi + dphi;
                    const double px = ppt * std::cos(phi), py = ppt * std::sin(phi),
                                 pz = ppt * std::sinh(eta), e = ppt * std::cosh(eta);
                    const double dr = std::hypot(deta, dphi);
                    const float v[kFeatures] = {
                        static_cast<float>(px),
                        static_cast<float>(py),
                        static_cast<float>(pz),
                        static_cast<float>(e),
                        static_cast<float>(e / (jet_pt * std::cosh(jet_eta))),
                        static_cast<float>(ppt),
                        static_cast<float>(ppt / jet_pt),
                        static_cast<float>(eta),
                        static_cast<float>(deta),
                        static_cast<float>(deta),
                        static_cast<float>(phi),
                        static_cast<float>(dphi),
                        static_cast<float>(dphi),
                        static_cast<float>(dr),
                        static_cast<float>(std::tanh(eta)),
                        static_cast<float>(std::cos(dr))};
                    std::copy_n(v, kFeatures,
                                parts.begin() + ((static_cast<std::ptrdiff_t>(j) * kParticles + p) *
                                                 kFeatures));
                }
                float* row = jets.data() + static_cast<std::size_t>(j) * jet_names.size();
                row[0] = 1.0f;
                row[1] = static_cast<float>(jet_pt);
                row[2] = static_cast<float>(jet_eta);
                row[3] = static_cast<float>(20.0 + 40.0 * c + 5.0 * gauss(rng));
                row[4] = static_cast<float>(0.3 * uni(rng));
                row[5 + c] = 1.0f;
                row[11] = static_cast<float>(first + j);
            }
            const std::string name = "jetImage_" + std::to_string(f) + "_150p_" +
                                     std::to_string(first) + "_" +
                                     std::to_string(first + per_file) + ".h5";
            h5::Handle h = h5::create_file((dir / name).string());
            h5::write_array<float>(h, "jetConstituentList",
                                   {static_cast<hsize_t>(per_file), kParticles, kFeatures},
                                   parts.data());
            h5::write_strings(h, "particleFeatureNames", particle_names);
            h5::write_array<float>(h, "jets", {static_cast<hsize_t>(per_file), jet_names.size()},
                                   jets.data());
            h5::write_strings(h, "jetFeatureNames", jet_names);
        }
        std::printf("wrote %d files of %d jets into %s\n", files, per_file, dir.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "case_jets_fixture: %s\n", e.what());
        return 1;
    }
    return 0;
}
