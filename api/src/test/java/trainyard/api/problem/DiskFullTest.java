package trainyard.api.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DiskFullTest {
  @Test
  void aFullDiskAnswers507() {
    Problem p = DiskFull.problem("dataset ds_1 is FAILED");
    assertEquals(507, p.status());
    assertEquals("insufficient_storage", p.code());
  }
}
