"""klimakit's command line, run from a checkout: `python3 cli.py --help`.

The CLI itself is the room kit/cli/ (installed as the `klimakit` command); this entry script
stays at the top of the repository, where the design card puts it, and is not installed.
"""
from kit.cli import main

if __name__ == "__main__":
    main()
