"""``python -m dpo_mixture`` runs the command line."""

from .cli import run

if __name__ == "__main__":  # a spawned helper process imports this module too
    run()
