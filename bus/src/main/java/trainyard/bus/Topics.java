package trainyard.bus;

import java.util.List;

/** The Kafka topics of Trainyard (docs/ARCHITECTURE.md, "Kafka topics and messages"). */
public final class Topics {
  /** {@link JobMessage}, keyed by job id: api → scheduler. */
  public static final String JOBS = "trainyard.jobs";
  /** {@link Assignment}, keyed by executor id: scheduler → executor. */
  public static final String ASSIGNMENTS = "trainyard.assignments";
  /** {@link JobEvent}, keyed by job id: scheduler, executor → api. */
  public static final String EVENTS = "trainyard.events";
  /** {@link Heartbeat}, keyed by executor id: executor → scheduler, api. */
  public static final String HEARTBEATS = "trainyard.heartbeats";

  public static final List<String> ALL = List.of(JOBS, ASSIGNMENTS, EVENTS, HEARTBEATS);

  private Topics() {}

  /** The topic that carries messages of {@code type}. */
  public static String of(Class<?> type) {
    if (type == JobMessage.class) {
      return JOBS;
    }
    if (type == Assignment.class) {
      return ASSIGNMENTS;
    }
    if (type == JobEvent.class) {
      return EVENTS;
    }
    if (type == Heartbeat.class) {
      return HEARTBEATS;
    }
    throw new IllegalArgumentException("no Trainyard topic carries " + type.getName());
  }
}
