"""CI: the README's quick start, typed as a new user types it, in a new folder.

The clone step clones this checkout (the commit under test) instead of GitHub's copy; every other
command is the README's own. The check must print what the README shows, with exit status 1.
Run it with the Python the quick start should work on: `python3 .ci/quick_start.py`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def main() -> int:
    section = README[README.index("## Quick start") : README.index("### Start on your own")]
    setup, check, _tests = re.findall(r"```console\n(.*?)```", section, flags=re.DOTALL)
    expected = re.findall(r"```text\n(.*?)```", section, flags=re.DOTALL)[0]
    setup = setup.replace(
        "https://github.com/bia-hooks/bia-hooks", f"{PROJECT.as_uri()} bia-hooks", 1
    )
    script = f'set -e\n{setup}set +e\n{check}echo "exit status $?"\n'
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, text=True)
    print(done.stderr[-3000:], file=sys.stderr)
    out = done.stdout
    if not out.endswith(expected + "exit status 1\n"):
        print(f"The quick start printed:\n{out[-5000:]}\nThe README shows:\n{expected}")
        return 1
    print("The README's quick start works: the check printed what the README shows.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
