#!/usr/bin/env python3
"""Baseline for `chatledger bench risk`: pyahocorasick (C) over the same texts and patterns, no normalisation.

Usage: ahocorasick_baseline.py PATTERNS_FILE TEXTS_FILE  → prints {"seconds": s, "matches": n} (best of 5 runs, as `chatledger bench risk` takes its own).
"""
import json
import sys
import time

import ahocorasick

patterns = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
texts = [line.rstrip("\n") for line in open(sys.argv[2], encoding="utf-8")]
automaton = ahocorasick.Automaton()
for index, pattern in enumerate(patterns):
    automaton.add_word(pattern, index)
automaton.make_automaton()
best = None
matches = 0
for _ in range(5):
    start = time.perf_counter()
    count = 0
    for text in texts:
        for _ in automaton.iter(text):
            count += 1
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
    matches = count
json.dump({"seconds": best, "matches": matches}, sys.stdout)
