package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trainyard models ls|show|download|rm}. */
@Command(name = "models", description = "List, show, download and delete trained models.",
    subcommands = {ModelsCommand.Ls.class, ModelsCommand.ShowModel.class, ModelsCommand.Download.class,
        ModelsCommand.Rm.class})
final class ModelsCommand extends Group {
  private static final Pattern FILENAME = Pattern.compile("filename=\"?([^\";]+)\"?");

  static String path(String id) {
    return "/api/v1/models/" + ApiClient.seg(id);
  }

  @Command(name = "ls", aliases = "list", description = "List models, newest first.")
  static final class Ls extends ListLeaf {
    Ls() {
      super("/api/v1/models", "ID", "JOB", "ALGORITHM", "SIZE", "CREATED");
    }

    @Override
    String[] row(JsonNode m) {
      String size = m.path("sizeBytes").isNumber()
          ? ProgressFormat.bytes(m.path("sizeBytes").asLong()) : "-";
      return new String[] {Json.text(m, "id"), Json.text(m, "jobId"), Json.text(m, "algorithm"),
          size, Json.text(m, "createdAt")};
    }
  }

  @Command(name = "show", description = "Show a model: how it was made and its metrics.")
  static final class ShowModel extends ShowLeaf {
    ShowModel() {
      super(ModelsCommand::path);
    }
  }

  @Command(name = "rm", aliases = "delete", description = "Delete a model and its file.")
  static final class Rm extends RmLeaf {
    Rm() {
      super(ModelsCommand::path);
    }
  }

  @Command(name = "download", description = "Download a model's file.")
  static final class Download extends Leaf {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--file", paramLabel = "PATH",
        description = "where to write it (default: the server's file name, else ID.bin)")
    Path file;

    @Override
    public Integer call() {
      HttpResponse<InputStream> r = api().stream(path(id) + "/artifact", "application/octet-stream", Map.of());
      Path target = file != null ? file
          : Path.of(fileName(r.headers().firstValue("Content-Disposition").orElse(""), id));
      long total = r.headers().firstValueAsLong("Content-Length").orElse(-1);
      long written = write(r, target, total);
      printResult(Json.MAPPER.createObjectNode().put("id", id).put("file", target.toString())
          .put("bytes", written), target + "  " + ProgressFormat.bytes(written));
      return 0;
    }

    /** Writes to a temporary sibling and renames: a broken download leaves nothing behind. */
    private long write(HttpResponse<InputStream> r, Path target, long total) {
      Path abs = target.toAbsolutePath();
      Path tmp = null;
      try (InputStream in = r.body()) {
        tmp = Files.createTempFile(abs.getParent(), ".download", ".part");
        ProgressReporter progress = total > 0 ? new ProgressReporter(console().err(),
            console().tty(), console().nanoClock(), "download", total, 0) : null;
        long n = 0;
        try (OutputStream out = Files.newOutputStream(tmp)) {
          byte[] buf = new byte[1 << 16];
          int k;
          while ((k = in.read(buf)) > 0) {
            out.write(buf, 0, k);
            n += k;
            if (progress != null) {
              progress.update(n);
            }
          }
        }
        if (progress != null) {
          progress.finish();
        }
        if (total >= 0 && n != total) {
          throw CliException.connection("download of " + id + " broke after " + n + " of " + total + " bytes");
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        tmp = null;
        return n;
      } catch (IOException e) {
        throw CliException.connection("download of " + id + " failed: " + Problems.oneLine(String.valueOf(e.getMessage())));
      } finally {
        if (tmp != null) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // Nothing more to do; the temp name starts with a dot and says what it is.
          }
        }
      }
    }
  }

  /** The file name from Content-Disposition, kept to a plain name (no directories). */
  static String fileName(String contentDisposition, String id) {
    Matcher m = FILENAME.matcher(contentDisposition);
    if (m.find()) {
      String name = Path.of(m.group(1).trim()).getFileName().toString();
      if (!name.isEmpty() && !name.startsWith(".")) {
        return name;
      }
    }
    return id + ".bin";
  }
}
