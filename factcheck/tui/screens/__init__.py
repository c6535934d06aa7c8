"""The main review screen and the dialogs it opens (each dialog returns a typed result)."""
