"""Exports of selected invoices: FA(3) XML zip, CSV, Comarch ERP Optima XML, InsERT EDI++."""
