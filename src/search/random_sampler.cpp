// Uniform random search: the baseline every other sampler must beat.
#include "samplers.hpp"

namespace snac::search {
namespace {

class RandomSampler final : public Sampler {
public:
    using Sampler::Sampler;

protected:
    std::optional<Genome> propose(std::int64_t, int&, Rng& rng) override { return space_.sample(rng); }
};

}  // namespace

std::unique_ptr<Sampler> make_random_sampler(const SearchSpace& space, const SearchConfig& o) {
    return std::make_unique<RandomSampler>(space, o);
}

}  // namespace snac::search
