from django.conf import settings


def currency(request):
    return {
        "shop_currency": getattr(request, "currency", settings.OSCAR_DEFAULT_CURRENCY),
        "shop_currencies": settings.SHOP_CURRENCIES,
    }
