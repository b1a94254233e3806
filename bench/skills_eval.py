"""Skill-extraction quality on real labelled job-ad sentences (validation/dev splits only).

    .venv/bin/python bench/skills_eval.py [--modes lexical,semantic,combined] [--data DIR]
        [--sets tech,house,skillskape] [--encoder minilm|minilm-int8|static]
        [--adapter setting|on|off] [--skillskape-part all|train|held-out]

For each data set (TECH and HOUSE validation, Decorte et al.; SkillSkape dev, Magron et al.)
and each mode, ranks ESCO skills for every sentence that has at least one ESCO label and
reports RP@5 (hits in the top 5 divided by min(5, number of gold labels)) and MRR (over the
top 100), each with n and a 95 % bootstrap interval over sentences, with throughput in
sentences per wall-clock second and per CPU-second (all threads
of the process: the fairer figure on a shared machine). Gold labels are ESCO v1.1.0 preferred
labels; they are mapped to concepts by preferred label, then by alternative label; gold
labels that map to no concept of the loaded taxonomy still count as misses.

The data folder defaults to $TANDEM_SKILLS_EVAL_DIR, else ../shared/data/skills-eval beside
the repository. ``--concept-weights P,B,D`` and ``--lexical-weight W`` score other weightings
of the semantic and combined modes (``0,1,0`` and ``0.25`` give the engine before December
2026); the weights in the engine were chosen on SkillSkape dev only. ``--adapter off`` scores
without the learned query adapter; ``--skillskape-part held-out`` keeps the ~20 % of SkillSkape
dev that bench/skills_train.py holds out (the part its choices were made on).
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import json
import os
import platform
import sys
import time
from collections import OrderedDict
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from tandem.skills.engine import encoders
from tandem.skills.engine.esco import load_taxonomy
from tandem.skills.engine.extractor import Extractor
from tandem.skills.engine.taxonomy import Taxonomy

NO_LABEL = {"LABEL NOT PRESENT", "UNDERSPECIFIED", "UNK", ""}


def default_data_dir() -> Path:
    env = os.environ.get("TANDEM_SKILLS_EVAL_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "skills-eval"


def read_decorte(path: Path) -> list[tuple[str, set[str]]]:
    by_sentence: OrderedDict[str, set[str]] = OrderedDict()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            labels = by_sentence.setdefault(row["sentence"], set())
            if row["label"].strip() not in NO_LABEL:
                labels.add(row["label"].strip())
    return [(s, g) for s, g in by_sentence.items() if g]


def read_skillskape(path: Path) -> list[tuple[str, set[str]]]:
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            gold = {x.strip() for x in ast.literal_eval(row["skills"]) if x.strip() not in NO_LABEL}
            if gold:
                out.append((row["sentence"], gold))
    return out


def label_index(taxonomy: Taxonomy) -> tuple[dict[str, str], dict[str, str]]:
    pref: dict[str, str] = {}
    alt: dict[str, str] = {}
    for c in taxonomy.concepts:
        pref.setdefault(c.preferred_label.lower(), c.uri)
        for a in c.alt_labels:
            alt.setdefault(a.lower(), c.uri)
    return pref, alt


def gold_uris(gold: set[str], pref: dict[str, str], alt: dict[str, str]) -> list[str]:
    out = []
    for label in gold:
        key = label.lower()
        out.append(pref.get(key) or alt.get(key) or f"unmapped:{label}")
    return sorted(set(out))


def held_out(gold_labels: set[str]) -> bool:
    """The SkillSkape dev sentences that bench/skills_train.py never trains on: those naming
    a held-out concept, one whose gold label (lower-cased, UTF-8) has a SHA-256 of 0 mod 8.
    A held-out concept's sentences are all held out, so the training part never names it."""
    return any(
        int(hashlib.sha256(g.lower().encode("utf-8")).hexdigest(), 16) % 8 == 0 for g in gold_labels
    )


def bootstrap_ci(values: list[float], *, rounds: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the mean of per-sentence scores (in %)."""
    if not values:
        return (float("nan"), float("nan"))
    arr = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, len(arr), size=(rounds, len(arr)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return (100 * float(lo), 100 * float(hi))


def evaluate(
    extractor: Extractor, data: list[tuple[str, list[str]]], mode: str
) -> dict[str, object]:
    texts = [s for s, _ in data]
    started, cpu_started = time.perf_counter(), time.process_time()
    results = extractor.extract_many(texts, top_k=100, mode=mode)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # all threads of this process
    rp5s: list[float] = []
    rrs: list[float] = []
    for (_, gold), ranked in zip(data, results, strict=True):
        uris = [m.uri for m in ranked]
        g = set(gold)
        rp5s.append(len(g.intersection(uris[:5])) / min(5, len(g)))
        rrs.append(next((1.0 / r for r, u in enumerate(uris, start=1) if u in g), 0.0))
    n = len(data)
    return {
        "n": n,
        "rp5": 100 * sum(rp5s) / n,
        "mrr": 100 * sum(rrs) / n,
        "rp5_ci": bootstrap_ci(rp5s),
        "mrr_ci": bootstrap_ci(rrs),
        "texts_per_s": n / elapsed if elapsed else float("inf"),
        "texts_per_cpu_s": n / cpu if cpu else float("inf"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--modes", default="lexical,semantic,combined")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--encoder",
        default=None,
        choices=encoders.ENCODERS,
        help="the semantic stage's encoder (default: TANDEM_SKILLS_ENCODER, else minilm)",
    )
    parser.add_argument("--sets", default="tech,house,skillskape", help="which data sets")
    parser.add_argument(
        "--skillskape-part",
        default="all",
        choices=("all", "train", "held-out"),
        help="SkillSkape dev, or the part bench/skills_train.py trains on or holds out",
    )
    parser.add_argument(
        "--adapter",
        default="setting",
        choices=("setting", "on", "off"),
        help="the learned query adapter (default: TANDEM_SKILLS_ADAPTER, on unless 0)",
    )
    parser.add_argument(
        "--lexical-weight", type=float, default=None, help="override the combined-mode weight"
    )
    parser.add_argument(
        "--concept-weights",
        default=None,
        help="override the semantic stage's preferred-label,best-label,definition weights, "
        "e.g. 0,1,0 for the earlier best-label-only rule",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        print(
            f"skipped: no evaluation data at {args.data} (set TANDEM_SKILLS_EVAL_DIR or "
            "--data; see /work/shared/data/README.md)",
            file=sys.stderr,
        )
        return 0

    load_start = os.getloadavg()
    taxonomy = load_taxonomy()
    adapter = {"setting": None, "on": True, "off": False}[args.adapter]
    extractor = Extractor(taxonomy, encoder=args.encoder, adapter=adapter)
    if args.lexical_weight is not None:
        extractor.lexical_weight = args.lexical_weight
    pref, alt = label_index(taxonomy)
    readers = {
        "tech": ("TECH (validation)", read_decorte, "tech_validation_annotations.csv"),
        "house": ("HOUSE (validation)", read_decorte, "house_validation_annotations.csv"),
        "skillskape": ("SkillSkape (dev)", read_skillskape, "skillskape/dev.csv"),
    }
    sets = {
        name: reader(args.data / file)
        for key, (name, reader, file) in readers.items()
        if key in args.sets.split(",")
    }
    modes = [m for m in args.modes.split(",") if m]
    if "lexical" not in extractor.available_modes() or any(
        m not in extractor.available_modes() for m in modes
    ):
        print(f"modes available here: {extractor.available_modes()}", file=sys.stderr)
        modes = [m for m in modes if m in extractor.available_modes()]
    index_info = {}
    if any(m != "lexical" for m in modes):
        t0, c0 = time.perf_counter(), time.process_time()
        index = extractor.semantic  # build or load the cached label embeddings first
        if args.concept_weights:
            w = tuple(float(x) for x in args.concept_weights.split(","))
            if len(w) != 3 or sum(w) <= 0:
                print("--concept-weights needs three weights with a positive sum", file=sys.stderr)
                return 2
            extractor.semantic.weights = w  # type: ignore[assignment]
        index.embed(["warm up the model"])  # load it now: throughput excludes start-up
        index_info = {
            "encoder": index.encoder,
            "seconds": time.perf_counter() - t0,
            "cpu_seconds": time.process_time() - c0,
            "embedded": index.embedded_now + index.definitions_embedded_now,
        }
        print(
            f"encoder {index.encoder}: index ready in {index_info['seconds']:.1f} s "
            f"({index_info['cpu_seconds']:.1f} CPU-s; {index_info['embedded']:,} texts embedded "
            "now, 0 = all cached)",
            file=sys.stderr,
        )

    if "SkillSkape (dev)" in sets and args.skillskape_part != "all":
        keep = args.skillskape_part == "held-out"
        sets["SkillSkape (dev)"] = [r for r in sets["SkillSkape (dev)"] if held_out(r[1]) == keep]
    rows = []
    for name, raw in sets.items():
        data = [(s, gold_uris(g, pref, alt)) for s, g in raw]
        unmapped = sum(u.startswith("unmapped:") for _, g in data for u in g)
        total = sum(len(g) for _, g in data)
        for mode in modes:
            r = evaluate(extractor, data, mode)
            rows.append({"set": name, "mode": mode, "unmapped_gold": unmapped, "gold": total, **r})
            lo, hi = cast(tuple[float, float], r["rp5_ci"])
            print(
                f"{name:20} {mode:9} n={r['n']:4d} RP@5={r['rp5']:5.1f} [{lo:.1f}, {hi:.1f}] "
                f"MRR={r['mrr']:5.1f} "
                f"{r['texts_per_s']:8.1f} texts/s ({r['texts_per_cpu_s']:.1f} per CPU-s)  "
                f"(gold labels unmapped: {unmapped}/{total})",
                flush=True,
            )
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"machine: {machine}; taxonomy: {len(taxonomy)} concepts, {taxonomy.version}")
    load_end = os.getloadavg()
    print(f"load average (1, 5, 15 min): start {load_start}, end {load_end}")
    if any(m != "lexical" for m in modes):
        print(
            f"concept weights (preferred, best label, definition): {extractor.semantic.weights}; "
            f"lexical weight: {extractor.lexical_weight}; query adapter: "
            f"{'on' if extractor.semantic.adapter is not None else 'off'}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "load": [load_start, load_end],
                    "index": index_info,
                    "rows": rows,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
