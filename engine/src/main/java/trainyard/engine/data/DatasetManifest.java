package trainyard.engine.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dataset.json}: the statistics and the list of shards of an ingested dataset
 * (docs/FORMATS.md). Immutable.
 *
 * @param sourceFormat  the text format it was ingested from
 * @param stats         what ingestion learned
 * @param featuresExact whether {@code stats.features} is exact rather than a HyperLogLog estimate
 * @param shards        the shard files, in order
 */
record DatasetManifest(Format sourceFormat, DatasetStats stats, boolean featuresExact, List<Shard> shards) {
  static final String FILE = "dataset.json";
  static final int VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One shard file: its name within the dataset directory, size and CRC32C. */
  record Shard(String file, int rows, long nonZeros, long bytes, int crc32c) {}

  static String shardName(int index) {
    return String.format("shard-%05d.bin", index);
  }

  void write(Path dir) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", VERSION);
    root.put("sourceFormat", sourceFormat.id());
    ObjectNode s = root.putObject("stats");
    s.put("rows", stats.rows());
    s.put("features", stats.features());
    s.put("featuresExact", featuresExact);
    s.put("nonZeros", stats.nonZeros());
    s.put("positives", stats.positives());
    s.put("negatives", stats.negatives());
    s.put("bytes", stats.bytes());
    s.put("shards", stats.shards());
    s.put("hashBits", stats.hashBits());
    s.put("hasFields", stats.hasFields());
    s.put("checksum", stats.checksum());
    s.put("maxFeatureId", stats.maxFeatureId());
    s.put("classes", stats.classes());
    ArrayNode list = root.putArray("shards");
    for (Shard sh : shards) {
      list.addObject().put("file", sh.file()).put("rows", sh.rows()).put("nonZeros", sh.nonZeros())
          .put("bytes", sh.bytes()).put("crc32c", Integer.toHexString(sh.crc32c()));
    }
    Files.writeString(dir.resolve(FILE), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
  }

  static DatasetManifest read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new CorruptShardException(dir + " is not an ingested dataset: " + FILE + " is missing");
    }
    try {
      JsonNode root = MAPPER.readTree(file.toFile());
      if (root.path("version").asInt() != VERSION) {
        throw new CorruptShardException(file + " has version " + root.path("version") + ", expected " + VERSION);
      }
      JsonNode s = root.get("stats");
      DatasetStats stats = new DatasetStats(s.get("rows").asLong(), s.get("features").asLong(),
          s.get("nonZeros").asLong(), s.get("positives").asLong(), s.get("negatives").asLong(),
          s.get("bytes").asLong(), s.get("shards").asInt(), s.get("hashBits").asInt(),
          s.get("hasFields").asBoolean(), s.get("checksum").asText(), s.path("maxFeatureId").asLong(-1),
          s.path("classes").asInt(-1));
      List<Shard> shards = new ArrayList<>();
      for (JsonNode n : root.get("shards")) {
        shards.add(new Shard(n.get("file").asText(), n.get("rows").asInt(), n.get("nonZeros").asLong(),
            n.get("bytes").asLong(), Integer.parseUnsignedInt(n.get("crc32c").asText(), 16)));
      }
      if (shards.size() != stats.shards()) {
        throw new CorruptShardException(file + " lists " + shards.size() + " shards but its stats say " + stats.shards());
      }
      return new DatasetManifest(Format.parse(root.get("sourceFormat").asText()), stats,
          s.get("featuresExact").asBoolean(), List.copyOf(shards));
    } catch (IOException e) {
      throw e instanceof CorruptShardException ? e : new CorruptShardException(file + " is unreadable: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new CorruptShardException(file + " is corrupt: " + e);
    }
  }
}
