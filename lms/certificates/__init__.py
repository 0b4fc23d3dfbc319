"""Certificates: numbering, the PDF, exports; later issuing, public verification and the HR desk."""
