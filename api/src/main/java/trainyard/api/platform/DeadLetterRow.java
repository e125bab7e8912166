package trainyard.api.platform;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A bus message set aside instead of applied (migration V10). */
@Entity
@Table(name = "dead_letters")
public class DeadLetterRow extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String topic;

  @Column(name = "kafka_partition")
  public int partition;

  @Column(name = "kafka_offset")
  public long offset;

  @Column(name = "message_key")
  public String key;

  public byte[] payload;
  public String error;

  @Column(name = "received_at")
  public Instant receivedAt;
}
