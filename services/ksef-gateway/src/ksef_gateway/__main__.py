from ksef_gateway.main import cli

cli()
