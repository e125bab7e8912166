package trainyard.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import trainyard.api.platform.JsonText;
import trainyard.engine.ps.KeyRanges;

/**
 * One member of a job as the REST API shows it: where it runs, which of the job's workers and
 * server shards it runs, the key range of each of its shards, and its latest stats (null until
 * its first MEMBER event). Key bounds are signed 64-bit decimals in strings (a JSON number loses
 * precision above 2^53), both ends inclusive.
 *
 * @param gpus      the ordinals of its executor's GPUs it holds; empty for a job on CPU
 * @param keyRanges one {@code [from, to]} per server shard of this member, in shard order, as the
 *                  engine cuts the key space for a sparse model (linear, fm: {@link
 *                  KeyRanges#uniform} over the job's shards); absent for mlp, whose dense chunks
 *                  are cut by the model's size, which the api does not know before the model exists
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberView(
    int rank,
    String executorId,
    String host,
    int port,
    Span workers,
    Span servers,
    List<Integer> gpus,
    List<List<String>> keyRanges,
    @JsonInclude(JsonInclude.Include.ALWAYS) Double examplesPerSec,
    @JsonInclude(JsonInclude.Include.ALWAYS) Long bytesPushed,
    @JsonInclude(JsonInclude.Include.ALWAYS) Long bytesPulled,
    Instant updatedAt) {

  /** Global indexes {@code first .. first + count - 1}. */
  public record Span(int first, int count) {}

  /** The members of {@code rows} (one job's, by rank) for a job of {@code algorithm}. */
  static List<MemberView> of(String algorithm, List<JobMemberRow> rows) {
    int shards = 0;
    for (JobMemberRow r : rows) {
      shards = Math.max(shards, r.firstServer + r.servers);
    }
    KeyRanges ranges = shards > 0 && sparse(algorithm) ? KeyRanges.uniform(shards) : null;
    List<MemberView> out = new ArrayList<>(rows.size());
    for (JobMemberRow r : rows) {
      out.add(new MemberView(r.rank, r.executorId, r.host, r.port, new Span(r.firstWorker, r.workers),
          new Span(r.firstServer, r.servers), JsonText.list(r.gpus, Integer.class), ranges == null ? null : keyRanges(ranges, r.firstServer, r.servers),
          r.examplesPerSec, r.bytesPushed, r.bytesPulled, r.updatedAt));
    }
    return out;
  }

  /** linear and fm hash their keys over the whole signed 64-bit space. */
  static boolean sparse(String algorithm) {
    return "linear".equals(algorithm) || "fm".equals(algorithm);
  }

  /** {@code [from, to]} of shards {@code first .. first + count - 1}; a shard ends where the next begins. */
  static List<List<String>> keyRanges(KeyRanges ranges, int first, int count) {
    List<List<String>> out = new ArrayList<>(count);
    for (int s = first; s < first + count; s++) {
      long to = s + 1 < ranges.servers() ? ranges.lowerBound(s + 1) - 1 : Long.MAX_VALUE;
      out.add(List.of(Long.toString(ranges.lowerBound(s)), Long.toString(to)));
    }
    return out;
  }
}
