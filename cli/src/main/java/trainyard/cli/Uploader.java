package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends a dataset file to the server. Small files go in one {@code POST /api/v1/datasets};
 * larger ones use the resumable protocol of docs/UPLOAD-PROTOCOL.md: chunks travel with their
 * own digest, the file's SHA-256 (read meanwhile) goes with the completion, and the upload id is kept in the
 * {@link UploadStateStore} so that running the same command again after a crash or a broken
 * connection sends only what the server does not have. A broken connection is also retried
 * in-process a few times before giving up. Not thread-safe.
 */
public final class Uploader {
  /** Files below this size go in one request. */
  public static final long SIMPLE_LIMIT = 8L << 20;
  /** Big enough that a chunk's fixed costs (a request, a disk sync, a row update) stay small. */
  public static final int DEFAULT_CHUNK = 32 << 20;
  private static final int RETRIES = 4;
  /** A chunk that takes longer than this (under 70 KB/s for 8 MiB) is cut off and retried. */
  private static final java.time.Duration CHUNK_TIMEOUT = java.time.Duration.ofMinutes(2);

  private final ApiClient api;
  private final UploadStateStore states;
  private final Console console;
  private final int chunkSize;
  private final long stopAfterBytes;

  /**
   * @param stopAfterBytes a test hook: stop as if the connection broke once this many bytes
   *                       were sent by this run (Long.MAX_VALUE: never)
   */
  public Uploader(ApiClient api, UploadStateStore states, Console console, int chunkSize,
      long stopAfterBytes) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    this.api = api;
    this.states = states;
    this.console = console;
    this.chunkSize = chunkSize;
    this.stopAfterBytes = stopAfterBytes;
  }

  /**
   * Uploads {@code file} and returns the dataset the server created: READY or FAILED after a
   * single POST (the server ingests while the body arrives), not yet READY after a resumable upload.
   */
  public JsonNode upload(Path file, String name, String format, boolean resumable) {
    Path real = realFile(file);
    long size;
    long modified;
    try {
      size = Files.size(real);
      modified = Files.getLastModifiedTime(real).toMillis();
    } catch (IOException e) {
      throw CliException.usage("cannot read " + file + ": " + e.getMessage());
    }
    if (size == 0) {
      throw CliException.usage(file + " is empty");
    }
    if (!resumable || size < SIMPLE_LIMIT && size <= chunkSize) {
      return simple(real, size, name, format);
    }
    return resumable(real, size, modified, name, format);
  }

  /**
   * One streamed POST, which the server ingests while it arrives (the fastest way in), but which
   * cannot resume: for small files, or when the user asks for it.
   */
  private JsonNode simple(Path file, long size, String name, String format) {
    // A bar for a file that takes no time to send is noise.
    PrintStream bar = size >= 1 << 20 ? console.err() : new PrintStream(OutputStream.nullOutputStream());
    ProgressReporter progress = new ProgressReporter(bar, console.tty(),
        console.nanoClock(), "upload  ", size, 0);
    HttpRequest.BodyPublisher body;
    try {
      body = new CountingPublisher(HttpRequest.BodyPublishers.ofFile(file), progress::update);
    } catch (FileNotFoundException e) {
      throw CliException.usage("cannot read " + file + ": " + e.getMessage());
    }
    JsonNode dataset;
    try {
      dataset = api.json("POST",
          ApiClient.query("/api/v1/datasets", ApiClient.params("name", name, "format", format)),
          body, "application/octet-stream", Map.of());
    } catch (ApiException e) {
      progress.finish();
      String failed = e.problem().path("datasetId").asText("");
      if (e.status() != 422 || !"ingest_failed".equals(e.code()) || failed.isEmpty()) {
        throw e;
      }
      // The file was bad: the dataset exists, FAILED with its bad lines, as after a resumable upload.
      return api.get(DatasetsCommand.path(failed));
    }
    progress.finish();
    return dataset;
  }

  private JsonNode resumable(Path file, long size, long modified, String name, String format) {
    String server = api.base().toString();
    String path = file.toString();
    UploadState state = null;
    long received = 0;
    int chunk = chunkSize;
    Optional<UploadState> saved = states.find(server, path);
    if (saved.isPresent()) {
      UploadState s = saved.get();
      if (!s.sameFile(size, modified)) {
        console.err().println("the file changed since its upload " + s.uploadId() + " began; starting over");
        abandon(s);
      } else if (!s.sameRequest(name, format)) {
        console.err().println("upload " + s.uploadId() + " of this file had another name or format; starting over");
        abandon(s);
      } else {
        JsonNode upload = fetch(s);
        if (upload != null) {
          String status = upload.path("status").asText("OPEN");
          if (status.equals("COMPLETED")) {
            return complete(s, null);
          }
          if (!status.equals("FAILED")) {
            state = s;
            received = Math.max(0, Chunks.received(upload, size));
            chunk = Chunks.fit(chunkSize, upload);
            console.err().println("resuming upload " + s.uploadId() + " at "
                + ProgressFormat.bytes(received) + " of " + ProgressFormat.bytes(size));
          } else {
            states.delete(server, path);
          }
        }
      }
    }
    if (state == null) {
      // The file's SHA-256 goes with the completion: the first chunk need not wait for a read of the whole file.
      ObjectNode body = Json.MAPPER.createObjectNode()
          .put("name", name).put("format", format).put("size", size);
      JsonNode created;
      try {
        created = api.postJson("/api/v1/uploads", body, Map.of());
      } catch (ApiException e) {
        if (e.status() != 404 && e.status() != 405) {
          throw e;
        }
        console.err().println("this server has no resumable uploads (POST /api/v1/uploads: HTTP "
            + e.status() + "); sending the file in one request, which cannot resume");
        return simple(file, size, name, format);
      }
      String id = created.path("id").asText("");
      if (id.isEmpty()) {
        throw new ApiException(201, "bad_upload", "the server created an upload without an id", created);
      }
      chunk = Chunks.fit(chunkSize, created);
      state = new UploadState(server, path, size, modified, null, id, name, format);
      states.save(state);
    }
    CompletableFuture<String> sha256 = state.sha256() != null
        ? CompletableFuture.completedFuture(state.sha256()) : hashInBackground(file);
    JsonNode failed = send(file, state, received, chunk);
    if (failed != null) {
      states.delete(server, path);
      return failed;
    }
    return complete(state, checksum(sha256, file));
  }

  /** The file's SHA-256, read on a thread of its own while the chunks travel. */
  private static CompletableFuture<String> hashInBackground(Path file) {
    CompletableFuture<String> sha = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        sha.complete(sha256(file));
      } catch (IOException | RuntimeException e) {
        sha.completeExceptionally(e);
      }
    }, "checksum");
    t.setDaemon(true);
    t.start();
    return sha;
  }

  private static String checksum(CompletableFuture<String> sha256, Path file) {
    try {
      return sha256.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw CliException.usage("cannot read " + file + ": " + e.getCause().getMessage());
    }
  }

  /** The upload as the server knows it, or null when it is gone (state forgotten). */
  private JsonNode fetch(UploadState s) {
    try {
      return api.get("/api/v1/uploads/" + ApiClient.seg(s.uploadId()));
    } catch (ApiException e) {
      if (e.status() == 404 || e.status() == 410) {
        console.err().println("upload " + s.uploadId() + " is gone from the server"
            + (e.status() == 410 ? " (it expired)" : "") + "; starting over");
        states.delete(s.server(), s.path());
        return null;
      }
      throw e;
    }
  }

  private void abandon(UploadState s) {
    states.delete(s.server(), s.path());
    try {
      api.delete("/api/v1/uploads/" + ApiClient.seg(s.uploadId()));
    } catch (CliException ignored) {
      // Best effort: the server expires abandoned uploads on its own.
    }
  }

  /** A chunk read from the file, with its Content-Digest. */
  private record Chunk(long offset, int length, byte[] bytes, String digest) {}

  /**
   * Sends the file from {@code from}; returns null once the server has it all, or the FAILED
   * dataset when the server found bad lines while the file arrived (it then takes no more).
   */
  private JsonNode send(Path file, UploadState state, long from, int chunk) {
    String url = "/api/v1/uploads/" + ApiClient.seg(state.uploadId());
    int size = (int) Math.min(chunk, state.size());
    byte[][] buffers = {new byte[size], new byte[size]};
    long offset = from;
    long sentThisRun = 0;
    int failures = 0;
    ProgressReporter progress = new ProgressReporter(console.err(), console.tty(),
        console.nanoClock(), "upload  ", state.size(), offset);
    // the next chunk is read and checksummed while this one travels
    ExecutorService ahead = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "read-ahead");
      t.setDaemon(true);
      return t;
    });
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Future<Chunk> next = ahead.submit(() -> read(ch, buffers[0], from, state.size(), chunk));
      while (offset < state.size()) {
        if (sentThisRun >= stopAfterBytes) {
          progress.finish();
          throw CliException.connection("upload stopped after " + ProgressFormat.bytes(sentThisRun)
              + " (--stop-after); run the same command again to resume");
        }
        Chunk c = await(next);
        if (c.offset() != offset) { // the server asked for another offset
          c = read(ch, c.bytes(), offset, state.size(), chunk);
        }
        long after = offset + c.length();
        byte[] spare = c.bytes() == buffers[0] ? buffers[1] : buffers[0];
        next = after < state.size()
            ? ahead.submit(() -> read(ch, spare, after, state.size(), chunk))
            : CompletableFuture.completedFuture(c);
        try {
          JsonNode answer = api.json("PUT", url,
              HttpRequest.BodyPublishers.ofByteArray(c.bytes(), 0, c.length()),
              "application/octet-stream",
              Map.of("Content-Range", Chunks.contentRange(offset, c.length(), state.size()),
                  "Content-Digest", c.digest()), CHUNK_TIMEOUT);
          long r = Chunks.received(answer, state.size());
          long moved = r >= 0 ? r : after;
          sentThisRun += moved - offset;
          offset = moved;
          failures = 0;
          progress.update(offset);
        } catch (ApiException e) {
          String failed = e.problem().path("datasetId").asText("");
          if (e.status() == 422 && "ingest_failed".equals(e.code()) && !failed.isEmpty()) {
            progress.finish();
            return api.get(DatasetsCommand.path(failed));
          }
          if (e.status() != 409 || !"upload_offset_mismatch".equals(e.code())) {
            progress.finish();
            throw e;
          }
          long r = Chunks.received(e.problem(), state.size());
          long moved = r >= 0 ? r : Chunks.received(api.get(url), state.size());
          if (moved == offset || moved < 0) {
            progress.finish();
            throw e;
          }
          offset = moved;
          progress.update(offset);
        } catch (CliException e) {
          if (e.exitCode() != ExitCode.CONNECTION || ++failures > RETRIES) {
            progress.finish();
            if (e.exitCode() == ExitCode.CONNECTION) {
              throw CliException.connection(e.getMessage() + "; " + ProgressFormat.bytes(offset)
                  + " of " + ProgressFormat.bytes(state.size())
                  + " are on the server: run the same command again to resume");
            }
            throw e;
          }
          console.pause(1000L << (failures - 1));
          offset = askOffset(url, state.size(), offset);
        }
      }
      progress.finish();
      return null;
    } catch (IOException e) {
      throw CliException.usage("cannot read " + file + ": " + e.getMessage());
    } finally {
      ahead.shutdownNow();
    }
  }

  /** The chunk of the file at {@code offset}, read into {@code buf}. */
  private static Chunk read(FileChannel ch, byte[] buf, long offset, long size, int chunk) throws IOException {
    int len = Chunks.length(offset, size, chunk);
    readFully(ch, buf, len, offset);
    return new Chunk(offset, len, buf, Chunks.contentDigest(buf, len));
  }

  private static Chunk await(Future<Chunk> chunk) throws IOException {
    try {
      return chunk.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** After a broken connection: where the server stands, or where we were if it cannot say. */
  private long askOffset(String url, long size, long fallback) {
    try {
      long r = Chunks.received(api.get(url), size);
      return r >= 0 ? r : fallback;
    } catch (CliException e) {
      if (e.exitCode() == ExitCode.CONNECTION) {
        return fallback;
      }
      throw e;
    }
  }

  /** Completes the upload, declaring the file's SHA-256 unless null (the server has it, or has completed). */
  private JsonNode complete(UploadState state, String sha256) {
    String url = "/api/v1/uploads/" + ApiClient.seg(state.uploadId()) + "/complete";
    try {
      JsonNode dataset = sha256 == null
          ? api.json("POST", url, HttpRequest.BodyPublishers.noBody(), null, Map.of())
          : api.json("POST", url, HttpRequest.BodyPublishers.ofString(
              Json.MAPPER.createObjectNode().put("sha256", sha256).toString()), "application/json", Map.of());
      states.delete(state.server(), state.path());
      return dataset;
    } catch (ApiException e) {
      if (e.status() == 422 || e.status() == 404 || e.status() == 410) {
        states.delete(state.server(), state.path());
        throw new ApiException(e.status(), e.code(), e.getMessage()
            + "; the upload was discarded: run the command again to send the file afresh", e.problem());
      }
      throw e;
    }
  }

  static void readFully(FileChannel ch, byte[] buf, int len, long offset) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
    long pos = offset;
    while (bb.hasRemaining()) {
      int n = ch.read(bb, pos);
      if (n < 0) {
        throw new IOException("the file shrank while uploading (ended at byte " + pos + ")");
      }
      pos += n;
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = Chunks.sha256();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static Path realFile(Path file) {
    InputFiles.requireRegular(file);
    try {
      return file.toRealPath();
    } catch (IOException e) {
      throw CliException.usage("cannot read " + file + ": " + e.getMessage());
    }
  }
}
