"""HTML entities in a lens's texts (``&amp;`` in the AutoGluon lens) are decoded on
import; ids and plain ampersands are left as written."""

from __future__ import annotations

from pathlib import Path

from mlops_scorecard.framework.lens import lens_to_framework
from mlops_scorecard.framework.lens_read import decode_entities

LENSES = Path(__file__).parent / "data" / "lenses"


def test_the_autogluon_lens_choice_reads_with_an_ampersand() -> None:
    raw = (LENSES / "sagemaker-autogluon-v1.0.json").read_text()
    assert "training &amp; inference" in raw
    fw = lens_to_framework(raw, source="autogluon.json").framework
    labels = [c.label for _, q in fw.iter_questions("full") for c in q.choices]
    assert any("training & inference" in label for label in labels)
    assert not any("&amp;" in label for label in labels)


def test_only_complete_entities_are_decoded() -> None:
    assert decode_entities("A &lt;b&gt; &#39;c&#x27; &amp;&amp; d") == "A <b> 'c' && d"
    assert decode_entities("R&D, a&notation, &copy 2024, AT&T;") == "R&D, a&notation, &copy 2024, AT&T;"
    assert decode_entities("&nosuchentity;") == "&nosuchentity;"
