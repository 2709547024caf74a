"""The block editor: a bulletin's blocks with add, edit, move and remove (all plain forms, so it
works by keyboard and without JavaScript), its live preview frames, and the public images."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mailer.bulletins import block_rendering, rendering
from mailer.bulletins.block_forms import AddBlockForm, BlockForm, PickSavedForm, ReuseNameForm
from mailer.bulletins.block_models import BlockKind, BulletinBlock, BulletinTemplate
from mailer.bulletins.models import Bulletin, IllegalTransition
from mailer.bulletins.services import blocks, images, reuse
from mailer.bulletins.services.compose import ComposeError
from panel.auth.access import MEMBER_DATA_ROLES, get_scoped_or_404, staff_required
from panel.check_pages import email_frame_response
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error

blueprint = Blueprint("bulletin_blocks", __name__, url_prefix="/staff/bulletins")
images_blueprint = Blueprint("bulletin_images", __name__, url_prefix="/bulletins/images")
EDITORS = tuple(MEMBER_DATA_ROLES)
_EXTENSIONS = {"png": "image/png", "jpg": "image/jpeg"}


def _bulletin(bulletin_id: int) -> Bulletin:
    """Another place's bulletin is a 404, exactly like a missing one."""
    return get_scoped_or_404(db.session, Bulletin, bulletin_id, current_user)


def _block(bulletin: Bulletin, block_id: int) -> BulletinBlock:
    block = db.session.get(BulletinBlock, block_id)
    if block is None or block.bulletin_id != bulletin.id:
        abort(404)
    return block


def _to_blocks(bulletin: Bulletin, block_id: int | None = None):
    anchor = f"block-{block_id}" if block_id else None
    return redirect(url_for("bulletin_blocks.index", bulletin_id=bulletin.id, _anchor=anchor))


@blueprint.get("/<int:bulletin_id>/blocks")
@staff_required(*EDITORS)
def index(bulletin_id: int):
    """The bulletin's blocks, the controls to change them and the preview at two widths."""
    bulletin = _bulletin(bulletin_id)
    return render_template(
        "mailer/bulletins/blocks.html",
        bulletin=bulletin,
        saved_form=_picker(reuse.saved_blocks(db.session, current_user), "Saved block", "saved"),
        template_form=_picker(reuse.templates(db.session, current_user), "Template", "template"),
        add_form=AddBlockForm(formdata=None),
        summaries={block.id: block_rendering.block_summary(block) for block in bulletin.blocks},
        action_form=ConfirmForm(),
        warnings=rendering.content_warnings(bulletin),
    )


def _picker(records, label: str, prefix: str, formdata=None) -> PickSavedForm:
    form = PickSavedForm(formdata=formdata, prefix=prefix)
    form.choice.label.text = label
    form.choice.choices = [(str(record.id), record.name) for record in records]
    return form


def _choices(form: BlockForm, bulletin: Bulletin, kind: BlockKind) -> BlockForm:
    if kind is BlockKind.SURVEY:
        options = blocks.survey_choices(db.session, current_user, bulletin)
    elif kind is BlockKind.RESULTS:
        options = blocks.results_choices(db.session)
    else:
        options = blocks.decision_choices(db.session)
    field = form.decision_id if kind is BlockKind.DECISION else form.survey_id
    field.choices = [("", "Choose one")] + [(str(value), label) for value, label in options]
    return form


def _save(bulletin: Bulletin, block: BulletinBlock | None, kind: BlockKind):
    stored = {k: "" if v is None else str(v) for k, v in (block.data if block else {}).items()}
    form = _choices(BlockForm(data=stored), bulletin, kind)
    uploaded = images.image_by_hash(db.session, form.image_sha.data or "")
    if form.validate_on_submit():
        try:
            if kind is BlockKind.IMAGE and form.image.data:
                uploaded = images.store_image(db.session, form.image.data.read())
                form.image_sha.data = uploaded.sha256
            saved = blocks.save_block(
                db.session, current_user, bulletin, block, kind, form.values(kind), uploaded
            )
        except ComposeError as error:
            show_field_error(form, error)
            # A checked upload stays, so putting right another field does not lose it.
            db.session.commit()
        except IllegalTransition as error:
            flash(str(error), "error")
            return _to_blocks(bulletin)
        else:
            db.session.commit()
            return _to_blocks(bulletin, saved.id)
    return render_template(
        "mailer/bulletins/block.html",
        form=form,
        fields=form.for_kind(kind),
        kind=kind,
        bulletin=bulletin,
        block=block,
        uploaded=uploaded or (block.image if block else None),
    )


@blueprint.route("/<int:bulletin_id>/blocks/new", methods=["GET", "POST"])
@staff_required(*EDITORS)
def new(bulletin_id: int):
    """Add a block of the chosen kind at the end of the bulletin."""
    bulletin = _bulletin(bulletin_id)
    try:
        kind = BlockKind(request.args.get("kind", ""))
    except ValueError:
        flash("Choose the type of block to add", "error")
        return _to_blocks(bulletin)
    return _save(bulletin, None, kind)


@blueprint.route("/<int:bulletin_id>/blocks/<int:block_id>", methods=["GET", "POST"])
@staff_required(*EDITORS)
def edit(bulletin_id: int, block_id: int):
    """Change one block."""
    bulletin = _bulletin(bulletin_id)
    block = _block(bulletin, block_id)
    return _save(bulletin, block, block.kind)


def _position(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and len(value) < 6 else None
    except ValueError:
        return None


@blueprint.post("/<int:bulletin_id>/blocks/<int:block_id>/arrange")
@staff_required(*EDITORS)
def arrange(bulletin_id: int, block_id: int):
    """Move a block up, down or to a position (drag and drop), or remove it."""
    bulletin = _bulletin(bulletin_id)
    block = _block(bulletin, block_id)
    action = request.form.get("action", "")
    if ConfirmForm().validate_on_submit():
        try:
            if action == "remove":
                blocks.remove_block(db.session, bulletin, block)
            else:
                index = bulletin.blocks.index(block)
                moves = {"up": index - 1, "down": index + 1}
                target = moves.get(action, _position(request.form.get("position")))
                if target is not None:
                    blocks.move_block(bulletin, block, target)
        except IllegalTransition as error:
            flash(str(error), "error")
        db.session.commit()
    return _to_blocks(bulletin, None if action == "remove" else block.id)


def _name_page(bulletin: Bulletin, block: BulletinBlock | None, save):
    form = ReuseNameForm()
    if form.validate_on_submit():
        try:
            save(form.name.data or "")
        except ComposeError as error:
            show_field_error(form, error, "name")
        else:
            db.session.commit()
            flash("Saved: you can add it to any bulletin from the blocks page", "info")
            return _to_blocks(bulletin)
    return render_template(
        "mailer/bulletins/reuse_name.html", form=form, bulletin=bulletin, block=block
    )


@blueprint.route("/<int:bulletin_id>/blocks/<int:block_id>/save", methods=["GET", "POST"])
@staff_required(*EDITORS)
def save_block(bulletin_id: int, block_id: int):
    """Save a copy of one block to reuse in later bulletins."""
    bulletin = _bulletin(bulletin_id)
    block = _block(bulletin, block_id)
    return _name_page(
        bulletin,
        block,
        lambda name: reuse.save_for_reuse(db.session, current_user, bulletin, block, name),
    )


@blueprint.route("/<int:bulletin_id>/blocks/template", methods=["GET", "POST"])
@staff_required(*EDITORS)
def save_template(bulletin_id: int):
    """Keep the bulletin's blocks as a template for new bulletins."""
    bulletin = _bulletin(bulletin_id)
    return _name_page(
        bulletin, None, lambda name: reuse.save_template(db.session, current_user, bulletin, name)
    )


@blueprint.post("/<int:bulletin_id>/blocks/reuse")
@staff_required(*EDITORS)
def add_saved(bulletin_id: int):
    """Add a saved block, or all of a template's blocks, at the end of the bulletin."""
    bulletin = _bulletin(bulletin_id)
    is_template = request.form.get("what") == "template"
    records = (reuse.templates if is_template else reuse.saved_blocks)(db.session, current_user)
    form = _picker(records, "", "template" if is_template else "saved", request.form)
    if not form.validate_on_submit():
        flash("Choose one of the saved blocks or templates in the list", "error")
        return _to_blocks(bulletin)
    record = next(r for r in records if str(r.id) == form.choice.data)
    try:
        if isinstance(record, BulletinTemplate):
            added, left_out = reuse.add_template(db.session, current_user, bulletin, record)
        else:
            added = int(reuse.add_saved_block(db.session, current_user, bulletin, record))
            left_out = 1 - added
    except IllegalTransition as error:
        flash(str(error), "error")
        return _to_blocks(bulletin)
    db.session.commit()
    message = f"{added} block{'s' if added != 1 else ''} added"
    if left_out:
        message += f"; {left_out} left out: what it showed is not available to this bulletin"
    flash(message, "info" if not left_out else "error")
    return _to_blocks(bulletin)


@blueprint.get("/<int:bulletin_id>/blocks/preview.html")
@staff_required(*EDITORS)
def preview_frame(bulletin_id: int):
    """The email exactly as the signed-in user would get it, for the preview frames."""
    bulletin = _bulletin(bulletin_id)
    rendered = rendering.render_for_person(bulletin, current_user.name.split()[0])
    return email_frame_response(rendered.html_body)


@images_blueprint.get("/<string:digest>.<string:extension>")
def image(digest: str, extension: str):
    """An uploaded bulletin image: public, named by its content, so cached for good."""
    stored = images.image_by_hash(db.session, digest) if len(digest) == 64 else None
    if stored is None or _EXTENSIONS.get(extension) != stored.content_type:
        abort(404)
    response = Response(stored.content, mimetype=stored.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
