package trainyard.engine.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import trainyard.engine.data.IngestException;
import trainyard.spec.SpecException;

/**
 * The local command, like {@code liblinear-train} / {@code vw}: train and predict on files with the
 * engine in this JVM, no server.
 *
 * <pre>
 *   train   --spec SPEC.json --data FILE [--validation FILE] --model OUT [--format F]
 *   predict --model MODEL --data FILE [--out PREDICTIONS] [--format F]
 * </pre>
 *
 * Errors are one line on stderr and a non-zero exit: 2 for bad input (usage, spec, data), 1 when
 * the machine failed us (I/O). Set {@code TRAINYARD_DEBUG=1} for stack traces.
 */
public final class LocalMain {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;

  private static final String USAGE = String.join("\n",
      "usage: trainyard-local train --spec SPEC.json --data FILE [--validation FILE] --model OUT [--format F]",
      "       trainyard-local predict --model MODEL --data FILE [--out PREDICTIONS] [--format F]",
      "FILE: libsvm, libffm or csv text, optionally gzipped; F (libsvm|libffm|csv) defaults from the file name.",
      "The spec is a job spec (docs/FORMATS.md); its \"dataset\" may be left out.");

  private LocalMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; returns its exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
        (args.length == 0 ? err : out).println(USAGE);
        return args.length == 0 ? BAD_INPUT : OK;
      }
      switch (args[0]) {
        case "train":
          LocalTrain.run(Options.parse(args, 1, LocalTrain.OPTIONS), err);
          return OK;
        case "predict":
          LocalPredict.run(Options.parse(args, 1, LocalPredict.OPTIONS), out, err);
          return OK;
        default:
          throw new UsageException("unknown command \"" + args[0] + "\"; expected train or predict");
      }
    } catch (Exception | OutOfMemoryError e) {
      if (System.getenv("TRAINYARD_DEBUG") != null) {
        e.printStackTrace(err);
      }
      err.println("trainyard-local: " + message(e));
      return exitCode(e);
    }
  }

  static String message(Throwable e) {
    if (e instanceof UncheckedIOException u) {
      e = u.getCause();
    }
    if (e instanceof NoSuchFileException f) {
      return "no such file: " + f.getFile();
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "already exists: " + f.getFile();
    }
    if (e instanceof AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (e instanceof IngestException || e instanceof SpecException || e instanceof UsageException) {
      return e.getMessage();
    }
    if (e instanceof IOException) {
      return "I/O error: " + e.getMessage();
    }
    if (e instanceof IllegalArgumentException) {
      return e.getMessage();
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory: give the JVM more heap (-Xmx)";
    }
    return "internal error: " + e;
  }

  private static int exitCode(Throwable e) {
    if (e instanceof NoSuchFileException || e instanceof IllegalArgumentException) {
      return BAD_INPUT;
    }
    return FAILED;
  }
}
