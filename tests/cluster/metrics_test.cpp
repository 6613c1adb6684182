// gossip-node --metrics with real clients: a scrape of a real node over HTTP,
// its content checked against what the cluster did and by `promtool check
// metrics`; then a real Prometheus server scraping a 3-node cluster and
// answering a query. promtool and prometheus come from Debian's prometheus
// package (.ci/setup installs it); without it those parts skip.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "helpers.hpp"
#include "hostile.hpp"
#include "http_get.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

bool installed(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

// The value of the sample written exactly `series` (name and labels), or
// nothing.
std::optional<double> sample(const std::string& body, const std::string& series) {
  std::istringstream in{body};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(series + " ", 0) == 0)
      return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

std::string scrape(uint16_t port) {
  return test::http_get("127.0.0.1", port, "/metrics", 10s).value_or("");
}

// Scrapes until `series` reaches at least `want` or `limit` passes.
bool reaches(process_cluster& c, uint16_t port, const std::string& series, double want,
             std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (sample(scrape(port), series).value_or(-1) >= want)
      return true;
    c.pump(200ms);
  }
  return false;
}

} // namespace

TEST(Metrics, AScrapeOfARealNodeSaysWhatTheClusterDid) {
  auto port = hostile::closed_port();
  process_cluster c{test::spec(3)};
  c.start(0);
  c.launch(1, 0, {"--metrics=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(c.wait_listening(1, 20s));
  c.start(2);
  ASSERT_TRUE(c.wait_until([&] { return test::all_see(c, 3); }, 30s));
  ASSERT_TRUE(reaches(c, port, "gossip_members{status=\"alive\"}", 3, 20s));
  // Three writes elsewhere: n2 stores them and measures how long they took.
  for (auto key : {"a", "b", "c"})
    ASSERT_EQ(c.ctl(0, {"put", key, "value"}), 0);
  ASSERT_TRUE(reaches(c, port, "gossip_store_keys", 3, 20s));
  EXPECT_TRUE(reaches(c, port, "gossip_propagation_delay_seconds_count", 3, 20s));
  // SWIM probes once a second or so: n2 has pinged and been pinged by then.
  EXPECT_TRUE(
      reaches(c, port, "gossip_messages_sent_total{type=\"gossip::swim_ping\"}", 1, 20s));
  EXPECT_TRUE(reaches(c, port, "gossip_bytes_received_total{type=\"gossip::swim_ping\"}",
                      1, 20s));
  auto body = scrape(port);
  EXPECT_EQ(sample(body, "gossip_store_keys"), 3.0) << body;
  EXPECT_EQ(sample(body, "gossip_store_tombstones"), 0.0);
  EXPECT_EQ(sample(body, "gossip_store_bytes"), 3.0 * (1 + 5)); // key and value
  EXPECT_GT(sample(body, "gossip_rounds_total").value_or(0), 0);
  EXPECT_GT(
      sample(body, "gossip_messages_sent_total{type=\"gossip::swim_ping\"}").value_or(0),
      0)
      << body;
  EXPECT_GT(
      sample(body, "gossip_bytes_received_total{type=\"gossip::swim_ping\"}").value_or(0),
      0);
  // Each write arrived within a second on loopback: all in the +Inf bucket,
  // and in the 1 s one.
  EXPECT_GE(sample(body, "gossip_propagation_delay_seconds_bucket{le=\"1\"}").value_or(0),
            3);
  EXPECT_EQ(sample(body, "gossip_connections_closed_total{reason=\"bad_frame\"}"), 0.0);
  EXPECT_GE(sample(body, "gossip_connections").value_or(0), 2);
  EXPECT_EQ(sample(body, "gossip_node_info{node=\"n2\"}"), 1.0);
  if (installed("/usr/bin/promtool")) {
    test::scratch_dir tmp;
    std::ofstream{tmp / "scrape.txt"} << body;
    auto r =
        test::run({"/usr/bin/promtool", "check", "metrics"}, 30s, tmp / "scrape.txt");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out[0]; // no lint complaint either
  }
  // A crash: n2 suspects n3, then marks it dead.
  c.kill(2);
  EXPECT_TRUE(reaches(c, port, "gossip_suspicions_total", 1, 30s));
  EXPECT_TRUE(reaches(c, port, "gossip_members{status=\"dead\"}", 1, 30s));
  c.stop_all();
  if (!installed("/usr/bin/promtool"))
    GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
}

TEST(Metrics, ARealPrometheusScrapesAThreeNodeClusterAndAnswersAQuery) {
  if (!installed("/usr/bin/prometheus"))
    GTEST_SKIP() << "prometheus not installed (Debian package prometheus)";
  std::vector<uint16_t> ports;
  for (int i = 0; i < 3; ++i)
    ports.push_back(hostile::closed_port());
  process_cluster c{test::spec(3)};
  for (size_t i = 0; i < 3; ++i) {
    c.launch(i, 0, {"--metrics=127.0.0.1:" + std::to_string(ports[i])});
    ASSERT_TRUE(c.wait_listening(i, 20s));
  }
  ASSERT_TRUE(c.wait_until([&] { return test::all_see(c, 3); }, 30s));
  test::scratch_dir tmp;
  {
    std::ofstream cfg{tmp / "prometheus.yml"};
    cfg << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: gossip\n    static_configs:\n"
        << "      - targets: ['127.0.0.1:" << ports[0] << "', '127.0.0.1:" << ports[1]
        << "', '127.0.0.1:" << ports[2] << "']\n";
  }
  auto web = hostile::closed_port();
  child server{{"/usr/bin/prometheus", "--config.file=" + (tmp / "prometheus.yml"),
                "--storage.tsdb.path=" + (tmp / "data"),
                "--web.listen-address=127.0.0.1:" + std::to_string(web)},
               tmp / "prometheus.log"};
  // Every node counts 3 alive members: 9 in all, once all three are scraped.
  auto query =
      std::string{"/api/v1/query?query=sum(gossip_members%7Bstatus%3D%22alive%22%7D)"};
  std::string answer;
  double alive = 0;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (alive != 9 && std::chrono::steady_clock::now() < deadline) {
    c.pump(500ms);
    answer = test::http_get("127.0.0.1", web, query, 5s).value_or("");
    auto j = nlohmann::json::parse(answer, nullptr, false);
    if (!j.is_discarded() && j.value("status", "") == "success" &&
        !j["data"]["result"].empty())
      alive = std::stod(j["data"]["result"][0]["value"][1].get<std::string>());
  }
  EXPECT_EQ(alive, 9) << answer << "\n" << test::slurp(tmp / "prometheus.log");
  // And it scraped every target.
  auto up =
      test::http_get("127.0.0.1", web, "/api/v1/query?query=sum(up)", 5s).value_or("");
  auto j = nlohmann::json::parse(up, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << up;
  EXPECT_EQ(j["data"]["result"][0]["value"][1], "3") << up;
  server.stop();
  c.stop_all();
}
