// The one peer view a node keeps: the live peers in natural name order, what
// every sampler reads. In-process clusters start from a directory shared by
// all nodes (one copy instead of one per node, the node itself included);
// the first change a node makes to its view (a member SWIM declared dead, a
// newcomer) gives it a view of its own, without itself.
#pragma once

#include <string>
#include <vector>

#include "gossip/node.hpp"

namespace gossip {

class peer_view {
public:
  explicit peer_view(const std::string& self) : self_(self) {}

  /// Starts over from a shared directory.
  void share(directory_ptr dir);
  /// Starts over from a list.
  void assign(const std::vector<std::string>& names);
  /// True if `name` was not in the view.
  bool add(const std::string& name);
  /// True if `name` was in the view.
  bool remove(const std::string& name);
  bool contains(const std::string& name) const;

  const std::vector<std::string>& names() const { return dir_ ? dir_->names : own_; }
  const directory_ptr& dir() const { return dir_; }

private:
  void make_own();

  std::string self_;
  directory_ptr dir_;            // shared, unchanged
  std::vector<std::string> own_; // once changed: without self
};

} // namespace gossip
