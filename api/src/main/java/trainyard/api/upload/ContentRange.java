package trainyard.api.upload;

import trainyard.api.problem.ApiException;

/** {@code Content-Range: bytes START-END/TOTAL} of a chunk; END is inclusive. Immutable. */
record ContentRange(long start, long end, long total) {
  long length() {
    return end - start + 1;
  }

  /** Parses and checks the header against the upload's declared size. */
  static ContentRange parse(String header, long size) {
    if (header == null) {
      throw invalid("a chunk needs a Content-Range: bytes START-END/TOTAL header");
    }
    String h = header.trim();
    if (!h.startsWith("bytes ")) {
      throw invalid("Content-Range must start with \"bytes \", got \"" + header + "\"");
    }
    int dash = h.indexOf('-');
    int slash = h.indexOf('/');
    if (dash < 0 || slash < dash) {
      throw invalid("Content-Range must be bytes START-END/TOTAL, got \"" + header + "\"");
    }
    long start;
    long end;
    long total;
    try {
      start = Long.parseLong(h.substring(6, dash).trim());
      end = Long.parseLong(h.substring(dash + 1, slash).trim());
      total = Long.parseLong(h.substring(slash + 1).trim());
    } catch (NumberFormatException e) {
      throw invalid("Content-Range must hold three numbers, got \"" + header + "\"");
    }
    if (total != size) {
      throw invalid("Content-Range total " + total + " differs from the upload's size " + size);
    }
    if (start < 0 || end < start) {
      throw invalid("Content-Range end " + end + " is before start " + start);
    }
    if (end >= size) {
      throw invalid("Content-Range end " + end + " is past the last byte " + (size - 1));
    }
    return new ContentRange(start, end, total);
  }

  static ApiException invalid(String detail) {
    return ApiException.badRequest("content_range_invalid", detail);
  }
}
