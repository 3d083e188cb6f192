"""docs/guide.md runs as written: its files check, its sessions pass as doctests, its commands print what it shows.

The guide is read top to bottom in a scratch directory, the way a reader follows it:

* a ```python block after ``<!-- file: NAME -->`` starts the file NAME, after
  ``<!-- append: NAME -->`` it continues it; a ```python block without either runs as a script;
* a ```pycon block runs as a doctest, in its own interpreter, beside the files written so far;
* a ```console block holds commands (``$ ...``), each followed by its output: the command runs,
  and its output must match the one shown, where ``...`` stands for any text (as in doctest).

``python tests/test_guide.py`` prints what each command prints now, to write the guide from.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide.md"
BLOCK = re.compile(r"(?:<!-- (file|append): ([\w.]+) -->\n)?```(\w+)\n(.*?)^```$", re.S | re.M)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    directive: str = ""
    target: str = ""


def blocks(markdown: str) -> list[Block]:
    return [Block(lang, text, directive or "", target or "") for directive, target, lang, text in BLOCK.findall(markdown)]


def commands(console: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` pairs of a console block."""
    out: list[tuple[str, list[str]]] = []
    for line in console.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        else:
            assert out, f"console output before any command: {line!r}"
            out[-1][1].append(line)
    return [(cmd, "\n".join(lines) + "\n" if lines else "") for cmd, lines in out]


def environment() -> dict:
    """The reader's shell: this interpreter's scripts (``dpo-mixture``, ``python``) first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = "."  # a session or a command imports the files written beside it
    return env


def run_command(command: str, workdir: Path) -> str:
    done = subprocess.run(command, shell=True, cwd=workdir, env=environment(), capture_output=True, text=True,
                          timeout=600)
    return done.stdout + done.stderr


def run_session(text: str, workdir: Path, number: int) -> tuple[bool, str]:
    path = workdir / f"session_{number}.txt"
    path.write_text(text)
    runner = ("import doctest, sys; "
              f"r = doctest.testfile(sys.argv[1], module_relative=False, optionflags={FLAGS}); "
              "sys.exit(1 if r.failed or not r.attempted else 0)")
    done = subprocess.run([sys.executable, "-W", "error", "-c", runner, str(path)], cwd=workdir, env=environment(),
                          capture_output=True, text=True, timeout=600)
    return done.returncode == 0, done.stdout + done.stderr


def matches(expected: str, got: str) -> bool:
    return doctest.OutputChecker().check_output(expected, got, FLAGS)


def test_the_guide_has_only_blocks_the_test_knows():
    found = blocks(GUIDE.read_text())
    assert {b.lang for b in found} <= {"python", "pycon", "console"}
    assert sum(b.lang == "pycon" for b in found) >= 3 and sum(b.lang == "console" for b in found) >= 4
    assert all(b.directive for b in found if b.lang == "python" and b.target)


def test_the_ellipsis_matching_can_fail():
    assert matches("verdict:   proved\nmethod:    ...\n", "verdict:   proved\nmethod:    normal form\n")
    assert not matches("verdict:   proved\nmethod:    ...\n", "verdict:   refuted\nmethod:    search\n")


def test_the_guide_runs_as_written(tmp_path):
    from _need import need

    files: dict[str, str] = {}
    for number, block in enumerate(blocks(GUIDE.read_text())):
        if block.lang == "python":
            if block.directive == "file":
                files[block.target] = block.text
            elif block.directive == "append":
                assert block.target in files, f"append to {block.target} before it was started"
                files[block.target] += "\n" + block.text
            else:
                script = tmp_path / f"script_{number}.py"
                script.write_text(block.text)
                done = subprocess.run([sys.executable, "-W", "error", str(script)], cwd=tmp_path, env=environment(),
                                      capture_output=True, text=True, timeout=600)
                assert done.returncode == 0, done.stderr[-3000:]
            if block.target:
                (tmp_path / block.target).write_text(files[block.target])
        elif block.lang == "pycon":
            ok, output = run_session(block.text, tmp_path, number)
            assert ok, output[-4000:]
        elif block.lang == "console":
            for command, expected in commands(block.text):
                if command.startswith("dpo-mixture build"):
                    need(shutil.which("latexmk") is not None or shutil.which("pdflatex") is not None,
                         "latexmk and pdflatex are not installed (TeX Live): the guide's build prints a PDF")
                got = run_command(command, tmp_path)
                assert matches(expected, got), f"$ {command}\n--- the guide shows:\n{expected}--- it prints:\n{got}"


if __name__ == "__main__":  # print what each command of the guide prints now
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        written: dict[str, str] = {}
        for block in blocks(GUIDE.read_text()):
            if block.lang == "python" and block.target:
                written[block.target] = (written.get(block.target, "") + "\n" + block.text) if block.directive == "append" else block.text
                (work / block.target).write_text(written[block.target])
            elif block.lang == "console":
                for command, _ in commands(block.text):
                    print(f"$ {command}\n{run_command(command, work)}", end="")
