"""With Voilà's front end (``--front voila``, the fallback), a widget ipywidgets gave up on is drawn again.
The light front end, the default, loads every model before it draws any widget, so it never gives up.

ipywidgets waits at most 2 s for a widget's model; when a slow phone or a busy laptop keeps the page
busy across that moment, the output shows "Error displaying widget: model not found" for good, though
the model arrives (seen in CI and in the phone benchmark: a page never interactive).  The template
(index.html.j2) keeps every widget output's data and draws such an output again once the page's
widgets are restored.  Here the Submit panel's output is put in exactly the state ipywidgets leaves
it in (its node's text replaced by the error), just after the page's widgets are restored."""

import pytest

from tests.browser.test_phone import READY, phone

pytestmark = pytest.mark.browser

MISSING = "Error displaying widget: model not found"
GIVE_UP_ON_SUBMIT = """
(() => {
  const check = setInterval(() => {
    const manager = window.jupyterapp && window.jupyterapp.widgetManager;
    const button = [...document.querySelectorAll('button')].find(b => b.textContent.includes('Submit my shared answers'));
    if (!manager || !manager.restoredStatus || !button) return;
    clearInterval(check);
    const output = button.closest('.jp-OutputArea-output');
    output.textContent = '%s';  // what ipywidgets' renderer does when it gives up
    output.classList.add('jupyter-widgets');
    window.__gave_up = true;
  }, 20);
})();
""" % MISSING


def test_a_widget_output_left_with_model_not_found_is_drawn_again(chromium, voila_front_server):
    context, page = phone(chromium, voila_front_server, "light", "late-widgets")
    try:
        page.add_init_script(GIVE_UP_ON_SUBMIT)
        page.goto(f"{voila_front_server}voila/render/payment.ipynb")
        page.wait_for_function("window.__gave_up === true", timeout=90_000)
        page.locator(READY).wait_for(state="visible", timeout=15_000)  # drawn again, and enabled
        assert page.get_by_text(MISSING).count() == 0
        assert page.locator(READY).count() == 1  # once, not twice
        assert page.evaluate("sessionStorage.getItem('workshop-redraws')") is None  # drawn in place, not reloaded
    finally:
        context.close()
