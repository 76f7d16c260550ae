"""Grouping items that are linked pairwise: a disjoint-set forest used by every stage that clusters."""

from __future__ import annotations

from typing import Generic, Hashable, Iterable, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSet(Generic[T]):
    """Items joined by `union`; `groups` lists the connected ones, in order of first item."""

    def __init__(self, items: Iterable[T]) -> None:
        self._parent: dict[T, T] = {item: item for item in items}

    def find(self, item: T) -> T:
        """The representative of the group holding `item`."""
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: T, b: T) -> None:
        """Put `a` and `b` in one group."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[rb] = ra

    def same(self, a: T, b: T) -> bool:
        """True when `a` and `b` are in one group."""
        return self.find(a) == self.find(b)

    def groups(self) -> list[list[T]]:
        """Every group, each in the order its items were given, groups by their first item."""
        out: dict[T, list[T]] = {}
        for item in self._parent:
            out.setdefault(self.find(item), []).append(item)
        return list(out.values())
