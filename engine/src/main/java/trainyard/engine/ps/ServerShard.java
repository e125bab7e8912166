package trainyard.engine.ps;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One server: the records of the keys in its range and the updater that changes them, applied
 * where the parameters live.
 *
 * <p>Not thread-safe: a transport feeds it from one thread at a time.
 */
public final class ServerShard {
  /** Bytes of records a checkpoint reads or writes per call. */
  private static final int CHUNK_BYTES = 1 << 16;

  private final Updater updater;
  private final KeyTable table;
  private final float[] scratch;
  private final int pushWidth;
  private final int pullWidth;
  /** Registered workers' global ids and, at the same index, the records of their keys in this range. */
  private int[] registeredIds = new int[4];
  private int[][] registeredRecords = new int[4][];
  private int registeredCount;

  public ServerShard(Updater updater, int expectedKeys) {
    this.updater = updater;
    this.table = new KeyTable(updater.stateWidth(), expectedKeys);
    this.scratch = new float[updater.stateWidth()];
    this.pushWidth = updater.pushWidth();
    this.pullWidth = updater.pullWidth();
  }

  /** Runs one request. */
  public void handle(Request r) {
    if (r.kind == Request.Kind.REGISTER) {
      register(r.worker, r.keys, r.from, r.to);
    } else if (r.keys == null) {
      int[] records = recordsOf(r.worker);
      if (records == null) {
        throw new IllegalStateException("worker " + r.worker + " addressed keys by rank before registering them");
      }
      if (r.kind == Request.Kind.PUSH) {
        pushRecords(records, r.ranks, r.rankBase, r.from, r.to, r.vals, r.valOff, r.rate);
      } else {
        pullRecords(records, r.ranks, r.rankBase, r.from, r.to, r.vals, r.valOff);
      }
    } else if (r.kind == Request.Kind.PUSH) {
      push(r.keys, r.from, r.to, r.vals, r.valOff, r.rate);
    } else {
      pull(r.keys, r.from, r.to, r.vals, r.valOff);
    }
  }

  /**
   * Stores (initialising where new) the worker's keys of this range and remembers their records,
   * so that later requests by rank cost an array read instead of a hash probe per key.
   */
  void register(int worker, long[] keys, int from, int to) {
    int[] records = new int[to - from];
    for (int i = from; i < to; i++) {
      records[i - from] = recordOf(keys[i]);
    }
    for (int i = 0; i < registeredCount; i++) {
      if (registeredIds[i] == worker) {
        registeredRecords[i] = records;
        return;
      }
    }
    if (registeredCount == registeredIds.length) {
      registeredIds = java.util.Arrays.copyOf(registeredIds, registeredCount * 2);
      registeredRecords = java.util.Arrays.copyOf(registeredRecords, registeredCount * 2);
    }
    registeredIds[registeredCount] = worker;
    registeredRecords[registeredCount++] = records;
  }

  /** A scan, not a map: workers are few, and global ids would box on every request. */
  private int[] recordsOf(int worker) {
    int[] ids = registeredIds;
    for (int i = 0; i < registeredCount; i++) {
      if (ids[i] == worker) {
        return registeredRecords[i];
      }
    }
    return null;
  }

  /** The key's record, stored and initialised first if the key is new. */
  private int recordOf(long key) {
    int rec = table.find(key);
    if (rec < 0) {
      rec = table.insert(key);
      updater.init(key, table.state(), rec * table.width());
    }
    return rec;
  }

  private void pushRecords(int[] records, int[] ranks, int base, int from, int to, float[] grads, int goff,
      float rate) {
    Updater u = updater;
    int sw = table.width();
    float[] state = table.state();
    int pw = pushWidth;
    for (int i = from; i < to; i++) {
      int rec = records[ranks[i] - base];
      u.apply(table.keyOf(rec), grads, goff + (i - from) * pw, state, rec * sw, rate);
    }
  }

  private void pullRecords(int[] records, int[] ranks, int base, int from, int to, float[] out, int ooff) {
    Updater u = updater;
    int sw = table.width();
    float[] state = table.state();
    int pw = pullWidth;
    for (int i = from; i < to; i++) {
      int rec = records[ranks[i] - base];
      u.read(table.keyOf(rec), state, rec * sw, out, ooff + (i - from) * pw);
    }
  }

  void push(long[] keys, int from, int to, float[] grads, int goff, float rate) {
    Updater u = updater;
    int sw = table.width();
    for (int i = from; i < to; i++) {
      long key = keys[i];
      int rec = recordOf(key);
      u.apply(key, grads, goff + (i - from) * pushWidth, table.state(), rec * sw, rate);
    }
  }

  /** Keys never pushed read as freshly initialised records, without being stored. */
  void pull(long[] keys, int from, int to, float[] out, int ooff) {
    Updater u = updater;
    int sw = table.width();
    float[] state = table.state();
    for (int i = from; i < to; i++) {
      long key = keys[i];
      int rec = table.find(key);
      int o = ooff + (i - from) * pullWidth;
      if (rec < 0) {
        java.util.Arrays.fill(scratch, 0f);
        u.init(key, scratch, 0);
        u.read(key, scratch, 0, out, o);
      } else {
        u.read(key, state, rec * sw, out, o);
      }
    }
  }

  public int keyCount() {
    return table.size();
  }

  public long memoryBytes() {
    return table.bytes() + updater.extraBytes();
  }

  /** The record of {@code key}, or -1 when the shard does not hold it. */
  int find(long key) {
    return table.find(key);
  }

  /** Calls {@code visitor} with each stored key and its pulled values; values are reused. */
  public void forEach(KeyValueVisitor visitor) {
    float[] vals = new float[pullWidth];
    int sw = table.width();
    for (int r = 0; r < table.size(); r++) {
      long key = table.keyOf(r);
      updater.read(key, table.state(), r * sw, vals, 0);
      visitor.visit(key, vals);
    }
  }

  /** Writes every record and the updater's extra state (checkpoints). */
  public void save(DataOutput out) throws IOException {
    int sw = table.width();
    out.writeInt(sw);
    out.writeInt(table.size());
    float[] state = table.state();
    // Records go out in chunks through one buffer (DataOutput's layout, big-endian): a write
    // call per chunk, not per value.
    int recordBytes = Long.BYTES + Float.BYTES * sw;
    ByteBuffer chunk = ByteBuffer.allocate(recordBytes * Math.max(1, CHUNK_BYTES / recordBytes));
    for (int r = 0; r < table.size(); r++) {
      if (chunk.remaining() < recordBytes) {
        out.write(chunk.array(), 0, chunk.position());
        chunk.clear();
      }
      chunk.putLong(table.keyOf(r));
      for (int j = 0; j < sw; j++) {
        chunk.putFloat(state[r * sw + j]);
      }
    }
    out.write(chunk.array(), 0, chunk.position());
    updater.saveExtra(out);
  }

  /** Restores what {@link #save} wrote into this empty shard. */
  public void load(DataInput in) throws IOException {
    int sw = in.readInt();
    if (sw != table.width()) {
      throw new IOException("checkpoint records have " + sw + " floats, this updater needs " + table.width());
    }
    if (table.size() != 0) {
      throw new IllegalStateException("load into a shard that already holds " + table.size() + " keys");
    }
    readRecords(in, readCount(in), sw, (i, key, chunk) -> {
      int rec = table.insert(key);
      float[] state = table.state();
      for (int j = 0; j < sw; j++) {
        state[rec * sw + j] = chunk.getFloat();
      }
    });
    updater.loadExtra(in);
  }

  /**
   * Visits the records a shard's {@link #save} wrote with their pulled values under {@code
   * updater}, a fresh one, whose extra state it restores: an export from a checkpoint, with no key
   * table. Holds one shard's records meanwhile, since the extra state (an FM's embeddings) comes last.
   */
  public static void readValues(DataInput in, Updater updater, KeyValueVisitor visitor) throws IOException {
    int sw = in.readInt();
    if (sw != updater.stateWidth()) {
      throw new IOException("checkpoint records have " + sw + " floats, this updater needs " + updater.stateWidth());
    }
    int n = readCount(in);
    long[] keys = new long[n];
    float[] state = new float[Math.multiplyExact(n, sw)];
    readRecords(in, n, sw, (i, key, chunk) -> {
      keys[i] = key;
      for (int j = 0; j < sw; j++) {
        state[i * sw + j] = chunk.getFloat();
      }
    });
    updater.loadExtra(in);
    float[] vals = new float[updater.pullWidth()];
    for (int r = 0; r < n; r++) {
      updater.read(keys[r], state, r * sw, vals, 0);
      visitor.visit(keys[r], vals);
    }
  }

  private static int readCount(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("record count " + n + " is negative");
    }
    return n;
  }

  /** Takes record {@code i}'s key; its {@code sw} state floats are next in {@code chunk}. */
  @FunctionalInterface
  private interface RecordSink {
    void take(int i, long key, ByteBuffer chunk);
  }

  /** Reads {@code n} records of {@code sw} floats in chunks through one buffer, as {@link #save} wrote them. */
  private static void readRecords(DataInput in, int n, int sw, RecordSink sink) throws IOException {
    int recordBytes = Long.BYTES + Float.BYTES * sw;
    int perChunk = Math.max(1, CHUNK_BYTES / recordBytes);
    ByteBuffer chunk = ByteBuffer.allocate(recordBytes * perChunk);
    for (int i = 0; i < n; i += perChunk) {
      int records = Math.min(perChunk, n - i);
      in.readFully(chunk.array(), 0, records * recordBytes);
      chunk.clear();
      for (int k = 0; k < records; k++) {
        sink.take(i + k, chunk.getLong(), chunk);
      }
    }
  }

  /** Receives one key and its values; the array is reused between calls. */
  @FunctionalInterface
  public interface KeyValueVisitor {
    void visit(long key, float[] values);
  }
}
