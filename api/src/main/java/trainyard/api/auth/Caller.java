package trainyard.api.auth;

import jakarta.enterprise.context.RequestScoped;
import trainyard.api.problem.ApiException;

/** Who makes the current request; set by {@link BearerAuthFilter}. One per request. */
@RequestScoped
public class Caller {
  private String tenantId;
  private boolean admin;

  void set(String tenantId, boolean admin) {
    this.tenantId = tenantId;
    this.admin = admin;
  }

  public String tenantId() {
    if (tenantId == null) {
      throw new IllegalStateException("no authenticated caller in this request");
    }
    return tenantId;
  }

  public void requireAdmin() {
    if (!admin) {
      throw new ApiException(403, "admin_required", "Forbidden", "this call needs an admin token");
    }
  }
}
