package trainyard.executor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import trainyard.bus.Gpu;
import trainyard.gpu.GpuDevice;

/**
 * The GPUs an executor offers and which job holds each: a job takes the ordinals its assignment
 * names when it starts and gives them back when it ends, and no ordinal is held by two jobs.
 * Thread-safe.
 */
final class GpuLeases {
  private final String executorId;
  /** By ordinal. */
  private final Map<Integer, GpuDevice> devices = new LinkedHashMap<>();
  /** Guarded by this: ordinal → the job holding it. */
  private final Map<Integer, String> held = new HashMap<>();

  GpuLeases(String executorId, List<GpuDevice> devices) {
    this.executorId = executorId;
    for (GpuDevice d : devices) {
      this.devices.put(d.ordinal(), d);
    }
  }

  /**
   * Gives {@code jobId} the GPUs {@code ordinals}, all or none.
   *
   * @throws GpuUnavailableException naming an ordinal this executor does not offer, or the job
   *         holding one
   */
  synchronized void take(String jobId, List<Integer> ordinals) {
    for (int ordinal : ordinals) {
      if (!devices.containsKey(ordinal)) {
        throw new GpuUnavailableException("executor " + executorId + " has no GPU " + ordinal + "; it offers "
            + (devices.isEmpty() ? "none" : devices.keySet()));
      }
      String holder = held.get(ordinal);
      if (holder != null) {
        throw new GpuUnavailableException("GPU " + ordinal + " of executor " + executorId + " is held by job " + holder);
      }
    }
    for (int ordinal : ordinals) {
      held.put(ordinal, jobId);
    }
  }

  /** Frees every GPU {@code jobId} holds; nothing when it holds none. */
  synchronized void release(String jobId) {
    held.values().removeIf(jobId::equals);
  }

  synchronized int free() {
    return devices.size() - held.size();
  }

  int count() {
    return devices.size();
  }

  /** Every GPU with the job holding it, by ordinal, as heartbeats carry them. */
  synchronized List<Gpu> snapshot() {
    List<Gpu> out = new ArrayList<>(devices.size());
    for (GpuDevice d : devices.values()) {
      out.add(new Gpu(d.ordinal(), d.name(), d.memoryBytes(), d.computeMajor(), d.computeMinor(), held.get(d.ordinal())));
    }
    return out;
  }
}
