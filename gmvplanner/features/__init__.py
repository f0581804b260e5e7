"""Features: the media maths (carry-over, saturation), encoders, the weekly table and the design matrix."""
