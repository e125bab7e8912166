package trainyard.engine.train;

import static trainyard.engine.io.CheckedFile.readString;
import static trainyard.engine.io.CheckedFile.writeString;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import trainyard.engine.io.CheckedFile;
import trainyard.engine.ps.KeyValues;
import trainyard.engine.ps.ParameterServer;
import trainyard.engine.ps.ServerShard;
import trainyard.engine.ps.Updater;

/**
 * A job's checkpoints: one file per server shard, written by the member that holds the shard,
 * and a manifest, written last by the coordinator, that commits them. Key ranges depend only on
 * the server count, so a checkpoint resumes on any placement of the same job.
 *
 * <p>Commit protocol: every member writes {@code shard-{s}-{tag}.bin} for its shards under a new
 * tag; once all are durable the coordinator writes {@code manifest-{tag}.bin} atomically, then
 * deletes the files of older tags. The newest manifest is the committed checkpoint. A crash before
 * the manifest leaves the previous checkpoint whole; stray files of an uncommitted tag are deleted
 * by the next commit. Tags carry the attempt in their high half, and no commit replaces or deletes
 * a newer tag's file: an attempt that stalled and wakes after the job was placed again (SIGSTOP,
 * a hung file system) can neither hide the new attempt's checkpoint nor delete its shards, even
 * when it passed {@link #commit}'s check before the new attempt committed. {@code manifest.bin}
 * is a copy of the latest manifest (see {@link #LATEST}); in checkpoints written before manifests
 * were named by tag it is the only one, and their best models are {@code best-{epoch}.bin}.
 *
 * <p>Manifest (big-endian, in a {@link CheckedFile}): magic {@code TYCKPT3\n}, fingerprint string
 * (spec and dataset: resuming another job from it fails), server count, tag, epochs done, steps,
 * the next minibatch of every worker in the epoch under way (all 0 at an epoch's end), then
 * metric count and (name string, value double) pairs, then early stopping's best epoch (0: none)
 * and its metrics, counted and paired the same way. Shard files: magic {@code TYSHRD1\n}, the
 * shard's records ({@code ServerShard.save}). The best epoch's model is {@code
 * best-{epoch}-{attempt}.bin} (a model file), written before the manifest that names the epoch; of
 * an epoch's files the one of the latest attempt up to the manifest's counts, and a commit deletes
 * the others of its attempt and older ones. Stateless.
 */
final class Checkpoints {
  /**
   * A copy of the latest manifest under one name, which a reader opens by name: a client of a
   * network file system may list a directory from its cache, without the newest manifest, but
   * opens a file by name as it is now.
   */
  private static final String LATEST = "manifest.bin";
  private static final byte[] MAGIC = "TYCKPT3\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SHARD_MAGIC = "TYSHRD1\n".getBytes(StandardCharsets.US_ASCII);
  private static final String SHARD_WHAT = "Trainyard checkpoint shard";

  /**
   * What the job had done when the checkpoint was taken: {@code epochsDone} complete epochs,
   * and within the next one each worker's next minibatch; with early stopping, the best epoch so
   * far (0: none) and its metrics.
   */
  record Progress(int epochsDone, long[] positions, long steps, Map<String, Double> metrics, int bestEpoch,
      Map<String, Double> bestMetrics) {
    Progress {
      positions = positions.clone();
      metrics = new LinkedHashMap<>(metrics);
      bestMetrics = new LinkedHashMap<>(bestMetrics);
    }

    /** Without early stopping. */
    Progress(int epochsDone, long[] positions, long steps, Map<String, Double> metrics) {
      this(epochsDone, positions, steps, metrics, 0, Map.of());
    }

    boolean atEpochEnd() {
      for (long p : positions) {
        if (p != 0) {
          return false;
        }
      }
      return true;
    }
  }

  /** A committed checkpoint: its shard files' tag and the progress it records. */
  record Manifest(long tag, int servers, Progress progress) {}

  private Checkpoints() {}

  /** Writes server {@code server}'s shard under {@code tag}; durable when this returns. */
  static void saveShard(Path dir, long tag, int server, ParameterServer ps) throws IOException {
    CheckedFile.write(shardFile(dir, tag, server), SHARD_MAGIC, out -> ps.save(server, out));
  }

  /** Restores server {@code server}'s shard from the shard files of {@code tag}. */
  static void loadShard(Path dir, long tag, int server, ParameterServer ps) throws IOException {
    CheckedFile.read(shardFile(dir, tag, server), SHARD_MAGIC, SHARD_WHAT, in -> {
      ps.load(server, in);
      return null;
    });
  }

  /**
   * The keys and values of checkpoint {@code tag}'s {@code servers} shard files, each read with a
   * fresh updater of {@code updaters} when visited: what the coordinator exports the model from
   * over several processes, holding one shard's records at a time and no key table.
   */
  static KeyValues shardValues(Path dir, long tag, int servers, Supplier<Updater> updaters) throws IOException {
    int width = updaters.get().pullWidth();
    List<KeyValues> files = new ArrayList<>();
    for (int s = 0; s < servers; s++) {
      Path file = shardFile(dir, tag, s);
      long count = CheckedFile.readHead(file, SHARD_MAGIC, SHARD_WHAT, in -> {
        in.readInt(); // state width
        return (long) in.readInt();
      });
      files.add(KeyValues.shard(width, count, visitor -> CheckedFile.read(file, SHARD_MAGIC, SHARD_WHAT, in -> {
        ServerShard.readValues(in, updaters.get(), visitor);
        return null;
      })));
    }
    return KeyValues.of(width, files);
  }

  /**
   * Commits the shard files of {@code tag} (all written) with {@code progress}, then drops older
   * tags' files. Refused with an {@link AttemptLostException} when the committed checkpoint is of
   * a newer attempt (a tag's high half): this attempt was replaced while it stalled.
   */
  static void commit(Path dir, String fingerprint, long tag, int servers, Progress progress) throws IOException {
    long committed = committedTag(dir);
    if (committed >= 0 && (committed >>> 32) > (tag >>> 32)) {
      throw new AttemptLostException("attempt " + (committed >>> 32) + " of this job has taken over its checkpoints;"
          + " attempt " + (tag >>> 32) + " stops");
    }
    CheckedFile.Body manifest = out -> {
      writeString(out, fingerprint);
      out.writeInt(servers);
      out.writeLong(tag);
      out.writeInt(progress.epochsDone());
      out.writeLong(progress.steps());
      out.writeInt(progress.positions().length);
      for (long p : progress.positions()) {
        out.writeLong(p);
      }
      writeMetrics(out, progress.metrics());
      out.writeInt(progress.bestEpoch());
      writeMetrics(out, progress.bestMetrics());
    };
    CheckedFile.write(manifestFile(dir, tag), MAGIC, manifest);
    CheckedFile.write(dir.resolve(LATEST), MAGIC, manifest);
    dropOlder(dir, tag, progress.bestEpoch() > 0 ? committedBestModel(dir, progress.bestEpoch(), tag) : null);
  }

  /** The file the model of {@code tag} is exported to; a commit drops older tags' ones. */
  static Path exportedModel(Path dir, long tag) {
    return dir.resolve("model-" + tag + ".bin");
  }

  /** The file attempt {@code attempt} writes the model of its best epoch {@code epoch} to. */
  static Path bestModelWrittenBy(Path dir, int epoch, int attempt) {
    return dir.resolve("best-" + epoch + "-" + attempt + ".bin");
  }

  /**
   * The model of early stopping's best epoch that the manifest of {@code tag} names: of that
   * epoch's files, the one of the latest attempt up to {@code tag}'s (an attempt that resumed
   * keeps the best model an earlier one wrote); the file of attempt {@code tag}'s when none exists.
   */
  static Path committedBestModel(Path dir, int epoch, long tag) throws IOException {
    int attempt = (int) (tag >>> 32);
    Path best = null;
    int bestAttempt = -1;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "best-" + epoch + "*.bin")) {
      for (Path f : files) {
        long[] parts = numbers(f, "best-");
        int a = parts == null || parts[0] != epoch ? -1 : parts.length == 1 ? 0 : (int) parts[1];
        if (a >= 0 && a <= attempt && a > bestAttempt) {
          best = f;
          bestAttempt = a;
        }
      }
    }
    return best != null ? best : bestModelWrittenBy(dir, epoch, attempt);
  }

  /**
   * Deletes the files of tags older than {@code tag} and the best models of its attempt and
   * older ones but {@code keepBest}; never a newer attempt's.
   */
  private static void dropOlder(Path dir, long tag, Path keepBest) throws IOException {
    int attempt = (int) (tag >>> 32);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.bin")) {
      for (Path f : files) {
        long[] n;
        boolean older;
        if ((n = numbers(f, "shard-")) != null && n.length == 2) {
          older = n[1] < tag;
        } else if ((n = numbers(f, "manifest-")) != null && n.length == 1) {
          older = n[0] < tag;
        } else if ((n = numbers(f, "model-")) != null && n.length == 1) {
          older = n[0] < tag;
        } else if ((n = numbers(f, "best-")) != null) {
          older = (n.length == 1 || n[1] <= attempt) && !f.equals(keepBest);
        } else {
          older = false;
        }
        if (older) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** The dash-separated numbers of a file named {@code prefix}N[-N].bin, or null. */
  private static long[] numbers(Path file, String prefix) {
    String name = file.getFileName().toString();
    if (!name.startsWith(prefix) || !name.endsWith(".bin")) {
      return null;
    }
    String[] parts = name.substring(prefix.length(), name.length() - 4).split("-", -1);
    long[] n = new long[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        n[i] = Long.parseLong(parts[i]);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return n.length <= 2 ? n : null;
  }

  private static Path manifestFile(Path dir, long tag) {
    return dir.resolve("manifest-" + tag + ".bin");
  }

  private static void writeMetrics(DataOutputStream out, Map<String, Double> metrics) throws IOException {
    out.writeInt(metrics.size());
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      writeString(out, e.getKey());
      out.writeDouble(e.getValue());
    }
  }

  private static Map<String, Double> readMetrics(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      metrics.put(readString(in), in.readDouble());
    }
    return metrics;
  }

  /**
   * The committed checkpoint in {@code dir}, or null if none. Throws when it belongs to another
   * spec or dataset, or to a job with another server count or worker count.
   */
  static Manifest read(Path dir, String fingerprint, int servers, int workers) throws IOException {
    Stored stored = newest(dir);
    if (stored == null) {
      return null;
    }
    Path file = stored.file();
    if (!fingerprint.equals(stored.fingerprint())) {
      throw new IOException(file + " was written for another job spec or dataset; delete it to start over");
    }
    Manifest m = stored.manifest();
    int w = m.progress().positions().length;
    if (m.servers() != servers || w != workers) {
      throw new IOException(file + " has " + m.servers() + " server shards and " + w + " workers, this job runs "
          + servers + " and " + workers);
    }
    return m;
  }

  /** A manifest as written in {@code file}, before it is checked against a job. */
  private record Stored(Path file, String fingerprint, Manifest manifest) {}

  private static Stored stored(Path file) throws IOException {
    return CheckedFile.read(file, MAGIC, "Trainyard checkpoint manifest", in -> {
      String fingerprint = readString(in);
      int s = in.readInt();
      long tag = in.readLong();
      int epochs = in.readInt();
      long steps = in.readLong();
      int w = in.readInt();
      if (w < 0 || w > 1 << 16) {
        throw new IOException(file + " is corrupt: " + w + " workers");
      }
      long[] positions = new long[w];
      for (int i = 0; i < w; i++) {
        positions[i] = in.readLong();
      }
      Map<String, Double> metrics = readMetrics(in);
      int bestEpoch = in.readInt();
      Map<String, Double> bestMetrics = readMetrics(in);
      return new Stored(file, fingerprint, new Manifest(tag, s,
          new Progress(epochs, positions, steps, metrics, bestEpoch, bestMetrics)));
    });
  }

  /** The tag of the committed checkpoint in {@code dir} (tags are >= 0), or -1 when there is none. */
  private static long committedTag(Path dir) throws IOException {
    Stored stored = newest(dir);
    return stored == null ? -1 : stored.manifest().tag();
  }

  /** The file of {@code dir}'s committed checkpoint ({@link #newest}), or null when there is none. */
  static Path newestManifest(Path dir) throws IOException {
    Stored stored = newest(dir);
    return stored == null ? null : stored.file();
  }

  /**
   * The manifest of the newest tag in {@code dir}, or null when there is none: the newest of the
   * manifests the directory lists and of {@link #LATEST}, which an older attempt that woke late may
   * have written last, and which a stale listing may be without. Reads each file at most once.
   */
  private static Stored newest(Path dir) throws IOException {
    Path newest = null;
    long newestTag = -1;
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "manifest-*.bin")) {
        for (Path f : files) {
          long[] n = numbers(f, "manifest-");
          if (n != null && n.length == 1 && n[0] > newestTag) {
            newest = f;
            newestTag = n[0];
          }
        }
      }
    }
    Path latest = dir.resolve(LATEST);
    if (Files.exists(latest)) {
      Stored stored = stored(latest);
      if (stored.manifest().tag() >= newestTag) {
        return stored;
      }
    }
    return newest == null ? null : stored(newest);
  }

  private static Path shardFile(Path dir, long tag, int server) {
    return dir.resolve("shard-" + server + "-" + tag + ".bin");
  }
}
