# ruff: noqa: E501  (the 10-rule YAML and the COPY column lists read best on one line each)
"""Re-screening benchmark: N people, a 10-rule set, PostgreSQL, facts loaded from the database.

    .venv/bin/python bench/rescreen_bench.py 1000000 \
        [--db postgres://postgres@127.0.0.1:5432/bvct_bench_criteria] [--reuse] [--batch-size 5000]

1. Migrates the benchmark database (created if missing) and, unless --reuse finds N people there,
   loads them: people from `gen_people.py` (deterministic), placed in 34 province nodes under one
   root, with COPY; then ~12 % of people get recorded issues (own or a relative's, all families and
   statuses), ~60 % a submitted self-declared history. All bulk (COPY), no ORM per row.
2. Imports and publishes a 10-rule set through the services (same path as the UI).
3. Runs `rescreen_run` (the code behind `bvct criteria rescreen`) over everyone, streaming keyset
   batches, and reports evaluations per second end to end and the process RSS after each decile:
   flat RSS across deciles = memory flat in N.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

RULES_YAML = """\
ruleset: bench-10
name: Bench 10 rules
purposes: [confidential_post]
effective_from: 2020-01-01
combining: most_severe
rules:
  - {code: R01, label: untruthful, kind: issue_recorded, outcome: does_not_meet,
     params: {families: [truthfulness], statuses: [concluded], whose: [self]}}
  - {code: R02, label: unresolved own, kind: issue_recorded, outcome: needs_verification,
     params: {families: [political_history, current_political], statuses: [declared, under_verification], whose: [self]}}
  - {code: R03, label: unresolved relative, kind: issue_recorded, outcome: needs_verification,
     params: {families: [political_history, current_political], statuses: [declared, under_verification],
              whose: [father, mother, parent_in_law, carer, spouse, child, sibling, other]}}
  - {code: R04, label: concluded close relative, kind: issue_recorded, outcome: needs_approval,
     params: {families: [political_history], statuses: [concluded], whose: [father, mother, spouse, child]}}
  - {code: R05, label: current political own, kind: issue_recorded, outcome: does_not_meet,
     params: {families: [current_political], statuses: [concluded], whose: [self]}}
  - {code: R06, label: open requests, kind: verification_open, outcome: needs_verification}
  - {code: R07, label: declaration, kind: declaration_missing, outcome: needs_verification}
  - {code: R08, label: age, kind: age_out_of_range, outcome: does_not_meet,
     params: {min_age: 18, max_age: 70}}
  - {code: R09, label: membership, kind: membership_too_short, outcome: needs_approval,
     params: {min_years: 1, since: official}}
  - {code: R10, label: sibling concluded, kind: issue_recorded, outcome: needs_approval,
     params: {families: [political_history], statuses: [concluded], whose: [sibling]}}
"""


def out(*parts: object, end: str = "\n", file: object = None) -> None:
    stream = file if file is not None else sys.stdout
    stream.write(" ".join(str(p) for p in parts) + end)  # type: ignore[attr-defined]


def setup(db: str) -> None:
    import psycopg  # noqa: PLC0415

    base, name = db.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = db
    os.environ["BVCT_DEBUG"] = "false"  # no query log: production-like
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0)


def _date(text: str) -> str:
    parts = text.split("/")
    if len(parts) == 3:  # noqa: PLR2004
        return f"{parts[2]}-{parts[1]}-{parts[0]}"
    if len(parts) == 2:  # noqa: PLR2004
        return f"{parts[1]}-{parts[0]}-01"
    return f"{parts[0]}-01-01"


def _copy(cursor: object, sql: str, buffer: io.StringIO) -> None:
    buffer.seek(0)
    with cursor.copy(sql) as copy:  # type: ignore[attr-defined]
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    buffer.seek(0)
    buffer.truncate()


def load_people(n: int) -> None:  # noqa: PLR0915 (one linear loader)
    from django.db import connection  # noqa: PLC0415
    from gen_people import Generator  # noqa: PLC0415

    from bvct.accounts.models import RoleCode, User  # noqa: PLC0415
    from bvct.orgs.models import OrgUnit  # noqa: PLC0415
    from bvct.people.names import split_name  # noqa: PLC0415

    root = OrgUnit.objects.filter(code="BENCH").first() or OrgUnit.add_root(
        code="BENCH", name="Bench", name_key="bench", kind="central"
    )
    root.refresh_from_db()
    provinces: dict[int, int] = {}
    for code in range(1, 100):
        node = OrgUnit.objects.filter(code=f"BP{code:02d}").first()
        if node is None:
            root.refresh_from_db()
            node = root.add_child(
                code=f"BP{code:02d}", name=f"P {code}", name_key=f"p {code}", kind="province"
            )
        provinces[code] = node.pk
    officer, _ = User.objects.get_or_create(username="bench.officer", defaults={"org_unit": root})
    gen = Generator(1)
    rng = random.Random(7)  # noqa: S311 (synthetic)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    people, relatives, issues, decls = (io.StringIO() for _ in range(4))
    person_cols = (
        "full_name,surname,middle_name,given_name,name_key,birth_date,birth_precision,birth_year,"
        "sex,cccd,party_card_number,hometown_province_code,hometown_commune_code,hometown_text,"
        "residence_province_code,residence_commune_code,residence_text,org_unit_id,classification,"
        "admission_date,official_date,created_at,updated_at"
    )
    with connection.cursor() as cur:
        raw = cur.cursor
        start_id = raw.execute("SELECT COALESCE(MAX(id), 0) FROM people_person").fetchone()[0]
        rel_id = raw.execute("SELECT COALESCE(MAX(id), 0) FROM people_relative").fetchone()[0]
        pid = start_id
        for i in range(n):
            p = gen.person(i)
            parts = split_name(p.name)
            born = _date(p.born)
            pid += 1
            people.write("\t".join([
                parts.full_name, parts.surname, parts.middle_name, parts.given_name, parts.name_key,
                born, "day", born[:4], "male" if p.sex == "Nam" else "female", r"\N", r"\N",
                f"{p.hometown[1]:02d}", p.hometown[3], "", f"{p.residence[1]:02d}", p.residence[3], "",
                str(provinces[p.residence[1]]), "0",
                _date(p.admitted) if p.admitted else r"\N", _date(p.official) if p.official else r"\N",
                now, now,
            ]) + "\n")  # fmt: skip
            if rng.random() < 0.6:  # noqa: PLR2004
                decls.write(
                    f"{pid}\t1\tsubmitted\tpaper\t{{}}\t{officer.pk}\t{now}\t{officer.pk}\t[]\t{now}\t{now}\n"
                )
            if rng.random() < 0.12:  # noqa: PLR2004
                family = rng.choice(["political_history", "current_political", "truthfulness"])
                status = rng.choice(["declared", "under_verification", "concluded"])
                ref = "1-KL/BENCH" if status == "concluded" else ""
                relative = r"\N"
                if rng.random() < 0.6:  # noqa: PLR2004
                    rel_id += 1
                    relationship = rng.choice(
                        ["father", "mother", "spouse", "child", "sibling", "other"]
                    )
                    relatives.write(
                        f"{pid}\t{relationship}\t\tNguyễn Văn Thân\tnguyen van than\t\\N\tyear\t1950\t\t\t\t\tf\t\t{now}\t{now}\n"
                    )
                    relative = str(rel_id)
                issues.write(
                    f"{pid}\t{relative}\t{family}\t{status}\tdeclaration\tbench\t1\t{ref}\t\\N\t{officer.pk}\t{now}\t{now}\n"
                )
            if (i + 1) % 50_000 == 0 or i + 1 == n:
                _copy(raw, f"COPY people_person ({person_cols}) FROM STDIN", people)
                _copy(
                    raw,
                    "COPY people_relative (person_id,relationship,relationship_note,full_name,name_key,birth_date,birth_precision,birth_year,sex,cccd,address_text,occupation,is_deceased,country_code,created_at,updated_at) FROM STDIN",
                    relatives,
                )
                _copy(
                    raw,
                    "COPY people_recordedissue (person_id,relative_id,family,status,source,summary,classification,conclusion_reference,concluded_on,created_by_id,created_at,updated_at) FROM STDIN",
                    issues,
                )
                _copy(
                    raw,
                    "COPY declarations_declaration (person_id,number,status,channel,content,entered_by_id,submitted_at,submitted_by_id,findings,created_at,updated_at) FROM STDIN",
                    decls,
                )
                out(f"\rloaded {i + 1}", end="", file=sys.stderr)
        raw.execute("ANALYZE")
    out(file=sys.stderr)
    _ = RoleCode


def publish_rules() -> object:
    from bvct.accounts.models import Role, RoleCode, User  # noqa: PLC0415
    from bvct.criteria import selectors, services  # noqa: PLC0415
    from bvct.criteria.models import RuleSetVersion  # noqa: PLC0415
    from bvct.orgs.models import OrgUnit  # noqa: PLC0415

    existing = (
        RuleSetVersion.objects.filter(ruleset__code="bench-10").exclude(status="draft").first()
    )
    if existing is not None:
        return existing
    root = OrgUnit.objects.get(code="BENCH")
    admin, _ = User.objects.get_or_create(username="bench.admin", defaults={"org_unit": root})
    approver, _ = User.objects.get_or_create(username="bench.approver", defaults={"org_unit": root})
    admin.roles.add(Role.objects.get(code=RoleCode.ADMIN))
    approver.roles.add(Role.objects.get(code=RoleCode.APPROVER))
    version = services.ruleset_import(actor=admin, text=RULES_YAML)
    day = version.effective_from
    return services.version_publish(
        actor=approver,
        version=version,
        effective_from=day,
        impact_digest=selectors.impact_digest(version, day),
    )


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/bvct_bench_criteria")
    parser.add_argument("--reuse", action="store_true", help="keep the people already loaded")
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args()
    setup(args.db)
    from bvct.criteria.rescreen import RescreenResult, rescreen_run  # noqa: PLC0415
    from bvct.people.models import Person  # noqa: PLC0415

    have = Person.objects.count()
    if have < args.n:
        started = time.perf_counter()
        load_people(args.n - have)
        out(f"load: {args.n - have} people in {time.perf_counter() - started:.0f} s")
    publish_rules()
    total = Person.objects.count()
    marks: list[tuple[int, float]] = []
    step = max(total // 10, 1)

    def progress(result: RescreenResult) -> None:
        if result.total >= step * (len(marks) + 1):
            marks.append((result.total, rss_mb()))

    rss_before = rss_mb()
    started = time.perf_counter()
    result = rescreen_run(
        purpose="confidential_post",
        as_of=datetime.date(2025, 7, 1),
        batch_size=args.batch_size,
        progress=progress,
    )
    elapsed = time.perf_counter() - started
    out(f"people: {result.total}; rules: 10; batch: {args.batch_size}")
    out(f"elapsed: {elapsed:.1f} s; evaluations/s: {result.total / elapsed:,.0f}")
    out(f"outcomes: {dict(sorted(result.counts.items()))}")
    out(
        f"RSS before: {rss_before:.0f} MB; after each tenth: "
        + ", ".join(f"{m:.0f}" for _, m in marks)
    )
    import resource  # noqa: PLC0415

    out(f"peak RSS (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
