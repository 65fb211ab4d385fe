"""The staff-only upload behind the body editor's figure dialog.

django-prose-editor has no upload of its own: its Figure extension opens `pickerUrl` in a window
with `?CKEditorFuncNum=N` and waits for that window to call
`window.opener.CKEDITOR.tools.callFunction(N, url, {alternative_text})` (CKEditor 4's file
browser protocol). This view is that window: a form, then a page whose script hands the URL back.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from publications import services
from publications.body_images import MAX_BYTES, check_body_image


class BodyImageForm(forms.Form):
    image = forms.ImageField(help_text=f"PNG, JPEG, GIF or WebP, at most {MAX_BYTES >> 20} MB.")
    alt = forms.CharField(
        label="Alternative text",
        required=False,
        max_length=500,
        help_text="What the image shows, for readers who cannot see it.",
    )

    def clean_image(self):
        image = self.cleaned_data["image"]
        # ImageField has had Pillow read the header: image.image is the (closed) Pillow image.
        self.extension = check_body_image(size=image.size, image_format=image.image.format)
        return image


def body_image_upload(request, admin_site):
    """Upload one image for a body; answer with the page that gives its URL to the editor."""
    if not (
        request.user.has_perm("publications.change_publication")
        or request.user.has_perm("publications.add_publication")
    ):
        raise PermissionDenied
    callback = request.GET.get("CKEditorFuncNum", "")
    form = BodyImageForm(request.POST or None, request.FILES or None)
    context = {**admin_site.each_context(request), "is_popup": True, "callback": callback}
    if request.method == "POST" and form.is_valid():
        url = services.body_image_save(file=form.cleaned_data["image"], extension=form.extension)
        context |= {"title": "Image uploaded", "url": url, "alt": form.cleaned_data["alt"]}
        return TemplateResponse(request, "admin/publications/body_image_done.html", context)
    context |= {"title": "Upload an image", "form": form}
    return TemplateResponse(request, "admin/publications/body_image_upload.html", context)
