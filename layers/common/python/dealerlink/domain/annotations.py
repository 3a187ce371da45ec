"""Photo annotation (F-4.3): the shapes a person draws on a photo, as the app sends them.

Coordinates are RELATIVE, 0..1 of the oriented image's width (x) and height (y), so one
list of shapes fits the original, every rendition and any future resolution. A stroke is
relative to the image width, so lines keep their weight at every size. The media function
draws them (``dealerlink.adapters.imaging.annotate``) onto the original each time, so undo
is "send the list without the last shape" and JPEG loss never compounds.

Shapes: ``rect`` and ``ellipse`` by their box; ``circle`` by centre and radius (relative to
the width) because a circle tool gives exactly that, and a true circle as an ``ellipse``
would need the app to work out the image's aspect ratio; ``path`` for free drawing.
Boxes must lie inside the image; a circle may reach past an edge (it is clipped when drawn).

Pure pydantic: the API validates shapes with it, so nothing here imports Pillow.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from dealerlink.domain.validation import parse
from dealerlink.errors import ValidationError

MAX_SHAPES = 100
MAX_POINTS = 2000  # in one path
MAX_TOTAL_POINTS = 10_000  # in all paths: bounds the drawing time and the stored JSON (~200 KB)
DEFAULT_COLOR = "#FF3B30"  # a red that stands out on car paint, tyres and engine bays alike
DEFAULT_STROKE = 0.006  # of the width: ~8 px on a 1280 px rendition, ~24 px on a 12 MP photo
_EDGE_TOLERANCE = 1e-6  # floating-point slack when x + width lands on 1.0

# Strict floats: JSON numbers only (ints welcome), no "0.5" strings, no booleans, no NaN.
Unit = Annotated[float, Field(ge=0, le=1, strict=True, allow_inf_nan=False)]
Extent = Annotated[float, Field(gt=0, le=1, strict=True, allow_inf_nan=False)]
Color = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
Stroke = Annotated[float, Field(ge=0.001, le=0.03, strict=True, allow_inf_nan=False)]  # 4 to 120 px at 4000


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    color: Color = DEFAULT_COLOR
    stroke: Stroke = DEFAULT_STROKE


class _Boxed(_Shape):
    """A shape drawn inside the box (x, y, width, height), which must lie within the image."""

    x: Unit
    y: Unit
    width: Extent
    height: Extent

    @field_validator("width", "height")
    @classmethod
    def _inside_the_image(cls, extent: float, info: ValidationInfo) -> float:
        origin = info.data.get("x" if info.field_name == "width" else "y")
        if origin is not None and origin + extent > 1 + _EDGE_TOLERANCE:
            raise ValueError(f"the shape reaches past the image's edge ({origin} + {extent} > 1)")
        return extent


class Rect(_Boxed):
    type: Literal["rect"] = "rect"


class Ellipse(_Boxed):
    type: Literal["ellipse"] = "ellipse"


class Circle(_Shape):
    """Centre (cx, cy) relative to width and height; radius ``r`` relative to the width."""

    type: Literal["circle"] = "circle"
    cx: Unit
    cy: Unit
    r: Extent


class Path(_Shape):
    """Free drawing: a polyline through ``points`` (x, y), in the order they were drawn."""

    type: Literal["path"] = "path"
    points: list[tuple[Unit, Unit]] = Field(min_length=2, max_length=MAX_POINTS)


# The discriminated union, for API request models that embed shapes.
Shape = Annotated[Rect | Ellipse | Circle | Path, Field(discriminator="type")]

_MODELS: dict[str, type[Rect | Ellipse | Circle | Path]] = {
    "rect": Rect,
    "ellipse": Ellipse,
    "circle": Circle,
    "path": Path,
}


class _Shapes(BaseModel):
    model_config = ConfigDict(defer_build=True)

    shapes: list[dict[str, Any]] = Field(max_length=MAX_SHAPES)


def parse_shapes(raw: object) -> list[Shape]:
    """The shapes of one annotation, or ValidationError naming the field, e.g. ``shapes.2.points``.

    Each shape is validated by the model its ``type`` names, rather than through the tagged
    union, whose errors would name the tag too (``shapes.2.path.points``).
    """
    items = parse(_Shapes, {"shapes": raw}).shapes
    shapes = [parse(_model_for(item, index), item, prefix=f"shapes.{index}") for index, item in enumerate(items)]
    if sum(len(shape.points) for shape in shapes if isinstance(shape, Path)) > MAX_TOTAL_POINTS:
        raise ValidationError(f"shapes: more than {MAX_TOTAL_POINTS} points in all", field="shapes", code="invalid")
    return shapes


def _model_for(item: dict[str, Any], index: int) -> type[Rect | Ellipse | Circle | Path]:
    kind = item.get("type")
    model = _MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        field = f"shapes.{index}.type"
        raise ValidationError(f"{field}: must be one of {', '.join(_MODELS)}", field=field, code="invalid")
    return model
