"""The one exception the exporter raises for models it cannot (or must not) convert."""


class ExportError(Exception):
    """`what` is shown to the user; `path` is the file at fault (None: the model source)."""

    def __init__(self, what, path=None):
        super().__init__(what)
        self.what = what
        self.path = path
