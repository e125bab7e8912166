package trainyard.api.auth;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import trainyard.api.platform.Ids;

/**
 * Issues and checks bearer tokens. Tokens cannot be revoked yet, so a verified token is cached.
 * Thread-safe.
 */
@ApplicationScoped
public class Tokens {
  /** What a verified token grants. */
  public record Grant(String tenantId, boolean admin) {}

  /** A new token: its text is shown once, only its hash is kept. */
  public record Issued(String token, String tenantId, String tenantName, boolean admin) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, Grant> verified = new ConcurrentHashMap<>();
  private final Clock clock;

  public Tokens(Clock clock) {
    this.clock = clock;
  }

  /** The grant of {@code token}, or null if it is unknown. */
  public Grant verify(String token) {
    String hash = sha256(token);
    Grant grant = verified.get(hash);
    if (grant == null) {
      ApiToken row = QuarkusTransaction.requiringNew().call(() -> ApiToken.<ApiToken>findById(hash));
      if (row == null) {
        return null;
      }
      grant = new Grant(row.tenantId, row.admin);
      verified.put(hash, grant);
    }
    return grant;
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
      return new Issued(token, tenant.id, tenant.name, admin);
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
