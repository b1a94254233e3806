"""The semantic stage's encoders compared on the same data, paired (issue 17).

    .venv/bin/python bench/skills_encoder_compare.py [--encoders minilm,minilm-int8,static]
        [--distractors 1000] [--data DIR]

Builds a reduced taxonomy — every concept named by a SkillSkape **dev** gold label plus
``--distractors`` other concepts drawn with a fixed seed — so that the PyTorch reference can
embed it in minutes on a busy machine, then scores each encoder's semantic and combined
modes on SkillSkape dev (n, RP@5 and MRR with 95 % bootstrap intervals), its first index
build (wall and CPU seconds) and its throughput (texts per CPU-second). Candidates are
fewer than in the full taxonomy, so the figures are higher than bench/skills_eval.py's; they
are for comparing encoders with each other, paired on identical inputs (the full-taxonomy
figures come from ``bench/skills_eval.py --encoder NAME``). Skips, with a message, without
the evaluation data.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skills_eval import (
    default_data_dir,
    evaluate,
    gold_uris,
    label_index,
    read_skillskape,
)

from tandem.skills.engine import encoders
from tandem.skills.engine.esco import load_taxonomy
from tandem.skills.engine.extractor import Extractor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--encoders", default=",".join(encoders.ENCODERS))
    parser.add_argument("--distractors", type=int, default=1000)
    args = parser.parse_args()
    dev = args.data / "skillskape" / "dev.csv"
    if not dev.is_file():
        print(f"skipped: no SkillSkape dev set at {dev}", file=sys.stderr)
        return 0
    full = load_taxonomy()
    pref, alt = label_index(full)
    data = [(s, gold_uris(g, pref, alt)) for s, g in read_skillskape(dev)]
    gold = {u for _, g in data for u in g if not u.startswith("unmapped:")}
    others = sorted(c.uri for c in full.concepts if c.uri not in gold)
    random.Random(0).shuffle(others)
    taxonomy = full.subset(gold | set(others[: args.distractors]))
    print(
        f"taxonomy: {len(taxonomy)} concepts ({len(gold)} gold + {args.distractors} "
        f"distractors); SkillSkape dev n={len(data)}; load average {os.getloadavg()}",
        flush=True,
    )
    for name in args.encoders.split(","):
        extractor = Extractor(taxonomy, encoder=name)
        t0, c0 = time.perf_counter(), time.process_time()
        index = extractor.semantic
        index.embed(["warm up"])
        built = index.embedded_now + index.definitions_embedded_now
        print(
            f"{name:12} index: {time.perf_counter() - t0:6.1f} s wall, "
            f"{time.process_time() - c0:6.1f} CPU-s ({built:,} texts embedded now)",
            flush=True,
        )
        for mode in ("semantic", "combined"):
            r = evaluate(extractor, data, mode)
            lo, hi = cast(tuple[float, float], r["rp5_ci"])
            mlo, mhi = cast(tuple[float, float], r["mrr_ci"])
            print(
                f"{name:12} {mode:9} RP@5 {r['rp5']:5.1f} [{lo:.1f}, {hi:.1f}]  MRR "
                f"{r['mrr']:5.1f} [{mlo:.1f}, {mhi:.1f}]  {r['texts_per_cpu_s']:7.1f} "
                f"texts/CPU-s ({r['texts_per_s']:.1f}/s wall)",
                flush=True,
            )
    print(f"load average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
