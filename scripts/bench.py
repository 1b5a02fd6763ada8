#!/usr/bin/env python3
"""kmsc's benchmark in one command: `python3 scripts/bench.py`.

Runs `cargo bench --bench pipeline` (which generates the synthetic trees under
target/bench-data with scripts/gen-monorepo.py the first time), then measures the peak
memory of each kmsc run, and prints the figures with the ratios the README states:
kmsc's wall time against the parse-only baseline divided by the number of cores.

Each ratio is given twice: from the medians, and from the fastest samples. On a machine
whose neighbours steal CPU (a small VM), interference only ever adds time, so the fastest
sample is the steadier estimate of what a run costs; the median shows the typical run."""
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "target" / "bench-data"
KMSC = ROOT / "target" / "release" / "kmsc"
UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def timings(text):
    """Divan's table: `name  fastest │ slowest │ median │ mean │ samples │ iters`.
    Gives {name: (fastest, median)} in seconds."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^[\s│├╰─]*([a-z_0-9]+)\s+(.*)$", line)
        if not m or "│" not in m.group(2):
            continue
        cols = [c.strip() for c in m.group(2).split("│")]
        if len(cols) < 3:
            continue
        seconds = []
        for col in (cols[0], cols[2]):
            v = re.match(r"^([0-9.]+)\s*(ns|µs|us|ms|s)$", col)
            if v:
                seconds.append(float(v.group(1)) * UNITS[v.group(2)])
        if len(seconds) == 2:
            out[m.group(1)] = tuple(seconds)
    return out


def peak_rss_mb(args):
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    kb = subprocess.run([sys.executable, "-c", probe, str(KMSC), *args], capture_output=True, text=True, check=True)
    return int(kb.stdout.strip()) / 1024


def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main():
    env = dict(os.environ, KMSC_BENCH_DATA=str(DATA))
    run = subprocess.run(["cargo", "bench", "--bench", "pipeline"], cwd=ROOT, env=env, capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        sys.exit(run.returncode)
    timed = timings(run.stdout)
    cores = os.cpu_count() or 1
    mono, single = DATA / "monorepo", DATA / "single"
    size = lambda d: sum(p.stat().st_size for p in d.rglob("*.tf"))
    print(f"\ncores: {cores}; monorepo: {size(mono) / 1e6:.1f} MB of .tf; single module: {size(single) / 1e6:.1f} MB")
    rows = [
        ("seed: kmsc check (whole process)", "seed_check_process", None, ["check", str(ROOT / "tests/data/seed/main.tf")]),
        ("monorepo: parse only, all cores", "monorepo_parse_only_all_cores", "monorepo_parse_only_one_core", None),
        ("monorepo: parse only, trees per root", "monorepo_parse_per_module_one_core", "monorepo_parse_only_one_core", None),
        ("monorepo: kmsc build -r", "monorepo_build_r", "monorepo_parse_only_one_core", ["build", "-r", str(mono)]),
        ("monorepo: kmsc check -r", "monorepo_check_r", "monorepo_parse_only_one_core", ["check", "-r", str(mono)]),
        ("single module: kmsc build", "single_module_build", "single_module_parse_only_one_core", ["build", str(single)]),
        ("single module: kmsc check", "single_module_check", "single_module_parse_only_one_core", ["check", str(single)]),
    ]
    # The per-root parse stays on one core: its ratio is against the one-core parse itself.
    one_core = {"monorepo_parse_per_module_one_core"}
    for which, pick in (("median", 1), ("fastest", 0)):
        t = {name: v[pick] for name, v in timed.items()}
        floor = t.get("monorepo_parse_only_all_cores")
        print(f"\nfrom the {which} samples")
        print(f"{'':38} {which:>10} {'parse/cores':>12} {'ratio':>7} {'/ all-cores parse':>18} {'peak RSS':>10}")
        for label, name, base, args in rows:
            wall = t.get(name)
            if wall is None:
                continue
            divisor = 1 if name in one_core else cores
            baseline = t.get(base) / divisor if base and base in t else None
            ratio = f"{wall / baseline:.2f}" if baseline else "-"
            shown = fmt(baseline) if baseline else "-"
            vs_floor = f"{wall / floor:.2f}" if floor and name.startswith("monorepo") and name not in one_core else "-"
            # Peak memory does not depend on the machine's noise: measured once.
            rss = f"{peak_rss_mb(args):>7.0f} MB" if args and pick == 1 else "-"
            print(f"{label:38} {fmt(wall):>10} {shown:>12} {ratio:>7} {vs_floor:>18} {rss:>10}")
        for base in ("monorepo_parse_only_one_core", "single_module_parse_only_one_core"):
            if base in t:
                print(f"baseline {base}: {fmt(t[base])}")


main()
