package trainyard.api.study;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import trainyard.api.job.JobRow;
import trainyard.api.job.MetricRow;
import trainyard.api.platform.JsonText;
import trainyard.bus.JobState;
import trainyard.scheduler.study.Trial;

/**
 * A study's trials as stored: their rows, their jobs, and the search's view of them ({@link Trial}),
 * read from the database alone, so the driver decides the same after a restart. Read inside a
 * transaction.
 */
record StudyTrials(List<StudyTrialRow> rows, Map<String, JobRow> jobs, List<Trial> trials) {

  static StudyTrials load(StudyRow study) {
    List<StudyTrialRow> rows = StudyTrialRow.of(study.id);
    Map<String, JobRow> jobs = new HashMap<>();
    Map<String, TreeMap<Integer, Double>> values = new HashMap<>();
    if (!rows.isEmpty()) {
      List<String> ids = rows.stream().map(r -> r.jobId).toList();
      for (JobRow job : JobRow.<JobRow>list("id in ?1", ids)) {
        jobs.put(job.id, job);
      }
      // in arrival order: an epoch a resumed attempt reports again keeps its latest value
      for (MetricRow m : MetricRow.<MetricRow>list("jobId in ?1 and name = ?2 order by id", ids, study.objectiveMetric)) {
        if (m.epoch != null) {
          values.computeIfAbsent(m.jobId, k -> new TreeMap<>()).put(m.epoch, m.value);
        }
      }
    }
    List<Trial> trials = new ArrayList<>(rows.size());
    for (StudyTrialRow r : rows) {
      trials.add(new Trial(r.index, JsonText.map(r.paramsJson), status(r, jobs.get(r.jobId)),
          values.getOrDefault(r.jobId, new TreeMap<>()), r.rungsPassed));
    }
    return new StudyTrials(rows, jobs, trials);
  }

  /** A stopped trial counts as STOPPED from the decision on, though its job may still be ending. */
  private static Trial.Status status(StudyTrialRow row, JobRow job) {
    JobState state = JobState.valueOf(job.status);
    return switch (state) {
      case SUCCEEDED -> Trial.Status.SUCCEEDED;
      case FAILED -> Trial.Status.FAILED;
      case CANCELLED -> row.stoppedEarly ? Trial.Status.STOPPED : Trial.Status.CANCELLED;
      case QUEUED, ASSIGNED, RUNNING -> row.stoppedEarly ? Trial.Status.STOPPED : Trial.Status.RUNNING;
    };
  }

  List<TrialView> views() {
    List<TrialView> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      StudyTrialRow r = rows.get(i);
      JobRow job = jobs.get(r.jobId);
      Trial t = trials.get(i);
      String state = t.status() == Trial.Status.STOPPED ? "STOPPED" : job.status;
      out.add(new TrialView(r.index, r.jobId, state, JsonText.tree(r.paramsJson), t.last(), job.epoch,
          r.rungsPassed, job.modelId, job.statusReason));
    }
    return out;
  }
}
