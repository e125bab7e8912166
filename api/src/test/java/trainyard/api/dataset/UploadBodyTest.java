package trainyard.api.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import trainyard.api.quota.Arriving;

/** The counting wrapper around a streamed upload's body (plain JUnit: no server needed). */
class UploadBodyTest {
  private static final byte[] TEXT = "1 1:1\n0 2:1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @Test
  void thePeekedBytesAreStillRead() throws IOException {
    UploadBody body = new UploadBody(new ByteArrayInputStream(TEXT), 100, Arriving.UNLIMITED);
    assertFalse(body.startsWithGzip());
    assertFalse(body.isEmpty());
    assertArrayEquals(TEXT, body.readAllBytes());
    assertEquals(TEXT.length, body.count());
    assertFalse(body.broken());
  }

  @Test
  void gzipAndEmptyBodiesAreRecognised() throws IOException {
    assertTrue(new UploadBody(new ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 8}), 100, Arriving.UNLIMITED)
        .startsWithGzip());
    UploadBody empty = new UploadBody(InputStream.nullInputStream(), 100, Arriving.UNLIMITED);
    assertFalse(empty.startsWithGzip());
    assertTrue(empty.isEmpty());
    UploadBody one = new UploadBody(new ByteArrayInputStream(new byte[] {'1'}), 100, Arriving.UNLIMITED);
    assertFalse(one.startsWithGzip());
    assertFalse(one.isEmpty());
    assertEquals('1', one.read());
    assertEquals(-1, one.read());
  }

  @Test
  void passingTheLimitBreaksTheBodyWhateverWrapsTheException() {
    UploadBody body = new UploadBody(new ByteArrayInputStream(TEXT), TEXT.length - 1, Arriving.UNLIMITED);
    // a reader that wraps it, as the engine's gzip or buffered streams may
    assertThrows(UploadBody.TooLarge.class, () -> new java.io.BufferedInputStream(body).readAllBytes());
    assertTrue(body.broken());
    assertEquals(413, body.brokenAnswer().problem().status());
    assertEquals("upload_too_large", body.brokenAnswer().problem().code());
    assertThrows(UploadBody.TooLarge.class, body::read, "stays broken");
  }

  @Test
  void aFailingRequestStreamBreaksTheBody() {
    UploadBody body = new UploadBody(failing(new IOException("Connection was closed")), 100, Arriving.UNLIMITED);
    assertThrows(IOException.class, () -> body.read(new byte[10], 0, 10));
    assertTrue(body.broken());
    assertEquals("upload_interrupted", body.brokenAnswer().problem().code());
  }

  @Test
  void anInterruptedReaderDoesNotBreakTheBody() throws IOException {
    UploadBody body = new UploadBody(failing(new InterruptedIOException("interrupted")), 100, Arriving.UNLIMITED);
    assertThrows(InterruptedIOException.class, () -> body.read(new byte[10], 0, 10));
    assertFalse(body.broken(), "the engine stopping its reader is not the client's doing");
  }

  @Test
  void afterDetachTheEngineReadsNothingAndDrainReadsTheRest() throws IOException {
    UploadBody body = new UploadBody(new ByteArrayInputStream(TEXT), 100, Arriving.UNLIMITED);
    assertEquals(3, body.read(new byte[3], 0, 3));
    body.detach();
    assertThrows(IOException.class, () -> body.read(new byte[3], 0, 3));
    body.drain();
    assertEquals(TEXT.length, body.count());
    assertFalse(body.broken());
  }

  @Test
  void drainStillEnforcesTheLimit() {
    UploadBody body = new UploadBody(new ByteArrayInputStream(new byte[5000]), 4096, Arriving.UNLIMITED);
    assertThrows(UploadBody.TooLarge.class, body::drain);
    assertTrue(body.broken());
  }

  @Test
  void gzipOverTheBodyReadsThroughThePeek() throws IOException {
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
      gz.write(TEXT);
    }
    UploadBody body = new UploadBody(new ByteArrayInputStream(zipped.toByteArray()), 1000, Arriving.UNLIMITED);
    assertTrue(body.startsWithGzip());
    assertArrayEquals(TEXT, new GZIPInputStream(body).readAllBytes());
  }

  private static InputStream failing(IOException e) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        throw e;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        throw e;
      }
    };
  }
}
