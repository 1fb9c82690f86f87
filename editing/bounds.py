"""The admin's answers to numbers no row can have: never a 500."""

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.exceptions import ValidationError
from django.db import DataError, transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _


class BoundedChangeList(ChangeList):
    """A date hierarchy out of the calendar's range (``?first_aired__year=99999999999``,
    or 9999, whose next year is 10000) gets the answer of any bad lookup, a redirect
    to the plain list with ``?e=1``: Django lets its OverflowError or ValueError out."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as e:
            raise IncorrectLookupParameters(e) from e


class BoundedChangelistMixin:
    """Numbers no row can have get the admin's own answers, never a 500: the date
    hierarchy's (above), and an action's selection naming ids that cannot exist
    (``abc``, or past bigint: SQLite's OverflowError) is refused as "nothing
    changed". NUL characters never get this far (common.requests refuses them)."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList

    def response_action(self, request, queryset, *args, **kwargs):
        pk = queryset.model._meta.pk
        try:
            for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
                pk.run_validators(pk.to_python(value))
        except ValidationError:
            message = _("The selection names entries that cannot exist. No items have been changed.")
            self.message_user(request, message, messages.WARNING)
            return None
        return super().response_action(request, queryset, *args, **kwargs)

    def changelist_view(self, request, extra_context=None):
        """A lookup with a number past what the database holds (``?pk__in=2**63``)
        fails only when the list is counted, as the page renders: rendered here,
        inside a savepoint, it gets the answer of any bad lookup (``?e=1``)."""
        try:
            with transaction.atomic():
                response = super().changelist_view(request, extra_context)
                if hasattr(response, "render"):
                    response.render()
                return response
        except (OverflowError, DataError):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
