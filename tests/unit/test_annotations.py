from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any

import pydantic
import pytest

from dealerlink.domain import annotations as annotation_models
from dealerlink.domain.annotations import (
    DEFAULT_COLOR,
    DEFAULT_STROKE,
    MAX_POINTS,
    MAX_SHAPES,
    MAX_TOTAL_POINTS,
    Circle,
    Ellipse,
    Rect,
    Shape,
    parse_shapes,
)
from dealerlink.domain.annotations import Path as PathShape
from dealerlink.errors import ValidationError

RECT = {"type": "rect", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}
ELLIPSE = {"type": "ellipse", "x": 0.5, "y": 0.5, "width": 0.5, "height": 0.5, "color": "#00ff00", "stroke": 0.01}
CIRCLE = {"type": "circle", "cx": 0.95, "cy": 0.5, "r": 0.2}
PATH = {"type": "path", "points": [[0, 0], [0.5, 0.25], [1, 1]]}


def refused(raw: object) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        parse_shapes(raw)
    return raised.value


def test_rectangles_circles_ellipses_and_free_drawing_are_shapes() -> None:
    shapes = parse_shapes([RECT, ELLIPSE, CIRCLE, PATH])
    assert [type(s) for s in shapes] == [Rect, Ellipse, Circle, PathShape]
    assert shapes[3] == PathShape(points=[(0.0, 0.0), (0.5, 0.25), (1.0, 1.0)])
    assert (shapes[1].color, shapes[1].stroke) == ("#00ff00", 0.01)


def test_shapes_without_colour_or_stroke_get_a_visible_default() -> None:
    rect = parse_shapes([RECT])[0]
    assert (rect.color, rect.stroke) == (DEFAULT_COLOR, DEFAULT_STROKE)


def test_a_circle_may_reach_past_the_edge_but_a_box_may_not() -> None:
    assert parse_shapes([CIRCLE])  # centre 0.95, radius 0.2: clipped when drawn
    error = refused([{**RECT, "x": 0.8, "width": 0.3}])
    assert error.field == "shapes.0.width"
    assert refused([{**RECT, "y": 0.7, "height": 0.31}]).field == "shapes.0.height"


def test_a_box_ending_exactly_on_the_edge_is_inside() -> None:
    rect = parse_shapes([{**RECT, "x": 0.1, "width": 0.9, "y": 0.7, "height": 0.3}])[0]
    assert isinstance(rect, Rect)
    assert math.isclose(rect.x + rect.width, 1)


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        ([RECT, RECT, {"type": "path", "points": [[0.5, 0.5]]}], "shapes.2.points", "invalid"),
        ([{"type": "path", "points": [[0.5, 0.5]] * (MAX_POINTS + 1)}], "shapes.0.points", "invalid"),
        ([{"type": "path", "points": [[0.5, 0.5], [1.5, 0.5]]}], "shapes.0.points.1.0", "invalid"),
        ([PATH, {**RECT, "color": "red"}], "shapes.1.color", "invalid"),
        ([{**RECT, "color": "#ff000"}], "shapes.0.color", "invalid"),
        ([{**RECT, "stroke": 0.2}], "shapes.0.stroke", "invalid"),
        ([{**RECT, "stroke": 0}], "shapes.0.stroke", "invalid"),
        ([{**RECT, "fill": "#ffffff"}], "shapes.0.fill", "unknown_field"),
        ([RECT, {"type": "arrow", "x": 0}], "shapes.1.type", "invalid"),
        ([{"x": 0.1}], "shapes.0.type", "invalid"),
        ([{"type": ["rect"]}], "shapes.0.type", "invalid"),
        ([{**RECT, "x": "0.1"}], "shapes.0.x", "invalid"),
        ([{**RECT, "x": True}], "shapes.0.x", "invalid"),
        ([{**RECT, "x": math.nan}], "shapes.0.x", "invalid"),
        ([{**RECT, "x": -0.1}], "shapes.0.x", "invalid"),
        ([{**RECT, "width": 0}], "shapes.0.width", "invalid"),
        ([{**CIRCLE, "r": 0}], "shapes.0.r", "invalid"),
        ([RECT, "rect"], "shapes.1", "invalid"),
        ({"type": "rect"}, "shapes", "invalid"),
        (None, "shapes", "invalid"),
        ([RECT] * (MAX_SHAPES + 1), "shapes", "invalid"),
        (
            [{"type": "path", "points": [[0.5, 0.5]] * MAX_POINTS}] * (MAX_TOTAL_POINTS // MAX_POINTS + 1),
            "shapes",
            "invalid",
        ),
    ],
)
def test_a_bad_shape_is_one_error_naming_its_field(raw: object, field: str, code: str) -> None:
    error = refused(raw)
    assert (error.field, error.code) == (field, code)
    assert error.message.startswith(f"{field}: ")


def test_no_shapes_is_an_annotation_undone() -> None:
    assert parse_shapes([]) == []


def test_the_tagged_union_validates_shapes_embedded_in_api_models() -> None:
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(list[Shape])
    assert adapter.validate_python([CIRCLE, PATH]) == parse_shapes([CIRCLE, PATH])
    with pytest.raises(pydantic.ValidationError):
        adapter.validate_python([{"type": "arrow"}])


def test_shapes_round_trip_through_json_as_stored() -> None:
    shapes = parse_shapes([RECT, ELLIPSE, CIRCLE, PATH])
    assert parse_shapes([s.model_dump(mode="json") for s in shapes]) == shapes


def test_annotation_models_import_no_image_library() -> None:
    """The API imports this module: Pillow ships with the media function only."""
    tree = ast.parse(Path(annotation_models.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("PIL", "boto3", "pynamodb")}
