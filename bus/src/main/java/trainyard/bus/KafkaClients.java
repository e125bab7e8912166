package trainyard.bus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The settings every Kafka client of this process (producers, consumers, admin clients) starts
 * from: the brokers' address and how to authenticate to them. A process joined to a broker's
 * SASL/SCRAM listener (compose publishes only such a one) sets {@link #use} once at start, before
 * its first client; until then clients speak plaintext. Thread-safe.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /**
   * How clients authenticate.
   *
   * @param protocol  PLAINTEXT, SASL_PLAINTEXT or SASL_SSL
   * @param mechanism SCRAM-SHA-256 or SCRAM-SHA-512 (SASL only)
   * @param username  the SCRAM user (SASL only)
   * @param password  its password (SASL only)
   */
  public record Security(String protocol, String mechanism, String username, String password) {
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");
    public static final Security PLAINTEXT = new Security("PLAINTEXT", null, null, null);

    public Security {
      Objects.requireNonNull(protocol, "protocol");
      if (!PROTOCOLS.contains(protocol)) {
        throw new IllegalArgumentException("Kafka security protocol must be one of " + PROTOCOLS + ", got " + protocol);
      }
      if (protocol.startsWith("SASL")) {
        if (!MECHANISMS.contains(mechanism)) {
          throw new IllegalArgumentException("Kafka SASL mechanism must be one of " + MECHANISMS + ", got " + mechanism);
        }
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
          throw new IllegalArgumentException("Kafka " + protocol + " needs a SASL username and password");
        }
      }
    }

    /** The client properties these settings stand for. */
    public Map<String, Object> properties() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
      if (protocol.startsWith("SASL")) {
        out.put(SaslConfigs.SASL_MECHANISM, mechanism);
        out.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"" + quoted(username) + "\" password=\"" + quoted(password) + "\";");
      }
      return out;
    }

    /** The password stays out of logs. */
    @Override
    public String toString() {
      return protocol + (mechanism == null ? "" : " " + mechanism + " as " + username);
    }

    private static String quoted(String value) {
      return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
  }

  private static volatile Security security = Security.PLAINTEXT;

  /** Makes every client created from now on authenticate so. */
  public static void use(Security settings) {
    security = Objects.requireNonNull(settings, "settings");
  }

  /** A new client's starting properties: {@code bootstrapServers} and the security settings in use. */
  public static Properties properties(String bootstrapServers) {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.putAll(security.properties());
    return props;
  }
}
