"""Training the infilling model with torch (the optional `train` extra); the app never imports this."""
