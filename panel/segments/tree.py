"""Editing a segment's condition tree by path ("" is the root group, "0.2" its first item's
third item). Pure functions: each returns a new tree and raises SegmentDefinitionError."""

from __future__ import annotations

import copy

from panel.segments.definition import SegmentDefinitionError


def _parse(path: str) -> list[int]:
    try:
        return [int(part) for part in path.split(".")] if path else []
    except ValueError as error:
        raise SegmentDefinitionError("That part of the segment no longer exists") from error


def node_at(tree: dict, path: str) -> dict:
    """The node at the path in a definition tree; raises SegmentDefinitionError if none."""
    node = tree
    for index in _parse(path):
        items = node.get("items") if isinstance(node, dict) else None
        if not isinstance(items, list) or not 0 <= index < len(items):
            raise SegmentDefinitionError("That part of the segment no longer exists")
        node = items[index]
    return node


def _group_at(tree: dict, path: str) -> dict:
    node = node_at(tree, path)
    if node.get("type") != "group":
        raise SegmentDefinitionError("Conditions can only be added to a group")
    return node


def add_item(tree: dict, group_path: str, item: dict) -> dict:
    """A copy of the tree with the item added to the group at the path."""
    new = copy.deepcopy(tree)
    _group_at(new, group_path)["items"].append(item)
    return new


def add_group(tree: dict, group_path: str) -> dict:
    """A copy of the tree with an empty "any of" group added to the group at the path."""
    return add_item(tree, group_path, {"type": "group", "op": "or", "negate": False, "items": []})


def remove(tree: dict, path: str) -> dict:
    """A copy of the tree without the node at the path (never the top group)."""
    parts = _parse(path)
    if not parts:
        raise SegmentDefinitionError("The top group cannot be removed")
    new = copy.deepcopy(tree)
    parent = node_at(new, ".".join(str(p) for p in parts[:-1]))
    node_at(new, path)  # raises if missing
    del parent["items"][parts[-1]]
    return new


def set_op(tree: dict, group_path: str, op: str) -> dict:
    """A copy of the tree with the group's "all"/"any" set."""
    if op not in ("and", "or"):
        raise SegmentDefinitionError("Choose all or any")
    new = copy.deepcopy(tree)
    _group_at(new, group_path)["op"] = op
    return new


def toggle_negate(tree: dict, path: str) -> dict:
    """A copy of the tree with the node's "not" flipped."""
    new = copy.deepcopy(tree)
    node = node_at(new, path)
    node["negate"] = not node.get("negate", False)
    return new


def walk(tree: dict, path: str = "", depth: int = 0):
    """(path, node, depth) for every node, parents first: what the builder page lists."""
    yield path, tree, depth
    if tree.get("type") == "group":
        for index, item in enumerate(tree["items"]):
            yield from walk(item, f"{path}.{index}" if path else str(index), depth + 1)
