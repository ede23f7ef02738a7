"""Chapter 2 of seed 003, constructive approximation: one module per scene."""
