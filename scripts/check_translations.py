"""Fail when the Korean catalog misses a string of the code or has an untranslated entry.

Runs `makemessages` into a throw-away template, then `msgcmp` (GNU gettext) checks that every
string of the code is in the catalog, and `msgfmt --statistics` that all of them are translated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "sangdam" / "locale" / "ko" / "LC_MESSAGES" / "django.po"
IGNORES = [".venv", "node_modules", "var", "tests", "bench", "sangdam/scheduling", "staticfiles"]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        backup = Path(folder) / "django.po"
        shutil.copy2(CATALOG, backup)
        template = CATALOG.parent.parent.parent / "django.pot"
        try:
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    "-l",
                    "ko",
                    "--keep-pot",
                    "--no-location",
                ]
                + [f"--ignore={path}" for path in IGNORES],
                cwd=ROOT,
                check=True,
                capture_output=True,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
            )
            shutil.copy2(template, Path(folder) / "django.pot")
        finally:
            shutil.copy2(backup, CATALOG)
            template.unlink(missing_ok=True)
        compared = subprocess.run(
            ["msgcmp", "--use-untranslated", str(CATALOG), str(Path(folder) / "django.pot")],
            capture_output=True,
            text=True,
        )
    stats = subprocess.run(
        ["msgfmt", "--statistics", "--check", "-o", os.devnull, str(CATALOG)],
        capture_output=True,
        text=True,
    )
    problems = []
    if compared.returncode != 0:
        problems.append("Strings in the code but not in the Korean catalog (run `make messages`):")
        problems.append(compared.stderr.strip())
    if stats.returncode != 0 or "untranslated" in stats.stderr or "fuzzy" in stats.stderr:
        problems.append("The Korean catalog is incomplete: " + stats.stderr.strip())
    if problems:
        print("\n".join(problems))
        return 1
    print("Korean catalog complete: " + stats.stderr.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
