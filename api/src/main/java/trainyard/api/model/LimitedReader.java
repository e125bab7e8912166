package trainyard.api.model;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import trainyard.api.problem.ApiException;

/** A reader that refuses (413) to deliver more than a fixed number of characters. Not thread-safe. */
final class LimitedReader extends FilterReader {
  private final long limit;
  private long read;

  LimitedReader(Reader in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int c = super.read();
    if (c >= 0) {
      count(1);
    }
    return c;
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(int n) {
    read += n;
    if (read > limit) {
      throw new ApiException(413, "predict_too_large", "Payload too large",
          "a predict request holds at most " + limit + " characters; ingest bigger batches as a dataset");
    }
  }
}
