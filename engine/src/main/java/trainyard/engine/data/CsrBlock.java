package trainyard.engine.data;

/**
 * Rows of sparse examples in compressed sparse row form: row {@code r} owns the entries
 * {@code rowStart[r] .. rowStart[r+1]-1} of {@code keys}, {@code values} and {@code fields}.
 *
 * <p>Arrays are exposed as fields for the hot loops; callers must treat them as read-only.
 * Not thread-safe to mutate; safe to share read-only between threads.
 */
public final class CsrBlock {
  public final int rows;
  /** rows + 1 offsets, rowStart[0] == 0. */
  public final int[] rowStart;
  /** Feature ids; within a row in the order they were read. */
  public final long[] keys;
  /** Feature values, or null when every value is 1. */
  public final float[] values;
  public final float[] labels;
  /** Field ids (libffm), or null when the data has none. */
  public final int[] fields;

  public CsrBlock(int rows, int[] rowStart, long[] keys, float[] values, float[] labels, int[] fields) {
    if (rowStart.length != rows + 1) {
      throw new IllegalArgumentException("rowStart must have rows + 1 = " + (rows + 1) + " entries, got " + rowStart.length);
    }
    if (labels.length < rows) {
      throw new IllegalArgumentException("labels must have " + rows + " entries, got " + labels.length);
    }
    int nnz = rowStart[rows];
    if (keys.length < nnz || (values != null && values.length < nnz) || (fields != null && fields.length < nnz)) {
      throw new IllegalArgumentException("keys, values and fields must hold " + nnz + " entries");
    }
    this.rows = rows;
    this.rowStart = rowStart;
    this.keys = keys;
    this.values = values;
    this.labels = labels;
    this.fields = fields;
  }

  public int nonZeros() {
    return rowStart[rows];
  }

  public float value(int entry) {
    return values == null ? 1f : values[entry];
  }
}
