"""Account forms for dual-line storage (issue #17).

Sign-up asks for the country the shopper lives in (default: their ship-to country); it
decides the home region. An overseas shopper's email and names go to their region's store
(``services.personal_data_put``, the regional write first) and ``auth_user`` keeps them
blank. Duplicate emails are found by keyed hash as well as in ``auth_user``; password
reset finds overseas users by hash; the profile form writes names and email to the
region for overseas users.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from oscar.apps.customer import forms as core
from oscar.apps.customer.forms import *  # noqa: F403  (Oscar fork convention)
from oscar.apps.customer.utils import normalise_email

from commerce.residency import selectors, services


def country_choices():
    return [("", "---------"), *countries]


class EmailUserCreationForm(core.EmailUserCreationForm):
    country = forms.ChoiceField(
        label=_("Country or region you live in"),
        choices=country_choices,
        help_text=_("Your personal data is stored in this region."),
    )

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if selectors.email_taken(email=email):
            raise forms.ValidationError(_("A user with that email address already exists"))
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        country = self.cleaned_data.get("country") or ""
        region = services.region_for_country(country=country)
        if not services.is_overseas(region=region):
            if commit:
                user.save()
                services.home_region_ensure(user=user, country=country)
            return user
        email = user.email
        # The global row keeps no personal value; the region gets them.
        user.email = user.first_name = user.last_name = ""
        user.save()
        services.personal_data_put(user=user, data={"email": email}, country=country)
        # In memory only (Oscar signs the new user in by email): never saved (guards).
        user.email = email
        user._personal_resolved = True
        return user


class PasswordResetForm(core.PasswordResetForm):
    def get_users(self, email):
        yield from super().get_users(email)
        user = selectors.overseas_user_by_email(email=email)
        if user is not None and user.is_active and user.has_usable_password():
            yield user


class ProfileForm(core.UserForm):
    """Names and email; an overseas user's are read from and written to their region."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.overseas = services.is_overseas(region=services.user_region(user=user))
        if self.overseas:
            data = selectors.personal_data_get(user=user)
            for name in ("first_name", "last_name", "email"):
                if name in self.fields:
                    self.initial[name] = data.get(name, "")

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if selectors.email_taken(email=email, exclude_user_id=self.user.pk):
            raise forms.ValidationError(_("A user with this email address already exists"))
        return email

    def _post_clean(self):
        if not self.overseas:
            return super()._post_clean()
        # Never copy the values onto the global instance.

    def save(self, commit=True):
        if not self.overseas:
            return super().save(commit=commit)
        data = {name: self.cleaned_data.get(name, "") for name in ("first_name", "last_name")}
        data["email"] = self.cleaned_data.get("email", "")
        services.personal_data_put(user=self.user, data=data)
        return self.user


UserForm = ProfileForm
