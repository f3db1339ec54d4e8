"""``python -m winsession``: the winsession command."""

from .cli import main_exit

main_exit()
