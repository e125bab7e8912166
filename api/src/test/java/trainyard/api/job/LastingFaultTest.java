package trainyard.api.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures set an event aside and which are waited out (the database down). */
class LastingFaultTest {
  @Test
  void theEventsOwnFaultsAreLasting() {
    assertTrue(EventConsumer.lasting(new RejectedEvent("executor x does not hold attempt 1")));
    assertTrue(EventConsumer.lasting(wrapped(new SQLException("timestamp out of range", "22008"))));
    assertTrue(EventConsumer.lasting(wrapped(new SQLException("duplicate key", "23505"))));
    assertTrue(EventConsumer.lasting(new NullPointerException("state")));
  }

  @Test
  void aDatabaseThatIsDownOrBusyIsWaitedOut() {
    assertFalse(EventConsumer.lasting(wrapped(new SQLException("connection refused", "08001"))));
    assertFalse(EventConsumer.lasting(wrapped(new SQLException("terminating connection", "57P01"))));
    assertFalse(EventConsumer.lasting(wrapped(new SQLException("deadlock detected", "40P01"))));
    assertFalse(EventConsumer.lasting(wrapped(new SQLException("Sorry, acquisition timeout!"))));
    assertFalse(EventConsumer.lasting(new IllegalStateException("transaction manager stopped")));
  }

  private static PersistenceException wrapped(SQLException e) {
    return new PersistenceException("could not execute statement", e);
  }
}
