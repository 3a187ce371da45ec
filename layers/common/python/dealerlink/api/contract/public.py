"""The customer's routes' contract (F-5.3-F-5.5, F-6.9): what the page's script sends and reads."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, RootModel, StrictBool, StrictInt, StrictStr

from dealerlink.api.contract.common import Body, Money, Out
from dealerlink.domain.interventions import Status
from dealerlink.domain.reminders import ReminderStatus
from dealerlink.domain.validation import NotNull


class AnswersBody(Body):
    """One answer per proposed work: every one, no other."""

    answers: dict[str, StrictBool] = Field(description="each proposed work's id → true (approve) or false (decline)")


class RatingBody(Body):
    stars: StrictInt = Field(ge=1, le=5, description="1 to 5")
    comment: Annotated[StrictStr | None, NotNull] = Field(None, max_length=2000)


class CallbackBody(Body):
    message: Annotated[StrictStr | None, NotNull] = Field(None, max_length=1000, description="when to call, what about")


class BookingBody(Body):
    accepted_work_ids: list[StrictStr] = Field(
        default_factory=list, description="the reminder's works to book for (none: book without choosing)"
    )


class FileStateOut(Out):
    """Where a customer's file stands."""

    status: Status
    version: int
    locked: bool = Field(description="answered or closed: nothing more can be answered")
    answers: dict[str, bool] | None = Field(description="work id → approved, once answered")
    rated: bool
    callback_requested: bool


class AnsweredOut(FileStateOut):
    """An answered file, with the amount its approved works come to."""

    accepted_amount: Money


class ReminderStateOut(Out):
    """Where a customer's reminder stands."""

    status: ReminderStatus
    version: int
    locked: bool = Field(description="answered: no other choice can be made (a callback still can)")
    answers: dict[str, bool] | None = Field(description="work id → accepted, once answered")
    callback_requested: bool


class PageStateOut(RootModel[FileStateOut | ReminderStateOut]):
    """What a page token opens: a file or a reminder."""

    model_config = ConfigDict(defer_build=True)
