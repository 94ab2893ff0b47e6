"""POST /checkout/stripe/webhook/: thin; the work is in ``webhooks``."""

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from commerce.webhook_store import webhook_body_limit, webhook_body_read

from .webhooks import stripe_event_receive


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request):
    body = webhook_body_read(request)
    if body is None:
        limit = webhook_body_limit()
        return JsonResponse({"error": f"body larger than {limit} bytes"}, status=413)
    status, body = stripe_event_receive(body=body, headers=request.headers)
    return JsonResponse(body, status=status)
