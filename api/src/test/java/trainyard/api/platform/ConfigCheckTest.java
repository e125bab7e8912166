package trainyard.api.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server refuses to start on settings no key may take, and says which, all at once. */
class ConfigCheckTest {
  private static TrainyardConfig config(Map<String, String> properties) {
    // Quarkus's converter reads "30s", as the server does
    SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(TrainyardConfig.class)
        .withConverter(Duration.class, 200, new DurationConverter())
        .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
    return config.getConfigMapping(TrainyardConfig.class);
  }

  @Test
  void theDefaultsPassAndImpossibleNumbersAreNamed() {
    Platform.requireValid(config(Map.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platform.requireValid(config(Map.of(
        "trainyard.upload.max-bytes", "-1", "trainyard.upload.ingest-threads", "0",
        "trainyard.executor.cores", "0", "trainyard.jobs.resend-interval", "0s"))));
    assertEquals("invalid configuration: trainyard.upload.max-bytes must be at least 1, got -1; "
        + "trainyard.upload.ingest-threads must be at least 1, got 0; trainyard.jobs.resend-interval (ms) must be "
        + "at least 1, got 0; trainyard.executor.cores must be at least 1, got 0", e.getMessage());
  }
}
