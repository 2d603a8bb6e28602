"""A text area that lets go of its syntax trees (a hold in tree-sitter).

With ``textual[syntax]``, a :class:`~textual.widgets.TextArea` with a language
edits a ``SyntaxAwareDocument``, which parses its text by handing tree-sitter
its own bound method ``_read_callable``. The tree-sitter ``Tree`` keeps that
callable, so the document holds the tree and the tree holds the document; and
a ``Tree`` is invisible to Python's cycle collector (py-tree-sitter 0.26 does
not track it), so the pair is never freed: the text, its lines, the parser and
the tree, most of it C memory that ``tracemalloc`` does not see. Each text area
makes two documents (one in ``__init__``, one when its ``language`` is watched
on mount), so each opening of the routine editor kept two, about a megabyte
(issue 18).

:class:`CodeArea` breaks the cycle for every document it lets go of: the one
it replaces, and the one it has when it is unmounted. Breaking means parsing
the text once more from bytes, which tree-sitter does not keep a callable
for, so the document stays usable (an edit would parse with the callable
again, and the next unmount would break that too).
"""

from __future__ import annotations

from textual.document._document import DocumentBase
from textual.widgets import TextArea

try:
    from textual.document._syntax_aware_document import SyntaxAwareDocument
except ImportError:  # pragma: no cover - textual without the syntax module
    SyntaxAwareDocument = None  # type: ignore[assignment,misc]


def let_go(document: DocumentBase) -> bool:
    """Break a syntax-aware document's cycle with its tree; whether there was one."""
    if SyntaxAwareDocument is None or not isinstance(document, SyntaxAwareDocument):
        return False
    parser = getattr(document, "_parser", None)
    if parser is None or getattr(document, "_syntax_tree", None) is None:
        return False
    document._syntax_tree = parser.parse(document.text.encode("utf-8"))
    return True


class CodeArea(TextArea):
    """A :class:`TextArea` whose syntax-aware documents are freed when it is done with them."""

    def _set_document(self, text: str, language: str | None) -> None:
        old = getattr(self, "document", None)
        super()._set_document(text, language)
        if old is not None and old is not self.document:
            let_go(old)

    def on_unmount(self) -> None:
        let_go(self.document)
