"""Declarative route policy: every named URL pattern and API operation has exactly one entry.

`RoutePolicyMiddleware` enforces the role part for every request and refuses (403) any route
that is missing here; object-level scoping happens in selectors through `policy`. The policy
matrix test (`bvct/access/tests/test_policy_matrix.py`) enumerates every URL pattern, fails when one
has no entry, and checks each role × relation (same node, descendant, ancestor, sibling, other
province) against this table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bvct.access.policy import ALL_ROLES, DOSSIER_ROLES, STAFF_ROLES
from bvct.accounts.models import RoleCode

A = RoleCode
IN_SUBTREE = frozenset({"same", "descendant"})


@dataclass(frozen=True)
class RoutePolicy:
    """Who may call a route.

    roles:     roles of which the user needs at least one; ignored when `public`.
    public:    reachable without logging in.
    target:    kind of object the URL's `pk` addresses ("org_unit", "user", "audit_event",
               "override"), or None. Object-level visibility of targets follows `relations`.
    relations: relations of the target to the user's node that are allowed.
    root_only: only users whose node is the root of the tree (national settings).
    methods:   HTTP methods the matrix test exercises (POST bodies are empty: never a change).
    second_factor_step: reachable by a session that has passed the password but not yet the
               second factor (the code and enrolment pages, logout). Every other non-public route
               sends such a session to the second-factor step (`accounts.twofactor`).
    """

    roles: frozenset[str] = field(default_factory=frozenset)
    public: bool = False
    target: str | None = None
    relations: frozenset[str] = IN_SUBTREE
    root_only: bool = False
    methods: tuple[str, ...] = ("GET",)
    second_factor_step: bool = False


PUBLIC = RoutePolicy(public=True)
ANY_USER = RoutePolicy(roles=ALL_ROLES)
STAFF = RoutePolicy(roles=STAFF_ROLES)
ADMIN = frozenset({A.ADMIN})
AUDITOR = frozenset({A.AUDITOR})
MEMBER = frozenset({A.MEMBER})
REPORT_READERS = frozenset({A.OFFICER, A.APPROVER})
APPROVER = frozenset({A.APPROVER})
REGISTER_READERS = frozenset({A.REGISTRAR, A.AUDITOR})
REGISTRAR = frozenset({A.REGISTRAR})
OWN_UNIT = frozenset({"same"})  # registers are written only by the unit's own registrars
DOSSIER_KEEPERS = frozenset({A.CLERK, A.OFFICER})  # who enters and edits dossiers
CASE_WORKERS = frozenset({A.CLERK, A.OFFICER, A.APPROVER})  # who move cases (not inspectors)
EXPORT_REQUESTERS = frozenset({A.CLERK, A.OFFICER})  # who export people (and ask for large ones)
EXCHANGE_OPERATORS = frozenset({A.CLERK, A.OFFICER})  # who carry bundles between sites

ROUTE_POLICY: dict[str, RoutePolicy] = {
    # core
    "core:home": ANY_USER,
    "core:healthz": PUBLIC,
    "set_language": RoutePolicy(public=True, methods=("POST",)),
    # accounts
    "accounts:login": PUBLIC,
    "accounts:logout": RoutePolicy(roles=ALL_ROLES, methods=("POST",), second_factor_step=True),
    # second factor (accounts.twofactor): the steps after the password, and one's own settings
    "accounts:otp-verify": RoutePolicy(
        roles=ALL_ROLES, methods=("GET", "POST"), second_factor_step=True
    ),
    "accounts:otp-enrol": RoutePolicy(
        roles=ALL_ROLES, methods=("GET", "POST"), second_factor_step=True
    ),
    "accounts:otp-settings": ANY_USER,
    "accounts:otp-recovery-codes": RoutePolicy(roles=ALL_ROLES, methods=("POST",)),
    "accounts:user-otp-reset": RoutePolicy(roles=ADMIN, target="user", methods=("POST",)),
    "accounts:password-change": ANY_USER,
    "accounts:user-list": RoutePolicy(roles=ADMIN),
    "accounts:user-create": RoutePolicy(roles=ADMIN, methods=("GET", "POST")),
    "accounts:user-update": RoutePolicy(roles=ADMIN, target="user", methods=("GET", "POST")),
    "accounts:user-end-sessions": RoutePolicy(roles=ADMIN, target="user", methods=("POST",)),
    "accounts:user-unlock": RoutePolicy(roles=ADMIN, target="user", methods=("POST",)),
    # organisation tree
    "orgs:unit-list": STAFF,
    "orgs:unit-search": STAFF,
    "orgs:unit-detail": RoutePolicy(roles=STAFF_ROLES, target="org_unit"),
    "orgs:unit-children": RoutePolicy(roles=STAFF_ROLES, target="org_unit"),
    "orgs:unit-create": RoutePolicy(roles=ADMIN, target="org_unit", methods=("GET", "POST")),
    "orgs:unit-update": RoutePolicy(roles=ADMIN, target="org_unit", methods=("GET", "POST")),
    "orgs:unit-merge": RoutePolicy(roles=ADMIN, target="org_unit", methods=("GET", "POST")),
    # audit log
    "audit:event-list": RoutePolicy(roles=AUDITOR),
    "audit:event-detail": RoutePolicy(roles=AUDITOR, target="audit_event"),
    "audit:chain-verify": RoutePolicy(roles=AUDITOR, methods=("GET", "POST")),
    # working-day calendar
    "workdays:calendar": ANY_USER,
    "workdays:override-create": RoutePolicy(roles=ADMIN, root_only=True, methods=("GET", "POST")),
    "workdays:override-delete": RoutePolicy(
        roles=ADMIN,
        root_only=True,
        target="override",
        relations=frozenset({"any"}),
        methods=("POST",),
    ),
    # declarations (bvct.declarations, P-DECL): member portal without pk, staff per person
    "declarations:my-declaration": RoutePolicy(roles=MEMBER, methods=("GET", "POST")),
    "declarations:my-declaration-start": RoutePolicy(roles=MEMBER, methods=("POST",)),
    "declarations:my-declaration-submit": RoutePolicy(roles=MEMBER, methods=("POST",)),
    "declarations:my-history": RoutePolicy(roles=MEMBER),
    "declarations:declaration-list": RoutePolicy(roles=DOSSIER_ROLES, target="person"),
    "declarations:declaration-start": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="person", methods=("POST",)
    ),
    "declarations:declaration-compare": RoutePolicy(roles=DOSSIER_ROLES, target="person"),
    "declarations:declaration-detail": RoutePolicy(roles=DOSSIER_ROLES, target="declaration"),
    "declarations:declaration-edit": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="declaration", methods=("GET", "POST")
    ),
    "declarations:declaration-submit": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="declaration", methods=("POST",)
    ),
    # imports and exports of people (bvct.intake, P-INTAKE): clerks and officers
    "intake:job-list": RoutePolicy(roles=frozenset({A.CLERK, A.OFFICER})),
    "intake:job-create": RoutePolicy(
        roles=frozenset({A.CLERK, A.OFFICER}), methods=("GET", "POST")
    ),
    "intake:job-detail": RoutePolicy(roles=frozenset({A.CLERK, A.OFFICER}), target="import_job"),
    "intake:job-report": RoutePolicy(roles=frozenset({A.CLERK, A.OFFICER}), target="import_job"),
    "intake:job-resume": RoutePolicy(
        roles=frozenset({A.CLERK, A.OFFICER}), target="import_job", methods=("POST",)
    ),
    "intake:template": RoutePolicy(roles=frozenset({A.CLERK, A.OFFICER})),
    "intake:people-export": RoutePolicy(roles=frozenset({A.CLERK, A.OFFICER})),
    # people and dossiers (bvct.people, P-PEOPLE): readers see, keepers write, officers issues
    "people:person-list": RoutePolicy(roles=DOSSIER_ROLES),
    "people:person-create": RoutePolicy(roles=DOSSIER_KEEPERS, methods=("GET", "POST")),
    "people:unit-picker": RoutePolicy(roles=DOSSIER_KEEPERS),
    "people:person-detail": RoutePolicy(roles=DOSSIER_ROLES, target="person"),
    "people:person-update": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="person", methods=("GET", "POST")
    ),
    "people:person-merge": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="person", methods=("GET", "POST")
    ),
    "people:relative-create": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="person", methods=("GET", "POST")
    ),
    "people:relative-update": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="relative", methods=("GET", "POST")
    ),
    "people:relative-delete": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="relative", methods=("GET", "POST")
    ),
    "people:issue-create": RoutePolicy(
        roles=frozenset({A.OFFICER}), target="person", methods=("GET", "POST")
    ),
    "people:issue-status": RoutePolicy(
        roles=frozenset({A.OFFICER}), target="issue", methods=("GET", "POST")
    ),
    # cases (bvct.vetting, issue 4): readers see, workers move and clock, approvers extend;
    # a member sees only their own cases (relations=∅: every other case answers 404)
    "cases:inbox": RoutePolicy(roles=DOSSIER_ROLES),
    "cases:case-list": RoutePolicy(roles=DOSSIER_ROLES),
    "cases:timeliness": RoutePolicy(roles=DOSSIER_ROLES),
    # time limits are national data: every staff member reads them, national admins revise
    "cases:limits": STAFF,
    "cases:limit-revise": RoutePolicy(roles=ADMIN, root_only=True, methods=("GET", "POST")),
    "cases:case-detail": RoutePolicy(roles=DOSSIER_ROLES, target="case"),
    "cases:case-open": RoutePolicy(roles=DOSSIER_KEEPERS, target="person", methods=("GET", "POST")),
    "cases:case-transition": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-assign": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-pause": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-resume": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-extend": RoutePolicy(
        roles=frozenset({A.APPROVER}), target="case", methods=("GET", "POST")
    ),
    "cases:case-checklist": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-decision": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-team": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:my-cases": RoutePolicy(roles=frozenset({A.MEMBER})),
    "cases:my-case-detail": RoutePolicy(
        roles=frozenset({A.MEMBER}), target="case", relations=frozenset()
    ),
    # conclusions and due process (phase 2): the competent approver concludes (checked by the
    # service); notices, paper explanations, appeals and panels are worked by case workers; the
    # subject explains and appeals from the portal
    "cases:case-conclude": RoutePolicy(
        roles=frozenset({A.APPROVER}), target="case", methods=("GET", "POST")
    ),
    "cases:case-conclusion": RoutePolicy(roles=DOSSIER_ROLES, target="case"),
    "cases:case-notice-issue": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-explanation-paper": RoutePolicy(
        roles=CASE_WORKERS, target="case", methods=("POST",)
    ),
    "cases:case-appeal-lodge": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-appeal-panel": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:case-appeal-decide": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:my-explanation": RoutePolicy(
        roles=frozenset({A.MEMBER}), target="case", relations=frozenset(), methods=("POST",)
    ),
    "cases:my-appeal": RoutePolicy(
        roles=frozenset({A.MEMBER}), target="case", relations=frozenset(), methods=("POST",)
    ),
    # case documents: kept and read by those who see the case; the subject reads only the
    # documents marked for them, of their own cases
    "cases:document-upload": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:session-record": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "cases:document-download": RoutePolicy(roles=DOSSIER_ROLES, target="case_document"),
    "cases:my-document-download": RoutePolicy(
        roles=frozenset({A.MEMBER}), target="case_document", relations=frozenset()
    ),
    # verification requests (bvct.verification, issue 6): the requesting side through the case,
    # the addressee side through its subtree; the services check which side may do what
    "requests:outgoing": RoutePolicy(roles=DOSSIER_ROLES),
    "requests:incoming": RoutePolicy(roles=DOSSIER_ROLES),
    "requests:stats": RoutePolicy(roles=DOSSIER_ROLES),
    "requests:bodies": RoutePolicy(roles=DOSSIER_ROLES, methods=("GET", "POST")),
    "requests:request-new": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("GET", "POST")),
    "requests:reuse": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    "requests:request-detail": RoutePolicy(roles=DOSSIER_ROLES, target="verification_request"),
    "requests:request-consent": RoutePolicy(
        roles=CASE_WORKERS, target="verification_request", methods=("POST",)
    ),
    "requests:request-withdraw": RoutePolicy(
        roles=CASE_WORKERS, target="verification_request", methods=("POST",)
    ),
    "requests:request-receive": RoutePolicy(
        roles=CASE_WORKERS, target="verification_request", methods=("POST",)
    ),
    "requests:request-assign": RoutePolicy(
        roles=CASE_WORKERS, target="verification_request", methods=("POST",)
    ),
    "requests:request-reply": RoutePolicy(
        roles=CASE_WORKERS, target="verification_request", methods=("GET", "POST")
    ),
    "requests:request-issue": RoutePolicy(
        roles=frozenset({A.OFFICER}), target="verification_request", methods=("POST",)
    ),
    "requests:letter": RoutePolicy(roles=DOSSIER_ROLES, target="verification_request"),
    "requests:reply-document": RoutePolicy(roles=DOSSIER_ROLES, target="verification_request"),
    # inspections (bvct.inspections, issue 7): plans belong to the inspecting node's officers and
    # approvers (relation "same" only); an inspection is seen by them, its team and the unit's
    # designated contacts — the matrix target makes the actor a member or a contact
    "inspections:plan-list": RoutePolicy(roles=DOSSIER_ROLES, methods=("GET", "POST")),
    "inspections:templates": RoutePolicy(roles=DOSSIER_ROLES, methods=("GET", "POST")),
    **{
        f"inspections:{name}": RoutePolicy(
            roles=frozenset({A.OFFICER, A.APPROVER}),
            target="inspection_plan",
            relations=frozenset({"same"}),
            methods=methods,
        )
        for name, methods in (
            ("plan-detail", ("GET",)),
            ("plan-add-unit", ("POST",)),
            ("plan-approve", ("POST",)),
        )
    },
    **{
        f"inspections:{name}": RoutePolicy(
            roles=DOSSIER_ROLES,
            target="inspection",
            relations=frozenset({"same"}),
            methods=methods,
        )
        for name, methods in (
            ("inspection-detail", ("GET",)),
            ("report-diff", ("GET",)),
            ("decision", ("POST",)),
            ("contact-add", ("POST",)),
            ("outline-send", ("POST",)),
            ("report-save", ("POST",)),
            ("comment-add", ("POST",)),
            ("session-record", ("POST",)),
            ("finding-add", ("POST",)),
            ("finding-case", ("POST",)),
            ("notice-issue", ("POST",)),
            ("remediation-add", ("POST",)),
            ("remediation-done", ("POST",)),
            ("remediation-waive", ("POST",)),
            ("close", ("POST",)),
        )
    },
    "inspections:document": RoutePolicy(
        roles=DOSSIER_ROLES, target="inspection_document", relations=frozenset({"same"})
    ),
    # travel abroad (bvct.travel, issue 8): staff lists and decisions through the member's unit
    # or a routed committee; the member's own trips only (relations=∅ for every other target)
    "travel:lists": RoutePolicy(roles=DOSSIER_ROLES),
    "travel:detail": RoutePolicy(roles=DOSSIER_ROLES, target="travel_application"),
    "travel:paper": RoutePolicy(roles=DOSSIER_KEEPERS, target="person", methods=("GET", "POST")),
    "travel:opinion": RoutePolicy(
        roles=CASE_WORKERS, target="travel_application", methods=("POST",)
    ),
    "travel:decide": RoutePolicy(
        roles=CASE_WORKERS, target="travel_application", methods=("POST",)
    ),
    "travel:classified": RoutePolicy(
        roles=CASE_WORKERS, target="travel_application", methods=("POST",)
    ),
    "travel:review": RoutePolicy(
        roles=CASE_WORKERS, target="travel_application", methods=("POST",)
    ),
    "travel:mine": RoutePolicy(roles=MEMBER),
    "travel:apply": RoutePolicy(roles=MEMBER, methods=("GET", "POST")),
    "travel:my-short": RoutePolicy(roles=MEMBER, methods=("GET", "POST")),
    "travel:my-detail": RoutePolicy(
        roles=MEMBER, target="travel_application", relations=frozenset()
    ),
    "travel:my-return": RoutePolicy(
        roles=MEMBER, target="travel_application", relations=frozenset(), methods=("POST",)
    ),
    # REST API
    "api:schema": ANY_USER,
    "api:me": ANY_USER,
    "api:orgunit-list": STAFF,
    "api:orgunit-detail": RoutePolicy(roles=STAFF_ROLES, target="org_unit"),
    "api:auditevent-list": RoutePolicy(roles=AUDITOR),
    "api:working-days": ANY_USER,
    # classified-document registers (bvct.registers, issue 9): registrars and auditors read the
    # subtree's registers (entries only up to their clearance: see the clearance matrix);
    # registrars write their own unit's
    "registers:index": RoutePolicy(roles=REGISTER_READERS),
    "registers:entry-new": RoutePolicy(roles=REGISTRAR, methods=("GET", "POST")),
    "registers:search": RoutePolicy(roles=REGISTER_READERS),
    "registers:expiry": RoutePolicy(roles=REGISTER_READERS),
    "registers:report": RoutePolicy(roles=REGISTER_READERS, methods=("GET", "POST")),
    "registers:register": RoutePolicy(roles=REGISTER_READERS, target="register"),
    "registers:register-export": RoutePolicy(roles=REGISTER_READERS, target="register"),
    "registers:register-lock": RoutePolicy(
        roles=REGISTRAR, target="register", relations=OWN_UNIT, methods=("POST",)
    ),
    "registers:entry": RoutePolicy(roles=REGISTER_READERS, target="register_entry"),
    "registers:entry-amend": RoutePolicy(
        roles=REGISTRAR, target="register_entry", relations=OWN_UNIT, methods=("POST",)
    ),
    "registers:entry-cancel": RoutePolicy(
        roles=REGISTRAR, target="register_entry", relations=OWN_UNIT, methods=("POST",)
    ),
    "registers:entry-receipt": RoutePolicy(
        roles=REGISTRAR, target="register_entry", relations=OWN_UNIT, methods=("POST",)
    ),
    "registers:entry-authorise": RoutePolicy(
        roles=REGISTRAR, target="register_entry", relations=OWN_UNIT, methods=("POST",)
    ),
    "registers:entry-copy": RoutePolicy(
        roles=REGISTRAR, target="register_entry", relations=OWN_UNIT, methods=("POST",)
    ),
    "registers:entry-handover": RoutePolicy(
        roles=REGISTRAR, target="register_entry", relations=OWN_UNIT, methods=("POST",)
    ),
    "registers:entry-protection": RoutePolicy(
        roles=REGISTRAR, target="register_entry", relations=OWN_UNIT, methods=("POST",)
    ),
    # reports and dashboards (bvct.reports, issue 10): the dashboard for every staff user (charts
    # for report readers), the figures of the reader's subtree, submission by the unit's approver
    "reports:dashboard": STAFF,
    "reports:periodic": RoutePolicy(roles=REPORT_READERS),
    "reports:periodic-export": RoutePolicy(roles=REPORT_READERS),
    "reports:submit": RoutePolicy(roles=APPROVER, methods=("POST",)),
    "reports:received": RoutePolicy(roles=REPORT_READERS),
    "reports:detail": RoutePolicy(roles=REPORT_READERS, target="periodic_report"),
    "reports:detail-export": RoutePolicy(roles=REPORT_READERS, target="periodic_report"),
    # personal data protection (bvct.privacy, issue 11 items 7 and 10): large exports are asked
    # by exporters and decided by approvers over the requester's node (the services check four
    # eyes and that only the requester downloads); data-subject requests are worked by case
    # workers over the person's unit, filed and followed by the member (relations=∅ elsewhere)
    "privacy:export-list": RoutePolicy(roles=EXPORT_REQUESTERS | APPROVER),
    "privacy:export-new": RoutePolicy(roles=EXPORT_REQUESTERS, methods=("GET", "POST")),
    "privacy:export-detail": RoutePolicy(
        roles=EXPORT_REQUESTERS | APPROVER, target="export_request"
    ),
    "privacy:export-decide": RoutePolicy(
        roles=APPROVER, target="export_request", methods=("POST",)
    ),
    "privacy:export-cancel": RoutePolicy(
        roles=EXPORT_REQUESTERS, target="export_request", methods=("POST",)
    ),
    "privacy:export-download": RoutePolicy(roles=EXPORT_REQUESTERS, target="export_request"),
    "privacy:subject-list": RoutePolicy(roles=CASE_WORKERS),
    "privacy:subject-paper": RoutePolicy(
        roles=DOSSIER_KEEPERS, target="person", methods=("GET", "POST")
    ),
    "privacy:subject-detail": RoutePolicy(roles=CASE_WORKERS, target="subject_request"),
    "privacy:subject-acknowledge": RoutePolicy(
        roles=CASE_WORKERS, target="subject_request", methods=("POST",)
    ),
    "privacy:subject-extend": RoutePolicy(
        roles=APPROVER, target="subject_request", methods=("POST",)
    ),
    "privacy:subject-close": RoutePolicy(
        roles=CASE_WORKERS, target="subject_request", methods=("POST",)
    ),
    "privacy:my-requests": RoutePolicy(roles=MEMBER, methods=("GET", "POST")),
    "privacy:my-request": RoutePolicy(
        roles=MEMBER, target="subject_request", relations=frozenset()
    ),
    # exchange between sites (bvct.exchange, issue 13): clerks and officers; the object check
    # (`policy.can_operate_exchange`: their subtree holds every unit the site serves) is
    # site-wide, so peers and bundles have no relation to the user's node ("any")
    "exchange:index": RoutePolicy(roles=EXCHANGE_OPERATORS),
    "exchange:bundle-upload": RoutePolicy(roles=EXCHANGE_OPERATORS, methods=("GET", "POST")),
    "exchange:peer-queue": RoutePolicy(
        roles=EXCHANGE_OPERATORS, target="exchange_peer", relations=frozenset({"any"})
    ),
    "exchange:peer-export": RoutePolicy(
        roles=EXCHANGE_OPERATORS,
        target="exchange_peer",
        relations=frozenset({"any"}),
        methods=("POST",),
    ),
    "exchange:bundle-detail": RoutePolicy(
        roles=EXCHANGE_OPERATORS, target="bundle", relations=frozenset({"any"})
    ),
    "exchange:case-transfer": RoutePolicy(
        roles=frozenset({A.OFFICER, A.APPROVER}), target="case", methods=("GET", "POST")
    ),
    "exchange:bundle-download": RoutePolicy(
        roles=EXCHANGE_OPERATORS, target="bundle", relations=frozenset({"any"})
    ),
    # people API (bvct.people, P-PEOPLE): POST/PATCH are checked per object by the services
    "api:person-list": RoutePolicy(roles=DOSSIER_ROLES, methods=("GET", "POST")),
    "api:person-detail": RoutePolicy(
        roles=DOSSIER_ROLES, target="person", methods=("GET", "PATCH")
    ),
    # cases API (bvct.vetting): the same rules as the pages
    "api:case-list": RoutePolicy(roles=DOSSIER_ROLES),
    "api:case-timeliness": RoutePolicy(roles=DOSSIER_ROLES),
    "api:case-detail": RoutePolicy(roles=DOSSIER_ROLES, target="case"),
    "api:case-history": RoutePolicy(roles=DOSSIER_ROLES, target="case"),
    "api:case-document-list": RoutePolicy(
        roles=DOSSIER_ROLES, target="case", methods=("GET", "POST")
    ),
    "api:case-document-download": RoutePolicy(roles=DOSSIER_ROLES, target="case_document"),
    "api:request-list": RoutePolicy(roles=DOSSIER_ROLES),
    "api:travel-list": RoutePolicy(roles=DOSSIER_ROLES | MEMBER),
    "api:travel-detail": RoutePolicy(roles=DOSSIER_ROLES, target="travel_application"),
    "api:request-detail": RoutePolicy(roles=DOSSIER_ROLES, target="verification_request"),
    "api:case-transition": RoutePolicy(roles=CASE_WORKERS, target="case", methods=("POST",)),
    # criteria (bvct.criteria, P-CRITERIA): rule sets are national data (relation "any");
    # admins import drafts, approvers preview the impact and publish; evaluation follows the dossier
    "criteria:ruleset-list": STAFF,
    "criteria:ruleset-import": RoutePolicy(roles=ADMIN, methods=("GET", "POST")),
    "criteria:version-detail": RoutePolicy(
        roles=STAFF_ROLES, target="ruleset_version", relations=frozenset({"any"})
    ),
    "criteria:version-export": RoutePolicy(
        roles=STAFF_ROLES, target="ruleset_version", relations=frozenset({"any"})
    ),
    "criteria:version-diff": RoutePolicy(
        roles=STAFF_ROLES, target="ruleset_version", relations=frozenset({"any"})
    ),
    "criteria:version-impact": RoutePolicy(
        roles=frozenset({A.APPROVER}), target="ruleset_version", relations=frozenset({"any"})
    ),
    "criteria:version-publish": RoutePolicy(
        roles=frozenset({A.APPROVER}),
        target="ruleset_version",
        relations=frozenset({"any"}),
        methods=("POST",),
    ),
    "criteria:person-evaluation": RoutePolicy(
        roles=DOSSIER_ROLES, target="person", methods=("GET", "POST")
    ),
    "api:criteria-ruleset-list": STAFF,
    "api:criteria-ruleset-import": RoutePolicy(roles=ADMIN, methods=("POST",)),
    "api:criteria-version-detail": RoutePolicy(
        roles=STAFF_ROLES, target="ruleset_version", relations=frozenset({"any"})
    ),
    "api:criteria-version-impact": RoutePolicy(
        roles=frozenset({A.APPROVER}), target="ruleset_version", relations=frozenset({"any"})
    ),
    "api:criteria-version-publish": RoutePolicy(
        roles=frozenset({A.APPROVER}),
        target="ruleset_version",
        relations=frozenset({"any"}),
        methods=("POST",),
    ),
    "api:criteria-person-evaluation": RoutePolicy(roles=DOSSIER_ROLES, target="person"),
}


@dataclass(frozen=True)
class RateRule:
    scope: str  # a key of settings.BVCT_RATE_LIMITS
    methods: tuple[str, ...] = ("GET",)


LOGIN_POSTS = RateRule("login", ("POST",))
SEARCH = RateRule("search")
EXPORT = RateRule("export")

# Rate-limited routes (`bvct.accounts.ratelimit`): login by client address, search and exports
# per user. `test_rate_limits.py` checks that every route here exists and that every search or
# export route is here.
RATE_LIMITED: dict[str, RateRule] = {
    "accounts:login": LOGIN_POSTS,
    "accounts:otp-verify": LOGIN_POSTS,
    "accounts:otp-enrol": LOGIN_POSTS,
    # search boxes
    "people:person-list": SEARCH,
    "people:unit-picker": SEARCH,
    "orgs:unit-search": SEARCH,
    "registers:search": SEARCH,
    "accounts:user-list": SEARCH,
    "api:person-list": SEARCH,
    # XLSX/DOCX exports and document downloads
    "intake:people-export": EXPORT,
    "intake:job-report": EXPORT,
    "registers:register-export": EXPORT,
    "reports:periodic-export": EXPORT,
    "reports:detail-export": EXPORT,
    "requests:letter": EXPORT,
    "requests:reply-document": EXPORT,
    "cases:document-download": EXPORT,
    "cases:my-document-download": EXPORT,
    "inspections:document": EXPORT,
    "api:case-document-download": EXPORT,
    "privacy:export-new": EXPORT,
    "privacy:export-download": EXPORT,
    "exchange:peer-export": EXPORT,
    "exchange:bundle-download": EXPORT,
}
