package trainyard.gpu;

/**
 * One worker's queue of work on one device: its buffers, the copies to and from them and the
 * launches of {@link Kernel}s, each run after the calls before it. Not thread-safe; any thread
 * may use it after calling {@link #begin()}.
 */
interface Stream extends AutoCloseable {
  /** Makes the device current for the calling thread; call before the other methods. */
  void begin();

  DeviceBuffer floats(int n);

  DeviceBuffer ints(int n);

  /** Frees buffers (nulls are skipped) that nothing queued still uses: call after a download drained the stream. */
  void free(DeviceBuffer... buffers);

  /** Queues a copy of {@code src[0..n)} to {@code dst}; {@code src} may be reused once this returns. */
  void upload(float[] src, int n, DeviceBuffer dst);

  void upload(int[] src, int n, DeviceBuffer dst);

  /** Queues zeroing {@code n} elements of {@code dst}. */
  void zero(DeviceBuffer dst, int n);

  /** Copies {@code n} floats of {@code src} into {@code dst} once everything queued before ran; returns then. */
  void download(DeviceBuffer src, int n, float[] dst);

  /**
   * Queues {@code kernel} on a grid of {@code gridX × gridY} blocks of {@code block} threads with
   * {@code sharedBytes} of dynamic shared memory; {@code args} are {@link DeviceBuffer}s,
   * Integers and Floats, in the kernel's parameter order.
   */
  void launch(Kernel kernel, int gridX, int gridY, int block, int sharedBytes, Object... args);

  /** Frees the buffers and the stream. */
  @Override
  void close();
}
