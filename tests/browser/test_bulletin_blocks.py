"""Building a bulletin from blocks, with an image, by keyboard alone, in Chromium with axe-core
on every page; the editor and its preview at phone width."""

from __future__ import annotations

import re
from pathlib import Path

from mailer.bulletins.services.images import solid_png
from panel.auth.models import Role

SHOTS = Path("/work/notes/shots")


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until ``selector`` has the focus (fails if the keyboard cannot reach it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def _submit(page, key: str = "Enter") -> None:
    """Press ``key`` on the focused control and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _add_block(checker, kind_steps: int) -> None:
    """On the blocks page: choose the kind (ArrowDown from the first) and press Add block."""
    page = checker.page
    _tab_to(page, "#kind")
    for _ in range(kind_steps):
        page.keyboard.press("ArrowDown")
    _tab_to(page, "button[type=submit]:not([name])")
    _submit(page)
    assert re.compile(r".*/blocks/new\?kind=\w+$").match(page.url)
    checker.check()


def test_a_bulletin_is_built_from_blocks_with_an_image_by_keyboard_alone(staff_page, tmp_path):
    checker = staff_page(Role.COMMS, "bulletin-blocks")
    page = checker.page
    checker.goto("/staff/bulletins/")
    _tab_to(page, "#title")
    page.keyboard.type("Built from blocks")
    _submit(page)
    assert re.compile(r".*/edit$").match(page.url)
    blocks_path = page.url.split(checker.base_url, 1)[1].rsplit("/edit", 1)[0] + "/blocks"
    checker.goto(blocks_path)

    _add_block(checker, 0)  # heading
    _tab_to(page, "#text")
    page.keyboard.type("Winter <news>")
    _submit(page)
    assert re.compile(r".*/blocks#block-\d+$").match(page.url)
    checker.check()

    _add_block(checker, 2)  # image
    picture = tmp_path / "ward.png"
    picture.write_bytes(solid_png(1600, 800, (0, 94, 184)))
    _tab_to(page, "#image")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(picture))
    # Saved without alt text first: the error is shown, the upload kept.
    _tab_to(page, "button[type=submit]")
    _submit(page)
    checker.check()
    assert "Image uploaded (1200 by 600 pixels)" in page.inner_text("main")
    _tab_to(page, "#alt")
    page.keyboard.type("A new children's ward with bright murals")
    _submit(page)
    assert re.compile(r".*/blocks#block-\d+$").match(page.url)
    checker.check()

    # The image comes second; moved up by keyboard it comes first.
    _tab_to(page, "button[value=up]")
    _submit(page)
    assert re.compile(r".*/blocks#block-\d+$").match(page.url)
    checker.check()
    order = page.locator(".app-block .nhsuk-caption-m").all_inner_texts()
    assert order == ["1. Image", "2. Heading"]
    assert page.locator("iframe.app-email-preview--phone").count() == 1
    if SHOTS.is_dir():
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=str(SHOTS / "bulletin-blocks-phone.png"), full_page=True)
        # Frames are left blank in full-page screenshots: the preview itself, at phone width.
        page.goto(page.frames[1].url)
        page.screenshot(path=str(SHOTS / "bulletin-blocks-preview-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
