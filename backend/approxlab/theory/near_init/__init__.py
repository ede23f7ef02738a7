"""Chapter 3 of seed 003, near initialization and the NTK: one module per scene."""
