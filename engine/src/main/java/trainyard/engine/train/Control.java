package trainyard.engine.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The messages between a job's coordinator (rank 0) and its members, ps-lite's scheduler
 * commands: a member says it is {@link Ready}; the coordinator {@link Start}s an epoch at the
 * workers' positions; members report {@link Progress} and {@link EpochDone}; {@link Pause} stops
 * the workers at their next minibatch (a checkpoint within an epoch, or the end); {@link Save}
 * writes the members' server shards, {@link Saved} confirms; {@link Finish} ends the job,
 * {@link Finished} acknowledges it; {@link Score} asks for each member's share of a validation
 * block's scores, {@link Shares} brings it; {@link Failed} reports a member's error. They travel as
 * bytes (a type, then fields, big-endian) on the job's control channel. Immutable.
 */
sealed interface Control {
  /**
   * A member's servers are up (and restored from the checkpoint): it can start. Its workers have
   * {@code batchesPerEpoch} minibatches in each epoch.
   */
  record Ready(int rank, long batchesPerEpoch) implements Control {}

  /** Run epoch {@code epoch} (0-based), each global worker from minibatch {@code from[w]}. */
  record Start(int epoch, long[] from) implements Control {}

  /** Stop at the next minibatch and report {@link EpochDone} with the positions reached. */
  record Pause() implements Control {}

  /**
   * Minibatches the member's workers have done so far in the whole job, and blocks they have
   * scanned for their key dictionaries (before their first minibatch): while either grows, the
   * member is not stalled.
   */
  record Progress(int rank, long batches, long scanned) implements Control {}

  /**
   * The member's workers stopped in epoch {@code epoch}: {@code positions[i]} is the next
   * minibatch of its i-th worker ({@code complete}: every worker finished the epoch); loss and
   * examples since the epoch's {@link Start}, and the wall seconds from then until its last
   * worker stopped.
   */
  record EpochDone(int rank, int epoch, boolean complete, double loss, long examples, long[] positions,
      double seconds) implements Control {}

  /** Write your server shards as checkpoint {@code tag} into the job's checkpoint directory. */
  record Save(long tag) implements Control {}

  record Saved(int rank, long tag) implements Control {}

  /** The job is over (or stopped): close. */
  record Finish() implements Control {}

  /**
   * A member got {@link Finish} and is closing. The coordinator waits for these before it
   * closes: its own goodbye may overtake its Finish, and a member must not take it for a loss.
   */
  record Finished(int rank) implements Control {}

  record Failed(int rank, String message) implements Control {}

  /** Score your share of validation block {@code block} (the epoch's end: no worker runs). */
  record Score(int block) implements Control {}

  /**
   * Member {@code rank}'s share of the scores of validation block {@code block}
   * ({@link trainyard.engine.model.ScoreShares}); empty when the block holds no validation rows.
   */
  record Shares(int rank, int block, float[] share) implements Control {}

  /** {@link Shares}' type byte: it travels in one bulk copy, beside the others' stream of fields. */
  byte SHARES = 12;

  static byte[] encode(Control m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (m instanceof Ready r) {
        out.writeByte(1);
        out.writeInt(r.rank());
        out.writeLong(r.batchesPerEpoch());
      } else if (m instanceof Start s) {
        out.writeByte(2);
        out.writeInt(s.epoch());
        writeLongs(out, s.from());
      } else if (m instanceof Pause) {
        out.writeByte(3);
      } else if (m instanceof Progress p) {
        out.writeByte(4);
        out.writeInt(p.rank());
        out.writeLong(p.batches());
        out.writeLong(p.scanned());
      } else if (m instanceof EpochDone d) {
        out.writeByte(5);
        out.writeInt(d.rank());
        out.writeInt(d.epoch());
        out.writeBoolean(d.complete());
        out.writeDouble(d.loss());
        out.writeLong(d.examples());
        writeLongs(out, d.positions());
        out.writeDouble(d.seconds());
      } else if (m instanceof Save s) {
        out.writeByte(6);
        out.writeLong(s.tag());
      } else if (m instanceof Saved s) {
        out.writeByte(7);
        out.writeInt(s.rank());
        out.writeLong(s.tag());
      } else if (m instanceof Finish) {
        out.writeByte(8);
      } else if (m instanceof Finished f) {
        out.writeByte(10);
        out.writeInt(f.rank());
      } else if (m instanceof Score s) {
        out.writeByte(11);
        out.writeInt(s.block());
      } else if (m instanceof Shares s) {
        return shares(s);
      } else if (m instanceof Failed f) {
        out.writeByte(9);
        out.writeInt(f.rank());
        out.writeUTF(f.message().length() > 8000 ? f.message().substring(0, 8000) : f.message());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /** A share in one bulk copy, not a call per float: a block of an FM's validation holds a million. */
  private static byte[] shares(Shares s) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 + 3 * Integer.BYTES + Float.BYTES * s.share().length);
    b.put(SHARES).putInt(s.rank()).putInt(s.block()).putInt(s.share().length);
    b.asFloatBuffer().put(s.share());
    return b.array();
  }

  private static Shares shares(byte[] bytes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    if (b.remaining() < 3 * Integer.BYTES) {
      throw new IllegalArgumentException("truncated control message (" + bytes.length + " bytes)");
    }
    int rank = b.getInt();
    int block = b.getInt();
    int n = b.getInt();
    if (n < 0 || (long) n * Float.BYTES != b.remaining()) {
      throw new IllegalArgumentException("control message of type " + SHARES + " says " + n + " floats in "
          + b.remaining() + " bytes");
    }
    float[] share = new float[n];
    b.asFloatBuffer().get(share);
    return new Shares(rank, block, share);
  }

  /** The message in {@code bytes}; IllegalArgumentException when they are not one. */
  static Control decode(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == SHARES) {
      return shares(bytes);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int type = in.readByte();
      Control m = switch (type) {
        case 1 -> new Ready(in.readInt(), in.readLong());
        case 2 -> new Start(in.readInt(), readLongs(in));
        case 3 -> new Pause();
        case 4 -> new Progress(in.readInt(), in.readLong(), in.readLong());
        case 5 -> new EpochDone(in.readInt(), in.readInt(), in.readBoolean(), in.readDouble(), in.readLong(),
            readLongs(in), in.readDouble());
        case 6 -> new Save(in.readLong());
        case 7 -> new Saved(in.readInt(), in.readLong());
        case 8 -> new Finish();
        case 9 -> new Failed(in.readInt(), in.readUTF());
        case 10 -> new Finished(in.readInt());
        case 11 -> new Score(in.readInt());
        default -> throw new IllegalArgumentException("unknown control message type " + type);
      };
      if (in.read() != -1) {
        throw new IllegalArgumentException("control message of type " + type + " has trailing bytes");
      }
      return m;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated control message (" + bytes.length + " bytes)", e);
    }
  }

  private static void writeLongs(DataOutputStream out, long[] a) throws IOException {
    out.writeInt(a.length);
    for (long v : a) {
      out.writeLong(v);
    }
  }

  private static long[] readLongs(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1 << 16) {
      throw new IOException("bad array length " + n);
    }
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readLong();
    }
    return a;
  }
}
