// Writes the seed corpus of every fuzz target (tests/fuzz/corpus/<target>/):
// a few valid inputs each, serialized as a node sends them. Run once by hand
// after changing a step code or a wire type:
//   build/fuzz/bin/fuzz_make_corpus tests/fuzz/corpus
#include <filesystem>
#include <fstream>
#include <iostream>

#include "targets.hpp"

namespace {

using namespace gossip;
using namespace gossip::fuzz;

// -- one valid value of each wire type -----------------------------------------

entry an_entry() {
  return entry{"v", 1, "a", false};
}
keyed_entry a_keyed_entry() {
  return keyed_entry{"k", an_entry()};
}
digest_item a_digest_item() {
  return digest_item{"k", 1, "a"};
}
gossip::rumor a_rumor() {
  return gossip::rumor{"a", 1, "hello", 0, "news"};
}
member_update an_update() {
  return member_update{"a", 2, 0, "a:7001", {{"zone", "eu"}}, "a"};
}

template <class T> T sample();
template <> push_msg sample() {
  return {"a", {a_keyed_entry()}};
}
template <> pull_request sample() {
  return {"a", "", "", {a_digest_item(), digest_item{"x", 3, "b"}}};
}
template <> pull_response sample() {
  return {"a", {a_keyed_entry()}, "k"};
}
template <> push_pull_request sample() {
  return {"a", "", "", {digest_item{"x", 3, "b"}}, {a_keyed_entry()}};
}
template <> push_pull_response sample() {
  return {"a", {a_keyed_entry()}, ""};
}
template <> push_pull_update sample() {
  return {"a", {keyed_entry{"gone", entry{"", 2, "b", true}}}};
}
template <> origin_version sample() {
  return {"a", 1};
}
template <> ae_syn sample() {
  return {"a", {{"a", 1}, {"b", 4}}, true, "", "", {a_digest_item()}};
}
template <> ae_ack sample() {
  return {"a", {a_keyed_entry()}, {{"n", 0}}, {"k"}};
}
template <> ae_ack2 sample() {
  return {"a", {a_keyed_entry()}};
}
template <> rumor_msg sample() {
  return {"a", a_rumor()};
}
template <> directed_msg sample() {
  return {"a", a_rumor()};
}
template <> rm_push sample() {
  return {"a", {a_keyed_entry()}};
}
template <> rm_feedback sample() {
  return {"a", {"k"}};
}
template <> rm_pull sample() {
  return {"a", "", "", {a_digest_item()}};
}
template <> push_sum_share sample() {
  return {"a", 0, uint64_t{1} << 62, 0, uint64_t{1} << 63}; // (0.25, 0.5)
}
template <> member_update sample() {
  return an_update();
}
template <> swim_ping sample() {
  return {"a", 1, {an_update()}};
}
template <> swim_ack sample() {
  return {"a", 1, {an_update()}};
}
template <> swim_ping_req sample() {
  return {"a", 2, "b", {}};
}
template <> swim_indirect_ack sample() {
  return {"a", 1, "b"};
}
template <> swim_gossip sample() {
  // Someone suspects us: a refutation follows.
  return {"a", {member_update{"n", 1, 1, {}, {}, "a"}}};
}
template <> swim_sync sample() {
  return {"a", true, {an_update(), member_update{"d", 1, 2, {}, {}, "a"}}};
}
template <> hv_peer sample() {
  return {"e", "e:7005"};
}
template <> hv_join sample() {
  return {"a", "a:7001"};
}
template <> hv_forward_join sample() {
  return {"b", {"d", "d:7004"}, 3};
}
template <> hv_neighbor sample() {
  return {"c", "c:7003", true};
}
template <> hv_neighbor_reply sample() {
  return {"b", "b:7002", true};
}
template <> hv_disconnect sample() {
  return {"c"};
}
template <> hv_heartbeat sample() {
  return {"a"};
}
template <> hv_shuffle sample() {
  return {"a", {"e", "e:7005"}, 2, {{"e", "e:7005"}, {"f", ""}}};
}
template <> hv_shuffle_reply sample() {
  return {"b", {{"g", "g:7007"}}};
}
template <> plumtree_id sample() {
  return {"c", 5, 1};
}
template <> plumtree_gossip sample() {
  return {"a", a_rumor()};
}
template <> plumtree_ihave sample() {
  // Announces a rumor we lack (a GRAFT follows) and one we have.
  return {"b", {sample<plumtree_id>(), {"a", 1, 1}}};
}
template <> plumtree_graft sample() {
  return {"c", {{"a", 1, 0}}};
}
template <> plumtree_prune sample() {
  return {"a"};
}
template <> plumtree_update sample() {
  // From a neighbour, news here: merged and passed on.
  return {"a", "a", 2, 1, keyed_entry{"t", entry{"w", 2, "a", false}}};
}
template <> entry sample() {
  return an_entry();
}
template <> keyed_entry sample() {
  return a_keyed_entry();
}
template <> digest_item sample() {
  return a_digest_item();
}
template <> gossip::rumor sample() {
  return a_rumor();
}
template <> traffic sample() {
  return {1, 2, 3, 4, 5, 6};
}
template <> counters sample() {
  counters c;
  c.by_type["gossip::push_msg"] = sample<traffic>();
  c.total = sample<traffic>();
  c.rounds = 7;
  return c;
}
template <> event sample() {
  return delivered_event("a", "k", an_entry());
}
template <> write_level sample() {
  return {write_level::majority, 2000};
}
template <> replica_write sample() {
  return {"a", 1, a_keyed_entry()};
}
template <> held_query sample() {
  return {"a", 2, "k"};
}
template <> held sample() {
  return {"b", 1, a_digest_item()};
}
template <> view_query sample() {
  return {"a", 3};
}
template <> view_digest sample() {
  return {"b", 3, 4, 0x9e3779b97f4a7c15};
}
template <> hold_report sample() {
  return {1, 2, 3, 4, {"c"}};
}
template <> view_report sample() {
  return {4, 0x9e3779b97f4a7c15, {"c"}, {"d"}};
}

// -- inputs ---------------------------------------------------------------------

/// An input being written: values serialized one after another.
struct input {
  std::vector<char> bytes;
  template <class T> input& operator<<(const T& x) {
    auto b = to_bytes(x);
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
};

void save(const std::filesystem::path& dir, const std::string& name, const input& in) {
  std::filesystem::create_directories(dir);
  std::ofstream out{dir / name, std::ios::binary};
  out.write(in.bytes.data(), static_cast<std::streamsize>(in.bytes.size()));
  if (!out)
    fail("cannot write " + (dir / name).string());
}

template <class... Ts>
void wire_corpus(const std::filesystem::path& dir, types<Ts...> ts) {
  auto one = [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    input in;
    in << step_of<T>(ts) << sample<T>();
    save(dir, "type-" + std::to_string(step_of<T>(ts)), in);
  };
  (one(static_cast<Ts*>(nullptr)), ...);
}

/// Four inputs for a protocol target: rounds around a local write; one of
/// each of its messages, with default and with tight limits; and everything, the api
/// step's arguments included
/// (`api`: the bytes it reads, empty for none).
template <class... Ts>
void protocol_corpus(const std::filesystem::path& dir, types<Ts...> ts,
                     const input& api = {}) {
  auto tick = step_of(action::tick, ts);
  input rounds;
  rounds << uint8_t{0} << tick << step_of(action::write, ts) << std::string{"k"}
         << std::string{"v"} << tick << tick;
  save(dir, "rounds", rounds);
  input messages;
  messages << uint8_t{1};
  auto each = [&](input& in) { ((in << step_of<Ts>(ts) << sample<Ts>()), ...); };
  each(messages);
  messages << tick;
  save(dir, "messages", messages);
  messages.bytes[0] = static_cast<char>(0x80); // the same within tight limits
  save(dir, "tight", messages);
  input all;
  all << uint8_t{2} << step_of(action::write, ts) << std::string{"k"} << std::string{"v"}
      << step_of(action::advance, ts) << uint32_t{1000} << tick;
  each(all);
  if (!api.bytes.empty()) {
    all << step_of(action::api, ts);
    all.bytes.insert(all.bytes.end(), api.bytes.begin(), api.bytes.end());
  }
  all << step_of(action::erase, ts) << std::string{"k"} << tick
      << step_of(action::leave, ts) << tick;
  save(dir, "all", all);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_corpus DIR (tests/fuzz/corpus)\n";
    return 2;
  }
  std::filesystem::path dir = argv[1];
  wire_corpus(dir / "wire", wire_types{});
  protocol_corpus(dir / "push", push_types{});
  protocol_corpus(dir / "pull", pull_types{});
  protocol_corpus(dir / "push_pull", push_pull_types{});
  protocol_corpus(dir / "anti_entropy", anti_entropy_types{});
  protocol_corpus(dir / "rumor", rumor_types{});
  protocol_corpus(dir / "probabilistic", probabilistic_types{},
                  input{} << std::string{"hello"});
  protocol_corpus(dir / "directed", directed_types{},
                  input{} << std::string{"news"} << std::string{"hello"});
  protocol_corpus(dir / "push_sum", push_sum_types{});
  protocol_corpus(dir / "swim", swim_types{});
  // The api step: 0 and a contact joins through it (odd: a lost link).
  protocol_corpus(dir / "hyparview", hyparview_types{},
                  input{} << uint8_t{0} << std::string{"a"});
  protocol_corpus(dir / "plumtree", plumtree_types{}, input{} << std::string{"hello"});
  std::cout << "corpus written to " << dir << "\n";
}
