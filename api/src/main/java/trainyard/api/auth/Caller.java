package trainyard.api.auth;

import jakarta.enterprise.context.RequestScoped;
import trainyard.api.problem.ApiException;

/** Who makes the current request; set by {@link BearerAuthFilter}. One per request. */
@RequestScoped
public class Caller {
  private Tokens.Grant grant;

  void set(Tokens.Grant grant) {
    this.grant = grant;
  }

  /** What the caller's token grants. */
  public Tokens.Grant grant() {
    if (grant == null) {
      throw new IllegalStateException("no authenticated caller in this request");
    }
    return grant;
  }

  public String tenantId() {
    return grant().tenantId();
  }

  public void requireAdmin() {
    if (!grant().admin()) {
      throw new ApiException(403, "admin_required", "Forbidden", "this call needs an admin token");
    }
  }
}
