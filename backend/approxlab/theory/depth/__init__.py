"""Chapter 4 of seed 003, depth (with seeds 000, 001, 004): one module per scene."""
