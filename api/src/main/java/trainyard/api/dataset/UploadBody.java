package trainyard.api.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import trainyard.api.problem.ApiException;
import trainyard.api.quota.Arriving;

/**
 * A streamed upload's request body as the engine reads it: counts the bytes, refuses more than
 * {@code maxBytes} or past the tenant's storage quota, and remembers when the body itself broke
 * (the client went away, or it was too large), so that the caller can tell a broken upload from
 * bad data whatever the engine made of the exception on its way out. Reads pass straight
 * through: the engine's big reads reach the request stream as they are.
 *
 * <p>Thread-safe: the engine reads on its own reader thread, and after {@code Ingest.ingest} has
 * returned that thread may still be inside a read; {@link #drain} and {@link #detach} take the
 * same lock, so the ingest thread that drains never reads concurrently with it, and after detach the engine's
 * thread reads nothing more.
 */
final class UploadBody extends InputStream {
  private static final int DRAIN_BUFFER = 1 << 20;

  /** The body passed {@code trainyard.upload.max-bytes}. */
  static final class TooLarge extends IOException {
    TooLarge(long maxBytes) {
      super("the body passed " + maxBytes + " bytes");
    }
  }

  /** The body passed the tenant's storage quota. */
  static final class OverQuota extends IOException {
    OverQuota() {
      super("the body passed the tenant's storage quota");
    }
  }

  private final InputStream in;
  private final long maxBytes;
  private final Arriving quota;
  private final byte[] head = new byte[2];
  /** Guarded by this. */
  private int headLength;
  /** Guarded by this. */
  private int headPos;
  /** Guarded by this. */
  private long count;
  /** Guarded by this. */
  private boolean ended;
  /** Guarded by this. */
  private boolean detached;
  /** What broke the body itself; guarded by this. */
  private IOException failure;

  UploadBody(InputStream in, long maxBytes, Arriving quota) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.quota = quota;
  }

  static ApiException tooLarge(long maxBytes) {
    return new ApiException(413, "upload_too_large", "Payload too large",
        "uploads are limited to " + maxBytes + " bytes (trainyard.upload.max-bytes)");
  }

  /**
   * Reads the first two bytes ahead (they are still delivered by {@code read}); returns whether
   * they are gzip's magic number.
   */
  synchronized boolean startsWithGzip() throws IOException {
    while (headLength < head.length) {
      int n = readBody(head, headLength, head.length - headLength);
      if (n < 0) {
        break;
      }
      headLength += n;
    }
    return headLength == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
  }

  /** Whether the body is empty; call after {@link #startsWithGzip}. */
  synchronized boolean isEmpty() {
    return headLength == 0 && ended;
  }

  /** Bytes read from the request so far. */
  synchronized long count() {
    return count;
  }

  /** Whether the body itself broke: the client went away, or it passed the limit or the quota. */
  synchronized boolean broken() {
    return failure != null;
  }

  /** The error the client should get for a {@link #broken()} body: 413 when too large, 403 past the quota, else 400. */
  synchronized ApiException brokenAnswer() {
    if (failure instanceof TooLarge) {
      return tooLarge(maxBytes);
    }
    if (failure instanceof OverQuota) {
      return quota.refusal();
    }
    String why = failure == null ? "" : " (" + failure.getMessage() + ")";
    return new ApiException(400, "upload_interrupted", "Upload interrupted",
        "the request body broke off after " + count + " bytes" + why + "; send the file again");
  }

  /** From now on the engine's reader thread gets an exception instead of bytes. */
  synchronized void detach() {
    detached = true;
  }

  /**
   * Reads the rest of the body and throws it away (counted, so the limit still holds), so that
   * the client, which is still sending, gets to read our answer.
   */
  synchronized void drain() throws IOException {
    detached = true;
    byte[] buffer = new byte[DRAIN_BUFFER];
    headPos = headLength;
    while (readBody(buffer, 0, buffer.length) >= 0) {
      // discard
    }
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    if (detached) {
      throw new IOException("the upload's ingestion has ended");
    }
    if (len == 0) {
      return 0;
    }
    if (headPos < headLength) {
      int n = Math.min(len, headLength - headPos);
      System.arraycopy(head, headPos, b, off, n);
      headPos += n;
      return n;
    }
    return readBody(b, off, len);
  }

  /** Guarded by this. */
  private int readBody(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (ended) {
      return -1;
    }
    int n;
    try {
      n = in.read(b, off, len);
    } catch (InterruptedIOException e) {
      // the engine stopped its reader thread: the body is fine and can still be drained
      throw e;
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    if (n < 0) {
      ended = true;
      return -1;
    }
    count += n;
    if (count > maxBytes) {
      failure = new TooLarge(maxBytes);
      throw failure;
    }
    if (!quota.take(n)) {
      failure = new OverQuota();
      throw failure;
    }
    return n;
  }
}
