from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from knox.models import AuthToken

from .tokens import token_issue, token_revoke


@login_required
def profile(request):
    """Who I am, and the API tokens my body's systems use."""
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": AuthToken.objects.filter(user=request.user).order_by("-created"),
            "new_token": request.session.pop("new_token", None),
        },
    )


@login_required
@require_POST
def token_create(request):
    days = request.POST.get("expires_days") or None
    try:
        _, key = token_issue(user=request.user, expires_days=int(days) if days else None)
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", ["Give the expiry as a number of days."])))
    else:
        # Shown once, on the next page; only its hash is kept.
        request.session["new_token"] = key
    return redirect("profile")


@login_required
@require_POST
def token_delete(request, token_key):
    try:
        token_revoke(user=request.user, token_key=token_key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Token {token_key}… revoked: systems using it are refused from now on.")
    return redirect("profile")
