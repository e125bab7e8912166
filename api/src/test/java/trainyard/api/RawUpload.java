package trainyard.api;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A {@code POST /api/v1/datasets} written by hand on a socket, with a chunked body the test sends
 * piece by piece: what a slow client, or one that hangs up midway, does. Not thread-safe.
 */
final class RawUpload implements Closeable {
  /** The server's answer: status, the body as text. */
  record Answer(int status, String contentType, String body) {}

  private final Socket socket;
  private final OutputStream out;

  /** Sends the request line and headers; {@code query} is e.g. {@code name=x&format=libsvm}. */
  RawUpload(URI base, String token, String query) throws IOException {
    socket = new Socket(base.getHost(), base.getPort());
    socket.setSoTimeout(60_000);
    out = socket.getOutputStream();
    String head = "POST /api/v1/datasets?" + query + " HTTP/1.1\r\n"
        + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
        + "Authorization: Bearer " + token + "\r\n"
        + "Content-Type: application/octet-stream\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Sends {@code bytes} as one chunk. */
  void send(byte[] bytes) throws IOException {
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Announces a chunk of {@code announced} bytes but sends only {@code bytes}: a cut in mid-chunk. */
  void sendPartOfChunk(byte[] bytes, int announced) throws IOException {
    out.write((Integer.toHexString(announced) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  /** Ends the body. */
  void finish() throws IOException {
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads the answer (Content-Length or chunked). */
  Answer answer() throws IOException {
    InputStream in = socket.getInputStream();
    String status = line(in);
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = -1;
    boolean chunked = false;
    String type = null;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(h.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("content-type:")) {
        type = h.substring(13).trim();
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
        body.write(in.readNBytes(n));
        line(in);
      }
    } else if (length > 0) {
      body.write(in.readNBytes((int) length));
    }
    return new Answer(code, type, body.toString(StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the server closed the connection in the middle of its answer: " + sb);
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
