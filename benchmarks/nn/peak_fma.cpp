// The core's single-thread peak float32 FLOP rate, measured: independent AVX2 FMA chains (enough
// of them to cover the FMA latency on both ports), 16 FLOPs per instruction (8 lanes x mul + add).
// Prints one JSON line; run_conv_bench.sh divides the trainers' FLOP rates by it. CPU time is used
// so that a loaded machine's waiting does not count.
#include <immintrin.h>

#include <cstdio>
#include <ctime>

namespace {

__attribute__((target("avx2,fma"))) float fma_loop(long iters) {
    __m256 a[12];
    for (int i = 0; i < 12; ++i) a[i] = _mm256_set1_ps(1.0f + 1e-7f * static_cast<float>(i));
    const __m256 m = _mm256_set1_ps(0.9999999f), c = _mm256_set1_ps(1e-7f);
    for (long it = 0; it < iters; ++it) {
        for (int i = 0; i < 12; ++i) a[i] = _mm256_fmadd_ps(a[i], m, c);
    }
    __m256 s = a[0];
    for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, a[i]);
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0];
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
