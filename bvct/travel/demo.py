"""Demo: one trip of Nguyễn Thị Thu Hương, entered from paper by `hn.xa.clerk`, approved by
`hn.xa.approver`, back for weeks without a return report — so that the Hà Nội lists show an
overdue one. The trip is entered through the services and then dated back six weeks (the
services only take applications before the trip)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bvct.accounts.models import User
from bvct.people.models import Person
from bvct.travel import services
from bvct.travel.models import TravelApplication

TRAVELLER = "Nguyễn Thị Thu Hương"


def load_demo_trips() -> int:
    person = Person.objects.get(org_unit__code="DEMO-HK-DLHG-LH", full_name=TRAVELLER)
    if TravelApplication.objects.filter(person=person).exists():
        return 0
    users = {
        u.username: u for u in User.objects.filter(username__in=["hn.xa.clerk", "hn.xa.approver"])
    }
    today = timezone.localdate()
    application = services.application_submit(
        actor=users["hn.xa.clerk"],
        person=person,
        data=services.ApplicationInput(
            purpose="family",
            countries="Hàn Quốc",
            departs_on=today,
            returns_on=today + dt.timedelta(days=7),
            funding="self",
            companions="Chồng và con",
        ),
    )
    services.branch_opinion(
        actor=users["hn.xa.clerk"], application=application, opinion="Chi bộ đồng ý."
    )
    committee = application.decisions.get().committee
    services.committee_decide(
        actor=users["hn.xa.approver"], application=application, committee=committee, approve=True
    )
    TravelApplication.objects.filter(pk=application.pk).update(
        departs_on=today - dt.timedelta(days=42), returns_on=today - dt.timedelta(days=35)
    )
    return 1
