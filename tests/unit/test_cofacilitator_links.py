"""Co-facilitators' links: long random secrets in a private file, a derived cookie, revocation."""

import json
import os

import pytest

from tests.helpers import run_coroutine

from coproduction_kit.core.cofacilitator_links import (
    CofacilitatorLinks, LinkError, check_name, cookie_for, names_from_option,
)


def test_a_number_or_names_give_the_co_facilitators(tmp_path):
    assert names_from_option("2") == ["co-facilitator-1", "co-facilitator-2"]
    assert names_from_option(" Sam, Alex ") == ["Sam", "Alex"]
    assert names_from_option("") == []
    for bad in ("../x", "Sam,Sam", "a b", "<script>", "x" * 31, "11"):
        with pytest.raises(LinkError):
            names_from_option(bad)
    with pytest.raises(LinkError, match="1 to 30 characters"):
        check_name("")


def test_links_are_long_random_secrets_in_a_file_for_this_user_only(tmp_path):
    links = CofacilitatorLinks(tmp_path)
    made = links.ensure(["Sam", "Alex"])
    assert len(set(made.values())) == 2 and all(len(secret) >= 43 for secret in made.values())  # 256 bits
    assert oct(links.path.stat().st_mode & 0o777) == "0o600"
    assert links.ensure(["Sam"]) == {"Sam": made["Sam"]}  # a restart keeps working links
    assert not list(tmp_path.glob("*.new"))  # replaced whole, nothing left half-written


def test_the_cookie_is_derived_from_the_secret_and_names_its_owner(tmp_path):
    links = CofacilitatorLinks(tmp_path)
    secret = links.add("Sam")
    cookie = cookie_for(secret)
    assert secret not in cookie and links.who(cookie) == "Sam" and links.by_secret(secret) == "Sam"
    altered = cookie[:-1] + ("1" if cookie.endswith("0") else "0")  # one character off (a cookie may end in 0)
    for wrong in (None, "", secret, altered, "workshop_participant=abc"):
        assert links.who(wrong) is None
    assert links.by_secret(secret[:-1]) is None


def test_revoking_stops_the_link_and_its_cookie_for_a_server_already_reading_the_file(tmp_path):
    server = CofacilitatorLinks(tmp_path)  # as the running server holds it
    secret = CofacilitatorLinks(tmp_path).add("Sam")
    cookie = cookie_for(secret)
    assert server.who(cookie) == "Sam"
    CofacilitatorLinks(tmp_path).revoke("Sam")  # as `workshop facilitators revoke Sam` does
    assert server.who(cookie) is None and server.by_secret(secret) is None
    entry = json.loads(server.path.read_text())["links"][0]
    assert entry["secret"] is None and entry["revoked"]
    with pytest.raises(LinkError, match="no working link"):
        server.revoke("Sam")
    renewed = server.add("Sam")  # a new link for the same person: the old device stays out
    assert server.who(cookie) is None and server.who(cookie_for(renewed)) == "Sam"


def test_a_broken_links_file_lets_no_one_in(tmp_path):
    links = CofacilitatorLinks(tmp_path)
    cookie = cookie_for(links.add("Sam"))
    links.path.write_text("{not json")
    os.utime(links.path, ns=(1, 1))
    assert links.who(cookie) is None
    with pytest.raises(LinkError, match="cannot be read"):
        links.revoke("Sam")


def test_the_revoke_button_on_the_leads_page_revokes_the_link(tmp_path):
    from coproduction_kit.core.cofacilitator_links import HOME_FILE
    from coproduction_kit.widgets.cofacilitator_card import cofacilitator_cards

    links = CofacilitatorLinks(tmp_path)
    sam, alex = links.add("Sam"), links.add("Alex")
    (tmp_path / HOME_FILE).write_text("https://192.0.2.1:8868/facilitate/\n")
    page = cofacilitator_cards(tmp_path)

    def texts(widget):
        own = getattr(widget, "value", None)
        return (own if isinstance(own, str) else "") + "".join(texts(c) for c in getattr(widget, "children", ()))
    shown = texts(page)
    assert f"https://192.0.2.1:8868/facilitate/?token={sam}" in shown and "QR code for the co-facilitator link of Alex" in shown
    button = next(b for card in page.children[1:] for b in card.children if getattr(b, "description", "") == "Revoke Alex's link")
    button.click()
    assert links.who(cookie_for(alex)) is None and links.who(cookie_for(sam)) == "Sam"
    assert alex not in texts(page) and "Revoked Alex's link" in texts(page)


def test_serve_makes_links_only_for_the_rooms_network(tmp_path):
    from types import SimpleNamespace

    from coproduction_kit.server.serve import _cofacilitator_links

    with pytest.raises(ValueError, match="--cofacilitators needs --lan"):
        _cofacilitator_links(SimpleNamespace(cofacilitators="2", lan=False), tmp_path)
    assert _cofacilitator_links(SimpleNamespace(cofacilitators="", lan=False), tmp_path) == {}
    made = _cofacilitator_links(SimpleNamespace(cofacilitators="Sam,Alex", lan=True), tmp_path)
    assert sorted(made) == ["Alex", "Sam"]
    CofacilitatorLinks(tmp_path).revoke("Alex")
    # A restart without the option serves the links still working, and no revoked one.
    assert _cofacilitator_links(SimpleNamespace(cofacilitators="", lan=True), tmp_path) == {"Sam": made["Sam"]}


def test_the_servers_sweep_stops_the_kernels_of_a_revoked_or_replaced_link(tmp_path):
    """The co-facilitators' server's once-a-second sweep, against a stand-in kernel manager."""

    from coproduction_kit.core.cofacilitator_links import device_key
    from coproduction_kit.server.facilitator_door import FacilitatorKernels

    class Kernels:
        def __init__(self):
            self.running = {"sam-old", "sam-new", "alex"}

        def list_kernel_ids(self):
            return list(self.running)

        async def shutdown_kernel(self, kernel_id, now=False):
            self.running.discard(kernel_id)

    links = CofacilitatorLinks(tmp_path)
    old_sam, alex = links.add("Sam"), links.add("Alex")
    manager = Kernels()
    owners = FacilitatorKernels(manager, CofacilitatorLinks(tmp_path))
    owners.record("sam-old", device_key("Sam", old_sam))
    owners.record("alex", device_key("Alex", alex))
    run_coroutine(owners.sweep())
    assert manager.running == {"sam-old", "sam-new", "alex"}  # every link works: nothing stops
    new_sam = links.add("Sam")  # a new link for Sam (a lost phone): the old phone's pages stop
    owners.record("sam-new", device_key("Sam", new_sam))
    links.revoke("Alex")
    run_coroutine(owners.sweep())
    assert manager.running == {"sam-new"} and owners.count(device_key("Sam", new_sam)) == 1
