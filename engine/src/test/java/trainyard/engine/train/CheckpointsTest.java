package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.optim.SgdUpdater;
import trainyard.engine.optim.WeightInit;
import trainyard.engine.ps.KVWorker;
import trainyard.engine.ps.KeyRanges;
import trainyard.engine.ps.ParameterServer;

/** Shard files committed by a manifest; an older attempt cannot commit over a newer one. */
class CheckpointsTest {
  @TempDir
  Path dir;

  private static ParameterServer servers() {
    return new ParameterServer(KeyRanges.uniform(2), () -> new SgdUpdater(1, 1.0, 0, 0, WeightInit.ZERO), 16, "ckpt");
  }

  @Test
  void shardsCommittedByTheManifestComeBackAndOtherTagsGo() throws IOException {
    long[] keys = {-5, 7};
    try (ParameterServer ps = servers()) {
      KVWorker kv = ps.newWorker();
      kv.waitFor(kv.push(keys, new float[] {1, 2}));
      Checkpoints.saveShard(dir, 1, 0, ps);
      Checkpoints.saveShard(dir, 1, 1, ps);
      Checkpoints.commit(dir, "f", 1, 2, new Checkpoints.Progress(1, new long[] {3, 0}, 9, Map.of("val_auc", 0.5)));
      kv.waitFor(kv.push(keys, new float[] {1, 2}));
      Checkpoints.saveShard(dir, 2, 0, ps); // a save that never committed (crash)
    }
    Checkpoints.Manifest m = Checkpoints.read(dir, "f", 2, 2);
    assertEquals(1, m.tag());
    assertArrayEquals(new long[] {3, 0}, m.progress().positions());
    assertFalse(m.progress().atEpochEnd());
    try (ParameterServer ps = servers()) {
      Checkpoints.loadShard(dir, m.tag(), 0, ps);
      Checkpoints.loadShard(dir, m.tag(), 1, ps);
      KVWorker kv = ps.newWorker();
      float[] out = new float[2];
      kv.waitFor(kv.pull(new long[] {-5, 7}, out));
      assertArrayEquals(new float[] {-1, -2}, out, "the committed state, not the later save");
      Checkpoints.saveShard(dir, 3, 0, ps);
      Checkpoints.saveShard(dir, 3, 1, ps);
      Checkpoints.commit(dir, "f", 3, 2, new Checkpoints.Progress(2, new long[2], 9, Map.of()));
    }
    assertTrue(Files.exists(dir.resolve("shard-0-3.bin")));
    assertFalse(Files.exists(dir.resolve("shard-0-1.bin")) || Files.exists(dir.resolve("shard-0-2.bin")));
    IOException other = assertThrows(IOException.class, () -> Checkpoints.read(dir, "another spec", 2, 2));
    assertTrue(other.getMessage().contains("another job spec"), other.getMessage());
    assertThrows(IOException.class, () -> Checkpoints.read(dir, "f", 3, 2));
  }

  @Test
  void theManifestKeepsEarlyStoppingsBestEpochAndOnlyItsModelFile() throws IOException {
    Files.writeString(Checkpoints.bestModel(dir, 2), "epoch 2's model");
    Checkpoints.commit(dir, "f", 1, 1, new Checkpoints.Progress(3, new long[1], 30, Map.of("val_logloss", 0.6),
        2, Map.of("val_logloss", 0.5, "train_loss", 0.4)));
    Checkpoints.Progress p = Checkpoints.read(dir, "f", 1, 1).progress();
    assertEquals(2, p.bestEpoch());
    assertEquals(Map.of("val_logloss", 0.5, "train_loss", 0.4), p.bestMetrics());
    assertEquals(Map.of("val_logloss", 0.6), p.metrics());
    Files.writeString(Checkpoints.bestModel(dir, 4), "epoch 4's model");
    assertTrue(Files.exists(Checkpoints.bestModel(dir, 2)));
    Checkpoints.commit(dir, "f", 2, 1, new Checkpoints.Progress(4, new long[1], 40, Map.of(), 4, Map.of()));
    assertFalse(Files.exists(Checkpoints.bestModel(dir, 2)), "a best model the manifest no longer names goes");
    assertTrue(Files.exists(Checkpoints.bestModel(dir, 4)));
    assertEquals(0, Checkpoints.read(dir, "f", 1, 1).progress().bestEpoch() - 4);
  }

  @Test
  void anOlderAttemptCannotCommitOverANewerOnesCheckpoint() throws IOException {
    long attempt2 = 2L << 32 | 5;
    long attempt1 = 1L << 32 | 9;
    Checkpoints.commit(dir, "f", attempt2, 1, new Checkpoints.Progress(1, new long[1], 1, Map.of()));
    AttemptLostException stale = assertThrows(AttemptLostException.class,
        () -> Checkpoints.commit(dir, "f", attempt1, 1, new Checkpoints.Progress(2, new long[1], 2, Map.of())));
    assertTrue(stale.getMessage().contains("attempt 2"), stale.getMessage());
    assertEquals(attempt2, Checkpoints.read(dir, "f", 1, 1).tag());
    Checkpoints.commit(dir, "f", 3L << 32, 1, new Checkpoints.Progress(2, new long[1], 2, Map.of()));
  }
}
