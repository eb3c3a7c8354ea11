"""Reports for organisers, companies, partners and funders: one structure (document.py), four renderings."""
