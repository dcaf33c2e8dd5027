"""Demo dossiers on top of `bvct demo` (which loads the official tree once: a few seconds)."""

from __future__ import annotations

from bvct.accounts.models import User
from bvct.core.demo import demo_load
from bvct.people import services
from bvct.people.demo import DEMO_PEOPLE, load_demo_people
from bvct.people.models import Person, RecordedIssue, Relative
from bvct.people.selectors import merge_candidates_for


def test_demo_people_load_once_with_member_duplicates_relatives_and_issues(db) -> None:
    # given the demo (`bvct demo` loads the demo people too)
    result = demo_load()
    # when loaded again
    again = load_demo_people()
    # then nothing more is created
    assert (result.people_created, again) == (len(DEMO_PEOPLE), 0)
    assert len(DEMO_PEOPLE) == 40
    assert Person.objects.count() == 40
    assert Relative.objects.count() == 17  # incl. the applicant's parents (verification demo)
    assert RecordedIssue.objects.count() == 2
    member = User.objects.get(username="member")
    assert Person.objects.get(account=member).full_name == "Hoàng Văn Bình"
    assert Person.objects.exclude(org_unit__code__startswith="DEMO-").count() == 0
    # and the deliberate duplicate pair is found and merges
    officer = User.objects.get(username="hn.officer")
    hung = Person.objects.get(full_name="Trần Văn Hùng")
    candidates = merge_candidates_for(actor=officer, person=hung)
    assert [(p.full_name, keys) for p, keys in candidates] == [
        ("Tran Van Hung", ("name", "birth_date", "hometown"))
    ]
    services.person_merge(actor=officer, keep=hung, duplicate=candidates[0][0])
    assert hung.relatives.count() == 2
