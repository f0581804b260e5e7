"""What a person sees: Plotly figures from tidy frames, and numbers formatted the one way."""
