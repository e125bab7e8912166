package trainyard.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped PTX against its source and against the Java launch table. */
class PtxTest {
  private static final Path SCRIPT = Path.of("src/main/cuda/build-ptx.sh");
  private static final Path SHIPPED = Path.of("src/main/resources" + Kernel.PTX);

  @TempDir
  Path tmp;

  @Test
  void shippedPtxIsWhatTheSourceCompilesTo() throws Exception {
    Assumptions.assumeTrue(onPath("nvcc"), "nvcc is not on the PATH, so kernels.cu cannot be compiled here");
    Process p = new ProcessBuilder("sh", SCRIPT.toString(), tmp.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "build-ptx.sh failed: " + output);
    assertEquals(Files.readString(SHIPPED), Files.readString(tmp.resolve("kernels.ptx")),
        "the shipped " + SHIPPED + " is not what kernels.cu compiles to: run src/main/cuda/build-ptx.sh and commit it");
  }

  @Test
  void everyKernelsEntryAndParameterCountMatchTheLaunchTable() throws IOException {
    Map<String, Integer> ptx = entries(Files.readString(SHIPPED));
    Map<String, Integer> java = new LinkedHashMap<>();
    for (Kernel k : Kernel.values()) {
      java.put(k.entry, k.arity);
    }
    assertEquals(java, ptx, "Kernel's table (left) against the .entry declarations of " + SHIPPED + " (right)");
  }

  @Test
  void theParserCountsParameters() {
    String ptx = """
        .visible .entry one(
        \t.param .u32 one_param_0,
        \t.param .u64 .ptr .align 1 one_param_1
        )
        {
        }
        .visible .entry two(
        \t.param .f32 two_param_0
        )
        """;
    assertEquals(Map.of("one", 2, "two", 1), entries(ptx));
  }

  /** Each {@code .entry name(} with the number of {@code .param} lines before its closing parenthesis. */
  static Map<String, Integer> entries(String ptx) {
    Map<String, Integer> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)").matcher(ptx);
    while (m.find()) {
      int params = 0;
      for (String line : m.group(2).split("\n")) {
        if (line.trim().startsWith(".param")) {
          params++;
        }
      }
      out.put(m.group(1), params);
    }
    assertTrue(!out.isEmpty(), "no .entry in the PTX");
    return out;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
