"""Sign-in by email for every region (issue #17).

An overseas user's email is not in ``auth_user``: the keyed hash on their ``HomeRegion``
finds them (``selectors.overseas_user_by_email``). Anyone else goes through Oscar's
``EmailBackend`` unchanged (the global region keeps Oscar's behaviour)."""

from __future__ import annotations

from oscar.apps.customer.auth_backends import EmailBackend

from commerce.residency.selectors import overseas_user_by_email


class ResidencyEmailBackend(EmailBackend):
    def authenticate(self, request=None, *args, email=None, password=None, **kwargs):
        value = email if email is not None else kwargs.get("username")
        if value and "@" in value and password:
            user = overseas_user_by_email(email=value)
            if user is not None:
                if user.check_password(password) and self.user_can_authenticate(user):
                    return user
                return None
        return super().authenticate(request, *args, email=email, password=password, **kwargs)
