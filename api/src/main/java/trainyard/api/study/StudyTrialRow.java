package trainyard.api.study;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;

/** A trial: which job, its place in the study, its values and the search's recorded decisions. */
@Entity
@Table(name = "study_trials")
public class StudyTrialRow extends PanacheEntityBase {
  @Id
  @Column(name = "job_id")
  public String jobId;

  @Column(name = "study_id")
  public String studyId;

  @Column(name = "trial_index")
  public int index;

  /** JSON object: parameter path → value. */
  @Column(name = "params_json")
  public String paramsJson;

  @Column(name = "rungs_passed")
  public int rungsPassed;

  @Column(name = "stopped_early")
  public boolean stoppedEarly;

  public static List<StudyTrialRow> of(String studyId) {
    return find("studyId = ?1 order by index", studyId).list();
  }
}
