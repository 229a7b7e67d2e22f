"""Visualisation of invoices: HTML (Jinja2) and PDF (fpdf2), with KSeF QR codes and a stamp."""
