"""Lexical skill extraction speed: 10,000 postings of ~300 words on one core (target ≥ 200/s).

    .venv/bin/python bench/skills_lexical_speed.py [--postings 10000] [--words 300]

Postings are made deterministically from ESCO's own concept definitions (dense in skill
vocabulary, so a hard case for the matcher), so the benchmark needs only the installed data
packages. Reports wall-clock and CPU-time throughput: on a shared machine the CPU figure is
the one that says what one core does.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tandem.skills.engine.esco import load_taxonomy
from tandem.skills.engine.lexical import LexicalMatcher

TARGET = 200.0


def make_postings(n: int, words: int, seed: int = 2026) -> list[str]:
    taxonomy = load_taxonomy()
    sentences = [c.description for c in taxonomy.concepts if c.description]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts: list[str] = []
        count = 0
        while count < words:
            s = rng.choice(sentences)
            parts.append(s)
            count += len(s.split())
        out.append(" ".join(parts))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument(
        "--semantic-postings",
        type=int,
        default=0,
        help="also time the combined (lexical + semantic) mode on this many postings",
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    matcher = LexicalMatcher(load_taxonomy())
    build = time.perf_counter() - t0
    postings = make_postings(args.postings, args.words)
    mean_words = sum(len(p.split()) for p in postings) / len(postings)

    wall0, cpu0 = time.perf_counter(), time.process_time()
    found = 0
    for text in postings:
        found += len(matcher.extract(text))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    rate_wall, rate_cpu = len(postings) / wall, len(postings) / cpu
    print(
        f"lexical: {len(postings)} postings of {mean_words:.0f} words, {matcher.label_count} "
        f"labels (trie built in {build:.1f} s): {rate_wall:.0f} postings/s wall, "
        f"{rate_cpu:.0f} postings/s CPU, {found / len(postings):.1f} skills/posting"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    if args.semantic_postings:
        from tandem.skills.engine.extractor import Extractor
        from tandem.skills.engine.semantic import embed

        extractor = Extractor(matcher.taxonomy)
        _ = extractor.semantic
        embed(["warm up"])
        sample = postings[: args.semantic_postings]
        t1 = time.perf_counter()
        extractor.extract_many(sample, top_k=10, mode="combined")
        sem = time.perf_counter() - t1
        print(f"combined (semantic + lexical): {len(sample) / sem:.1f} postings/s wall")
    ok = rate_cpu >= TARGET
    print(f"target ≥ {TARGET:.0f} postings/s on one core: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
