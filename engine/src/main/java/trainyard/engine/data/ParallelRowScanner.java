package trainyard.engine.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipException;

/**
 * A {@link RowSource} that parses on several threads: a reader thread cuts the input into chunks
 * of whole lines (4 MiB), worker threads parse chunks into blocks, and {@link #fill} hands the
 * rows out in input order, so the result is the same as parsing on one thread, shard boundaries
 * and line numbers included. Memory is bounded by a fixed set of slots (chunk text plus its parsed
 * rows), recycled once consumed.
 *
 * <p>Not thread-safe: one consumer thread calls fill and close; the helper threads only touch a
 * slot between taking it from a queue and handing it on.
 */
final class ParallelRowScanner implements RowSource {
  static final int CHUNK = 4 << 20;
  private static final int PAD = LineReader.PAD;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final RowParser prototype;
  private final int maxBadLines;
  private final ExecutorService workers;
  private final Thread reader;
  private final BlockingQueue<Slot> free;
  private final BlockingQueue<Future<Slot>> ordered;
  private final ThreadLocal<RowParser> parsers;
  private final List<BadLine> bad = new ArrayList<>();
  private long linesBefore;
  private long unlabelled;
  private Slot current;
  private int currentRow;
  private boolean finished;

  /** Text of one chunk and what parsing it produced; recycled. */
  private static final class Slot {
    byte[] text;
    int start;
    int length;
    /** Lines before {@code start} that belong to this chunk (a CSV header and blank lines before it). */
    int extraLines;
    int lines;
    long unlabelled;
    boolean end;
    /** A problem with the input as a whole (corrupt gzip, bad or missing header): the input ends here. */
    String inputError;
    /** Where inputError is: line relative to the lines before this chunk, and column (0: none). */
    long inputErrorLine;
    int inputErrorColumn;
    String inputErrorText;
    final List<BadLine> bad = new ArrayList<>();
    final CsrBuilder rows;

    Slot(boolean withFields, int chunkSize) {
      text = new byte[chunkSize + PAD];
      rows = new CsrBuilder(withFields, 1 << 12, 1 << 16);
    }

    void reset() {
      start = 0;
      length = 0;
      extraLines = 0;
      lines = 0;
      unlabelled = 0;
      end = false;
      inputError = null;
      inputErrorLine = 1;
      inputErrorColumn = 0;
      inputErrorText = "";
      bad.clear();
      rows.clear();
    }
  }

  /** @param chunkSize bytes of text per chunk (lines longer than that get a bigger chunk) */
  ParallelRowScanner(InputStream source, boolean gzip, RowParser parser, int maxBadLines, int threads, int chunkSize) {
    this.prototype = parser;
    this.maxBadLines = maxBadLines;
    int slots = 2 * threads + 2;
    this.free = new ArrayBlockingQueue<>(slots);
    this.ordered = new ArrayBlockingQueue<>(slots + 1);
    boolean withFields = parser instanceof LibffmParser;
    for (int i = 0; i < slots; i++) {
      free.add(new Slot(withFields, chunkSize));
    }
    String name = "parse-" + INSTANCES.incrementAndGet();
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-worker");
      t.setDaemon(true);
      return t;
    });
    // each worker parses with its own copy, made after the reader has read the header
    this.parsers = ThreadLocal.withInitial(prototype::copy);
    this.reader = new Thread(() -> read(source, gzip), name + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  // ---- reader thread ----

  private void read(InputStream in, boolean gzip) {
    byte[] carry = new byte[0];
    int carryLength = 0;
    boolean headerPending = prototype.needsHeader();
    try {
      while (true) {
        Slot s = free.take();
        s.reset();
        if (s.text.length - PAD < carryLength) {
          s.text = new byte[carryLength * 2 + PAD];
        }
        System.arraycopy(carry, 0, s.text, 0, carryLength);
        int length = carryLength;
        boolean eof = false;
        int cut = -1;
        while (true) {
          if (length == s.text.length - PAD) {
            cut = lastNewline(s.text, length);
            if (cut >= 0) {
              break;
            }
            if (length >= LineReader.MAX_LINE) {
              s.inputError = "a line is longer than " + LineReader.MAX_LINE + " bytes";
              break;
            }
            s.text = Arrays.copyOf(s.text, Math.min(LineReader.MAX_LINE, length * 2) + PAD);
          }
          int n;
          try {
            n = in.read(s.text, length, s.text.length - PAD - length);
          } catch (ZipException | EOFException e) {
            if (!gzip) {
              throw e;
            }
            s.inputError = "the gzip input is corrupt or cut short: " + e.getMessage();
            break;
          }
          if (n < 0) {
            eof = true;
            break;
          }
          length += n;
        }
        if (s.inputError != null) {
          s.end = true;
          ordered.put(done(s));
          return;
        }
        if (eof) {
          cut = length;
        } else {
          cut = cut + 1;
        }
        carryLength = length - cut;
        if (carry.length < carryLength) {
          carry = new byte[carryLength * 2];
        }
        System.arraycopy(s.text, cut, carry, 0, carryLength);
        s.length = cut;
        if (headerPending) {
          headerPending = readHeader(s);
          if (s.inputError != null) {
            s.end = true;
            ordered.put(done(s));
            return;
          }
        }
        if (eof && s.start == s.length) {
          if (headerPending) {
            s.inputError = "the input is empty: a header line is required";
            s.inputErrorLine = s.extraLines + 1;
          }
          s.end = true;
          ordered.put(done(s));
          return;
        }
        if (headerPending || s.start == s.length) {
          ordered.put(done(s));
          continue;
        }
        ordered.put(workers.submit(() -> parse(s)));
        if (eof) {
          Slot end = free.take();
          end.reset();
          end.end = true;
          ordered.put(done(end));
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed by the consumer
    } catch (IOException | RuntimeException e) {
      ordered.offer(failed(e));
    }
  }

  /** Consumes blank lines and the header from the chunk's start; returns whether a header is still to come. */
  private boolean readHeader(Slot s) {
    byte[] b = s.text;
    while (s.start < s.length) {
      int i = s.start;
      int e = i;
      while (e < s.length && b[e] != '\n') {
        e++;
      }
      int end = e > i && b[e - 1] == '\r' ? e - 1 : e;
      s.extraLines++;
      s.start = Math.min(s.length, e + 1);
      boolean blank = true;
      for (int k = i; k < end && blank; k++) {
        blank = RowParser.isSpace(b[k]);
      }
      if (!blank) {
        if (!prototype.header(b, i, end)) {
          s.inputError = prototype.errorReason;
          s.inputErrorColumn = prototype.errorColumn;
          s.inputErrorLine = s.extraLines;
          s.inputErrorText = new String(b, i, Math.min(end - i, BadLine.MAX_TEXT * 4), StandardCharsets.UTF_8);
        }
        return false;
      }
    }
    return true;
  }

  private static int lastNewline(byte[] b, int length) {
    for (int i = length - 1; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Future<Slot> done(Slot s) {
    return CompletableFuture.completedFuture(s);
  }

  private static Future<Slot> failed(Throwable e) {
    return CompletableFuture.failedFuture(e);
  }

  // ---- worker threads ----

  private Slot parse(Slot s) {
    RowParser p = parsers.get();
    long unlabelledBefore = p.unlabelledRows;
    byte[] b = s.text;
    int i = s.start;
    int limit = s.length;
    b[limit] = '\n'; // the sentinel parseFast needs after the last line; the pad keeps room for it
    int line = 0;
    CsrBuilder out = s.rows;
    while (i < limit) {
      line++;
      int next = p.tryFast(b, i, out);
      if (next != RowParser.DECLINED) {
        i = next;
        continue;
      }
      int e = i;
      while (b[e] != '\n') {
        e++;
      }
      int end = e > i && b[e - 1] == '\r' ? e - 1 : e;
      if (p.parse(b, i, end, out) == RowParser.ERROR) {
        out.abortRow();
        if (s.bad.size() < maxBadLines) {
          int n = Math.min(end - i, BadLine.MAX_TEXT * 4);
          s.bad.add(new BadLine(line, p.errorColumn, p.errorReason, new String(b, i, n, StandardCharsets.UTF_8)));
        }
      }
      i = e + 1;
    }
    s.lines = line;
    s.unlabelled = p.unlabelledRows - unlabelledBefore;
    return s;
  }

  // ---- consumer ----

  @Override
  public boolean fill(CsrBuilder out, int maxRows, int maxEntries) throws IOException {
    while (true) {
      if (current == null) {
        if (finished) {
          return true;
        }
        Slot s = next();
        long base = linesBefore + s.extraLines;
        if (s.inputError != null) {
          if (bad.size() < maxBadLines) {
            bad.add(new BadLine(linesBefore + s.inputErrorLine, s.inputErrorColumn, s.inputError, s.inputErrorText));
          }
          finished = true;
          return true;
        }
        if (s.end) {
          finished = true;
          free.offer(s);
          return true;
        }
        for (BadLine b : s.bad) {
          if (bad.size() < maxBadLines) {
            bad.add(new BadLine(base + b.line(), b.column(), b.reason(), b.text()));
          }
        }
        unlabelled += s.unlabelled;
        if (!bad.isEmpty()) {
          linesBefore = base + s.lines;
          free.offer(s);
          if (bad.size() >= maxBadLines) {
            finished = true;
            return true;
          }
          continue;
        }
        current = s;
        currentRow = 0;
      }
      CsrBuilder rows = current.rows;
      int to = currentRow;
      int entries = out.nonZeros();
      int room = maxRows - out.rows();
      while (to < rows.rows() && to - currentRow < room && entries < maxEntries) {
        entries += rows.rowStart[to + 1] - rows.rowStart[to];
        to++;
      }
      out.appendRows(rows, currentRow, to);
      currentRow = to;
      if (currentRow == rows.rows()) {
        linesBefore += current.extraLines + current.lines;
        free.offer(current);
        current = null;
      }
      if (out.rows() >= maxRows || out.nonZeros() >= maxEntries) {
        return false;
      }
    }
  }

  private Slot next() throws IOException {
    try {
      return Tasks.await(ordered.take(), "parsing");
    } catch (InterruptedException e) {
      throw Tasks.interrupted("parsing");
    }
  }

  @Override
  public boolean failed() {
    return !bad.isEmpty();
  }

  @Override
  public List<BadLine> badLines() {
    return bad;
  }

  @Override
  public long unlabelledRows() {
    return unlabelled;
  }

  @Override
  public void close() {
    reader.interrupt();
    workers.shutdownNow();
  }
}
