"""The client against a real server: TRAINYARD_TEST_URL and TRAINYARD_TEST_ADMIN_TOKEN name it
(api's PythonClientIT starts the packaged server and sets them). Each test class works in a
tenant of its own."""

import json
import os
import random
import tempfile
import unittest
import uuid
from pathlib import Path
from unittest import mock

from trainyard import ApiError, Client, _config, client as client_module

URL = os.environ.get("TRAINYARD_TEST_URL")
ADMIN = os.environ.get("TRAINYARD_TEST_ADMIN_TOKEN")
needs_server = unittest.skipUnless(URL and ADMIN, "TRAINYARD_TEST_URL and TRAINYARD_TEST_ADMIN_TOKEN are not set")


def libsvm(rows: int, seed: int) -> str:
    """Separable rows: label 1 exactly when feature 1 or 2 is present."""
    rnd = random.Random(seed)
    lines = []
    for _ in range(rows):
        features = sorted(rnd.sample(range(1, 30), 4))
        label = 1 if features[0] <= 2 else 0
        lines.append("%d %s" % (label, " ".join("%d:1" % f for f in features)))
    return "\n".join(lines) + "\n"


def new_tenant() -> Client:
    admin = Client(URL, ADMIN)
    issued = admin._call("POST", "/api/v1/tokens", json.dumps(
        {"tenant": "py-" + uuid.uuid4().hex[:8], "name": "tests"}).encode(), "application/json")
    return Client(URL, issued["token"])


class ConfigTest(unittest.TestCase):
    def test_arguments_then_environment_then_config_file(self):
        with tempfile.TemporaryDirectory() as home:
            Path(home, "config").write_text("# written by hand\nurl = http://config:1\ntoken=from-file\n")
            env = {"TRAINYARD_HOME": home}
            self.assertEqual(("http://config:1", "from-file"), _config.resolve(None, None, env))
            env.update(TRAINYARD_URL="http://env:2/", TRAINYARD_TOKEN="from-env")
            self.assertEqual(("http://env:2", "from-env"), _config.resolve(None, None, env))
            self.assertEqual(("http://arg:3", "from-arg"), _config.resolve("http://arg:3", "from-arg", env))
            self.assertEqual((_config.DEFAULT_URL, None), _config.resolve(None, None, {"TRAINYARD_HOME": home + "/none"}))

    def test_a_missing_token_says_where_to_put_one(self):
        with mock.patch.dict(os.environ, {"TRAINYARD_HOME": "/nonexistent", "TRAINYARD_TOKEN": ""}):
            with self.assertRaisesRegex(ValueError, "TRAINYARD_TOKEN"):
                Client("http://localhost:1")

    def test_a_url_that_is_not_http_is_refused(self):
        with self.assertRaisesRegex(ValueError, "http"):
            Client("ftp://host", "t")


@needs_server
class TrainTest(unittest.TestCase):
    """Upload, submit, wait, follow, metrics, download and predict: one job, trained once."""

    @classmethod
    def setUpClass(cls):
        cls.ty = new_tenant()
        cls.dir = tempfile.TemporaryDirectory()
        path = Path(cls.dir.name, "train.libsvm")
        path.write_text(libsvm(400, 1))
        cls.dataset = cls.ty.upload(path, name="train")
        cls.job = cls.ty.submit({"name": "py", "algorithm": "linear", "dataset": cls.dataset.id,
                                 "validation": {"fraction": 0.2},
                                 "params": {"epochs": 2, "batchSize": 50},
                                 "resources": {"workers": 1, "servers": 1}})
        cls.job.wait(timeout=120)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_the_dataset_is_ready_with_its_rows(self):
        self.assertEqual("READY", self.dataset["status"])
        self.assertEqual(400, self.dataset["stats"]["rows"])
        self.assertEqual(self.dataset.id, self.ty.dataset(self.dataset.id)["id"])
        self.assertIn(self.dataset.id, [d.id for d in self.ty.datasets()])

    def test_the_job_succeeds_with_metrics(self):
        self.assertEqual("SUCCEEDED", self.job["status"], self.job.get("statusReason"))
        self.assertEqual("linear", self.job["spec"]["algorithm"])
        points = self.job.metrics()
        self.assertTrue(any(p["name"] == "train_loss" for p in points), points)
        auc = self.job.metrics("val_auc")
        self.assertTrue(auc and all(p["name"] == "val_auc" for p in auc), auc)
        self.assertGreater(auc[-1]["value"], 0.9)

    def test_the_stream_replays_every_event_once_in_order_and_resumes_after_an_id(self):
        events = list(self.job.stream())
        seqs = [e["seq"] for e in events]
        self.assertEqual(sorted(set(seqs)), seqs)
        self.assertEqual(("STATE", "SUCCEEDED"), (events[-1]["type"], events[-1]["state"]))
        self.assertEqual(seqs, [e["seq"] for e in self.job.events()])
        resumed = list(self.job.stream(after=events[2]["id"]))
        self.assertEqual(seqs[3:], [e["seq"] for e in resumed])

    def test_the_model_downloads_and_predicts(self):
        model = self.job.model()
        self.assertEqual(self.job["modelId"], model.id)
        path = model.download(Path(self.dir.name, "model.bin"))
        self.assertEqual(model["sizeBytes"], path.stat().st_size)
        yes, no = model.predict(["1:1 7:1 9:1", {5: 1.0, 9: 1.0}])
        self.assertTrue(0 < no < yes < 1, (yes, no))  # logistic: probabilities, a positive row above a negative


@needs_server
class DeleteTest(unittest.TestCase):
    def test_an_ended_job_and_its_model_are_deleted_a_waiting_job_is_not(self):
        ty = new_tenant()
        with tempfile.TemporaryDirectory() as d:
            path = Path(d, "train.libsvm")
            path.write_text(libsvm(200, 5))
            dataset = ty.upload(path, name="train")
        job = ty.submit({"name": "rm", "algorithm": "linear", "dataset": dataset.id,
                         "params": {"epochs": 1}, "resources": {"workers": 1, "servers": 1}}).wait(timeout=120)
        self.assertEqual("SUCCEEDED", job["status"], job.get("statusReason"))
        with self.assertRaises(ApiError) as kept:
            job.delete()
        self.assertEqual((409, "job_has_model"), (kept.exception.status, kept.exception.code))
        job.model().delete()
        job.delete()
        with self.assertRaises(ApiError) as gone:
            ty.job(job.id)
        self.assertEqual(404, gone.exception.status)

        waiting = ty.submit({"name": "waits", "algorithm": "linear", "dataset": dataset.id,
                             "resources": {"workers": 1, "servers": 1, "gpus": 64}})
        with self.assertRaises(ApiError) as running:
            waiting.delete()
        self.assertEqual((409, "job_not_ended"), (running.exception.status, running.exception.code))
        waiting.cancel()
        waiting.delete()
        dataset.delete()


@needs_server
class LiveStreamTest(unittest.TestCase):
    def test_a_stream_dropped_mid_job_resumes_with_every_event_once_in_order(self):
        ty = new_tenant()
        with tempfile.TemporaryDirectory() as d:
            path = Path(d, "train.libsvm")
            path.write_text(libsvm(2000, 3))
            dataset = ty.upload(path)
        # Small batches and many epochs: a job of a few seconds, with a PROGRESS event per epoch.
        job = ty.submit({"name": "live", "algorithm": "linear", "dataset": dataset.id,
                         "params": {"epochs": 50, "batchSize": 10}, "resources": {"workers": 1, "servers": 1}})
        first = []
        stream = job.stream()
        for event in stream:
            first.append(event)
            if len(first) == 5:
                break
        stream.close()  # drops the connection
        self.assertNotIn(job.refresh()["status"], client_module.TERMINAL, "the job must still run when the stream drops")
        rest = list(job.stream(after=first[-1]["id"]))
        seqs = [e["seq"] for e in first + rest]
        self.assertEqual(("STATE", "SUCCEEDED"), (rest[-1]["type"], rest[-1]["state"]))
        self.assertEqual([e["seq"] for e in job.events()], seqs, "every stored event exactly once, in order")
        self.assertGreater(len(rest), 50)


@needs_server
class UploadTest(unittest.TestCase):
    def setUp(self):
        self.ty = new_tenant()
        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name, "big.libsvm")
        self.path.write_text(libsvm(3000, 2))
        self.size = self.path.stat().st_size
        # Small chunks, so that a file of a few tens of KiB goes in many of them.
        patches = [mock.patch.object(client_module, "SIMPLE_LIMIT", 0), mock.patch.object(client_module, "CHUNK", 8192)]
        for p in patches:
            p.start()
            self.addCleanup(p.stop)

    def tearDown(self):
        self.dir.cleanup()

    def test_a_chunked_upload_reports_progress_and_ends_ready(self):
        seen = []
        dataset = self.ty.upload(self.path, progress=lambda sent, total: seen.append((sent, total)))
        self.assertEqual("READY", dataset["status"])
        self.assertEqual(3000, dataset["stats"]["rows"])
        self.assertGreater(len(seen), self.size // 8192)
        self.assertEqual(sorted(seen), seen)
        self.assertEqual((self.size, self.size), seen[-1])

    def test_an_interrupted_upload_resumes_where_the_server_stands(self):
        def breaks(sent, total):
            if sent >= 3 * 8192:
                raise ConnectionResetError("the network went away")
        with self.assertRaises(ConnectionResetError) as broken:
            self.ty.upload(self.path, progress=breaks)
        upload_id = broken.exception.upload_id
        self.assertEqual(3 * 8192, self.ty._call("GET", "/api/v1/uploads/" + upload_id)["received"])
        seen = []
        dataset = self.ty.upload(self.path, resume=upload_id, progress=lambda sent, total: seen.append(sent))
        self.assertEqual(3 * 8192, seen[0], "the second run starts where the first stopped")
        self.assertEqual(3000, dataset["stats"]["rows"])

    def test_bad_data_raises_ingest_failed_with_the_dataset_and_its_lines(self):
        self.path.write_text("1 1:1\nnot a row\n")
        with mock.patch.object(client_module, "SIMPLE_LIMIT", 1 << 20):
            with self.assertRaises(ApiError) as failed:
                self.ty.upload(self.path)
        self.assertEqual((422, "ingest_failed"), (failed.exception.status, failed.exception.code))
        self.assertEqual("FAILED", self.ty.dataset(failed.exception.problem["datasetId"])["status"])
        self.assertEqual(2, failed.exception.problem["badLines"][0]["line"])


@needs_server
class ErrorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ty = new_tenant()

    def test_a_bad_spec_names_its_code_and_field(self):
        with self.assertRaises(ApiError) as bad:
            self.ty.submit({"name": "x", "algorithm": "linear", "dataset": "ds_x", "params": {"lr": 0.1}})
        self.assertEqual((400, "unknown_field", "params.lr"), (bad.exception.status, bad.exception.code,
                                                                bad.exception.field))
        self.assertIn("learningRate", bad.exception.detail)

    def test_a_missing_job_is_not_found(self):
        with self.assertRaises(ApiError) as missing:
            self.ty.job("job_0000000000000000000000")
        self.assertEqual((404, "job_not_found"), (missing.exception.status, missing.exception.code))

    def test_a_wrong_token_is_unauthorized(self):
        with self.assertRaises(ApiError) as refused:
            list(Client(URL, "ty_wrong").jobs())
        self.assertEqual((401, "unauthorized"), (refused.exception.status, refused.exception.code))


if __name__ == "__main__":
    unittest.main()
