package org.kdoffload.demo;

import android.app.Activity;
import android.app.ActivityManager;
import android.content.Context;
import android.os.Build;
import android.os.Bundle;
import android.util.Log;
import android.view.WindowManager;
import android.widget.ScrollView;
import android.widget.TextView;
import java.io.File;
import java.nio.file.Path;
import org.kdoffload.core.BenchConfig;
import org.kdoffload.core.BenchFailure;
import org.kdoffload.core.BenchRun;
import org.kdoffload.core.DeviceInfo;
import org.kdoffload.core.RefusedException;

/**
 * The thin Android layer over org.kdoffload.core.BenchRun: reads the intent extras, fills in
 * the device, runs the benchmark off the UI thread, shows its summary, then finish()es, as
 * ExecuTorch's benchmark app does. Every failure, whatever was thrown, still writes the result
 * file (load_status and the reason) and ends with one `failed: ` log line.
 *   adb shell am start -n org.kdoffload.demo/.BenchActivity --es model_dir /data/local/tmp/kdoffload/chain6 \
 *     --ei num_iter 1000 --ei num_warm_up_iter 100 --ei top_k 0 --ei stream_tasks 200 --ei num_threads 1
 * and, for the graph student, --es graph_file <the task graph push wrote beside it>.
 * Results: files/kdoffload_results.json. Log tag: kdoffload.
 */
public class BenchActivity extends Activity {
  private static final String TAG = "kdoffload";
  private static final File PUSHED = new File("/data/local/tmp/kdoffload");

  private TextView text;

  @Override
  protected void onCreate(Bundle savedInstanceState) {
    super.onCreate(savedInstanceState);
    // The screen stays on while the benchmark runs (a sleeping phone slows its cores down).
    getWindow().addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON);
    text = new TextView(this);
    text.setTextIsSelectable(true);
    ScrollView scroll = new ScrollView(this);
    scroll.addView(text);
    setContentView(scroll);
    // The manifest keeps configuration changes from recreating the activity; should the system
    // recreate it anyway, the launch's benchmark has already run: never start a second one.
    if (savedInstanceState != null) {
      show("the benchmark of this launch already ran; start it again with am start -S");
      return;
    }
    show("running…");
    Bundle extras = getIntent().getExtras();
    new Thread(() -> run(extras == null ? new Bundle() : extras), "kdoffload-bench").start();
  }

  private void run(Bundle extras) {
    DeviceInfo device = null;
    try {
      device = device();
      BenchConfig cfg = new BenchConfig(modelDir(extras), getFilesDir().toPath(),
          integer(extras, "num_iter", 1000), integer(extras, "num_warm_up_iter", 100),
          integer(extras, "top_k", 0), integer(extras, "stream_tasks", 0), integer(extras, "num_threads", BenchConfig.DEFAULT_NUM_THREADS),
          extras.getString("graph_file") == null ? null : new File(extras.getString("graph_file")).toPath());
      show(new BenchRun(cfg, device, line -> Log.i(TAG, line)).run());
    } catch (Throwable t) { // UnsatisfiedLinkError from the runtime's native library included
      String line = BenchFailure.record(getFilesDir().toPath(), device, t);
      Log.e(TAG, line, t instanceof RefusedException ? null : t);
      show(line);
    }
    runOnUiThread(this::finish);
  }

  private void show(String message) {
    runOnUiThread(() -> text.setText(message));
  }

  /** The model_dir extra, else the newest profile folder `kdoffload android push` filled. */
  private static Path modelDir(Bundle extras) {
    String given = extras.getString("model_dir");
    if (given != null) return new File(given).toPath();
    File[] profiles = PUSHED.listFiles(File::isDirectory);
    if (profiles == null || profiles.length == 0) {
      throw new RefusedException(PUSHED + ": no pushed model (run kdoffload android push, or pass model_dir)");
    }
    File newest = profiles[0];
    for (File f : profiles) if (f.lastModified() > newest.lastModified()) newest = f;
    return newest.toPath();
  }

  /** An extra given as --ei or as --es: both are what adb users type. */
  private static int integer(Bundle extras, String key, int fallback) {
    Object value = extras.get(key);
    if (value == null) return fallback;
    try {
      return Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new RefusedException(key + ": " + value + " is not an integer");
    }
  }

  private DeviceInfo device() {
    ActivityManager.MemoryInfo memory = new ActivityManager.MemoryInfo();
    ((ActivityManager) getSystemService(Context.ACTIVITY_SERVICE)).getMemoryInfo(memory);
    return new DeviceInfo(Build.MANUFACTURER + " " + Build.MODEL, Build.SUPPORTED_ABIS[0],
        "Android " + Build.VERSION.RELEASE + " (API " + Build.VERSION.SDK_INT + ")",
        memory.totalMem, memory.availMem);
  }
}
