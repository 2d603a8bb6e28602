"""The Textual app for Coach."""
