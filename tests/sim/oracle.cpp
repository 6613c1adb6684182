#include "oracle.hpp"

#include <algorithm>
#include <random>
#include <vector>

namespace oracle {

namespace {

using rng = std::mt19937_64;

// A uniform peer other than `self`.
size_t other(rng& g, size_t self, size_t n) {
  auto j = std::uniform_int_distribution<size_t>{0, n - 2}(g);
  return j >= self ? j + 1 : j;
}

size_t count(const std::vector<char>& xs) {
  return static_cast<size_t>(std::count(xs.begin(), xs.end(), 1));
}

// Push, pull and push-pull: rounds until everybody knows.
outcome spread(const spec& s, rng& g, size_t origin) {
  auto n = s.nodes;
  std::vector<char> knows(n, 0);
  std::vector<uint64_t> since(n, 0); // round it arrived (push-pull's "hot")
  knows[origin] = 1;
  double msgs = 0;
  size_t round = 0;
  while (round < s.max_rounds && count(knows) < n) {
    ++round;
    auto next = knows;
    auto learn = [&](size_t i) {
      if (!knows[i] && !next[i]) {
        next[i] = 1;
        since[i] = round;
      }
    };
    for (size_t i = 0; i < n; ++i) {
      auto j = other(g, i, n);
      bool push = s.what == model::push        ? knows[i] != 0
                  : s.what == model::push_pull ? knows[i] && since[i] + s.hot >= round
                                               : false;
      if (push) {
        ++msgs;
        learn(j);
      }
      if (s.what != model::push && knows[j] && !knows[i]) {
        ++msgs; // the answer carries the news
        learn(i);
      }
    }
    knows = std::move(next);
  }
  auto n_d = static_cast<double>(n);
  return {static_cast<double>(round), 1.0 - static_cast<double>(count(knows)) / n_d,
          msgs / n_d};
}

// Demers et al.'s rumor mongering (push): until nobody is hot.
outcome monger(const spec& s, rng& g, size_t origin) {
  auto n = s.nodes;
  std::vector<char> knows(n, 0), hot(n, 0);
  std::vector<uint64_t> contacts(n, 0);
  knows[origin] = hot[origin] = 1;
  double msgs = 0;
  size_t round = 0, full_at = 0;
  bool quiet = false;
  while (round < s.max_rounds && !quiet) {
    ++round;
    auto next = knows;
    auto next_hot = hot;
    bool sent = false;
    for (size_t i = 0; i < n; ++i) {
      if (!hot[i])
        continue;
      auto j = other(g, i, n);
      ++msgs;
      sent = true;
      if (!knows[j])
        next[j] = next_hot[j] = 1;
      bool lose = false;
      if (s.what == model::blind_coin)
        lose =
            std::uniform_real_distribution<double>{0, 1}(g) * static_cast<double>(s.k) <
            1.0;
      else if (!knows[j])
        contacts[i] = 0; // a useful push: the count of useless ones in a row restarts
      else
        lose = ++contacts[i] >= s.k;
      if (lose)
        next_hot[i] = 0;
    }
    knows = std::move(next);
    hot = std::move(next_hot);
    if (full_at == 0 && count(knows) == n)
      full_at = round;
    quiet = !sent && count(hot) == 0;
  }
  auto n_d = static_cast<double>(n);
  auto rounds = full_at > 0 ? std::min(round, full_at) : round;
  return {static_cast<double>(rounds), 1.0 - static_cast<double>(count(knows)) / n_d,
          msgs / n_d};
}

} // namespace

outcome run(const spec& s, uint64_t seed) {
  rng g{seed};
  auto origin = std::uniform_int_distribution<size_t>{0, s.nodes - 1}(g);
  bool rumor = s.what == model::feedback_counter || s.what == model::blind_coin;
  return rumor ? monger(s, g, origin) : spread(s, g, origin);
}

} // namespace oracle
