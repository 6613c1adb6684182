// gossip-sim (the real node and protocol code under the deterministic
// scheduler) against the oracle (a direct model of each process): mean
// rounds, residue and traffic agree within their standard errors. Fixed
// seeds: the same numbers on every run.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "oracle.hpp"
#include "sim.hpp"

namespace {

struct estimate {
  double mean = 0;
  double se = 0; // standard error of the mean
};

estimate of(const std::vector<double>& xs) {
  estimate e;
  for (auto x : xs)
    e.mean += x;
  auto n = static_cast<double>(xs.size());
  e.mean /= n;
  double ss = 0;
  for (auto x : xs)
    ss += (x - e.mean) * (x - e.mean);
  e.se = std::sqrt(ss / (n - 1) / n);
  return e;
}

struct measures {
  estimate rounds, residue, traffic;
};

measures summarize(const std::vector<oracle::outcome>& os) {
  std::vector<double> rounds, residue, traffic;
  for (auto& o : os) {
    rounds.push_back(o.rounds);
    residue.push_back(o.residue);
    traffic.push_back(o.traffic);
  }
  return {of(rounds), of(residue), of(traffic)};
}

struct config {
  const char* name;
  oracle::spec model;
  std::string protocol;
  std::vector<std::pair<std::string, std::string>> params;
};

constexpr size_t nodes = 1000;
constexpr size_t sim_runs = 80;
constexpr size_t oracle_runs = 2000;

std::vector<config> configs() {
  using oracle::model;
  return {
      {"push", {model::push, nodes}, "push", {}},
      {"pull", {model::pull, nodes}, "pull", {}},
      {"push-pull", {model::push_pull, nodes}, "push-pull", {}},
      {"feedback-counter2",
       {model::feedback_counter, nodes, 2},
       "rumor",
       {{"counter", "2"}}},
      {"blind-coin3",
       {model::blind_coin, nodes, 3},
       "rumor",
       {{"blind", "true"}, {"coin", "3"}}},
  };
}

std::vector<oracle::outcome> run_sim(const config& c, bool synchronous,
                                     size_t runs = sim_runs) {
  gossip::sim::settings s;
  s.protocol = c.protocol;
  s.nodes = c.model.nodes;
  s.seed = 20261202;
  s.synchronous = synchronous;
  for (auto& [k, v] : c.params)
    s.protocol_params.set(k, v);
  std::vector<oracle::outcome> os;
  for (size_t i = 0; i < runs; ++i) {
    auto r = gossip::sim::run(s, i, {});
    os.push_back({static_cast<double>(r.rounds), r.residue, r.traffic});
  }
  return os;
}

std::vector<oracle::outcome> run_oracle(const config& c) {
  std::vector<oracle::outcome> os;
  for (size_t i = 0; i < oracle_runs; ++i)
    os.push_back(oracle::run(c.model, 7 + i));
  return os;
}

// How many combined standard errors apart two means are (0 when equal; a
// difference between two exact values is infinitely far).
double distance(const estimate& a, const estimate& b) {
  auto se = std::sqrt(a.se * a.se + b.se * b.se);
  auto d = std::fabs(a.mean - b.mean);
  return d < 1e-9 ? 0 : se == 0 ? INFINITY : d / se;
}

// Three standard errors: with 15 comparisons a true agreement stays within
// it (p ~ 0.04 for one excursion); a wrong round model does not (below).
constexpr double tolerance = 3.0;

TEST(SimOracle, SynchronousRoundsAgreeWithTheDirectModel) {
  for (auto& c : configs()) {
    auto sim = summarize(run_sim(c, true));
    auto model = summarize(run_oracle(c));
    auto show = [&](const char* what, const estimate& a, const estimate& b) {
      return std::string{c.name} + " " + what + ": sim " + std::to_string(a.mean) +
             " ± " + std::to_string(a.se) + ", oracle " + std::to_string(b.mean) + " ± " +
             std::to_string(b.se);
    };
    EXPECT_LE(distance(sim.rounds, model.rounds), tolerance)
        << show("rounds", sim.rounds, model.rounds);
    EXPECT_LE(distance(sim.residue, model.residue), tolerance)
        << show("residue", sim.residue, model.residue);
    EXPECT_LE(distance(sim.traffic, model.traffic), tolerance)
        << show("traffic", sim.traffic, model.traffic);
    std::printf("%s\n%s\n%s\n", show("rounds", sim.rounds, model.rounds).c_str(),
                show("residue", sim.residue, model.residue).c_str(),
                show("traffic", sim.traffic, model.traffic).c_str());
  }
}

// The comparison has power: --rounds=async (news answered within the round it
// arrived) is told apart, on pull's rounds and feedback mongering's residue.
TEST(SimOracle, AsyncRoundsAreToldApart) {
  auto cs = configs();
  for (auto* name : {"pull", "feedback-counter2"}) {
    auto& c = *std::find_if(cs.begin(), cs.end(),
                            [&](const config& x) { return std::string{x.name} == name; });
    auto sim = summarize(run_sim(c, false, 30));
    auto model = summarize(run_oracle(c));
    bool rumor = c.model.what == oracle::model::feedback_counter;
    auto& a = rumor ? sim.residue : sim.rounds;
    auto& b = rumor ? model.residue : model.rounds;
    EXPECT_GT(distance(a, b), tolerance)
        << name << ": async " << a.mean << ", oracle " << b.mean;
  }
}

} // namespace

namespace {

// The oracle itself against Demers et al. 1987, Tables 1 and 2 (N = 1000):
// residue and traffic within 10% for k = 1..4.
TEST(SimOracle, DirectModelReproducesDemersTablesOneAndTwo) {
  struct row {
    oracle::model what;
    uint64_t k;
    double residue, traffic;
  };
  using oracle::model;
  const row rows[] = {
      {model::feedback_counter, 1, 0.176, 1.74},
      {model::feedback_counter, 2, 0.037, 3.30},
      {model::feedback_counter, 3, 0.011, 4.53},
      {model::feedback_counter, 4, 0.0036, 5.64},
      {model::blind_coin, 1, 0.960, 0.04},
      {model::blind_coin, 2, 0.205, 1.59},
      {model::blind_coin, 3, 0.060, 2.82},
      {model::blind_coin, 4, 0.021, 3.91},
  };
  for (auto& r : rows) {
    std::vector<oracle::outcome> os;
    for (uint64_t seed = 1; seed <= 1000; ++seed)
      os.push_back(oracle::run({r.what, 1000, r.k}, seed));
    auto m = summarize(os);
    auto name = std::string{r.what == model::blind_coin ? "coin " : "counter "} +
                std::to_string(r.k);
    EXPECT_NEAR(m.residue.mean, r.residue, 0.1 * r.residue) << name;
    EXPECT_NEAR(m.traffic.mean, r.traffic, 0.1 * r.traffic) << name;
  }
}

} // namespace
