package trainyard.api.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What reaches a client for failures no resource expects, found through the exception's causes. */
class ProblemMappersTest {
  private final ProblemMappers mappers = new ProblemMappers();

  private static String code(Response r) {
    return ((Problem) r.getEntity()).code();
  }

  @Test
  void anUnreachableDatabaseIs503WithRetryAfter() {
    // as Hibernate wraps the driver's "Connection refused" (SQLSTATE 08001)
    Response r = mappers.unexpected(new IllegalStateException("query failed",
        new SQLException("Connection to localhost:5432 refused", "08001")));
    assertEquals(503, r.getStatus());
    assertEquals("database_unavailable", code(r));
    assertEquals("5", r.getHeaderString("Retry-After"));
    assertEquals(503, mappers.unexpected(new SQLException("This connection has been closed.", "08003")).getStatus());
  }

  @Test
  void aNulAFullDiskAndTheRestEachHaveTheirAnswer() {
    assertEquals("invalid_characters", code(mappers.unexpected(
        new RuntimeException(new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021")))));
    Response full = mappers.unexpected(new RuntimeException(new IOException("No space left on device")));
    assertEquals(507, full.getStatus());
    assertEquals("insufficient_storage", code(full));
    Response other = mappers.unexpected(new SQLException("deadlock detected", "40P01"));
    assertEquals(500, other.getStatus());
    assertEquals("internal", code(other));
  }
}
