"""The review screen's panes: each shows what it is given and reports what the reviewer did with it."""
