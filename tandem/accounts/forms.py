from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from tandem.core.email import chosen_language, send_text_email

from .login import normalize_email


class EmailLoginForm(LoginForm):  # type: ignore[misc]
    """allauth's sign-in form (``ACCOUNT_FORMS["login"]``), with Tandem's e-mail field: the
    address is compared lower-cased, as it is stored (``UserManager``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.EmailField(
            label=_("E-mail"),
            widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        )
        self.fields["password"].label = _("Password")
        self.fields["password"].help_text = ""
        self.order_fields(["login", "password"])

    def add_prefix(self, field_name: str) -> str:
        # The e-mail field keeps the name it has always had on the page and in the POST
        # (``username``, ``id_username``); allauth knows it as ``login``.
        return super().add_prefix("username" if field_name == "login" else field_name)

    def clean_login(self) -> str:
        return normalize_email(self.cleaned_data.get("login"))


class TextPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending its plain-text e-mail unescaped (tandem.core.email)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        send_text_email(
            to=to_email,
            subject_template=subject_template_name,
            body_template=email_template_name,
            context=context,
            from_email=from_email,
            language=chosen_language(context.get("user")),
        )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), min_value=1, max_value=365, required=False
    )


class EraseAccountForm(forms.Form):
    """Self-service erasure: the person confirms with their current password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be erased for good."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password."), code="invalid")
        return password
