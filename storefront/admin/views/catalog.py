"""Staff catalog pages: products, variants, stock, images, certifications, tags, collections, CSV."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from storefront.admin import bp
from storefront.admin.access import EDITORS, staff_required
from storefront.admin.forms import (
    CertificationForm,
    CollectionForm,
    CollectionImageForm,
    ConfirmForm,
    DietTagForm,
    ImageForm,
    ImportForm,
    NewProductForm,
    NewVariantForm,
    PickerForm,
    ProductForm,
    StockForm,
    VariantForm,
    to_minor_units,
)
from storefront.alerts.services import waiting_by_product, waiting_counts
from storefront.catalog import admin_services as svc
from storefront.catalog.allergens import allergens_in, mask_of
from storefront.catalog.availability import certificate_in_force
from storefront.catalog.csv_io import CsvImportError, export_products_csv, import_products_csv
from storefront.catalog.forms import nutrition_form_data, nutrition_from_form
from storefront.catalog.images import ImageRejected, store_collection_image, store_product_image
from storefront.catalog.models import (
    Certification,
    Collection,
    DietTag,
    Product,
    ProductImage,
    Variant,
)
from storefront.catalog.nutrition import NutritionError
from storefront.catalog.servings import Serving
from storefront.clock import today
from storefront.extensions import db
from storefront.money import to_decimal

# ---------------------------------------------------------------- helpers: "get it or 404"


def get_product_or_404(product_id: int) -> Product:
    product = svc.get_product_for_edit(product_id)
    if product is None:
        abort(404)
    return product


def get_or_404(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


def get_child_or_404(model, child_id: int, product: Product):
    """A variant / image / certification that belongs to this product, else 404."""
    child = db.session.get(model, child_id)
    if child is None or child.product_id != product.id:
        abort(404)
    return child


def _currency() -> str:
    return current_app.config["STORE_CURRENCY"]


def _choices(form: ProductForm) -> None:
    form.tags.choices = [SelectChoice(tid, name) for tid, name in svc.diet_tag_options()]
    form.collections.choices = [SelectChoice(cid, title) for cid, title in svc.manual_collection_options()]


def _product_fields(form: ProductForm) -> dict:
    """The form's product fields; NutritionError when the nutrition facts cannot be stored."""
    fields = {name: (getattr(form, name).data or "").strip() for name in svc.PRODUCT_FIELDS}
    if not fields["slug"]:
        fields.pop("slug")  # new products derive it from the title; existing ones keep theirs
    # A post without the editor's fields (an old page, a script) leaves the facts as they are.
    if any(key.startswith(form.nutrition_facts.name + "-") for key in request.form):
        fields["nutrition"] = nutrition_from_form(form.nutrition_facts.form)
    if form.allergen_status.name in request.form:
        declared = form.allergen_status.data == "declared"
        fields["allergen_mask"] = mask_of(form.contains.data or []) if declared else None
    return fields


def _fill_allergens(form: ProductForm, product: Product) -> None:
    form.allergen_status.data = "unknown" if product.allergen_mask is None else "declared"
    form.contains.data = [a.slug for a in allergens_in(product.allergen_mask)]


def _fill_nutrition(form: ProductForm, product: Product | None) -> None:
    form.nutrition_facts.process(None, nutrition_form_data(product.nutrition if product else None))


def _variant_data(form) -> dict:
    data = {
        "sku": form.sku.data.strip(),
        "option_label": (form.option_label.data or "").strip() or "Default",
        "price": to_minor_units(form.price.data, _currency()),
        "compare_at_price": to_minor_units(form.compare_at_price.data, _currency()),
        "weight_grams": form.weight_grams.data or 0,
    }
    if hasattr(form, "stock"):
        data["stock"] = form.stock.data or 0
    return data


def _warning_days() -> int:
    return current_app.config["CERT_WARNING_DAYS"]


# ---------------------------------------------------------------- products


@bp.get("/products")
def products():
    args = request.args
    try:
        page = max(1, min(int(args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    filters = svc.AdminProductFilters(
        q=(args.get("q") or "").strip()[:200],
        status=args.get("status", ""),
        tag=args.get("tag", "")[:64],
        stock=args.get("stock", "") if args.get("stock") in ("low", "out") else "",
        certified=args.get("certified", "") if args.get("certified") in ("yes", "no") else "",
        sort=args.get("sort", "updated"),
        page=page,
    )
    listing = svc.admin_product_page(filters)
    tags = svc.diet_tag_slugs()
    return render_template(
        "admin/products/list.html", listing=listing, filters=filters, tags=tags, sorts=svc.ADMIN_SORTS,
        confirm=ConfirmForm(), waiting=waiting_by_product([row.id for row in listing.rows]),
    )


@bp.route("/products/new", methods=["GET", "POST"])
def product_new():
    form = NewProductForm()
    _choices(form)
    if request.method == "GET":
        _fill_nutrition(form, None)
    if form.validate_on_submit():
        try:
            product = svc.create_product(
                variant=_variant_data(form), tag_ids=form.tags.data, collection_ids=form.collections.data,
                actor=current_user, **_product_fields(form),
            )
        except (svc.CatalogError, NutritionError) as exc:
            flash(str(exc), "error")
        else:
            flash(f"“{product.title}” created. Add images and certifications below.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id))
    return render_template("admin/products/new.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
def product_edit(product_id: int):
    product = get_product_or_404(product_id)
    form = ProductForm(obj=product)
    _choices(form)
    if request.method == "GET":
        form.tags.data = [t.id for t in product.diet_tags]
        form.collections.data = svc.product_collection_ids(product.id)
        _fill_nutrition(form, product)
        _fill_allergens(form, product)
    status = 200
    if form.validate_on_submit():
        try:
            svc.update_product(product, tag_ids=form.tags.data, collection_ids=form.collections.data,
                               actor=current_user, **_product_fields(form))
        except (svc.CatalogError, NutritionError) as exc:
            flash(str(exc), "error")
            status = 422
        else:
            flash("Product saved.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id))
    elif request.method == "POST":
        status = 422
    return _render_product(product, form=form), status


def _render_product(product: Product, **forms):
    today_ = today()
    defaults = {
        "form": None,
        "variant_form": NewVariantForm(prefix="newvariant"),
        "image_form": ImageForm(prefix="image"),
        "cert_form": CertificationForm(prefix="cert"),
        "confirm": ConfirmForm(),
    }
    defaults.update(forms)
    if defaults["form"] is None:
        form = ProductForm(obj=product)
        _choices(form)
        form.tags.data = [t.id for t in product.diet_tags]
        form.collections.data = svc.product_collection_ids(product.id)
        _fill_nutrition(form, product)
        _fill_allergens(form, product)
        defaults["form"] = form
    return render_template(
        "admin/products/edit.html",
        product=product,
        today=today_,
        certificate_in_force=certificate_in_force,
        warnings=svc.certification_warnings(_warning_days(), product_id=product.id),
        history=svc.stock_history(product),
        references=svc.describe_references(svc.product_references(product)),
        waiting=waiting_counts([v.id for v in product.variants]),
        **defaults,
    )


@bp.post("/products/<int:product_id>/delete")
def product_delete(product_id: int):
    product = get_product_or_404(product_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    title = product.title
    references = svc.describe_references(svc.product_references(product))
    outcome = svc.remove_product(product, current_user)
    if outcome == "archived":
        flash(f"“{title}” is referred to by {references}, so it was archived instead of deleted.", "warning")
        return redirect(url_for("admin.product_edit", product_id=product_id))
    flash(f"“{title}” deleted.", "success")
    return redirect(url_for("admin.products"))


@bp.post("/products/<int:product_id>/variants")
def variant_add(product_id: int):
    product = get_product_or_404(product_id)
    form = NewVariantForm(prefix="newvariant")
    if form.validate_on_submit():
        try:
            variant = svc.add_variant(product, _variant_data(form), current_user)
        except svc.CatalogError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Variant {variant.sku} added.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id) + "#variants")
    return _render_product(product, variant_form=form), 422


@bp.route("/products/<int:product_id>/variants/<int:variant_id>", methods=["GET", "POST"])
def variant_edit(product_id: int, variant_id: int):
    product = get_product_or_404(product_id)
    variant = get_child_or_404(Variant, variant_id, product)
    form = VariantForm(prefix="variant")
    if request.method == "GET":
        form.sku.data = variant.sku
        form.option_label.data = variant.option_label
        form.price.data = to_decimal(variant.price, _currency())
        form.compare_at_price.data = (
            None if variant.compare_at_price is None else to_decimal(variant.compare_at_price, _currency())
        )
        form.weight_grams.data = variant.weight_grams
    status = 200
    if form.validate_on_submit():
        try:
            svc.update_variant(variant, _variant_data(form), current_user)
        except svc.CatalogError as exc:
            flash(str(exc), "error")
            status = 422
        else:
            flash(f"Variant {variant.sku} saved.", "success")
            return redirect(url_for("admin.variant_edit", product_id=product.id, variant_id=variant.id))
    elif request.method == "POST":
        status = 422
    return _render_variant(product, variant, form=form), status


def _render_variant(product: Product, variant: Variant, **forms):
    context = {"form": None, "stock_form": StockForm(prefix="stock"), "confirm": ConfirmForm()}
    context.update(forms)
    if context["form"] is None:
        form = VariantForm(prefix="variant")
        form.sku.data, form.option_label.data = variant.sku, variant.option_label
        form.price.data = to_decimal(variant.price, _currency())
        form.compare_at_price.data = (
            None if variant.compare_at_price is None else to_decimal(variant.compare_at_price, _currency())
        )
        form.weight_grams.data = variant.weight_grams
        context["form"] = form
    history = [h for h in svc.stock_history(product, limit=200) if h.object_id == str(variant.id)][:50]
    return render_template("admin/products/variant.html", product=product, variant=variant, history=history, **context)


@bp.post("/products/<int:product_id>/variants/<int:variant_id>/stock")
def variant_stock(product_id: int, variant_id: int):
    product = get_product_or_404(product_id)
    variant = get_child_or_404(Variant, variant_id, product)
    form = StockForm(prefix="stock")
    if form.validate_on_submit():
        try:
            svc.adjust_stock(variant, form.delta.data, form.reason.data, current_user)
        except svc.CatalogError as exc:
            form.delta.errors = [*form.delta.errors, str(exc)]
        else:
            flash(f"Stock of {variant.sku} is now {variant.stock}.", "success")
            return redirect(url_for("admin.variant_edit", product_id=product.id, variant_id=variant.id))
    return _render_variant(product, variant, stock_form=form), 422


@bp.post("/products/<int:product_id>/variants/<int:variant_id>/delete")
def variant_delete(product_id: int, variant_id: int):
    product = get_product_or_404(product_id)
    variant = get_child_or_404(Variant, variant_id, product)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        sku = variant.sku
        svc.delete_variant(variant, current_user)
    except svc.CatalogError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.variant_edit", product_id=product.id, variant_id=variant_id))
    flash(f"Variant {sku} deleted.", "success")
    return redirect(url_for("admin.product_edit", product_id=product.id) + "#variants")


@bp.post("/products/<int:product_id>/images")
def image_add(product_id: int):
    product = get_product_or_404(product_id)
    form = ImageForm(prefix="image")
    if form.validate_on_submit():
        upload = form.image.data
        try:
            stored = store_product_image(
                upload.stream, upload.filename or "", max_bytes=current_app.config["MAX_IMAGE_BYTES"],
            )
        except ImageRejected as exc:
            form.image.errors = [*form.image.errors, str(exc)]
        else:
            svc.add_product_image(product, stored, form.alt.data)
            flash("Image added.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id) + "#images")
    return _render_product(product, image_form=form), 422


@bp.post("/products/<int:product_id>/images/<int:image_id>/delete")
def image_delete(product_id: int, image_id: int):
    product = get_product_or_404(product_id)
    image = get_child_or_404(ProductImage, image_id, product)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    svc.remove_product_image(image)
    flash("Image removed.", "success")
    return redirect(url_for("admin.product_edit", product_id=product.id) + "#images")


def _serving_data(form: CertificationForm) -> dict:
    """The structured serving tested (and its text), or nothing when no amount was given."""
    if form.serving_quantity.data is None:
        return {}
    metric = form.serving_metric_quantity.data
    return Serving(form.serving_quantity.data, form.serving_unit.data.strip(), metric,
                   form.serving_metric_unit.data if metric is not None else "").fields()


@bp.post("/products/<int:product_id>/certifications")
def certification_add(product_id: int):
    product = get_product_or_404(product_id)
    form = CertificationForm(prefix="cert")
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in (
            "body", "licence_number", "valid_from", "valid_until", "evidence_url", "listing_url")}
        data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
        data.update(_serving_data(form))
        try:
            svc.add_certification(product, data, current_user)
        except svc.CatalogError as exc:
            flash(str(exc), "error")
        else:
            flash("Certification recorded.", "success")
            return redirect(url_for("admin.product_edit", product_id=product.id) + "#certifications")
    return _render_product(product, cert_form=form), 422


@bp.post("/products/<int:product_id>/certifications/<int:cert_id>/delete")
def certification_delete(product_id: int, cert_id: int):
    product = get_product_or_404(product_id)
    cert = get_child_or_404(Certification, cert_id, product)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    svc.delete_certification(cert, current_user)
    flash("Certification removed.", "success")
    return redirect(url_for("admin.product_edit", product_id=product.id) + "#certifications")


@bp.get("/certifications")
def certifications():
    days = _warning_days()
    return render_template("admin/certifications.html", warnings=svc.certification_warnings(days), days=days)


# ---------------------------------------------------------------- picker (editors too)


@bp.get("/products/picker")
@staff_required(*EDITORS)
def product_picker():
    """Products matching a search, with the CTA shortcode to paste (HTML) or insert (JSON)."""
    form = PickerForm(request.args)
    q = (form.q.data or "").strip()[:200]
    results = svc.search_products_for_picker(q) if q else []
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return {
            "results": [
                {"slug": slug, "title": title, "status": status, "shortcode": f"[[product:{slug}]]"}
                for slug, title, status, _price in results
            ]
        }
    return render_template("admin/products/picker.html", form=form, q=q, results=results)


# ---------------------------------------------------------------- tags and collections


@bp.route("/tags", methods=["GET", "POST"])
def tags():
    form = DietTagForm()
    status = 200
    if form.validate_on_submit():
        try:
            tag = svc.save_diet_tag(form.name.data, form.slug.data or None)
        except svc.CatalogError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
            status = 422
        else:
            flash(f"Diet tag “{tag.name}” added.", "success")
            return redirect(url_for("admin.tags"))
    elif request.method == "POST":
        status = 422
    return render_template("admin/tags.html", form=form, rows=svc.diet_tags_with_counts(), confirm=ConfirmForm()), status


@bp.route("/tags/<int:tag_id>", methods=["GET", "POST"])
def tag_edit(tag_id: int):
    tag = get_or_404(DietTag, tag_id)
    form = DietTagForm(obj=tag)
    status = 200
    if form.validate_on_submit():
        try:
            svc.save_diet_tag(form.name.data, form.slug.data or tag.slug, tag)
        except svc.CatalogError as exc:
            form.slug.errors = [*form.slug.errors, str(exc)]
            status = 422
        else:
            flash(f"Diet tag “{tag.name}” saved.", "success")
            return redirect(url_for("admin.tags"))
    elif request.method == "POST":
        status = 422
    return render_template("admin/tag_edit.html", form=form, tag=tag), status


@bp.post("/tags/<int:tag_id>/delete")
def tag_delete(tag_id: int):
    tag = get_or_404(DietTag, tag_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    svc.delete_diet_tag(tag)
    flash("Diet tag deleted.", "success")
    return redirect(url_for("admin.tags"))


@bp.get("/collections")
def collections():
    return render_template("admin/collections/list.html", rows=svc.collections_with_counts())


@bp.route("/collections/new", methods=["GET", "POST"])
def collection_new():
    return _collection_form(None)


@bp.route("/collections/<int:collection_id>", methods=["GET", "POST"])
def collection_edit(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    return _collection_form(collection)


def _render_collection(collection: Collection | None, form: CollectionForm, image_form: CollectionImageForm) -> str:
    members = svc.collection_members(collection) if collection is not None and not collection.rule else []
    return render_template(
        "admin/collections/form.html", form=form, collection=collection, members=members, confirm=ConfirmForm(),
        image_form=image_form,
    )


def _collection_form(collection: Collection | None):
    form = CollectionForm(obj=collection)
    status = 200
    if form.validate_on_submit():
        try:
            saved = svc.save_collection(
                {k: getattr(form, k).data for k in ("title", "slug", "description", "rule", "featured", "position")},
                collection,
            )
        except svc.CatalogError as exc:
            form.rule.errors = [*form.rule.errors, str(exc)]
            status = 422
        else:
            flash(f"Collection “{saved.title}” saved.", "success")
            return redirect(url_for("admin.collection_edit", collection_id=saved.id))
    elif request.method == "POST":
        status = 422
    return _render_collection(collection, form, CollectionImageForm(prefix="image")), status


@bp.post("/collections/<int:collection_id>/image")
def collection_image(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = CollectionImageForm(prefix="image")
    if form.validate_on_submit():
        upload = form.image.data
        try:
            stored = store_collection_image(
                upload.stream, upload.filename or "", max_bytes=current_app.config["MAX_IMAGE_BYTES"],
            )
        except ImageRejected as exc:
            form.image.errors = [*form.image.errors, str(exc)]
        else:
            svc.set_collection_image(collection, stored.path)
            flash("Tile image saved.", "success")
            return redirect(url_for("admin.collection_edit", collection_id=collection.id) + "#tile-image")
    # The collection's own form shows its saved values, not this upload's fields.
    return _render_collection(collection, CollectionForm(formdata=None, obj=collection), form), 422


@bp.post("/collections/<int:collection_id>/image/delete")
def collection_image_delete(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    svc.set_collection_image(collection, None)
    flash("Tile image removed.", "success")
    return redirect(url_for("admin.collection_edit", collection_id=collection.id) + "#tile-image")


@bp.post("/collections/<int:collection_id>/delete")
def collection_delete(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    svc.delete_collection(collection)
    flash("Collection deleted (its products are untouched).", "success")
    return redirect(url_for("admin.collections"))


# ---------------------------------------------------------------- CSV import / export


@bp.get("/catalog/export.csv")
def catalog_export():
    body = export_products_csv(_currency(), current_app.config["SITE_URL"])
    return Response(
        body, mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="products-{today().isoformat()}.csv"'},
    )


@bp.route("/catalog/import", methods=["GET", "POST"])
def catalog_import():
    form = ImportForm()
    errors, report, status = [], None, 200
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            report = import_products_csv(data, _currency(), current_app.config["SITE_URL"], user=current_user)
        except CsvImportError as exc:
            errors, status = exc.errors, 422
        else:
            flash(f"Import finished: {report}.", "success")
    elif request.method == "POST":
        status = 422
    return render_template("admin/catalog_import.html", form=form, errors=errors, report=report), status
