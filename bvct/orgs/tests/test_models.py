"""The subtree filter: its bound is right for every path, and both databases answer it from the
unique index on `path`."""

from __future__ import annotations

from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from bvct.orgs.models import PATH_ALPHABET, OrgUnit, subtree_upper_bound
from conftest import Tree

steps = st.text(alphabet=PATH_ALPHABET, min_size=4, max_size=4)
paths = st.lists(steps, min_size=1, max_size=4).map("".join)


def test_upper_bound_increments_the_last_character_that_can_grow() -> None:
    assert subtree_upper_bound("0001") == "0002"
    assert subtree_upper_bound("0009") == "000A"
    assert subtree_upper_bound("0001ZZZZ") == "0002"
    assert subtree_upper_bound("ZZZZ") is None


@settings(max_examples=200, deadline=None)
@given(path=paths, other=paths)
def test_bound_separates_the_subtree_from_every_other_path(path: str, other: str) -> None:
    # the subtree filter is path <= p < bound; paths are compared as the database's C collation
    upper = subtree_upper_bound(path)
    in_filter = path <= other and (upper is None or other < upper)
    assert in_filter == other.startswith(path)


def _sqlite_path_index() -> str:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA index_list('orgs_orgunit')")
        names = [row[1] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f"PRAGMA index_info('{name}')")
            if [row[2] for row in cursor.fetchall()] == ["path"]:
                return str(name)
    raise AssertionError("no index on orgs_orgunit.path")


def _postgres_path_index() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'orgs_orgunit'"
            " AND indexdef LIKE %s AND indexdef NOT LIKE %s",
            ["%(path)", "%pattern_ops%"],
        )
        return str(cursor.fetchone()[0])


def test_subtree_query_uses_the_path_index(tree: Tree) -> None:
    # given the subtree query that every jurisdiction check runs
    query = OrgUnit.objects.filter(OrgUnit.subtree_filter(tree.prov_a.path)).order_by()
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # when SQLite plans it
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            # then it searches a range of the path index
            assert (
                plan
                == f"SEARCH orgs_orgunit USING INDEX {_sqlite_path_index()} (path>? AND path<?)"
            )
        else:
            # when PostgreSQL plans it with sequential and bitmap scans ruled out
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            lines = [row[0] for row in cursor.fetchall()]
            # then it scans a range of the path index
            assert lines[0].startswith(f"Index Scan using {_postgres_path_index()} on orgs_orgunit")
            assert lines[1].strip() == (
                "Index Cond: (((path)::text >= '00010001'::text)"
                " AND ((path)::text < '00010002'::text))"
            )
    # and the query returns exactly the subtree
    assert list(query.order_by("path")) == [
        tree.prov_a,
        tree.commune_a1,
        tree.grassroots_a1,
        tree.branch_a1,
        tree.commune_a2,
    ]
