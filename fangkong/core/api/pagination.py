from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    """Cursor (keyset) pagination: stable and fast on large tables, newest first."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500
