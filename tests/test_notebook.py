"""notebooks/explore.ipynb runs top to bottom (the shipped model, the seed, every cell)."""

from __future__ import annotations

import warnings

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
    kernel = notebook.metadata.kernelspec.name
    assert kernel == "kg", "the notebook runs on the project's kernel (make install makes it)"
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel)
    except NoSuchKernel:
        pytest.skip("the 'kg' kernel is not installed here (make install installs it)")
    client = nbclient.NotebookClient(
        notebook, timeout=300, resources={"metadata": {"path": str(path.parent)}}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the notebook's own calls must not warn
        client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(
        str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in outputs
    )
    assert "triples" in text and "entities" in text
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "<iframe" in html  # the inline graph view
    streams = "".join(str(o.get("text", "")) for o in outputs if o.output_type == "stream")
    assert "Warning" not in streams, streams  # e.g. IPython's "Consider using IFrame"
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "the centrality chart is drawn"
