package trainyard.api.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;
import trainyard.api.TestStores;

/**
 * The embedded PostgreSQL keeps what it said it committed when it is killed (the OOM killer): its
 * commits wait for the WAL on disk. zonky's default ({@code synchronous_commit=off}) lost them:
 * LoadAndFaultIT's kill -9 of PostgreSQL found a job's placement gone after its event was
 * consumed (the job QUEUED for good) and an executor running a job whose row was gone.
 */
@QuarkusTest
@WithTestResource(TestStores.class)
class DurableCommitTest {
  @Inject EntityManager db;

  @Test
  void commitsWaitForTheWal() {
    assertEquals("on", QuarkusTransaction.requiringNew().call(() ->
        db.createNativeQuery("SHOW synchronous_commit").getSingleResult().toString()));
    assertEquals("on", QuarkusTransaction.requiringNew().call(() ->
        db.createNativeQuery("SHOW fsync").getSingleResult().toString()));
  }
}
