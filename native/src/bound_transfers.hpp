// The device against both wireless links, with the transfers between remaining subtasks: a
// bound of the branch and bound (BranchAndBound::load_exceeds).
//
// Each remaining subtask runs on the device or off it. On the device it takes the device's core;
// an output on the device alone that a subtask off it reads crosses the uplink once (an entry
// off the device sends its input up), and an output off the device that one on it reads (or
// an exit's, off it) crosses the downlink once. For weights λ, μ, ν >= 0 the least of
// λ·device + μ·uplink + ν·downlink over the choices is a minimum s-t cut (every cost is a node's
// or an "if one reader is across" cost, which an auxiliary node per output expresses), so a
// cut larger than λ·room_device + μ·room_uplink + ν·room_downlink proves that no completion fits.
#pragma once

#include <vector>

namespace kdo {

// What each remaining subtask and each output costs, as TransferCut::exceeds reads them.
struct TransferCosts {
  int count = 0;               // remaining subtasks, 0..count-1 (index k - next)
  const double* device_s;      // [count] run on the device
  const double* entry_up_s;    // [count] an entry's input up if it is off the device (else 0)
  const double* exit_down_s;   // [count] an exit's output home if it is off the device (else 0)
  const signed char* site;     // [count] 0: free, 1: device only, 2: off only
  // Outputs that may cross a link: `source` a remaining index or -1 for a placed output on the
  // device alone (up) or off it (down); its readers are remaining indices.
  struct Datum {
    int source;
    double seconds;
    int first_reader, readers;  // into reader_index
  };
  const Datum* up;
  int ups = 0;
  const Datum* down;
  int downs = 0;
  const int* reader_index;
};

class TransferCut {
 public:
  // Whether, for some of a few weightings, the least weighted load passes the rooms (each >= 0):
  // three fixed ones, then a few steps from equal weights toward the resources the last least
  // cut loads past their rooms.
  bool exceeds(const TransferCosts& costs, double room_device, double room_up, double room_down);

 private:
  struct Arc {
    int to;
    double cap;
    int resource;    // what cutting it costs: 0 the device, 1 the uplink, 2 the downlink, -1 none
    double seconds;  // and how much, unweighted
  };
  int add_node();
  void add_arc(int from, int to, double cap, int resource, double seconds);
  // Each resource's load in the least cut of the last max_flow (run to the end).
  void cut_loads(double* load);
  // The maximum flow from node 0 to node 1, stopping once it passes `stop`.
  double max_flow(double stop);
  void build(const TransferCosts& costs, double w_device, double w_up, double w_down);

  std::vector<Arc> arcs_;             // arcs in pairs: arc a's reverse is a ^ 1
  std::vector<std::vector<int>> out_;  // per node, its arcs
  std::vector<int> parent_arc_, queue_;
  std::vector<char> reached_;
  int nodes_ = 0;
};

}  // namespace kdo
