"""The disjoint-set forest behind every clustering step."""

from __future__ import annotations

from compare.groups import DisjointSet


def test_groups_union_joins_transitively_and_keeps_order() -> None:
    linked = DisjointSet(["a", "b", "c", "d", "e"])
    linked.union("a", "c")
    linked.union("c", "e")
    assert linked.same("a", "e") and not linked.same("a", "b")
    assert linked.groups() == [["a", "c", "e"], ["b"], ["d"]]


def test_groups_union_twice_is_harmless() -> None:
    linked = DisjointSet(range(3))
    linked.union(0, 1)
    linked.union(1, 0)
    assert linked.groups() == [[0, 1], [2]]
