#!/usr/bin/env python3
"""Turn direct_ept_perf_test's "sample" and "dirty" lines into the report of
`make bench`: a markdown table of medians (min-max), the dirty-logging phase,
gnuplot data and a PNG plot, and the ratios R1-R4, printed last.

usage: bench-report.py KTAP OUTDIR [HEADER]
KTAP is the guest's KTAP log (the program's lines are KTAP diagnostics);
HEADER is a line describing the machine and date, copied into the report.
Exits non-zero if the log holds no sample or a sample twice (the samples of
an attempt that the guest reran are left out).
"""
import os
import re
import statistics
import subprocess
import sys

MODES = ["demand", "prebuilt", "prebuilt_1t", "prefault"]
GOALS = {  # ratio: (goal, definition)
    "R1": ("<= 1.05", "first(prebuilt) / second(prebuilt)"),
    "R2": (">= 2.0", "first(demand) / first(prebuilt)"),
    "R3": ("<= 0.8, must be <= 1.0",
           "(create + first)(prebuilt) / (create + first)(demand)"),
    "R4": ("<= 1.0",
           "(create + first)(prebuilt) / (create + prefault + first)(prefault)"),
}


# The guest's lines around each test's output (guest/init).
START = re.compile(r"^# dept: start (\S+):")
RERUN = re.compile(r"^# dept: (\S+) failed .*; rerunning once$")


def parse(path):
    """The samples of the log.  The samples of a failed attempt that the
    guest reran are dropped; a sample that appears twice (same mode, backing,
    vCPUs and repetition; for dirty lines also the iteration) is an error."""
    samples, dirty = [], []
    attempt = ([], [])  # the current test attempt's samples and dirty lines
    seen = set()
    with open(path, errors="replace") as f:
        for raw in f:
            raw = raw.strip()
            if START.match(raw) or RERUN.match(raw):
                # Keep what came before; a rerun discards its failed attempt.
                if not RERUN.match(raw):
                    samples += attempt[0]
                    dirty += attempt[1]
                attempt = ([], [])
                continue
            line = raw
            while line.startswith("#"):
                line = line[1:].strip()
            kind, _, rest = line.partition(" ")
            if kind not in ("sample", "dirty"):
                continue
            kv = dict(re.findall(r"(\w+)=(\S+)", rest))
            # Other tests print lines starting with "dirty" too.
            if not {"mode", "backing", "vcpus", "rep"} <= kv.keys():
                continue
            rec = {k: (v if k in ("mode", "backing") else int(v))
                   for k, v in kv.items()}
            attempt[0 if kind == "sample" else 1].append(rec)
    samples += attempt[0]
    dirty += attempt[1]
    for kind, recs in (("sample", samples), ("dirty", dirty)):
        for r in recs:
            key = (kind, r["mode"], r["backing"], r["vcpus"], r["rep"], r.get("iter"))
            if key in seen:
                sys.exit(f"bench-report: duplicate {kind} in {path}: mode={r['mode']} "
                         f"backing={r['backing']} vcpus={r['vcpus']} rep={r['rep']}"
                         + (f" iter={r['iter']}" if "iter" in r else ""))
            seen.add(key)
    return samples, dirty


def med(values):
    return statistics.median(values) if values else 0


def ms(ns):
    return ns / 1e6


def fmt_range(values, scale=ms, digits=1):
    if not values:
        return "-"
    vals = [scale(v) for v in values]
    m = statistics.median(vals)
    if len(vals) == 1:
        return f"{m:.{digits}f}"
    return f"{m:.{digits}f} ({min(vals):.{digits}f}-{max(vals):.{digits}f})"


def group(records):
    """Records by (backing, vcpus, mode)."""
    groups = {}
    for r in records:
        groups.setdefault((r["backing"], r["vcpus"], r["mode"]), []).append(r)
    return groups


def table_rows(groups, backings, vcpus, row):
    """One markdown row per group, in backing, vCPUs, mode order."""
    return ["| " + " | ".join(row(b, v, m, groups[(b, v, m)])) + " |"
            for b in backings for v in vcpus for m in MODES
            if (b, v, m) in groups]


def end_to_end(s):
    return s["create_ns"] + s["prefault_ns"] + s["first_ns"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ktap, outdir = sys.argv[1], sys.argv[2]
    header = sys.argv[3] if len(sys.argv) > 3 else ""
    samples, dirty = parse(ktap)
    if not samples:
        sys.exit(f"bench-report: no sample in {ktap}")
    os.makedirs(outdir, exist_ok=True)

    groups = group(samples)
    backings = sorted({k[0] for k in groups})
    vcpus = sorted({k[1] for k in groups})

    out = []
    if header:
        out += [header, ""]
    reps = max(len(v) for v in groups.values())
    out.append(f"Times in ms: median (min-max) of {reps} repetition(s), "
               "slowest vCPU per phase; faults summed over the vCPUs.")
    out.append("")
    out.append("| backing | vCPUs | MiB/vCPU | mode | create | prefault | first | second "
               "| create+prefault+first | faults first | locked first | populate GiB/s |")
    out.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    def sample_row(b, v, m, g):
        gib = [s["bytes"] * s["vcpus"] / 2**30 for s in g]
        pop = [gi / (s["create_ns"] / 1e9) for gi, s in zip(gib, g)
               if m.startswith("prebuilt") and s["create_ns"]]
        return [
            b, str(v), str(g[0]["bytes"] >> 20), m,
            fmt_range([s["create_ns"] for s in g]),
            fmt_range([s["prefault_ns"] for s in g]) if m == "prefault" else "-",
            fmt_range([s["first_ns"] for s in g]),
            fmt_range([s["second_ns"] for s in g]),
            fmt_range([end_to_end(s) for s in g]),
            str(int(med([s["pf_first"] for s in g]))),
            str(int(med([s["locked_first"] for s in g]))),
            fmt_range(pop, scale=lambda x: x, digits=2) if pop else "-",
        ]
    out += table_rows(groups, backings, vcpus, sample_row)

    if dirty:
        out += ["", "Dirty logging (write pass + harvest per iteration), "
                "median (min-max) over iterations and repetitions:", ""]
        out.append("| backing | vCPUs | mode | pass ms | harvest ms "
                   "| faults/iter | fast/iter | locked/iter |")
        out.append("|---|---:|---|---:|---:|---:|---:|---:|")
        out += table_rows(group(dirty), backings, vcpus, lambda b, v, m, g: [
            b, str(v), m,
            fmt_range([d["pass_ns"] for d in g]),
            fmt_range([d["harvest_ns"] for d in g]),
            str(int(med([d["pf"] for d in g]))),
            str(int(med([d["fast"] for d in g]))),
            str(int(med([d["locked"] for d in g]))),
        ])

    def mfield(b, v, m, fn):
        g = groups.get((b, v, m))
        return med([fn(s) for s in g]) if g else None

    def ratios(b, v):
        r = {}
        f_pb = mfield(b, v, "prebuilt", lambda s: s["first_ns"])
        s_pb = mfield(b, v, "prebuilt", lambda s: s["second_ns"])
        f_d = mfield(b, v, "demand", lambda s: s["first_ns"])
        e_pb = mfield(b, v, "prebuilt", end_to_end)
        e_d = mfield(b, v, "demand", end_to_end)
        e_pf = mfield(b, v, "prefault", end_to_end)
        if f_pb is not None and s_pb:
            r["R1"] = f_pb / s_pb
        if f_d is not None and f_pb:
            r["R2"] = f_d / f_pb
        if e_pb is not None and e_d:
            r["R3"] = e_pb / e_d
        if e_pb is not None and e_pf:
            r["R4"] = e_pb / e_pf
        return r

    out += ["", "Ratios of medians (see README for the goals):", ""]
    out.append("| backing | vCPUs | R1 | R2 | R3 | R4 |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for b in backings:
        for v in vcpus:
            r = ratios(b, v)
            out.append(f"| {b} | {v} | " + " | ".join(
                f"{r[k]:.2f}" if k in r else "-" for k in GOALS) + " |")

    # gnuplot data: one block per backing, one line per vCPU count.
    dat = os.path.join(outdir, "bench.dat")
    with open(dat, "w") as f:
        for b in backings:
            f.write(f"# backing {b}: vcpus, end-to-end ms of {' '.join(MODES)}, "
                    f"first pass ms of {' '.join(MODES)}\n")
            for v in vcpus:
                e2e = [mfield(b, v, m, end_to_end) for m in MODES]
                first = [mfield(b, v, m, lambda s: s["first_ns"]) for m in MODES]
                f.write(f"{v} " + " ".join("NaN" if x is None else f"{ms(x):.3f}"
                                           for x in e2e + first) + "\n")
            f.write("\n\n")
    png = os.path.join(outdir, "bench.png")
    gp = os.path.join(outdir, "bench.gp")
    title = header.replace('"', "'").replace(", QEMU", "\\nQEMU")
    with open(gp, "w") as f:
        f.write(f"""set terminal pngcairo noenhanced size 1000,{420 * len(backings)} font 'sans,10'
set output '{png}'
set multiplot layout {len(backings)},1 title "{title}"
set grid
set key top left
set xlabel 'vCPUs'
set ylabel 'ms (slowest vCPU)'
set xtics ({", ".join(str(v) for v in vcpus)})
set logscale x 2
""")
        for i, b in enumerate(backings):
            f.write(f"set title 'create + prefault + first write pass, {b} backing'\n")
            plots = [f"'{dat if k == 0 else ''}' index {i} using 1:{2 + k} "
                     f"with linespoints title '{m}'" for k, m in enumerate(MODES)]
            plots.append(f"'' index {i} using 1:{2 + len(MODES) + MODES.index('prebuilt')} "
                         "with linespoints dashtype 2 title 'prebuilt, first pass only'")
            f.write("plot " + ", ".join(plots) + "\n")
        f.write("unset multiplot\n")
    plotted = subprocess.run(["gnuplot", gp], check=False).returncode == 0

    # Population throughput: the largest memslot, pinned and mapped by one
    # thread or by one per CPU (kvm.global_tdp_threads=1 or 0): the whole
    # memslot ioctl, and the mapping alone (global_tdp_populate_ns).  A THP
    # memslot is mapped by one thread in both modes (too few mappings to
    # start helpers), so its map-only "scaling" would only show noise.
    pop_lines = []
    for b in backings:
        v = vcpus[-1]
        for what, key in (("pin + map", "create_ns"), ("map only", "populate_ns")):
            if key == "populate_ns" and b != "4k":
                continue
            rate = {}
            for m in ("prebuilt_1t", "prebuilt"):
                g = groups.get((b, v, m))
                if g and all(s.get(key) for s in g):
                    rate[m] = med([s["bytes"] * v / 2**30 / (s[key] / 1e9) for s in g])
            if len(rate) == 2:
                pop_lines.append(f"population {what} ({b}, {v} x {g[0]['bytes'] >> 20} MiB): "
                                 f"1 thread {rate['prebuilt_1t']:.2f} GiB/s, one per CPU "
                                 f"{rate['prebuilt']:.2f} GiB/s, scaling x"
                                 f"{rate['prebuilt'] / rate['prebuilt_1t']:.2f}")
    if pop_lines:
        out += [""] + pop_lines

    table = os.path.join(outdir, "bench.md")
    with open(table, "w") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out))
    print("")
    print(f"table: {table}")
    print(f"plot:  {png}" if plotted else "plot:  gnuplot failed, see above")

    # The headline: the most vCPUs, THP if it ran.
    b = "thp" if "thp" in backings else backings[-1]
    v = vcpus[-1]
    r = ratios(b, v)
    print(f"ratios for {v} vCPUs, {b} backing (medians):")
    for k, (goal, what) in GOALS.items():
        val = f"{r[k]:.2f}" if k in r else "n/a"
        print(f"{k} = {val}  (goal {goal}; {what})")
    if not plotted:
        sys.exit(1)


if __name__ == "__main__":
    main()
