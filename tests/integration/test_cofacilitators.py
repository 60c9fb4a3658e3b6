"""Co-facilitators' links against the real `workshop serve --lan --cofacilitators`: the link opens the
facilitator views on the room's network and nothing else; no link, a wrong or revoked one, a
participant's cookie or the JupyterLab token opens nothing; a revoked device's kernels stop.
(Under TLS, the link and its cookie: test_serve.py, on its one server with `--tls auto`.)"""

import asyncio
import http.cookiejar
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest

from tests.helpers import (KERNEL_ID, Visitor, free_port, link_after, open_page, run_coroutine, serve, stop_serve,
                           wait_until)
from coproduction_kit.core.cofacilitator_links import COOKIE

pytestmark = pytest.mark.server
VIEWS = ("room", "projector", "session", "join_card")


@pytest.fixture(scope="module")
def served(tmp_path_factory, prepared_course):
    tmp = tmp_path_factory.mktemp("cofacilitators")
    process, lines = serve(tmp, "--lan", "--room", "0", "--cofacilitators", "Sam,Alex",
                           "--cofacilitator-port", str(free_port()), course=prepared_course)
    try:
        yield process, lines, tmp / "data"
    finally:
        stop_serve(process)


class Device(Visitor):
    """A co-facilitator's phone: cookies kept, redirects not followed (a refusal is seen as it is)."""

    def __init__(self, base):
        super().__init__(base)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def set_cookie(self, name, value, path="/"):
        host = self.base.split("/")[2].split(":")[0]
        self.jar.set_cookie(http.cookiejar.Cookie(0, name, value, None, False, host, False, False, path, True,
                                                  False, None, False, None, None, {}))


def home_and_secret(link):
    return link.split("?token=")[0], link.split("?token=")[1]


def open_link(link):
    home, secret = home_and_secret(link)
    device = Device(home)
    status, page = device.get(f"?token={secret}")
    return device, status, page


def channels_status(ws_url, cookie_header):
    """The HTTP status a websocket to a kernel's channels gets (101 when it opens)."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def attempt():
        try:
            socket = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": cookie_header,
                                                                            "Origin": ws_url.replace("ws://", "http://").split("/facilitate")[0]}))
            socket.close()
            return 101
        except HTTPClientError as err:
            return err.code
    return run_coroutine(attempt())


def try_to_run_code(ws_url, cookie_header, code):
    """Over a view's own kernel socket: a kernel-info request (answered), then ``code`` to execute.
    Returns the message types received."""
    import json
    import uuid

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    def message(msg_type, content):
        return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "x",
                                      "session": uuid.uuid4().hex, "date": "", "version": "5.3"},
                           "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
                           "buffers": []})

    async def attempt():
        origin = ws_url.replace("ws://", "http://").split("/facilitate")[0]
        socket = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": cookie_header, "Origin": origin}))
        await socket.write_message(message("kernel_info_request", {}))
        await socket.write_message(message("execute_request", {"code": code, "silent": False, "store_history": False,
                                                              "user_expressions": {}, "allow_stdin": False}))
        seen, deadline = [], time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(socket.read_message(), timeout=2)
            except asyncio.TimeoutError:
                if "kernel_info_reply" in seen:
                    break
                continue
            if raw is None:
                break
            if isinstance(raw, str):
                seen.append(json.loads(raw)["header"]["msg_type"])
        socket.close()
        return seen
    return run_coroutine(attempt())


def test_each_co_facilitator_link_opens_the_facilitator_views_on_the_rooms_network(served):
    process, lines, data = served
    sam, alex = link_after(lines, "Co-facilitator link for Sam"), link_after(lines, "Co-facilitator link for Alex")
    assert sam != alex and "/facilitate/?token=" in sam
    participant = link_after(lines, "Participant link")
    assert sam.split("/")[2].split(":")[0] == participant.split("/")[2].split(":")[0]  # the room's address
    port = int(sam.split(":")[2].split("/")[0])
    listening = [c for c in psutil.net_connections("tcp") if c.status == "LISTEN" and c.laddr.port == port]
    assert listening and all(c.laddr.ip in ("0.0.0.0", "::") for c in listening)  # reachable from the room
    assert oct((data / "cofacilitators.json").stat().st_mode & 0o777) == "0o600"

    device, status, page = open_link(sam)
    assert status == 200 and "signed in on this device as <strong>Sam</strong>" in page
    cookie = next(c for c in device.jar if c.name == COOKIE)
    assert cookie.path == "/facilitate/" and cookie.has_nonstandard_attr("HttpOnly")
    assert home_and_secret(sam)[1] not in cookie.value  # the cookie never gives the link back
    for view in VIEWS:
        status, page = device.get(f"voila/render/{view}.ipynb")
        assert status == 200 and KERNEL_ID.search(page), view
        assert "Traceback" not in page and "There was an error" not in page and "cdn.jsdelivr.net" not in page
    status, page = device.get("")  # the cookie alone, as the next visit
    assert status == 200 and "Room view" in page


def test_without_a_working_link_the_facilitator_views_are_refused(served):
    _, lines, _ = served
    home, secret = home_and_secret(link_after(lines, "Co-facilitator link for Sam"))
    stranger = Device(home)
    assert stranger.get("")[0] == 403
    assert stranger.get("voila/render/room.ipynb")[0] == 403
    assert stranger.get(f"?token={secret[:-2]}xx")[0] == 403  # a wrong link
    # The facilitators' JupyterLab token opens nothing here either.
    lab_token = link_after(lines, "Facilitator link").split("token=")[1]
    assert stranger.get(f"voila/render/room.ipynb?token={lab_token}")[0] == 403
    # A participant's cookie (the same host, another port: the browser sends it) opens nothing.
    participant = Visitor(link_after(lines, "Participant link").split("?")[0])
    participant.get("?token=" + link_after(lines, "Participant link").split("token=")[1])
    status, _ = participant.post("", pseudonym="curious-9")
    assert status == 200 and participant.cookie("workshop_participant")
    nosy = Device(home)
    nosy.set_cookie("workshop_participant", participant.cookie("workshop_participant"))
    assert nosy.get("")[0] == 403 and nosy.get("voila/render/room.ipynb")[0] == 403
    assert nosy.get("voila/render/projector.ipynb")[0] == 403


def test_a_link_reaches_no_workbench_no_files_and_no_other_page(served):
    _, lines, _ = served
    device, status, _ = open_link(link_after(lines, "Co-facilitator link for Sam"))
    assert status == 200
    root = device.base.split("/facilitate/")[0] + "/"
    outside = Device(root)
    outside.jar = device.jar
    outside.opener = device.opener
    for path in ("lab", "tree", "api/contents", "api/contents/room.ipynb", "terminals/1", "api/terminals",
                 "formgrader", "formgrader/manage_assignments", "api/kernels", "voila/render/room.ipynb"):
        assert outside.get(path)[0] == 404, path
    for path in ("lab", "tree", "api/contents", "api/terminals", "api/sessions", "terminals/1", "formgrader",
                 "voila/tree", "voila/files/room.ipynb", "api/kernels", "voila/render/cofacilitators.ipynb",
                 "voila/render/../modules/payment.ipynb", "voila/render/%2e%2e/modules/payment.ipynb", "login"):
        assert device.get(path)[0] in (403, 404), path
    # The facilitators' JupyterLab still listens on this machine only.
    lab_port = int(link_after(lines, "Facilitator link").split(":")[2].split("/")[0])
    listening = [c for c in psutil.net_connections("tcp") if c.status == "LISTEN" and c.laddr.port == lab_port]
    assert listening and all(c.laddr.ip in ("127.0.0.1", "::1") for c in listening)


def test_a_view_kernel_answers_only_its_co_facilitator_and_stops_when_the_link_is_revoked(served):
    process, lines, data = served
    sam, _, _ = open_link(link_after(lines, "Co-facilitator link for Sam"))
    alex, _, _ = open_link(link_after(lines, "Co-facilitator link for Alex"))
    alex_kernel = KERNEL_ID.search(alex.get("voila/render/room.ipynb")[1]).group(0)
    sam_kernel = KERNEL_ID.search(sam.get("voila/render/projector.ipynb")[1]).group(0)
    ws = sam.base.replace("http", "ws", 1) + "api/kernels/{}/channels"
    cookie_of = {name: f"{COOKIE}={next(c.value for c in d.jar if c.name == COOKIE)}"
                 for name, d in (("sam", sam), ("alex", alex))}
    assert channels_status(ws.format(alex_kernel), cookie_of["alex"]) == 101
    assert channels_status(ws.format(alex_kernel), cookie_of["sam"]) == 403  # not Sam's page
    assert sam.get(f"api/kernels/{alex_kernel}")[0] == 404
    # Even on their own view's socket, a co-facilitator's browser cannot run code on the laptop.
    planted = data / "planted-by-a-view"
    seen = try_to_run_code(ws.format(sam_kernel), cookie_of["sam"], f"open({str(planted)!r}, 'w').write('x')")
    assert "kernel_info_reply" in seen and "execute_reply" not in seen
    assert not planted.exists()

    def kernel_running(kernel_id):
        for child in psutil.Process(process.pid).children(recursive=True):
            try:
                if child.status() != psutil.STATUS_ZOMBIE and kernel_id in " ".join(child.cmdline()):
                    return True
            except psutil.Error:  # ended meanwhile
                continue
        return False

    assert kernel_running(alex_kernel) and kernel_running(sam_kernel)
    started = time.monotonic()
    revoked = subprocess.run([sys.executable, "-m", "coproduction_kit.cli", "--data-dir", str(data),
                              "facilitators", "revoke", "Alex"], capture_output=True, text=True)
    command_took = time.monotonic() - started
    assert revoked.returncode == 0 and "Revoked Alex's link" in revoked.stdout
    assert wait_until(lambda: not kernel_running(alex_kernel), seconds=15)
    stopped_after = time.monotonic() - started
    print(f"revoked device's kernel stopped {stopped_after:.1f} s after `workshop facilitators revoke` "
          f"started (the command itself took {command_took:.1f} s)")
    assert alex.get("")[0] == 403 and alex.get("voila/render/room.ipynb")[0] == 403
    assert open_link(link_after(lines, "Co-facilitator link for Alex"))[1] == 403  # the link itself is dead
    assert channels_status(ws.format(alex_kernel), cookie_of["alex"]) in (403, 404)
    assert kernel_running(sam_kernel) and sam.get("")[0] == 200  # the other co-facilitator carries on


def test_a_curious_participant_cannot_move_the_session_clock_from_their_page_kernel(served):
    """A participant's page kernel holds the store (it saves their answers), so the clock would be one
    statement away: but their browser cannot run code in it, only widget messages reach it."""
    from coproduction_kit.store import Store

    _, lines, data = served
    store = Store(f"sqlite:///{data / 'store.sqlite'}")
    try:
        store.act_on_session_clock("serve-test", "series", 2, "start")
        participant_link = link_after(lines, "Participant link")
        participant = Visitor(participant_link.split("?")[0])
        participant.get("?token=" + participant_link.split("token=")[1])
        assert participant.post("", pseudonym="curious-clock")[0] == 200
        kernel = open_page(participant, "orientation")
        cookies = "; ".join(f"{c.name}={c.value}" for c in participant.jar)
        ws = participant.base.replace("http", "ws", 1) + f"api/kernels/{kernel}/channels"
        planted = data / "planted-by-a-participant"
        code = ("from coproduction_kit.store import Store; from coproduction_kit.core.settings import load_config; "
                "c = load_config(); Store(c.store_url).act_on_session_clock(c.workshop_id, 'series', 2, 'pause'); "
                f"open({str(planted)!r}, 'w').write('x')")
        seen = try_to_run_code(ws, cookies, code)
        assert "kernel_info_reply" in seen and "execute_reply" not in seen  # the socket was theirs; no code ran
        assert store.session_clock("serve-test", "series", 2).running and not planted.exists()
    finally:
        store.close()


def test_wrong_links_are_limited_per_device(served):
    _, lines, _ = served
    home, secret = home_and_secret(link_after(lines, "Co-facilitator link for Sam"))
    guesser = Device(home)
    statuses = [guesser.get(f"?token=guess-{n}")[0] for n in range(11)]
    # Ten wrong tries a minute from one address (earlier tests here spent a few): then 429.
    first_refusal = statuses.index(429)
    assert 5 <= first_refusal <= 10 and set(statuses[:first_refusal]) == {403} and set(statuses[first_refusal:]) == {429}
    assert guesser.get(f"?token={secret}")[0] == 429  # even the right link, for the rest of the minute
    assert re.search("Too many wrong co-facilitator links", guesser.get("?token=x")[1])
