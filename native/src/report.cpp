#include "report.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace kdo {
namespace {

// The first "key : value" line of /proc/cpuinfo whose key is one of `keys`, in that order.
std::string cpuinfo_value(std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(key, 0) != 0) continue;
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const auto start = line.find_first_not_of(" \t", colon + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
  }
  return "unknown";
}

}  // namespace

nlohmann::ordered_json device_info() {
  utsname name{};
  uname(&name);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  nlohmann::ordered_json info;
  info["device"] = host;
  info["arch"] = name.machine;
  info["os"] = std::string(name.sysname) + " " + name.release;
  // x86 names the model; ARM kernels give only implementer/part numbers.
  info["cpu_model"] = cpuinfo_value({"model name", "Hardware", "CPU part"});
  info["logical_cpus"] = sysconf(_SC_NPROCESSORS_ONLN);
  info["compiler"] = std::string("g++ ") + __VERSION__;
  return info;
}

nlohmann::ordered_json latency_record(const LatencyStats& stats) {
  nlohmann::ordered_json record;
  record["iters"] = stats.iters;
  record["p50_us"] = stats.p50_us;
  record["p90_us"] = stats.p90_us;
  record["p99_us"] = stats.p99_us;
  record["max_us"] = stats.max_us;
  record["min_us"] = stats.min_us;
  record["mean_us"] = stats.mean_us;
  record["avg_inference_latency(ms)"] = stats.mean_us / 1000.0;
  record["trimmean_inference_latency(ms)"] = stats.trimmean_us / 1000.0;
  return record;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // Linux reports KiB
}

void write_json_atomically(const nlohmann::ordered_json& record, const std::string& path) {
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp);
    out << record.dump(2) << "\n";
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      throw std::runtime_error(path + ": cannot write the record");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw std::runtime_error(path + ": cannot move the record into place");
  }
}

}  // namespace kdo
