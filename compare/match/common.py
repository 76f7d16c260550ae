"""What every kind of discrepancy shares: a stable id and the row written to `discrepancies`."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Iterable


def discrepancy(event_id: str, kind: str, *, severity: float, summary: str, measure: str | None,
                claim_ids: Iterable[str] = (), quote_ids: Iterable[str] = (),
                article_ids: Iterable[str] = (), details: dict[str, Any] | None = None,
                key: str | None = None) -> dict[str, Any]:
    """A discrepancy row; its id is a hash of the event, the kind and what it is about."""
    claims = sorted(set(claim_ids))
    quotes = sorted(set(quote_ids))
    articles = sorted(set(article_ids))
    basis = key if key is not None else "|".join(claims + quotes) or "|".join(articles)
    digest = hashlib.sha1(f"{event_id}|{kind}|{basis}".encode()).hexdigest()[:16]
    return {
        "id": digest, "event_id": event_id, "kind": kind, "severity": round(min(max(severity, 0.0), 1.0), 3),
        "summary": summary, "measure": measure, "claim_ids": claims, "quote_ids": quotes,
        "article_ids": articles, "details": json.dumps(details or {}, sort_keys=True),
    }


def words(text: str) -> list[str]:
    """The words of a text for comparison: lower case, no punctuation."""
    return re.findall(r"[\w'’-]+", text.lower().replace("’", "'"))


def word_diff(old: str, new: str) -> list[list[str]]:
    """Word-level edits from old to new as [op, text] pairs: op is '=', '-' or '+'."""
    import difflib

    a, b = old.split(), new.split()
    out: list[list[str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(["=", " ".join(a[i1:i2])])
        if op in ("delete", "replace"):
            out.append(["-", " ".join(a[i1:i2])])
        if op in ("insert", "replace"):
            out.append(["+", " ".join(b[j1:j2])])
    return out


def outlet_list(names: Iterable[str]) -> str:
    """'A', 'A and B', or 'N outlets'."""
    names = sorted(set(names))
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{len(names)} outlets"


def verb(names: Iterable[str], plural: str, singular: str) -> str:
    """The verb form agreeing with an outlet list: 'leave' for several, 'leaves' for one."""
    return singular if len(set(names)) == 1 else plural
