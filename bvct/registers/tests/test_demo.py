"""The demo registers: a locked year and this year so far, with the Tối mật entries absent for
the registrar cleared to Mật."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bvct.accounts.models import User
from bvct.core.demo import demo_load
from bvct.registers import reports, selectors
from bvct.registers.models import Entry, Register


@pytest.mark.django_db
def test_demo_keeps_a_year_of_registers_and_hides_toi_mat_from_the_mat_registrar() -> None:
    demo_load()
    today = timezone.localdate()
    last = Register.objects.filter(org_unit__code="T01", year=today.year - 1)
    assert sorted(last.values_list("kind", flat=True)) == ["copy", "handover", "in", "out"]
    assert all(r.is_locked for r in last)
    registrar = User.objects.get(username="hn.registrar")
    clerk = User.objects.get(username="hn.vanthu")
    unit = registrar.org_unit
    assert unit is not None
    stats = reports.yearly_statistics(actor=registrar, unit=unit, year=today.year - 1)
    outgoing = next(r for r in stats.rows if r.label.startswith("Tài liệu mật phát hành"))
    assert outgoing.by_level[1] > 0
    assert outgoing.by_level[2] > 0
    low = reports.yearly_statistics(actor=clerk, unit=unit, year=today.year - 1)
    assert low.levels == [1]
    toi_mat = Entry.objects.filter(level=2).count()
    assert toi_mat > 0
    assert selectors.expiry_list(clerk, horizon_days=0).count() == 1  # the old document
    assert not selectors.entries_search(clerk, "").filter(level=2).exists()
    # loading again changes nothing
    before = Entry.objects.count()
    demo_load()
    assert Entry.objects.count() == before
