package trainyard.engine.ps;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The data port's wire format, all little-endian. A frame is an int32 length (of what follows),
 * a fixed header of {@link #HEADER} bytes, then a body:
 *
 * <pre>
 * header   version u8, kind u8, flags u8, 0 u8, job i64, attempt i32, worker i32, server i32,
 *          rankBase i32, seq i64, count i32, width i32, pull i64
 * PUSH     rate (f32, the schedule's factor), count keys (i64) or ranks (i32, flag RANKS) or neither (flag
 *          PULLED: the ranks of the worker's pull {@code pull}, which the server kept), then count * width
 *          values (f32)
 * PULL     count keys, or count ranks (flag RANKS; the server keeps them under the worker's timestamp
 *          {@code pull}); REGISTER: count keys
 * VALUES   count values (f32): a pull's reply, in request order; ACK, PING, PONG, BYE: no body
 * HELLO, CONTROL, ERROR, NOT_READY   count bytes: job id, payload, message (UTF-8 text)
 * </pre>
 *
 * Arrays travel as bulk copies through {@code ByteBuffer} views: no per-key objects or writes.
 * Stateless.
 */
final class Frames {
  static final byte VERSION = 3;
  static final int HEADER = 52;
  /** Largest frame after its length field: a request of some 100M keys. */
  static final int MAX_FRAME = 1 << 30;

  static final byte HELLO = 1;
  static final byte READY = 2;
  static final byte NOT_READY = 3;
  static final byte ERROR = 4;
  static final byte PUSH = 5;
  static final byte PULL = 6;
  static final byte REGISTER = 7;
  static final byte ACK = 8;
  static final byte VALUES = 9;
  static final byte CONTROL = 10;
  static final byte PING = 11;
  static final byte PONG = 12;
  /** A member closes: the peer's connection to it ends next, and that is no failure. */
  static final byte BYE = 13;

  /** Flag: the request addresses registered keys by rank. */
  static final byte RANKS = 1;
  /** Flag: a push for the ranks of the worker's pull {@code pull}, kept by the server ({@link KeptRanks}). */
  static final byte PULLED = 2;

  /**
   * A frame's fixed header. {@code worker} is the sender's rank in HELLO and CONTROL; {@code pull}
   * the worker's timestamp of a pull by rank, or of the pull a PULLED push repeats.
   */
  record Header(byte kind, byte flags, long job, int attempt, int worker, int server, int rankBase, long seq,
      int count, int width, long pull) {}

  private Frames() {}

  /** A buffer holding the length and {@code h}, with exactly {@code body} more bytes of room. */
  static ByteBuf start(ByteBufAllocator alloc, Header h, long body) {
    if (body > MAX_FRAME - HEADER) {
      throw new IllegalArgumentException("a frame must stay under " + MAX_FRAME + " bytes, this one needs "
          + (HEADER + body) + " (" + h.count() + " items of kind " + h.kind() + ")");
    }
    int length = HEADER + (int) body;
    ByteBuf b = alloc.directBuffer(4 + length, 4 + length);
    b.writeIntLE(length);
    b.writeByte(VERSION);
    b.writeByte(h.kind());
    b.writeByte(h.flags());
    b.writeByte(0);
    b.writeLongLE(h.job());
    b.writeIntLE(h.attempt());
    b.writeIntLE(h.worker());
    b.writeIntLE(h.server());
    b.writeIntLE(h.rankBase());
    b.writeLongLE(h.seq());
    b.writeIntLE(h.count());
    b.writeIntLE(h.width());
    b.writeLongLE(h.pull());
    return b;
  }

  /** Reads the header of a frame whose length field is already stripped. */
  static Header header(ByteBuf f) {
    byte version = f.readByte();
    if (version != VERSION) {
      throw new IllegalArgumentException("frame version " + version + ", this engine speaks " + VERSION);
    }
    byte kind = f.readByte();
    byte flags = f.readByte();
    f.skipBytes(1);
    return new Header(kind, flags, f.readLongLE(), f.readIntLE(), f.readIntLE(), f.readIntLE(), f.readIntLE(),
        f.readLongLE(), f.readIntLE(), f.readIntLE(), f.readLongLE());
  }

  /** Request {@code r}'s part for server {@code server} as a frame; {@code width} floats per key. */
  static ByteBuf request(ByteBufAllocator alloc, long job, int attempt, int server, long seq, Request r, int width) {
    int n = r.to - r.from;
    boolean ranks = r.keys == null;
    byte kind = r.kind == Request.Kind.PUSH ? PUSH : r.kind == Request.Kind.PULL ? PULL : REGISTER;
    long values = r.kind == Request.Kind.PUSH ? (long) n * width : 0;
    boolean push = r.kind == Request.Kind.PUSH;
    boolean pulled = push && ranks && r.pulled >= 0;
    long body = (push ? 4 : 0) + (pulled ? 0 : (long) n * (ranks ? 4 : 8)) + values * 4;
    byte flags = pulled ? PULLED : ranks ? RANKS : 0;
    long pull = pulled ? r.pulled : ranks ? r.timestamp : 0;
    ByteBuf b = start(alloc, new Header(kind, flags, job, attempt, r.worker, server, r.rankBase, seq, n, width, pull),
        body);
    if (push) {
      b.writeFloatLE(r.rate);
    }
    if (!ranks) {
      writeLongs(b, r.keys, r.from, n);
    } else if (!pulled) {
      writeInts(b, r.ranks, r.from, n);
    }
    writeFloats(b, r.vals, r.valOff, (int) values);
    return b;
  }

  /**
   * The request a frame carries, as its server runs it: from 0 to count, a pull with an output
   * buffer of (at least) count * width floats, {@code h.seq()} as its timestamp. Its arrays are
   * {@code reuse}'s, grown as needed, when the request is done before the next frame is read;
   * with {@code reuse} null they are its own. A pull's ranks go into {@code kept}, a PULLED
   * push's come from there.
   */
  static Request toRequest(Header h, ByteBuf f, Completion done, Scratch reuse, KeptRanks kept) {
    int n = h.count();
    Request.Kind kind = h.kind() == PUSH ? Request.Kind.PUSH : h.kind() == PULL ? Request.Kind.PULL
        : Request.Kind.REGISTER;
    Scratch a = reuse != null ? reuse : new Scratch();
    float rate = kind == Request.Kind.PUSH ? f.readFloatLE() : 1f;
    long[] keys = null;
    int[] ranks = null;
    if ((h.flags() & PULLED) != 0) {
      if (kind != Request.Kind.PUSH) {
        throw new IllegalArgumentException("only a push can name a pull's ranks, not a frame of kind " + h.kind());
      }
      ranks = kept.ranks(h.worker(), h.server(), h.pull(), n);
    } else if ((h.flags() & RANKS) != 0) {
      ranks = a.ranks(n);
      readInts(f, ranks, n);
      if (kind == Request.Kind.PULL) {
        kept.keep(h.worker(), h.server(), h.pull(), ranks, n, reuse != null);
      }
    } else {
      // Registered key lists are kept by the server: never reused.
      keys = kind == Request.Kind.REGISTER ? new long[n] : a.keys(n);
      readLongs(f, keys, n);
    }
    float[] vals = null;
    if (kind != Request.Kind.REGISTER) {
      int values = Math.multiplyExact(n, h.width());
      vals = a.vals(values);
      if (kind == Request.Kind.PUSH) {
        readFloats(f, vals, 0, values);
      }
    }
    return new Request(kind, keys, ranks, h.rankBase(), 0, n, vals, 0, h.worker(), done, h.seq(), rate);
  }

  /** Arrays for decoded requests, grown to the largest one seen. Not thread-safe. */
  static final class Scratch {
    private long[] keys = new long[0];
    private int[] ranks = new int[0];
    private float[] vals = new float[0];

    long[] keys(int n) {
      return keys.length >= n ? keys : (keys = new long[n]);
    }

    int[] ranks(int n) {
      return ranks.length >= n ? ranks : (ranks = new int[n]);
    }

    float[] vals(int n) {
      return vals.length >= n ? vals : (vals = new float[n]);
    }
  }

  /** A pull's reply: {@code n} values from {@code vals[off..]}. */
  static ByteBuf values(ByteBufAllocator alloc, long seq, float[] vals, int off, int n) {
    ByteBuf b = start(alloc, new Header(VALUES, (byte) 0, 0, 0, 0, 0, 0, seq, n, 1, 0), 4L * n);
    writeFloats(b, vals, off, n);
    return b;
  }

  /** A frame with no body. */
  static ByteBuf empty(ByteBufAllocator alloc, byte kind, long seq) {
    return start(alloc, new Header(kind, (byte) 0, 0, 0, 0, 0, 0, seq, 0, 0, 0), 0);
  }

  /** A frame whose body is {@code bytes}: HELLO, CONTROL, ERROR, NOT_READY. */
  static ByteBuf bytes(ByteBufAllocator alloc, byte kind, long job, int attempt, int rank, long seq, byte[] bytes) {
    ByteBuf b = start(alloc, new Header(kind, (byte) 0, job, attempt, rank, 0, 0, seq, bytes.length, 0, 0), bytes.length);
    b.writeBytes(bytes);
    return b;
  }

  static ByteBuf text(ByteBufAllocator alloc, byte kind, long job, int attempt, int rank, long seq, String text) {
    return bytes(alloc, kind, job, attempt, rank, seq, text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] readBytes(ByteBuf f, int n) {
    byte[] out = new byte[n];
    f.readBytes(out);
    return out;
  }

  static String readText(ByteBuf f, int n) {
    return new String(readBytes(f, n), StandardCharsets.UTF_8);
  }

  /** A job id as the 64-bit key frames carry (FNV-1a of its UTF-8 bytes); the hello names it in full. */
  static long jobKey(String job) {
    long h = 0xcbf29ce484222325L;
    for (byte c : job.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (c & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  static void writeLongs(ByteBuf b, long[] a, int off, int n) {
    int bytes = n << 3;
    b.nioBuffer(b.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(a, off, n);
    b.writerIndex(b.writerIndex() + bytes);
  }

  static void writeInts(ByteBuf b, int[] a, int off, int n) {
    int bytes = n << 2;
    b.nioBuffer(b.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(a, off, n);
    b.writerIndex(b.writerIndex() + bytes);
  }

  static void writeFloats(ByteBuf b, float[] a, int off, int n) {
    if (n == 0) {
      return;
    }
    int bytes = n << 2;
    b.nioBuffer(b.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(a, off, n);
    b.writerIndex(b.writerIndex() + bytes);
  }

  static void readLongs(ByteBuf f, long[] dst, int n) {
    int bytes = n << 3;
    f.nioBuffer(f.readerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst, 0, n);
    f.skipBytes(bytes);
  }

  static void readInts(ByteBuf f, int[] dst, int n) {
    int bytes = n << 2;
    f.nioBuffer(f.readerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(dst, 0, n);
    f.skipBytes(bytes);
  }

  static void readFloats(ByteBuf f, float[] dst, int off, int n) {
    int bytes = n << 2;
    f.nioBuffer(f.readerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, off, n);
    f.skipBytes(bytes);
  }
}
