// The C ABI over the core: unpack the batch, run the C++ solver per state, catch everything at
// the boundary (an exception must not cross into a C caller).
#include "kdo_c_api.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "c_api_internal.hpp"
#include "decider.hpp"
#include "decoders.hpp"
#include "delay_model.hpp"
#include "graph_decoder.hpp"
#include "graph_features.hpp"
#include "replay_scorer.hpp"
#include "solvers.hpp"
#include "system.hpp"

struct kdo_profile {
  kdo::Profile profile;
};

namespace kdo::capi {
namespace {
thread_local std::string last_error;
}

const char* last_error_text() { return last_error.c_str(); }

int guarded(const std::function<void()>& body) {
  try {
    body();
    return 0;
  } catch (const std::exception& err) {
    last_error = err.what();
  } catch (...) {
    last_error = "unknown error";
  }
  return -1;
}

void require(bool ok, const std::string& problem) {
  if (!ok) throw std::invalid_argument(problem);
}

void read_state(const kdo_states& s, int n, int64_t k, kdo::SystemState& out) {
  const auto row = [&](const double* field) { return field + k * n; };
  out.cycles.assign(row(s.cycles), row(s.cycles) + n);
  out.out_bits.assign(row(s.out_bits), row(s.out_bits) + n);
  out.in_bits.assign(row(s.in_bits), row(s.in_bits) + n);
  out.f_device = s.f_device[k];
  out.f_edge = s.f_edge[k];
  out.f_cloud = s.f_cloud[k];
  out.edge_wait = s.edge_wait[k];
  out.rate_up = s.rate_up[k];
  out.rate_down = s.rate_down[k];
  out.lat_wireless = s.lat_wireless[k];
  out.rate_backhaul = s.rate_backhaul[k];
  out.lat_backhaul = s.lat_backhaul[k];
}

}  // namespace kdo::capi

namespace {

using kdo::capi::guarded;
using kdo::capi::read_state;
using kdo::capi::require;

void check_batch(const kdo_profile* profile, const kdo_states* states) {
  require(profile != nullptr, "profile: null");
  require(states != nullptr && states->count >= 0, "states: null or negative count");
}

// Placement rows as ints, refusing a site outside 0..2.
void read_placement(const int8_t* row, int n, int* out, const std::string& field = "placements") {
  for (int i = 0; i < n; ++i) {
    require(row[i] >= 0 && row[i] <= 2, field + ": site " + std::to_string(row[i]) +
                                             " at subtask " + std::to_string(i) + " is not 0..2");
    out[i] = row[i];
  }
}

// One solver call per state, through the method's C++ object.
std::function<double(const kdo::SystemState&, int*, uint64_t*)> make_solver(
    const kdo::Profile& p, int method) {
  const int chosen = method == KDO_AUTO ? (kdo::is_chain(p) ? KDO_CHAIN_DP : KDO_BRANCH_BOUND)
                                        : method;
  if (chosen == KDO_CHAIN_DP) {
    require(kdo::is_chain(p), "method: the chain DP needs a chain graph");
    return [&p](const kdo::SystemState& s, int* x, uint64_t* nodes) {
      if (nodes) *nodes = 0;
      return kdo::chain_dp(p, s, x);
    };
  }
  require(chosen == KDO_BRANCH_BOUND || chosen == KDO_EXHAUSTIVE,
          "method: " + std::to_string(method) + " is not one of 0..3");
  auto search = std::make_shared<kdo::BranchAndBound>(p, chosen == KDO_BRANCH_BOUND);
  return [search](const kdo::SystemState& s, int* x, uint64_t* nodes) {
    kdo::SearchStats stats;
    const double t = search->solve(s, x, &stats);
    if (nodes) *nodes = stats.nodes;
    return t;
  };
}

// A heuristic's placement and its T for every state (Heuristic: Greedy or Heft).
template <typename Heuristic>
int run_heuristic(const kdo_profile* profile, const kdo_states* states, int8_t* labels,
                  double* delays) {
  return guarded([&] {
    check_batch(profile, states);
    const int n = profile->profile.n;
    Heuristic heuristic(profile->profile);
    kdo::SystemState state;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      delays[k] = heuristic.decide(state, x.data());
      std::copy(x.begin(), x.end(), labels + k * n);
    }
  });
}

// Each site_order row a permutation of the three sites, each incumbent a placement.
void check_hints(const int8_t* site_order, const int8_t* incumbents, int64_t count, int n) {
  for (int64_t row = 0; site_order && row < count * n; ++row) {
    const int8_t* sites = site_order + row * kdo::kSites;
    int seen = 0;
    for (int s = 0; s < kdo::kSites; ++s) {
      require(0 <= sites[s] && sites[s] < kdo::kSites, "site_order: a site outside 0..2");
      seen |= 1 << sites[s];
    }
    require(seen == 7, "site_order: a row that is not a permutation of the three sites");
  }
  std::vector<int> placement(n);
  for (int64_t k = 0; incumbents && k < count; ++k) {
    read_placement(incumbents + k * n, n, placement.data(), "incumbents");
  }
}

}  // namespace

extern "C" {

const char* kdo_last_error(void) { return kdo::capi::last_error_text(); }

kdo_profile* kdo_profile_new(const char* name, int n, const int32_t* edges, int edge_count,
                             int edge_cores) {
  std::unique_ptr<kdo_profile> out(new kdo_profile);
  const int rc = guarded([&] {
    require(n >= 1 && n <= kdo::kMaxSubtasks, "n: must be 1.." + std::to_string(kdo::kMaxSubtasks));
    require(edge_cores >= 1 && edge_cores <= kdo::kMaxEdgeCores,
            "edge_cores: must be 1.." + std::to_string(kdo::kMaxEdgeCores));
    require(edge_count >= 0 && (edge_count == 0 || edges != nullptr), "edges: null");
    kdo::Profile& p = out->profile;
    p.name = name ? name : "profile";
    p.n = n;
    p.edge_cores = edge_cores;
    p.preds.assign(n, {});
    std::vector<bool> has_pred(n), has_succ(n);
    for (int e = 0; e < edge_count; ++e) {
      const int j = edges[2 * e], i = edges[2 * e + 1];
      require(0 <= j && j < i && i < n, "edges: each edge must be [j, i] with 0 <= j < i < n");
      p.preds[i].push_back(j);
      has_pred[i] = has_succ[j] = true;
    }
    for (auto& preds : p.preds) std::sort(preds.begin(), preds.end());
    for (int i = 0; i < n; ++i) {
      if (!has_pred[i]) p.entries.push_back(i);
      if (!has_succ[i]) p.exits.push_back(i);
    }
  });
  return rc == 0 ? out.release() : nullptr;
}

void kdo_profile_free(kdo_profile* profile) { delete profile; }

int kdo_delays(const kdo_profile* profile, const kdo_states* states, const int8_t* placements,
               double* delays) {
  return guarded([&] {
    check_batch(profile, states);
    const int n = profile->profile.n;
    kdo::DelayModel model(profile->profile);
    kdo::SystemState state;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      read_placement(placements + k * n, n, x.data());
      delays[k] = model.delay(state, x.data());
    }
  });
}

int kdo_delays_of_placements(const kdo_profile* profile, const kdo_states* states, int64_t k,
                             int64_t count, const int8_t* placements, double* delays) {
  return guarded([&] {
    check_batch(profile, states);
    require(0 <= k && k < states->count, "k: state index out of range");
    const int n = profile->profile.n;
    kdo::DelayModel model(profile->profile);
    kdo::SystemState state;
    read_state(*states, n, k, state);
    std::vector<int> x(n);
    for (int64_t p = 0; p < count; ++p) {
      read_placement(placements + p * n, n, x.data());
      delays[p] = model.delay(state, x.data());
    }
  });
}

int kdo_solve(const kdo_profile* profile, const kdo_states* states, int method, int8_t* labels,
              double* delays, uint64_t* nodes) {
  return guarded([&] {
    check_batch(profile, states);
    const int n = profile->profile.n;
    const auto solve = make_solver(profile->profile, method);
    kdo::SystemState state;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      delays[k] = solve(state, x.data(), nodes ? nodes + k : nullptr);
      std::copy(x.begin(), x.end(), labels + k * n);
    }
  });
}

int kdo_solve_timed(const kdo_profile* profile, const kdo_states* states, int method,
                    int8_t* labels, double* delays, double* ns) {
  return guarded([&] {
    check_batch(profile, states);
    using Clock = std::chrono::steady_clock;
    const int n = profile->profile.n;
    const auto solve = make_solver(profile->profile, method);
    kdo::SystemState state;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      const auto start = Clock::now();
      delays[k] = solve(state, x.data(), nullptr);
      ns[k] = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
      std::copy(x.begin(), x.end(), labels + k * n);
    }
  });
}

int kdo_solve_certified(const kdo_profile* profile, const kdo_states* states,
                        const kdo_budget* budget, int8_t* labels, double* delays,
                        double* lower_bounds, uint8_t* certified, uint64_t* nodes) {
  return kdo_solve_certified_hinted(profile, states, budget, nullptr, nullptr, labels, delays,
                                    lower_bounds, certified, nodes);
}

int kdo_solve_certified_hinted(const kdo_profile* profile, const kdo_states* states,
                               const kdo_budget* budget, const int8_t* site_order,
                               const int8_t* incumbents, int8_t* labels, double* delays,
                               double* lower_bounds, uint8_t* certified, uint64_t* nodes) {
  return guarded([&] {
    check_batch(profile, states);
    require(budget != nullptr && budget->max_seconds >= 0.0, "budget: null or negative seconds");
    const int n = profile->profile.n;
    check_hints(site_order, incumbents, states->count, n);
    kdo::ExactSolver solver(profile->profile);
    const kdo::SearchBudget limits{budget->max_nodes, budget->max_seconds};
    kdo::SystemState state;
    kdo::SearchStats stats;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      const kdo::SearchHints hints{site_order ? site_order + k * n * kdo::kSites : nullptr,
                                   incumbents ? incumbents + k * n : nullptr};
      delays[k] = solver.solve(state, x.data(), &stats, limits, hints);
      lower_bounds[k] = stats.lower_bound;
      certified[k] = stats.certified ? 1 : 0;
      nodes[k] = stats.nodes;
      std::copy(x.begin(), x.end(), labels + k * n);
    }
  });
}

int kdo_greedy(const kdo_profile* profile, const kdo_states* states, int8_t* labels,
               double* delays) {
  return run_heuristic<kdo::Greedy>(profile, states, labels, delays);
}

int kdo_heft(const kdo_profile* profile, const kdo_states* states, int8_t* labels,
             double* delays) {
  return run_heuristic<kdo::Heft>(profile, states, labels, delays);
}

int kdo_time_solve(const kdo_profile* profile, const kdo_states* states, int method, int rounds,
                   double* ns_per_solve) {
  return guarded([&] {
    check_batch(profile, states);
    require(rounds >= 1, "rounds: must be >= 1");
    using Clock = std::chrono::steady_clock;
    const int n = profile->profile.n;
    const auto solve = make_solver(profile->profile, method);
    std::vector<kdo::SystemState> batch(states->count);
    for (int64_t k = 0; k < states->count; ++k) read_state(*states, n, k, batch[k]);
    std::vector<int> x(n);
    volatile double sink = 0;
    for (const auto& state : batch) sink = sink + solve(state, x.data(), nullptr);  // warm-up
    for (int r = 0; r < rounds; ++r) {
      for (int64_t k = 0; k < states->count; ++k) {
        const auto start = Clock::now();
        sink = sink + solve(batch[k], x.data(), nullptr);
        ns_per_solve[r * states->count + k] =
            std::chrono::duration<double, std::nano>(Clock::now() - start).count();
      }
    }
  });
}

int kdo_decode(const kdo_profile* profile, const kdo_states* states, const float* logits,
               const uint8_t* out_of_support, const char* decoder, int top_k, int ood_top_k,
               int8_t* labels) {
  return guarded([&] {
    check_batch(profile, states);
    require(logits != nullptr && decoder != nullptr, "logits or decoder: null");
    require(top_k >= 1 && ood_top_k >= 1, "top_k, ood_top_k: must be >= 1");
    const kdo::DecoderKind kind = kdo::parse_decoder(decoder);
    const int n = profile->profile.n;
    kdo::TopKDecoder topk(profile->profile, top_k);
    kdo::GuardedDecoder guarded_decoder(profile->profile, top_k, ood_top_k);
    kdo::SystemState state;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      const float* row = logits + k * n * 3;
      if (kind == kdo::DecoderKind::argmax) {
        kdo::argmax_placement(row, n, x.data());
      } else if (kind == kdo::DecoderKind::topk) {
        topk.decode(row, state, x.data());
      } else {
        guarded_decoder.decode(row, state, out_of_support != nullptr && out_of_support[k] != 0, x.data());
      }
      std::copy(x.begin(), x.end(), labels + k * n);
    }
  });
}

int kdo_graph_decide(const kdo_profile* profile, const kdo_states* states, const float* logits,
                     const uint8_t* out_of_support, int top_k, int ood_top_k, int passes,
                     int8_t* labels, double* delays) {
  return kdo_graph_decide_pairs(profile, states, logits, out_of_support, top_k, ood_top_k, passes, 0,
                                labels, delays);
}

int kdo_graph_decide_pairs(const kdo_profile* profile, const kdo_states* states, const float* logits,
                           const uint8_t* out_of_support, int top_k, int ood_top_k, int passes,
                           int pair_work, int8_t* labels, double* delays) {
  return guarded([&] {
    check_batch(profile, states);
    require(logits != nullptr, "logits: null");
    require(top_k >= 1 && ood_top_k >= 1, "top_k, ood_top_k: must be >= 1");
    require(passes >= 0, "passes: must be >= 0");
    require(pair_work >= 0, "pair_work: must be >= 0");
    const int n = profile->profile.n;
    kdo::GraphDecoder decoder(profile->profile, top_k, ood_top_k, passes, pair_work);
    kdo::SystemState state;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      const bool flagged = out_of_support != nullptr && out_of_support[k] != 0;
      delays[k] = decoder.decode(logits + k * n * 3, state, flagged, x.data());
      std::copy(x.begin(), x.end(), labels + k * n);
    }
  });
}

int kdo_replay_score(const kdo_profile* profile, const kdo_states* states, int64_t k,
                     const int8_t* candidates, int64_t candidate_count, const int8_t* start,
                     const int32_t* moves, int move_count, double beat, double* scored,
                     double* flipped, double* current) {
  return guarded([&] {
    check_batch(profile, states);
    require(k >= 0 && k < states->count, "k: outside the batch");
    require(candidate_count >= 0 && move_count >= 0, "candidate_count, move_count: negative");
    const int n = profile->profile.n;
    kdo::SystemState state;
    read_state(*states, n, k, state);
    kdo::ReplayScorer scorer(profile->profile);
    scorer.set_state(state);
    std::vector<int> x(n);
    for (int64_t c = 0; c < candidate_count; ++c) {
      read_placement(candidates + c * n, n, x.data(), "candidates");
      scored[c] = scorer.score(x.data(), beat);
    }
    read_placement(start, n, x.data(), "start");
    scorer.reset(x.data());
    for (int m = 0; m < move_count; ++m) {
      const int i = moves[2 * m], site = moves[2 * m + 1];
      require(i >= 0 && i < n && site >= 0 && site < kdo::kSites, "moves: [subtask, site] pairs");
      scorer.move(i, site);
    }
    for (int i = 0; i < n; ++i) {
      for (int r = 0; r < 2; ++r) {
        flipped[2 * i + r] = scorer.flipped(i, kdo::other_site(scorer.current()[i], r), beat);
      }
    }
    *current = scorer.current_delay();
  });
}

int kdo_guided_solve(const kdo_profile* profile, const kdo_states* states, const float* logits,
                     const uint8_t* out_of_support, int top_k, int ood_top_k, int passes,
                     const kdo_budget* budget, int8_t* labels, double* delays,
                     uint8_t* certified, uint64_t* nodes, double* ns) {
  return guarded([&] {
    check_batch(profile, states);
    require(top_k >= 1 && ood_top_k >= 1 && passes >= 0, "top_k, ood_top_k >= 1, passes >= 0");
    require(budget != nullptr && budget->max_seconds >= 0.0, "budget: null or negative seconds");
    using Clock = std::chrono::steady_clock;
    const int n = profile->profile.n;
    kdo::GuidedSearch search(profile->profile, top_k, ood_top_k, passes);
    const kdo::SearchBudget limits{budget->max_nodes, budget->max_seconds};
    kdo::SystemState state;
    kdo::SearchStats stats;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      const bool flagged = out_of_support != nullptr && out_of_support[k] != 0;
      const auto start = Clock::now();
      delays[k] = search.solve(logits ? logits + k * n * 3 : nullptr, state, flagged, x.data(),
                               &stats, limits);
      ns[k] = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
      certified[k] = stats.certified ? 1 : 0;
      nodes[k] = stats.nodes;
      std::copy(x.begin(), x.end(), labels + k * n);
    }
  });
}

int kdo_graph_features(const kdo_profile* profile, const kdo_states* states, float* nodes,
                       float* scalars, float* adjacency, float* mask) {
  return guarded([&] {
    check_batch(profile, states);
    const int n = profile->profile.n;
    kdo::GraphFeatures features(profile->profile);
    kdo::GraphInputs inputs;
    kdo::SystemState state;
    for (int64_t k = 0; k < states->count; ++k) {
      read_state(*states, n, k, state);
      features.build(state, inputs);
      std::copy(inputs.nodes.begin(), inputs.nodes.end(), nodes + k * inputs.nodes.size());
      std::copy(inputs.scalars.begin(), inputs.scalars.end(), scalars + k * inputs.scalars.size());
      std::copy(inputs.adjacency.begin(), inputs.adjacency.end(), adjacency + k * inputs.adjacency.size());
      std::copy(inputs.mask.begin(), inputs.mask.end(), mask + k * inputs.mask.size());
    }
  });
}

}  // extern "C"
