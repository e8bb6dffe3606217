package org.kdoffload.host;

import java.util.ArrayList;
import java.util.List;
import org.junit.runner.Description;
import org.junit.runner.JUnitCore;
import org.junit.runner.Result;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunListener;

/** Runs JUnit test classes by name and prints one summary line: run, failed, skipped. */
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
    System.out.printf("java-test: %d run, %d passed, %d failed, %d skipped (JUnit %s, %d classes)%n",
        result.getRunCount(), result.getRunCount() - result.getFailureCount() - skipped.size(),
        result.getFailureCount(), skipped.size(), junit.runner.Version.id(), classes.size());
    System.exit(result.wasSuccessful() ? 0 : 1);
  }
}
