package trainyard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trainyard.api.PackagedServer;
import trainyard.client.api.DatasetsApi;
import trainyard.client.api.JobsApi;
import trainyard.client.api.ModelsApi;
import trainyard.client.api.UploadsApi;
import trainyard.client.model.CompleteUploadRequest;
import trainyard.client.model.CreateRequest;
import trainyard.client.model.DatasetView;
import trainyard.client.model.JobSpec;
import trainyard.client.model.JobSpecParams;
import trainyard.client.model.JobSpecValidation;
import trainyard.client.model.JobView;
import trainyard.client.model.ModelView;
import trainyard.client.model.Problem;
import trainyard.client.model.UploadView;

/**
 * The client the OpenAPI Generator makes from the document api's build serves works against the
 * packaged server, as a Java user would call it: it uploads a dataset streamed and another in
 * resumable chunks, submits a job, waits for it, reads its metrics, downloads its model and
 * predicts; a refused call carries the problem. Its mapper refuses unknown members, so an answer
 * with a member the document does not name fails here.
 */
class GeneratedClientIT {
  private static final Duration BOOT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void uploadsTrainsWaitsAndPredicts() throws Exception {
    Path data = dir.resolve("data");
    int port = PackagedServer.freePort();
    Process server = PackagedServer.start(port, data, "generated-client-it-server.log", BOOT);
    try {
      ApiClient client = new TrainyardApiClient().setBasePath("http://localhost:" + port)
          .setBearerToken(Files.readString(data.resolve("admin-token")).trim());
      client.setObjectMapper(client.getObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
      DatasetsApi datasets = new DatasetsApi(client);
      UploadsApi uploads = new UploadsApi(client);
      JobsApi jobs = new JobsApi(client);
      ModelsApi models = new ModelsApi(client);

      DatasetView train = datasets.uploadDataset("train", write("train.libsvm", rows(2000)), "libsvm", null);
      assertEquals("READY", train.getStatus());
      assertEquals(2000L, train.getStats().getRows());

      DatasetView held = uploadInTwoChunks(uploads, datasets, write("held.libsvm", rows(400)));
      assertEquals(400L, held.getStats().getRows());

      JobView submitted = jobs.submitJob(new JobSpec().name("generated-client").algorithm(JobSpec.AlgorithmEnum.LINEAR)
          .dataset(train.getId()).validation(new JobSpecValidation().dataset(held.getId()))
          .params(new JobSpecParams().epochs(2).learningRate(new java.math.BigDecimal("0.5"))), "generated-client-1");
      assertEquals("QUEUED", submitted.getStatus());
      JobView job = await(() -> jobs.getJob(submitted.getId()), j -> j.getStatus().matches("SUCCEEDED|FAILED|CANCELLED"));
      assertEquals("SUCCEEDED", job.getStatus(), job.toString());
      assertFalse(jobs.getJobMetrics(job.getId(), "val_auc").isEmpty());
      assertTrue(job.getFinalMetrics().get("val_auc") > 0.9, job.getFinalMetrics().toString());

      ModelView model = models.getModel(job.getModelId());
      File file = models.downloadModel(model.getId());
      assertEquals((long) model.getSizeBytes(), Files.size(file.toPath()));
      List<Float> predictions = models.predict(model.getId(), "1:1 3:1\n2:1 3:1\n", "libsvm").getPredictions();
      assertEquals(2, predictions.size());
      assertTrue(predictions.get(0) > 0.5 && predictions.get(1) < 0.5, predictions.toString());

      ApiException missing = assertThrows(ApiException.class, () -> jobs.getJob("job_missing"));
      assertEquals(404, missing.getCode());
      Problem problem = client.getObjectMapper().readValue(missing.getResponseBody(), Problem.class);
      assertEquals("job_not_found", problem.getCode());
    } finally {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** The resumable protocol: declare, send two chunks at the offsets the server says, complete with the hash. */
  private DatasetView uploadInTwoChunks(UploadsApi uploads, DatasetsApi datasets, File file) throws Exception {
    byte[] bytes = Files.readAllBytes(file.toPath());
    UploadView upload = uploads.createUpload(new CreateRequest().name("held").format(CreateRequest.FormatEnum.LIBSVM).size((long) bytes.length));
    assertEquals(0L, upload.getReceived());
    int half = bytes.length / 2;
    upload = uploads.putUploadChunk(upload.getId(), "bytes 0-" + (half - 1) + "/" + bytes.length,
        write("chunk-0", Arrays.copyOfRange(bytes, 0, half)), null);
    assertEquals(half, (long) upload.getReceived());
    uploads.putUploadChunk(upload.getId(), "bytes " + half + "-" + (bytes.length - 1) + "/" + bytes.length,
        write("chunk-1", Arrays.copyOfRange(bytes, half, bytes.length)), null);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    DatasetView dataset = uploads.completeUpload(upload.getId(), new CompleteUploadRequest().sha256(sha256));
    return await(() -> datasets.getDataset(dataset.getId()), d -> !d.getStatus().equals("INGESTING"));
  }

  /** Rows a linear model learns: feature 1 means 1, feature 2 means 0; 3 is on every row, 4.. are noise. */
  private static byte[] rows(int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(i % 2 == 1 ? "1 1:1" : "0 2:1").append(" 3:1 ").append(4 + i % 7).append(":1\n");
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private File write(String name, byte[] bytes) throws Exception {
    return Files.write(dir.resolve(name), bytes).toFile();
  }

  private interface Call<T> {
    T get() throws ApiException;
  }

  private static <T> T await(Call<T> call, java.util.function.Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    T value = call.get();
    while (!done.test(value)) {
      assertTrue(System.nanoTime() < deadline, "still not done after 3 minutes: " + value);
      Thread.sleep(250);
      value = call.get();
    }
    return value;
  }
}
