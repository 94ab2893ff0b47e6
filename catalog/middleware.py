from .attribution import attributions_write_cookie


class NoteAttributionMiddleware:
    """Writes the note-attribution cookie when a view recorded a visit from a note."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        attributions_write_cookie(request, response)
        return response
