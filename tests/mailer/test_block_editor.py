"""The block editor's pages: add, edit, reorder and remove by plain forms; an image upload that
survives a field error; the preview frame and the public image."""

from __future__ import annotations

import io
import re

from PIL import Image

from mailer.bulletins.block_models import BlockKind
from panel.auth.models import Role
from tests.factories import make_staff
from tests.mailer.bulletin_helpers import make_bulletin


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (1500, 300), (0, 94, 184)).save(output, format="PNG")
    return output.getvalue()


def test_building_a_bulletin_from_blocks_through_the_pages(session, client, login_as, now):
    comms = make_staff(session, Role.COMMS)
    bulletin = make_bulletin(session, now, comms)
    session.commit()
    login_as(comms)
    base = f"/staff/bulletins/{bulletin.id}/blocks"

    assert client.post(f"{base}/new?kind=heading", data={"text": "Winter news"}).status_code == 302
    # an image without alt text: the error is next to the field and the upload is kept
    page = client.post(
        f"{base}/new?kind=image",
        data={"image": (io.BytesIO(_png()), "photo.jpg"), "alt": "", "caption": "Our new ward"},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="alt-error"' in html
    assert "Describe the image for people who cannot see it (alt text)" in html
    assert 'value="Our new ward"' in html and "Image uploaded (1200 by 240 pixels)" in html
    sha = re.search(r'name="image_sha" type="hidden" value="(\w{64})"', html).group(1)
    saved = client.post(
        f"{base}/new?kind=image", data={"image_sha": sha, "alt": "The new ward", "caption": ""}
    )
    assert saved.status_code == 302
    # a hostile web address is refused next to its field, the label kept
    page = client.post(
        f"{base}/new?kind=button", data={"label": "Book now", "url": "javascript:alert(1)"}
    )
    assert 'id="url-error"' in page.get_data(as_text=True)
    assert 'value="Book now"' in page.get_data(as_text=True)

    session.expire_all()
    heading, image = bulletin.blocks
    assert [b.kind for b in bulletin.blocks] == [BlockKind.HEADING, BlockKind.IMAGE]
    client.post(f"{base}/{image.id}/arrange", data={"action": "up"})
    session.expire_all()
    assert [b.id for b in bulletin.blocks] == [image.id, heading.id]
    client.post(f"{base}/{image.id}/arrange", data={"action": "move", "position": "9"})
    session.expire_all()
    assert [b.id for b in bulletin.blocks] == [heading.id, image.id]

    listing = client.get(base).get_data(as_text=True)
    assert "The new ward" in listing and "blocks/preview.html" in listing
    frame = client.get(f"{base}/preview.html")
    assert frame.status_code == 200 and "sandbox" in frame.headers["Content-Security-Policy"]
    assert f"/bulletins/images/{sha}.png" in frame.get_data(as_text=True)
    picture = client.get(f"/bulletins/images/{sha}.png")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert client.get(f"/bulletins/images/{sha}.jpg").status_code == 404

    client.post(f"{base}/{heading.id}/arrange", data={"action": "remove"})
    session.expire_all()
    assert [b.id for b in bulletin.blocks] == [image.id]


def test_saved_blocks_and_templates_are_reused_in_a_new_bulletin(session, client, login_as, now):
    comms = make_staff(session, Role.COMMS)
    first = make_bulletin(session, now, comms)
    second = make_bulletin(session, now, comms, title="Spring news")
    session.commit()
    login_as(comms)
    base = f"/staff/bulletins/{first.id}/blocks"
    client.post(f"{base}/new?kind=heading", data={"text": "Join the panel"})
    client.post(f"{base}/new?kind=button", data={"label": "Join", "url": "https://e.nhs.uk/j"})
    session.expire_all()
    heading = first.blocks[0]
    page = client.post(f"{base}/{heading.id}/save", data={"name": "  "})
    assert 'id="name-error"' in page.get_data(as_text=True)
    assert (
        client.post(f"{base}/{heading.id}/save", data={"name": "Join heading"}).status_code == 302
    )
    assert client.post(f"{base}/template", data={"name": "Monthly"}).status_code == 302

    other = f"/staff/bulletins/{second.id}/blocks"
    listing = client.get(other).get_data(as_text=True)
    assert "Join heading" in listing and "Monthly" in listing
    saved_id = re.search(r'<option value="(\d+)">Join heading', listing).group(1)
    template_id = re.search(r'<option value="(\d+)">Monthly', listing).group(1)
    client.post(f"{other}/reuse", data={"what": "saved", "saved-choice": saved_id})
    client.post(f"{other}/reuse", data={"what": "template", "template-choice": template_id})
    session.expire_all()
    assert [(b.kind, b.data.get("text") or b.data.get("label")) for b in second.blocks] == [
        (BlockKind.HEADING, "Join the panel"),
        (BlockKind.HEADING, "Join the panel"),
        (BlockKind.BUTTON, "Join"),
    ]
    # a choice not in the list adds nothing
    client.post(f"{other}/reuse", data={"what": "saved", "saved-choice": "999999"})
    session.expire_all()
    assert len(second.blocks) == 3
