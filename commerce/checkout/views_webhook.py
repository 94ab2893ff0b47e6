"""POST /checkout/stripe/webhook/: thin; the work is in ``webhooks``."""

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .webhooks import stripe_event_receive


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request):
    status, body = stripe_event_receive(body=request.body, headers=request.headers)
    return JsonResponse(body, status=status)
