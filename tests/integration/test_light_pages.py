"""The participants' server sends light pages (server/light.py): compressed, cacheable, nothing unused.

A real workshop Voilà server on loopback, asked as a phone's browser asks (Accept-Encoding: gzip).
"""

import gzip
import json
import re
import urllib.request

import pytest

from coproduction_kit.core.identity import PARTICIPANT_COOKIE
from coproduction_kit.core.settings import PROJECT_ROOT
from tests.helpers import Visitor, start_voila, stop_voila

pytestmark = pytest.mark.server


def fetch(url: str, cookie: str | None = None):
    headers = {"Accept-Encoding": "gzip, deflate, br"}
    if cookie:
        headers["Cookie"] = f"{PARTICIPANT_COOKIE}={cookie}"
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as response:
        raw = response.read()
        body = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
        return response.headers, raw, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.store import Store, migrate

    workshop = load_config(tmp_path_factory.mktemp("light") / "data", workshop_id="light-test")
    migrate(workshop.store_url)  # as `workshop serve` does
    store = Store(workshop.store_url)
    _, token = store.add_participant(workshop.workshop_id, "light-reader")
    store.close()
    process, url = start_voila(workshop)
    try:
        yield url, token
    finally:
        stop_voila(process)


def test_a_module_page_and_the_start_page_are_gzip_compressed(server):
    url, token = server
    headers, raw, body = fetch(url + "voila/render/payment.ipynb", cookie=token)
    assert headers["Content-Encoding"] == "gzip"
    assert b"workshop-exercise" in body or b"cell-index" in body
    assert len(raw) < len(body) / 2
    headers, _, body = fetch(url, cookie=token)
    assert headers["Content-Encoding"] == "gzip" and b"light-reader" in body


def test_voilas_scripts_are_compressed_and_hashed_extension_files_cached_for_a_year(server):
    url, token = server
    headers, raw, body = fetch(url + "voila/static/voila.js")
    assert headers["Content-Encoding"] == "gzip" and len(raw) < len(body) / 2
    assert headers["Vary"] == "Accept-Encoding"

    _, _, page = fetch(url + "voila/render/payment.ipynb", cookie=token)
    config = json.loads(re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    loaded = {extension["name"]: extension for extension in config["federated_extensions"]}
    # Only what a module page uses: the widgets, not nbgrader's, the Notebook's or code highlighting.
    assert "@jupyter-widgets/jupyterlab-manager" in loaded
    assert not {"@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "jupyterlab_pygments"} & set(loaded)

    widgets = loaded["@jupyter-widgets/jupyterlab-manager"]
    entry = f"{url}voila/labextensions/@jupyter-widgets/jupyterlab-manager/{widgets['load']}"
    assert re.search(r"\.[0-9a-f]{16,}\.js$", entry), entry  # its name carries its content's hash
    headers, raw, body = fetch(entry)
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    # A file whose name carries no hash is still checked with the server every time.
    headers, _, _ = fetch(f"{url}voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json")
    assert headers["Cache-Control"] == "no-cache"


def test_pages_holding_a_participants_words_are_never_kept_by_a_cache(server):
    """Caching is for the scripts every page shares: the start page, a module page (its answers are
    restored into it) and the journal are sent with ``no-store``, so neither the browser nor a proxy
    on the room's network keeps a copy after the participant leaves (or withdraws)."""
    url, token = server
    for path in ("", "voila/render/payment.ipynb", "journal.html", "journal.md"):
        headers, _, _ = fetch(url + path, cookie=token)
        assert "no-store" in headers["Cache-Control"], path


def test_anywidget_loads_only_on_a_page_with_a_power_map_and_is_served_from_here(server):
    """The power map's front end (anywidget's JupyterLab extension) is listed on the power page only;
    its files come from this server, compressed, and those named by their content are cached a year."""
    url, _ = server
    # A participant of its own: pages fetched here open kernels no browser closes, and the tests
    # before this one may have used the shared participant's three (kernels_per_participant).
    visitor = Visitor(url)
    visitor.post("", pseudonym="anywidget-reader")
    token = visitor.cookie(PARTICIPANT_COOKIE)

    def extensions(module):
        _, _, page = fetch(url + f"voila/render/{module}.ipynb", cookie=token)
        config = json.loads(re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        return {extension["name"]: extension for extension in config["federated_extensions"]}

    power, payment = extensions("power"), extensions("payment")
    assert "anywidget" in power and "anywidget" not in payment
    assert "@jupyter-widgets/jupyterlab-manager" in payment  # the widgets themselves still load everywhere
    entry = f"{url}voila/labextensions/anywidget/{power['anywidget']['load']}"
    headers, raw, body = fetch(entry)
    assert b"anywidget" in body and headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_module_page_loads_a_typesetter_that_does_nothing_from_here_not_mathjax(server):
    """Voilà's front end would load MathJax 3 (17 scripts, about 1 MB) on every page; the pages have no
    mathematics, so the page names the template's no-typesetting.js, served by this server."""
    url, _ = server
    visitor = Visitor(url)
    visitor.post("", pseudonym="typesetting-reader")
    _, _, page = fetch(url + "voila/render/payment.ipynb", cookie=visitor.cookie(PARTICIPANT_COOKIE))
    config = json.loads(re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert config["fullMathjaxUrl"] == "/voila/templates/workshop/static/no-typesetting.js"
    # Asked for without a cookie: the file is the kit's own, the same for everyone, and holds nothing of anyone's.
    headers, _, body = fetch(url + config["fullMathjaxUrl"].lstrip("/") + "?config=none&amp;delayStartupUntil=configured")
    assert "javascript" in headers["Content-Type"] and b"window.MathJax" in body and b"typesets nothing" in body
    shipped = PROJECT_ROOT / "coproduction_kit/server/jupyter/voila/templates/workshop/static/no-typesetting.js"
    assert body == shipped.read_bytes() and "Set-Cookie" not in headers


def test_the_light_front_end_s_files_are_the_kit_s_own_served_to_anyone_and_set_no_cookie(server):
    """The four files the light front end adds (front/): the page names its script and styles; each is
    served without a cookie exactly as the kit ships it, the same for everyone, and sets none. They
    hold no one's words, so withdrawal has nothing of them to remove. The front end's one request of
    its own, the shutdown when a page is left, goes to Voilà's existing route, which only the
    kernel's owner may use (test_server_doors)."""
    url, _ = server
    visitor = Visitor(url)
    visitor.post("", pseudonym="light-files-reader")
    _, _, page = fetch(url + "voila/render/payment.ipynb", cookie=visitor.cookie(PARTICIPANT_COOKIE))
    named = {m.decode() for m in re.findall(rb'/voila/templates/workshop/static/(light-front\.(?:js|css))', page)}
    assert named == {"light-front.js", "light-front.css"}
    static = PROJECT_ROOT / "coproduction_kit/server/jupyter/voila/templates/workshop/static"
    for name in ("light-front.js", "light-front.css", "light-front.js.LEGAL.txt", "light-front.sources"):
        headers, _, body = fetch(f"{url}voila/templates/workshop/static/{name}")
        assert body == (static / name).read_bytes() and "Set-Cookie" not in headers, name
