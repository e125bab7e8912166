package trainyard.cli;

import picocli.CommandLine.Option;

/** The {@code --interval} of the watch commands: how often they poll, at least 100 ms. */
final class PollInterval {
  @Option(names = "--interval", paramLabel = "MS", description = "poll interval (default 1000)")
  long millis = 1000;

  /** The interval, or a usage error when it is too short. */
  long checked() {
    if (millis < 100) {
      throw CliException.usage("--interval must be >= 100 ms, got " + millis);
    }
    return millis;
  }
}
