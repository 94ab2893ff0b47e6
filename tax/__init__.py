"""Tax: pure income-tax withholding and import-duty engines (no Django), plus exporters."""
