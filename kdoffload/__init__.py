"""kdoffload: learned computation-offloading decisions, from exact demonstrations to a phone."""
