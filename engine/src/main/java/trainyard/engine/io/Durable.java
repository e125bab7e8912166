package trainyard.engine.io;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;

/** Forcing written files and directory entries to disk. Stateless and thread-safe. */
public final class Durable {
  private Durable() {}

  /** Forces the file's data to disk (fdatasync): any channel's writes to it, not only this one's. */
  public static void sync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(false);
    }
  }

  /** Forces a directory's entries (files created, renamed or deleted in it) to disk. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
