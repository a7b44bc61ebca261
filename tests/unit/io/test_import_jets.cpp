// hls4ml jet formats on small files written here in the published layouts: the OpenML HLF CSV
// (16 named features + one-hot class columns, or a text class column) and the constituent HDF5
// (jetConstituentList [N, P, F] + particleFeatureNames + jets/jetFeatureNames with j_g..j_t).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hdf5_util.hpp"
#include "snac/core/error.hpp"
#include "snac/io/import.hpp"

namespace snac::io {
namespace {

namespace fs = std::filesystem;

const char* kHlf[] = {"j_zlogz",         "j_c1_b0_mmdt",    "j_c1_b1_mmdt", "j_c1_b2_mmdt",
                      "j_c2_b1_mmdt",    "j_c2_b2_mmdt",    "j_d2_b1_mmdt", "j_d2_b2_mmdt",
                      "j_d2_a1_b1_mmdt", "j_d2_a1_b2_mmdt", "j_m2_b1_mmdt", "j_m2_b2_mmdt",
                      "j_n2_b1_mmdt",    "j_n2_b2_mmdt",    "j_mass_mmdt",  "j_multiplicity"};

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "snac-jets-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// Jet j has feature f = j + f / 100 and class j % 5 (in order g, q, w, z, t).
void write_hlf_onehot(const std::string& file, int jets, bool with_prefix) {
    std::ofstream out(file);
    out << "index";
    for (const char* f : kHlf) out << "," << (with_prefix ? f : f + 2);
    for (const char* c : {"j_g", "j_q", "j_w", "j_z", "j_t"}) out << "," << c;
    out << "\n";
    for (int j = 0; j < jets; ++j) {
        out << j;
        for (int f = 0; f < 16; ++f) out << "," << j + f / 100.0;
        for (int c = 0; c < 5; ++c) out << "," << (j % 5 == c ? 1 : 0);
        out << "\n";
    }
}

TEST(ImportJets, HlfOneHotColumnsGiveFixedClassOrder) {
    TempDir dir;
    write_hlf_onehot(dir / "jets.csv", 12, true);
    DataSourceConfig s;
    s.format = DataFormat::kJetsHlf;
    s.file = dir / "jets.csv";
    const Dataset d = read_source(s, {});
    ASSERT_EQ(d.n_samples, 12);
    EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{16}));
    EXPECT_EQ(d.class_names, (std::vector<std::string>{"g", "q", "W", "Z", "t"}));
    EXPECT_EQ(d.feature_names.front(), "j_zlogz");
    EXPECT_EQ(d.feature_names.back(), "j_multiplicity");
    for (int j = 0; j < 12; ++j) {
        EXPECT_EQ(d.labels[static_cast<std::size_t>(j)], j % 5);
        EXPECT_FLOAT_EQ(d.x[static_cast<std::size_t>(j * 16 + 3)], static_cast<float>(j + 0.03));
    }
}

TEST(ImportJets, HlfOpenMlNamesWithTextClassColumn) {
    // OpenML drops the j_ prefix and stores the class as text g/q/t/w/z (alphabetical there);
    // snac maps it to its own order g, q, W, Z, t.
    TempDir dir;
    std::ofstream out(dir / "openml.csv");
    for (const char* f : kHlf) out << (f + 2) << ",";
    out << "class\n";
    const char* classes[] = {"g", "q", "t", "w", "z", "W"};
    for (int j = 0; j < 6; ++j) {
        for (int f = 0; f < 16; ++f) out << j * 16 + f << ",";
        out << classes[j] << "\n";
    }
    out.close();
    DataSourceConfig s;
    s.format = DataFormat::kJetsHlf;
    s.file = dir / "openml.csv";
    s.features = {"mass_mmdt", "multiplicity"};
    const Dataset d = read_source(s, {});
    ASSERT_EQ(d.n_samples, 6);
    EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{2}));
    EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 1, 4, 2, 3, 2}));
    EXPECT_EQ(d.x[0], 14.0f);
    EXPECT_EQ(d.x[1], 15.0f);
}

TEST(ImportJets, HlfRejectsRowsThatAreNotOneHot) {
    TempDir dir;
    {
        std::ofstream out(dir / "bad.csv", std::ios::trunc);
        out << "zlogz";
        for (int f = 1; f < 16; ++f) out << "," << (kHlf[f] + 2);
        out << ",j_g,j_q,j_w,j_z,j_t\n";
        for (int f = 0; f < 16; ++f) out << "1,";
        out << "1,0,0,0,0\n";
        for (int f = 0; f < 16; ++f) out << "1,";
        out << "1,1,0,0,0\n";
    }
    DataSourceConfig s;
    s.format = DataFormat::kJetsHlf;
    s.file = dir / "bad.csv";
    try {
        read_source(s, {});
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not one-hot"), std::string::npos) << e.what();
    }
}

// N jets x P particles x F features; value = jet*1000 + particle*10 + feature.
void write_constituents(const std::string& file, int n, int p, bool jets_array) {
    const std::vector<std::string> names = {"j1_px", "j1_py", "j1_pt", "j1_eta", "j1_phi"};
    const int f = static_cast<int>(names.size());
    std::vector<float> parts(static_cast<std::size_t>(n * p * f));
    for (int j = 0; j < n; ++j)
        for (int q = 0; q < p; ++q)
            for (int k = 0; k < f; ++k)
                parts[static_cast<std::size_t>((j * p + q) * f + k)] =
                    static_cast<float>(j * 1000 + q * 10 + k);
    h5::Handle h = h5::create_file(file);
    h5::write_array<float>(
        h, "jetConstituentList",
        {static_cast<hsize_t>(n), static_cast<hsize_t>(p), static_cast<hsize_t>(f)}, parts.data());
    h5::write_strings(h, "particleFeatureNames", names);
    if (jets_array) {
        // The real file has ~59 jet columns; the class columns sit among them.
        const std::vector<std::string> jet_names = {"j_ptfrac", "j_pt", "j_g", "j_q",
                                                    "j_w",      "j_z",  "j_t", "j_mass"};
        std::vector<float> jets(static_cast<std::size_t>(n) * jet_names.size(), 0.0f);
        for (int j = 0; j < n; ++j) {
            jets[static_cast<std::size_t>(j) * jet_names.size() + 1] =
                100.0f + static_cast<float>(j);
            jets[static_cast<std::size_t>(j) * jet_names.size() + 2 +
                 static_cast<std::size_t>((j * 2) % 5)] = 1.0f;
        }
        h5::write_array<float>(h, "jets", {static_cast<hsize_t>(n), jet_names.size()}, jets.data());
        h5::write_strings(h, "jetFeatureNames", jet_names);
    } else {
        std::vector<float> labels(static_cast<std::size_t>(n) * 5, 0.0f);
        for (int j = 0; j < n; ++j) labels[static_cast<std::size_t>(j * 5 + (j * 2) % 5)] = 1.0f;
        h5::write_array<float>(h, "labels", {static_cast<hsize_t>(n), 5}, labels.data());
    }
}

TEST(ImportJets, ConstituentsFlattenedKeepsLeadingParticlesAndChosenFeatures) {
    TempDir dir;
    write_constituents(dir / "c.h5", 7, 6, true);
    DataSourceConfig s;
    s.format = DataFormat::kJetsConstituents;
    s.file = dir / "c.h5";
    s.n_particles = 4;
    s.features = {"pt", "eta", "j1_phi"};
    const Dataset d = read_source(s, {});
    ASSERT_EQ(d.n_samples, 7);
    EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{12}));
    ASSERT_EQ(d.feature_names.size(), 12u);
    EXPECT_EQ(d.feature_names[0], "p0_j1_pt");
    EXPECT_EQ(d.feature_names[11], "p3_j1_phi");
    for (int j = 0; j < 7; ++j) {
        EXPECT_EQ(d.labels[static_cast<std::size_t>(j)], (j * 2) % 5);
        for (int q = 0; q < 4; ++q)
            for (int k = 0; k < 3; ++k)
                EXPECT_EQ(d.x[static_cast<std::size_t>(j * 12 + q * 3 + k)],
                          static_cast<float>(j * 1000 + q * 10 + 2 + k));
    }
}

TEST(ImportJets, ConstituentsAsSetWithLabelsDataset) {
    TempDir dir;
    write_constituents(dir / "c.h5", 5, 3, false);
    DataSourceConfig s;
    s.format = DataFormat::kJetsConstituents;
    s.file = dir / "c.h5";
    s.n_particles = 2;
    s.features = {"px", "pt"};
    s.layout = ParticleLayout::kSet;
    const Dataset d = read_source(s, {});
    EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{2, 2}));
    EXPECT_EQ(d.feature_names, (std::vector<std::string>{"j1_px", "j1_pt"}));
    EXPECT_EQ(d.x[static_cast<std::size_t>(4 * 4 + 1 * 2 + 1)], 4012.0f);  // jet 4, particle 1, pt
    EXPECT_EQ(d.labels[3], 1);                                             // (3*2) % 5
    // Set layout normalises per feature across particles (the last axis).
    DataConfig c;
    c.name = "set";
    c.source = s;
    c.split = {0.6, 0.2, 0.2, 1, false};
    const Dataset n = import_dataset(c, {});
    EXPECT_EQ(n.scaling.shift.size(), 2u);
}

TEST(ImportJets, ConstituentDirectoryConcatenatesFilesInNameOrder) {
    // An unpacked Zenodo tarball is a directory of files: read them all, in name order.
    TempDir dir;
    fs::create_directories(dir.path / "val");
    write_constituents(dir / "val/jetImage_0_30p_0_10000.h5", 3, 4, true);
    write_constituents(dir / "val/jetImage_1_30p_10000_20000.h5", 2, 4, true);
    std::ofstream(dir / "val/README.txt") << "not data";
    DataSourceConfig s;
    s.format = DataFormat::kJetsConstituents;
    s.file = dir / "val";
    s.n_particles = 2;
    s.features = {"pt"};
    const Dataset d = read_source(s, {});
    ASSERT_EQ(d.n_samples, 5);
    EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{2}));
    // Jets 0-2 of the first file, then jets 0-1 of the second (value = jet * 1000 + p * 10 + 2).
    EXPECT_EQ(d.x, (std::vector<float>{2, 12, 1002, 1012, 2002, 2012, 2, 12, 1002, 1012}));
    EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 2, 4, 0, 2}));
    s.subset = 4;  // the subset spans both files
    EXPECT_EQ(read_source(s, {}).n_samples, 4);
}

TEST(ImportJets, ConstituentsRejectTooManyParticlesAndUnknownFeatures) {
    TempDir dir;
    write_constituents(dir / "c.h5", 3, 3, true);
    DataSourceConfig s;
    s.format = DataFormat::kJetsConstituents;
    s.file = dir / "c.h5";
    s.n_particles = 8;
    EXPECT_THROW(read_source(s, {}), UsageError);
    s.n_particles = 2;
    s.features = {"ptt"};
    try {
        read_source(s, {});
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(e.hint().find("did you mean 'j1_pt'"), std::string::npos) << e.hint();
    }
}

}  // namespace
}  // namespace snac::io
