"""Python client of the Trainyard REST API (standard library only, Python 3.9+).

    >>> from trainyard import Client
    >>> ty = Client()                      # TRAINYARD_URL / TRAINYARD_TOKEN or ~/.trainyard/config
    >>> ds = ty.upload("train.libsvm")     # resumable, READY when it returns
    >>> job = ty.submit({"name": "ctr", "algorithm": "linear", "dataset": ds["id"]})
    >>> job.wait()["status"]
    'SUCCEEDED'
    >>> job.model().predict(["1:1 5:1", "2:1"])
    [0.81, 0.12]
"""

from .client import ApiError, Client, Dataset, Job, Model

__all__ = ["ApiError", "Client", "Dataset", "Job", "Model"]
