package trainyard.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command; holds the options every subcommand inherits and builds the API client. */
@Command(name = "trainyard",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = Version.class,
    description = "Trainyard's command-line client: upload datasets, train, watch, get models.",
    subcommands = {DatasetsCommand.class, JobsCommand.class, StudiesCommand.class, ModelsCommand.class,
        PredictCommand.class, TokensCommand.class, ExecutorsCommand.class})
public final class TrainyardCommand implements Runnable {
  @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "server URL (overrides TRAINYARD_URL)")
  String url;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
      description = "bearer token (overrides TRAINYARD_TOKEN)")
  String token;

  @Option(names = "--output", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
      description = "text (default) or json")
  OutputFormat output = OutputFormat.text;

  /** Shown under the root's help only (the command's scope would copy a footer everywhere). */
  static final String[] FOOTER = {"",
      "Environment: TRAINYARD_URL (default " + Settings.DEFAULT_URL + "),",
      "  TRAINYARD_TOKEN; or url=... and token=... in ~/.trainyard/config",
      "  (TRAINYARD_HOME moves ~/.trainyard).",
      "Exit status: 0 ok; 1 the server refused (API error); 2 usage or local",
      "  file error; 3 cannot reach the server; 4 the job or dataset ended",
      "  FAILED or CANCELLED."};

  private final Map<String, String> env;
  private final Console console;

  public TrainyardCommand(Map<String, String> env, Console console) {
    this.env = env;
    this.console = console;
  }

  @Override
  public void run() {
    throw CliException.usage("missing command: datasets, jobs, studies, models, predict or executors (see trainyard --help)");
  }

  public Console console() {
    return console;
  }

  public boolean json() {
    return output == OutputFormat.json;
  }

  public Settings settings() {
    return Settings.resolve(url, token, env);
  }

  public ApiClient api() {
    Settings s = settings();
    return new ApiClient(s.url(), s.requireToken(), console);
  }
}
