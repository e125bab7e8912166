package trainyard.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns a text dataset into binary shards plus {@code dataset.json} (docs/FORMATS.md).
 *
 * <p>Streams: memory is bounded by one shard ({@code rowsPerShard} rows, or 4M entries if that
 * comes first) plus a 1 MiB read buffer and the distinct-feature counter (at most 32 MiB). Writes
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
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      return manifest.stats();
    } finally {
      if (!moved) {
        deleteRecursively(tmp);
      }
    }
  }

  private static DatasetManifest writeShards(InputStream in, Format format, Path dir, IngestOptions options)
      throws IOException {
    RowScanner scanner = new RowScanner(in, format, options.hashBits(), false, options.maxBadLines());
    boolean withFields = format == Format.LIBFFM;
    CsrBuilder block = new CsrBuilder(withFields, Math.min(options.rowsPerShard(), 1 << 16), 1 << 20);
    MessageDigest digest = sha256();
    DistinctCounter features = new DistinctCounter(options.hashBits());
    List<DatasetManifest.Shard> shards = new ArrayList<>();
    long rows = 0;
    long nonZeros = 0;
    long positives = 0;
    long bytes = 0;
    boolean ended;
    do {
      block.clear();
      ended = scanner.fill(block, options.rowsPerShard(), MAX_SHARD_ENTRIES);
      if (scanner.failed()) {
        throw new IngestException(scanner.badLines());
      }
      if (block.rows() == 0) {
        continue;
      }
      String name = DatasetManifest.shardName(shards.size());
      ShardFile.Written w = ShardFile.write(dir.resolve(name), block, digest);
      shards.add(new DatasetManifest.Shard(name, block.rows(), block.nonZeros(), w.bytes(), w.crc()));
      features.addAll(block.keys, block.nonZeros());
      positives += countPositives(block.labels, block.rows());
      rows += block.rows();
      nonZeros += block.nonZeros();
      bytes += w.bytes();
    } while (!ended);
    if (rows == 0) {
      throw new IngestException(0, "the input has no rows");
    }
    DatasetStats stats = new DatasetStats(rows, features.count(), nonZeros, positives, rows - positives, bytes,
        shards.size(), options.hashBits(), withFields, HexFormat.of().formatHex(digest.digest()));
    return new DatasetManifest(format, stats, features.exact(), List.copyOf(shards));
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

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
