package trainyard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressFormatTest {
  @Test
  void bytesUseBinaryUnits() {
    assertEquals("0 B", ProgressFormat.bytes(0));
    assertEquals("1023 B", ProgressFormat.bytes(1023));
    assertEquals("1.0 KiB", ProgressFormat.bytes(1024));
    assertEquals("1.5 KiB", ProgressFormat.bytes(1536));
    assertEquals("8.0 MiB", ProgressFormat.bytes(8L << 20));
    assertEquals("5.0 GiB", ProgressFormat.bytes(5L << 30));
    assertEquals("2.0 TiB", ProgressFormat.bytes(2L << 40));
  }

  @Test
  void rateAndEta() {
    assertEquals("118.2 MiB/s", ProgressFormat.rate(118.2 * 1024 * 1024));
    assertEquals("- B/s", ProgressFormat.rate(0));
    assertEquals("- B/s", ProgressFormat.rate(Double.NaN));
    assertEquals(10.0, ProgressFormat.eta(0, 1000, 100), 1e-9);
    assertTrue(Double.isNaN(ProgressFormat.eta(0, 1000, 0)));
  }

  @Test
  void durations() {
    assertEquals("0:00", ProgressFormat.duration(0));
    assertEquals("0:07", ProgressFormat.duration(6.2));
    assertEquals("12:34", ProgressFormat.duration(754));
    assertEquals("1:02:03", ProgressFormat.duration(3723));
    assertEquals("--:--", ProgressFormat.duration(Double.NaN));
    assertEquals("--:--", ProgressFormat.duration(Double.POSITIVE_INFINITY));
  }

  @Test
  void barsAndPercentages() {
    assertEquals("[----------]", ProgressFormat.bar(0, 10));
    assertEquals("[#####-----]", ProgressFormat.bar(0.5, 10));
    assertEquals("[#########-]", ProgressFormat.bar(0.99, 10));
    assertEquals("[##########]", ProgressFormat.bar(1, 10));
    assertEquals("[##########]", ProgressFormat.bar(7, 10));
    assertEquals("[----------]", ProgressFormat.bar(Double.NaN, 10));
    assertEquals(" 45%", ProgressFormat.percent(0.455));
    assertEquals("100%", ProgressFormat.percent(1));
  }

  @Test
  void transferLineHasBytesRateAndEta() {
    String line = ProgressFormat.transferLine(512L << 20, 1L << 30, 64 << 20, 10);
    assertEquals("[#####-----]  50%  512.0 MiB / 1.0 GiB  64.0 MiB/s  ETA 0:08", line);
  }

  @Test
  void plainOutputPrintsOneLinePerTenthAndCountsOnlyThisRunsBytes() {
    AtomicLong clock = new AtomicLong();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    // Resumed at 50%: the rate must come from the 500 bytes sent in 5 s, not 1000.
    ProgressReporter p = new ProgressReporter(out, false, clock::get, "upload", 1000, 500);
    for (long done = 550; done <= 1000; done += 50) {
      clock.addAndGet(500_000_000L);
      p.update(done);
    }
    p.finish();
    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(5, lines.length, buf.toString(StandardCharsets.UTF_8));
    assertTrue(lines[0].contains(" 60%"), lines[0]);
    assertTrue(lines[4].contains("100%") && lines[4].contains("100 B/s") && lines[4].contains("ETA 0:00"),
        lines[4]);
  }

  @Test
  void terminalOutputRedrawsInPlaceAtMostTenTimesASecond() {
    AtomicLong clock = new AtomicLong();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    ProgressReporter p = new ProgressReporter(out, true, clock::get, "upload", 1000, 0);
    for (int i = 1; i <= 100; i++) {
      clock.addAndGet(10_000_000L); // 10 ms per update: one second in all
      p.update(i * 10L);
    }
    p.finish();
    String s = buf.toString(StandardCharsets.UTF_8);
    long redraws = s.chars().filter(c -> c == '\r').count();
    assertTrue(redraws >= 10 && redraws <= 12, "redraws: " + redraws);
    assertTrue(s.endsWith("\n") && s.chars().filter(c -> c == '\n').count() == 1, s);
  }
}
