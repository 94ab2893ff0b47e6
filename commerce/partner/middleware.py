from .currency import currency_for_request


class CurrencyMiddleware:
    """Sets ``request.currency`` before the basket (and its pricing strategy) is loaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.currency = currency_for_request(request)
        return self.get_response(request)
