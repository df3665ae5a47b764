"""Every shipped data file is credited with its source and licence (kg/data/LICENSES.md)."""

from __future__ import annotations

import re
from pathlib import Path

import kg

DATA = Path(kg.__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


def _listed() -> dict[str, str]:
    """File → licence, from the table rows of LICENSES.md."""
    listed: dict[str, str] = {}
    for line in (DATA / "LICENSES.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            for name in re.findall(r"`([^`]+)`", cells[0]):
                listed[name] = cells[3]
    return listed


def test_licences_every_shipped_data_file_is_listed() -> None:
    shipped = {
        path.relative_to(DATA).as_posix()
        for path in DATA.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    listed = _listed()
    assert shipped - set(listed) == set(), "add these files to kg/data/LICENSES.md"
    assert set(listed) - shipped == set(), "LICENSES.md lists files that are not shipped"


def test_licences_derived_data_keeps_share_alike_and_code_is_mit() -> None:
    listed = _listed()
    for name in ("ner-crf.crfsuite", "ner/frequency.tsv", "ner/name_cues.tsv"):
        assert listed[name] == "CC BY-SA 4.0"
    assert not any("GPL" in licence for licence in listed.values())
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
