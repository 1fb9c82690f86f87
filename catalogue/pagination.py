"""Pages of lists whose length is already known (figures kept per catalogue version)."""

from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """Told the number of rows (the kept figures) instead of counting them. The
    count only numbers the pages: a page always reads a whole slice of ``per_page``
    rows, so a count from another moment can never hide a row."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)
