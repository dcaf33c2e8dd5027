"""REST endpoint of the calendar: add working days to a date, or count them between two dates."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.core.errors import DomainError
from bvct.workdays import calendar
from bvct.workdays.serializers import (
    CalendarErrorOut,
    WorkingDaysAddOut,
    WorkingDaysCountOut,
    WorkingDaysIn,
)


def _parse(query: QueryDict) -> dict[str, Any]:
    """Validated query, or a DomainError naming the first parameter at fault."""
    serializer = WorkingDaysIn(data=query)
    if not serializer.is_valid():
        name, errors = next(iter(serializer.errors.items()))
        message = _("Parameter “%(name)s”: %(error)s") % {
            "name": name,
            "error": " ".join(str(e) for e in errors),
        }
        raise DomainError(message, field=name)
    data: dict[str, Any] = dict(serializer.validated_data)
    if ("days" in data) == ("end" in data):
        message = (
            _("Parameters “days” and “end”: give only one of them.")
            if "days" in data
            else _(
                "Parameters “days” and “end”: give one of them (days=N to add working "
                "days, end=YYYY-MM-DD to count them)."
            )
        )
        raise DomainError(message, field="days")
    return data


@extend_schema(
    operation_id="calendar_working_days",
    summary="Add or count working days",
    description=(
        "With `start` and `days`: the `days`-th working day after `start` (start excluded; "
        "days=0 gives start or the next working day; negative counts backwards). With `start` "
        "and `end`: the number of working days in (start, end], negative when end < start. "
        "Public holidays (lunar ones included) and national overrides apply."
    ),
    parameters=[WorkingDaysIn],
    responses={
        200: PolymorphicProxySerializer(
            component_name="WorkingDaysOut",
            serializers=[WorkingDaysAddOut, WorkingDaysCountOut],
            resource_type_field_name=None,
        ),
        400: OpenApiResponse(CalendarErrorOut, description="A parameter is missing or invalid."),
    },
    examples=[
        OpenApiExample(
            "Across Tết 2025",
            response_only=True,
            status_codes=["200"],
            value={"start": "2025-01-24", "days": 1, "result": "2025-02-03"},
        ),
    ],
)
@api_view(["GET"])
def working_days(request: Request) -> Response:
    query = _parse(request.query_params)
    start = query["start"]
    if "days" in query:
        try:
            result = calendar.add_working_days(start, query["days"])
        except calendar.CalendarRangeError as exc:
            raise DomainError(
                _("Parameter “%(name)s”: %(error)s") % {"name": "days", "error": exc.message},
                field="days",
            ) from exc
        return Response(
            WorkingDaysAddOut({"start": start, "days": query["days"], "result": result}).data
        )
    count = calendar.working_days_between(start, query["end"])
    return Response(
        WorkingDaysCountOut({"start": start, "end": query["end"], "working_days": count}).data
    )
