package trainyard.engine.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class DiskFullTest {
  @Test
  void aFullDiskIsKnownThroughTheCauses() {
    // what FileChannel.write and Files.copy throw on Linux when the disk is full, or the quota spent
    assertTrue(DiskFull.causedBy(new IOException("No space left on device")));
    assertTrue(DiskFull.causedBy(new FileSystemException("/data/uploads/up_1.part", null, "No space left on device")));
    assertTrue(DiskFull.causedBy(new IOException("Disk quota exceeded")));
    assertTrue(DiskFull.causedBy(new RuntimeException("writing a shard",
        new UncheckedIOException(new IOException("No space left on device")))));
    assertFalse(DiskFull.causedBy(new IOException("Connection reset by peer")));
    assertFalse(DiskFull.causedBy(new IllegalStateException("No space left on device")));
  }
}
