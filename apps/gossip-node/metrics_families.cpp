#include "metrics_families.hpp"

#include <limits>
#include <utility>

namespace gossip {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using labels = std::vector<ClientMetric::Label>;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void sample(MetricFamily& f, double value, labels ls = {}) {
  ClientMetric m;
  m.label = std::move(ls);
  if (f.type == MetricType::Counter)
    m.counter.value = value;
  else
    m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

MetricFamily single(std::string name, std::string help, MetricType type, double value) {
  auto f = family(std::move(name), std::move(help), type);
  sample(f, value);
  return f;
}

// One family per field of `traffic`, a sample per message type.
void per_type(std::vector<MetricFamily>& out, const counters& c) {
  struct field {
    const char* name;
    const char* help;
    uint64_t traffic::*value;
  };
  static const field fields[] = {
      {"gossip_messages_sent_total", "Messages sent, by type", &traffic::sent_msgs},
      {"gossip_messages_received_total", "Messages received, by type",
       &traffic::recv_msgs},
      {"gossip_messages_rejected_total",
       "Messages received and dropped by validation, by type", &traffic::rejected},
      {"gossip_items_rejected_total",
       "Items (entries, member updates) dropped from a message, the rest used, by type",
       &traffic::rejected_items},
      {"gossip_bytes_sent_total", "Bytes sent (serialized size), by message type",
       &traffic::sent_bytes},
      {"gossip_bytes_received_total", "Bytes received (serialized size), by message type",
       &traffic::recv_bytes},
  };
  for (auto& fd : fields) {
    auto f = family(fd.name, fd.help, MetricType::Counter);
    for (auto& [type, t] : c.by_type)
      sample(f, static_cast<double>(t.*fd.value), {{"type", type}});
    out.push_back(std::move(f));
  }
}

void node_counters(std::vector<MetricFamily>& out, const counters& c) {
  per_type(out, c);
  auto counter = [&](const char* name, const char* help, uint64_t v) {
    out.push_back(single(name, help, MetricType::Counter, static_cast<double>(v)));
  };
  counter("gossip_messages_unknown_total", "Messages no handler understood (dropped)",
          c.unknown);
  counter("gossip_sends_unroutable_total", "Sends to a peer not in the view (dropped)",
          c.unroutable);
  counter("gossip_sends_lost_total", "Sends dropped by injected faults", c.lost);
  counter("gossip_updates_fresh_total", "Updates or rumors new to this node that arrived",
          c.fresh);
  counter("gossip_rounds_total", "Gossip rounds run", c.rounds);
  counter("gossip_suspicions_total", "Members SWIM marked suspect", c.suspicions);
  counter("gossip_refutations_total",
          "Claims that this node is suspect, dead or gone that it refuted",
          c.refutations);
  counter("gossip_requests_refused_total",
          "Write levels, waits and agreement checks turned away (too many waiting)",
          c.refused_requests);
}

void members(std::vector<MetricFamily>& out, const std::vector<member_update>& ms) {
  auto f = family("gossip_members", "Members this node knows, itself included, by status",
                  MetricType::Gauge);
  for (auto status : {member_status::alive, member_status::suspect, member_status::dead,
                      member_status::left}) {
    size_t n = 0;
    for (auto& m : ms)
      n += m.state() == status ? 1 : 0;
    sample(f, static_cast<double>(n), {{"status", to_string(status)}});
  }
  out.push_back(std::move(f));
}

MetricFamily delay(const delay_histogram& h) {
  auto f = family("gossip_propagation_delay_seconds",
                  "Time from a write at its origin to its arrival here (wall clocks)",
                  MetricType::Histogram);
  ClientMetric m;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.bounds_ms.size(); ++i) {
    cumulative += h.counts[i];
    m.histogram.bucket.push_back(
        {cumulative, static_cast<double>(h.bounds_ms[i]) / 1000});
  }
  m.histogram.bucket.push_back({h.count, std::numeric_limits<double>::infinity()});
  m.histogram.sample_count = h.count;
  m.histogram.sample_sum = static_cast<double>(h.sum_ms) / 1000;
  f.metric.push_back(std::move(m));
  return f;
}

void gauges(std::vector<MetricFamily>& out, const node_gauges& g) {
  auto gauge = [&](const char* name, const char* help, uint64_t v) {
    out.push_back(single(name, help, MetricType::Gauge, static_cast<double>(v)));
  };
  gauge("gossip_store_keys", "Live keys in the store", g.keys);
  gauge("gossip_store_tombstones", "Deleted keys whose tombstones the store keeps",
        g.tombstones);
  gauge("gossip_store_bytes", "Bytes of the store's keys and values (what --max-bytes counts)", g.bytes);
  auto pending =
      family("gossip_pending_broadcasts",
             "Updates a protocol is still spreading, by protocol", MetricType::Gauge);
  for (auto& [protocol, n] : g.pending)
    sample(pending, static_cast<double>(n), {{"protocol", protocol}});
  out.push_back(std::move(pending));
  gauge("gossip_messages_waiting_for_connection",
        "Messages held until the connection to their peer is up", g.waiting);
  gauge("gossip_connects_in_progress", "Outgoing connections being made", g.connecting);
  out.push_back(delay(g.delay));
  out.push_back(single("gossip_propagation_delay_skipped_total",
                       "Arrived updates without a plausible origin time (none, in the "
                       "future, or over an hour ago)",
                       MetricType::Counter, static_cast<double>(g.delay.skipped)));
}

void connections(std::vector<MetricFamily>& out, const guard::counts& c) {
  out.push_back(single("gossip_connections", "Connections open, in and out",
                       MetricType::Gauge, static_cast<double>(c.peers)));
  auto closed = family("gossip_connections_closed_total",
                       "Connections the guard closed, by reason", MetricType::Counter);
  sample(closed, static_cast<double>(c.rejected), {{"reason", "bad_frame"}});
  sample(closed, static_cast<double>(c.timed_out), {{"reason", "timeout"}});
  sample(closed, static_cast<double>(c.refused), {{"reason", "over_cap"}});
  out.push_back(std::move(closed));
}

} // namespace

std::vector<MetricFamily> families(const scrape& s) {
  std::vector<MetricFamily> out;
  auto info = family("gossip_node_info", "This node's name", MetricType::Gauge);
  sample(info, 1, {{"node", s.node}});
  out.push_back(std::move(info));
  if (s.stats)
    node_counters(out, *s.stats);
  if (s.members)
    members(out, *s.members);
  if (s.gauges)
    gauges(out, *s.gauges);
  if (s.connections)
    connections(out, *s.connections);
  return out;
}

} // namespace gossip
