package trainyard.api.upload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.CRC32C;
import trainyard.api.problem.ApiException;

/**
 * A chunk's {@code Content-Digest} (RFC 9530), checked while the chunk streams in: {@code sha-256}
 * and {@code crc32c} (4 bytes, big-endian, as Google Cloud Storage sends it) are known, and each
 * one the header carries is checked. CRC32C costs a few percent of SHA-256 and catches what a
 * broken transfer does to bytes; the file's SHA-256 at completion stays the end-to-end check.
 *
 * <p>Not thread-safe: one per chunk.
 */
final class ChunkDigest {
  private final byte[] sha256;
  private final byte[] crc32c;
  private final MessageDigest sha;
  private final CRC32C crc;

  private ChunkDigest(byte[] sha256, byte[] crc32c) {
    this.sha256 = sha256;
    this.crc32c = crc32c;
    this.sha = sha256 == null ? null : sha256();
    this.crc = crc32c == null ? null : new CRC32C();
  }

  /** The digests {@code header} declares; null when it is absent. */
  static ChunkDigest parse(String header) {
    if (header == null) {
      return null;
    }
    byte[] sha256 = null;
    byte[] crc32c = null;
    for (String part : header.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq < 0 || !p.startsWith(":", eq + 1) || !p.endsWith(":") || p.length() < eq + 3) {
        throw invalid(header);
      }
      String algorithm = p.substring(0, eq).toLowerCase(Locale.ROOT);
      byte[] value;
      try {
        value = Base64.getDecoder().decode(p.substring(eq + 2, p.length() - 1));
      } catch (IllegalArgumentException e) {
        throw invalid(header);
      }
      if (algorithm.equals("sha-256") && value.length == 32) {
        sha256 = value;
      } else if (algorithm.equals("crc32c") && value.length == 4) {
        crc32c = value;
      } else if (algorithm.equals("sha-256") || algorithm.equals("crc32c")) {
        throw invalid(header);
      }
    }
    if (sha256 == null && crc32c == null) {
      throw invalid(header);
    }
    return new ChunkDigest(sha256, crc32c);
  }

  void update(byte[] b, int off, int len) {
    if (sha != null) {
      sha.update(b, off, len);
    }
    if (crc != null) {
      crc.update(b, off, len);
    }
  }

  /** 400 {@code chunk_digest_mismatch} unless every declared digest matches the bytes seen. */
  void check() {
    if (sha != null) {
      requireEqual("SHA-256", sha256, sha.digest());
    }
    if (crc != null) {
      int v = (int) crc.getValue();
      requireEqual("CRC32C", crc32c, new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }
  }

  private static void requireEqual(String name, byte[] declared, byte[] actual) {
    if (!MessageDigest.isEqual(declared, actual)) {
      Base64.Encoder b64 = Base64.getEncoder();
      throw ApiException.badRequest("chunk_digest_mismatch", "the chunk's " + name + " is "
          + b64.encodeToString(actual) + " but Content-Digest says " + b64.encodeToString(declared));
    }
  }

  private static ApiException invalid(String header) {
    return ApiException.badRequest("content_digest_invalid", "Content-Digest must be sha-256=:<base64 of the "
        + "chunk's SHA-256>: or crc32c=:<base64 of its CRC32C, 4 bytes big-endian>:, got " + header);
  }

  /** A fresh SHA-256, for the chunks and the whole file alike. */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
  }
}
