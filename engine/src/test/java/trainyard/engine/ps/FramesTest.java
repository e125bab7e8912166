package trainyard.engine.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Round trips through the wire format, as the data port's decoder hands frames over. */
class FramesTest {
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  /** Strips the length field as LengthFieldBasedFrameDecoder does, after checking it. */
  private static ByteBuf body(ByteBuf frame) {
    assertEquals(frame.readableBytes() - 4, frame.readIntLE(), "length field");
    return frame;
  }

  private static Request decode(ByteBuf frame, Frames.Header[] header) {
    return decode(frame, header, null, new KeptRanks());
  }

  private static Request decode(ByteBuf frame, Frames.Header[] header, Frames.Scratch reuse, KeptRanks kept) {
    ByteBuf f = body(frame);
    header[0] = Frames.header(f);
    Request r = Frames.toRequest(header[0], f, null, reuse, kept);
    assertEquals(0, f.readableBytes(), "the body is read to its end");
    frame.release();
    return r;
  }

  @Test
  void everyHeaderFieldSurvives() {
    Frames.Header h = new Frames.Header(Frames.PULL, Frames.RANKS, Long.MIN_VALUE, Integer.MAX_VALUE, -7, 65_537,
        Integer.MIN_VALUE, Long.MAX_VALUE, 0, 3, Long.MIN_VALUE + 1);
    ByteBuf f = body(Frames.start(ALLOC, h, 0));
    assertEquals(h, Frames.header(f));
    assertEquals(0, f.readableBytes());
    f.release();
    assertEquals(Frames.HEADER + 4, Frames.empty(ALLOC, Frames.ACK, 1).readableBytes());
  }

  @Test
  void emptyPushAndPull() {
    Frames.Header[] h = new Frames.Header[1];
    Request push = new Request(Request.Kind.PUSH, new long[0], null, 0, 0, 0, new float[0], 0, 3, null, 9, 1f);
    Request back = decode(Frames.request(ALLOC, 11, 2, 1, 9, push, 4), h);
    assertEquals(new Frames.Header(Frames.PUSH, (byte) 0, 11, 2, 3, 1, 0, 9, 0, 4, 0), h[0]);
    assertEquals(0, back.keys.length);
    assertEquals(0, back.vals.length);
    Request pull = new Request(Request.Kind.PULL, new long[0], null, 0, 0, 0, new float[0], 0, 3, null, 9, 1f);
    back = decode(Frames.request(ALLOC, 11, 2, 1, 10, pull, 4), h);
    assertEquals(Request.Kind.PULL, back.kind);
    assertEquals(10, back.timestamp);
  }

  @Test
  void keysValuesAndExtremesOfASlice() {
    long[] keys = {Long.MIN_VALUE, -5, -1, 0, 1, Long.MAX_VALUE};
    float[] vals = {9, 9, -0f, 1.5f, Float.MIN_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, -3, 9, 9};
    // Keys [1, 5) with 2 floats each, from vals[2].
    Request r = new Request(Request.Kind.PUSH, keys, null, 0, 1, 5, vals, 2, -1 << 16 | 5, null, 77, 0.375f);
    Frames.Header[] h = new Frames.Header[1];
    Request back = decode(Frames.request(ALLOC, -2, 0, 3, Long.MIN_VALUE, r, 2), h);
    assertArrayEquals(new long[] {-5, -1, 0, 1}, back.keys);
    assertNull(back.ranks);
    assertArrayEquals(new float[] {-0f, 1.5f, Float.MIN_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, -3, 9, 9},
        back.vals);
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.vals[0]));
    assertEquals(-1 << 16 | 5, back.worker);
    assertEquals(Long.MIN_VALUE, back.timestamp);
    assertEquals(0, back.from);
    assertEquals(4, back.to);
    assertEquals(0.375f, back.rate, "a push carries its learning-rate factor");
  }

  @Test
  void ranksWithTheirBase() {
    int[] ranks = {0, 4, 100, Integer.MAX_VALUE};
    Request r = new Request(Request.Kind.PULL, null, ranks, 100, 2, 4, new float[12], 6, 1, null, 5, 1f);
    Frames.Header[] h = new Frames.Header[1];
    Request back = decode(Frames.request(ALLOC, 1, 1, 0, 5, r, 3), h);
    assertEquals(Frames.RANKS, h[0].flags());
    assertArrayEquals(new int[] {100, Integer.MAX_VALUE}, back.ranks);
    assertNull(back.keys);
    assertEquals(100, back.rankBase);
    assertEquals(6, back.vals.length, "a pull gets an output buffer of count x width");
  }

  @Test
  void aPushAfterItsPullLeavesTheRanksOut() {
    KeptRanks kept = new KeptRanks();
    Frames.Scratch scratch = new Frames.Scratch();
    Frames.Header[] h = new Frames.Header[1];
    int[] ranks = {3, 8, 9};
    // Worker 7's pull of timestamp 40 to server 1, decoded into reused arrays as inline serving does.
    Request pull = new Request(Request.Kind.PULL, null, ranks, 2, 0, 3, new float[6], 0, 7, null, 40, 1f);
    Request in = decode(Frames.request(ALLOC, 1, 1, 1, 100, pull, 2), h, scratch, kept);
    assertEquals(40, h[0].pull(), "a pull by rank names the worker's timestamp");
    in.ranks[0] = -1; // the next frame reuses the scratch arrays: the kept ranks are a copy
    float[] grads = {1, 2, 3, 4, 5, 6};
    Request push = new Request(Request.Kind.PUSH, null, ranks, 2, 0, 3, grads, 0, 7, null, 43, 0.5f, 40);
    ByteBuf frame = Frames.request(ALLOC, 1, 1, 1, 101, push, 2);
    assertEquals(4 + Frames.HEADER + 4 + 6 * 4, frame.readableBytes(), "the rate and the values, no ranks");
    Request back = decode(frame, h, scratch, kept);
    assertEquals(Frames.PULLED, h[0].flags());
    assertArrayEquals(ranks, Arrays.copyOf(back.ranks, 3));
    assertEquals(2, back.rankBase);
    assertArrayEquals(grads, Arrays.copyOf(back.vals, 6));
    assertEquals(0.5f, back.rate);

    // Another worker, server or pull has nothing kept; a push of another length is refused.
    for (Request wrong : List.of(
        new Request(Request.Kind.PUSH, null, ranks, 2, 0, 3, grads, 0, 8, null, 43, 1f, 40),
        new Request(Request.Kind.PUSH, null, ranks, 2, 0, 3, grads, 0, 7, null, 43, 1f, 41),
        new Request(Request.Kind.PUSH, null, ranks, 2, 0, 2, grads, 0, 7, null, 43, 1f, 40))) {
      assertThrows(IllegalArgumentException.class, () -> decode(Frames.request(ALLOC, 1, 1, 1, 102, wrong, 2), h,
          scratch, kept));
    }
    assertThrows(IllegalArgumentException.class, () -> decode(Frames.request(ALLOC, 1, 1, 0, 102, push, 2), h,
        scratch, kept), "server 0 kept nothing");
  }

  @Test
  void aServerKeepsTheLastDepthPullsOfEachWorker() {
    KeptRanks kept = new KeptRanks();
    int[] ranks = {5};
    for (long ts = 0; ts < 10; ts++) {
      kept.keep(1, 0, ts * 3, new int[] {(int) ts}, 1, false);
      kept.keep(2, 0, ts * 3, ranks, 1, true);
    }
    for (long ts = 10 - KeptRanks.DEPTH; ts < 10; ts++) {
      assertEquals((int) ts, kept.ranks(1, 0, ts * 3, 1)[0]);
      assertEquals(5, kept.ranks(2, 0, ts * 3, 1)[0]);
    }
    long gone = (10 - KeptRanks.DEPTH - 1) * 3;
    assertThrows(IllegalArgumentException.class, () -> kept.ranks(1, 0, gone, 1));
  }

  @Test
  void registerCarriesKeysOnly() {
    Request r = new Request(Request.Kind.REGISTER, new long[] {3, 4}, null, 0, 0, 2, null, 0, 1, null, 0, 1f);
    Frames.Header[] h = new Frames.Header[1];
    Request back = decode(Frames.request(ALLOC, 1, 1, 0, 0, r, 0), h);
    assertEquals(Request.Kind.REGISTER, back.kind);
    assertArrayEquals(new long[] {3, 4}, back.keys);
    assertNull(back.vals);
  }

  @Test
  void aMillionKeys() {
    int n = 1_000_000;
    SplittableRandom rnd = new SplittableRandom(42);
    long[] keys = new long[n];
    float[] vals = new float[n];
    for (int i = 0; i < n; i++) {
      keys[i] = rnd.nextLong();
      vals[i] = (float) rnd.nextGaussian();
    }
    Request r = new Request(Request.Kind.PUSH, keys, null, 0, 0, n, vals, 0, 1, null, 0, 1f);
    ByteBuf frame = Frames.request(ALLOC, 1, 1, 0, 0, r, 1);
    assertEquals(4 + Frames.HEADER + 4 + 12L * n, frame.readableBytes(), "the rate, then 12 bytes per key with one float");
    Request back = decode(frame, new Frames.Header[1]);
    assertArrayEquals(keys, back.keys);
    assertArrayEquals(vals, back.vals);
  }

  @Test
  void pullReplyCarriesValuesInOrder() {
    float[] vals = {1, 2, 3, 4, 5};
    ByteBuf f = body(Frames.values(ALLOC, 12, vals, 1, 3));
    Frames.Header h = Frames.header(f);
    assertEquals(Frames.VALUES, h.kind());
    assertEquals(12, h.seq());
    float[] out = new float[5];
    Frames.readFloats(f, out, 2, h.count());
    assertArrayEquals(new float[] {0, 0, 2, 3, 4}, out);
    f.release();
  }

  @Test
  void controlPayloadAndText() {
    byte[] payload = {0, -1, 127, -128, 42};
    ByteBuf f = body(Frames.bytes(ALLOC, Frames.CONTROL, 5, 6, 7, 0, payload));
    Frames.Header h = Frames.header(f);
    assertEquals(7, h.worker());
    assertArrayEquals(payload, Frames.readBytes(f, h.count()));
    f.release();
    f = body(Frames.text(ALLOC, Frames.ERROR, 0, 0, 0, 3, "stale attempt: ü"));
    h = Frames.header(f);
    assertEquals("stale attempt: ü", Frames.readText(f, h.count()));
    f.release();
  }

  @Test
  void refusesAnotherVersionAndOversizedFrames() {
    ByteBuf f = body(Frames.empty(ALLOC, Frames.PING, 0));
    f.setByte(f.readerIndex(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Frames.header(f));
    assertTrue(e.getMessage().contains("version 1"), e.getMessage());
    f.release();
    Frames.Header h = new Frames.Header(Frames.CONTROL, (byte) 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThrows(IllegalArgumentException.class, () -> Frames.start(ALLOC, h, Frames.MAX_FRAME));
  }

  @Test
  void jobKeysDiffer() {
    assertTrue(Frames.jobKey("job-1") != Frames.jobKey("job-2"));
    assertEquals(Frames.jobKey("job-1"), Frames.jobKey("job-1"));
  }
}
