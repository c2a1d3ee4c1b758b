#!/usr/bin/env python3
"""Turn direct_ept_perf_test's "sample" and "dirty" lines into the report of
`make bench`: a markdown table of medians (min-max), the limit (the same
memory populated without KVM) and each mode against it, the dirty-logging
phase, gnuplot data and a PNG plot, and the ratios R1-R4 and P, printed last.

usage: bench-report.py KTAP OUTDIR [HEADER]
KTAP is the guest's KTAP log (the program's lines are KTAP diagnostics);
HEADER is a line describing the machine and date, copied into the report.
Lines with warmup=1 (the samples of the warm-up repetition, the dirty-logging
iteration before the first harvest) are left out.  Exits non-zero if the log
holds no sample or a sample twice (the samples of an attempt that the guest
reran are left out).
"""
import os
import re
import statistics
import subprocess
import sys

MODES = ["demand", "prebuilt", "prebuilt_1t", "prefault", "limit"]
# ratio: (goal, definition); the goals are checked by goal_met().
GOALS = {
    "R1": ("<= 1.05", "first(prebuilt) / second(prebuilt), each vCPU having "
           "entered the guest once before"),
    "R2": (">= 2.0", "first(demand) / first(prebuilt)"),
    "R3": ("<= 0.2 for 4k (none for thp)",
           "(create + first)(prebuilt) / (create + first)(demand)"),
    "R4": ("<= 0.9",
           "(create + first)(prebuilt) / (create + prefault + first)(prefault), "
           "both populating with V threads"),
    "P": ("<= 1.2", "create(prebuilt) / first(limit): population by KVM against "
          "MADV_POPULATE_WRITE of the same memory without KVM, both with V threads"),
}


def goal_met(key, backing, value):
    """True or False, None when the ratio has no goal for @backing."""
    if key == "R1":
        return value <= 1.05
    if key == "R2":
        return value >= 2.0
    if key == "R3":
        return value <= 0.2 if backing == "4k" else None
    if key == "R4":
        return value <= 0.9
    if key == "P":
        return value <= 1.2
    return None


# The guest's lines around each test's output (guest/init).
START = re.compile(r"^# dept: start (\S+):")
RERUN = re.compile(r"^# dept: (\S+) failed .*; rerunning once$")


def parse(path):
    """The samples of the log, and the number of warm-up lines left out.  The
    samples of a failed attempt that the guest reran are dropped; a sample
    that appears twice (same mode, backing, vCPUs and repetition; for dirty
    lines also the iteration) is an error, warm-up lines included."""
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
            try:
                rec = {k: (v if k in ("mode", "backing") else int(v))
                       for k, v in kv.items()}
            except ValueError:
                continue
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
    left_out = (sum(1 for s in samples if s.get("warmup")),
                sum(1 for d in dirty if d.get("warmup")))
    samples = [s for s in samples if not s.get("warmup")]
    dirty = [d for d in dirty if not d.get("warmup")]
    return samples, dirty, left_out


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


def fmt_ratio(r, digits=2):
    return "-" if r is None else f"{r:.{digits}f}"


def group(records):
    """Records by (backing, vcpus, mode)."""
    groups = {}
    for r in records:
        groups.setdefault((r["backing"], r["vcpus"], r["mode"]), []).append(r)
    return groups


def mode_order(m):
    return MODES.index(m) if m in MODES else len(MODES)


def table_rows(groups, backings, vcpus, row):
    """One markdown row per group, in backing, vCPUs, mode order."""
    modes = sorted({k[2] for k in groups}, key=mode_order)
    return ["| " + " | ".join(row(b, v, m, groups[(b, v, m)])) + " |"
            for b in backings for v in vcpus for m in modes
            if (b, v, m) in groups]


def end_to_end(s):
    """create + prefault + first: memory mapped and written once (create0,
    the VM up to its test memslot, is reported apart)."""
    return s["create_ns"] + s["prefault_ns"] + s["first_ns"]


def pop_ns(s):
    """The time the mode takes to populate the memory: the memslot ioctl for
    the prebuilt modes, the prefault phase, MADV_POPULATE_WRITE for limit,
    and the first pass (faults and writes) for demand."""
    m = s["mode"]
    if m.startswith("prebuilt"):
        return s["create_ns"]
    if m == "prefault":
        return s["prefault_ns"]
    return s["first_ns"]


def total_bytes(s):
    return s["bytes"] * s["vcpus"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ktap, outdir = sys.argv[1], sys.argv[2]
    header = sys.argv[3] if len(sys.argv) > 3 else ""
    samples, dirty, left_out = parse(ktap)
    if not samples:
        sys.exit(f"bench-report: no sample in {ktap}")
    os.makedirs(outdir, exist_ok=True)

    groups = group(samples)
    backings = sorted({k[0] for k in groups})
    vcpus = sorted({k[1] for k in groups})

    def mfield(b, v, m, fn):
        g = groups.get((b, v, m))
        return med([fn(s) for s in g]) if g else None

    def div(a, b):
        return a / b if a is not None and b else None

    out = []
    if header:
        out += [header, ""]
    reps = max(len(v) for v in groups.values())
    out.append(f"Times in ms: median (min-max) of {reps} repetition(s); left out: "
               f"{left_out[0]} warm-up sample(s), {left_out[1]} dirty-logging "
               "iteration(s) before the first harvest.  Each phase lasts from the "
               "release of the threads to the end of the last one; faults are "
               "summed over the vCPUs.  threads: those the mode populates with "
               "(kvm.global_tdp_threads for the prebuilt modes), and the pinning/"
               "mapping threads of the trace events.  create0: the VM up to its "
               "test memslot (memslot 0 included), not in create+prefault+first.  "
               "limit: the same memory populated without KVM, first = "
               "MADV_POPULATE_WRITE, second = a write per 4 KiB page.  populate "
               "GiB/s: the bytes of the test memory over the mode's population "
               "time (prebuilt modes: create; prefault: prefault; demand and limit: "
               "first).")
    out.append("")
    out.append("| backing | vCPUs | MiB/vCPU | mode | threads | create0 | create | prefault "
               "| first | second | create+prefault+first | faults first | locked first "
               "| 2M pages | populate GiB/s |")
    out.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

    def sample_row(b, v, m, g):
        rate = [total_bytes(s) / 2**30 / (pop_ns(s) / 1e9) for s in g if pop_ns(s)]
        threads = str(int(med([s.get("threads", v) for s in g])))
        pin = [s.get("pin_threads", 0) for s in g]
        if any(pin):
            threads += (f" ({int(med(pin))}/"
                        f"{int(med([s.get('map_threads', 0) for s in g]))})")
        vm = m != "limit"
        return [
            b, str(v), str(g[0]["bytes"] >> 20), m, threads,
            fmt_range([s.get("create0_ns", 0) for s in g]) if vm else "-",
            fmt_range([s["create_ns"] for s in g]) if vm else "-",
            fmt_range([s["prefault_ns"] for s in g]) if m == "prefault" else "-",
            fmt_range([s["first_ns"] for s in g]),
            fmt_range([s["second_ns"] for s in g]),
            fmt_range([end_to_end(s) for s in g]),
            str(int(med([s["pf_first"] for s in g]))) if vm else "-",
            str(int(med([s["locked_first"] for s in g]))) if vm else "-",
            str(int(med([s.get("pages_2m", 0) for s in g]))),
            fmt_range(rate, scale=lambda x: x, digits=2),
        ]
    out += table_rows(groups, backings, vcpus, sample_row)

    # The limit, and each mode against it.
    if any(k[2] == "limit" for k in groups):
        out += ["", "The limit: the same memory, same backing, populated by V threads "
                "with MADV_POPULATE_WRITE without KVM (release to last thread done), "
                "and each mode's population time against it (medians): "
                "demand's first pass, prebuilt's and prebuilt_1t's create, "
                "prefault's prefault phase; all against the same V-thread limit, "
                "prebuilt_1t too.  zeroing GiB/s = bytes / limit.", ""]
        out.append("| backing | vCPUs | limit ms | limit second ms | zeroing GiB/s "
                   "| demand first / limit | prebuilt create / limit (P) "
                   "| prebuilt_1t create / limit | prefault prefault / limit |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for b in backings:
            for v in vcpus:
                g = groups.get((b, v, "limit"))
                if not g:
                    continue
                lim = mfield(b, v, "limit", lambda s: s["first_ns"])
                gib = med([total_bytes(s) / 2**30 / (s["first_ns"] / 1e9)
                           for s in g if s["first_ns"]])
                out.append(f"| {b} | {v} | {fmt_range([s['first_ns'] for s in g])} "
                           f"| {fmt_range([s['second_ns'] for s in g])} | {gib:.2f} | "
                           + " | ".join(fmt_ratio(div(mfield(b, v, m, pop_ns), lim))
                                        for m in MODES[:-1]) + " |")

    out += ["", "first / second pass per mode (medians):", ""]
    modes = [m for m in MODES if any(k[2] == m for k in groups)]
    out.append("| backing | vCPUs | " + " | ".join(modes) + " |")
    out.append("|---|---:|" + "---:|" * len(modes))
    for b in backings:
        for v in vcpus:
            out.append(f"| {b} | {v} | " + " | ".join(
                fmt_ratio(div(mfield(b, v, m, lambda s: s["first_ns"]),
                              mfield(b, v, m, lambda s: s["second_ns"])))
                for m in modes) + " |")

    if dirty:
        out += ["", "Dirty logging (write pass + harvest per iteration, the iteration "
                "before the first harvest left out), median (min-max) over "
                "iterations and repetitions:", ""]
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

    def ratios(b, v):
        r = {}
        f_pb = mfield(b, v, "prebuilt", lambda s: s["first_ns"])
        s_pb = mfield(b, v, "prebuilt", lambda s: s["second_ns"])
        f_d = mfield(b, v, "demand", lambda s: s["first_ns"])
        c_pb = mfield(b, v, "prebuilt", lambda s: s["create_ns"])
        lim = mfield(b, v, "limit", lambda s: s["first_ns"])
        e_pb = mfield(b, v, "prebuilt", end_to_end)
        e_d = mfield(b, v, "demand", end_to_end)
        e_pf = mfield(b, v, "prefault", end_to_end)
        for k, val in (("R1", div(f_pb, s_pb)), ("R2", div(f_d, f_pb)),
                       ("R3", div(e_pb, e_d)), ("R4", div(e_pb, e_pf)),
                       ("P", div(c_pb, lim))):
            if val is not None:
                r[k] = val
        return r

    # Population throughput: the largest memslot, pinned and mapped by one
    # thread or by up to V (kvm.global_tdp_threads=1 or V): the whole
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
                    rate[m] = med([total_bytes(s) / 2**30 / (s[key] / 1e9) for s in g])
            if len(rate) == 2:
                pop_lines.append(f"population {what} ({b}, {v} x {g[0]['bytes'] >> 20} MiB): "
                                 f"1 thread {rate['prebuilt_1t']:.2f} GiB/s, up to {v} "
                                 f"threads {rate['prebuilt']:.2f} GiB/s, scaling x"
                                 f"{rate['prebuilt'] / rate['prebuilt_1t']:.2f}")
    if pop_lines:
        out += [""] + pop_lines

    out += ["", "Ratios of medians (goals: see the end):", ""]
    out.append("| backing | vCPUs | " + " | ".join(GOALS) + " |")
    out.append("|---|---:|" + "---:|" * len(GOALS))
    for b in backings:
        for v in vcpus:
            r = ratios(b, v)
            out.append(f"| {b} | {v} | " + " | ".join(
                fmt_ratio(r.get(k)) for k in GOALS) + " |")

    # gnuplot data: one block per backing, one line per vCPU count.
    dat = os.path.join(outdir, "bench.dat")
    with open(dat, "w") as f:
        for b in backings:
            f.write(f"# backing {b}: vcpus, end-to-end ms of {' '.join(MODES)}, "
                    f"first pass ms of {' '.join(MODES)} (limit: end-to-end = first "
                    "= MADV_POPULATE_WRITE without KVM)\n")
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
set ylabel 'ms (release to last thread done)'
set xtics ({", ".join(str(v) for v in vcpus)})
set logscale x 2
""")
        for i, b in enumerate(backings):
            f.write(f"set title 'create + prefault + first write pass, {b} backing'\n")
            plots = []
            for k, m in enumerate(MODES):
                style = "with linespoints"
                name = m
                if m == "limit":
                    style += " dashtype 3 linecolor rgb 'black'"
                    name = "limit (MADV_POPULATE_WRITE, no KVM)"
                plots.append(f"'{dat if k == 0 else ''}' index {i} using 1:{2 + k} "
                             f"{style} title '{name}'")
            plots.append(f"'' index {i} using 1:{2 + len(MODES) + MODES.index('prebuilt')} "
                         "with linespoints dashtype 2 title 'prebuilt, first pass only'")
            f.write("plot " + ", ".join(plots) + "\n")
        f.write("unset multiplot\n")
    plotted = subprocess.run(["gnuplot", gp], check=False).returncode == 0

    table = os.path.join(outdir, "bench.md")
    with open(table, "w") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out))
    print("")
    print(f"table: {table}")
    print(f"plot:  {png}" if plotted else "plot:  gnuplot failed, see above")

    # The headline, last: the most vCPUs, each backing.
    v = vcpus[-1]
    print(f"ratios for {v} vCPUs (medians):")
    for b in backings:
        r = ratios(b, v)
        for k, (goal, what) in GOALS.items():
            if k in r:
                met = goal_met(k, b, r[k])
                verdict = "no goal" if met is None else ("met" if met else "NOT met")
                val = f"{r[k]:.2f}"
            else:
                verdict, val = "n/a", "n/a"
            print(f"{k} {b} = {val}  (goal {goal}: {verdict}; {what})")
    if not plotted:
        sys.exit(1)


if __name__ == "__main__":
    main()
