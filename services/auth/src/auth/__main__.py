from auth.main import cli

cli()
