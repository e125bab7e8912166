package trainyard.engine.train;

import java.util.List;
import trainyard.engine.data.CsrBlock;

/** Copies selected rows of several blocks into one block. Stateless. */
final class Rows {
  private Rows() {}

  /** Rows {@code rows[b]} of each {@code blocks.get(b)}, in that order. */
  static CsrBlock gather(List<CsrBlock> blocks, int[][] rows) {
    int n = 0;
    long nnz = 0;
    boolean anyValues = false;
    boolean allFields = !blocks.isEmpty();
    for (int b = 0; b < blocks.size(); b++) {
      CsrBlock block = blocks.get(b);
      n += rows[b].length;
      for (int r : rows[b]) {
        nnz += block.rowStart[r + 1] - block.rowStart[r];
      }
      anyValues |= block.values != null;
      allFields &= block.fields != null;
    }
    if (nnz > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a worker's share holds " + nnz + " non-zeros; use more workers");
    }
    int[] rowStart = new int[n + 1];
    long[] keys = new long[(int) nnz];
    float[] values = anyValues ? new float[(int) nnz] : null;
    int[] fields = allFields ? new int[(int) nnz] : null;
    float[] labels = new float[n];
    int out = 0;
    int pos = 0;
    for (int b = 0; b < blocks.size(); b++) {
      CsrBlock block = blocks.get(b);
      for (int r : rows[b]) {
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
        labels[out] = block.labels[r];
        pos += len;
        rowStart[++out] = pos;
      }
    }
    return new CsrBlock(n, rowStart, keys, values, labels, fields);
  }
}
