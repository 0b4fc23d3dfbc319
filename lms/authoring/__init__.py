"""Trainers publish modules from the browser: drafts, versions, owners, review; between content and learning."""
