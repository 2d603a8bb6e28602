"""A text area whose syntax trees are parsed from bytes (two holds in tree-sitter).

With ``textual[syntax]``, a :class:`~textual.widgets.TextArea` with a language
edits a ``SyntaxAwareDocument``, which parses its text, when it is made and
after every edit, by handing tree-sitter its bound method ``_read_callable``.
py-tree-sitter 0.26 does two things with a callable that it never does with
bytes (issue 18):

- the ``Tree`` keeps the callable, so the tree holds the document and the
  document holds the tree, and a ``Tree`` is invisible to Python's cycle
  collector: the pair was never freed (about a megabyte for each opening of
  the routine editor, which makes two documents);
- each parse keeps a few hundred small blocks of the heap for good, even once
  the tree is freed (about 300 for a 120-line routine): the soak benchmark's
  last upward trend.

:class:`BytesParsedDocument` hands tree-sitter the document's text as UTF-8
bytes instead, the same bytes the callable gives line by line, so neither
happens; :class:`CodeArea` makes it for every language it is given.
"""

from __future__ import annotations

from textual._tree_sitter import TREE_SITTER, get_language
from textual.document._document_navigator import DocumentNavigator
from textual.document._wrapped_document import WrappedDocument
from textual.widgets import TextArea

if TREE_SITTER:
    from textual.document._syntax_aware_document import SyntaxAwareDocument
    from tree_sitter import Language

    class BytesParsedDocument(SyntaxAwareDocument):
        """A syntax-aware document that tree-sitter reads from bytes, not through a callable."""

        @property
        def _read_callable(self) -> bytes:  # type: ignore[override]
            # SyntaxAwareDocument parses with ``self._parser.parse(self._read_callable[, tree])``
            # when it is made and after each edit; tree-sitter takes bytes there too. The
            # callable gives each line with its line end, the last one included: so do these.
            return (self.text + self.newline).encode("utf-8")
else:  # pragma: no cover - textual installed without its syntax extra
    BytesParsedDocument = None  # type: ignore[assignment,misc]


class CodeArea(TextArea):
    """A :class:`TextArea` whose syntax-aware documents are :class:`BytesParsedDocument`."""

    def _set_document(self, text: str, language: str | None) -> None:
        found = self._syntax(language)
        if found is None:  # plain text, or a language Textual reports (and falls back) on its own
            super()._set_document(text, language)
            return
        tree_sitter_language, highlight_query = found
        document = BytesParsedDocument(text, tree_sitter_language)
        # From here as TextArea._set_document does for its own syntax-aware document.
        self._highlight_query = document.prepare_query(highlight_query)
        self.document = document
        self.wrapped_document = WrappedDocument(document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()

    def _syntax(self, language: str | None) -> tuple[Language, str] | None:
        """The tree-sitter language and highlight query for ``language``, looked
        up as TextArea does (languages registered on the area first); None
        when there is none to parse with."""
        if not TREE_SITTER or not language:
            return None
        registered = self._languages.get(language)
        if registered is not None:
            found = registered.language or get_language(language)
            query = registered.highlight_query
        else:
            found = get_language(language)
            query = self._get_builtin_highlight_query(language) if found is not None else ""
        return None if found is None else (found, query)
