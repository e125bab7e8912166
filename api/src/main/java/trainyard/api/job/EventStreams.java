package trainyard.api.job;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;
import trainyard.api.platform.JsonText;
import trainyard.api.platform.TrainyardConfig;
import trainyard.api.problem.ApiException;
import trainyard.api.problem.Problem;
import trainyard.bus.JobState;

/**
 * Live Server-Sent Events streams of job events. Each stream reads PostgreSQL for events after
 * the last one it sent, and closes after the job's terminal state. It reads when this process's
 * {@link EventConsumer} has stored an event of its job ({@link #stored}), checked every
 * {@value #TICK_MS} ms, and at least every {@value #FALLBACK_MS} ms for events another api process
 * stored: so an idle stream costs no query per tick. An event's SSE {@code id} is its event id
 * and its {@code event} name its type. Thread-safe: each stream is run by one timer task at a time.
 */
@ApplicationScoped
public class EventStreams {
  private static final Logger LOG = Logger.getLogger(EventStreams.class);
  private static final long TICK_MS = 200;
  private static final long FALLBACK_MS = 2_000;
  private static final int BATCH = 500;

  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "trainyard-sse");
    t.setDaemon(true);
    return t;
  });

  /** When a tenant refused a stream may try again: streams last as long as their jobs. */
  static final long RETRY_AFTER_SECONDS = 30;

  @Inject TrainyardConfig config;

  /** The open streams of each job: the consumer marks them when it stores an event. */
  private final Map<String, Set<Stream>> open = new ConcurrentHashMap<>();
  /** Open streams by tenant, never past {@code trainyard.limits.streams-per-tenant}. */
  private final Map<String, Integer> perTenant = new ConcurrentHashMap<>();

  /**
   * Streams the events of {@code jobId} stored after {@code afterSeq} to {@code sink}; throws 429
   * too_many_streams when the tenant already holds its most: each costs a timer task and queries.
   * The stream sends nothing before {@code headWritten}: the request's thread writes the response's
   * head after this returns, and a send from the timer at the same moment wrote it too, failing
   * the stream ("Response head already sent") and counting it out of the tenant's streams while
   * its client still held it.
   */
  public void open(String tenantId, String jobId, long afterSeq, SseEventSink sink, Sse sse, BooleanSupplier headWritten) {
    int limit = config.limits().streamsPerTenant();
    boolean[] admitted = {false};
    perTenant.compute(tenantId, (k, n) -> {
      int held = n == null ? 0 : n;
      admitted[0] = held < limit;
      return admitted[0] ? held + 1 : n;
    });
    if (!admitted[0]) {
      throw new ApiException(Problem.of(429, "too_many_streams", "Too many requests", "this tenant already follows "
          + limit + " event streams (trainyard.limits.streams-per-tenant); close one, or read events with "
          + "Accept: application/json"), RETRY_AFTER_SECONDS);
    }
    Stream stream = new Stream(tenantId, jobId, afterSeq, sink, sse, headWritten);
    open.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).add(stream);
    stream.future = timer.scheduleWithFixedDelay(stream::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /** An event of {@code jobId} was stored: its open streams read at their next tick. */
  void stored(String jobId) {
    Set<Stream> streams = open.get(jobId);
    if (streams != null) {
      for (Stream s : streams) {
        s.dirty = true;
      }
    }
  }

  private void closed(Stream stream) {
    open.computeIfPresent(stream.jobId, (k, streams) -> {
      streams.remove(stream);
      return streams.isEmpty() ? null : streams;
    });
    perTenant.computeIfPresent(stream.tenantId, (k, n) -> n == 1 ? null : n - 1);
  }

  @PreDestroy
  void shutdown() {
    timer.shutdownNow();
  }

  private final class Stream {
    private final String tenantId;
    private final String jobId;
    private final SseEventSink sink;
    private final Sse sse;
    private final BooleanSupplier headWritten;
    private long lastSeq;
    /** Set by {@link #stored}; the first tick reads anyway. */
    private volatile boolean dirty = true;
    private long lastReadNanos;
    private volatile ScheduledFuture<?> future;
    /** Counted out of its tenant's streams once only. */
    private final AtomicBoolean finished = new AtomicBoolean();

    Stream(String tenantId, String jobId, long afterSeq, SseEventSink sink, Sse sse, BooleanSupplier headWritten) {
      this.tenantId = tenantId;
      this.jobId = jobId;
      this.lastSeq = afterSeq;
      this.sink = sink;
      this.sse = sse;
      this.headWritten = headWritten;
    }

    void tick() {
      try {
        if (sink.isClosed()) {
          finish();
          return;
        }
        if (!headWritten.getAsBoolean()) {
          return;
        }
        long now = System.nanoTime();
        if (!dirty && now - lastReadNanos < TimeUnit.MILLISECONDS.toNanos(FALLBACK_MS)) {
          return;
        }
        dirty = false;
        lastReadNanos = now;
        List<EventView> events = QuarkusTransaction.requiringNew().call(
            () -> JobService.eventsAfter(jobId, lastSeq, BATCH));
        boolean terminalSent = false;
        for (EventView event : events) {
          // data is JSON text already: a media type would only add a "content-type:" line to each event
          sink.send(sse.newEventBuilder().id(event.id()).name(event.type()).data(JsonText.write(event)).build());
          lastSeq = event.seq();
          terminalSent |= event.terminal();
        }
        if ((events.isEmpty() || terminalSent) && jobEndedAndAllSent()) {
          finish();
        }
      } catch (RuntimeException e) {
        if (sink.isClosed()) {
          // The client left between the check above and a send ("Already closed"): no fault.
          LOG.debugf("event stream of job %s: the client left", jobId);
        } else {
          LOG.warnf("event stream of job %s ends early: %s", jobId, e.getMessage());
        }
        finish();
      }
    }

    /**
     * Whether the job is terminal and all its events were sent. A terminal event alone does not
     * say so: one of an older attempt (a lost executor that still sends) changes nothing.
     */
    private boolean jobEndedAndAllSent() {
      String status = QuarkusTransaction.requiringNew().call(() -> {
        JobRow job = JobRow.findById(jobId);
        return job == null ? JobState.FAILED.name() : job.status;
      });
      return JobState.valueOf(status).isTerminal()
          && QuarkusTransaction.requiringNew().call(() -> JobService.eventsAfter(jobId, lastSeq, 1)).isEmpty();
    }

    private void finish() {
      if (finished.getAndSet(true)) {
        return; // a tick already ran behind the cancel
      }
      closed(this);
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
      if (!sink.isClosed()) {
        sink.close();
      }
    }
  }
}
