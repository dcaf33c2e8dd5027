"""Two sites in one test run: site A is the test database; site B is a SQLite file of its own,
driven through `bvct` subprocesses with their own environment (database, var/ folder, keys).

B's schema is made once per session from the models (Django's schema editor, as `migrate
--run-syncdb` does) instead of running every migration in a subprocess (a minute on this
machine); its rows come through `bvct` itself (`loaddata`, `site init`, `bundle import`, …)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.db.backends.sqlite3.base import DatabaseWrapper

from bvct.orgs.models import OrgUnit

BVCT = str(Path(sys.executable).with_name("bvct"))


def make_schema(path: Path) -> None:
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="site_b_schema",
    )
    try:
        with wrapper.schema_editor(atomic=False) as editor:
            for model in apps.get_models():
                if model._meta.managed and not model._meta.proxy:
                    editor.create_model(model)
    finally:
        wrapper.close()


@dataclass
class SiteB:
    folder: Path
    database: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            {
                "BVCT_SQLITE_PATH": str(self.database),
                "BVCT_VAR_DIR": str(self.folder / "var"),
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "BVCT_SITE_KEY_DIR": "",
            }
        )
        return env

    def bvct(self, *args: str) -> str:
        """Run `bvct ARGS` as site B; its stdout (a failure shows its stderr)."""
        done = subprocess.run(  # noqa: S603 (our own console script)
            [BVCT, *args], env=self.env(), capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def python(self, code: str) -> str:
        """Run Python code inside site B (`bvct shell -c`): several steps, one process."""
        return self.bvct("shell", "--no-imports", "-c", code)


def new_site_b(template: Path, folder: Path) -> SiteB:
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "site-b.sqlite3"
    shutil.copyfile(template, database)
    return SiteB(folder=folder, database=database)


def dump_tree(path: Path) -> Path:
    """Every site has the same official tree: B loads A's (`bvct loaddata`)."""
    path.write_text(serializers.serialize("json", OrgUnit.objects.order_by("path")))
    return path
