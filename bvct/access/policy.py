"""The one module that decides access.

Two layers, both here:
* route level: `routes.ROUTE_POLICY` says which roles may call each URL (enforced for every
  request by `middleware.RoutePolicyMiddleware`, failing closed for an unlisted route);
* object level: the `can_<verb>_<noun>` predicates and the `<noun>s_visible_to` scoped querysets
  below. Views, API endpoints, searches, exports and counts fetch through them, so an object out of
  the actor's jurisdiction answers 404 exactly like a missing one.

Jurisdiction = the subtree of the actor's node. Clearance = highest classification they may read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bvct.accounts.models import RoleCode, User
from bvct.orgs.models import OrgUnit

if TYPE_CHECKING:
    from bvct.audit.models import AuditEvent
    from bvct.criteria.models import RuleSet, RuleSetVersion
    from bvct.declarations.models import Declaration
    from bvct.exchange.models import Bundle, Peer
    from bvct.inspections.models import Inspection, InspectionPlan
    from bvct.intake.models import ImportJob
    from bvct.people.models import Person, RecordedIssue
    from bvct.privacy.models import ExportRequest, SubjectRequest
    from bvct.registers.models import Entry, Register
    from bvct.reports.models import PeriodicReport
    from bvct.travel.models import TravelApplication
    from bvct.verification.models import VerificationRequest
    from bvct.vetting.models import Case, CaseDocument

STAFF_ROLES = frozenset(
    {
        RoleCode.CLERK,
        RoleCode.OFFICER,
        RoleCode.APPROVER,
        RoleCode.INSPECTOR,
        RoleCode.REGISTRAR,
        RoleCode.AUDITOR,
        RoleCode.ADMIN,
    }
)
ALL_ROLES = STAFF_ROLES | {RoleCode.MEMBER}
# Roles that may read people's dossiers. Admin and auditor are deliberately absent.
DOSSIER_ROLES = frozenset({RoleCode.CLERK, RoleCode.OFFICER, RoleCode.APPROVER, RoleCode.INSPECTOR})
# Roles that must log in with a second factor (issue 11); for the others it is optional.
TWO_FACTOR_ROLES = frozenset(
    {RoleCode.OFFICER, RoleCode.APPROVER, RoleCode.REGISTRAR, RoleCode.AUDITOR, RoleCode.ADMIN}
)


def requires_two_factor(user: User) -> bool:
    """A user holding any of TWO_FACTOR_ROLES must verify a second factor at every login."""
    return bool(user.role_codes & TWO_FACTOR_ROLES)


def is_staff_user(actor: User) -> bool:
    return (
        actor.is_active and actor.org_unit_id is not None and bool(actor.role_codes & STAFF_ROLES)
    )


def jurisdiction_root(actor: User) -> OrgUnit | None:
    """The actor's node, or None when they have no jurisdiction at all."""
    if not actor.is_authenticated or not actor.is_active or actor.org_unit_id is None:
        return None
    return actor.org_unit


def in_jurisdiction(actor: User, org_unit: OrgUnit | None) -> bool:
    root = jurisdiction_root(actor)
    return root is not None and org_unit is not None and root.contains(org_unit)


def jurisdiction_filter(actor: User, prefix: str = "") -> Q:
    """Q restricting rows whose org unit (reached through `prefix`) is in the actor's subtree.

    `prefix` is the lookup path to an OrgUnit, e.g. "org_unit__" or "" for OrgUnit itself. An
    actor without jurisdiction gets a filter that matches nothing.
    """
    root = jurisdiction_root(actor)
    if root is None:
        return Q(pk__in=[])
    return OrgUnit.subtree_filter(root.path, prefix=prefix)


def has_clearance(actor: User, level: int) -> bool:
    return actor.is_active and actor.clearance >= level


# --- organisation tree ------------------------------------------------------------------------


def org_units_visible_to(actor: User) -> QuerySet[OrgUnit]:
    if not is_staff_user(actor):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(jurisdiction_filter(actor))


def can_view_org_unit(actor: User, org_unit: OrgUnit) -> bool:
    return is_staff_user(actor) and in_jurisdiction(actor, org_unit)


def can_manage_org_unit(actor: User, org_unit: OrgUnit) -> bool:
    """Add children, rename, merge: administrators, inside their own subtree."""
    return can_view_org_unit(actor, org_unit) and actor.has_role(RoleCode.ADMIN)


# --- users ------------------------------------------------------------------------------------


def is_user_admin(actor: User) -> bool:
    return is_staff_user(actor) and actor.has_role(RoleCode.ADMIN)


def is_national_user_admin(actor: User) -> bool:
    """An administrator at the root node: also manages users not yet placed in any node."""
    root = jurisdiction_root(actor)
    return is_user_admin(actor) and root is not None and root.is_root()


def users_visible_to(actor: User) -> QuerySet[User]:
    """Users in the admin's subtree; national administrators also see users with no node."""
    if not is_user_admin(actor):
        return User.objects.none()
    scoped = jurisdiction_filter(actor, prefix="org_unit__")
    if is_national_user_admin(actor):
        scoped |= Q(org_unit__isnull=True)
    return User.objects.filter(scoped)


def can_manage_user(actor: User, user: User) -> bool:
    if user.org_unit is None:
        return is_national_user_admin(actor)
    return is_user_admin(actor) and in_jurisdiction(actor, user.org_unit)


def can_place_user_in(actor: User, org_unit: OrgUnit | None) -> bool:
    """May the admin put a user in `org_unit` (None: no node, national administrators only)?"""
    if org_unit is None:
        return is_national_user_admin(actor)
    return is_user_admin(actor) and in_jurisdiction(actor, org_unit)


def can_grant_clearance(actor: User, level: int) -> bool:
    """Administrators grant clearances up to their own, never above."""
    return is_user_admin(actor) and actor.clearance >= level


# --- audit log --------------------------------------------------------------------------------


def can_view_audit_log(actor: User) -> bool:
    return is_staff_user(actor) and actor.has_role(RoleCode.AUDITOR)


def audit_events_visible_to(actor: User) -> QuerySet[AuditEvent]:
    """Events about the auditor's subtree (events with no unit are national: root auditors only)."""
    from bvct.audit.models import AuditEvent  # noqa: PLC0415 (audit imports access: avoid a cycle)

    if not can_view_audit_log(actor):
        return AuditEvent.objects.none()
    root = jurisdiction_root(actor)
    assert root is not None  # noqa: S101 (guaranteed by can_view_audit_log)
    scoped = jurisdiction_filter(actor, prefix="org_unit__")
    if root.is_root():
        scoped |= Q(org_unit__isnull=True)
    return AuditEvent.objects.filter(scoped)


# --- working-day calendar -------------------------------------------------------------------


def can_view_calendar(actor: User) -> bool:
    return actor.is_authenticated and actor.is_active


def can_edit_calendar(actor: User) -> bool:
    """The calendar is national: only administrators at the root node edit it."""
    root = jurisdiction_root(actor)
    return (
        is_staff_user(actor)
        and actor.has_role(RoleCode.ADMIN)
        and root is not None
        and root.is_root()
    )


# --- people and dossiers ----------------------------------------------------------------------


def people_visible_to(actor: User) -> QuerySet[Person]:
    """Dossiers the actor may open: dossier roles, own subtree, classification within clearance.

    Admin and auditor are not dossier roles. A party member sees only their own record (through
    `person_for_member`), never this list.
    """
    from bvct.people.models import Person  # noqa: PLC0415 (people imports access)

    if not (is_staff_user(actor) and actor.has_role(*DOSSIER_ROLES)):
        return Person.objects.none()
    return Person.objects.filter(
        jurisdiction_filter(actor, prefix="org_unit__"), classification__lte=actor.clearance
    )


def people_search_scope(actor: User) -> tuple[OrgUnit, int] | None:
    """The rule of `people_visible_to` as data, for the name-search index that denormalises the
    unit path and classification: (jurisdiction root, clearance), or None when the actor may not
    list dossiers at all."""
    root = jurisdiction_root(actor)
    if root is None or not (is_staff_user(actor) and actor.has_role(*DOSSIER_ROLES)):
        return None
    return root, actor.clearance


def can_view_person(actor: User, person: Person) -> bool:
    return (
        is_staff_user(actor)
        and actor.has_role(*DOSSIER_ROLES)
        and in_jurisdiction(actor, person.org_unit)
        and has_clearance(actor, person.classification)
    )


def can_edit_person(actor: User, person: Person) -> bool:
    """Clerks and officers keep dossiers (approvers decide, inspectors only read)."""
    return can_view_person(actor, person) and actor.has_role(RoleCode.CLERK, RoleCode.OFFICER)


def can_create_person_in(actor: User, org_unit: OrgUnit) -> bool:
    return (
        is_staff_user(actor)
        and actor.has_role(RoleCode.CLERK, RoleCode.OFFICER)
        and in_jurisdiction(actor, org_unit)
    )


def person_for_member(actor: User) -> Person | None:
    """The member's own record (member portal), if their account is linked to one."""
    from bvct.people.models import Person  # noqa: PLC0415 (people imports access)

    if not actor.is_authenticated or not actor.is_active:
        return None
    return Person.objects.filter(account=actor, merged_into__isnull=True).first()


def can_view_issues(actor: User, person: Person) -> bool:
    """Recorded issues: officers and approvers only (clerks and inspectors do not see them)."""
    return can_view_person(actor, person) and actor.has_role(RoleCode.OFFICER, RoleCode.APPROVER)


def issues_visible_to(actor: User, person: Person) -> QuerySet[RecordedIssue]:
    from bvct.people.models import RecordedIssue  # noqa: PLC0415 (people imports access)

    if not can_view_issues(actor, person):
        return RecordedIssue.objects.none()
    return RecordedIssue.objects.filter(person=person, classification__lte=actor.clearance)


def can_edit_issues(actor: User, person: Person) -> bool:
    """Record issues and change their status: officers (approvers read them, clerks never)."""
    return can_view_issues(actor, person) and actor.has_role(RoleCode.OFFICER)


def can_merge_people(actor: User, keep: Person, duplicate: Person) -> bool:
    """Merge two records of one person: whoever may edit both."""
    return (
        keep.pk != duplicate.pk
        and can_edit_person(actor, keep)
        and can_edit_person(actor, duplicate)
    )


def can_view_person_audit(actor: User) -> bool:
    """The person page links auditors (who also hold a dossier role) to the person's trail."""
    return can_view_audit_log(actor)


# imports and exports of people (bvct.intake)


def can_import_people(actor: User) -> bool:
    """Import sheets of people and follow the jobs: clerks and officers (rows must still go to
    units where `can_create_person_in` holds)."""
    return is_staff_user(actor) and actor.has_role(RoleCode.CLERK, RoleCode.OFFICER)


def import_jobs_visible_to(actor: User) -> QuerySet[ImportJob]:
    """Import jobs whose unit is in the actor's subtree (their reports name people and values)."""
    from bvct.intake.models import ImportJob  # noqa: PLC0415 (intake imports access)

    if not can_import_people(actor):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(jurisdiction_filter(actor, prefix="org_unit__"))


def can_export_people(actor: User) -> bool:
    """Export the people list (what `people_visible_to` gives) to XLSX: clerks and officers."""
    return can_import_people(actor)


def can_export_full_cccd(actor: User) -> bool:
    """Exports show full CCCDs only to officers, who verify identities; others get them masked."""
    return can_export_people(actor) and actor.has_role(RoleCode.OFFICER)


# declarations (lý lịch): staff read what they may read of the person; the member writes their own


def declarations_visible_to(actor: User) -> QuerySet[Declaration]:
    """Versions of the dossiers in `people_visible_to(actor)` (same roles, scope and clearance)."""
    from bvct.declarations.models import Declaration  # noqa: PLC0415 (declarations imports access)

    if not (is_staff_user(actor) and actor.has_role(*DOSSIER_ROLES)):
        return Declaration.objects.none()
    return Declaration.objects.filter(
        jurisdiction_filter(actor, prefix="person__org_unit__"),
        person__classification__lte=actor.clearance,
    )


def can_enter_declaration(actor: User, person: Person) -> bool:
    """Staff entry of a paper lý lịch: whoever keeps the dossier (clerks and officers)."""
    return can_edit_person(actor, person)


def can_self_declare(actor: User, person: Person) -> bool:
    """The member portal: a member writes only the record linked to their own account."""
    return (
        actor.is_authenticated
        and actor.is_active
        and actor.has_role(RoleCode.MEMBER)
        and person.account_id == actor.pk
        and person.merged_into_id is None
    )


# cases (bvct.vetting): staff reach a case through the subject's managing unit or the unit that
# holds the file; a member sees only the cases about their own record


def can_work_cases(actor: User) -> bool:
    """Open, move and clock cases: clerks, officers and approvers (inspectors only read)."""
    return is_staff_user(actor) and actor.has_role(
        RoleCode.CLERK, RoleCode.OFFICER, RoleCode.APPROVER
    )


def cases_visible_to(actor: User) -> QuerySet[Case]:
    """Cases whose subject, file or competent authority is in the actor's subtree, subject
    within clearance (the authority must see what it decides, even under an `AuthorityRule` that
    names a unit outside the subject's ancestry)."""
    from bvct.vetting.models import Case  # noqa: PLC0415 (vetting imports access)

    root = jurisdiction_root(actor)
    if root is None or not (is_staff_user(actor) and actor.has_role(*DOSSIER_ROLES)):
        return Case.objects.none()
    # The three units' paths and the subject's classification are copies on the case's own row
    # (`bvct.vetting.scope` keeps them in step): no join, no probe of people, so a province's or
    # a commune's scope is a bitmap OR of three range scans and the national list's page 1 an
    # index scan in list order with LIMIT (an OR across joins scanned all people; scalar
    # subqueries on the subject probed it once per case).
    return Case.objects.filter(_case_scope(root, actor.clearance))


def _case_scope(root: OrgUnit, clearance: int, prefix: str = "") -> Q:
    """The rule of `cases_visible_to` on the case's own columns, reached through `prefix`
    ("case__" from a row that belongs to one case: a join on its key, never a subquery)."""
    return (
        OrgUnit.subtree_filter(root.path, prefix=f"{prefix}subject_")
        | OrgUnit.subtree_filter(root.path, prefix=f"{prefix}holding_")
        | OrgUnit.subtree_filter(root.path, prefix=f"{prefix}competent_")
    ) & Q(**{f"{prefix}subject_classification__lte": clearance})


def can_view_case(actor: User, case: Case) -> bool:
    return (
        is_staff_user(actor)
        and actor.has_role(*DOSSIER_ROLES)
        and (
            in_jurisdiction(actor, case.person.org_unit)
            or in_jurisdiction(actor, case.holding_unit)
            or in_jurisdiction(actor, case.competent_unit)
        )
        and has_clearance(actor, case.person.classification)
    )


def can_work_case(actor: User, case: Case) -> bool:
    return can_view_case(actor, case) and can_work_cases(actor)


def can_open_case_for(actor: User, person: Person) -> bool:
    """Open a case about a person: whoever keeps the dossier (clerks and officers)."""
    return can_edit_person(actor, person) and person.merged_into_id is None


def can_assign_case(actor: User, case: Case) -> bool:
    """Give a case to someone else: officers and approvers (anyone who works it may claim it)."""
    return can_work_case(actor, case) and actor.has_role(RoleCode.OFFICER, RoleCode.APPROVER)


def can_decide_case(actor: User, case: Case) -> bool:
    """Decide or sign (admit, refuse, conclude): approvers of the case's competent authority
    only (`bvct.vetting.authority`), never an approver of another node."""
    from bvct.vetting.authority import competent_unit  # noqa: PLC0415 (vetting imports access)

    return (
        can_work_case(actor, case)
        and actor.has_role(RoleCode.APPROVER)
        and actor.org_unit_id == competent_unit(case).pk
    )


def can_extend_case(actor: User, case: Case) -> bool:
    """An extension of a legal time limit needs an approver."""
    return can_work_case(actor, case) and actor.has_role(RoleCode.APPROVER)


def cases_for_member(actor: User) -> QuerySet[Case]:
    """The member portal: cases about the member's own record, nothing else."""
    from bvct.vetting.models import Case  # noqa: PLC0415 (vetting imports access)

    person = person_for_member(actor) if actor.has_role(RoleCode.MEMBER) else None
    if person is None:
        return Case.objects.none()
    return Case.objects.filter(person=person)


def can_edit_limits(actor: User) -> bool:
    """Case time limits and due-process windows are national data, like the calendar."""
    return can_edit_calendar(actor)


def case_documents_visible_to(actor: User) -> QuerySet[CaseDocument]:
    """Staff: the documents of the cases they see."""
    from bvct.vetting.models import CaseDocument  # noqa: PLC0415 (vetting imports access)

    return CaseDocument.objects.filter(
        case__in=cases_visible_to(actor), classification__lte=actor.clearance
    ).select_related("case", "case__holding_unit")


def member_documents_visible_to(actor: User) -> QuerySet[CaseDocument]:
    """The member: only documents marked for the subject, of the member's own cases."""
    from bvct.vetting.models import CaseDocument  # noqa: PLC0415 (vetting imports access)

    return CaseDocument.objects.filter(
        case__in=cases_for_member(actor), visible_to_subject=True, classification=0
    ).select_related("case", "case__holding_unit")


# --- verification requests (bvct.verification) ---------------------------------------------
# The requesting side reaches a request through its case; the addressee side through the
# addressee unit (its subtree sees what is addressed to it). The request's own classification
# bounds both. External bodies are a shared registry that every staff member reads.


def verification_requests_visible_to(actor: User) -> QuerySet[VerificationRequest]:
    from bvct.verification.models import VerificationRequest  # noqa: PLC0415

    root = jurisdiction_root(actor)
    if root is None or not (is_staff_user(actor) and actor.has_role(*DOSSIER_ROLES)):
        return VerificationRequest.objects.none()
    # the requesting side through the case's own scope columns (a join on the request's case,
    # not `case__in=cases_visible_to(…)`, which under the OR became a hash of every case in scope)
    sides = _case_scope(root, actor.clearance, prefix="case__") | jurisdiction_filter(
        actor, prefix="addressee_unit__"
    )
    return VerificationRequest.objects.filter(sides, classification__lte=actor.clearance)


def can_request_for(actor: User, request: VerificationRequest) -> bool:
    """The requesting side: whoever works the case."""
    return can_work_case(actor, request.case) and has_clearance(actor, request.classification)


def can_answer_request(actor: User, request: VerificationRequest) -> bool:
    """The addressee side: case workers whose subtree holds the addressee unit."""
    return (
        can_work_cases(actor)
        and request.addressee_unit is not None
        and in_jurisdiction(actor, request.addressee_unit)
        and has_clearance(actor, request.classification)
    )


def can_consent_request(actor: User, request: VerificationRequest) -> bool:
    """Covering relatives the rules do not name needs an approver of the requesting side."""
    return can_request_for(actor, request) and actor.has_role(RoleCode.APPROVER)


def can_register_bodies(actor: User) -> bool:
    return is_staff_user(actor) and actor.has_role(RoleCode.OFFICER, RoleCode.APPROVER)


# --- criteria (bvct.criteria) -----------------------------------------------------------------
# Rule sets are national data: every staff member reads them; administrators draft and import;
# approvers publish (after the impact preview, never their own draft). Evaluating a person follows
# the dossier (`can_view_person`); the trace's evidence follows `can_view_evaluation_fact`.


def can_view_rulesets(actor: User) -> bool:
    return is_staff_user(actor)


def rulesets_visible_to(actor: User) -> QuerySet[RuleSet]:
    from bvct.criteria.models import RuleSet  # noqa: PLC0415 (criteria imports access)

    return RuleSet.objects.all() if can_view_rulesets(actor) else RuleSet.objects.none()


def ruleset_versions_visible_to(actor: User) -> QuerySet[RuleSetVersion]:
    from bvct.criteria.models import RuleSetVersion  # noqa: PLC0415 (criteria imports access)

    if not can_view_rulesets(actor):
        return RuleSetVersion.objects.none()
    return RuleSetVersion.objects.all()


def can_draft_rulesets(actor: User) -> bool:
    """Import a rule-set version from YAML (it arrives as a draft): administrators."""
    return is_staff_user(actor) and actor.has_role(RoleCode.ADMIN)


def can_preview_ruleset_impact(actor: User) -> bool:
    return is_staff_user(actor) and actor.has_role(RoleCode.APPROVER)


def can_publish_ruleset(actor: User, version: RuleSetVersion) -> bool:
    """Approvers publish drafts they did not write themselves (four eyes)."""
    return can_preview_ruleset_impact(actor) and version.is_draft and version.author_id != actor.pk


def can_evaluate_person(actor: User, person: Person) -> bool:
    return can_view_person(actor, person)


def can_view_evaluation_fact(actor: User, person: Person, fact: dict[str, object]) -> bool:
    """Issues and verification requests in a trace: as for recorded issues, within clearance.
    The person's own fields and declarations: whoever may evaluate the person."""
    if fact.get("type") in {"issue", "verification_request"}:
        level = fact.get("classification")
        return can_view_issues(actor, person) and has_clearance(
            actor, level if isinstance(level, int) else 3
        )
    return can_evaluate_person(actor, person)


# --- inspections (bvct.inspections) -----------------------------------------------------------
# Inspection content is confidential: the team, the inspecting node's officers and approvers, and
# the inspected unit's designated contacts — nobody else, not even the unit's superiors.


def can_plan_inspections(actor: User) -> bool:
    return is_staff_user(actor) and actor.has_role(RoleCode.OFFICER, RoleCode.APPROVER)


def can_manage_plan(actor: User, plan: InspectionPlan) -> bool:
    """Officers and approvers of the inspecting node itself."""
    return can_plan_inspections(actor) and actor.org_unit_id == plan.org_unit_id


def can_lead_inspection(actor: User, inspection: Inspection) -> bool:
    return can_manage_plan(actor, inspection.plan) or is_team_member(
        actor, inspection, roles=("head", "deputy")
    )


def is_team_member(
    actor: User, inspection: Inspection, roles: tuple[str, ...] = ("head", "deputy", "member")
) -> bool:
    return (
        actor.is_active
        and actor.has_role(RoleCode.INSPECTOR)
        and inspection.team.filter(user=actor, role__in=roles).exists()
    )


def is_unit_contact(actor: User, inspection: Inspection) -> bool:
    return actor.is_active and inspection.contacts.filter(user=actor).exists()


def inspections_visible_to(actor: User) -> QuerySet[Inspection]:
    from bvct.inspections.models import Inspection  # noqa: PLC0415

    if not is_staff_user(actor):
        return Inspection.objects.none()
    sides = Q(team__user=actor, team__isnull=False) | Q(contacts__user=actor)
    if can_plan_inspections(actor):
        sides |= Q(plan__org_unit_id=actor.org_unit_id)
    return Inspection.objects.filter(sides).distinct()


def sees_internal_findings(actor: User, inspection: Inspection) -> bool:
    """Draft findings stay with the inspecting side until the result notice is sent."""
    if is_team_member(actor, inspection) or can_manage_plan(actor, inspection.plan):
        return True
    return inspection.status in {"notified", "closed"}


# --- travel abroad (bvct.travel) --------------------------------------------------------------
# Staff reach an application through the member's managing unit or a committee it is routed to;
# a member sees only their own.


def can_review_travel(actor: User, application: TravelApplication) -> bool:
    """The chi bộ's opinion and the report's review: case workers over the member's unit."""
    return can_work_cases(actor) and in_jurisdiction(actor, application.person.org_unit)


def travel_visible_to(actor: User) -> QuerySet[TravelApplication]:
    from bvct.travel.models import TravelApplication  # noqa: PLC0415

    if actor.has_role(RoleCode.MEMBER) and not is_staff_user(actor):
        person = person_for_member(actor)
        if person is None:
            return TravelApplication.objects.none()
        return TravelApplication.objects.filter(person=person)
    if not (is_staff_user(actor) and actor.has_role(*DOSSIER_ROLES)):
        return TravelApplication.objects.none()
    sides = jurisdiction_filter(actor, prefix="person__org_unit__") | jurisdiction_filter(
        actor, prefix="decisions__committee__"
    )
    return TravelApplication.objects.filter(
        sides, person__classification__lte=actor.clearance
    ).distinct()


# --- classified-document registers (bvct.registers, issue 9) ------------------------------------
# Registrars keep the registers of their own unit and read those of their subtree; auditors read
# the metadata (never the summary). Both see an entry only with clearance ≥ its current level —
# in lists, search, exports and counts alike, because all of them start from
# `register_entries_visible_to`.

REGISTER_READERS = frozenset({RoleCode.REGISTRAR, RoleCode.AUDITOR})


def can_read_registers(actor: User) -> bool:
    return is_staff_user(actor) and actor.has_role(*REGISTER_READERS) and actor.clearance >= 1


def registers_visible_to(actor: User) -> QuerySet[Register]:
    from bvct.registers.models import Register  # noqa: PLC0415

    if not can_read_registers(actor):
        return Register.objects.none()
    return Register.objects.filter(jurisdiction_filter(actor, prefix="org_unit__"))


def registers_kept_by(actor: User) -> QuerySet[Register]:
    """The registers the actor writes in: a registrar's own unit's, whatever the year."""
    from bvct.registers.models import Register  # noqa: PLC0415

    if not (can_read_registers(actor) and actor.has_role(RoleCode.REGISTRAR)):
        return Register.objects.none()
    return Register.objects.filter(org_unit_id=actor.org_unit_id)


def can_keep_registers_of(actor: User, org_unit: OrgUnit) -> bool:
    return (
        can_read_registers(actor)
        and actor.has_role(RoleCode.REGISTRAR)
        and actor.org_unit_id == org_unit.pk
    )


def register_entries_visible_to(actor: User) -> QuerySet[Entry]:
    from bvct.registers.models import Entry  # noqa: PLC0415

    if not can_read_registers(actor):
        return Entry.objects.none()
    return Entry.objects.filter(
        jurisdiction_filter(actor, prefix="register__org_unit__"), level__lte=actor.clearance
    )


def can_write_entry(actor: User, entry: Entry) -> bool:
    return can_keep_registers_of(actor, entry.register.org_unit) and has_clearance(
        actor, entry.level
    )


def sees_register_summary(actor: User) -> bool:
    """Auditors read the register's metadata; the summary is for registrars."""
    return can_read_registers(actor) and actor.has_role(RoleCode.REGISTRAR)


# --- reports and dashboards (bvct.reports, issue 10) ---------------------------------------------
# Officers and approvers read the figures of their subtree; an approver submits their own unit's
# report; a submitted report is read in the subtree above it by readers cleared at least as high
# as the one who froze it (its figures count records up to that level).

REPORT_ROLES = frozenset({RoleCode.OFFICER, RoleCode.APPROVER})


def can_view_reports(actor: User) -> bool:
    return is_staff_user(actor) and actor.has_role(*REPORT_ROLES)


def can_submit_report(actor: User, node: OrgUnit) -> bool:
    return (
        can_view_reports(actor)
        and actor.has_role(RoleCode.APPROVER)
        and actor.org_unit_id == node.pk
    )


def periodic_reports_visible_to(actor: User) -> QuerySet[PeriodicReport]:
    from bvct.reports.models import PeriodicReport  # noqa: PLC0415

    if not can_view_reports(actor):
        return PeriodicReport.objects.none()
    return PeriodicReport.objects.filter(
        jurisdiction_filter(actor, prefix="org_unit__"), clearance__lte=actor.clearance
    )


# --- personal data protection (bvct.privacy, issue 11 items 7 and 10) --------------------------
# Large exports: clerks and officers ask, an approver of the same unit or one above it — never
# the requester — decides, and only the requester downloads, within their scope. The requests are
# seen by the exporting roles and approvers whose subtree holds the requester's node.
# Data-subject requests: worked by the case workers over the person's unit; a member files and
# follows their own.

EXPORT_REQUEST_ROLES = frozenset({RoleCode.CLERK, RoleCode.OFFICER, RoleCode.APPROVER})
SUBJECT_REQUEST_ROLES = frozenset({RoleCode.CLERK, RoleCode.OFFICER, RoleCode.APPROVER})


def can_request_export(actor: User) -> bool:
    return can_export_people(actor)


def export_requests_visible_to(actor: User) -> QuerySet[ExportRequest]:
    from bvct.privacy.models import ExportRequest  # noqa: PLC0415 (privacy imports access)

    if not (is_staff_user(actor) and actor.has_role(*EXPORT_REQUEST_ROLES)):
        return ExportRequest.objects.none()
    return ExportRequest.objects.filter(
        jurisdiction_filter(actor, prefix="org_unit__") | Q(requested_by=actor),
        clearance__lte=actor.clearance,
    )


def can_decide_export(actor: User, request: ExportRequest) -> bool:
    """Four eyes: an approver whose subtree holds the requester's node, cleared as high as the
    request, and not the requester."""
    return (
        is_staff_user(actor)
        and actor.has_role(RoleCode.APPROVER)
        and actor.pk != request.requested_by_id
        and in_jurisdiction(actor, request.org_unit)
        and has_clearance(actor, request.clearance)
    )


def can_download_export(actor: User, request: ExportRequest) -> bool:
    """Only the requester, still allowed to export and still over the frozen scope."""
    return (
        actor.pk == request.requested_by_id
        and can_export_people(actor)
        and in_jurisdiction(actor, request.org_unit)
    )


def can_cancel_export(actor: User, request: ExportRequest) -> bool:
    return actor.is_active and actor.pk == request.requested_by_id


def subject_requests_visible_to(actor: User) -> QuerySet[SubjectRequest]:
    from bvct.privacy.models import SubjectRequest  # noqa: PLC0415 (privacy imports access)

    if not (is_staff_user(actor) and actor.has_role(*SUBJECT_REQUEST_ROLES)):
        return SubjectRequest.objects.none()
    return SubjectRequest.objects.filter(
        jurisdiction_filter(actor, prefix="org_unit__"),
        person__classification__lte=actor.clearance,
    )


def can_work_subject_request(actor: User, request: SubjectRequest) -> bool:
    """Acknowledge: the case workers over the responsible unit, within clearance."""
    return (
        is_staff_user(actor)
        and actor.has_role(*SUBJECT_REQUEST_ROLES)
        and in_jurisdiction(actor, request.org_unit)
        and has_clearance(actor, request.person.classification)
    )


def can_close_subject_request(actor: User, request: SubjectRequest) -> bool:
    """Complete or refuse (with the reason): officers and approvers."""
    return can_work_subject_request(actor, request) and actor.has_role(
        RoleCode.OFFICER, RoleCode.APPROVER
    )


def can_extend_subject_request(actor: User, request: SubjectRequest) -> bool:
    """The one extension of a legal time limit needs an approver, as for cases."""
    return can_work_subject_request(actor, request) and actor.has_role(RoleCode.APPROVER)


def can_register_subject_request(actor: User, person: Person) -> bool:
    """A request received on paper: whoever keeps the person's dossier."""
    return can_edit_person(actor, person)


def subject_requests_for_member(actor: User) -> QuerySet[SubjectRequest]:
    from bvct.privacy.models import SubjectRequest  # noqa: PLC0415 (privacy imports access)

    person = person_for_member(actor) if actor.has_role(RoleCode.MEMBER) else None
    if person is None:
        return SubjectRequest.objects.none()
    return SubjectRequest.objects.filter(person=person)


# --- exchange between sites (bvct.exchange, issue 13) ----------------------------------------
# Bundles carry the items of every unit this site serves, so they are handled by clerks and
# officers (văn thư, chuyên viên) whose subtree holds every served unit — in practice those of
# the site's served root. Lists show metadata only (kind, reference, level); an item's level
# bounds who sees its line; the bundle content itself stays encrypted to the peer.

EXCHANGE_ROLES = frozenset({RoleCode.CLERK, RoleCode.OFFICER})


def can_operate_exchange(actor: User) -> bool:
    from bvct.exchange.models import LocalSite  # noqa: PLC0415 (exchange imports access)

    if not (is_staff_user(actor) and actor.has_role(*EXCHANGE_ROLES)):
        return False
    site = LocalSite.objects.prefetch_related("served_units").first()
    if site is None:
        return False
    served = list(site.served_units.all())
    return bool(served) and all(in_jurisdiction(actor, unit) for unit in served)


def bundles_visible_to(actor: User) -> QuerySet[Bundle]:
    from bvct.exchange.models import Bundle  # noqa: PLC0415 (exchange imports access)

    if not can_operate_exchange(actor):
        return Bundle.objects.none()
    return Bundle.objects.all()


def peers_visible_to(actor: User) -> QuerySet[Peer]:
    from bvct.exchange.models import Peer  # noqa: PLC0415 (exchange imports access)

    if not can_operate_exchange(actor):
        return Peer.objects.none()
    return Peer.objects.all()


def can_transfer_case(actor: User, case: Case) -> bool:
    """Hand a case's file to another site: officers and approvers who work the case."""
    return can_work_case(actor, case) and actor.has_role(RoleCode.OFFICER, RoleCode.APPROVER)
