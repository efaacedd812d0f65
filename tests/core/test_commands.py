from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from tests.core.tasks import rename_organization
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_is_idempotent_and_every_demo_account_signs_in() -> None:
    first = run("demo")
    run("demo")

    # The demo fair adds hundreds of participant accounts; these are the ones that sign in.
    demo_users = User.all_objects.filter(
        organization__service_name="demo",
        username__in=["admin", "agent1", "agent2", "buyer1", "organizer", "seller1"],
    ).order_by("username")
    assert [(u.username, u.role) for u in demo_users] == [
        ("admin", Role.ORG_ADMIN),
        ("agent1", Role.AGENT),
        ("agent2", Role.AGENT),
        ("buyer1", Role.PARTICIPANT),
        ("organizer", Role.FAIR_ORGANIZER),
        ("seller1", Role.PARTICIPANT),
    ]
    assert "demo2         admin" in first
    for user in [*demo_users, User.all_objects.get(organization__service_name="demo2")]:
        client = Client()
        response = client.post(
            "/login/",
            {
                "service_name": user.organization.service_name,
                "username": user.username,
                "password": "demo1234!",
            },
        )
        assert response.status_code == 302, user.username
        assert client.get("/").status_code == 302
        assert not user.must_change_password


def test_org_create_opens_a_tenant_whose_admin_must_change_the_password() -> None:
    output = run("org", "create", "newco", "--name", "뉴코", "--licenses", "4")

    organization = Organization.objects.get(service_name="newco")
    admin = User.all_objects.get(organization=organization)
    password = output.split("initial password ")[1].split(" ")[0]
    assert (organization.licensed_agents, admin.role, admin.must_change_password) == (
        4,
        Role.ORG_ADMIN,
        True,
    )
    assert admin.check_password(password)


def test_org_create_refuses_a_taken_service_name_ignoring_case(organization: Organization) -> None:
    with pytest.raises(CommandError, match=r"service_name: 이미 사용 중인 서비스명입니다\."):
        run("org", "create", "ACME", "--name", "copy")


def test_org_licenses_cannot_go_below_registered_agents(organization: Organization) -> None:
    for _ in range(2):
        make_user(organization=organization, role=Role.AGENT)

    with pytest.raises(CommandError, match=r"상담원 2명이 등록되어 있습니다"):
        run("org", "licenses", "acme", "1")
    run("org", "licenses", "acme", "10")

    organization.refresh_from_db()
    assert organization.licensed_agents == 10


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_tasks(organization: Organization) -> None:
    database = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=database):
        result = rename_organization.enqueue(organization_id=organization.pk, name="바뀐 이름")
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
        result.refresh()

    organization.refresh_from_db()
    assert organization.name == "바뀐 이름"
    assert result.return_value == "바뀐 이름"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_starts_the_web_server_and_the_worker(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SANGDAM_DATA_DIR": str(tmp_path),
        "DEBUG": "true",
    }
    env.pop("DATABASE_URL", None)
    sangdam = [sys.executable, "-m", "sangdam.cli"]
    subprocess.run([*sangdam, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen(
        [*sangdam, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        for _attempt in range(100):
            try:
                body = (
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    .read()
                    .decode()
                )
                break
            except OSError:
                time.sleep(0.2)
        assert body == '{"status": "ok"}'
        children = _descendants(server.pid)
        assert any("sangdam.cli worker" in command for command in children.values())
        assert any("daphne" in command for command in children.values())
    finally:
        # Only the serve process gets the signal, as from a service manager.
        server.terminate()
        server.communicate(timeout=30)
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []


def _descendants(root: int) -> dict[int, str]:
    """Every process below ``root``, with its command line."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().split(") ")[1].split()[1])
            commands[int(entry.name)] = (
                (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            )
        except (OSError, IndexError, ValueError):
            continue
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = commands.get(pid, "")
                frontier.append(pid)
    return found
