"""Pages of the quarantine area, by topic: sites and rooms, health (observations and
tests), placements, operations (batches, reviews, staff, checklist), the public page."""
