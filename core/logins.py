"""Logins for the facilitators and staff the coordinators work with: given by invitation, closed when they go.

A coordinator gives a login to a facilitator or a staff member of their sites who has an e-mail address.
The login gets the role the record implies (facilitator or prison staff, never more), the record's sites, no
password, and an e-mail with a link to choose one: the link works once and for `RELAIS_INVITATION_DAYS`.
Invitations go through the outbox, so one the mail server refuses is listed with the other e-mails not
sent and tried again at each run. Closing a login (someone who left) keeps it for the audit log's sake but
nobody can sign in with it; giving it again sends a new invitation.

Someone without an e-mail address (many volunteers, some officers) gets a printed letter instead: their
login name and a one-time code to type at `/welcome/code/`, valid as long as an e-mailed link. The code is
shown once, on the letter, and only its hash is kept; a new letter, an e-mail invitation, a password chosen
or a closed login void it. After `CODE_ATTEMPTS` wrong tries in a row the letter waits `CODE_WAIT` before the
next one: guessing stays hopeless, and a stranger typing someone's name cannot make their letter useless. A
new letter is also how someone without an e-mail address gets back a forgotten password.
"""
import datetime as dt
import enum
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, check_password, make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .models import AuditAction, LoginInvitation, Role, User

INTERFACE_LANGUAGES = ("fr", "nl", "en")
_LINK_SALT = "relais.core.logins.invitation"


class LoginState(models.TextChoices):
    NONE = "none", gettext_lazy("no login")
    INVITED = "invited", gettext_lazy("invited, no password yet")
    ACTIVE = "active", gettext_lazy("signs in")
    CLOSED = "closed", gettext_lazy("closed")


def with_login_state(queryset, state: str):
    """Facilitators or staff members whose login is in that state (a filter on the list pages)."""
    unusable = Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return queryset.filter({
        LoginState.NONE: Q(user__isnull=True),
        LoginState.INVITED: Q(user__is_active=True) & unusable,
        LoginState.ACTIVE: Q(user__is_active=True) & ~unusable,
        LoginState.CLOSED: Q(user__is_active=False),
    }[state])


def login_state(person) -> LoginState:
    """From the person's `user` (read with `select_related("user")` on lists)."""
    return user_state(person.user) if person.user_id else LoginState.NONE


def with_login_states(people) -> list:
    """Attach `login_state` to each person (read with their `user`: no query)."""
    people = list(people)
    for person in people:
        person.login_state = login_state(person)
    return people


def _is_facilitator(person) -> bool:
    return person._meta.label_lower == "activities.facilitator"


def _role(person) -> str:
    return Role.FACILITATOR if _is_facilitator(person) else Role.STAFF


def _site_ids(person) -> list[int]:
    return [site.pk for site in person.sites.all()] if _is_facilitator(person) else [person.site_id]


def suggested_language(person) -> str:
    """The first interface language a facilitator speaks, else the language Relais is shown in now."""
    spoken = getattr(person, "languages", None) or []
    for code in spoken:
        if code in INTERFACE_LANGUAGES:
            return code
    current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return current if current in INTERFACE_LANGUAGES else settings.LANGUAGE_CODE


def give_login(person, *, by, language: str | None = None) -> LoginInvitation:
    """Create (or open again) the person's login without a password and record an invitation to send.
    Refusals name the field: no e-mail address, an address another login has, a login already in use."""
    language = _checked_language(person, by, language)
    address = (person.email or "").strip().lower()
    if not address:
        raise ValidationError({"email": _("%(name)s has no e-mail address: add one first, the invitation is "
                                          "sent there.") % {"name": _name(person)}})
    with transaction.atomic():
        user = _login_to_open(person, address)
        if user.pk and user.is_active and user.has_usable_password():
            raise ValidationError({"email": _("%(name)s already has a login and signs in with it.")
                                            % {"name": _name(person)}})
        if user.pk and not User.objects.filter(Q(username__iexact=address) | Q(email__iexact=address)).exclude(
                pk=user.pk).exists():
            user.username = address  # their address changed since the first invitation
        user.email = address
        invitation = _hand_over(person, user, by, language)
        audit.record(by, AuditAction.CREATE, user, detail=f"login given to {person._meta.model_name} {person.pk}")
    return invitation


def _name(person) -> str:
    return f"{person.first_name} {person.last_name}"


def _checked_language(person, by, language: str | None) -> str:
    """The language of a login given to `person` by `by`, once `by` may give it and the person is active."""
    if not (by and by.has_perm("core.give_login", person)):
        raise PermissionDenied(_("You may not give logins to the people of this site."))
    if _is_facilitator(person) and not person.active:
        raise ValidationError({"active": _("%(name)s is no longer active.") % {"name": _name(person)}})
    language = language or suggested_language(person)
    if language not in INTERFACE_LANGUAGES:
        raise ValidationError({"language": _("Choose French, Dutch or English.")})
    return language


def _login_to_open(person, address: str) -> User:
    """The person's login, locked, else a new one named `address` (or first.last without one). Refused: an
    address another login has, a login of another role."""
    user = User.objects.select_for_update().filter(pk=person.user_id).first() if person.user_id else None
    if user is None:
        if address and User.objects.filter(Q(username__iexact=address) | Q(email__iexact=address)).exists():
            raise ValidationError({"email": _(
                "Another login already uses %(address)s: ask an administrator to link it to %(name)s.")
                % {"address": address, "name": _name(person)}})
        return User(username=address or username_for(person), role=_role(person))
    if user.role != _role(person):
        raise ValidationError({"email": _(
            "%(name)s signs in with a login of another role (%(role)s): ask an administrator.")
            % {"name": _name(person), "role": user.get_role_display()}})
    return user


def _hand_over(person, user, by, language: str) -> LoginInvitation:
    """Open the login without a password, for the person's sites, tied to their record."""
    user.first_name, user.last_name, user.language = person.first_name, person.last_name, language
    invitation = _open_with_invitation(user, _site_ids(person), by)
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
    return invitation


def _open_with_invitation(user, site_ids, by) -> LoginInvitation:
    user.is_active = True
    # a new unusable password also voids the links sent before: only the newest invitation works
    user.set_unusable_password()
    user.save()
    user.sites.set(site_ids)
    user.invitations.filter(sent_at__isnull=True).delete()
    return LoginInvitation.objects.create(user=user, invited_by=by)


def _close(user) -> None:
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    user.invitations.filter(sent_at__isnull=True).delete()
    _drop_refused_invitation(_recipient(user))


def close_login(person, *, by) -> None:
    """Someone who left: nobody signs in with their login any more (their feeds stop too). Kept, closed,
    for the audit log; an invitation not yet sent is dropped."""
    if not (by and by.has_perm("core.give_login", person)):
        raise PermissionDenied(_("You may not give logins to the people of this site."))
    if not person.user_id or not person.user.is_active:
        raise ValidationError({"user": _("%(name)s has no login to close.") % {"name": f"{person}"}})
    with transaction.atomic():
        user = person.user
        _close(user)
        audit.record(by, AuditAction.CHANGE, user, detail=f"login closed for {person._meta.model_name} {person.pk}")


@dataclass
class InvitedMany:
    invited: list  # (person, LoginInvitation)
    refused: list  # (person, message)


def give_logins(people, *, by, language: str | None = None) -> InvitedMany:
    """The same for each person, each on their own: one refused does not stop the others."""
    result = InvitedMany([], [])
    for person in people:
        try:
            result.invited.append((person, give_login(person, by=by, language=language)))
        except ValidationError as error:
            result.refused.append((person, " ".join(error.messages)))
    return result


def without_login(people) -> list:
    """Those to invite at once: active, with an e-mail address and no login (closed ones are given again
    one by one, on purpose)."""
    return [person for person in people if getattr(person, "active", True) and person.email and not person.user_id]


def _drop_refused_invitation(recipient) -> None:
    from scheduling.models import UnsentEmail, UnsentEmailKind

    UnsentEmail.objects.filter(kind=UnsentEmailKind.INVITATION, **_outbox_scope(recipient)).delete()


def _outbox_scope(recipient) -> dict:
    """The UnsentEmail field that names this recipient (a facilitator, a staff member or a login)."""
    return {{"activities.facilitator": "facilitator", "prisons.staffmember": "staff_member"}.get(
        recipient._meta.label_lower, "user"): recipient}


# --- the link -----------------------------------------------------------------------------------------


def _state(user) -> str:
    # The password hash changes when they choose one (and on each new invitation): a link works once.
    return salted_hmac(_LINK_SALT, f"{user.pk}|{user.password}|{user.is_active}|{user.email}").hexdigest()[:20]


def invitation_token(user) -> str:
    return signing.dumps({"user": user.pk, "state": _state(user)}, salt=_LINK_SALT)


class LinkProblem(enum.Enum):
    EXPIRED = "expired"
    USED = "used"
    WRONG = "wrong"


def user_for_token(token: str) -> tuple[User | None, LinkProblem | None]:
    try:
        data = signing.loads(token, salt=_LINK_SALT, max_age=dt.timedelta(days=settings.RELAIS_INVITATION_DAYS))
    except signing.SignatureExpired:
        return None, LinkProblem.EXPIRED
    except signing.BadSignature:
        return None, LinkProblem.WRONG
    user = User.objects.filter(pk=data.get("user")).first() if isinstance(data, dict) else None
    if user is None:
        return None, LinkProblem.WRONG
    if not user.is_active or user.has_usable_password() or not constant_time_compare(data.get("state", ""),
                                                                                      _state(user)):
        return None, LinkProblem.USED
    return user, None


def accept_invitation(user, password_form) -> None:
    """They chose their password (a validated `SetPasswordForm` for that user)."""
    with transaction.atomic():
        password_form.save()
        user.invitations.filter(accepted_at__isnull=True).update(accepted_at=timezone.now())
        audit.record(user, AuditAction.CHANGE, user, detail="invitation accepted")


# --- on paper ------------------------------------------------------------------------------------------

# Read on paper and typed by hand: no 0/O nor 1/I/L. Twelve of 31 symbols, about 59 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CODE_ATTEMPTS, CODE_WAIT = 5, dt.timedelta(minutes=15)


@dataclass
class Letter:
    """A login letter to print and hand over: the code is in no database, only here."""

    person: object
    user: User
    invitation: LoginInvitation
    code: str
    language: str

    @property
    def expires_on(self) -> dt.date:
        until = self.invitation.created_at + dt.timedelta(days=settings.RELAIS_INVITATION_DAYS)
        return timezone.localdate(until)


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def _typed_code(typed: str) -> str:
    """What was typed, as the hash was made: capitals, without spaces nor dashes."""
    return re.sub(r"[^A-Z0-9]", "", (typed or "").upper())


def _ascii_part(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def username_for(person) -> str:
    """first.last in plain letters, numbered when it is taken (ana.lopez, ana.lopez2, ...)."""
    base = ".".join(part for part in (_ascii_part(person.first_name), _ascii_part(person.last_name)) if part)
    base = base[:140] or f"{_role(person)}-{person.pk}"
    candidate, number = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        candidate, number = f"{base}{number}", number + 1
    return candidate


def give_login_on_paper(person, *, by, language: str | None = None, replace_password: bool = False) -> Letter:
    """Create (or open again) the person's login without a password and a letter with a code to choose one.
    Someone who already signs in gets a new letter only with `replace_password` (a forgotten password): their
    password then stops working. Refusals name the field."""
    language = _checked_language(person, by, language)
    address = (person.email or "").strip().lower()
    with transaction.atomic():
        user = _login_to_open(person, address)
        if user.pk and user.is_active and user.has_usable_password() and not replace_password:
            raise ValidationError({"replace_password": _(
                "%(name)s already signs in as %(username)s: tick “Their current password stops working” to print "
                "a new letter (for a forgotten password).") % {"name": _name(person), "username": user.username}})
        if address:
            user.email = address
        invitation = _hand_over(person, user, by, language)
        code = _new_code()
        invitation.on_paper = True
        invitation.code_hash = make_password(_typed_code(code))
        invitation.sent_at = invitation.created_at  # handed over with the letter
        invitation.save(update_fields=["on_paper", "code_hash", "sent_at"])
        _drop_refused_invitation(person)
        audit.record(by, AuditAction.CREATE, user,
                     detail=f"login letter printed for {person._meta.model_name} {person.pk}")
    return Letter(person=person, user=user, invitation=invitation, code=code, language=language)


@dataclass
class LettersMany:
    letters: list  # Letter
    refused: list  # (person, message)


def give_logins_on_paper(people, *, by) -> LettersMany:
    """A letter for each, each on their own: one refused does not stop the others."""
    result = LettersMany([], [])
    for person in people:
        try:
            result.letters.append(give_login_on_paper(person, by=by))
        except ValidationError as error:
            result.refused.append((person, " ".join(error.messages)))
    return result


def without_login_nor_email(people) -> list:
    """Those to give a letter at once: active, without an e-mail address and without a login."""
    return [person for person in people
            if getattr(person, "active", True) and not (person.email or "").strip() and not person.user_id]


class CodeProblem(enum.Enum):
    WRONG = "wrong"
    EXPIRED = "expired"
    TOO_MANY = "too_many"


_dummy_hash = None


def _check_against_nothing(code: str) -> None:
    # The same work as a real check, so the time taken does not tell which login names exist.
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = make_password(secrets.token_hex(8))
    check_password(code, _dummy_hash)


def user_for_code(username: str, code: str) -> tuple[User | None, CodeProblem | None]:
    """The login whose newest letter has this code, still unused; wrong codes in a row make the letter wait."""
    typed = _typed_code(code)
    user = User.objects.filter(username__iexact=(username or "").strip()).first()
    invitation = user.invitations.first() if user else None
    if not (user and user.is_active and not user.has_usable_password() and invitation and invitation.on_paper
            and invitation.accepted_at is None):
        _check_against_nothing(typed)
        return None, CodeProblem.WRONG
    now = timezone.now()
    if invitation.failed_attempts >= CODE_ATTEMPTS and invitation.last_failed_at > now - CODE_WAIT:
        return None, CodeProblem.TOO_MANY
    if not check_password(typed, invitation.code_hash):
        LoginInvitation.objects.filter(pk=invitation.pk).update(failed_attempts=F("failed_attempts") + 1,
                                                                last_failed_at=now)
        return None, CodeProblem.TOO_MANY if invitation.failed_attempts + 1 >= CODE_ATTEMPTS else CodeProblem.WRONG
    if invitation.created_at < timezone.now() - dt.timedelta(days=settings.RELAIS_INVITATION_DAYS):
        return None, CodeProblem.EXPIRED
    return user, None


# --- sending ------------------------------------------------------------------------------------------


def _recipient(user):
    """Whom the outbox names: the login's facilitator or staff record, else the login (a coordinator's)."""
    return getattr(user, "facilitator", None) or getattr(user, "staff_member", None) or user


def _invitation_email(invitation) -> tuple[str, str]:
    user = invitation.user
    inviter = invitation.invited_by
    with translation.override(user.language):
        subject = _("Your login to Relais")
        body = render_to_string("core/email/invitation.txt", {
            "user": user,
            "inviter": inviter.get_full_name() if inviter else "",
            "sites": ", ".join(sorted(site.name for site in user.sites.all())),
            "role": user.role,
            "link": settings.RELAIS_BASE_URL + reverse("welcome", args=[invitation_token(user)]),
            "days": settings.RELAIS_INVITATION_DAYS,
            "forgotten": settings.RELAIS_BASE_URL + reverse("password_reset"),
        })
    return subject, body


def _pending():
    return (LoginInvitation.objects.filter(sent_at__isnull=True, accepted_at__isnull=True, user__is_active=True)
            .select_related("user__facilitator", "user__staff_member", "invited_by").order_by("pk"))


def _send(outbox, invitation) -> bool:
    recipient = _recipient(invitation.user)
    subject, body = _invitation_email(invitation)
    if not outbox.send(recipient, invitation.user.email, subject, body):
        return False
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return True


def send_invitations(invitations=None) -> int:
    """Send the given invitations now (as the coordinator gives the logins), or every one pending (each run
    of `send_pending_emails`); returns how many went out. A refused one is listed and tried next run."""
    from scheduling.models import UnsentEmailKind
    from scheduling.outbox import Outbox

    sent = 0
    if invitations is None:
        with Outbox(UnsentEmailKind.INVITATION) as outbox:
            for invitation in _pending():
                sent += _send(outbox, invitation)
        return sent
    pending = _pending().filter(pk__in=[invitation.pk for invitation in invitations])
    for invitation in pending:
        with Outbox(UnsentEmailKind.INVITATION, **_outbox_scope(_recipient(invitation.user))) as outbox:
            sent += _send(outbox, invitation)
    return sent


@dataclass
class LoginSummary:
    """What a person's page says of their login."""

    state: LoginState
    username: str
    last_login: dt.datetime | None
    invitation: LoginInvitation | None  # the newest
    refused: object | None  # the UnsentEmail of an invitation the mail server refused
    language: str  # suggested for an invitation

    @property
    def can_invite(self) -> bool:
        return self.state in (LoginState.NONE, LoginState.INVITED, LoginState.CLOSED)


def login_summary(person) -> LoginSummary:
    from scheduling.models import UnsentEmail, UnsentEmailKind

    user = person.user if person.user_id else None
    return LoginSummary(
        state=login_state(person),
        username=user.username if user else "",
        last_login=user.last_login if user else None,
        invitation=user.invitations.select_related("invited_by").first() if user else None,
        refused=UnsentEmail.objects.filter(kind=UnsentEmailKind.INVITATION, **_outbox_scope(person)).first(),
        language=(user.language if user else "") or suggested_language(person),
    )


# --- the administrators' side: every login -------------------------------------------------------------

# Logins the administrators invite themselves: those without a facilitator or staff record.
ROLES_INVITED_BY_ADMINISTRATORS = (Role.COORDINATOR, Role.SCREENER, Role.ADMINISTRATOR)


def invite_user(*, first_name: str, last_name: str, email: str, role: str, sites, language: str,
                by) -> LoginInvitation:
    """A new coordinator, screener or administrator, invited to choose a password. Refusals name the field."""
    from django.core.validators import validate_email

    if not (by and by.has_perm("core.manage_logins")):
        raise PermissionDenied(_("Only administrators manage these logins."))
    first_name, last_name, address = first_name.strip(), last_name.strip(), email.strip().lower()
    sites = list(sites)
    errors = {}
    if not first_name:
        errors["first_name"] = _("Give the first name.")
    if not last_name:
        errors["last_name"] = _("Give the last name.")
    try:
        validate_email(address)
    except ValidationError:
        errors["email"] = _("Give an e-mail address: the invitation is sent there and it is their login name.")
    else:
        if User.objects.filter(Q(username__iexact=address) | Q(email__iexact=address)).exists():
            errors["email"] = _("Another login already uses %(address)s.") % {"address": address}
    if role not in ROLES_INVITED_BY_ADMINISTRATORS:
        errors["role"] = _("Facilitators and prison staff get their login from their own page, which ties it to "
                           "their record.")
    elif role != Role.ADMINISTRATOR and not sites:
        errors["sites"] = _("Tick the sites they work for: they see nothing of the others.")
    if language not in INTERFACE_LANGUAGES:
        errors["language"] = _("Choose French, Dutch or English.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User(username=address, email=address, first_name=first_name, last_name=last_name, role=role,
                    language=language)
        invitation = _open_with_invitation(user, [site.pk for site in sites] if role != Role.ADMINISTRATOR else [],
                                           by)
        audit.record(by, AuditAction.CREATE, user, detail=f"login invited as {role}")
    return invitation


def invite_again(user, *, by) -> LoginInvitation:
    """A new invitation for a login not in use (never used, or closed); a facilitator's or staff member's goes
    through their record, which keeps its sites."""
    record = _recipient(user)
    if record is not user:
        return give_login(record, by=by, language=user.language)
    if not (by and by.has_perm("core.manage_logins")):
        raise PermissionDenied(_("Only administrators manage these logins."))
    if user.is_active and user.has_usable_password():
        raise ValidationError({"user": _("%(name)s already has a login and signs in with it.")
                                       % {"name": user.get_full_name() or user.username}})
    with transaction.atomic():
        invitation = _open_with_invitation(user, list(user.sites.values_list("pk", flat=True)), by)
        audit.record(by, AuditAction.CREATE, user, detail="login invited again")
    return invitation


def close_user(user, *, by) -> None:
    """Close any login (not one's own: an administrator is never locked out by a slip)."""
    if not (by and by.has_perm("core.manage_logins")):
        raise PermissionDenied(_("Only administrators manage these logins."))
    if user.pk == by.pk:
        raise ValidationError({"user": _("You cannot close your own login.")})
    if not user.is_active:
        raise ValidationError({"user": _("%(name)s has no login to close.")
                                       % {"name": user.get_full_name() or user.username}})
    with transaction.atomic():
        _close(user)
        audit.record(by, AuditAction.CHANGE, user, detail="login closed")


def user_state(user) -> LoginState:
    """Invited: a login without a password yet, the invitation waiting to be used."""
    if not user.is_active:
        return LoginState.CLOSED
    return LoginState.ACTIVE if user.has_usable_password() else LoginState.INVITED


@dataclass
class LoginRow:
    user: User
    state: LoginState
    dormant: bool  # signs in but has not for `RELAIS_DORMANT_LOGIN_DAYS`, or invited and the link expired
    record: object | None  # the facilitator or staff record it belongs to


def every_login(*, role: str = "", site=None, state: str = "", dormant_only: bool = False,
                now: dt.datetime | None = None) -> list[LoginRow]:
    """Every login with its state, for the administrators' review of who can see what (four queries)."""
    now = now or timezone.now()
    users = (User.objects.select_related("facilitator", "staff_member").prefetch_related("sites", "invitations")
             .order_by("last_name", "first_name", "username"))
    if role:
        users = users.filter(role=role)
    if site is not None:
        users = users.filter(sites=site)
    rows = []
    for user in users:
        row_state = user_state(user)
        invitations = list(user.invitations.all())
        if row_state is LoginState.ACTIVE:
            last = user.last_login or user.date_joined
            dormant = last < now - dt.timedelta(days=settings.RELAIS_DORMANT_LOGIN_DAYS)
        elif row_state is LoginState.INVITED:
            sent = max((i.sent_at or i.created_at for i in invitations), default=user.date_joined)
            dormant = sent < now - dt.timedelta(days=settings.RELAIS_INVITATION_DAYS)
        else:
            dormant = False
        if state and row_state != state:
            continue
        if dormant_only and not dormant:
            continue
        record = _recipient(user)
        rows.append(LoginRow(user, row_state, dormant, record if record is not user else None))
    return rows


def follow_new_address(sender, instance, **kwargs) -> None:
    """`post_save` of a facilitator or staff record: its login's e-mail becomes the record's new address, so a
    forgotten password's link goes where the coordinators now write (the login name stays)."""
    address = (instance.email or "").strip().lower()
    if instance.user_id and address:
        User.objects.filter(pk=instance.user_id).exclude(email=address).update(email=address)
