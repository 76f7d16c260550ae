"""source-compare: how news outlets report the same events, claim by claim.

The stages (ingest, events, extract, match, report) talk through DuckDB tables; `pipeline.run`
runs them all. The spaCy components are registered as `quantity_claims`, `quote_finder`,
`claim_attribution` and `framing_terms`.
"""

from .config import Settings, load_settings
from .errors import CompareError
from .nlp import build_pipeline, load_model
from .pipeline import run

__all__ = ["CompareError", "Settings", "build_pipeline", "load_model", "load_settings", "run"]
