package trainyard.gpu;

/** Floats or ints resident on a {@link Stream}'s device; kernels take them as pointers. */
interface DeviceBuffer {
  /** The same memory from element {@code offset} on. */
  DeviceBuffer at(int offset);
}
