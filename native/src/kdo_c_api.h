/* The native core's C ABI, for callers in other languages (Python through ctypes, see
 * model/native.py). Plain C types only; every function returns 0 on success, or -1 with a
 * one-line reason in kdo_last_error(). Not thread-safe per call's scratch, but calls on
 * different threads do not share state. */
#ifndef KDO_C_API_H
#define KDO_C_API_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A batch of states as separate contiguous float64 arrays: per-subtask fields [count][n]
 * row-major, the others [count]. Field names and units as in docs/model.md. */
typedef struct kdo_states {
  int64_t count;
  const double* cycles;
  const double* out_bits;
  const double* in_bits;
  const double* f_device;
  const double* f_edge;
  const double* f_cloud;
  const double* edge_wait;
  const double* rate_up;
  const double* rate_down;
  const double* lat_wireless;
  const double* rate_backhaul;
  const double* lat_backhaul;
} kdo_states;

typedef struct kdo_profile kdo_profile;

enum kdo_method { KDO_AUTO = 0, KDO_CHAIN_DP = 1, KDO_BRANCH_BOUND = 2, KDO_EXHAUSTIVE = 3 };

const char* kdo_last_error(void);

/* edges: edge_count [j, i] pairs with 0 <= j < i < n. NULL on bad input. */
kdo_profile* kdo_profile_new(const char* name, int n, const int32_t* edges, int edge_count,
                             int edge_cores);
void kdo_profile_free(kdo_profile* profile);

/* T(placements[s]; state s) for every state: placements [count][n], delays [count]. */
int kdo_delays(const kdo_profile* profile, const kdo_states* states, const int8_t* placements,
               double* delays);

/* T(placements[p]; state k) for many placements of one state: placements [count][n]. */
int kdo_delays_of_placements(const kdo_profile* profile, const kdo_states* states, int64_t k,
                             int64_t count, const int8_t* placements, double* delays);

/* The optimal placement and T* of every state (labels [count][n]); nodes [count] (may be NULL)
 * gets the search nodes per state (0 for the chain DP). KDO_AUTO: chain DP on chains, else
 * branch and bound. */
int kdo_solve(const kdo_profile* profile, const kdo_states* states, int method, int8_t* labels,
              double* delays, uint64_t* nodes);

/* kdo_solve, with each state's solve timed in C++ (steady_clock): ns [count]. */
int kdo_solve_timed(const kdo_profile* profile, const kdo_states* states, int method,
                    int8_t* labels, double* delays, double* ns);

/* How much search one state may take (0: no limit). A node budget answers the same on every
 * machine; a time budget does not. */
typedef struct kdo_budget {
  uint64_t max_nodes;
  double max_seconds;
} kdo_budget;

/* The exact solve under a budget, anytime: per state the best placement found (labels
 * [count][n]) and its T (delays), a lower bound on T* (lower_bounds), certified [count] 1 when
 * the search finished (then the label is x* with today's ties and lower_bounds == delays), and
 * the search nodes. Chains use the chain DP (always certified). */
int kdo_solve_certified(const kdo_profile* profile, const kdo_states* states,
                        const kdo_budget* budget, int8_t* labels, double* delays,
                        double* lower_bounds, uint8_t* certified, uint64_t* nodes);

/* kdo_solve_certified with optional hints per state (either may be NULL): site_order
 * [count][n][3] int8, per subtask its three sites in the order the search tries them, and
 * incumbents [count][n] int8, a placement to start from. The labels are the same whatever the
 * hints; only the nodes (and so the time) change. */
int kdo_solve_certified_hinted(const kdo_profile* profile, const kdo_states* states,
                               const kdo_budget* budget, const int8_t* site_order,
                               const int8_t* incumbents, int8_t* labels, double* delays,
                               double* lower_bounds, uint8_t* certified, uint64_t* nodes);

/* The greedy placement and its T for every state. */
int kdo_greedy(const kdo_profile* profile, const kdo_states* states, int8_t* labels,
               double* delays);

/* The HEFT placement (three sites, upward rank then earliest finish; see solvers.hpp) and its T. */
int kdo_heft(const kdo_profile* profile, const kdo_states* states, int8_t* labels,
             double* delays);

/* Times `method` in C++ (steady_clock around each solve, `rounds` passes over the states after
 * one untimed pass): ns_per_solve [rounds * count] gets every sample. */
int kdo_time_solve(const kdo_profile* profile, const kdo_states* states, int method, int rounds,
                   double* ns_per_solve);

/* The decoders on given logits [count][n][3] (float32): "argmax", "topk" (top_k candidates plus
 * all-local) or "guarded" (K = ood_top_k for states whose out_of_support[k] is nonzero; NULL: none
 * are), as model/decoding.py decides them: labels [count][n]. For checking the ports agree. */
int kdo_decode(const kdo_profile* profile, const kdo_states* states, const float* logits,
               const uint8_t* out_of_support, const char* decoder, int top_k, int ood_top_k,
               int8_t* labels);

/* The guarded decision for any graph (model/graph_decoding.py) on given logits [count][n][3]:
 * beam top-K (ood_top_k, widened to at least top_k, where out_of_support[k] is nonzero; NULL:
 * none are), greedy, HEFT and single-site candidates, then at most `passes` passes of one-flip
 * local search. labels [count][n], delays [count] their T. */
int kdo_graph_decide(const kdo_profile* profile, const kdo_states* states, const float* logits,
                     const uint8_t* out_of_support, int top_k, int ood_top_k, int passes,
                     int8_t* labels, double* delays);

/* kdo_graph_decide, then pair moves between one-flip searches (model/graph_decoding.py's
 * pair_search), at most pair_work / n of them scored a decision; 0: kdo_graph_decide. */
int kdo_graph_decide_pairs(const kdo_profile* profile, const kdo_states* states, const float* logits,
                           const uint8_t* out_of_support, int top_k, int ood_top_k, int passes,
                           int pair_work, int8_t* labels, double* delays);

/* The guarded decision's scorer (native/src/replay_scorer.hpp) on state k, for checking it
 * against kdo_delays: candidates [candidate_count][n] scored in turn against `beat` (scored:
 * T, or +inf only where T > beat); then `start` [n] made current and `moves` (move_count
 * [subtask, site] pairs) applied in turn; then every one-flip neighbour of the result (flip
 * 2i + r: subtask i to the r-th of its other sites, lower first) against `beat` (flipped [2n]:
 * T, or +inf only where T >= beat), and current its T. */
int kdo_replay_score(const kdo_profile* profile, const kdo_states* states, int64_t k,
                     const int8_t* candidates, int64_t candidate_count, const int8_t* start,
                     const int32_t* moves, int move_count, double beat, double* scored,
                     double* flipped, double* current);

/* The certified search guided by logits [count][n][3]: each subtask's sites by decreasing logit
 * order the branching, and the guarded decision above (kdo_graph_decide's arguments) is the
 * first incumbent; logits NULL: the plain search. Labels equal the plain search's wherever both
 * certify. Per state: labels [count][n], delays, certified, nodes, and ns the whole call took
 * (decision and search), timed in C++. */
int kdo_guided_solve(const kdo_profile* profile, const kdo_states* states, const float* logits,
                     const uint8_t* out_of_support, int top_k, int ood_top_k, int passes,
                     const kdo_budget* budget, int8_t* labels, double* delays,
                     uint8_t* certified, uint64_t* nodes, double* ns);

/* The graph student's raw inputs (docs/formats.md "Graph features", model/graph_features.py)
 * for every state: nodes [count][64][11], scalars [count][9], adjacency [count][64][64], mask
 * [count][64], float32, unnormalised; rows past n are 0. */
int kdo_graph_features(const kdo_profile* profile, const kdo_states* states, float* nodes,
                       float* scalars, float* adjacency, float* mask);

/* The manifest's student as a kdo::Decider whose forward is its reference_weights run as a
 * plain C++ loop (no ExecuTorch in the caller's process), after every golden vector has been
 * replayed. decoder: "argmax", "topk", "guarded", or NULL for the manifest's decoder.default.
 * NULL on failure (a bad manifest, no reference_weights, a golden mismatch). */
typedef struct kdo_decider kdo_decider;
kdo_decider* kdo_decider_new(const char* manifest_path, const char* decoder);
void kdo_decider_free(kdo_decider* decider);
/* One decision per state (labels [count][n]), each timed in C++: ns [count]. */
int kdo_decide(kdo_decider* decider, const kdo_states* states, int8_t* labels, double* ns);
/* kdo_decide with what the phone observed per state (a profile with an observation recipe):
 * histories [count][8] bit/s per direction, oldest first; backlogs [count][3] s. The summary is
 * timed with the decision. */
int kdo_decide_observed(kdo_decider* decider, const kdo_states* states,
                        const double* rate_up_history, const double* rate_down_history,
                        const double* backlogs, int8_t* labels, double* ns);
/* The rates top-K and guarded candidates are scored under: "current" (the state's, the
 * default) or "history" (for an observed state, the lower of that and the history's harmonic
 * mean). */
int kdo_decider_set_rate_estimate(kdo_decider* decider, const char* estimate);

/* Observation summaries (model/observation.py): histories [count][8] bit/s per direction, oldest
 * first; backlogs [count][3] s (device, uplink, downlink) -> summary [count][9] in feature order. */
int kdo_observation_summary(int count, const double* rate_up_history,
                            const double* rate_down_history, const double* backlogs,
                            double* summary);
/* The thread-CPU nanoseconds of `rounds` summaries plus feature builds of one golden state of a manifest's
 * recipe, with (observed != 0) or without its observation: per-decision cost of the features. */
int kdo_time_features(const char* manifest_path, int observed, int rounds, double* ns_per_call);

#ifdef __cplusplus
}
#endif

#endif /* KDO_C_API_H */
