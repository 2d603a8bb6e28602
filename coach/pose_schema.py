"""The JSON Schema of poses (a routine's ``poses:`` and a step's ``figure``).

Built from the same tables as :class:`coach.poses.PoseChecker`. The checker
stays the authority on what a schema cannot say: that a figure names a pose
that exists, that a user's pose does not reuse a built-in name, and that a
prop's box fits inside the frame.
"""

from __future__ import annotations

from typing import Any

from coach import poses as P


def _number(high: float) -> dict[str, Any]:
    return {"type": "number", "minimum": 0, "maximum": high}


def _point(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "array",
        "prefixItems": [_number(P.FRAME_WIDTH), _number(P.FRAME_HEIGHT)],
        "minItems": 2,
        "maxItems": 2,
    }


NAME = {"type": "string", "pattern": P.NAME_PATTERN, "maxLength": P.MAX_NAME}


def figure_schema(most: int = P.MAX_SEQUENCE) -> dict[str, Any]:
    """A step's ``figure``: one pose name, two for a movement, or (``most``
    above two: on an info step) a sequence."""
    return {
        "description": ("The pose drawn for the step (a name), two for a movement ([bridge-down, bridge-up]), "
                        f"or up to {P.MAX_SEQUENCE} for a sequence on an info step (lying down, getting up)."),
        "anyOf": [
            NAME,
            {"type": "array", "items": NAME, "minItems": 1, "maxItems": most},
        ],
    }


def poses_schema() -> dict[str, Any]:
    """A routine's own ``poses``: names to poses."""
    joints = {name: _point(f"Where the {name.replace('_', ' ')} is: [x, y].") for name in P.ALL_JOINTS}
    prop = {
        "type": "object",
        "properties": {
            "prop": {"enum": list(P.PROP_KINDS)},
            "at": _point("The bottom-left corner of the prop's box."),
            "size": {
                "type": "array",
                "prefixItems": [_number(P.FRAME_WIDTH), _number(P.FRAME_HEIGHT)],
                "minItems": 2,
                "maxItems": 2,
            },
            "back": {"enum": list(P.CHAIR_BACKS)},
        },
        "required": ["prop"],
        "additionalProperties": False,
        "if": {"properties": {"prop": {"not": {"const": "floor"}}}},
        "then": {"required": ["prop", "at", "size"]},
        "else": {"maxProperties": 1},
        "allOf": [{
            "if": {"properties": {"prop": {"not": {"const": "chair"}}}},
            "then": {"not": {"required": ["back"]}},
        }],
    }
    pose = {
        "type": "object",
        "description": "A position: named joints and props in the frame (x 0-60, y 0-40 up from the floor).",
        "properties": {
            "description": {"type": "string", "minLength": 1, "maxLength": P.MAX_DESCRIPTION, "pattern": r"^[^\n]*$"},
            "joints": {
                "type": "object",
                "properties": joints,
                "required": list(P.JOINTS),
                "additionalProperties": False,
            },
            "props": {"type": "array", "maxItems": P.MAX_PROPS, "items": {"anyOf": [{"const": "floor"}, prop]}},
        },
        "required": list(P.POSE_KEYS[:2]),
        "additionalProperties": False,
    }
    return {
        "description": "Your own poses, named for the steps' figures.",
        "type": "object",
        "maxProperties": P.MAX_POSES,
        "propertyNames": NAME,
        "additionalProperties": pose,
    }
