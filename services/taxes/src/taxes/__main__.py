from taxes.main import cli

cli()
