"""Pages: the queue per peer, making and downloading a bundle, uploading one; operators only."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.exchange import services
from bvct.exchange.models import Bundle
from bvct.exchange.tests.factories import FakePeer, make_site
from bvct.exchange.tests.test_services import _report_item, _sent_request
from conftest import Tree


def test_an_operator_makes_downloads_and_the_peer_reads_the_bundle(
    client: Client, tree: Tree
) -> None:
    # given a site serving Tỉnh A, a peer serving Tỉnh B, and a request waiting for it
    make_site(tree.prov_a)
    peer_b = FakePeer("B", [tree.prov_b])
    peer = peer_b.pin()
    request = _sent_request(tree)
    operator = make_user(org_unit=tree.prov_a, roles=(RoleCode.CLERK,))
    client.force_login(operator)
    # when the operator opens the exchange and the queue
    index = client.get(reverse("exchange:index"))
    queue = client.get(reverse("exchange:peer-queue", kwargs={"pk": peer.pk}))
    # then the fingerprint and the waiting request show
    assert services.fingerprint() in index.content.decode()
    assert f"A/request/{request.pk}" in queue.content.decode()
    # when they make the bundle and download it
    made = client.post(reverse("exchange:peer-export", kwargs={"pk": peer.pk}))
    bundle = Bundle.objects.get(direction="out")
    assert made["Location"] == reverse("exchange:bundle-detail", kwargs={"pk": bundle.pk})
    detail = client.get(made["Location"])
    assert "Đã gửi, chưa có biên nhận" in detail.content.decode()
    download = client.get(reverse("exchange:bundle-download", kwargs={"pk": bundle.pk}))
    data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    # then the peer opens it with its own key, and the download is audited
    assert [i["id"] for i in peer_b.open(data).items] == [f"A/request/{request.pk}"]
    assert AuditEvent.objects.filter(action="exchange.bundle.download").count() == 1


def test_an_upload_is_verified_and_a_truncated_file_explained(client: Client, tree: Tree) -> None:
    make_site(tree.prov_a)
    peer_b = FakePeer("B", [tree.prov_b])
    peer_b.pin()
    client.force_login(make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,)))
    data = peer_b.seal([_report_item(1)])
    # when a truncated copy is uploaded
    cut = client.post(
        reverse("exchange:bundle-upload"),
        {"file": SimpleUploadedFile("b.bvct", data[:-3])},
    )
    # then the page says so and nothing was recorded
    assert "Tệp gói bị cắt cụt" in cut.content.decode()
    assert not Bundle.objects.exists()
    # when the whole file is uploaded, it is applied and its page shows the outcome
    whole = client.post(
        reverse("exchange:bundle-upload"), {"file": SimpleUploadedFile("b.bvct", data)}
    )
    bundle = Bundle.objects.get(direction="in")
    assert whole["Location"] == reverse("exchange:bundle-detail", kwargs={"pk": bundle.pk})
    assert "Đã áp dụng" in client.get(whole["Location"]).content.decode()


def test_a_clerk_below_the_served_root_does_not_handle_bundles(client: Client, tree: Tree) -> None:
    make_site(tree.prov_a)
    peer = FakePeer("B", [tree.prov_b]).pin()
    client.force_login(make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,)))
    assert client.get(reverse("exchange:peer-queue", kwargs={"pk": peer.pk})).status_code == 404
    refused = client.post(reverse("exchange:peer-export", kwargs={"pk": peer.pk}))
    assert refused.status_code == 404
    assert not Bundle.objects.exists()
    assert "văn thư và chuyên viên" in client.get(reverse("exchange:index")).content.decode()


def test_an_officer_queues_a_case_transfer_from_its_page(client: Client, tree: Tree) -> None:
    from bvct.exchange.models import CaseTransfer  # noqa: PLC0415
    from bvct.vetting.tests.factories import make_case  # noqa: PLC0415

    make_site(tree.prov_a)
    FakePeer("B", [tree.prov_b]).pin()
    case = make_case(org_unit=tree.commune_a1)
    client.force_login(make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,)))
    url = reverse("exchange:case-transfer", kwargs={"pk": case.pk})
    assert client.get(url).status_code == 200
    # a unit this site serves needs no transfer
    local = client.post(url, {"to_unit": "X-A2", "reason": "Chuyển sinh hoạt"})
    assert "không cần chuyển giao" in local.content.decode()
    # a unit of site B is queued
    done = client.post(url, {"to_unit": "x-b1", "reason": "Chuyển sinh hoạt"})
    assert done["Location"] == case.get_absolute_url()
    assert CaseTransfer.objects.get().to_unit == tree.commune_b1
