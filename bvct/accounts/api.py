from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.accounts.models import User
from bvct.accounts.serializers import MeOut


@extend_schema(responses=MeOut, operation_id="me_retrieve")
@api_view(["GET"])
def me(request: Request) -> Response:
    user = request.user
    if not isinstance(user, User):  # the route policy already requires a logged-in user
        raise NotAuthenticated
    unit = user.org_unit
    data = {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "org_unit_id": unit.pk if unit else None,
        "org_unit_name": unit.name if unit else None,
        "roles": sorted(user.role_codes),
        "clearance": user.clearance,
    }
    return Response(MeOut(data).data)
