package trainyard.api.problem;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

/**
 * A request body that refuses to deliver more than a fixed number of bytes: past it, reading
 * throws the caller's {@link ApiException} (a 413), so a body is never held whole beyond its limit
 * however it is sent (with or without Content-Length). Not thread-safe.
 */
public final class LimitedBody extends FilterInputStream {
  private final long limit;
  private final LongFunction<ApiException> tooLarge;
  private long read;

  /** {@code tooLarge}: the answer for a body past {@code limit} bytes, given the limit. */
  public LimitedBody(InputStream in, long limit, LongFunction<ApiException> tooLarge) {
    super(in);
    this.limit = limit;
    this.tooLarge = tooLarge;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  private void count(long n) {
    read += n;
    if (read > limit) {
      throw tooLarge.apply(limit);
    }
  }
}
