"""notebooks/explore.ipynb runs top to bottom (the shipped model, the seed, every cell)."""

from __future__ import annotations

import pytest

from tests.conftest import REPO

nbclient = pytest.importorskip("nbclient", reason="nbclient is a dev dependency")
nbformat = pytest.importorskip("nbformat", reason="nbformat is a dev dependency")


def test_notebook_explore_runs_top_to_bottom() -> None:
    path = REPO / "notebooks" / "explore.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        "commit the notebook with outputs stripped"
    )
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(
        str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in outputs
    )
    assert "triples" in text and "entities" in text
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "<iframe" in html  # the inline graph view
