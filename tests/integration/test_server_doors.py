"""The standalone server's doors, each tried against a real server the way an attacker would.

- a module page with no participant starts no kernel; kernels are capped per participant and
  in all (issue #14 item 2);
- a kernel answers only to the participant whose page took it; no DELETE; no ids in the log (3);
- ``/voila/query/<id>`` opens only for the kernel's own key, once (4);
- a personal link asks before switching who this browser is (5);
- the join token is rate-limited; the server speaks HTTPS with ``--tls`` (13).
"""

from __future__ import annotations

import asyncio
import re
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import psutil
import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from tests.helpers import KERNEL_ID, Visitor, free_port, kernel_environment, open_page, start_voila, stop_voila, wait_in_log, wait_until
from coproduction_kit.store import Store
from coproduction_kit.server.kernel_doors import SETTLE_SECONDS

pytestmark = pytest.mark.server


def kernel_ids(server: psutil.Process) -> set[str]:
    """The kernels running under the server, from their processes' command lines."""
    found = set()
    for process in server.children(recursive=True):
        try:
            match = re.search(r"kernel-(" + KERNEL_ID.pattern + r")\.json", " ".join(process.cmdline()))
        except psutil.Error:
            continue
        if match and process.status() != psutil.STATUS_ZOMBIE:
            found.add(match.group(1))
    return found


def kernel_env(server: psutil.Process, kernel_id: str) -> dict:
    for process in server.children(recursive=True):
        try:
            if f"kernel-{kernel_id}.json" in " ".join(process.cmdline()):
                return process.environ()  # as the server gave it (a kernel started as its own process)
        except psutil.Error:
            continue
    raise AssertionError(f"no kernel {kernel_id}")


def in_thread(coroutine_function, *args):
    """Run a coroutine on a loop of its own (Playwright may hold this thread's loop)."""
    result = []
    worker = threading.Thread(target=lambda: result.append(asyncio.run(coroutine_function(*args))))
    worker.start()
    worker.join(timeout=120)
    return result[0]


async def try_socket(url: str, headers: dict | None = None, hold: float = 0.0, **options):
    """('open', first message or None) or ('refused', status)."""
    try:
        connection = await websocket_connect(HTTPRequest(url, headers=headers or {}, **options))
    except HTTPClientError as err:
        return "refused", err.code
    try:
        message = await asyncio.wait_for(connection.read_message(), hold) if hold else None
    except asyncio.TimeoutError:
        message = None
    connection.close()
    return "open", message


def request(url: str, method: str = "GET", cookie: str = "", context=None) -> int:
    headers = {"Cookie": cookie} if cookie else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method, headers=headers,
                                                           data=b"" if method != "GET" else None),
                                    timeout=60, context=context) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def cookie_header(visitor: Visitor) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in visitor.jar)


@pytest.fixture(scope="module")
def pooled(prepared):
    """A server with orientation preheated for one, and small caps: (url, process, log).

    Its kernels are not forked: a test reads a kernel's key from the environment the server gave
    it, which ``/proc`` shows only for a kernel started as a process of its own."""
    process, url = start_voila(prepared, args=(
        "--room", "1", "--pages", "orientation", "--reserve", "1", "--kernels-per-participant", "2",
        "--LeanKernelSpecs.fork=False"))
    log = Path(prepared.data_dir) / f"voila-{urlparse(url).port}.log"
    try:
        wait_in_log(log, r"Kernel pool of orientation\.ipynb is filled with 1")
        yield url, psutil.Process(process.pid), log
    finally:
        stop_voila(process)


# 2. Kernels for no one --------------------------------------------------------------------------

def test_a_module_page_without_a_participant_goes_to_the_start_page_and_starts_no_kernel(pooled):
    url, server, log = pooled
    before = kernel_ids(server)
    for cookie in ("", "workshop_participant=not-a-real-secret"):
        with urllib.request.urlopen(urllib.request.Request(
                url + "voila/render/payment.ipynb", headers={"Cookie": cookie} if cookie else {}), timeout=60) as r:
            assert r.url == url and "Choose a pseudonym" in r.read().decode()
        status, page = Visitor(url).get("voila/render/orientation.ipynb")  # the pooled page too
        assert status == 200 and "Choose a pseudonym" in page
    time.sleep(2)
    assert kernel_ids(server) == before
    assert "Using pre-heated kernel" not in log.read_text()


def test_a_participant_past_their_cap_gets_a_plain_page_and_no_kernel(pooled):
    url, server, _ = pooled
    visitor = Visitor(url)
    visitor.post("", pseudonym="many-tabs")
    first, second = open_page(visitor, "payment"), open_page(visitor, "power")
    host, cookie = urlparse(url).netloc, cookie_header(visitor)

    async def hold_both_then_open_a_third():
        sockets = [await websocket_connect(HTTPRequest(f"ws://{host}/api/kernels/{k}/channels",
                                                       headers={"Cookie": cookie})) for k in (first, second)]
        before = kernel_ids(server)
        status, page = await asyncio.get_running_loop().run_in_executor(
            None, visitor.get, "voila/render/authorship.ipynb")
        after = kernel_ids(server)
        for socket in sockets:
            socket.close()
        return status, page, after - before

    status, page, started = in_thread(hold_both_then_open_a_third)
    assert status == 429 and "You already have several module pages open" in page
    assert started == set()
    # Their two pages closed, the third opens: closed pages give their places back.
    time.sleep(SETTLE_SECONDS + 1)
    assert visitor.get("voila/render/authorship.ipynb")[0] == 200


def test_a_burst_of_page_requests_from_one_participant_starts_no_more_than_the_cap(pooled):
    from concurrent.futures import ThreadPoolExecutor

    url, server, _ = pooled
    visitor = Visitor(url)
    visitor.post("", pseudonym="burst")
    before = kernel_ids(server)
    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = sorted(s for s, _ in pool.map(visitor.get, ["voila/render/payment.ipynb"] * 5))
    assert statuses == [200, 200, 429, 429, 429]
    assert len(kernel_ids(server) - before) <= 2


def test_the_server_past_its_total_cap_asks_people_to_wait(prepared):
    process, url = start_voila(prepared, args=("--max-kernels", "1"))
    try:
        first = Visitor(url)
        first.post("", pseudonym="first-in")
        open_page(first, "payment")
        late = Visitor(url)
        late.post("", pseudonym="late-comer")
        status, page = late.get("voila/render/payment.ipynb")
        assert status == 503 and "The workshop server is busy" in page
    finally:
        stop_voila(process)


# 3. A kernel id is a key ------------------------------------------------------------------------

def test_only_the_owner_reaches_a_kernel_and_nobody_deletes_it(pooled, prepared):
    url, server, log = pooled
    owner, other = Visitor(url), Visitor(url)
    owner.post("", pseudonym="kernel-owner")
    other.post("", pseudonym="kernel-neighbour")
    kernel = open_page(owner, "orientation")  # from the pool: owned by whoever's request took it
    channels = f"ws://{urlparse(url).netloc}/api/kernels/{kernel}/channels"

    assert in_thread(try_socket, channels) == ("refused", 403)
    assert in_thread(try_socket, channels, {"Cookie": cookie_header(other)}) == ("refused", 403)
    assert in_thread(try_socket, channels, {"Cookie": cookie_header(owner)})[0] == "open"

    api = f"{url}api/kernels/{kernel}"
    assert request(api) == 404 and request(api, cookie=cookie_header(other)) == 404
    assert request(api, cookie=cookie_header(owner)) == 200
    for cookie in ("", cookie_header(other), cookie_header(owner)):
        assert request(api, "DELETE", cookie) in (403, 405)
        assert request(api + "/interrupt", "POST", cookie) in (403, 404, 405)
        assert request(api + "/restart", "POST", cookie) in (403, 404, 405)
        assert request(f"{url}voila/api/shutdown/{kernel}", "POST", cookie) in (403, 404)
    assert kernel in kernel_ids(server)

    # No kernel id (nor any other id) in the server's log, at any level written.
    text = log.read_text()
    assert "Kernel started: #" in text and "/channels" in text
    assert kernel not in text and not KERNEL_ID.search(text)


# 4. /voila/query ------------------------------------------------------------------------------

def test_the_request_socket_opens_only_for_the_kernels_own_key_and_once(pooled, prepared):
    url, server, _ = pooled
    host = urlparse(url).netloc
    store = Store(prepared.store_url)

    def waiting_in_pool():
        taken = set(store.page_kernel_ids(prepared.workshop_id))
        return [k for k in kernel_ids(server)
                if k not in taken and kernel_env(server, k).get("VOILA_PREHEAT") == "True"]

    assert wait_until(waiting_in_pool), "no pooled kernel"
    pooled_kernel = waiting_in_pool()[0]
    query = f"ws://{host}/voila/query/{pooled_kernel}"
    # A stranger who learnt a pooled kernel's id listens for the next participant's cookie.
    assert in_thread(try_socket, query) == ("refused", 403)
    assert in_thread(try_socket, query, {"X-Workshop-Kernel-Key": "0" * 64}) == ("refused", 403)

    visitor = Visitor(url)
    visitor.post("", pseudonym="query-victim")
    assert open_page(visitor, "orientation") == pooled_kernel
    me = store.participant_by_pseudonym(prepared.workshop_id, "query-victim")
    assert wait_until(lambda: pooled_kernel in store.page_kernel_ids(prepared.workshop_id)), "page never bound"
    assert me is not None

    # Even with the kernel's own key, a second socket is refused: nothing is kept to replay.
    key = kernel_env(server, pooled_kernel).get("WORKSHOP_KERNEL_KEY")
    assert key
    assert in_thread(try_socket, query, {"X-Workshop-Kernel-Key": key}, 2.0) == ("refused", 409)


# 5. ?resume= ------------------------------------------------------------------------------------

def test_a_personal_link_says_who_you_will_continue_as_and_switches_only_on_a_button(voila_server):
    sam = Visitor(voila_server)
    sam.post("", pseudonym="resume-sam")
    secret = sam.cookie("workshop_participant")
    kim = Visitor(voila_server)
    kim.post("", pseudonym="resume-kim")
    kims = kim.cookie("workshop_participant")

    with kim.opener.open(f"{voila_server}?resume={secret}", timeout=60) as response:
        page = response.read().decode()
        assert response.headers["Referrer-Policy"] in ("no-referrer", "strict-origin")
        assert "no-store" in response.headers["Cache-Control"]
    assert "Continue as resume-sam" in page
    assert "This browser is signed in as <strong>resume-kim</strong>" in page
    assert kim.cookie("workshop_participant") == kims  # opening the link changed nothing

    assert kim.post("resume", resume=secret, _xsrf="forged")[0] == 403
    assert kim.cookie("workshop_participant") == kims
    with kim.opener.open(f"{voila_server}resume", data=urllib.parse.urlencode(
            {"resume": secret, "_xsrf": kim.cookie("_xsrf")}).encode(), timeout=60) as response:
        assert response.url == voila_server  # redirected after the POST: no secret in the address
        assert "You are taking part as <strong>resume-sam</strong>" in response.read().decode()
    assert kim.cookie("workshop_participant") == secret

    status, page = Visitor(voila_server).get("?resume=not-a-real-secret")
    assert status == 404 and "This personal link does not work" in page


# 13. Join token and HTTPS ---------------------------------------------------------------------

def test_wrong_join_tokens_are_limited_per_address(prepared):
    token = "right-" + "x" * 40
    process, url = start_voila(prepared, env={"WORKSHOP_JOIN_TOKEN": token}, ready=f"?token={token}")
    try:
        assert request(f"{url}?token={token}") == 200
        participant = Visitor(url)
        participant.get(f"?token={token}")
        _, page = participant.post("", pseudonym="on-the-lan")
        assert f"?token={token}&amp;resume={participant.cookie('workshop_participant')}" in page
        kernel = open_page(participant, "payment")
        kernel_process = next(p for p in psutil.Process(process.pid).children(recursive=True)
                              if f"kernel-{kernel}.json" in " ".join(p.cmdline()))
        assert token not in str(kernel_environment(kernel_process))  # kernels never get it
        # Five guesses in the login form, five in links: all counted against this address.
        form = Visitor(url)
        statuses = [form.post("login", password=f"typed-{n}")[0] for n in range(5)]
        statuses += [request(f"{url}?token=guess-{n}") for n in range(5)]
        assert 429 not in statuses
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}?token=guess-11", timeout=30)
        assert refused.value.code == 429
        assert "Too many wrong join links" in refused.value.read().decode()
        assert request(f"{url}?token={token}") == 429  # even the right one, until the minute is over
    finally:
        stop_voila(process)


def test_with_tls_pages_are_https_cookies_secure_and_pooled_pages_still_bind(prepared, tmp_path):
    from coproduction_kit.server.join_door import self_signed_certificate

    cert, key = self_signed_certificate(tmp_path, ["127.0.0.1"])
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    port = free_port()
    log_path = Path(prepared.data_dir) / f"voila-{port}.log"
    process, _ = start_voila(prepared, port, ready=None, args=(
        "--room", "1", "--pages", "orientation", "--reserve", "1", "--tls-cert", str(cert), "--tls-key", str(key)))
    try:
        wait_in_log(log_path, r"Kernel pool of orientation\.ipynb is filled with 1")
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        url = f"https://127.0.0.1:{port}/"
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                             urllib.request.HTTPCookieProcessor())
        with opener.open(url, timeout=60) as response:
            form = response.read().decode()
            xsrf_header = response.headers.get_all("Set-Cookie") or []
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form).group(1)
        assert any("_xsrf" in c and "Secure" in c for c in xsrf_header)
        data = urllib.parse.urlencode({"pseudonym": "over-tls", "_xsrf": xsrf}).encode()
        handler = _NoRedirect()
        plain = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), handler)
        cookie = "; ".join(c.split(";")[0] for c in xsrf_header)
        try:
            plain.open(urllib.request.Request(url, data=data, headers={"Cookie": cookie}), timeout=60)
        except urllib.error.HTTPError as redirect:
            set_cookie = redirect.headers.get_all("Set-Cookie")
        participant = next(c for c in set_cookie if c.startswith("workshop_participant="))
        assert "Secure" in participant and "HttpOnly" in participant
        secret = participant.split(";")[0]
        with urllib.request.urlopen(urllib.request.Request(
                url + "voila/render/orientation.ipynb", headers={"Cookie": secret}), timeout=120, context=context) as r:
            kernel = KERNEL_ID.search(r.read().decode()).group(0)
        store = Store(prepared.store_url)
        # The pooled kernel learnt its participant over wss:// with the server's own certificate.
        assert wait_until(lambda: kernel in store.page_kernel_ids(prepared.workshop_id)), log_path.read_text()[-2000:]
        with pytest.raises(Exception):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
    finally:
        stop_voila(process)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_each_serve_gets_a_new_long_join_token_readable_only_by_its_user(tmp_path):
    from coproduction_kit.server.serve import new_join_token

    first, second = new_join_token(tmp_path), new_join_token(tmp_path)
    assert first != second and len(first) >= 43  # 256 bits in URL-safe base64
    assert (tmp_path / "join-token").read_text() == second
    assert oct((tmp_path / "join-token").stat().st_mode & 0o777) == "0o600"


def test_log_records_are_masked_where_they_are_made(caplog):
    import logging

    from coproduction_kit.server.log_privacy import install, mask

    kernel = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    assert kernel not in mask(f"Kernel started: {kernel}") and "#" in mask(f"Kernel started: {kernel}")
    assert mask("302 GET /login?next=%2F%3Fresume%3Dsecret-1") == "302 GET /login?next=%2F%3Fresume%3D…"
    assert mask("GET /?token=abc&resume=def") == "GET /?token=…&resume=…"
    install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("tornado.access").info("101 GET /api/kernels/%s/channels", kernel)
    assert kernel not in caplog.text and "/api/kernels/#" in caplog.text


def test_the_join_card_asks_to_scan_a_link_too_long_to_type():
    from coproduction_kit.widgets.join_card import join_card_html

    card = join_card_html("http://10.0.0.2:8866/?token=" + "x" * 43, "Workshop")
    assert "Scan the code" in card and "type the address" not in card
    assert "type the address" in join_card_html("http://127.0.0.1:8866/", "Workshop")


# Nothing else ----------------------------------------------------------------------------------

GUESSED_KERNEL = "5f0c2d1e-8b7a-4c3d-9e2f-1a2b3c4d5e6f"  # fixed: the same test ids in every run and worker


@pytest.mark.parametrize("path", [
    "api/kernels", f"api/kernels/{GUESSED_KERNEL}", "api/contents", "api/sessions", "lab", "tree",
    "voila/tree", "voila/api/contents/", "voila/files/payment.ipynb", "voila/files/../workshop-data/store.sqlite",
    "voila/render/%2e%2e/facilitator_views/room.ipynb", "voila/render/../facilitator_views/room.ipynb",
    "voila/render/../facilitator_views/figures.ipynb",
    "formgrader", "store.sqlite", "feedback/payment", "journal.md",
])
def test_guessed_urls_reach_nothing(voila_server, path):
    status, _ = Visitor(voila_server).get(path)
    assert status in (403, 404), f"{path} answered {status}"
