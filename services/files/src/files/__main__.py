from files.main import cli

cli()
