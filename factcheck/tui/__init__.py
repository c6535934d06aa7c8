"""The review TUI: ``make_app`` builds it (for the CLI and the tests), ``run_app`` runs it.

Only the CLI imports this package; the core never imports Textual (an import-linter contract)."""
