"""The simpy model: one module per mechanism, knowing nothing of files, plots or the CLI."""
