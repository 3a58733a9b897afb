"""`matchmaker schedule`: JSON in, JSON out (or a benchmark `.dzn` file in).

    matchmaker schedule PROBLEM.json --out SCHEDULE.json [--time-limit S] [--workers N]
                        [--previous OLD.json] [--seed N]
    matchmaker schedule --dzn FILE.dzn --objective breaks|meetings [--fairness D]
                        [--time-limit S] [--workers N] --out OUT.json

Exit codes: 0 a schedule was written; 1 infeasible or nothing found in time (the output
still says which); 2 bad input, with one line on stderr naming the item.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import NoReturn

from .dzn import load_dzn
from .engine import solve
from .errors import SolverError
from .problem import Problem
from .result import Result, Schedule


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        raise _Usage(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="matchmaker schedule", description="Schedule B2B meetings.")
    p.add_argument("problem", nargs="?", help="problem JSON file (see docs/solver.md)")
    p.add_argument("--dzn", help="a benchmark .dzn file instead of a problem JSON")
    p.add_argument("--objective", choices=("breaks", "meetings"), default="breaks")
    p.add_argument("--fairness", type=int, default=None, help="max breaks - min breaks")
    p.add_argument("--out", required=True, help="where to write the schedule JSON")
    p.add_argument("--time-limit", type=float, default=10.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--previous", help="an earlier schedule JSON: keep what can stay")
    return p


def _read_json(path: str) -> object:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise SolverError(f"cannot read {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if hasattr(exc, "lineno") else ""
        raise SolverError(f"{path}: not valid JSON{where}") from None


def dzn_output(problem: Problem, result: Result) -> dict:
    """The benchmark output: 1-based meeting rows, slots and tables."""
    meetings = [
        {"meeting": int(pm.meeting), "slot": int(pm.slot), "table": int(pm.table)}
        for pm in result.placed
    ]
    return {
        "status": result.status,
        "meetings": meetings,
        "held": len(meetings),
        "breaks": sum(result.breaks.values()) if result.placed else None,
        "bound": result.bound,
        "objective": result.objective,
        "seconds": round(result.seconds, 3),
    }


def _process_age() -> float:
    """Seconds since this process started (interpreter start-up and imports included), so
    --time-limit bounds the whole command, not just the search. 0 where unknown."""
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


# Writing the output and exiting after the search.
_RESERVE = 0.15
# A process older than this when the command starts is a long-lived host (a test run, a
# worker) calling `main`, not `matchmaker schedule` starting up: its age is not start-up.
_STARTUP_MAX = 5.0


def _budget(limit: float, entered: float | None = None, age: float | None = None) -> float:
    """What is left of --time-limit for `solve`: minus the interpreter's start-up when this
    process was started for the command, minus the time since `entered` (monotonic, when
    `main` began), minus a reserve for writing out."""
    now = time.monotonic()
    entered = now if entered is None else entered
    age = _process_age() - (now - entered) if age is None else age
    startup = age if age <= _STARTUP_MAX else 0.0
    return max(0.1, limit - startup - (now - entered) - _RESERVE)


def run(args: argparse.Namespace, entered: float | None = None, age: float = 0.0) -> int:
    """The command; `entered` (monotonic) and `age` (the process's age then) say when it
    started, so --time-limit covers all of it."""
    entered = time.monotonic() if entered is None else entered
    if args.time_limit <= 0:
        raise SolverError("--time-limit must be positive")
    if args.workers < 1:
        raise SolverError("--workers must be at least 1")
    if args.fairness is not None and args.fairness < 0:
        raise SolverError("--fairness must be 0 or more")
    if args.dzn:
        if args.problem:
            raise SolverError("give either PROBLEM.json or --dzn, not both")
        required = args.objective == "breaks"
        problem = load_dzn(args.dzn, required=required, fairness=args.fairness)
        phases = ("breaks",) if required else ("weight", "breaks")
        result = solve(
            problem,
            time_limit=_budget(args.time_limit, entered, age),
            workers=args.workers,
            seed=args.seed,
            phases=phases,
            explain=False,
        )
        out = dzn_output(problem, result)
    else:
        if not args.problem:
            raise SolverError("give a PROBLEM.json file or --dzn FILE.dzn")
        problem = Problem.from_dict(_read_json(args.problem))
        previous = None
        if args.previous:
            previous = Schedule.from_dict(_read_json(args.previous))
            for row in previous.meetings:
                if row.meeting not in problem.meeting_index:
                    continue  # cancelled since: fine, it just drops out
        result = solve(
            problem,
            time_limit=_budget(args.time_limit, entered, age),
            workers=args.workers,
            seed=args.seed,
            previous=previous,
        )
        out = result.to_dict()
    try:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)
            fh.write("\n")
    except OSError as exc:
        raise SolverError(f"cannot write {args.out}: {exc.strerror}") from None
    return 0 if result.status in ("optimal", "feasible") else 1


def main(argv: list[str]) -> int:
    """Run the CLI; returns the exit code (2 with one stderr line on bad input)."""
    entered, age = time.monotonic(), _process_age()
    try:
        return run(_parser().parse_args(argv), entered, age)
    except (_Usage, SolverError) as exc:
        print(f"matchmaker schedule: error: {exc}", file=sys.stderr)
        return 2


def run_process(argv: list[str]) -> NoReturn:
    """Run the command as its own process and end that process at once.

    The normal interpreter teardown after a CP-SAT search took 0.5-0.7 s on the 2-core
    machine (measured on forum-13.forb0007 and forum-14.fixed020-Forb, Track B, 10 s limit),
    time the user waits for nothing and that --time-limit cannot budget. Ending with
    `os._exit` also lets the race leave a slow-to-stop core search behind
    (race.LEAVE_CORE_RUNNING), which a normal exit would turn into a C++ abort. The
    schedule file is closed by then; only the standard streams need flushing.
    """
    from . import race

    race.LEAVE_CORE_RUNNING = True
    code = main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run_process(sys.argv[1:])
