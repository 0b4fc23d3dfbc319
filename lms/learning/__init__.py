"""Learning: catalogue, enrolment, lesson progress, completion, Beranda and Riwayat."""
