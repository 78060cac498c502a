"""Imports and calls from Python code and notebooks: aliases, traps, magics, line numbers."""

from __future__ import annotations

import json

from mlops_scorecard.evidence.python_code import Call, notebook_facts, python_facts

SOURCE = '''\
"""import mlflow in a docstring does not count."""
import numpy as np
import a.b.c
import torch, random
from mlflow import log_metric as lm
from mlflow.tracking import MlflowClient
from . import sibling
from .models import Net
# import wandb
TEXT = "import wandb; wandb.init()"


def train(model):
    import sklearn.model_selection as ms
    np.random.seed(42)
    a.b.c.run()
    lm("loss", 0.1)
    client = MlflowClient()
    client.create_registered_model("m")
    MlflowClient().log_model(model)
    ms.train_test_split([1], [2], test_size=0.2, random_state=-1, shuffle=None)
    torch.manual_seed(seed=0)
    random.seed(*[1])
    fn = lambda: 1
    fn()
    (lambda: 2)()
    return Net()


@flow
@pytest.fixture(scope="session")
def pipeline():
    pass
'''


def test_imports_resolve_aliases_and_skip_relative() -> None:
    facts = python_facts(SOURCE)
    assert facts.error is None
    assert facts.imports == [
        ("numpy", 2),
        ("a.b.c", 3),
        ("torch", 4),
        ("random", 4),
        ("mlflow.log_metric", 5),
        ("mlflow.tracking.MlflowClient", 6),
        ("sklearn.model_selection", 14),
    ]
    assert not any("wandb" in name for name, _ in facts.imports)


def test_calls_resolve_aliases_methods_and_constants() -> None:
    calls = {(c.name, c.line): c for c in python_facts(SOURCE).calls}
    assert ("numpy.random.seed", 15) in calls
    assert ("a.b.c.run", 16) in calls
    assert calls[("mlflow.log_metric", 17)].positional == 2
    assert ("mlflow.tracking.MlflowClient", 18) in calls
    assert ("*.create_registered_model", 19) in calls
    assert ("*.log_model", 20) in calls
    split = calls[("sklearn.model_selection.train_test_split", 21)]
    assert split == Call(
        "sklearn.model_selection.train_test_split",
        21,
        positional=2,
        constant_keywords=("test_size", "random_state"),
    )
    assert calls[("torch.manual_seed", 22)].constant_keywords == ("seed",)
    assert calls[("random.seed", 23)].positional == 1
    assert ("fn", 25) in calls
    assert ("Net", 27) in calls  # a relative import's name stays as written
    assert ("flow", 30) in calls  # a decorator is a call
    assert ("*.fixture", 31) in calls  # pytest is not imported: an object's method
    assert not any("wandb" in name for name, _ in calls)
    assert len([c for c in calls if c[1] == 26]) == 0  # a lambda called has no name


def test_import_module_with_a_literal_is_an_import() -> None:
    facts = python_facts("import importlib\nimportlib.import_module('dvc.api')\n__import__('mlflow')\n")
    assert ("dvc.api", 2) in facts.imports
    assert ("mlflow", 3) in facts.imports


def test_python2_is_an_error_and_gives_nothing() -> None:
    facts = python_facts("import mlflow\nprint 'hello'\n")
    assert facts.imports == []
    assert facts.calls == []
    assert facts.error is not None
    assert facts.error.startswith("line 2:")
    assert python_facts("x = 1\0\n").error is not None


def test_a_large_file_parses() -> None:
    text = "import mlflow\n" + "x = mlflow.log_metric('a', 1)\n" * 70_000  # about 2 MB
    assert len(text) > 1_900_000
    facts = python_facts(text)
    assert len(facts.calls) == 70_000
    assert facts.calls[-1].line == 70_001


def cell(kind: str, source: str | list[str]) -> dict[str, object]:
    """A notebook cell."""
    return {"cell_type": kind, "metadata": {}, "source": source, "outputs": [], "execution_count": None}


def notebook(cells: list[dict[str, object]], language: str = "python") -> str:
    """A notebook as nbformat writes it: indent 1, one source line per list item."""
    meta = {"kernelspec": {"name": "python3", "language": language, "display_name": "Python 3"}}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the file ``needle`` first appears on."""
    return text[: text.index(needle)].count("\n") + 1


def test_notebook_code_cells_only_with_file_lines() -> None:
    text = notebook(
        [
            cell("markdown", ["import mlflow\n", "mlflow.autolog()"]),
            cell("raw", "import wandb"),
            cell(
                "code",
                [
                    "%matplotlib inline\n",
                    "!pip install mlflow\n",
                    "files = !ls\n",
                    "np?\n",
                    "import numpy as np\n",
                    "np.random.seed(0)\n",
                    "%time import torch",
                ],
            ),
            cell("code", "import sklearn as sk\nsk.set_config()\n"),
        ]
    )
    facts = notebook_facts(text)
    assert facts.error is None
    line = line_of(text, '"import sklearn')
    assert facts.imports == [("numpy", line_of(text, '"import numpy as np')), ("sklearn", line)]
    assert [(c.name, c.line) for c in facts.calls] == [
        ("numpy.random.seed", line_of(text, '"np.random.seed')),
        ("sklearn.set_config", line),  # one string: every line is on its line
    ]


def test_notebook_markdown_only_mlflow_gives_nothing() -> None:
    text = notebook([cell("markdown", "```python\nimport mlflow\n```"), cell("code", "x = 1")])
    facts = notebook_facts(text)
    assert (facts.imports, facts.calls, facts.error) == ([], [], None)


def test_notebook_cell_magics() -> None:
    text = notebook(
        [
            cell("code", ["%%bash\n", "import mlflow\n"]),
            cell("code", ["%%time\n", "import wandb\n"]),
            cell("code", ["%%writefile train.py\n", "import dvc.api\n"]),
            cell("code", ["%%writefile notes.txt\n", "import neptune\n"]),
        ]
    )
    assert [name for name, _ in notebook_facts(text).imports] == ["wandb", "dvc.api"]


def test_notebook_bad_cell_is_left_out_others_count() -> None:
    text = notebook([cell("code", ["print 'py2'\n"]), cell("code", ["import mlflow\n"])])
    facts = notebook_facts(text)
    assert facts.imports == [("mlflow", line_of(text, '"import mlflow'))]
    assert facts.error is not None
    assert facts.error.startswith("cells left out: cell 1")


def test_notebook_not_json_not_python_and_nbformat3() -> None:
    bad = notebook_facts('{"cells": [\n  {"cell_type": "code", "source": "import mlflow"\n')
    assert bad.imports == []
    assert bad.error is not None
    assert "not valid JSON" in bad.error
    assert notebook_facts("[1, 2]").error == "not a notebook (no cells)"
    r_notebook = notebook_facts(notebook([cell("code", "library(mlflow)")], language="R"))
    assert r_notebook.error is not None
    assert "language is r," in r_notebook.error
    v3 = json.dumps(
        {"worksheets": [{"cells": [{"cell_type": "code", "input": ["import mlflow\n"]}]}], "nbformat": 3},
        indent=1,
    )
    assert notebook_facts(v3).imports == [("mlflow", line_of(v3, '"import mlflow'))]


def test_notebook_magics_inside_blocks_and_automagic() -> None:
    text = notebook(
        [
            cell("code", ["if True:\n", "    !pip install mlflow\n", "import wandb\n"]),
            cell("code", ["pip install dvc\n", "!pip install a \\\n", "        b\n", "import mlflow\n"]),
            cell("code", ["pip = 3\n", "cd = pip + 1\n"]),
        ]
    )
    facts = notebook_facts(text)
    assert facts.error is None
    assert [name for name, _ in facts.imports] == ["wandb", "mlflow"]


def test_comments_and_strings_never_count() -> None:
    facts = python_facts(
        '# import mlflow\nx = "import mlflow"\ny = """\nimport mlflow\nmlflow.log_metric()\n"""\n'
    )
    assert (facts.imports, facts.error) == ([], None)
    assert not any("mlflow" in c.name for c in facts.calls)
