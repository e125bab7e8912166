package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Unfinished uploads, one JSON file each under {@code ~/.trainyard/uploads}, named by a hash
 * of (server, file path). Writes are atomic (temp file + rename), so a crash never leaves a
 * half-written state. Not safe for two processes uploading the same file to the same server
 * at once (the later write wins; the server's offset check keeps the data itself correct).
 */
public final class UploadStateStore {
  private final Path dir;

  public UploadStateStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Optional<UploadState> find(String server, String path) {
    Path file = fileFor(server, path);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      UploadState s = Json.MAPPER.readValue(file.toFile(), UploadState.class);
      if (!server.equals(s.server()) || !path.equals(s.path()) || s.uploadId() == null) {
        return Optional.empty();
      }
      return Optional.of(s);
    } catch (IOException e) {
      // A state we cannot read is worth nothing: forget it and upload afresh.
      delete(server, path);
      return Optional.empty();
    }
  }

  public void save(UploadState state) {
    Path file = fileFor(state.server(), state.path());
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".state", ".tmp");
      try {
        JsonNode node = Json.MAPPER.valueToTree(state);
        Files.writeString(tmp, Json.pretty(node), StandardCharsets.UTF_8);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw CliException.usage("cannot write upload state in " + dir + ": " + e.getMessage());
    }
  }

  public void delete(String server, String path) {
    try {
      Files.deleteIfExists(fileFor(server, path));
    } catch (IOException e) {
      throw CliException.usage("cannot delete upload state in " + dir + ": " + e.getMessage());
    }
  }

  Path fileFor(String server, String path) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] h = md.digest((server + "\n" + path).getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(h, 0, 12) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
