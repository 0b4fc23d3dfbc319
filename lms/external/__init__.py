"""Training done outside Lentera (riwayat pengembangan kompetensi): records, approval and the JP they add."""
