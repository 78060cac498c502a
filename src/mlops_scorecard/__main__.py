"""``python -m mlops_scorecard`` runs the CLI."""

from mlops_scorecard.cli import main

main()
