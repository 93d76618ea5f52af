"""Polling cameras: fetching frames within limits, claiming due cameras, writing the results."""
