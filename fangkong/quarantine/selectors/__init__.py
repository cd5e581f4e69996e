"""Reads of the quarantine area: `sites` (visibility, floor plans, batches), `health`
(cut-offs, missing reports, tests due), `figures` (site figures in grouped queries)."""
