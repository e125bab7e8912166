package trainyard.api.page;

import java.util.List;

/**
 * One page of a list, newest first. {@code nextCursor} is passed back as {@code cursor} for the
 * next page, and is null on the last one.
 */
public record Page<T>(List<T> items, String nextCursor) {}
