// ONNX import and export (runtime/onnx_model.hpp) against models PyTorch exported
// (tests/data/onnx/make_fixtures.py) and against checkpoints snac trained.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "snac/core/error.hpp"
#include "snac/core/hls_settings.hpp"
#include "snac/io/onnx_file.hpp"
#include "snac/io/sample_arrays.hpp"
#include "snac/nn/trainer.hpp"
#include "snac/runtime/model_file.hpp"
#include "snac/runtime/onnx_model.hpp"

namespace snac::runtime {
namespace {

namespace fs = std::filesystem;

std::string fixture(const std::string& name) {
    return std::string(SNAC_SOURCE_DIR) + "/tests/data/onnx/" + name;
}

fs::path temp_dir() {
    const fs::path d =
        fs::temp_directory_path() /
        ("snac_onnx_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(d);
    return d;
}

// snac's float inference of the imported model equals PyTorch's recorded outputs.
void expect_matches_pytorch(const std::string& name) {
    const CheckpointData ck = import_onnx(fixture(name + ".onnx"));
    const io::SampleArray x = io::read_samples(fixture(name + "_input.npy"));
    const io::SampleArray y = io::read_samples(fixture(name + "_output.npy"));
    const std::vector<float> out = nn::predict(ck, x.values.data(), x.shape[0]);
    ASSERT_EQ(out.size(), y.values.size());
    for (std::size_t i = 0; i < out.size(); ++i)
        EXPECT_NEAR(out[i], y.values[i], 1e-5) << name << " value " << i;
}

TEST(OnnxImport, MlpWithBatchNormMatchesPyTorch) {
    expect_matches_pytorch("mlp_bn");
}
TEST(OnnxImport, CnnWithPoolingMatchesPyTorch) {
    expect_matches_pytorch("cnn_pool");
}
TEST(OnnxImport, DeepSetsPatternMatchesPyTorch) {
    expect_matches_pytorch("deepsets_mean");
}
// GELU as PyTorch 1.13 exports it at opset 13 (Div, Erf, Add, Mul, Mul with Constant nodes).
TEST(OnnxImport, MlpWithGeluMatchesPyTorch) {
    expect_matches_pytorch("mlp_gelu");
}
TEST(OnnxImport, DeepSetsSumWithGeluMatchesPyTorch) {
    expect_matches_pytorch("deepsets_sum_gelu");
}

// Batch norm inside phi (Transpose, BatchNormalization, Transpose) and max pooling (ReduceMax).
TEST(OnnxImport, DeepSetsMaxWithBatchNormMatchesPyTorch) {
    expect_matches_pytorch("deepsets_max_bn");
    const ModelFile m = load_model(fixture("deepsets_max_bn.onnx"));
    ASSERT_EQ(m.spec.layers.size(), 1u);
    EXPECT_EQ(m.spec.layers[0].aggregate, nn::Aggregate::kMax);
    ASSERT_EQ(m.spec.layers[0].phi.size(), 4u);
    EXPECT_EQ(m.spec.layers[0].phi[1].type, nn::LayerType::kBatchNorm);
}
// A 2-D batch norm PyTorch did not fold into a convolution, GlobalAveragePool, Reshape to
// [-1, 6]; and AdaptiveMaxPool2d(1), which PyTorch writes as a MaxPool over the whole map.
TEST(OnnxImport, GlobalPoolingAndReshapeMatchPyTorch) {
    using nn::LayerType;
    expect_matches_pytorch("cnn_global_avg");
    expect_matches_pytorch("cnn_global_max");
    const ModelFile m = load_model(fixture("cnn_global_avg.onnx"));
    std::vector<LayerType> types;
    for (const auto& l : m.spec.layers) types.push_back(l.type);
    EXPECT_EQ(types, (std::vector<LayerType>{
                         LayerType::kConv2d, LayerType::kRelu, LayerType::kMaxPool2d,
                         LayerType::kBatchNorm, LayerType::kConv2d, LayerType::kSigmoid,
                         LayerType::kAvgPool2d, LayerType::kFlatten, LayerType::kDense}));
    EXPECT_EQ(m.spec.layers[6].size, 4);  // the 4 x 4 map after MaxPool2d(2) on 8 x 8
}

// GlobalMaxPool (PyTorch does not write it; other exporters do) on a hand-built graph.
TEST(OnnxImport, GlobalMaxPoolIsAMaxOverTheMap) {
    const fs::path d = temp_dir();
    io::OnnxModel g;
    g.opsets.emplace_back("", 13);
    g.inputs.push_back({"input", {-1, 2, 3, 3}});
    io::OnnxNode pool;
    pool.op_type = "GlobalMaxPool";
    pool.name = "pool";
    pool.inputs = {"input"};
    pool.outputs = {"pooled"};
    io::OnnxNode flat;
    flat.op_type = "Flatten";
    flat.name = "flat";
    flat.inputs = {"pooled"};
    flat.outputs = {"output"};
    g.nodes = {pool, flat};
    g.outputs.push_back({"output", {-1, 2}});
    const std::string path = (d / "gmp.onnx").string();
    io::write_onnx(path, g);
    const CheckpointData ck = import_onnx(path);
    const nn::NetworkSpec spec = nn::NetworkSpec::from_yaml(ck.architecture_yaml);
    ASSERT_EQ(spec.layers.size(), 2u);
    EXPECT_EQ(spec.layers[0].type, nn::LayerType::kMaxPool2d);
    EXPECT_EQ(spec.layers[0].size, 3);
    std::vector<float> x(18);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i));
    const std::vector<float> y = nn::predict(ck, x.data(), 1);
    ASSERT_EQ(y.size(), 2u);
    EXPECT_EQ(y[0], *std::max_element(x.begin(), x.begin() + 9));
    EXPECT_EQ(y[1], *std::max_element(x.begin() + 9, x.end()));
    fs::remove_all(d);
}

TEST(OnnxImport, RecognisesPyTorchsGeluPattern) {
    using nn::LayerType;
    const ModelFile m = load_model(fixture("mlp_gelu.onnx"));
    std::vector<LayerType> types;
    for (const auto& l : m.spec.layers) types.push_back(l.type);
    EXPECT_EQ(types,
              (std::vector<LayerType>{LayerType::kDense, LayerType::kGelu, LayerType::kDense,
                                      LayerType::kBatchNorm, LayerType::kGelu, LayerType::kDense}));
    const ModelFile ds = load_model(fixture("deepsets_sum_gelu.onnx"));
    ASSERT_EQ(ds.spec.layers.size(), 1u);
    const nn::LayerSpec& l = ds.spec.layers[0];
    EXPECT_EQ(l.type, LayerType::kDeepSets);
    EXPECT_EQ(l.aggregate, nn::Aggregate::kSum);
    ASSERT_EQ(l.phi.size(), 4u);
    EXPECT_EQ(l.phi[1].type, LayerType::kGelu);
    ASSERT_EQ(l.rho.size(), 3u);
    EXPECT_EQ(l.rho[1].type, LayerType::kGelu);
}

// Hand-built graphs: Dense(3 -> 3) then a GELU written in one of the forms other exporters use.
struct GeluGraph {
    io::OnnxModel m;
    std::string cur = "input";
    int k = 0;

    GeluGraph() {
        m.producer_name = "test";
        m.opsets.emplace_back("", 13);
        m.inputs.push_back({"input", {-1, 3}});
        m.initializers.push_back({"w",
                                  {3, 3},
                                  io::OnnxDataType::kFloat,
                                  {1.0f, 0.5f, -2.0f, 0.0f, -1.0f, 0.25f, 3.0f, 0.0f, 1.0f},
                                  {}});
        cur = op("MatMul", {cur, "w"});
    }
    std::string scalar(float v) {
        const std::string name = "c" + std::to_string(k++);
        m.initializers.push_back({name, {}, io::OnnxDataType::kFloat, {v}, {}});
        return name;
    }
    std::string op(const std::string& type, std::vector<std::string> inputs,
                   std::vector<io::OnnxAttribute> attrs = {}) {
        io::OnnxNode n;
        n.op_type = type;
        n.name = "n" + std::to_string(k++);
        n.inputs = std::move(inputs);
        n.outputs = {n.name + "_out"};
        n.attributes = std::move(attrs);
        m.nodes.push_back(n);
        return n.outputs[0];
    }
    CheckpointData import(const fs::path& dir, const std::string& last) {
        for (auto& n : m.nodes)
            if (n.outputs[0] == last) n.outputs[0] = "output";
        m.outputs.push_back({"output", {-1, 3}});
        const std::string path = (dir / "gelu.onnx").string();
        io::write_onnx(path, m);
        return import_onnx(path);
    }
};

void expect_exact_gelu(const CheckpointData& ck) {
    const nn::NetworkSpec spec = nn::NetworkSpec::from_yaml(ck.architecture_yaml);
    ASSERT_EQ(spec.layers.size(), 2u);
    EXPECT_EQ(spec.layers[1].type, nn::LayerType::kGelu);
    const std::vector<float> x{-2.5f, 0.3f, 1.0f, 0.7f, -0.2f, -1.5f};
    const std::vector<float> y = nn::predict(ck, x.data(), 2);
    const float w[3][3] = {{1.0f, 0.5f, -2.0f}, {0.0f, -1.0f, 0.25f}, {3.0f, 0.0f, 1.0f}};
    for (int s = 0; s < 2; ++s)
        for (int j = 0; j < 3; ++j) {
            double h = 0;
            for (int i = 0; i < 3; ++i) h += double(x[s * 3 + i]) * w[i][j];
            EXPECT_NEAR(y[s * 3 + j], 0.5 * h * (1 + std::erf(h / std::sqrt(2.0))), 1e-5);
        }
}

TEST(OnnxImport, GeluInOtherForms) {
    const fs::path d = temp_dir();
    {
        SCOPED_TRACE("native Gelu (opset 20)");
        GeluGraph g;
        expect_exact_gelu(g.import(d, g.op("Gelu", {g.cur})));
    }
    {
        SCOPED_TRACE("Mul by 1/sqrt 2, x * ((1 + erf) * 0.5)");
        GeluGraph g;
        const std::string x = g.cur;
        const std::string e = g.op("Erf", {g.op("Mul", {g.scalar(0.70710677f), x})});
        const std::string a = g.op("Add", {g.scalar(1.0f), e});
        const std::string h = g.op("Mul", {a, g.scalar(0.5f)});
        expect_exact_gelu(g.import(d, g.op("Mul", {h, x})));
    }
    {
        SCOPED_TRACE("(x * 0.5) * (1 + erf(x / sqrt 2))");
        GeluGraph g;
        const std::string x = g.cur;
        const std::string e = g.op("Erf", {g.op("Div", {x, g.scalar(1.4142135f)})});
        const std::string a = g.op("Add", {e, g.scalar(1.0f)});
        const std::string h = g.op("Mul", {x, g.scalar(0.5f)});
        expect_exact_gelu(g.import(d, g.op("Mul", {h, a})));
    }
    fs::remove_all(d);
}

TEST(OnnxImport, NotQuiteGeluIsAnErrorNamingTheNode) {
    const fs::path d = temp_dir();
    auto expect_error = [&](GeluGraph& g, const std::string& last, const std::string& what) {
        try {
            g.import(d, last);
            FAIL() << "accepted";
        } catch (const UsageError& e) {
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        }
    };
    {
        SCOPED_TRACE("GELU's tanh approximation");
        GeluGraph g;
        io::OnnxAttribute tanh;
        tanh.name = "approximate";
        tanh.kind = io::OnnxAttrKind::kString;
        tanh.s = "tanh";
        const std::string out = g.op("Gelu", {g.cur}, {tanh});
        expect_error(g, out, "node 'n1' (Gelu): approximate = 'tanh' is not supported");
    }
    {
        SCOPED_TRACE("the start of PyTorch's tanh approximation: Mul(x, x)");
        GeluGraph g;
        const std::string out = g.op("Mul", {g.cur, g.cur});
        expect_error(g, out, "node 'n1' (Mul): operator Mul is supported only as part of GELU");
    }
    {
        SCOPED_TRACE("Div by 2 instead of sqrt 2");
        GeluGraph g;
        const std::string x = g.cur;
        const std::string e = g.op("Erf", {g.op("Div", {x, g.scalar(2.0f)})});
        const std::string a = g.op("Add", {e, g.scalar(1.0f)});
        const std::string out = g.op("Mul", {g.op("Mul", {x, a}), g.scalar(0.5f)});
        expect_error(g, out, "node 'n2' (Div): operator Div is supported only as part of GELU");
    }
    {
        SCOPED_TRACE("the intermediate 1 + erf also read elsewhere");
        GeluGraph g;
        const std::string x = g.cur;
        const std::string e = g.op("Erf", {g.op("Div", {x, g.scalar(1.4142135f)})});
        const std::string a = g.op("Add", {e, g.scalar(1.0f)});
        const std::string y = g.op("Mul", {g.op("Mul", {x, a}), g.scalar(0.5f)});
        expect_error(g, g.op("Mul", {y, a}), "(Div): operator Div is supported only");
    }
    fs::remove_all(d);
}

// A bias as a Constant node placed between MatMul and Add still folds into the dense layer.
TEST(OnnxImport, MatMulBiasFromAConstantNodeInBetween) {
    const fs::path d = temp_dir();
    GeluGraph g;
    io::OnnxAttribute value;
    value.name = "value";
    value.kind = io::OnnxAttrKind::kTensor;
    value.t = {"", {3}, io::OnnxDataType::kFloat, {0.5f, -1.0f, 2.0f}, {}};
    const std::string bias = g.op("Constant", {}, {value});
    const CheckpointData ck = g.import(d, g.op("Add", {bias, g.cur}));
    const nn::NetworkSpec spec = nn::NetworkSpec::from_yaml(ck.architecture_yaml);
    ASSERT_EQ(spec.layers.size(), 1u);
    EXPECT_TRUE(spec.layers[0].use_bias);
    const std::vector<float> x{1.0f, 2.0f, 3.0f};
    // [1, 2, 3] . w + b, w as in GeluGraph.
    EXPECT_EQ(nn::predict(ck, x.data(), 1), (std::vector<float>{10.5f, -2.5f, 3.5f}));
    fs::remove_all(d);
}

// PyTorch's x.view(x.size(0), -1) starts with a Shape node: the error says how to export instead.
TEST(OnnxImport, RunTimeShapeComputationIsExplained) {
    const fs::path d = temp_dir();
    GeluGraph g;
    try {
        g.import(d, g.op("Shape", {g.cur}));
        FAIL() << "accepted";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("node 'n1' (Shape): the graph computes a shape"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(e.hint().find("nn.Flatten()"), std::string::npos) << e.hint();
    }
    fs::remove_all(d);
}

TEST(OnnxImport, RecognisesLayersAndKeepsBatchNormSettings) {
    const ModelFile m = load_model(fixture("mlp_bn.onnx"));
    ASSERT_EQ(m.kind, ModelFileKind::kOnnx);
    ASSERT_EQ(m.spec.input_shape, (nn::Shape{16}));
    ASSERT_EQ(m.spec.layers.size(), 9u);
    EXPECT_EQ(m.spec.layers[0].type, nn::LayerType::kDense);
    EXPECT_EQ(m.spec.layers[0].units, 32);
    EXPECT_EQ(m.spec.layers[1].type, nn::LayerType::kBatchNorm);
    EXPECT_DOUBLE_EQ(m.spec.layers[1].epsilon, 1e-5);  // PyTorch's, not snac's default
    EXPECT_DOUBLE_EQ(m.spec.layers[1].momentum, 0.9);  // ONNX convention = 1 - torch's 0.1
    EXPECT_EQ(m.spec.layers[4].type, nn::LayerType::kLeakyRelu);
    EXPECT_DOUBLE_EQ(m.spec.layers[4].alpha, 0.1);
    const ModelFile ds = load_model(fixture("deepsets_mean.onnx"));
    ASSERT_EQ(ds.spec.layers.size(), 1u);
    EXPECT_EQ(ds.spec.layers[0].type, nn::LayerType::kDeepSets);
    EXPECT_EQ(ds.spec.layers[0].aggregate, nn::Aggregate::kMean);
    EXPECT_EQ(ds.spec.layers[0].phi.size(), 4u);
    EXPECT_EQ(ds.spec.layers[0].rho.size(), 3u);
}

TEST(OnnxImport, UnsupportedOperatorNamesNodeAndOpType) {
    try {
        import_onnx(fixture("unsupported_elu.onnx"));
        FAIL() << "Elu was accepted";
    } catch (const UsageError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("/1/Elu"), std::string::npos) << msg;
        EXPECT_NE(msg.find("(Elu)"), std::string::npos) << msg;
        EXPECT_NE(e.hint().find("docs/onnx.md"), std::string::npos);
    }
}

TEST(OnnxImport, NotAnOnnxFileIsAUsageError) {
    const fs::path d = temp_dir();
    const std::string bad = (d / "bad.onnx").string();
    { std::ofstream(bad) << "input_shape: [4]\n"; }
    EXPECT_THROW(import_onnx(bad), UsageError);
    EXPECT_THROW(import_onnx((d / "missing.onnx").string()), UsageError);
    fs::remove_all(d);
}

void expect_same_checkpoint(const CheckpointData& a, const CheckpointData& b) {
    EXPECT_EQ(a.architecture_yaml, b.architecture_yaml);
    EXPECT_EQ(a.training_yaml, b.training_yaml);
    ASSERT_EQ(a.layers.size(), b.layers.size());
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
        EXPECT_EQ(a.layers[i].layer_name, b.layers[i].layer_name);
        EXPECT_EQ(a.layers[i].layer_type, b.layers[i].layer_type);
        ASSERT_EQ(a.layers[i].tensors.size(), b.layers[i].tensors.size()) << a.layers[i].layer_name;
        for (std::size_t t = 0; t < a.layers[i].tensors.size(); ++t) {
            EXPECT_EQ(a.layers[i].tensors[t].name, b.layers[i].tensors[t].name);
            EXPECT_EQ(a.layers[i].tensors[t].shape, b.layers[i].tensors[t].shape);
            EXPECT_EQ(a.layers[i].tensors[t].values, b.layers[i].tensors[t].values);  // bit-exact
        }
    }
    for (const auto& [k, v] : a.attributes)
        if (k != "onnx_file" && k != "onnx_producer") {
            EXPECT_EQ(b.attributes.at(k), v) << k;
        }
}

TEST(OnnxRoundTrip, PyTorchFixturesExportAndImportExactly) {
    const fs::path d = temp_dir();
    for (const char* name : {"mlp_bn", "cnn_pool", "deepsets_mean", "mlp_gelu", "deepsets_sum_gelu",
                             "deepsets_max_bn", "cnn_global_avg", "cnn_global_max"}) {
        const CheckpointData first = import_onnx(fixture(std::string(name) + ".onnx"));
        const std::string out = (d / (std::string(name) + ".onnx")).string();
        export_onnx(first, out);
        expect_same_checkpoint(first, import_onnx(out));
    }
    fs::remove_all(d);
}

Dataset random_dataset(const nn::Shape& sample_shape, std::int64_t n, std::int64_t classes) {
    Dataset d;
    d.name = "random";
    d.sample_shape = sample_shape;
    d.n_samples = n;
    d.n_classes = classes;
    std::mt19937 rng(7);
    std::normal_distribution<float> g;
    d.x.resize(static_cast<std::size_t>(n * d.sample_size()));
    for (auto& v : d.x) v = g(rng);
    for (std::int64_t i = 0; i < n; ++i) {
        d.labels.push_back(static_cast<std::int32_t>(i % classes));
        (i % 5 == 0 ? d.val_idx : d.train_idx).push_back(i);
    }
    d.scaling.method = Normalization::kStandardize;
    const auto channels = static_cast<std::size_t>(scaling_channels(sample_shape));
    for (std::size_t c = 0; c < channels; ++c) {
        d.scaling.shift.push_back(0.25f * static_cast<float>(c));
        d.scaling.scale.push_back(1.5f + static_cast<float>(c));
    }
    return d;
}

CheckpointData trained(const std::string& yaml, const Dataset& data) {
    TrainConfig c;
    c.epochs = 2;
    c.batch_size = 16;
    nn::TrainOptions o;
    o.seed = 3;
    return nn::train_network(nn::NetworkSpec::from_yaml(yaml), data, c, o).checkpoint;
}

// Every layer type the exporter maps, trained by snac, through ONNX and back.
TEST(OnnxRoundTrip, TrainedCheckpointsExportAndImportExactly) {
    const fs::path d = temp_dir();
    const std::vector<std::pair<std::string, Dataset>> cases = {
        {R"(input_shape: [6]
layers:
  - {type: dense, units: 12}
  - {type: batchnorm, epsilon: 0.001, momentum: 0.99}
  - {type: leaky_relu, alpha: 0.2}
  - {type: dropout, rate: 0.25}
  - {type: dense, units: 8, use_bias: false}
  - {type: tanh}
  - {type: identity}
  - {type: dense, units: 3}
  - {type: sigmoid}
  - {type: dense, units: 4}
  - {type: gelu}
  - {type: dense, units: 3}
  - {type: softmax}
)",
         random_dataset({6}, 64, 3)},
        {R"(input_shape: [2, 9, 9]
layers:
  - {type: conv2d, filters: 3, kernel: 3, stride: 2, padding: same}
  - {type: batchnorm}
  - {type: relu}
  - {type: conv2d, filters: 4, kernel: 2, padding: same, use_bias: false}
  - {type: maxpool2d, size: 2}
  - {type: avgpool2d, size: 2}
  - {type: flatten}
  - {type: dense, units: 2}
)",
         random_dataset({2, 9, 9}, 48, 2)},
        {R"(input_shape: [5, 3]
layers:
  - type: deepsets
    aggregate: sum
    phi: [{type: dense, units: 8}, {type: batchnorm}, {type: relu}, {type: dense, units: 4}]
    rho: [{type: dense, units: 6}, {type: relu}, {type: dense, units: 2}]
)",
         random_dataset({5, 3}, 48, 2)},
        {R"(input_shape: [5, 3]
layers:
  - type: deepsets
    aggregate: max
    phi: [{type: dense, units: 4}, {type: gelu}, {type: sigmoid}]
    rho: [{type: dense, units: 2}, {type: softmax}]
)",
         random_dataset({5, 3}, 48, 2)},
    };
    int k = 0;
    for (const auto& [yaml, data] : cases) {
        SCOPED_TRACE("case " + std::to_string(k));
        const CheckpointData ck = trained(yaml, data);
        const std::string out = (d / ("case" + std::to_string(k++) + ".onnx")).string();
        export_onnx(ck, out);
        const CheckpointData back = import_onnx(out);
        expect_same_checkpoint(ck, back);
        // Same architecture and weights: identical float outputs.
        const std::vector<float> y0 = nn::predict(ck, data.x.data(), data.n_samples);
        const std::vector<float> y1 = nn::predict(back, data.x.data(), data.n_samples);
        EXPECT_EQ(y0, y1);
    }
    fs::remove_all(d);
}

TEST(OnnxExport, QonnxHasQuantNodesWithPowerOfTwoScales) {
    const fs::path d = temp_dir();
    const CheckpointData ck = import_onnx(fixture("mlp_bn.onnx"));
    const FixedType t = FixedType::parse("ap_fixed<8,3>");
    const std::string out = (d / "q.onnx").string();
    export_qonnx(ck, out, &t);
    const io::OnnxModel m = io::read_onnx(out);
    std::map<std::string, const io::OnnxTensor*> init;
    for (const auto& i : m.initializers) init[i.name] = &i;
    int quants = 0;
    for (const auto& n : m.nodes) {
        if (n.op_type != "Quant") continue;
        ++quants;
        EXPECT_EQ(n.domain, "qonnx.custom_op.general");
        ASSERT_EQ(n.inputs.size(), 4u);
        EXPECT_EQ(init.at(n.inputs[1])->floats.at(0), 1.0f / 32.0f);  // 2^-(8-3)
        EXPECT_EQ(init.at(n.inputs[2])->floats.at(0), 0.0f);
        EXPECT_EQ(init.at(n.inputs[3])->floats.at(0), 8.0f);
        EXPECT_EQ(n.get_int("signed", -1), 1);
        EXPECT_EQ(n.get_string("rounding_mode", ""), "FLOOR");  // AP_TRN
    }
    // input + (kernel, bias, result) x 4 dense + BN, relu, leaky_relu, sigmoid, softmax results
    EXPECT_EQ(quants, 1 + 4 * 3 + 5);
    EXPECT_THROW(export_qonnx(ck, out, nullptr), UsageError);  // no hls_settings, no fallback
    fs::remove_all(d);
}

TEST(OnnxExport, QonnxFollowsPerLayerHlsSettings) {
    const fs::path d = temp_dir();
    CheckpointData ck = import_onnx(fixture("mlp_bn.onnx"));
    HlsSettings s;
    s.input = FixedType::parse("ap_fixed<12,4>");
    LayerHlsSettings l = s.for_layer("dense_1");
    l.precision.weight = FixedType::parse("ap_fixed<6,1>");
    l.precision.bias = FixedType::parse("ap_fixed<7,2>");
    l.precision.result = FixedType::parse("ap_ufixed<9,5,AP_RND_CONV>");
    s.layers["dense_1"] = l;
    ck.attributes["hls_settings"] = hls_settings_to_yaml(s);
    const std::string out = (d / "q.onnx").string();
    export_qonnx(ck, out);
    const io::OnnxModel m = io::read_onnx(out);
    std::map<std::string, const io::OnnxTensor*> init;
    for (const auto& i : m.initializers) init[i.name] = &i;
    auto quant_of = [&](const std::string& name) -> const io::OnnxNode& {
        for (const auto& n : m.nodes)
            if (n.name == name) return n;
        throw std::runtime_error("no node " + name);
    };
    auto check = [&](const std::string& name, float bits, float scale, int is_signed,
                     const std::string& rounding) {
        SCOPED_TRACE(name);
        const io::OnnxNode& q = quant_of(name);
        EXPECT_EQ(q.op_type, "Quant");
        EXPECT_EQ(init.at(q.inputs[3])->floats.at(0), bits);
        EXPECT_EQ(init.at(q.inputs[1])->floats.at(0), scale);
        EXPECT_EQ(q.get_int("signed", -1), is_signed);
        EXPECT_EQ(q.get_string("rounding_mode", ""), rounding);
    };
    check("input_quant", 12, 1.0f / 256, 1, "FLOOR");
    check("dense_1_kernel_quant", 6, 1.0f / 32, 1, "FLOOR");
    check("dense_1_bias_quant", 7, 1.0f / 32, 1, "FLOOR");
    check("dense_1_quant", 9, 1.0f / 16, 0, "ROUND");
    check("dense_0_kernel_quant", 16, 1.0f / 1024, 1, "FLOOR");  // defaults: ap_fixed<16,6>
    fs::remove_all(d);
}

}  // namespace
}  // namespace snac::runtime
