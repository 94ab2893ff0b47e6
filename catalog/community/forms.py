"""Forms of the community pages: thin, the services check and write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField as ModelCountryField


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(item, initial) for item in items]


class NoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Write #topic anywhere to add a topic, e.g. #tiktokrefugee or #学中文."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        help_text=_("Separated by spaces or commas; # is optional."),
    )
    products = forms.CharField(
        label=_("Linked products"),
        required=False,
        help_text=_("Product numbers, separated by commas, in the order to show them."),
    )
    images = MultipleImageField(
        label=_("Images"),
        help_text=_("Up to 9 JPEG, PNG, WebP or GIF images; the first is the cover."),
        widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    def topic_list(self) -> list[str]:
        raw = self.cleaned_data.get("topics", "")
        return [t for t in raw.replace("，", ",").replace(",", " ").split() if t.strip("#")]

    def product_list(self) -> list[str]:
        raw = self.cleaned_data.get("products", "")
        return [p for p in raw.replace("，", ",").replace(" ", ",").split(",") if p.strip()]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Say something nice…")}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    REASONS = [
        ("spam", _("Spam or advertising")),
        ("abuse", _("Harassment or hate")),
        ("illegal", _("Illegal where I live")),
        ("fake", _("Fake goods or scam")),
        ("other", _("Something else")),
    ]
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=REASONS)


class RegionForm(forms.Form):
    region = ModelCountryField(blank=True).formfield(label=_("I read from"), required=False)


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("New avatar"),
        help_text=_("A JPEG, PNG, WebP or GIF image."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
