"""The CLI layer: click commands grouped by family, registered in cli.py.

Only this layer (and cli.py) prints or exits; it calls kit/ and renders what comes back.
"""
