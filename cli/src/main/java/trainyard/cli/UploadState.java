package trainyard.cli;

/**
 * What the CLI remembers about an unfinished resumable upload, so a second run can go on
 * where the first stopped.
 *
 * @param server         the server's base URL (an upload id means nothing on another server)
 * @param path           the file's absolute, real path
 * @param size           the file's size when the upload began
 * @param modifiedMillis the file's modification time when the upload began
 * @param sha256         the file's SHA-256 (hex) if it was declared when the upload began (older
 *                       versions did); null: it goes with the completion
 * @param uploadId       the server's upload id
 * @param name           dataset name
 * @param format         dataset format
 */
public record UploadState(
    String server,
    String path,
    long size,
    long modifiedMillis,
    String sha256,
    String uploadId,
    String name,
    String format) {

  /** Whether the file on disk is still the file this upload was sending. */
  public boolean sameFile(long currentSize, long currentModifiedMillis) {
    return size == currentSize && modifiedMillis == currentModifiedMillis;
  }

  /** Whether a new request for this file asks for the same dataset. */
  public boolean sameRequest(String requestedName, String requestedFormat) {
    return name.equals(requestedName) && format.equals(requestedFormat);
  }
}
