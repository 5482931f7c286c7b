from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.models import User


@login_required
def home(request):
    """Grid workers start on their own grid; everyone else on the registry."""
    if request.user.role == User.Role.GRID_WORKER and not request.user.is_admin:
        return redirect("enterprises:my-grid")
    return redirect("enterprises:site-list")
