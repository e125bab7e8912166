package trainyard.api.auth;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import trainyard.api.platform.Ids;

/**
 * Issues, lists, revokes and checks bearer tokens. A verified token is cached for
 * {@link #CACHE_MILLIS}: a revocation takes effect at once in the process that made it, and
 * within that time in other api processes. Thread-safe.
 */
@ApplicationScoped
public class Tokens {
  /** What a verified token grants. */
  public record Grant(String tenantId, String tenantName, String tokenName, boolean admin) {}

  /** A token as listed: never its text, nor its hash; {@code id} is "tok_" and the hash's first 16 hex digits. */
  public record TokenView(String id, String tenant, String name, boolean admin, Instant createdAt) {}

  static final long CACHE_MILLIS = 10_000;

  private record Cached(Grant grant, long until) {}

  /** A new token: its text is shown once, only its hash is kept; {@code id} names it for revoking. */
  public record Issued(String id, String token, String tenantId, String tenantName, boolean admin) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, Cached> verified = new ConcurrentHashMap<>();
  private final Clock clock;

  public Tokens(Clock clock) {
    this.clock = clock;
  }

  /** The grant of {@code token}, or null if it is unknown or revoked. */
  public Grant verify(String token) {
    String hash = sha256(token);
    Cached cached = verified.get(hash);
    long now = clock.millis();
    if (cached != null && cached.until() > now) {
      return cached.grant();
    }
    Grant grant = QuarkusTransaction.requiringNew().call(() -> {
      ApiToken row = ApiToken.findById(hash);
      if (row == null) {
        return null;
      }
      Tenant tenant = Tenant.findById(row.tenantId);
      return new Grant(row.tenantId, tenant.name, row.name, row.admin);
    });
    if (grant == null) {
      verified.remove(hash);
      return null;
    }
    verified.put(hash, new Cached(grant, now + CACHE_MILLIS));
    return grant;
  }

  /** The tokens {@code caller} may see: every token for an admin, its tenant's otherwise; newest first. */
  public List<TokenView> list(Grant caller) {
    return QuarkusTransaction.requiringNew().call(() -> {
      List<ApiToken> rows = caller.admin()
          ? ApiToken.<ApiToken>list("order by createdAt desc, tokenHash")
          : ApiToken.<ApiToken>list("tenantId = ?1 order by createdAt desc, tokenHash", caller.tenantId());
      List<TokenView> out = new ArrayList<>();
      for (ApiToken row : rows) {
        Tenant tenant = Tenant.findById(row.tenantId);
        out.add(new TokenView(idOf(row.tokenHash), tenant.name, row.name, row.admin, row.createdAt));
      }
      return out;
    });
  }

  /**
   * Revokes the token {@code id} if {@code caller} may see it (an admin: any; anyone else: its
   * tenant's, its own included); false if there is no such token for the caller. With every admin
   * token revoked, the next start makes a new one ({@link AdminToken}).
   */
  public boolean revoke(Grant caller, String id) {
    if (!id.matches("tok_[0-9a-f]{16}")) {
      return false;
    }
    String hash = QuarkusTransaction.requiringNew().call(() -> {
      ApiToken row = ApiToken.<ApiToken>find("tokenHash like ?1", id.substring(4) + "%").firstResult();
      if (row == null || !(caller.admin() || row.tenantId.equals(caller.tenantId()))) {
        return null;
      }
      row.delete();
      return row.tokenHash;
    });
    if (hash == null) {
      return false;
    }
    verified.remove(hash);
    return true;
  }

  static String idOf(String hash) {
    return "tok_" + hash.substring(0, 16);
  }

  /** Issues a token for the tenant named {@code tenantName}, creating the tenant if needed. */
  public Issued issue(String tenantName, String tokenName, boolean admin) {
    return issue(tenantName, tokenName, admin, "ty_" + HexFormat.of().formatHex(randomBytes()));
  }

  /** Records {@code token} (chosen by the operator) as a token of {@code tenantName}, if new. */
  public Issued issue(String tenantName, String tokenName, boolean admin, String token) {
    return QuarkusTransaction.joiningExisting().call(() -> {
      Tenant tenant = Tenant.findByName(tenantName);
      if (tenant == null) {
        tenant = new Tenant();
        tenant.id = Ids.newId("tn", clock.millis());
        tenant.name = tenantName;
        tenant.createdAt = clock.instant();
        tenant.persist();
      }
      String hash = sha256(token);
      if (ApiToken.findById(hash) == null) {
        ApiToken row = new ApiToken();
        row.tokenHash = hash;
        row.tenantId = tenant.id;
        row.name = tokenName;
        row.admin = admin;
        row.createdAt = clock.instant();
        row.persist();
      }
      return new Issued(idOf(hash), token, tenant.id, tenant.name, admin);
    });
  }

  public boolean anyAdmin() {
    return QuarkusTransaction.joiningExisting().call(() -> ApiToken.count("admin", true) > 0);
  }

  static String sha256(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
