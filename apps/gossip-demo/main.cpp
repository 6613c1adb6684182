// gossip-demo: runs one of the protocol demos.
#include <iostream>
#include <string>

#include "demos.hpp"

namespace {

void usage(std::ostream& out) {
  out << "usage: gossip-demo DEMO [options]\n\n"
         "Demos:\n"
         "  ring    5 nodes on a ring push their state to their neighbour each round;\n"
         "          node 0 writes 'New State' and the demo counts the rounds until all "
         "agree\n\n"
         "gossip-demo DEMO --help lists the demo's options.\n";
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  std::string demo = argv[1];
  if (demo == "-h" || demo == "--help") {
    usage(std::cout);
    return 0;
  }
  if (demo == "ring")
    return gossip::demo::ring(argc, argv);
  std::cerr << "gossip-demo: error: unknown demo '" << demo << "' (try --help)\n";
  return 2;
}
