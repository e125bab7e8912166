package trainyard.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An ingested dataset on disk: {@code dataset.json} plus its shards. Each {@link #shard} call
 * reads the file and verifies its CRC32C. Immutable and thread-safe.
 */
public final class ShardedDataset implements Dataset {
  private final Path dir;
  private final DatasetManifest manifest;

  private ShardedDataset(Path dir, DatasetManifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /**
   * Opens a directory written by {@link Ingest}; checks that every shard is there with its size.
   *
   * @throws CorruptShardException when dataset.json or a shard is missing or does not match
   */
  public static ShardedDataset open(Path dir) throws IOException {
    DatasetManifest m = DatasetManifest.read(dir);
    for (DatasetManifest.Shard s : m.shards()) {
      Path f = dir.resolve(s.file());
      if (!Files.isRegularFile(f)) {
        throw new CorruptShardException(f + " is missing from the dataset");
      }
      long size = Files.size(f);
      if (size != s.bytes()) {
        throw new CorruptShardException(f + " is corrupt: " + size + " bytes, dataset.json says " + s.bytes());
      }
    }
    return new ShardedDataset(dir, m);
  }

  @Override
  public DatasetStats stats() {
    return manifest.stats();
  }

  @Override
  public int shardCount() {
    return manifest.shards().size();
  }

  /** Whether stats().features is exact (false: a HyperLogLog estimate). */
  public boolean featuresExact() {
    return manifest.featuresExact();
  }

  public Format sourceFormat() {
    return manifest.sourceFormat();
  }

  /** Rows of shard {@code index}, from dataset.json, without reading the shard. */
  @Override
  public int shardRows(int index) {
    return manifest.shards().get(index).rows();
  }

  @Override
  public CsrBlock shard(int index) throws IOException {
    List<DatasetManifest.Shard> shards = manifest.shards();
    if (index < 0 || index >= shards.size()) {
      throw new IndexOutOfBoundsException("shard " + index + " of " + shards.size());
    }
    DatasetManifest.Shard s = shards.get(index);
    Path file = dir.resolve(s.file());
    CsrBlock block = ShardFile.read(file);
    if (block.rows != s.rows() || block.nonZeros() != s.nonZeros()) {
      throw new CorruptShardException(file + " is corrupt: it holds " + block.rows + " rows and "
          + block.nonZeros() + " entries, dataset.json says " + s.rows() + " and " + s.nonZeros());
    }
    return block;
  }

  @Override
  public String toString() {
    return "ShardedDataset[" + dir + ", " + manifest.stats().rows() + " rows in " + shardCount() + " shards]";
  }
}
