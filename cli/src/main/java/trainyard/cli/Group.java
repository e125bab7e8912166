package trainyard.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only holds subcommands; run alone it is a usage error naming them. */
abstract class Group implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    // subcommands() maps every alias too: name each command once, by its name
    throw new ParameterException(spec.commandLine(), "missing subcommand: one of "
        + String.join(", ", spec.subcommands().values().stream().map(c -> c.getCommandName()).distinct().toList()));
  }
}
