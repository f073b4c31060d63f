"""Pages for logins: coordinators give and close those of facilitators and staff; everyone chooses, changes
or gets back their password. The rules are in `core.logins`."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from . import logins
from . import rules as access
from .forms import (
    InviteUserForm,
    LanguageChoiceForm,
    LetterCodeForm,
    LoginFilterForm,
    LoginLetterForm,
    RelaisPasswordResetForm,
    add_service_errors,
)
from .models import User
from .redirects import next_or

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _people(user, kind: str):
    return access.visible_facilitators(user) if kind == "facilitator" else access.visible_staff_members(user)


def _person_page(person) -> str:
    if person._meta.label_lower == "activities.facilitator":
        return reverse("activities:facilitator-detail", args=[person.pk])
    return reverse("prisons:staff-edit", args=[person.pk])


def _tell_sent(request, invited: list, sent: int) -> None:
    if len(invited) == 1 and sent:
        messages.success(request, _("Invitation e-mailed to %(name)s.") % {"name": invited[0][0]})
    elif sent:
        messages.success(request, ngettext("%(sent)d of %(count)d invitation e-mailed.",
                                           "%(sent)d of %(count)d invitations e-mailed.", len(invited))
                         % {"sent": sent, "count": len(invited)})
    refused = len(invited) - sent
    if refused:
        messages.warning(request, ngettext(
            "The mail server refused %(count)d invitation: it is listed under “E-mails not sent” and tried again "
            "every ten minutes.",
            "The mail server refused %(count)d invitations: they are listed under “E-mails not sent” and tried "
            "again every ten minutes.", refused) % {"count": refused})


def _person_to_manage(request, kind: str, pk: int):
    person = get_object_or_404(_people(request.user, kind), pk=pk)
    if not request.user.has_perm("core.give_login", person):
        raise PermissionDenied
    return person


@login_required
@require_POST
def give_login(request, kind: str, pk: int):
    person = _person_to_manage(request, kind, pk)
    form = LanguageChoiceForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else None
    try:
        invitation = logins.give_login(person, by=request.user, language=language)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _tell_sent(request, [(person, invitation)], logins.send_invitations([invitation]))
    return redirect(next_or(request, _person_page(person)))


def _letters_page(request, letters: list, back: str):
    # The codes are on this page only: not kept by the browser, nor anywhere else.
    response = render(request, "core/login_letters.html", {
        "letters": letters, "back": back, "attempts": logins.CODE_ATTEMPTS,
        "code_url": settings.RELAIS_BASE_URL + reverse("welcome-code"),
    })
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def print_letter(request, kind: str, pk: int):
    """A login letter with a code, for someone without an e-mail address (or who forgot their password)."""
    person = _person_to_manage(request, kind, pk)
    form = LoginLetterForm(request.POST)
    form.is_valid()
    try:
        letter = logins.give_login_on_paper(person, by=request.user, language=form.cleaned_data.get("language"),
                                            replace_password=form.cleaned_data.get("replace_password", False))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_person_page(person))
    return _letters_page(request, [letter], _person_page(person))


@login_required
@require_POST
def close_login(request, kind: str, pk: int):
    person = _person_to_manage(request, kind, pk)
    try:
        logins.close_login(person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s can no longer sign in to Relais.") % {"name": person})
    return redirect(next_or(request, _person_page(person)))


@login_required
def invite_many(request, kind: str):
    """Everyone of the list without a login, at once: the page says who, the button invites them."""
    people = _people(request.user, kind).select_related("user")
    site = None
    if kind == "facilitator":
        if not request.user.has_perm("activities.view_facilitator_list"):
            raise PermissionDenied
        people = people.filter(active=True).prefetch_related("sites").order_by("last_name", "first_name")
        back = reverse("activities:facilitator-list")
    else:
        wanted = request.GET.get("site", "")
        site = get_object_or_404(access.visible_sites(request.user), pk=int(wanted) if wanted.isdigit() else 0)
        if not request.user.has_perm("prisons.change_reference", site):
            raise PermissionDenied
        people = people.filter(site=site).order_by("last_name", "first_name")
        back = reverse("prisons:staff-list") + f"?site={site.pk}"
    allowed = [person for person in people if request.user.has_perm("core.give_login", person)]
    to_invite = logins.without_login(allowed)
    to_print = logins.without_login_nor_email(allowed)
    if request.method == "POST" and request.POST.get("action") == "letters" and to_print:
        result = logins.give_logins_on_paper(to_print, by=request.user)
        for person, reason in result.refused:
            messages.error(request, f"{person}: {reason}")
        return _letters_page(request, result.letters, back) if result.letters else redirect(back)
    if request.method == "POST" and request.POST.get("action") != "letters" and to_invite:
        result = logins.give_logins(to_invite, by=request.user)
        for person, reason in result.refused:
            messages.error(request, f"{person}: {reason}")
        _tell_sent(request, result.invited, logins.send_invitations([inv for _p, inv in result.invited]))
        return redirect(back)
    return render(request, "core/invite_many.html", {
        "to_invite": [(person, logins.suggested_language(person)) for person in to_invite],
        "to_print": [(person, logins.suggested_language(person)) for person in to_print],
        "kind": kind, "back": back, "site": site,
        "days": settings.RELAIS_INVITATION_DAYS,
    })


def welcome(request, token: str):
    """The invitation's link: choose a password, then in."""
    user, problem = logins.user_for_token(token)
    if user is None:
        return render(request, "core/welcome.html", {"problem": problem.value, "days": settings.RELAIS_INVITATION_DAYS},
                      status=410 if problem is not logins.LinkProblem.WRONG else 404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        logins.accept_invitation(user, form)
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome to Relais. Your password is saved: sign in with %(username)s from "
                                    "now on.") % {"username": user.username})
        return redirect("home")
    return render(request, "core/welcome.html", {"form": form, "invited": user},
                  status=400 if form.errors else 200)


CODE_PROBLEMS = {
    logins.CodeProblem.WRONG: gettext_lazy(
        "This login name and code do not go together, or the letter was replaced by a newer one or already used. "
        "Type them as on the letter."),
    logins.CodeProblem.TOO_MANY: gettext_lazy(
        "Too many wrong codes: wait a quarter of an hour before trying again, and type the code as on the letter."),
    logins.CodeProblem.EXPIRED: gettext_lazy("This letter has expired. Ask your coordinator to print you a new one."),
}


def welcome_code(request):
    """The code of a printed letter: right, it leads to choosing a password, as an e-mailed link does."""
    form = LetterCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, problem = logins.user_for_code(form.cleaned_data["username"], form.cleaned_data["code"])
        if user is not None:
            return redirect("welcome", token=logins.invitation_token(user))
        form.add_error("code", CODE_PROBLEMS[problem])
    return render(request, "core/welcome_code.html", {"form": form, "days": settings.RELAIS_INVITATION_DAYS},
                  status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RelaisPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"

    def get_extra_email_context(self):
        return {"base_url": settings.RELAIS_BASE_URL}

    @property
    def extra_email_context(self):
        return self.get_extra_email_context()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password is saved."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your new password is saved."))
        return response


def login_section(user, person) -> dict:
    """The context of `core/_login_section.html` on a person's page (empty for who may not give logins)."""
    if person is None or not user.has_perm("core.give_login", person):
        return {}
    facilitator = person._meta.label_lower == "activities.facilitator"
    return {
        "login": logins.login_summary(person), "person": person, "may_give_login": True,
        "give_url": reverse("activities:facilitator-login" if facilitator else "prisons:staff-login", args=[person.pk]),
        "letter_url": reverse("activities:facilitator-login-letter" if facilitator else "prisons:staff-login-letter",
                              args=[person.pk]),
        "close_url": reverse("activities:facilitator-login-close" if facilitator else "prisons:staff-login-close",
                             args=[person.pk]),
        "language_choices": LanguageChoiceForm.base_fields["language"].choices,
        "invitation_days": settings.RELAIS_INVITATION_DAYS,
    }


@login_required
def every_login(request):
    """The administrators' review of every login: who, with which role and sites, in use or not."""
    if not request.user.has_perm("core.manage_logins"):
        raise PermissionDenied
    filters = LoginFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    form = InviteUserForm(request.POST or None, initial={"language": logins.suggested_language(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = logins.invite_user(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _tell_sent(request, [(invitation.user.get_full_name(), invitation)], logins.send_invitations([invitation]))
            return redirect("logins")
    rows = logins.every_login(role=wanted.get("role", ""), site=wanted.get("site"), state=wanted.get("state", ""),
                              dormant_only=wanted.get("dormant", False))
    return render(request, "core/logins.html", {
        "rows": rows, "filters": filters, "form": form, "dormant_days": settings.RELAIS_DORMANT_LOGIN_DAYS,
        "invitation_days": settings.RELAIS_INVITATION_DAYS,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def login_action(request, pk: int, action: str):
    if not request.user.has_perm("core.manage_logins"):
        raise PermissionDenied
    user = get_object_or_404(User, pk=pk)
    name = user.get_full_name() or user.username
    try:
        if action == "close":
            logins.close_user(user, by=request.user)
            messages.success(request, _("%(name)s can no longer sign in to Relais.") % {"name": name})
        else:
            invitation = logins.invite_again(user, by=request.user)
            _tell_sent(request, [(name, invitation)], logins.send_invitations([invitation]))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(next_or(request, reverse("logins")))
