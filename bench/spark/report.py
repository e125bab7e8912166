#!/usr/bin/env python3
"""The table of bench/spark/run.sh, from its logs in WORK.

ours-lr.log / ours-fm.log: the local command's stderr, each line prefixed by seconds since the JVM
was started (so a time there includes JVM start and parsing). spark.out: one SparkPeer line a model.
"""
import argparse
import datetime
import os
import re
import sys

INGEST = re.compile(r"^(\S+) .*: (\d+) rows, (\d+) features, .*\(([0-9.]+) s\)$")
EPOCH = re.compile(r"^(\S+) epoch (\d+) \(step \d+\):(.*)$")


def ours(path):
    """{'ingest_at', 'epochs': [(t, metrics)]} from a stamped local-command log."""
    out = {"ingest_at": None, "ingest_s": None, "epochs": []}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = EPOCH.match(line)
            if m:
                kv = m.group(3).split()
                metrics = {kv[i]: float(kv[i + 1]) for i in range(0, len(kv) - 1, 2)}
                out["epochs"].append((float(m.group(1)), metrics))
                continue
            m = INGEST.match(line)
            if m and out["ingest_at"] is None:
                out["ingest_at"] = float(m.group(1))
                out["ingest_s"] = float(m.group(4))
    if not out["epochs"] or out["ingest_at"] is None:
        sys.exit("report.py: no ingest or epoch lines in %s; see that log" % path)
    return out


def spark(path):
    """{model: [runs]}, a run per setting SparkPeer tried."""
    models = {}
    with open(path) as f:
        for line in f:
            if line.startswith("spark "):
                kv = dict(p.split("=", 1) for p in line.split()[1:])
                models.setdefault(kv["model"], []).append(kv)
    return models


def histories(path):
    """{(model, params): [objective by iteration]} from SparkPeer's stderr."""
    out = {}
    pattern = re.compile(r"^spark (\S+) (\S+) objective history: \[(.*)\]$")
    with open(path) as f:
        for line in f:
            m = pattern.match(line.rstrip("\n"))
            if m:
                out[(m.group(1), m.group(2))] = [float(v) for v in m.group(3).split(",") if v.strip()]
    return out


def settled(history, rel=1e-4):
    """The iteration from which the objective stays within rel of its last value (Spark often runs on
    past it), or None when the objective did not go down overall (a diverging solver)."""
    last = history[-1]
    if last >= history[0]:
        return None
    k = len(history) - 1
    while k > 0 and abs(history[k - 1] - last) <= rel * abs(last):
        k -= 1
    return k


def best(runs):
    """Spark's best setting by test logloss: chosen on the test set, which favors Spark."""
    return min(runs, key=lambda r: float(r["test_logloss"])) if runs else None


def reach(run, target):
    """First epoch whose test logloss <= target: (seconds since JVM start, seconds of training)."""
    for t, m in run["epochs"]:
        if m["val_logloss"] <= target:
            return t, t - run["ingest_at"]
    return None


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--rows", type=int, required=True)
    a.add_argument("--test-rows", type=int, required=True)
    a.add_argument("--work", required=True)
    a.add_argument("--spark-args", default="")
    args = a.parse_args()
    sp = spark(os.path.join(args.work, "spark.out"))
    hist = histories(os.path.join(args.work, "spark.err"))
    load = os.getloadavg()
    print("# Our engine vs Spark MLlib (bench/spark/run.sh)")
    print()
    print("- date: %s; %d cores; load average at the end %.2f %.2f %.2f"
          % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), os.cpu_count(), *load))
    print("- data: CtrGenerator(seed 1), %d training rows, %d test rows, 39 non-zeros a row; the same files for both"
          % (args.rows, args.test_rows))
    print("- ours: bench/specs/{lr,fm}.json through the local command (trainyard.engine.local.LocalMain)")
    print("- Spark: SparkPeer in local[2]%s" % (" with " + args.spark_args if args.spark_args else ", defaults"))
    print()
    print("| model | system | wall s, parsing incl. | train s, parsing excl. | examples/s | test logloss | test AUC |")
    print("|---|---|---|---|---|---|---|")
    runs = {}
    for m in ("lr", "fm"):
        o = ours(os.path.join(args.work, "ours-%s.log" % m))
        runs[m] = o
        t, last = o["epochs"][-1]
        rate = max(e[1].get("examples_per_sec", 0) for e in o["epochs"])
        print("| %s | ours (%d epochs) | %.2f | %.2f | %.0f (best pass) | %.5f | %.5f |"
              % (m.upper(), len(o["epochs"]), t, t - o["ingest_at"], rate, last["val_logloss"], last["val_auc"]))
        for s in sp.get(m, []):
            fit = float(s["fit_s"])
            it = int(s["iterations"])
            rate = "%.0f (rows × %d iterations / fit s)" % (args.rows * it / fit, it) if it > 0 else "n/a"
            print("| %s | Spark MLlib (%s; objective %s → %s, %s) | %.2f | %.2f | %s | %.5f | %.5f |"
                  % (m.upper(), s["params"].replace(",", ", "), s["objective_first"], s["objective_prev"],
                     s["objective_last"], float(s["total_s"]), fit, rate, float(s["test_logloss"]),
                     float(s["test_auc"])))
    print()
    print("Wall s, parsing incl.: ours from JVM start to the epoch's validation line (ingest of train and test "
          "files, training, per-epoch test scoring); Spark from reading the libsvm file through `fit` (load and "
          "cache of the training file + fit; the test file's load and scoring are not counted). "
          "Train s, parsing excl.: ours from the end of ingest; Spark's `fit` on cached data. "
          "Spark's objective: its training objective at the first, second-last and last iteration.")
    print()
    for m in ("lr", "fm"):
        s = best(sp.get(m, []))
        if not s:
            continue
        print("- %s: Spark's best setting by test logloss: %s" % (m.upper(), s["params"]))
        target = float(s["test_logloss"])
        o = runs[m]
        last = o["epochs"][-1][1]
        print("- %s: ours − Spark: test logloss %+.5f, test AUC %+.5f"
              % (m.upper(), last["val_logloss"] - target, last["val_auc"] - float(s["test_auc"])))
        r = reach(o, target)
        if r is None:
            print("- %s: ours did not reach Spark's test logloss %.5f in %d epochs"
                  % (m.upper(), target, len(o["epochs"])))
        else:
            print("- %s: ours reached Spark's test logloss %.5f after %.2f s wall (%.2f s training); Spark took "
                  "%.2f s wall (%.2f s fit): **%.1f× faster** wall, parsing included (%.1f× training only)"
                  % (m.upper(), target, r[0], r[1], float(s["total_s"]), float(s["fit_s"]),
                     float(s["total_s"]) / r[0], float(s["fit_s"]) / r[1]))
            h = hist.get((m, s["params"]))
            k = settled(h) if h and len(h) > 1 else None
            if k is not None and k < len(h) - 1:
                # history[0] is before the first step: len(h) - 1 iterations were run
                share = k / (len(h) - 1)
                fit = float(s["fit_s"]) * share
                print("- %s: Spark's objective was within 0.01%% of its last value at iteration %d of %d; had it "
                      "stopped there (pro-rated fit %.2f s, wall %.2f s) ours would be %.1f× faster wall (%.1f× "
                      "training only)" % (m.upper(), k, len(h) - 1, fit, float(s["load_s"]) + fit,
                                          (float(s["load_s"]) + fit) / r[0], fit / r[1]))


if __name__ == "__main__":
    main()
