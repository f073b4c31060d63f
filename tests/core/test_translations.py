"""French, Dutch and English ship complete: every string in the code is in each catalogue, translated."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["fr", "nl", "en"]
SOURCE_DIRS = ["config", "core", "prisons", "activities", "surveys", "screening", "enrolment",
               "scheduling", "templates"]

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools not installed")


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """Extract the strings the code uses now into a .pot, in a copy of the tree."""
    copy = tmp_path_factory.mktemp("tree")
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--keep-pot", "--no-obsolete", "-v0"],
        cwd=copy, check=True, env={"PATH": "/usr/bin:/bin", "RELAIS_VAR_DIR": str(copy / "var")},
    )
    return copy / "locale" / "django.pot"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_string_of_the_code(fresh_template, language):
    catalogue = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgcmp", "--use-untranslated", str(catalogue), str(fresh_template)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_catalogue_is_fully_translated(language):
    catalogue = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
