"""``--quick`` for the benchmarks: a run of a few seconds with small sizes, to check that a
script still works end to end (same code path, same JSON keys on its last line). Its
figures mean nothing: too few samples. tests/unit/test_bench_quick.py runs every one.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping


def parse_args(parser: argparse.ArgumentParser, quick: Mapping[str, object]) -> argparse.Namespace:
    """Adds ``--quick`` to ``parser``, then parses the command line.

    ``quick`` maps option destinations to their small sizes. They replace the defaults
    rather than the values given, so ``--quick --seed 7`` still takes the seed.
    """
    sizes = ", ".join(f"--{name.replace('_', '-')} {value}" for name, value in quick.items())
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a few seconds' run ({sizes}): checks that the script works, not for figures",
    )
    args = parser.parse_args()
    if args.quick:
        parser.set_defaults(**quick)
        args = parser.parse_args()
    return args
