package trainyard.gpu;

/**
 * Every kernel of {@code kernels.cu} in Java, thread by thread over the grid it is launched on,
 * with the kernel's own float arithmetic (fused multiply-adds where it has them): what the GPU
 * tests compare the device against, and what runs {@link DeviceOps} on machines without one.
 * Not thread-safe.
 */
final class ReferenceStream implements Stream {
  @Override
  public void begin() {}

  @Override
  public DeviceBuffer floats(int n) {
    return new Host(new float[n], null, 0);
  }

  @Override
  public DeviceBuffer ints(int n) {
    return new Host(null, new int[n], 0);
  }

  @Override
  public void free(DeviceBuffer... buffers) {}

  @Override
  public void upload(float[] src, int n, DeviceBuffer dst) {
    Host d = (Host) dst;
    System.arraycopy(src, 0, d.f, d.off, n);
  }

  @Override
  public void upload(int[] src, int n, DeviceBuffer dst) {
    Host d = (Host) dst;
    System.arraycopy(src, 0, d.i, d.off, n);
  }

  @Override
  public void zero(DeviceBuffer dst, int n) {
    Host d = (Host) dst;
    if (d.f != null) {
      java.util.Arrays.fill(d.f, d.off, d.off + n, 0f);
    } else {
      java.util.Arrays.fill(d.i, d.off, d.off + n, 0);
    }
  }

  @Override
  public void download(DeviceBuffer src, int n, float[] dst) {
    Host s = (Host) src;
    System.arraycopy(s.f, s.off, dst, 0, n);
  }

  @Override
  public void close() {}

  @Override
  public void launch(Kernel kernel, int gridX, int gridY, int block, int shared, Object... a) {
    int threads = gridX * block;
    switch (kernel) {
      case SGEMM_NN_128, SGEMM_TN_128, SGEMM_NT_128 -> sgemm(kernel, 128, gridX, gridY, block, a);
      case SGEMM_NN_64, SGEMM_TN_64, SGEMM_NT_64 -> sgemm(kernel, 64, gridX, gridY, block, a);
      case ADD_BIAS -> {
        Host z = buf(a[0]);
        int rows = (Integer) a[1];
        int cols = (Integer) a[2];
        Host bias = buf(a[3]);
        for (int t = 0; t < threads && t < rows * cols; t++) {
          z.f[z.off + t] += bias.f[bias.off + t % cols];
        }
      }
      case RELU -> {
        Host z = buf(a[0]);
        Host out = buf(a[1]);
        for (int t = 0; t < threads && t < (Integer) a[2]; t++) {
          float v = z.f[z.off + t];
          out.f[out.off + t] = v > 0f ? v : 0f;
        }
      }
      case RELU_BACKWARD -> {
        Host delta = buf(a[0]);
        Host z = buf(a[1]);
        for (int t = 0; t < threads && t < (Integer) a[2]; t++) {
          if (z.f[z.off + t] <= 0f) {
            delta.f[delta.off + t] = 0f;
          }
        }
      }
      case COLUMN_SUMS -> {
        Host m = buf(a[0]);
        int rows = (Integer) a[1];
        int cols = (Integer) a[2];
        Host out = buf(a[3]);
        for (int j = 0; j < threads && j < cols; j++) {
          float s = 0f;
          for (int r = 0; r < rows; r++) {
            s += m.f[m.off + r * cols + j];
          }
          out.f[out.off + j] = s;
        }
      }
      case SOFTMAX_LOSS -> softmaxLoss(threads, a);
      case LOGISTIC_LOSS -> logisticLoss(threads, a);
      case FM_ROWS -> fmRows(gridX, block, shared, a);
      case FM_REGULARIZE -> fmRegularize(threads, a);
    }
  }

  /** Each block computes its BM×BM tile of C; each element is one fused multiply-add chain over p ascending. */
  private static void sgemm(Kernel kernel, int tile, int gridX, int gridY, int block, Object[] a) {
    if (block != 256) {
      throw new IllegalArgumentException(kernel.entry + " is written for 256 threads, launched with " + block);
    }
    boolean transA = kernel.entry.startsWith("sgemm_tn");
    boolean transB = kernel.entry.startsWith("sgemm_nt");
    int m = (Integer) a[0];
    int n = (Integer) a[1];
    int k = (Integer) a[2];
    Host A = buf(a[3]);
    Host B = buf(a[4]);
    Host C = buf(a[5]);
    for (int by = 0; by < gridY; by++) {
      for (int bx = 0; bx < gridX; bx++) {
        for (int i = by * tile; i < Math.min(m, (by + 1) * tile); i++) {
          for (int j = bx * tile; j < Math.min(n, (bx + 1) * tile); j++) {
            float acc = 0f;
            for (int p = 0; p < k; p++) {
              float av = transA ? A.f[A.off + p * m + i] : A.f[A.off + i * k + p];
              float bv = transB ? B.f[B.off + j * k + p] : B.f[B.off + p * n + j];
              acc = Math.fma(av, bv, acc);
            }
            C.f[C.off + i * n + j] = acc;
          }
        }
      }
    }
  }

  private static void softmaxLoss(int threads, Object[] a) {
    Host z = buf(a[0]);
    Host labels = buf(a[1]);
    int rows = (Integer) a[2];
    int k = (Integer) a[3];
    float inv = (Float) a[4];
    Host delta = buf(a[5]);
    Host loss = buf(a[6]);
    for (int r = 0; r < threads && r < rows; r++) {
      int zr = z.off + r * k;
      int dr = delta.off + r * k;
      float max = z.f[zr];
      for (int c = 1; c < k; c++) {
        max = Math.max(max, z.f[zr + c]);
      }
      float sum = 0f;
      for (int c = 0; c < k; c++) {
        float e = (float) Math.exp(z.f[zr + c] - max);
        delta.f[dr + c] = e;
        sum += e;
      }
      int y = (int) labels.f[labels.off + r];
      for (int c = 0; c < k; c++) {
        float p = delta.f[dr + c] / sum;
        if (c == y) {
          loss.f[loss.off + r] = (float) -Math.log(Math.max(1e-15f, p));
        }
        delta.f[dr + c] = (p - (c == y ? 1f : 0f)) * inv;
      }
    }
  }

  private static float sigmoid(float m) {
    return m >= 0f ? 1f / (1f + (float) Math.exp(-m)) : 1f - 1f / (1f + (float) Math.exp(m));
  }

  private static void logisticLoss(int threads, Object[] a) {
    Host z = buf(a[0]);
    Host labels = buf(a[1]);
    int rows = (Integer) a[2];
    float inv = (Float) a[3];
    Host delta = buf(a[4]);
    Host loss = buf(a[5]);
    for (int r = 0; r < threads && r < rows; r++) {
      float p = sigmoid(z.f[z.off + r]);
      float t = labels.f[labels.off + r] > 0f ? 1f : 0f;
      loss.f[loss.off + r] = (float) -Math.log(Math.max(1e-15f, t > 0f ? p : 1f - p));
      delta.f[delta.off + r] = (p - t) * inv;
    }
  }

  private static float lossValue(int kind, float m, float y) {
    if (kind == 0) {
      return Math.max(m, 0f) + (float) Math.log1p(Math.exp(-Math.abs(m))) - (y > 0f ? m : 0f);
    }
    if (kind == 1) {
      return 0.5f * (m - y) * (m - y);
    }
    float s = y > 0f ? 1f : -1f;
    return Math.max(0f, 1f - s * m);
  }

  private static float lossGradient(int kind, float m, float y) {
    if (kind == 0) {
      return sigmoid(m) - (y > 0f ? 1f : 0f);
    }
    if (kind == 1) {
      return m - y;
    }
    float s = y > 0f ? 1f : -1f;
    return s * m < 1f ? -s : 0f;
  }

  /** One warp per row: warp w of block b takes row b·(block/32) + w; s takes dim floats of shared memory per warp. */
  private static void fmRows(int gridX, int block, int shared, Object[] a) {
    Host pull = buf(a[0]);
    Host key = buf(a[1]);
    Host x = buf(a[2]);
    Host rowStart = buf(a[3]);
    Host labels = buf(a[4]);
    int rows = (Integer) a[5];
    int dim = (Integer) a[6];
    int lossKind = (Integer) a[7];
    float inv = (Float) a[8];
    Host push = buf(a[9]);
    Host loss = buf(a[10]);
    int warps = block / 32;
    if (shared < warps * dim * Float.BYTES) {
      throw new IllegalArgumentException("fm_rows needs " + warps * dim * Float.BYTES + " bytes of shared memory, got " + shared);
    }
    int pullW = 1 + dim;
    int pushW = 2 + dim;
    float[] s = new float[dim];
    for (int r = 0; r < gridX * warps && r < rows; r++) {
      int start = rowStart.i[rowStart.off + r];
      int end = rowStart.i[rowStart.off + r + 1];
      java.util.Arrays.fill(s, 0f);
      float lin = 0f;
      float sq = 0f;
      for (int e = start + 1; e < end; e++) {
        int v = pull.off + key.i[key.off + e] * pullW;
        float xe = x.f[x.off + e];
        lin += pull.f[v] * xe;
        for (int f = 0; f < dim; f++) {
          float vx = pull.f[v + 1 + f] * xe;
          s[f] += vx;
          sq += vx * vx;
        }
      }
      float ss = 0f;
      for (int f = 0; f < dim; f++) {
        ss += s[f] * s[f];
      }
      int bias = key.i[key.off + start];
      float m = pull.f[pull.off + bias * pullW] + lin + 0.5f * (ss - sq);
      float y = labels.f[labels.off + r];
      loss.f[loss.off + r] = lossValue(lossKind, m, y);
      float d = lossGradient(lossKind, m, y) * inv;
      if (d == 0f) {
        continue;
      }
      push.f[push.off + bias * pushW + 1] += d;
      for (int e = start + 1; e < end; e++) {
        int idx = key.i[key.off + e];
        int v = pull.off + idx * pullW;
        int g = push.off + idx * pushW;
        float xe = x.f[x.off + e];
        push.f[g + 1] += d * xe;
        float xx = xe * xe;
        for (int f = 0; f < dim; f++) {
          push.f[g + 2 + f] += d * (xe * s[f] - pull.f[v + 1 + f] * xx);
        }
      }
    }
  }

  private static void fmRegularize(int threads, Object[] a) {
    Host pull = buf(a[0]);
    Host counts = buf(a[1]);
    int keys = (Integer) a[2];
    int dim = (Integer) a[3];
    float l2 = (Float) a[4];
    float inv = (Float) a[5];
    Host push = buf(a[6]);
    for (int i = 0; i < threads && i < keys; i++) {
      int g = push.off + i * (2 + dim);
      int c = counts.i[counts.off + i];
      push.f[g] = c;
      if (l2 > 0f) {
        float reg = l2 * c * inv;
        int v = pull.off + i * (1 + dim) + 1;
        for (int f = 0; f < dim; f++) {
          push.f[g + 2 + f] += reg * pull.f[v + f];
        }
      }
    }
  }

  private static Host buf(Object o) {
    return (Host) o;
  }

  /** Host memory standing in for the device's: floats or ints, from an offset. */
  private static final class Host implements DeviceBuffer {
    final float[] f;
    final int[] i;
    final int off;

    Host(float[] f, int[] i, int off) {
      this.f = f;
      this.i = i;
      this.off = off;
    }

    @Override
    public DeviceBuffer at(int offset) {
      return new Host(f, i, off + offset);
    }
  }
}
