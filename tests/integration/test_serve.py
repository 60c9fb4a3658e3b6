"""`workshop serve` from the command line: it prepares, starts both servers and prints the links."""

import http.client
import re
import ssl
import urllib.request

import psutil
import pytest

from tests.helpers import free_port, link_after, serve, status_of, stop_serve, wait_in_log
from coproduction_kit.core.cofacilitator_links import COOKIE
from coproduction_kit.server.serve import PLAIN_HTTP_WARNING

pytestmark = pytest.mark.server


def test_serve_prints_working_participant_and_facilitator_links(tmp_path, prepared_course):
    # From a course prepared once for the run; test_package.py's serve prepares one from nothing.
    process, lines = serve(tmp_path, "--session", "1", "--format", "half-day", "--room", "2", course=prepared_course)
    try:
        # Today's first page (the half-day begins with the orientation's agreements) is made ready for the room.
        assert "Making today's first page (orientation) ready for 2 people; later pages follow the room." in lines
        wait_in_log(tmp_path / "data" / "logs" / "participants.log", r"Kernel pool of orientation\.ipynb is filled with 2")
        participant = link_after(lines, "Participant link")
        facilitator = link_after(lines, "Facilitator link")
        assert participant.startswith("http://127.0.0.1:")
        assert "token=" in facilitator and "token=" not in participant
        assert status_of(participant)[0] == 200
        assert status_of(facilitator)[0] == 200
        token = facilitator.split("token=")[1]
        base = facilitator.split("lab?")[0]
        # formgrader answers behind the facilitator token, and not without it
        assert status_of(f"{base}formgrader/manage_assignments?token={token}")[0] == 200
        assert status_of(f"{base}formgrader/manage_assignments")[1].count("/login") == 1
        assert (tmp_path / "data" / "course" / "release" / "payment" / "payment.ipynb").exists()
        # The facilitator views render behind the token, with the workshop's offline template.
        for heading in ("Room view", "Projector", "Session plan", "Join card"):
            link = link_after(lines, heading)
            with urllib.request.urlopen(link, timeout=120) as response:
                page = response.read().decode()
            assert "Traceback" not in page and "There was an error" not in page, heading
            assert "cdn.jsdelivr.net" not in page
        view = link_after(lines, "Room view").split("?")[0]
        assert status_of(view)[1].count("/login") == 1  # not without the token
    finally:
        assert stop_serve(process) == 0


def mode(path):
    return oct(path.stat().st_mode & 0o777)


def secrets_on_command_lines(process, secrets):
    """Command lines of ``serve`` and its servers that show one of ``secrets`` (``ps`` shows them to all)."""
    shown = []
    for each in [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]:
        try:
            line = " ".join(each.cmdline())
        except psutil.Error:
            continue
        shown += [line for secret in secrets if secret in line]
    return shown


def test_serving_to_the_local_network_requires_the_join_token(tmp_path, prepared_course):
    data = tmp_path / "data"
    data.mkdir()
    (data / "join-token").write_text("stale-token")  # from an earlier day: never used again
    # One page made ready for one person: a pooled kernel among the processes checked below,
    # without the twelve that a room's default would start on a 2-core test machine.
    process, lines = serve(tmp_path, "--lan", "--today", "payment", "--room", "1", course=prepared_course)
    try:
        participant = link_after(lines, "Participant link")
        assert "?token=" in participant
        port = participant.split(":")[2].split("/")[0]
        local = f"http://127.0.0.1:{port}/"
        status, landed = status_of(local)
        assert "/login" in landed  # no token: sent to the login page, not the workshop
        token = participant.split("token=")[1]
        assert status_of(f"{local}?token={token}") == (200, f"{local}?token={token}")
        assert len(token) >= 43 and (data / "join-token").read_text() == token  # 256 bits, new today
        assert PLAIN_HTTP_WARNING in lines  # no TLS: the room is told its typing can be read
        facilitator_token = link_after(lines, "Facilitator link").split("token=")[1]
        for name in ("join-token", "facilitator-token", "participant-link.txt", "facilitators_config.py",
                     "logs/participants.log", "logs/facilitators.log"):
            assert mode(data / name) == "0o600", name
        assert secrets_on_command_lines(process, [token, facilitator_token]) == []
        assert token not in (data / "logs" / "participants.log").read_text()
    finally:
        stop_serve(process)


@pytest.fixture(scope="module")
def served_with_tls(tmp_path_factory, prepared_course):
    """One `serve --lan --tls auto` with a co-facilitator for the two tests below (one server, not two)."""
    tmp = tmp_path_factory.mktemp("tls")
    process, lines = serve(tmp, "--lan", "--tls", "auto", "--room", "0", "--cofacilitators", "1",
                           "--cofacilitator-port", str(free_port()), course=prepared_course)
    try:
        yield lines, tmp / "data"
    finally:
        stop_serve(process)


def test_serving_with_tls_auto_prints_the_fingerprint_and_serves_https(served_with_tls):
    from coproduction_kit.server.join_door import fingerprint

    lines, data = served_with_tls
    participant = link_after(lines, "Participant link")
    assert participant.startswith("https://") and "?token=" in participant
    cert = data / "tls-cert.pem"
    assert mode(data / "tls-key.pem") == "0o600"
    printed = next(line for line in lines if re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", line))
    assert printed == fingerprint(cert)
    assert PLAIN_HTTP_WARNING not in lines
    port = participant.split(":")[2].split("/")[0]
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    token = participant.split("token=")[1]
    with urllib.request.urlopen(f"https://127.0.0.1:{port}/?token={token}", timeout=60, context=context) as r:
        assert r.status == 200


def test_under_tls_the_co_facilitator_link_is_https_and_the_cookie_secure(served_with_tls):
    """Moved from test_cofacilitators.py (test_under_tls_the_link_is_https_and_the_cookie_secure) onto
    this file's TLS server; its assertions are unchanged."""
    lines, data = served_with_tls
    link = link_after(lines, "Co-facilitator link for co-facilitator-1")
    assert link.startswith("https://")
    assert not any(line.startswith("Warning: over plain HTTP, anyone on the room's network could copy")
                   for line in lines)
    context = ssl.create_default_context(cafile=str(data / "tls-cert.pem"))
    context.check_hostname = False
    home, secret = link.split("?token=")
    with pytest.raises((OSError, http.client.HTTPException)):  # plain HTTP is not spoken on that port
        urllib.request.urlopen(home.replace("https://", "http://", 1), timeout=20)
    with urllib.request.urlopen(f"{home}?token={secret}", timeout=60, context=context) as response:
        assert response.status == 200
        cookie = next(h for h in response.headers.get_all("Set-Cookie") if h.startswith(COOKIE + "="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite=strict", "path=/facilitate/"} <= flags
