"""Tandem's matching engine: pure Python/NumPy (with numba kernels), no Django.

Public surface::

    solve_stable(market, proposing=..., seed=...)   stable matching (with couples too)
    solve_optimal(scored_market)                    assignment maximising total score
    verify(market, assignments)                     independent checker
    explain(market, assignments)                    per-student explanations

See ``docs/matching.md``.
"""

from .compile import CompiledMarket, compile_arrays, compile_market, lottery_for
from .explain import explain
from .model import (
    BlockingPair,
    Constraints,
    Couple,
    Explanation,
    Market,
    MarketError,
    Mentee,
    Mentor,
    OptimalResult,
    Placement,
    Reason,
    ScoredMarket,
    StableResult,
    Student,
    Verification,
)
from .optimal import solve_optimal
from .stable import match_stats, solve_compiled, solve_stable, warm_up
from .verify import verify

__all__ = [
    "BlockingPair",
    "CompiledMarket",
    "Constraints",
    "Couple",
    "Explanation",
    "Market",
    "MarketError",
    "Mentee",
    "Mentor",
    "OptimalResult",
    "Placement",
    "Reason",
    "ScoredMarket",
    "StableResult",
    "Student",
    "Verification",
    "compile_arrays",
    "compile_market",
    "explain",
    "lottery_for",
    "match_stats",
    "solve_compiled",
    "solve_optimal",
    "solve_stable",
    "verify",
    "warm_up",
]
