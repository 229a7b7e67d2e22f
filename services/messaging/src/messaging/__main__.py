from messaging.main import cli

cli()
