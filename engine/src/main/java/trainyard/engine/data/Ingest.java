package trainyard.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import trainyard.engine.io.Durable;
import trainyard.engine.io.FileTrees;

/**
 * Turns a text dataset into binary shards plus {@code dataset.json} (docs/FORMATS.md).
 *
 * <p>Streams: memory is bounded by two shards ({@code rowsPerShard} rows, or 4M entries if that
 * comes first: one being parsed while a writer thread writes the other) plus a 1 MiB read buffer
 * and the distinct-feature counter (at most 32 MiB). Writes
 * into a temporary sibling of {@code dir} and renames it to {@code dir} only when every line was
 * good, so a failure leaves nothing at {@code dir}.
 *
 * <p>Stateless and thread-safe; concurrent ingests must target different directories.
 */
public final class Ingest {
  /** A shard is cut early at this many entries, so very wide rows still bound memory. */
  static final int MAX_SHARD_ENTRIES = 4 << 20;

  private Ingest() {}

  /**
   * Reads {@code in} (gzip or plain) to its end and writes the dataset to {@code dir}, which must not
   * exist yet. Does not close {@code in}.
   *
   * @throws IngestException the input has bad lines (the first {@code maxBadLines} of them) or no rows
   * @throws IOException     reading or writing failed, or {@code dir} exists
   */
  public static DatasetStats ingest(InputStream in, Format format, Path dir, IngestOptions options) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString(), null, "the dataset directory already exists");
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".ingest-");
    boolean moved = false;
    try {
      DatasetManifest manifest = writeShards(in, format, tmp, options);
      manifest.write(tmp);
      Durable.sync(tmp.resolve(DatasetManifest.FILE));
      Durable.syncDirectory(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      Durable.syncDirectory(parent);
      return manifest.stats();
    } finally {
      if (!moved) {
        FileTrees.deleteRecursively(tmp);
      }
    }
  }

  private static DatasetManifest writeShards(InputStream in, Format format, Path dir, IngestOptions options)
      throws IOException {
    try (RowSource rows = RowSource.open(in, format, options.hashBits(), false, options.maxBadLines(),
        RowSource.defaultThreads())) {
      return writeShards(rows, format, dir, options);
    }
  }

  private static DatasetManifest writeShards(RowSource scanner, Format format, Path dir, IngestOptions options)
      throws IOException {
    boolean withFields = format == Format.LIBFFM;
    int rowCapacity = Math.min(options.rowsPerShard(), 1 << 16);
    // two blocks: the scanner fills one while the writer thread writes the other
    CsrBuilder filling = new CsrBuilder(withFields, rowCapacity, 1 << 20);
    CsrBuilder spare = new CsrBuilder(withFields, rowCapacity, 1 << 20);
    DistinctCounter features = new DistinctCounter();
    ShapeCounter shape = new ShapeCounter();
    ExecutorService writer = singleThread("ingest-writer-" + dir.getFileName());
    // forcing a shard to disk waits on the device: a thread of its own keeps that off the writer's path
    ExecutorService syncer = singleThread("ingest-sync-" + dir.getFileName());
    ShardSink sink = new ShardSink(dir, options.hashBits(), syncer);
    try {
      Future<?> pending = null;
      boolean ended;
      do {
        filling.clear();
        ended = scanner.fill(filling, options.rowsPerShard(), MAX_SHARD_ENTRIES);
        if (scanner.failed()) {
          throw new IngestException(scanner.badLines());
        }
        if (filling.rows() > 0) {
          // counted here, beside the write of the previous block, rather than on the writer thread
          features.addAll(filling.keys, filling.nonZeros());
          shape.add(filling.keys, filling.nonZeros(), filling.labels, filling.rows());
        }
        await(pending);
        pending = null;
        if (filling.rows() > 0) {
          CsrBuilder block = filling;
          pending = writer.submit(() -> {
            sink.write(block);
            return null;
          });
          filling = spare;
          spare = block;
        }
      } while (!ended);
      await(pending);
      for (Future<?> sync : sink.syncs) {
        Tasks.await(sync, "forcing a shard to disk");
      }
    } finally {
      // on failure, let the writes and syncs in flight finish so the caller can delete the directory
      finish(writer);
      finish(syncer);
    }
    if (sink.rows == 0) {
      throw new IngestException(0, "the input has no rows");
    }
    return sink.manifest(format, withFields, features, shape);
  }

  private static ExecutorService singleThread(String name) {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  private static void finish(ExecutorService executor) {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for a shard write; its IOException comes out as is. */
  private static void await(Future<?> pending) throws IOException {
    if (pending != null) {
      Tasks.await(pending, "writing a shard");
    }
  }

  /**
   * Writes shards in order, queues each for a sync, and accumulates the statistics. Used by one
   * writer thread at a time; the ingesting thread reads the totals and syncs only after the last
   * write completed (Future.get gives the happens-before).
   */
  private static final class ShardSink {
    private final Path dir;
    private final int hashBits;
    private final ExecutorService syncer;
    private final List<DatasetManifest.Shard> shards = new ArrayList<>();
    private final ShardFile.Writer shardWriter = new ShardFile.Writer();
    final List<Future<?>> syncs = new ArrayList<>();
    long rows;
    long nonZeros;
    long positives;
    long bytes;

    ShardSink(Path dir, int hashBits, ExecutorService syncer) {
      this.dir = dir;
      this.hashBits = hashBits;
      this.syncer = syncer;
    }

    void write(CsrBuilder block) throws IOException {
      String name = DatasetManifest.shardName(shards.size());
      Path file = dir.resolve(name);
      ShardFile.Written w = shardWriter.write(file, block);
      syncs.add(syncer.submit(() -> {
        Durable.sync(file);
        return null;
      }));
      shards.add(new DatasetManifest.Shard(name, block.rows(), block.nonZeros(), w.bytes(), w.crc()));
      positives += countPositives(block.labels, block.rows());
      rows += block.rows();
      nonZeros += block.nonZeros();
      bytes += w.bytes();
    }

    DatasetManifest manifest(Format format, boolean withFields, DistinctCounter features, ShapeCounter shape) {
      DatasetStats stats = new DatasetStats(rows, features.count(), nonZeros, positives, rows - positives, bytes,
          shards.size(), hashBits, withFields, checksum(shards), shape.maxFeatureId(), shape.classes());
      return new DatasetManifest(format, stats, features.exact(), List.copyOf(shards));
    }
  }

  private static long countPositives(float[] labels, int n) {
    long p = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] > 0) {
        p++;
      }
    }
    return p;
  }

  /**
   * SHA-256 of the shard list: each shard's name, rows, entries, bytes and CRC32C. It names the
   * content (the shards are a deterministic function of the input and options, and a change to
   * any shard changes its CRC) without a second pass over every byte: hashing the shard bytes
   * themselves cost more CPU than parsing. It is an identity for provenance, not a defence
   * against crafted collisions.
   */
  static String checksum(List<DatasetManifest.Shard> shards) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    for (DatasetManifest.Shard s : shards) {
      digest.update((s.file() + ' ' + s.rows() + ' ' + s.nonZeros() + ' ' + s.bytes() + ' '
          + Integer.toHexString(s.crc32c()) + '\n').getBytes(StandardCharsets.US_ASCII));
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
