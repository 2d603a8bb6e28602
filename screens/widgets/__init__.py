"""Small widgets used by more than one screen."""
