package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * An {@code ls} command: one page of a collection as a table for people, or the server's JSON
 * with {@code --output json}. A subclass names the collection and its columns and turns one item
 * into a row; paging ({@code --limit}, {@code --cursor}) and the next-page hint live here.
 * Not thread-safe: picocli builds one instance per run.
 */
abstract class ListLeaf extends Leaf {
  @Option(names = "--limit", paramLabel = "N", description = "at most N rows (default 50)")
  int limit = 50;

  @Option(names = "--cursor", paramLabel = "C", description = "continue a previous listing")
  String cursor;

  private final String collection;
  private final String[] headers;

  ListLeaf(String collection, String... headers) {
    this.collection = collection;
    this.headers = headers;
  }

  /** One item of the list as cells, one per header. */
  abstract String[] row(JsonNode item);

  /** Query parameters that narrow the listing, sent before the paging ones; none by default. */
  Map<String, Object> filters() {
    return new LinkedHashMap<>();
  }

  @Override
  public Integer call() {
    Map<String, Object> params = filters();
    params.put("limit", limit);
    params.put("cursor", cursor);
    JsonNode list = api().get(ApiClient.query(collection, params));
    if (json()) {
      printJson(list);
      return 0;
    }
    Table t = new Table(headers);
    for (JsonNode item : Json.items(list)) {
      t.row(row(item));
    }
    t.print(out());
    moreHint(list);
    return 0;
  }

  /** Tells a person how to see the next page, on stderr so stdout stays a clean table. */
  private void moreHint(JsonNode list) {
    JsonNode next = list.path("nextCursor");
    if (next.isTextual() && !next.asText().isEmpty()) {
      console().err().println("(more: --cursor " + next.asText() + ")");
    }
  }
}
