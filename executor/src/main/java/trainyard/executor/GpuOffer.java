package trainyard.executor;

import java.util.List;
import java.util.OptionalInt;
import trainyard.gpu.Devices;
import trainyard.gpu.GpuDevice;

/**
 * The GPUs an executor offers to jobs: those the CUDA driver finds, at most {@code cap} of them
 * (the lowest ordinals) when a cap is set, and one line for the log that says what it offers or
 * why it is a CPU executor. Immutable.
 *
 * @param gpus what it offers, by ordinal
 * @param line what to log at start
 */
public record GpuOffer(List<GpuDevice> gpus, String line) {
  public GpuOffer {
    gpus = List.copyOf(gpus);
  }

  /** Asks the driver (never throws: a machine without one offers none and says why). */
  public static GpuOffer discover(OptionalInt cap) {
    return of(Devices.discover(), cap);
  }

  static GpuOffer of(Devices.Discovery found, OptionalInt cap) {
    List<GpuDevice> all = found.devices();
    if (all.isEmpty()) {
      return new GpuOffer(all, "CPU executor: " + found.reason());
    }
    int offered = Math.min(all.size(), cap.orElse(all.size()));
    if (offered == 0) {
      return new GpuOffer(List.of(), "CPU executor: trainyard.executor.gpus is 0; the driver found " + count(all.size()));
    }
    List<GpuDevice> gpus = all.subList(0, offered);
    StringBuilder line = new StringBuilder();
    if (cap.isPresent() && cap.getAsInt() > all.size()) {
      line.append("trainyard.executor.gpus is ").append(cap.getAsInt()).append(" but the driver found only ")
          .append(count(all.size())).append("; ");
    }
    line.append("offering ").append(count(offered)).append(':');
    for (GpuDevice d : gpus) {
      line.append(' ').append(d.ordinal()).append(" = ").append(describe(d)).append(';');
    }
    line.setLength(line.length() - 1);
    return new GpuOffer(gpus, line.toString());
  }

  /** "NVIDIA H200 (140.0 GiB, compute 9.0)". */
  static String describe(GpuDevice d) {
    return String.format(java.util.Locale.ROOT, "%s (%.1f GiB, compute %d.%d)", d.name(),
        d.memoryBytes() / (1024.0 * 1024 * 1024), d.computeMajor(), d.computeMinor());
  }

  private static String count(int n) {
    return n + (n == 1 ? " GPU" : " GPUs");
  }
}
