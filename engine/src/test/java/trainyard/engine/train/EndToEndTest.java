package trainyard.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.engine.data.DatasetStats;
import trainyard.engine.data.Format;
import trainyard.engine.data.Ingest;
import trainyard.engine.data.IngestOptions;
import trainyard.engine.data.Parsers;
import trainyard.engine.data.ShardedDataset;
import trainyard.engine.data.synth.CtrGenerator;
import trainyard.engine.metrics.Evaluation;
import trainyard.engine.model.Model;
import trainyard.spec.JobSpec;

/** What the executor does: ingest a file, train from its shards with a parsed spec, save, load, predict. */
class EndToEndTest {
  @TempDir
  Path dir;

  @Test
  void ingestTrainSaveLoadPredict() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    new CtrGenerator(5, 12, 1.1, -1.0, 0.5, 0.6).writeLibsvm(text, 0, 6000);
    DatasetStats stats;
    try (InputStream in = new java.io.ByteArrayInputStream(text.toByteArray())) {
      stats = Ingest.ingest(in, Format.LIBSVM, dir.resolve("ds"), IngestOptions.defaults().withRowsPerShard(1000));
    }
    assertEquals(6, stats.shards());
    JobSpec spec = JobSpec.parse("""
        {"name": "e2e", "algorithm": "fm", "dataset": "ds_1", "validation": {"fraction": 0.2},
         "params": {"loss": "logistic", "optimizer": "adagrad", "learningRate": 0.05, "l2": 0.01, "dim": 4,
                    "epochs": 2, "batchSize": 100, "threshold": 5, "seed": 3},
         "resources": {"workers": 2, "servers": 2}, "consistency": {"maxDelay": 2}}""");
    TrainResult result = Trainer.train(new TrainRequest(spec, ShardedDataset.open(dir.resolve("ds")), null,
        dir.resolve("ckpt")), TrainListener.NONE, () -> false);
    assertTrue(result.finalMetrics().get(Evaluation.VAL_AUC) > 0.6, result.finalMetrics().toString());
    Path file = dir.resolve("models/model.bin");
    result.model().save(file);
    Model model = Model.load(file);
    assertEquals(stats.checksum(), model.info().datasetChecksum());
    assertEquals(spec, JobSpec.parse(model.info().specJson()));
    String rows = new String(text.toByteArray(), 0, 2000, StandardCharsets.US_ASCII);
    rows = rows.substring(0, rows.lastIndexOf('\n') + 1);
    var block = Parsers.parse(new StringReader(rows), Format.LIBSVM, model.info().hashBits());
    assertArrayEquals(result.model().predict(block), model.predict(block));
  }
}
