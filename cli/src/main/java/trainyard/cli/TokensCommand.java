package trainyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trainyard tokens ls|create|revoke}. */
@Command(name = "tokens", description = "List, create (admin) and revoke bearer tokens.",
    subcommands = {TokensCommand.Ls.class, TokensCommand.Create.class, TokensCommand.Revoke.class})
final class TokensCommand extends Group {
  @Command(name = "ls", aliases = "list", description = "List the tokens you may see (an admin: all), newest first; never their text.")
  static final class Ls extends ListLeaf {
    Ls() {
      super("/api/v1/tokens", "ID", "TENANT", "NAME", "ADMIN", "CREATED");
    }

    @Override
    String[] row(JsonNode t) {
      return new String[] {Json.text(t, "id"), Json.text(t, "tenant"), Json.text(t, "name"),
          t.path("admin").asBoolean() ? "yes" : "no", Json.text(t, "createdAt")};
    }
  }

  @Command(name = "create", description = "Make a token for a tenant, created if new (admin only). It is shown once.")
  static final class Create extends Leaf {
    @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "the tenant (1..64 of A-Z a-z 0-9 _ . -)")
    String tenant;

    @Option(names = "--name", paramLabel = "LABEL", description = "a label for the token (default: token)")
    String name;

    @Option(names = "--admin", description = "an admin token")
    boolean admin;

    @Override
    public Integer call() {
      ObjectNode body = Json.MAPPER.createObjectNode().put("tenant", tenant).put("admin", admin);
      if (name != null) {
        body.put("name", name);
      }
      JsonNode t = api().postJson("/api/v1/tokens", body, Map.of());
      printResult(t, Json.text(t, "token") + "  (" + Json.text(t, "id") + ", tenant " + Json.text(t, "tenantName")
          + "; shown once)");
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a token by its id (tok_...): yours, your tenant's, or (admin) any.")
  static final class Revoke extends Leaf {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      api().delete("/api/v1/tokens/" + ApiClient.seg(id));
      printResult(Json.MAPPER.createObjectNode().put("id", id).put("revoked", true), id + "  revoked");
      return 0;
    }
  }
}
