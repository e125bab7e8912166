package trainyard.bus;

/**
 * One message as a {@link BusConsumer} read it.
 *
 * @param key             the record key (job id or executor id)
 * @param value           the decoded message
 * @param partition       the partition it came from
 * @param offset          its offset there
 * @param timestampMillis the broker's or producer's timestamp
 * @param payload         the record's bytes as they came (what a dead letter keeps); not to be changed
 */
public record Received<T>(String key, T value, int partition, long offset, long timestampMillis, byte[] payload) {}
