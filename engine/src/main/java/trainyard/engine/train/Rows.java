package trainyard.engine.train;

import java.util.List;
import trainyard.engine.data.CsrBlock;

/** Copies selected rows of several blocks into one block, in one pass. Stateless. */
final class Rows {
  private Rows() {}

  /** A row reference: block index in the high 32 bits, row in the low 32. */
  static long ref(int block, int row) {
    return (long) block << 32 | row;
  }

  /** The rows {@code refs} name (see {@link #ref}), in that order, copied into one block. */
  static CsrBlock gather(List<CsrBlock> blocks, long[] refs) {
    int n = refs.length;
    long nnz = 0;
    boolean anyValues = false;
    boolean allFields = !blocks.isEmpty();
    for (CsrBlock block : blocks) {
      anyValues |= block.values != null;
      allFields &= block.fields != null;
    }
    for (long ref : refs) {
      CsrBlock block = blocks.get((int) (ref >>> 32));
      int r = (int) ref;
      nnz += block.rowStart[r + 1] - block.rowStart[r];
    }
    if (nnz > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a worker's share holds " + nnz + " non-zeros; use more workers");
    }
    int[] rowStart = new int[n + 1];
    long[] keys = new long[(int) nnz];
    float[] values = anyValues ? new float[(int) nnz] : null;
    int[] fields = allFields ? new int[(int) nnz] : null;
    float[] labels = new float[n];
    int pos = 0;
    for (int i = 0; i < n; i++) {
      CsrBlock block = blocks.get((int) (refs[i] >>> 32));
      int r = (int) refs[i];
      int from = block.rowStart[r];
      int len = block.rowStart[r + 1] - from;
      System.arraycopy(block.keys, from, keys, pos, len);
      if (values != null) {
        if (block.values != null) {
          System.arraycopy(block.values, from, values, pos, len);
        } else {
          java.util.Arrays.fill(values, pos, pos + len, 1f);
        }
      }
      if (fields != null) {
        System.arraycopy(block.fields, from, fields, pos, len);
      }
      labels[i] = block.labels[r];
      pos += len;
      rowStart[i + 1] = pos;
    }
    return new CsrBlock(n, rowStart, keys, values, labels, fields);
  }
}
