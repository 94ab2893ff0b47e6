"""Encryption at rest and the region lookups it needs (keys are per region).

It sits in agencies, the lowest Django package, because agencies' own models (ID and bank
numbers) use these fields and imports run one way (tax <- agencies <- catalog <- commerce);
the residency app in commerce builds the personal-data stores on top of it.
"""
