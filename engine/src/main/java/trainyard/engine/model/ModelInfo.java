package trainyard.engine.model;

/**
 * How a model was made: its provenance, stored in every model file.
 *
 * @param algorithm       linear, fm or mlp
 * @param keys            parameters keys the model holds (sparse: features with a weight)
 * @param hashBits        the dataset's hashing of feature ids (0: ids kept); predict input must match
 * @param specJson        the job spec that trained it
 * @param datasetChecksum the training dataset's checksum
 * @param seed            the job's seed
 * @param engineVersion   the engine that trained it
 */
public record ModelInfo(
    String algorithm,
    long keys,
    int hashBits,
    String specJson,
    String datasetChecksum,
    long seed,
    String engineVersion) {

  /** This engine's version, written into every model file it saves. */
  public static final String ENGINE_VERSION = "0.1.0";

  public ModelInfo withKeys(long n) {
    return new ModelInfo(algorithm, n, hashBits, specJson, datasetChecksum, seed, engineVersion);
  }
}
