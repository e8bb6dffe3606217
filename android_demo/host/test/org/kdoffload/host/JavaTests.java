package org.kdoffload.host;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.runner.Description;
import org.junit.runner.JUnitCore;
import org.junit.runner.Result;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunListener;

/**
 * Runs JUnit test classes by name and prints one summary line: run, passed, failed, skipped, and
 * which of the user's exports in runs/ were replayed beside the stand-ins. More skips than
 * kdoffload.max_skipped (when set; make java-test sets 0) fail the run: every test has what it
 * needs there, so a skip would be a test that silently stopped running.
 */
public final class JavaTests {
  private JavaTests() {}

  public static void main(String[] names) throws ClassNotFoundException {
    List<Class<?>> classes = new ArrayList<>();
    for (String name : names) classes.add(Class.forName(name));
    List<String> skipped = new ArrayList<>();
    JUnitCore core = new JUnitCore();
    core.addListener(new RunListener() {
      @Override
      public void testAssumptionFailure(Failure failure) {
        skipped.add(failure.getDescription().getDisplayName() + ": " + failure.getMessage());
      }

      @Override
      public void testFailure(Failure failure) {
        System.out.println("FAILED " + failure.getDescription().getDisplayName() + ": " + failure.getMessage());
      }

      @Override
      public void testIgnored(Description description) {
        skipped.add(description.getDisplayName());
      }
    });
    Result result = core.run(classes.toArray(new Class<?>[0]));
    for (String s : skipped) System.out.println("skipped " + s);
    System.out.printf("java-test: %d run, %d passed, %d failed, %d skipped (JUnit %s, %d classes); %s%n",
        result.getRunCount(), result.getRunCount() - result.getFailureCount() - skipped.size(),
        result.getFailureCount(), skipped.size(), junit.runner.Version.id(), classes.size(),
        userExports("kdoffload.user_export", "kdoffload.user_graph_export"));
    String most = System.getProperty("kdoffload.max_skipped");
    boolean tooManySkipped = most != null && skipped.size() > Integer.parseInt(most);
    if (tooManySkipped) System.out.println("FAILED: " + skipped.size() + " skipped, kdoffload.max_skipped is " + most);
    System.exit(result.wasSuccessful() && !tooManySkipped ? 0 : 1);
  }

  /** The user's exports the tests replay too: those of the properties that hold a manifest. */
  private static String userExports(String... properties) {
    List<String> found = new ArrayList<>();
    for (String property : properties) {
      String dir = System.getProperty(property);
      File[] manifests = dir == null ? null : new File(dir).listFiles((d, name) -> name.endsWith(".manifest.json"));
      if (manifests != null && manifests.length > 0) found.add(dir);
    }
    return found.isEmpty() ? "stand-in exports only (no trained export in runs/)" : "also replayed: " + String.join(", ", found);
  }
}
