package trainyard.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on the files a command is given to read; the usage error names what is wrong. */
final class InputFiles {
  private InputFiles() {}

  /** Exit status 2 with "no such file", "is a directory" or "is not a regular file" unless {@code file} is one. */
  static void requireRegular(Path file) {
    if (Files.isRegularFile(file)) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw CliException.usage(file + " is a directory, not a file");
    }
    throw CliException.usage(Files.exists(file) ? file + " is not a regular file" : "no such file: " + file);
  }
}
