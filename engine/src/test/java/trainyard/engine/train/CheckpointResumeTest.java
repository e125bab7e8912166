package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.CsrBlock;
import trainyard.spec.JobSpec;
import trainyard.engine.data.MemoryDataset;
import trainyard.engine.testing.Specs;
import trainyard.engine.testing.Synthetic;

/** A job whose executor dies resumes from its last checkpoint and ends where it would have. */
class CheckpointResumeTest {
  static final CsrBlock DATA = Synthetic.interactions(6000, 4, 25, 21);
  static final MemoryDataset TRAIN = MemoryDataset.of(Synthetic.head(DATA, 5000));
  static final MemoryDataset TEST = MemoryDataset.of(Synthetic.tail(DATA, 5000));

  @TempDir
  Path dir;

  static JobSpec spec(String algorithm, String optimizer) {
    // τ = 0 and one worker: deterministic, so the resumed run must match bit for bit.
    return Specs.spec(algorithm, "logistic", optimizer, 0.05, 0, 0.01, 4, 3, 100, new int[0], 2, 1, 2, 0, null, 0, 8);
  }

  static final class Checkpointed implements TrainListener {
    final List<Path> checkpoints = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    @Override
    public void onCheckpoint(Path d) {
      checkpoints.add(d);
    }

    @Override
    public void onLog(String line) {
      log.add(line);
    }
  }

  @Test
  void resumedLinearAdamAndFmMatchAnUninterruptedRun() throws Exception {
    for (String[] job : new String[][] {{"linear", "adam"}, {"fm", "adagrad"}, {"fm", "ftrl"}}) {
      JobSpec spec = spec(job[0], job[1]);
      float[] expected = Trainer.train(new TrainRequest(spec, TRAIN, null, null), TrainListener.NONE, () -> false)
          .model().predict(TEST.shard(0));

      Path ckpt = dir.resolve(job[0] + "-" + job[1]);
      AtomicInteger polls = new AtomicInteger();
      Checkpointed first = new Checkpointed();
      // 50 minibatches per epoch: the "executor stops" after 120, in epoch 3, and the stop is
      // checkpointed there (after epochs 1 and 2's).
      TrainResult died = Trainer.train(new TrainRequest(spec, TRAIN, null, ckpt), first, afterMinibatches(polls, 120));
      assertTrue(died.cancelled());
      assertEquals(List.of(ckpt, ckpt, ckpt), first.checkpoints);
      assertTrue(Checkpoints.newestManifest(ckpt) != null);

      Checkpointed second = new Checkpointed();
      AtomicInteger resumedPolls = new AtomicInteger();
      TrainResult resumed = Trainer.train(new TrainRequest(spec, TRAIN, null, ckpt), second,
          afterMinibatches(resumedPolls, Integer.MAX_VALUE));
      assertEquals(30, resumedPolls.get(), "only the rest of epoch 3 runs again");
      assertFalse(resumed.cancelled());
      assertTrue(second.log.stream().anyMatch(l -> l.startsWith("resumed from checkpoint at epoch 3, 120 minibatches")),
          second.log.toString());
      assertEquals(1, second.checkpoints.size());
      assertArrayEquals(expected, resumed.model().predict(TEST.shard(0)), job[0] + "/" + job[1]);
    }
  }

  /**
   * Says "stop" from the (n+1)-th minibatch on. Workers poll before every minibatch; the
   * coordinator's polls (on other threads) are not counted, so the stop falls on a minibatch.
   */
  static java.util.function.BooleanSupplier afterMinibatches(AtomicInteger polls, int n) {
    return () -> Thread.currentThread().getName().endsWith("-worker") ? polls.incrementAndGet() > n : polls.get() > n;
  }

  @Test
  void aCheckpointOfAnotherJobIsRefused() throws Exception {
    Path ckpt = dir.resolve("other");
    Trainer.train(new TrainRequest(spec("linear", "adam"), TRAIN, null, ckpt), TrainListener.NONE, () -> false);
    var e = assertThrows(java.io.IOException.class, () -> Trainer.train(
        new TrainRequest(spec("linear", "sgd"), TRAIN, null, ckpt), TrainListener.NONE, () -> false));
    assertTrue(e.getMessage().contains("another job spec"), e.getMessage());
  }
}
