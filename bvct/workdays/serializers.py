"""API schemas of the calendar: query input and the two answers, each its own serializer."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bvct.workdays.calendar import CalendarRangeError, check_supported

MAX_DAYS = 10_000


def _supported(day: datetime.date) -> datetime.date:
    try:
        check_supported(day)
    except CalendarRangeError as exc:
        raise serializers.ValidationError(exc.message) from exc
    return day


def _iso_date(*, required: bool, help_text: str) -> serializers.DateField:
    return serializers.DateField(
        required=required,
        input_formats=["%Y-%m-%d"],
        help_text=help_text,
        error_messages={
            "required": _("required: a date written YYYY-MM-DD."),
            "invalid": _("expected a date written YYYY-MM-DD, e.g. 2025-04-26."),
            "null": _("expected a date written YYYY-MM-DD, e.g. 2025-04-26."),
        },
    )


class WorkingDaysIn(serializers.Serializer[object]):
    start = _iso_date(required=True, help_text="Start date, YYYY-MM-DD (never counted).")
    days = serializers.IntegerField(
        required=False,
        min_value=-MAX_DAYS,
        max_value=MAX_DAYS,
        help_text="Working days to add after `start` (negative: before). Give `days` or `end`.",
        error_messages={
            "invalid": _("expected a whole number, e.g. 60."),
            "max_string_length": _("expected a whole number, e.g. 60."),
            "min_value": _("must be at least {min_value}."),
            "max_value": _("must be at most {max_value}."),
        },
    )
    end = _iso_date(
        required=False,
        help_text="End date, YYYY-MM-DD: count working days in (start, end]. Give `days` or `end`.",
    )

    def validate_start(self, value: datetime.date) -> datetime.date:
        return _supported(value)

    def validate_end(self, value: datetime.date) -> datetime.date:
        return _supported(value)


class WorkingDaysAddOut(serializers.Serializer[object]):
    start = serializers.DateField()
    days = serializers.IntegerField()
    result = serializers.DateField(help_text="The `days`-th working day after `start`.")


class WorkingDaysCountOut(serializers.Serializer[object]):
    start = serializers.DateField()
    end = serializers.DateField()
    working_days = serializers.IntegerField(
        help_text="Working days in (start, end]; negative when end is before start."
    )


class CalendarErrorOut(serializers.Serializer[object]):
    detail = serializers.CharField(help_text="What is wrong, in the user's language.")
    code = serializers.CharField()
    field = serializers.CharField(required=False, help_text="The query parameter at fault.")
