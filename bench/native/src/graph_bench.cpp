#include "graph_bench.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "graph_decoder.hpp"
#include "graph_io.hpp"
#include "graph_student.hpp"
#include "manifest.hpp"
#include "report.hpp"
#include "solvers.hpp"
#include "timing.hpp"

namespace kdo {
namespace {

using nlohmann::json;

// The program's logits against the exporter's, read by ExecuTorch's Python runtime from the same
// file: the kernels are the same, so only the features' last bits differ (and, for int8, what
// one quantisation step of the input makes of them).
constexpr double kGraphLogitTolerance = 1e-3;

struct GraphCase {
  SystemState state;
  std::vector<float> logits;  // [n * 3]
  bool out_of_support = false;
  Placement placement;        // Python's decision
  double delay_s = 0.0;
};

struct GraphFixture {
  Profile profile;
  int top_k = 0, ood_top_k = 0, passes = 0, pair_work = 0;
  std::vector<GraphCase> cases;
};

GraphFixture load_fixture(const std::string& path) {
  std::ifstream in(path);
  GraphFixture f;
  try {
    const json raw = json::parse(in);
    f.profile = read_graph(raw.at("profile"));
    const json& decoder = raw.at("decoder");
    f.top_k = decoder.at("top_k").get<int>();
    f.ood_top_k = decoder.at("ood_top_k").get<int>();
    f.passes = decoder.at("local_search_passes").get<int>();
    f.pair_work = decoder.contains("pair_work") ? decoder.at("pair_work").get<int>() : 0;  // absent: none
    if (f.top_k < 1 || f.ood_top_k < 1 || f.passes < 0 || f.pair_work < 0) {
      throw InputError("decoder: K >= 1, passes >= 0, pair_work >= 0");
    }
    for (const json& item : raw.at("cases")) {
      GraphCase c;
      c.state = read_state(item.at("state"), f.profile.n);
      c.logits = read_rows(item.at("logits"), 3, "cases.logits");
      c.out_of_support = item.at("out_of_support").get<bool>();
      c.placement = item.at("placement").get<Placement>();
      c.delay_s = item.at("delay_s").get<double>();
      if (c.logits.size() != 3u * f.profile.n || static_cast<int>(c.placement.size()) != f.profile.n) {
        throw InputError("cases: logits [n][3] and placement [n]");
      }
      f.cases.push_back(std::move(c));
    }
  } catch (const json::exception& err) {
    throw InputError(path + ": " + err.what());
  } catch (const InputError& err) {
    throw InputError(path + ": " + err.what());
  }
  if (f.cases.empty()) throw InputError(path + ": cases: none");
  return f;
}

// Every case's decision equals Python's: the placement, and its delay to 1e-12 relative.
bool cases_match(const GraphFixture& f, GraphDecoder& decoder) {
  Placement x(f.profile.n);
  int mismatches = 0;
  for (size_t k = 0; k < f.cases.size(); ++k) {
    const GraphCase& c = f.cases[k];
    const double delay = decoder.decode(c.logits.data(), c.state, c.out_of_support, x.data());
    if (x != c.placement || std::fabs(delay - c.delay_s) > 1e-12 * c.delay_s) {
      if (++mismatches <= 10) std::cerr << "kdo_bench: case " << k << ": placement differs from Python's\n";
    }
  }
  if (mismatches) std::cerr << "kdo_bench: graph check failed: " << mismatches << " mismatches\n";
  else std::printf("graph check: %zu decisions equal Python's (n = %d)\n", f.cases.size(), f.profile.n);
  return mismatches == 0;
}

// The graph student's program, checked against its manifest (file, then input and output
// shapes) before anything runs; a refusal is the file's fault: one line, exit 2.
struct LoadedStudent {
  GraphStudentManifest manifest;
  std::unique_ptr<EtModel> model;
  double load_ms = 0.0;
};

std::unique_ptr<LoadedStudent> load_student(const Options& o) {
  auto s = std::make_unique<LoadedStudent>();
  s->manifest = load_graph_student_manifest(o.manifest_path);
  Manifest named;
  named.path = o.manifest_path;
  const auto mismatches = file_mismatches(named, s->manifest.pte, o.model_path);
  if (!mismatches.empty()) throw InputError(mismatches.front());
  try {
    EtModel::probe(o.model_path);
    const auto start = std::chrono::steady_clock::now();
    s->model = EtModel::load(o.model_path);
    s->load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    s->model->require_input_sizes(s->manifest.input_shapes);
  } catch (const ProgramRefused& err) {
    throw InputError(err.what());
  }
  if (s->model->output_numel() != kMaxSubtasks * 3) {
    throw InputError(o.model_path + ": gives " + std::to_string(s->model->output_numel()) +
                     " outputs, a graph student gives 64 * 3");
  }
  return s;
}

using TimedPath = std::pair<std::string, std::function<uint64_t(int)>>;

nlohmann::ordered_json time_paths(const std::vector<TimedPath>& paths, const Options& o) {
  nlohmann::ordered_json decisions;
  for (const auto& [name, decide] : paths) {
    auto record = latency_record(summarize(time_decisions(decide, o.warmup, o.iters)));
    std::printf("graph/%-16s p50 %8.3f us  p90 %8.3f us  p99 %8.3f us  max %9.3f us\n", name.c_str(),
                record["p50_us"].get<double>(), record["p90_us"].get<double>(),
                record["p99_us"].get<double>(), record["max_us"].get<double>());
    decisions[name] = std::move(record);
  }
  return decisions;
}

}  // namespace

// Either part is optional: the fixture (--graph) times the decoder and the heuristics on its
// graph; the student (--model, --manifest) its forward on the golden inputs; both together
// the student's whole decision on the fixture's states.
int run_graph_bench(const Options& o) {
  std::unique_ptr<GraphFixture> f;
  if (!o.graph_path.empty()) f = std::make_unique<GraphFixture>(load_fixture(o.graph_path));
  // Pinned, and the pool sized, before a program is loaded: XNNPACK keeps the pool it saw, and
  // resetting it under a loaded program deadlocks its next run.
  const bool pinned = pin_to_cpus(o.cpu, 1);
  std::unique_ptr<LoadedStudent> student;
  if (!o.model_path.empty()) {
    init_runtime();
    set_runtime_threads(1);
    student = load_student(o);
  }
  if (student && !graph_golden_passes(*student->model, student->manifest, kGraphLogitTolerance)) return 3;
  std::unique_ptr<GraphDecoder> decoder;
  if (f) {
    decoder = std::make_unique<GraphDecoder>(f->profile, f->top_k, f->ood_top_k, f->passes, f->pair_work);
    if (!cases_match(*f, *decoder)) return 3;
  }
  if (o.check_only) return 0;

  std::vector<TimedPath> paths;
  Placement x(kMaxSubtasks);
  const auto digest = [&]() { return static_cast<uint64_t>(x[0] + x[1]); };
  std::vector<GraphInputs> golden_inputs;
  if (student) {
    for (const GraphGolden& g : student->manifest.golden) {
      GraphStudent decider(*student->model, student->manifest, g.profile);
      decider.forward(g.state);
      golden_inputs.push_back(decider.inputs());
    }
    paths.emplace_back("forward_golden", [&](int i) {
      return static_cast<uint64_t>(run_graph_inputs(*student->model, golden_inputs[size_t(i) % golden_inputs.size()])[0] > 0);
    });
  }
  std::unique_ptr<Greedy> greedy;
  std::unique_ptr<Heft> heft;
  std::unique_ptr<GraphStudent> decider;
  if (f) {
    const auto at = [&](int i) -> const GraphCase& { return f->cases[static_cast<size_t>(i) % f->cases.size()]; };
    greedy = std::make_unique<Greedy>(f->profile);
    heft = std::make_unique<Heft>(f->profile);
    paths.emplace_back("guarded", [&, at](int i) { decoder->decode(at(i).logits.data(), at(i).state, at(i).out_of_support, x.data()); return digest(); });
    paths.emplace_back("greedy", [&, at](int i) { greedy->decide(at(i).state, x.data()); return digest(); });
    paths.emplace_back("heft", [&, at](int i) { heft->decide(at(i).state, x.data()); return digest(); });
    if (student) {
      decider = std::make_unique<GraphStudent>(*student->model, student->manifest, f->profile);
      paths.emplace_back("student_forward", [&, at](int i) { return static_cast<uint64_t>(decider->forward(at(i).state)[0] > 0); });
      paths.emplace_back("student_argmax", [&, at](int i) { decider->argmax(at(i).state, x.data()); return digest(); });
      paths.emplace_back("student_guarded", [&, at](int i) { decider->guarded(at(i).state, x.data()); return digest(); });
    }
  }
  nlohmann::ordered_json record;
  if (f) {
    record["graph"] = {{"name", f->profile.name}, {"n", f->profile.n},
                       {"cases", f->cases.size()}, {"top_k", f->top_k}, {"ood_top_k", f->ood_top_k},
                       {"local_search_passes", f->passes}, {"pair_work", f->pair_work}};
  }
  if (student) {
    const ExportInfo& e = student->manifest.export_info;
    record["benchmarkModel"] = {{"name", e.model}, {"backend", e.backend}, {"quantization", e.quantization}};
    record["model_load_time(ms)"] = student->load_ms;
    record["load_status"] = last_load_status();
    record["golden_vectors"] = student->manifest.golden.size();
  }
  record["decisions"] = {{"graph", time_paths(paths, o)}};
  record["deviceInfo"] = device_info();
  record["threads"] = 1;
  record["cpu_pinned"] = pinned ? nlohmann::json(o.cpu) : nlohmann::json(nullptr);
  record["iters"] = o.iters;
  record["warmup"] = o.warmup;
  if (!o.json_path.empty()) write_json_atomically(record, o.json_path);
  return 0;
}

}  // namespace kdo
