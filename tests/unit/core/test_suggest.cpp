#include <gtest/gtest.h>

#include "snac/core/suggest.hpp"

namespace snac {
namespace {

TEST(DidYouMean, SuggestsTheClosestNameWithinAThirdOfTheWord) {
    const std::vector<std::string> names = {"epochs", "batch_size", "learning_rate"};
    EXPECT_EQ(did_you_mean("epocs", names), "epochs");
    EXPECT_EQ(did_you_mean("batch_sise", names), "batch_size");
    EXPECT_EQ(did_you_mean("optimizer", names), "");
}

TEST(DidYouMean, LetterCaseIsAChoice) {
    const std::vector<std::string> names = {"Mean_IP", "target_class"};
    EXPECT_EQ(did_you_mean("MEAN_ip", names, LetterCase::kInsensitive), "Mean_IP");
    EXPECT_EQ(did_you_mean("MEAN_ip", names, LetterCase::kSensitive), "");
}

TEST(DidYouMean, TiesGoToTheEarlierCandidate) {
    EXPECT_EQ(did_you_mean("ab", {"ax", "ay"}), "ax");
}

}  // namespace
}  // namespace snac
