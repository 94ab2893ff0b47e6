"""The merchant's dashboard page of commission owed on their orders."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from .selectors import commission_for_partner_users


def merchant_can_see_commission(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """Superusers, and partner users with dashboard access (Oscar's merchant model)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (
        user.has_perm("partner.dashboard_access") and user.partners.exists()
    )


@method_decorator(login_required, name="dispatch")
class MerchantCommissionView(ListView):
    template_name = "payouts/dashboard/commission_list.html"
    context_object_name = "earnings"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not merchant_can_see_commission(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            commission_for_partner_users(user=self.request.user)
            .select_related("creator", "order_line__order")
            .order_by("-occurred_at", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Commission owed on your orders")
        return context
