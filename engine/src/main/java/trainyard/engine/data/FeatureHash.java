package trainyard.engine.data;

/**
 * Hashing of 64-bit feature ids into a 2^bits space.
 *
 * <p>The id goes through the SplitMix64 / Murmur3 {@code fmix64} style finalizer ("variant 13" of
 * Stafford's mixers, as in {@code java.util.SplittableRandom}): every input bit affects every
 * output bit with probability close to 1/2, so the top {@code bits} bits are a near-uniform bucket
 * even for dense, sequential ids. We take the top bits rather than the low ones because the
 * finalizer's high bits are its best mixed. The mapping is fixed forever: models and datasets record
 * only {@code hashBits}, so changing it would silently break them.
 *
 * <p>Stateless and thread-safe.
 */
public final class FeatureHash {
  private FeatureHash() {}

  /** SplitMix64's finalizer (Stafford variant 13). */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The bucket of {@code id} in [0, 2^bits); bits in 1..63. */
  public static long bucket(long id, int bits) {
    return mix(id) >>> (64 - bits);
  }
}
