"""The client: one object per server and token; datasets, jobs and models hang off it.

Every call raises ApiError for an error answer of the server, carrying the problem+json
members (``code``, ``field``, ``detail``). A Client may be shared by threads: it keeps no state
but its address and token.
"""

import hashlib
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Union

from . import _config, _sse

TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
#: Files below this size go in one request; bigger ones in resumable chunks.
SIMPLE_LIMIT = 8 << 20
#: The largest chunk sent (the server may take less: its maxChunkBytes).
CHUNK = 32 << 20
#: How many times a broken connection is retried during one upload before giving up.
RETRIES = 4

Progress = Callable[[int, int], None]
#: What a connection that broke off raises.
BROKEN = (OSError, http.client.HTTPException)


class ApiError(Exception):
    """An error answer: ``status``, the stable ``code``, the ``field`` it is about (or None),
    ``detail`` for people, and the whole ``problem`` body (e.g. ``problem["badLines"]``)."""

    def __init__(self, status: int, problem: Dict[str, Any]):
        self.status = status
        self.problem = problem
        self.code = problem.get("code", "http_%d" % status)
        self.field = problem.get("field")
        self.detail = problem.get("detail", "")
        super().__init__("%d %s: %s" % (status, self.code, self.detail))


class Client:
    """A Trainyard server, as one token sees it.

    ``url`` and ``token`` come from the arguments, else TRAINYARD_URL and TRAINYARD_TOKEN, else
    ``~/.trainyard/config`` (``url=`` and ``token=`` lines; TRAINYARD_HOME moves the directory),
    as for the trainyard CLI. The URL defaults to http://localhost:8080.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 60.0):
        self.url, self.token = _config.resolve(url, token)
        if not self.token:
            raise ValueError("no token: pass token=, set TRAINYARD_TOKEN, or write token=... in %s"
                             % (_config.home() / "config"))
        self.timeout = timeout

    def __repr__(self):
        return "Client(%r)" % self.url

    # -- datasets --------------------------------------------------------------------------

    def upload(self, path: Union[str, os.PathLike], name: Optional[str] = None, format: str = "libsvm",
               hash_bits: int = 0, progress: Union[None, bool, Progress] = None,
               resume: Optional[str] = None) -> "Dataset":
        """Uploads a file and returns its dataset once it is READY.

        Files from 8 MiB on go in chunks (docs/UPLOAD-PROTOCOL.md), each with its SHA-256; a
        broken connection is retried from where the server stands. If the upload still fails,
        the ApiError or OSError raised has an ``upload_id`` attribute: pass it as ``resume=`` to
        send only the rest. ``progress`` is a callable ``(sent, total)``, or True for a tqdm bar
        (a line on stderr without tqdm). Bad data raises ApiError ``ingest_failed`` with the
        dataset id in ``problem["datasetId"]`` and its first bad lines in ``problem["badLines"]``.
        """
        path = Path(path)
        size = path.stat().st_size
        report = _progress(progress, size, path.name)
        params = {"name": name or path.name, "format": format, "hashBits": hash_bits}
        try:
            if size < SIMPLE_LIMIT and resume is None:
                answer = self._call("POST", "/api/v1/datasets?" + urllib.parse.urlencode(params),
                                    path.read_bytes(), "application/octet-stream")
                report(size)
                return Dataset(self, answer)
            dataset = _Upload(self, path, size, params, report).send(resume)
        finally:
            report(None)
        return dataset.wait()

    def dataset(self, id: str) -> "Dataset":
        return Dataset(self, self._call("GET", "/api/v1/datasets/" + _quote(id)))

    def datasets(self) -> Iterator["Dataset"]:
        """Every dataset, newest first (fetched a page at a time)."""
        return (Dataset(self, d) for d in self._pages("/api/v1/datasets"))

    # -- jobs -----------------------------------------------------------------------------

    def submit(self, spec: Union[Dict[str, Any], str], idempotency_key: Optional[str] = None) -> "Job":
        """Submits a job spec (a dict, or its JSON); returns the QUEUED job. The spec's JSON
        Schema is ``components.schemas.JobSpec`` of the server's /openapi."""
        body = spec if isinstance(spec, str) else json.dumps(spec)
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return Job(self, self._call("POST", "/api/v1/jobs", body.encode("utf-8"), "application/json", headers))

    def job(self, id: str) -> "Job":
        return Job(self, self._call("GET", "/api/v1/jobs/" + _quote(id)))

    def jobs(self, status: Optional[str] = None) -> Iterator["Job"]:
        """Every job (or those in ``status``), newest first."""
        query = {"status": status} if status else {}
        return (Job(self, j) for j in self._pages("/api/v1/jobs", query))

    # -- models ---------------------------------------------------------------------------

    def model(self, id: str) -> "Model":
        return Model(self, self._call("GET", "/api/v1/models/" + _quote(id)))

    def models(self) -> Iterator["Model"]:
        return (Model(self, m) for m in self._pages("/api/v1/models"))

    # -- HTTP -----------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: Optional[bytes] = None, content_type: Optional[str] = None,
                 headers: Optional[Dict[str, str]] = None, timeout: Optional[float] = None):
        """The open response of a 2xx answer; raises ApiError for any other."""
        request = urllib.request.Request(self.url + path, data=body, method=method)
        request.add_header("Authorization", "Bearer " + self.token)
        request.add_header("User-Agent", "trainyard-python/0.1")
        if content_type:
            request.add_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        try:
            return urllib.request.urlopen(request, timeout=timeout or self.timeout)
        except urllib.error.HTTPError as e:
            raise _error(e) from None

    def _call(self, method: str, path: str, body: Optional[bytes] = None, content_type: Optional[str] = None,
              headers: Optional[Dict[str, str]] = None) -> Any:
        with self._request(method, path, body, content_type, headers) as response:
            data = response.read()
        return json.loads(data) if data else None

    def _pages(self, path: str, query: Optional[Dict[str, str]] = None) -> Iterator[Dict[str, Any]]:
        query = dict(query or {}, limit=200)
        while True:
            page = self._call("GET", path + "?" + urllib.parse.urlencode(query))
            yield from page["items"]
            if not page.get("nextCursor"):
                return
            query["cursor"] = page["nextCursor"]


class _Resource(dict):
    """A dataset, job or model: the server's JSON as a dict, with its calls as methods."""

    _path = ""

    def __init__(self, client: Client, fields: Dict[str, Any]):
        super().__init__(fields)
        self.client = client

    @property
    def id(self) -> str:
        return self["id"]

    def refresh(self):
        """Reads it again from the server; returns itself."""
        return self._replace(self.client._call("GET", self._path + _quote(self.id)))

    def delete(self) -> None:
        """Deletes it and its files on the server. A job must have ended (ApiError 409
        ``job_not_ended``) and its model be deleted first (409 ``job_has_model``)."""
        self.client._call("DELETE", self._path + _quote(self.id))

    def _replace(self, fields: Dict[str, Any]):
        self.clear()
        self.update(fields)
        return self

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, dict.__repr__(self))


class Dataset(_Resource):
    _path = "/api/v1/datasets/"

    def wait(self, timeout: Optional[float] = None, poll: float = 0.5) -> "Dataset":
        """Waits until it is READY; raises ApiError ``ingest_failed`` if it FAILED."""
        _poll(self, lambda d: d["status"] != "INGESTING", timeout, poll)
        if self["status"] == "FAILED":
            raise ApiError(422, {"code": "ingest_failed", "detail": self.get("error", ""),
                                 "datasetId": self.id, "badLines": self.get("badLines", [])})
        return self


class Job(_Resource):
    _path = "/api/v1/jobs/"

    def wait(self, timeout: Optional[float] = None, poll: float = 1.0) -> "Job":
        """Waits until it has ended (SUCCEEDED, FAILED or CANCELLED) and returns it; look at
        ``job["status"]`` and ``job["statusReason"]``. Raises TimeoutError after ``timeout`` s."""
        return _poll(self, lambda j: j["status"] in TERMINAL, timeout, poll)

    def stream(self, after: Optional[str] = None) -> Iterator[Dict[str, Any]]:
        """Its events as they happen (each a dict: type, state, metrics, progress, ...), from
        the first (or after the event id ``after``) until the terminal state. A dropped
        connection is resumed with Last-Event-ID: each event comes once, in order."""
        last = after
        while True:
            headers = {"Accept": "text/event-stream"}
            if last:
                headers["Last-Event-ID"] = last
            got = 0
            try:
                with self.client._request("GET", self._path + _quote(self.id) + "/events",
                                          headers=headers, timeout=300) as response:
                    for e in _sse.events(response):
                        event = json.loads(e["data"])
                        last = e["id"] or last
                        got += 1
                        yield event
                        if event.get("type") == "STATE" and event.get("state") in TERMINAL:
                            return
            except BROKEN:
                pass  # the connection dropped: resume after the last event read
            if got == 0 and self.refresh()["status"] in TERMINAL:
                return  # nothing after ``after`` and nothing to come
            time.sleep(0.2)  # a server that keeps dropping us is not asked again at once

    def events(self, after: int = 0) -> List[Dict[str, Any]]:
        """The stored events after the seq ``after``, oldest first (one call: up to 10000)."""
        return self.client._call("GET", "%s%s/events?after=%d&limit=10000" % (self._path, _quote(self.id), after))

    def metrics(self, name: Optional[str] = None, frame: bool = False):
        """Every metric point (dicts: step, epoch, name, value, time), or those of ``name``.
        With ``frame=True``, a pandas DataFrame (pandas must be installed)."""
        query = "?" + urllib.parse.urlencode({"name": name}) if name else ""
        points = self.client._call("GET", self._path + _quote(self.id) + "/metrics" + query)
        if frame:
            import pandas  # only for frame=True: the client itself needs nothing beyond the standard library
            return pandas.DataFrame(points)
        return points

    def cancel(self) -> "Job":
        return self._replace(self.client._call("POST", self._path + _quote(self.id) + "/cancel"))

    def model(self) -> "Model":
        """The model it trained; ValueError while it has none."""
        if not self.get("modelId"):
            self.refresh()
        if not self.get("modelId"):
            raise ValueError("job %s has no model (status %s)" % (self.id, self["status"]))
        return self.client.model(self["modelId"])


class Model(_Resource):
    _path = "/api/v1/models/"

    def download(self, path: Union[None, str, os.PathLike] = None) -> Path:
        """Writes the model file (docs/MODEL-FORMAT.md) to ``path`` (default ``<id>.bin``)."""
        target = Path(path) if path else Path(self.id + ".bin")
        partial = target.with_name(target.name + ".part")
        with self.client._request("GET", self._path + _quote(self.id) + "/artifact", timeout=300) as response, \
                open(partial, "wb") as out:
            while True:
                block = response.read(1 << 20)
                if not block:
                    break
                out.write(block)
        partial.replace(target)
        return target

    def predict(self, rows: List[Union[str, Dict[int, float]]], format: str = "libsvm") -> List[float]:
        """One prediction per row: rows in ``format`` (libsvm ``"1:1 5:0.5"``, labels optional),
        or dicts of feature index to value."""
        lines = [r if isinstance(r, str) else " ".join("%d:%s" % kv for kv in sorted(r.items())) for r in rows]
        body = ("\n".join(lines) + "\n").encode("utf-8")
        answer = self.client._call("POST", "%s%s/predict?format=%s" % (self._path, _quote(self.id), format),
                                   body, "text/plain")
        return answer["predictions"]


class _Upload:
    """One resumable upload: create (or find), send the chunks in order, complete."""

    def __init__(self, client: Client, path: Path, size: int, params: Dict[str, Any], report):
        self.client, self.path, self.size, self.params, self.report = client, path, size, params, report

    def send(self, resume: Optional[str]) -> Dataset:
        upload = self.client._call("GET", "/api/v1/uploads/" + _quote(resume)) if resume else self.client._call(
            "POST", "/api/v1/uploads", json.dumps(dict(self.params, size=self.size)).encode(), "application/json")
        try:
            return self._chunks(upload)
        except (ApiError,) + BROKEN as e:
            e.upload_id = upload["id"]
            raise

    def _chunks(self, upload: Dict[str, Any]) -> Dataset:
        uid = upload["id"]
        chunk = min(CHUNK, upload["maxChunkBytes"])
        retries = 0
        with open(self.path, "rb") as f:
            received = upload["received"]
            digest = _digest_of_prefix(f, received)
            while received < self.size:
                self.report(received)
                f.seek(received)
                data = f.read(min(chunk, self.size - received))
                headers = {"Content-Range": "bytes %d-%d/%d" % (received, received + len(data) - 1, self.size),
                           "Content-Digest": "sha-256=:%s:" % b64encode(hashlib.sha256(data).digest()).decode()}
                try:
                    self.client._call("PUT", "/api/v1/uploads/" + uid, data, "application/octet-stream", headers)
                except ApiError as e:
                    if e.code != "upload_offset_mismatch":
                        raise
                    received = e.problem["received"]  # a retry of a chunk that did arrive
                    digest = _digest_of_prefix(f, received)
                    continue
                except BROKEN:
                    retries += 1
                    if retries > RETRIES:
                        raise
                    time.sleep(0.25 * 2 ** retries)
                    received = self.client._call("GET", "/api/v1/uploads/" + uid)["received"]
                    digest = _digest_of_prefix(f, received)
                    continue
                digest.update(data)
                received += len(data)
            self.report(received)
        done = self.client._call("POST", "/api/v1/uploads/%s/complete" % uid,
                                 json.dumps({"sha256": digest.hexdigest()}).encode(), "application/json")
        return Dataset(self.client, done)


def _digest_of_prefix(f, length: int):
    """A SHA-256 of the file's first ``length`` bytes, to go on with the rest."""
    digest = hashlib.sha256()
    f.seek(0)
    left = length
    while left > 0:
        block = f.read(min(1 << 20, left))
        digest.update(block)
        left -= len(block)
    return digest


def _poll(resource: _Resource, done, timeout: Optional[float], poll: float):
    deadline = None if timeout is None else time.monotonic() + timeout
    while not done(resource.refresh()):
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError("%s %s is still %s after %s s" % (type(resource).__name__, resource.id,
                                                                  resource["status"], timeout))
        time.sleep(poll)
    return resource


def _error(e: urllib.error.HTTPError) -> ApiError:
    body = e.read()
    try:
        problem = json.loads(body)
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        problem = {"detail": body.decode("utf-8", "replace")[:500] or e.reason}
    return ApiError(e.code, problem)


def _quote(id: str) -> str:
    return urllib.parse.quote(id, safe="")


def _progress(progress, total: int, label: str):
    """A function of the bytes sent so far (None: the end) that reports them as asked."""
    if progress is None or progress is False:
        return lambda sent: None
    if callable(progress):
        return lambda sent: progress(sent, total) if sent is not None else None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        def line(sent):
            sys.stderr.write("\r%s: %d of %d bytes%s" % (label, total if sent is None else sent, total,
                                                         "\n" if sent is None else ""))
        return line
    bar = tqdm(total=total, unit="B", unit_scale=True, desc=label)

    def update(sent):
        if sent is None:
            bar.close()
        else:
            bar.update(sent - bar.n)
    return update
