"""Chapter 5: attention (seed 000; Sanford, Hsu and Telgarsky 2023)."""
