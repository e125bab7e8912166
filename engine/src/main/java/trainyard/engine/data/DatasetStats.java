package trainyard.engine.data;

/**
 * What ingestion learned about a dataset.
 *
 * @param rows      examples
 * @param features  distinct feature ids (after hashing, if any)
 * @param nonZeros  stored entries
 * @param positives rows with label > 0
 * @param negatives rows with label <= 0
 * @param bytes     size of the binary shards on disk
 * @param shards    number of shards
 * @param hashBits  0 if ids were kept, else ids were hashed into 2^hashBits
 * @param hasFields whether entries carry field ids (libffm)
 * @param checksum  hex digest over all shard contents, recorded in model provenance
 */
public record DatasetStats(
    long rows,
    long features,
    long nonZeros,
    long positives,
    long negatives,
    long bytes,
    int shards,
    int hashBits,
    boolean hasFields,
    String checksum) {}
