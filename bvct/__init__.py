"""BVCT: case management for internal political protection work."""
