package trainyard.engine.metrics;

/**
 * The project's metric names, everywhere (engine, events, database, UI). The metrics themselves
 * are computed block by block by {@link MetricsAccumulator}.
 */
public final class Evaluation {
  public static final String TRAIN_LOSS = "train_loss";
  public static final String VAL_LOGLOSS = "val_logloss";
  public static final String VAL_AUC = "val_auc";
  public static final String VAL_ACCURACY = "val_accuracy";
  public static final String VAL_RMSE = "val_rmse";
  public static final String EXAMPLES_PER_SEC = "examples_per_sec";
  /**
   * Jobs over several executors: the share of the members' training time in an epoch spent
   * waiting at its end for the slowest member, in [0, 1).
   */
  public static final String BARRIER_WAIT = "barrier_wait";

  private Evaluation() {}
}
