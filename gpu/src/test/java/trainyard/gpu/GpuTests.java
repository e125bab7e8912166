package trainyard.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs this module's tests where there is no Maven (bench/gpu/run.sh on a GPU host), from the
 * module's directory (PtxTest reads src/main). One line per test; exits 1 when one failed, and
 * also when one was skipped, since on a GPU host nothing should be.
 */
public final class GpuTests {
  private GpuTests() {}

  public static void main(String[] args) {
    int[] failedOrSkipped = {0};
    TestExecutionListener printer = new TestExecutionListener() {
      @Override
      public void executionSkipped(TestIdentifier test, String reason) {
        failedOrSkipped[0]++;
        System.out.println("SKIPPED " + test.getUniqueId() + ": " + reason);
      }

      @Override
      public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
          return;
        }
        String cause = result.getThrowable().map(t -> ": " + t).orElse("");
        if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
          failedOrSkipped[0]++;
        }
        System.out.println(result.getStatus() + " " + test.getUniqueId() + cause);
      }
    };
    Launcher launcher = LauncherFactory.create();
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectPackage("trainyard.gpu")).build(),
        printer);
    System.exit(failedOrSkipped[0] == 0 ? 0 : 1);
  }
}
