"""REST API of travel applications: the same scoped queryset as the pages — staff see the
applications of their subtree (or routed to a committee in it); a member sees only their own."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.serializers import ErrorOut
from bvct.travel.models import TravelApplication


class DecisionOut(serializers.Serializer[object]):
    committee = serializers.CharField(source="committee.code")
    approved = serializers.BooleanField(allow_null=True)
    reason = serializers.CharField()


class TravelOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    person = serializers.CharField(source="person.full_name")
    purpose = serializers.ChoiceField(choices=TravelApplication.Purpose.choices)
    countries = serializers.CharField()
    departs_on = serializers.DateField()
    returns_on = serializers.DateField()
    status = serializers.ChoiceField(choices=TravelApplication.Status.choices)
    reentered_on = serializers.DateField(allow_null=True)
    report_due_on = serializers.DateField(allow_null=True)
    decisions = DecisionOut(many=True, source="decisions.all")


def _actor(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


@extend_schema(responses=TravelOut(many=True), operation_id="travel_list")
@api_view(["GET"])
def travel_list(request: Request) -> Response:
    rows = policy.travel_visible_to(_actor(request)).select_related("person")
    return Response(TravelOut(rows.prefetch_related("decisions__committee")[:500], many=True).data)


@extend_schema(responses={200: TravelOut, 404: ErrorOut}, operation_id="travel_retrieve")
@api_view(["GET"])
def travel_detail(request: Request, pk: int) -> Response:
    application = get_object_or_404(policy.travel_visible_to(_actor(request)), pk=pk)
    return Response(TravelOut(application).data)
