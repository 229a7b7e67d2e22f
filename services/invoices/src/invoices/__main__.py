from invoices.main import cli

cli()
