package trainyard.api.page;

import trainyard.api.problem.ApiException;
import trainyard.api.problem.Params;

/**
 * {@code ?limit=&cursor=} of a list call. Ids sort by creation time (see Ids), so the cursor
 * is the last id of the previous page and a page is "ids below the cursor, newest first".
 */
public record PageRequest(int limit, String cursor) {
  public static final int MAX_LIMIT = 200;

  /** From the query parameters as they came. */
  public static PageRequest of(String limit, String cursor) {
    Integer parsed = Params.integer("limit", limit, "invalid_limit");
    int l = parsed == null ? 50 : parsed;
    if (l < 1 || l > MAX_LIMIT) {
      throw ApiException.badRequest("invalid_limit", "limit must be in 1.." + MAX_LIMIT + ", got " + l);
    }
    if (cursor != null && !cursor.matches("[a-z]{2,4}_[0-9a-f]{22}")) {
      throw ApiException.badRequest("invalid_cursor", "cursor is not one this server gave out: " + cursor);
    }
    return new PageRequest(l, cursor);
  }

  /** A list query: its text with numbered parameters, and their values. */
  public record Query(String text, Object[] args) {}

  /**
   * This page of a tenant's rows, newest first, with {@code status} when not null: the query
   * (for a Panache {@code find}) that fetches one row past the page, so {@link #page} knows if
   * more follow.
   */
  public Query query(String tenantId, String status) {
    StringBuilder text = new StringBuilder("tenantId = ?1");
    java.util.List<Object> args = new java.util.ArrayList<>(java.util.List.of(tenantId));
    if (cursor != null) {
      args.add(cursor);
      text.append(" and id < ?").append(args.size());
    }
    if (status != null) {
      args.add(status);
      text.append(" and status = ?").append(args.size());
    }
    return new Query(text.append(" order by id desc").toString(), args.toArray());
  }

  /** Cuts one extra fetched row off and names the cursor of the next page. */
  public <E, T> Page<T> page(java.util.List<E> rowsPlusOne, java.util.function.Function<E, String> id,
      java.util.function.Function<E, T> view) {
    boolean more = rowsPlusOne.size() > limit;
    java.util.List<E> rows = more ? rowsPlusOne.subList(0, limit) : rowsPlusOne;
    java.util.List<T> items = new java.util.ArrayList<>(rows.size());
    for (E row : rows) {
      items.add(view.apply(row));
    }
    return new Page<>(items, more ? id.apply(rows.get(rows.size() - 1)) : null);
  }
}
