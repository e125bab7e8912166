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
import trainyard.engine.train.Checkpoints.Progress;

/** Shard files committed by a manifest; an older attempt can neither commit over a newer one nor delete its files. */
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
    Files.writeString(Checkpoints.bestModelWrittenBy(dir, 2, 0), "epoch 2's model");
    Checkpoints.commit(dir, "f", 1, 1, new Checkpoints.Progress(3, new long[1], 30, Map.of("val_logloss", 0.6),
        2, Map.of("val_logloss", 0.5, "train_loss", 0.4)));
    Checkpoints.Progress p = Checkpoints.read(dir, "f", 1, 1).progress();
    assertEquals(2, p.bestEpoch());
    assertEquals(Map.of("val_logloss", 0.5, "train_loss", 0.4), p.bestMetrics());
    assertEquals(Map.of("val_logloss", 0.6), p.metrics());
    Files.writeString(Checkpoints.bestModelWrittenBy(dir, 4, 0), "epoch 4's model");
    assertTrue(Files.exists(Checkpoints.bestModelWrittenBy(dir, 2, 0)));
    Checkpoints.commit(dir, "f", 2, 1, new Checkpoints.Progress(4, new long[1], 40, Map.of(), 4, Map.of()));
    assertFalse(Files.exists(Checkpoints.bestModelWrittenBy(dir, 2, 0)), "a best model the manifest no longer names goes");
    assertTrue(Files.exists(Checkpoints.bestModelWrittenBy(dir, 4, 0)));
    assertEquals(0, Checkpoints.read(dir, "f", 1, 1).progress().bestEpoch() - 4);
  }

  @Test
  void aLateCommitOfAnOlderAttemptNeitherHidesNorDeletesTheNewerOnesCheckpoint() throws IOException {
    // Attempt 1 stalled in its commit (SIGSTOP, a hung file system) and wakes while attempt 2 runs
    // from attempt 1's earlier checkpoint: its commit passed the check before attempt 2 committed.
    long old1 = 1L << 32 | 4;
    long late1 = 1L << 32 | 5;
    long new2 = 2L << 32 | 1;
    Progress epoch = new Progress(1, new long[1], 10, Map.of());
    try (ParameterServer ps = servers()) {
      saveBoth(ps, old1);
      Checkpoints.commit(dir, "f", old1, 2, epoch);
      saveBoth(ps, late1);
      saveBoth(ps, new2); // attempt 2's shards, not committed yet
      Files.writeString(Checkpoints.bestModelWrittenBy(dir, 3, 2), "attempt 2's best");
      Checkpoints.commit(dir, "f", late1, 2, new Progress(2, new long[1], 20, Map.of(), 3, Map.of()));
      assertTrue(Files.exists(dir.resolve("shard-0-" + new2 + ".bin")), "a newer attempt's shards stay");
      assertTrue(Files.exists(Checkpoints.bestModelWrittenBy(dir, 3, 2)), "so does its best model");
      Path lateManifest = dir.resolve("manifest-" + late1 + ".bin");
      Path aside = Files.copy(lateManifest, dir.resolve("aside"));
      Checkpoints.commit(dir, "f", new2, 2, new Progress(2, new long[1], 20, Map.of(), 3, Map.of()));
      assertFalse(Files.exists(dir.resolve("shard-0-" + late1 + ".bin")), "older tags go once the newer commits");
      // Attempt 1's manifests land only now, as when its renames were the step that hung.
      Files.copy(aside, dir.resolve("manifest.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.move(aside, lateManifest);
    }
    Checkpoints.Manifest m = Checkpoints.read(dir, "f", 2, 1);
    assertEquals(new2, m.tag(), "the newest tag is the checkpoint, whatever was written last");
    assertEquals(Checkpoints.bestModelWrittenBy(dir, 3, 2), Checkpoints.committedBestModel(dir, 3, m.tag()));
    try (ParameterServer ps = servers()) {
      Checkpoints.loadShard(dir, m.tag(), 0, ps);
      Checkpoints.loadShard(dir, m.tag(), 1, ps);
    }
  }

  @Test
  void aListingWithoutTheNewestManifestStillFindsIt() throws IOException {
    // A client of a network file system may list the directory from its cache, from before the
    // newest commit; it opens manifest.bin by name as it is now.
    Checkpoints.commit(dir, "f", 1L << 32 | 1, 1, new Progress(1, new long[1], 10, Map.of()));
    Checkpoints.commit(dir, "f", 1L << 32 | 2, 1, new Progress(2, new long[1], 20, Map.of()));
    Files.delete(dir.resolve("manifest-" + (1L << 32 | 2) + ".bin")); // what the stale listing misses
    assertEquals(1L << 32 | 2, Checkpoints.read(dir, "f", 1, 1).tag());
  }

  @Test
  void aResumedAttemptKeepsTheBestModelAnEarlierOneWrote() throws IOException {
    long tag1 = 1L << 32 | 3;
    long tag2 = 2L << 32 | 1;
    Files.writeString(Checkpoints.bestModelWrittenBy(dir, 2, 1), "attempt 1's epoch 2");
    Checkpoints.commit(dir, "f", tag1, 1, new Progress(3, new long[1], 30, Map.of(), 2, Map.of()));
    // Attempt 2 resumes; epoch 2 stays the best, and its commit keeps attempt 1's file.
    Checkpoints.commit(dir, "f", tag2, 1, new Progress(4, new long[1], 40, Map.of(), 2, Map.of()));
    assertEquals(Checkpoints.bestModelWrittenBy(dir, 2, 1), Checkpoints.committedBestModel(dir, 2, tag2));
    assertEquals("attempt 1's epoch 2", Files.readString(Checkpoints.committedBestModel(dir, 2, tag2)));
  }

  @Test
  void aCheckpointWrittenBeforeManifestsWereNamedByTagStillResumes() throws IOException {
    // Before session 18 manifest.bin was the only manifest, and best models had no attempt.
    Checkpoints.commit(dir, "f", 7, 1, new Progress(2, new long[1], 20, Map.of(), 1, Map.of()));
    Files.delete(dir.resolve("manifest-7.bin"));
    Files.writeString(dir.resolve("best-1.bin"), "epoch 1's model");
    Checkpoints.Manifest m = Checkpoints.read(dir, "f", 1, 1);
    assertEquals(7, m.tag());
    assertEquals(dir.resolve("best-1.bin"), Checkpoints.committedBestModel(dir, 1, m.tag()));
    Checkpoints.commit(dir, "f", 1L << 32, 1, new Progress(3, new long[1], 30, Map.of(), 1, Map.of()));
    assertEquals(1L << 32, Checkpoints.read(dir, "f", 1, 1).tag());
    assertTrue(Files.exists(dir.resolve("best-1.bin")), "its best model stays while a manifest names it");
  }

  private void saveBoth(ParameterServer ps, long tag) throws IOException {
    Checkpoints.saveShard(dir, tag, 0, ps);
    Checkpoints.saveShard(dir, tag, 1, ps);
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
