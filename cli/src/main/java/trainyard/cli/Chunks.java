package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.zip.CRC32C;

/** The arithmetic and headers of docs/UPLOAD-PROTOCOL.md's chunks; pure functions. */
public final class Chunks {
  private Chunks() {}

  /** Bytes of the chunk that starts at {@code offset}: at most {@code chunkSize}, never past the end. */
  public static int length(long offset, long size, int chunkSize) {
    if (offset < 0 || offset > size) {
      throw new IllegalArgumentException("offset must be in 0.." + size + ", got " + offset);
    }
    return (int) Math.min(chunkSize, size - offset);
  }

  /** The chunk size to use: the wanted one, lowered to the server's {@code maxChunkBytes} if it says one. */
  public static int fit(int wanted, JsonNode upload) {
    long max = upload.path("maxChunkBytes").asLong(0);
    return max > 0 && max < wanted ? (int) max : wanted;
  }

  /** {@code bytes START-END/TOTAL}, END inclusive (RFC 9110). */
  public static String contentRange(long offset, int length, long size) {
    return "bytes " + offset + "-" + (offset + length - 1) + "/" + size;
  }

  /**
   * {@code crc32c=:BASE64:} (RFC 9530 Content-Digest; the CRC32C's 4 bytes big-endian) of
   * {@code buf[0, length)}. A CRC32C catches what a broken transfer does to a chunk at a few
   * percent of SHA-256's cost; the file's SHA-256 at completion is the end-to-end check.
   */
  public static String contentDigest(byte[] buf, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buf, 0, length);
    byte[] value = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
    return "crc32c=:" + Base64.getEncoder().encodeToString(value) + ":";
  }

  /**
   * The server's byte count from an upload resource or a 409 upload_offset_mismatch problem;
   * -1 if the body does not say (then the caller asks with a GET).
   */
  public static long received(JsonNode body, long size) {
    JsonNode r = body.path("received");
    if (!r.canConvertToLong()) {
      return -1;
    }
    long v = r.asLong();
    if (v < 0 || v > size) {
      throw new ApiException(200, "bad_received",
          "the server reports " + v + " bytes received of a " + size + "-byte file", body);
    }
    return v;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
