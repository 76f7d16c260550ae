"""Lexicons: the built-in data files, and user files that extend them."""

from __future__ import annotations

from pathlib import Path

import pytest

from compare.config import load_settings
from compare.errors import ConfigError
from compare.lexicons import Lexicons, load_lexicons


@pytest.fixture(scope="module")
def lex() -> Lexicons:
    return load_lexicons()


def measure(lexicons: Lexicons, name: str):
    found = [m for m in lexicons.measures if m.name == name]
    assert len(found) == 1, f"measure {name} appears {len(found)} times"
    return found[0]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- built-in -------------------------------------------------------------------------------

def test_lexicons_builtin_measures_exist(lex: Lexicons) -> None:
    names = lex.measure_names()
    assert {"troops", "deaths", "injured", "drones", "missiles", "displaced"} <= set(names)
    assert len(names) == len(set(names))
    assert names.index("deaths") < names.index("injured")  # lexicon order is kept


def test_lexicons_builtin_measure_words(lex: Lexicons) -> None:
    troops = measure(lex, "troops")
    assert {"troop", "soldier", "force"} <= troops.nouns
    deaths = measure(lex, "deaths")
    assert {"death", "fatality"} <= deaths.nouns
    assert {"kill", "die"} <= deaths.predicates
    assert "dead" in deaths.adjectives
    injured = measure(lex, "injured")
    assert {"injure", "wound"} <= injured.predicates
    assert "wounded" in injured.adjectives
    assert all(noun == noun.lower() for m in lex.measures for noun in m.nouns)


def test_lexicons_builtin_generic_nouns(lex: Lexicons) -> None:
    assert {"people", "civilian"} <= lex.generic_nouns
    assert "soldier" not in lex.generic_nouns


def test_lexicons_builtin_naming_variants(lex: Lexicons) -> None:
    assert lex.naming["Kiev"] == "Kyiv"
    assert lex.naming["Kyiv"] == "Kyiv"
    assert lex.naming["Donbass"] == "Donbas"
    assert lex.naming["Zelenskyy"] == "Zelensky"
    # every canonical name is one of its own spellings
    assert all(lex.naming[canonical] == canonical for canonical in set(lex.naming.values()))


def test_lexicons_builtin_reporting_verbs(lex: Lexicons) -> None:
    assert lex.reporting_verbs["say"] == "neutral"
    assert lex.reporting_verbs["claim"] == "hedge"
    assert lex.reporting_verbs["confirm"] == "assert"
    assert lex.reporting_phrases["according to"] == "neutral"
    assert "call" in lex.quote_verbs and "call" not in lex.reporting_verbs


def test_lexicons_builtin_units_hedges_and_loaded_terms(lex: Lexicons) -> None:
    assert lex.unit_prefix["$"] == "USD"
    assert lex.unit_prefix["€"] == "EUR"
    assert lex.unit_suffix["per cent"] == "%"
    assert lex.unit_suffix["kilometres"] == "km"
    assert {"allegedly", "reportedly", "unconfirmed"} <= lex.hedges
    assert lex.loaded["regime"] == "government"


@pytest.mark.parametrize(("lemma", "classes"), [
    ("send", {"deploy", "attack"}),  # troops are sent, and so are drones
    ("deploy", {"deploy"}),
    ("fire", {"attack"}),
    ("kill", {"kill"}),
    ("leave", {"kill", "displace"}),  # a verb can be in more than one class
    ("destroy", {"intercept", "damage"}),
    ("paint", {"paint"}),  # in no class: its own class
    ("record", set()),  # reports a figure: no class
    ("rise", set()),  # "rose to 24" states a level: no class
    ("pass", set()),  # "passed 2,000": no class
    (None, set()),
    ("", set()),
])
def test_lexicons_predicate_class(lex: Lexicons, lemma: str | None, classes: set[str]) -> None:
    assert lex.predicate_class(lemma) == frozenset(classes)


def test_lexicons_predicate_classes_compare_verbs(lex: Lexicons) -> None:
    # "sent 1,500 troops" and "10,000 soldiers being prepared" speak of the same happening
    assert lex.predicate_class("send") & lex.predicate_class("prepare")
    assert not lex.predicate_class("send") & lex.predicate_class("kill")


def test_lexicons_load_is_cached(lex: Lexicons) -> None:
    assert load_lexicons() is lex


# -- user files -----------------------------------------------------------------------------

USER_LEXICON = """
[measures.evacuated_pets]
nouns = ["Pet", "dog", "cat"]
predicates = ["rescue", "rehome"]

[measures.troops]
nouns = ["legionnaire", "Guardsman"]

[naming.Chisinau]
variants = ["Chisinau", "Kishinev"]

[naming.Kyiv]
variants = ["Kyjiw"]

[verbs]
concede = "assert"
say = "neutral"

[classes]
deploy = ["airlift"]
rescue = ["rescue", "rehome"]
"""


@pytest.fixture()
def user_lex(tmp_path: Path) -> Lexicons:
    return load_lexicons((write(tmp_path / "mine.toml", USER_LEXICON),))


def test_lexicons_user_file_adds_a_measure(user_lex: Lexicons) -> None:
    pets = measure(user_lex, "evacuated_pets")
    assert pets.nouns == frozenset({"pet", "dog", "cat"})
    assert pets.predicates == frozenset({"rescue", "rehome"})
    # new classes come after the built-in ones, which keep their order
    builtin = load_lexicons().measure_names()
    assert user_lex.measure_names() == builtin + ["evacuated_pets"]


def test_lexicons_user_file_adds_nouns_to_a_measure(user_lex: Lexicons) -> None:
    troops = measure(user_lex, "troops")
    assert {"legionnaire", "guardsman"} <= troops.nouns
    assert {"troop", "soldier", "force"} <= troops.nouns  # the built-in nouns stay
    # other measures are untouched
    assert measure(user_lex, "deaths") == measure(load_lexicons(), "deaths")


def test_lexicons_user_file_adds_naming_variants(user_lex: Lexicons) -> None:
    assert user_lex.naming["Kishinev"] == "Chisinau"
    assert user_lex.naming["Chisinau"] == "Chisinau"
    assert user_lex.naming["Kyjiw"] == "Kyiv"
    assert user_lex.naming["Kiev"] == "Kyiv"  # built-in variants are kept


def test_lexicons_user_file_adds_verbs_and_predicate_classes(user_lex: Lexicons) -> None:
    assert user_lex.reporting_verbs["concede"] == "assert"
    assert user_lex.reporting_verbs["claim"] == "hedge"
    assert user_lex.predicate_class("airlift") == frozenset({"deploy"})
    assert user_lex.predicate_class("send") == frozenset({"deploy", "attack"})
    assert user_lex.predicate_class("rescue") == frozenset({"rescue"})


def test_lexicons_user_file_overrides_a_value(tmp_path: Path) -> None:
    path = write(tmp_path / "stance.toml", '[verbs]\nclaim = "neutral"\n\n[prefix]\n"$" = "CAD"\n')
    lexicons = load_lexicons((path,))
    assert lexicons.reporting_verbs["claim"] == "neutral"
    assert lexicons.unit_prefix["$"] == "CAD"
    assert load_lexicons().reporting_verbs["claim"] == "hedge"  # the built-in lexicon is unchanged


def test_lexicons_user_files_apply_in_order(tmp_path: Path) -> None:
    first = write(tmp_path / "a.toml", '[verbs]\nmutter = "hedge"\n\n[measures.pets]\nnouns = ["dog"]\n')
    second = write(tmp_path / "b.toml", '[verbs]\nmutter = "neutral"\n\n[measures.pets]\nnouns = ["cat"]\n')
    lexicons = load_lexicons((first, second))
    assert lexicons.reporting_verbs["mutter"] == "neutral"
    assert measure(lexicons, "pets").nouns == frozenset({"dog", "cat"})


def test_lexicons_from_config_file(tmp_path: Path) -> None:
    (tmp_path / "lex").mkdir()
    write(tmp_path / "lex" / "mine.toml", USER_LEXICON)
    config = write(tmp_path / "compare.toml", 'lexicons = ["lex/mine.toml"]\n')
    lexicons = load_lexicons(load_settings(config).extra_lexicons)
    assert lexicons.naming["Kishinev"] == "Chisinau"


def test_lexicons_missing_user_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_lexicons((missing,))
    assert str(missing) in str(caught.value)
    assert caught.value.exit_code == 2


def test_lexicons_invalid_user_file_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", "[measures.pets\nnouns = [\"dog\"\n")
    with pytest.raises(ConfigError, match="bad.toml"):
        load_lexicons((path,))


def test_lexicons_undecodable_user_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'[verbs]\n"d\xe9clare" = "neutral"\n')
    with pytest.raises(ConfigError):
        load_lexicons((path,))


def test_lexicons_folder_as_user_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_lexicons((tmp_path,))


@pytest.mark.parametrize("text", [
    'measures = ["pets"]\n',
    '[measures.pets]\nnouns = "dog"\n',
    '[measures.troops]\nnouns = "legionnaire"\n',
    '[naming.Chisinau]\nvariants = "Kishinev"\n',
    '[verbs]\nconcede = ["assert"]\n',
    'classes = "deploy"\n',
])
def test_lexicons_badly_shaped_user_file_is_a_config_error(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "shape.toml", text)
    with pytest.raises(ConfigError, match="shape.toml"):
        load_lexicons((path,))


def test_lexicons_generic_nouns_that_count_the_same_people(lex: Lexicons) -> None:
    assert lex.generic_same["staff"] == lex.generic_same["employee"] == lex.generic_same["worker"] == "worker"
    assert "soldier" not in lex.generic_same


def test_lexicons_generic_same_must_be_lists_of_words(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[generic]\nsame = ["worker", "staff"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="same must be a list of lists of words"):
        load_lexicons((bad,))


def test_lexicons_user_groups_of_generic_nouns_add_to_the_builtin_ones(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text('[generic]\nsame = [["medic", "paramedic"]]\n', encoding="utf-8")
    lex = load_lexicons((extra,))
    assert lex.generic_same["paramedic"] == "medic" and lex.generic_same["staff"] == "worker"
