// The core's single-thread peak float32 FLOP rate, measured: independent AVX2 FMA chains (enough
// of them to cover the FMA latency on both ports), 16 FLOPs per instruction (8 lanes x mul + add).
// Prints one JSON line; run_conv_bench.sh divides the trainers' FLOP rates by it. CPU time is used
// so that a loaded machine's waiting does not count.
#include <cstdio>
#include <ctime>

namespace {

// GCC vector types and the FMA builtin (no intrinsics header: the layering check keeps
// platform headers out of nn's directories).
using V8 = float __attribute__((vector_size(32)));

__attribute__((target("avx2,fma"))) float fma_loop(long iters) {
    V8 a[12];
    for (int i = 0; i < 12; ++i) {
        const float v = 1.0f + 1e-7f * static_cast<float>(i);
        a[i] = V8{v, v, v, v, v, v, v, v};
    }
    const float mv = 0.9999999f, cv = 1e-7f;
    const V8 m{mv, mv, mv, mv, mv, mv, mv, mv}, c{cv, cv, cv, cv, cv, cv, cv, cv};
    for (long it = 0; it < iters; ++it) {
        for (int i = 0; i < 12; ++i) a[i] = __builtin_ia32_vfmaddps256(a[i], m, c);
    }
    V8 s = a[0];
    for (int i = 1; i < 12; ++i) s += a[i];
    return s[0];
}

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

int main() {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        std::printf("{\"peak_gflops\": 0, \"note\": \"no AVX2+FMA\"}\n");
        return 0;
    }
    const long iters = 50'000'000;
    double best = 0.0;
    float sink = 0.0f;
    for (int rep = 0; rep < 3; ++rep) {
        const double t0 = cpu_seconds();
        sink += fma_loop(iters);
        const double t = cpu_seconds() - t0;
        const double gflops = 12.0 * 16.0 * static_cast<double>(iters) / t / 1e9;
        if (gflops > best) best = gflops;
    }
    std::printf("{\"peak_gflops\": %.2f, \"sink\": %.3f}\n", best, static_cast<double>(sink));
    return 0;
}
