"""The playground in JupyterLab, trained by the kernel (backprop.playground.Playground).

Opens ``book/training-xor.md`` in JupyterLab (the server and helpers of
``tests/jupyterlab_helpers.py``), runs every cell, and checks the widget: it draws, its note
says the weights come from the kernel, play makes the kernel push frames of new weights and
the canvases change, training goes on while another cell keeps the kernel busy, and a bad
setting typed into the page is refused with a message.
"""

from __future__ import annotations

import pytest

from chromium import launch, requires_chromium
from jupyterlab_helpers import kernel_dialog_shown as _accept_kernel_dialog


@pytest.fixture(scope="module")
def lab(binder_server) -> str:  # noqa: F811
    """Training XOR in JupyterLab as Binder serves it (tests/jupyterlab_helpers.py)."""
    return binder_server.url("lab/tree/book/training-xor.md")

pytestmark = [pytest.mark.browser, requires_chromium]

ROOT_SEL = ".jp-OutputArea-output .bp-root"
DRAWING_JS = """() => {
  let h = 0;
  for (const c of document.querySelectorAll('.bp-root canvas')) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) h = (Math.imul(h, 31) + d[i] + 3 * d[i + 1]) | 0;
  }
  return h;
}"""


def _epoch(page) -> int:
    return int(page.locator(f"{ROOT_SEL} .bp-epoch").text_content().split()[-1])


def test_playground_is_trained_by_the_kernel_in_jupyterlab(lab) -> None:
    with launch() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page_errors: list[str] = []
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        page.goto(lab)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=90_000)
        _accept_kernel_dialog(page)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')];
                const busy = prompts.some(p => p.textContent.includes('*'));
                const root = document.querySelector('.jp-OutputArea-output .bp-root');
                return !busy && root && root.dataset.busy === '0';
            }""", timeout=300_000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type*='error']")
        assert errors.count() == 0, errors.first.inner_text()
        root = page.locator(ROOT_SEL)
        # JupyterLab hides cells outside the window: bring the widget into view first.
        root.scroll_into_view_if_needed()
        note = root.locator(".bp-note").text_content()
        assert "make_state in the kernel" in note, \
            f"no run from the kernel: {root.locator('.bp-message').text_content()!r} {page_errors}"
        assert _epoch(page) == 0
        before = page.evaluate(DRAWING_JS)

        play = root.locator(".bp-bar button").first
        play.click()
        page.wait_for_function(f"() => Number(document.querySelector('{ROOT_SEL} .bp-epoch')"
                               ".textContent.split(' ')[1]) >= 100", timeout=60_000)
        play.click()
        page.wait_for_function(f"() => document.querySelector('{ROOT_SEL}').dataset.busy"
                               " === '0'", timeout=30_000)
        frames = int(root.get_attribute("data-kernel-frames") or 0)
        assert frames >= 100 // 5, f"only {frames} frames of weights came from the kernel"
        assert page.evaluate(DRAWING_JS) != before
        assert "training error E = " in root.locator(".bp-summary").text_content()

        # The kernel trains in a thread of the widget: another cell running does not stop it.
        play.click()
        page.evaluate("""() => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            window.bpBusy = true;
            kernel.requestExecute({code: 'import time; time.sleep(8)'}).done
              .then(() => { window.bpBusy = false; });
        }""")
        page.wait_for_function("() => window.bpBusy === true")
        start = _epoch(page)
        page.wait_for_function(f"() => Number(document.querySelector('{ROOT_SEL} .bp-epoch')"
                               f".textContent.split(' ')[1]) >= {start + 200}", timeout=60_000)
        assert page.evaluate("() => window.bpBusy"), "the frames came only after the cell"
        play.click()
        page.wait_for_function("() => window.bpBusy === false", timeout=30_000)

        # A setting that cannot be trained is refused, and the page says why.
        seed = root.locator("[data-key='seed']")
        seed.fill("-1")
        seed.press("Tab")  # leaving the box commits it (JupyterLab keeps Enter for itself)
        assert "must be a whole number" in root.locator(".bp-message").text_content()
        assert not page_errors, page_errors
