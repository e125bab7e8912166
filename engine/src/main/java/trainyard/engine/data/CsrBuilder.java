package trainyard.engine.data;

import java.util.Arrays;

/**
 * Builds a {@link CsrBlock} row by row into growable primitive arrays: {@code add} entries, then
 * {@code endRow(label)}, or {@code abortRow()} to drop the entries of a row that turned out bad.
 * {@link #clear()} keeps the arrays for the next block, so a reader allocates only while a block
 * grows beyond the largest it has built.
 *
 * <p>Not thread-safe.
 */
public final class CsrBuilder {
  private final boolean withFields;
  int rows;
  int nnz;
  int[] rowStart;
  long[] keys;
  float[] values;
  float[] labels;
  int[] fields;
  /** Whether every value since the last clear() was exactly 1: then values are not stored. */
  boolean allOnes = true;

  public CsrBuilder(boolean withFields) {
    this(withFields, 1024, 16 * 1024);
  }

  public CsrBuilder(boolean withFields, int rowCapacity, int entryCapacity) {
    this.withFields = withFields;
    rowStart = new int[Math.max(2, rowCapacity + 1)];
    labels = new float[Math.max(1, rowCapacity)];
    keys = new long[Math.max(1, entryCapacity)];
    values = new float[keys.length];
    fields = withFields ? new int[keys.length] : null;
  }

  public boolean withFields() {
    return withFields;
  }

  public int rows() {
    return rows;
  }

  public int nonZeros() {
    return nnz;
  }

  /** An entry; in a builder made {@code withFields} it gets field 0. */
  public void add(long key, float value) {
    if (nnz == keys.length) {
      growEntries();
    }
    if (fields != null) {
      fields[nnz] = 0;
    }
    keys[nnz] = key;
    values[nnz] = value;
    if (value != 1f) {
      allOnes = false;
    }
    nnz++;
  }

  /** An entry with a field id (libffm); only for a builder made {@code withFields}. */
  public void add(int field, long key, float value) {
    if (nnz == keys.length) {
      growEntries();
    }
    fields[nnz] = field;
    keys[nnz] = key;
    values[nnz] = value;
    if (value != 1f) {
      allOnes = false;
    }
    nnz++;
  }

  /** Closes the current row: the entries added since the last endRow belong to it. */
  public void endRow(float label) {
    if (rows == labels.length) {
      growRows();
    }
    labels[rows] = label;
    rows++;
    rowStart[rows] = nnz;
  }

  /** Appends rows {@code from .. to-1} of {@code src} (built with the same withFields). */
  public void appendRows(CsrBuilder src, int from, int to) {
    int n = to - from;
    int e0 = src.rowStart[from];
    int ne = src.rowStart[to] - e0;
    while (rows + n > labels.length) {
      growRows();
    }
    while (nnz + ne > keys.length) {
      growEntries();
    }
    System.arraycopy(src.keys, e0, keys, nnz, ne);
    System.arraycopy(src.values, e0, values, nnz, ne);
    if (withFields) {
      System.arraycopy(src.fields, e0, fields, nnz, ne);
    }
    System.arraycopy(src.labels, from, labels, rows, n);
    int shift = nnz - e0;
    int[] rs = rowStart;
    int[] srs = src.rowStart;
    for (int r = 1; r <= n; r++) {
      rs[rows + r] = srs[from + r] + shift;
    }
    rows += n;
    nnz += ne;
    if (!src.allOnes) {
      allOnes = false;
    }
  }

  /** Drops the entries added since the last endRow. */
  public void abortRow() {
    nnz = rowStart[rows];
  }

  public void clear() {
    rows = 0;
    nnz = 0;
    allOnes = true;
  }

  /** A block with copies of the rows so far (values null when all are 1); the builder is unchanged. */
  public CsrBlock build() {
    return new CsrBlock(rows, Arrays.copyOf(rowStart, rows + 1), Arrays.copyOf(keys, nnz),
        allOnes ? null : Arrays.copyOf(values, nnz), Arrays.copyOf(labels, rows),
        withFields ? Arrays.copyOf(fields, nnz) : null);
  }

  void growEntries() {
    int n = Math.max(16, keys.length + (keys.length >> 1));
    keys = Arrays.copyOf(keys, n);
    values = Arrays.copyOf(values, n);
    if (withFields) {
      fields = Arrays.copyOf(fields, n);
    }
  }

  private void growRows() {
    int n = Math.max(16, labels.length + (labels.length >> 1));
    labels = Arrays.copyOf(labels, n);
    rowStart = Arrays.copyOf(rowStart, n + 1);
  }
}
