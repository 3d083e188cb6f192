"""Same-run comparison of ``dpo-mixture check`` at two commits, with ``import sympy`` beside them.

Usage: python benchmarks/bench_ab.py REVISION [--repeat N]
A worktree of REVISION is made in a temporary folder (the working tree is the other side), the
bytecode of both is written first, and the three commands take turns in every round, so that a
slow minute of the machine weighs on each alike.  Prints the median wall time and the median CPU
time of both processes of each, and each check's ratio to ``import sympy``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revision", help="the commit to compare the working tree with")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "other"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(other), args.revision],
                       check=True)
        # with PYTHONPATH=src the derivations (installed as dpo_mixture.derivations) need a link
        links = [where / "src" / "dpo_mixture" / "derivations" for where in (other, ROOT)]
        made = [link for link in links if not link.exists()]
        try:
            for link in made:
                link.symlink_to(link.parent.parent.parent / "derivations")
            sides = {"import sympy": None, args.revision: other, "working tree": ROOT}
            for where in (other, ROOT):
                compileall.compile_dir(str(where / "src"), quiet=1)
                compileall.compile_dir(str(where / "derivations"), quiet=1)
            walls: dict = {name: [] for name in sides}
            cpus: dict = {name: [] for name in sides}
            for _ in range(args.repeat):
                for name, where in sides.items():
                    env = dict(os.environ)
                    if where is None:
                        cmd = [sys.executable, "-c", "import sympy"]
                    else:
                        cmd = [sys.executable, "-m", "dpo_mixture", "check"]
                        env["PYTHONPATH"] = str(where / "src")
                    wall, cpu = _timed(cmd, env)
                    walls[name].append(wall)
                    cpus[name].append(cpu)
        finally:
            for link in made:
                if link.is_symlink():
                    link.unlink()
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False)
    base = statistics.median(walls["import sympy"])
    for name in sides:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name:>14}: wall {wall:.3f} s (min {min(walls[name]):.3f}), cpu {cpu:.3f} s, {wall / base:.2f}x import sympy")


if __name__ == "__main__":
    main()
