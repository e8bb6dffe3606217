package org.kdoffload.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kdoffload.core.BenchConfig;
import org.kdoffload.core.BenchFailure;
import org.kdoffload.core.BenchRun;
import org.kdoffload.core.DeviceInfo;
import org.kdoffload.core.RefusedException;

/**
 * hostbench: BenchActivity's code path on the host JVM, for the emulated phone. The device is
 * reported as emulated: the name given, the JVM's os.arch, os "host JVM <version>".
 *   hostbench --model-dir D --files-dir F [--num-iter N] [--num-warm-up-iter W] [--top-k K]
 *             [--stream-tasks M] [--num-threads T] [--graph-file G] [--device-name NAME]
 * Like the app, any failure (bad options included, once the files folder is known) writes the
 * failure result and ends with one `failed: ` line; exit 0 on success, 2 on a failure.
 */
public final class HostBench {
  private static final List<String> FLAGS = List.of("--model-dir", "--files-dir", "--num-iter",
      "--num-warm-up-iter", "--top-k", "--stream-tasks", "--num-threads", "--graph-file", "--device-name");

  private HostBench() {}

  public static void main(String[] args) {
    Map<String, String> o;
    try {
      o = parse(args);
      if (!o.containsKey("--model-dir") || !o.containsKey("--files-dir")) {
        throw new RefusedException("hostbench: --model-dir and --files-dir are required");
      }
    } catch (RefusedException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Path files = Paths.get(o.get("--files-dir"));
    DeviceInfo device = new DeviceInfo("emulated phone on the host: " + o.getOrDefault("--device-name", "host"),
        System.getProperty("os.arch"), "host JVM " + System.getProperty("java.version"),
        memInfo("MemTotal:"), memInfo("MemAvailable:"));
    try {
      BenchConfig cfg = new BenchConfig(Paths.get(o.get("--model-dir")), files, integer(o, "--num-iter", 1000),
          integer(o, "--num-warm-up-iter", 100), integer(o, "--top-k", 0), integer(o, "--stream-tasks", 0),
          integer(o, "--num-threads", BenchConfig.DEFAULT_NUM_THREADS),
          o.containsKey("--graph-file") ? Paths.get(o.get("--graph-file")) : null);
      new BenchRun(cfg, device, System.out::println).run();
    } catch (Throwable t) { // as the activity: the native library missing is a failure result too
      System.out.println(BenchFailure.record(files, device, t));
      System.exit(2);
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int k = 0; k < args.length; k += 2) {
      if (!FLAGS.contains(args[k])) throw new RefusedException("hostbench: unknown option " + args[k]);
      if (k + 1 >= args.length) throw new RefusedException("hostbench: " + args[k] + " needs a value");
      o.put(args[k], args[k + 1]);
    }
    return o;
  }

  private static int integer(Map<String, String> o, String flag, int fallback) {
    String v = o.get(flag);
    if (v == null) return fallback;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new RefusedException("hostbench: " + flag + " " + v + ": not an integer");
    }
  }

  /** A /proc/meminfo line in bytes (what ActivityManager.MemoryInfo gives on a phone); 0 if absent. */
  private static long memInfo(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
        if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
