"""FA(3) structured invoices: safe parsing, XSD validation and the normalised model."""
