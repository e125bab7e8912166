#!/usr/bin/env python3
"""Tables of bench/run-distributed-bench.sh: medians and min-max over reps, from its results.txt.

Usage: distributed_tables.py RESULTS [TAU]
"""
import re
import statistics
import sys
from collections import defaultdict


GROUPS = ["workers", "servers", "network", "main_member", "data_read", "java_other", "other"]
# parts of "other", where measured: the JIT's compiler threads; the VM thread (serial GC, safepoints)
OTHER_PARTS = ["other_jit", "other_vm"]
# The JIT's share of a configuration's CPU above which its ratios measure warm-up more than training.
JIT_WARNING = 0.05


def parse(path):
    runs = defaultdict(list)  # (model, label, rep) -> [rank dicts]
    header = ""
    for line in open(path):
        if line.startswith("#"):
            header = line.strip()
        if not line.startswith("RESULT "):
            continue
        d = dict(kv.split("=", 1) for kv in line.split()[1:])
        runs[(d["model"], d["label"], int(d["rep"]))].append(d)
    return header, runs


def job(ranks):
    """One run's numbers: rank 0's examples/s and AUC; bytes and CPU over all ranks."""
    r0 = next(r for r in ranks if r["rank"] == "0")
    procs = int(r0["procs"])
    if len(ranks) != procs:
        return None
    examples = sum(int(r["examples"]) for r in ranks)
    # independent jobs (iP): the machine's examples/s is the sum of theirs
    rate = (lambda key: sum(float(r[key]) for r in ranks)) if r0["mode"] == "indep" else (lambda key: float(r0[key]))
    return {
        "procs": procs,
        "mode": r0["mode"],
        "cpus": r0["cpus"],
        "eps": rate("eps"),
        # the last epoch's rate: after warm-up (each JVM's JIT compiles on the cores it trains on)
        "last": sum(float(r["eps_by_epoch"].split(",")[-1]) for r in ranks) if r0["mode"] == "indep"
        else float(r0["eps_by_epoch"].split(",")[-1]),
        "auc": float(r0["val_auc"]),
        # the members' time spent waiting for the slowest at epoch ends (one job over several processes)
        "wait": float(r0["barrier_wait"]) if r0["mode"] == "cluster" and procs > 1 and "barrier_wait" in r0 else None,
        "logloss": float(r0["val_logloss"]),
        # per process: its bytes sent + received over the examples its own workers trained
        "bpe": statistics.mean(float(r["wire_bytes_per_example"]) for r in ranks),
        "cpu_us": sum(float(r["cpu_s"]) for r in ranks) * 1e6 / examples,
        "wall": max(float(r["wall_s"]) for r in ranks),
        "load": r0["load"],
        # CPU µs per example of the job by thread group, summed over the processes (when measured)
        "groups": {g: sum(float(r.get("cpu_" + g, 0)) for r in ranks) * 1e6 / examples for g in GROUPS + OTHER_PARTS}
        if "cpu_other" in r0 else None,
    }


def med(xs, fmt):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "-"
    m = statistics.median(xs)
    if len(xs) == 1:
        return fmt.format(m)
    return (fmt + " ({}–{})").format(m, fmt.format(min(xs)), fmt.format(max(xs)))


def main():
    path = sys.argv[1]
    tau = sys.argv[2] if len(sys.argv) > 2 else "4"
    header, runs = parse(path)
    jobs = defaultdict(dict)  # (model, label) -> rep -> job
    for (model, label, rep), ranks in runs.items():
        j = job(ranks)
        if j:
            jobs[(model, label)][rep] = j
    models = sorted({m for m, _ in jobs}, key=lambda m: (m != "lr", m))
    labels = sorted({l for _, l in jobs})
    scaling = ["p1-pin", "p1-all", "c1-pin"] + sorted(
        (l for l in labels if re.fullmatch(r"[pi]\d+", l) and l != "p1"), key=lambda l: (int(l[1:]), l[0] == "p"))
    names = {"p1-pin": "1 process, 1 core", "p1-all": "1 process, all cores (not pinned)",
             "c1-pin": "1 process as a 1-member cluster, 1 core"}
    loads = [float(x) for reps in jobs.values() for j in reps.values() for x in j["load"].split("-")]
    print(header)
    print()
    print("Scaling, tau = %s (examples/s of rank 0: mean of epochs 2..N, and of the last epoch alone; median over"
          " reps, min–max in brackets; ratios per rep against the 1-process runs of the same rep)" % tau)
    print()
    print("| model | configuration | processes | examples/s | × 1 process, 1 core | × 1 process, all cores"
          " | last epoch: examples/s | last epoch: × 1 process, 1 core"
          " | val AUC | wire bytes/example per process | CPU µs/example (all processes) | barrier wait | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for m in models:
        base = jobs.get((m, "p1-pin"), {})
        base_all = jobs.get((m, "p1-all"), {})
        for label in scaling:
            reps = jobs.get((m, label))
            if not reps:
                continue
            name = names.get(label, ("%s independent 1-process jobs at once, 1 core each: the machine's ceiling"
                                     if label[0] == "i" else "%s processes, 1 core each") % label[1:])
            ratio = [j["eps"] / base[r]["eps"] for r, j in reps.items() if r in base]
            ratio_all = [j["eps"] / base_all[r]["eps"] for r, j in reps.items() if r in base_all]
            ratio_last = [j["last"] / base[r]["last"] for r, j in reps.items() if r in base]
            any_job = next(iter(reps.values()))
            print("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                m.upper(), name, any_job["procs"], med([j["eps"] for j in reps.values()], "{:,.0f}"),
                med(ratio, "{:.2f}"), med(ratio_all, "{:.2f}"), med([j["last"] for j in reps.values()], "{:,.0f}"),
                med(ratio_last, "{:.2f}"), med([j["auc"] for j in reps.values()], "{:.4f}"),
                med([j["bpe"] for j in reps.values()], "{:.0f}") if any_job["mode"] == "cluster" else "0",
                med([j["cpu_us"] for j in reps.values()], "{:.2f}"), med([j["wait"] for j in reps.values()], "{:.1%}"),
                med([j["wall"] for j in reps.values()], "{:.1f}")))
    print()
    taus = sorted((l for l in labels if "-tau" in l), key=lambda l: l)
    if taus:
        big = taus[0].split("-tau")[0]
        print("Consistency over %s processes (tau = -1: no bound)" % big[1:])
        print()
        print("| model | τ | examples/s | × 1 process, 1 core (τ = %s) | val AUC | val logloss | wire bytes/example per process |"
              % tau)
        print("|---|---|---|---|---|---|---|")
        for m in models:
            base = jobs.get((m, "p1-pin"), {})
            rows = [(tau, big)] + [(l.split("-tau")[1], l) for l in taus]
            rows.sort(key=lambda t: (int(t[0]) < 0, int(t[0])))
            for t, label in rows:
                reps = jobs.get((m, label))
                if not reps:
                    continue
                ratio = [j["eps"] / base[r]["eps"] for r, j in reps.items() if r in base]
                print("| %s | %s | %s | %s | %s | %s | %s |" % (
                    m.upper(), "∞" if t == "-1" else t, med([j["eps"] for j in reps.values()], "{:,.0f}"),
                    med(ratio, "{:.2f}"), med([j["auc"] for j in reps.values()], "{:.4f}"),
                    med([j["logloss"] for j in reps.values()], "{:.4f}"),
                    med([j["bpe"] for j in reps.values()], "{:.0f}")))
        print()
    measured = [(m, l) for m in models for l in scaling + taus if (m, l) in jobs
                and all(j["groups"] for j in jobs[(m, l)].values())]
    if measured:
        print("CPU µs per example by thread, all processes together (median over reps): workers; server shards;"
              " network (Netty); member and coordinator (main); data reading; other Java threads; GC, JIT and VM"
              " (other), and of that the JIT's compiler threads and the VM thread (serial GC, safepoints)")
        print()
        print("| model | configuration | " + " | ".join(GROUPS) + " | total | of other: JIT | of other: VM |")
        print("|---|---|" + "---|" * (len(GROUPS) + 3))
        for m, l in measured:
            reps = jobs[(m, l)].values()
            print("| %s | %s | %s | %s |" % (m.upper(), l, " | ".join(
                "%.2f" % statistics.median(j["groups"][g] for j in reps) for g in GROUPS),
                "%.2f" % statistics.median(j["cpu_us"] for j in reps)) + " %s | %s |" % tuple(
                "%.2f" % statistics.median(j["groups"][g] for j in reps) for g in OTHER_PARTS))
        print()
        # A JIT still compiling in the measured job takes its cores from training, more in a
        # process that trains fewer minibatches: its ratios measure warm-up (PERFORMANCE.md, session 19).
        compiling = []
        for m, l in measured:
            share = statistics.median(j["groups"]["other_jit"] / j["cpu_us"]
                                      for j in jobs[(m, l)].values() if j["cpu_us"] > 0)
            if share > JIT_WARNING:
                compiling.append("%s %s (%.0f%%)" % (m.upper(), l, 100 * share))
        if compiling:
            print("**Warning:** the JIT took more than %.0f%% of the measured job's CPU in %s; "
                  "rerun with a larger --warmup." % (100 * JIT_WARNING, ", ".join(compiling)))
            print()
    if loads:
        print("Load average (1 min) at the start and end of the runs: %.2f to %.2f, median %.2f"
              % (min(loads), max(loads), statistics.median(loads)))


if __name__ == "__main__":
    main()
