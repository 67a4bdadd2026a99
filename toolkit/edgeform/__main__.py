"""`python -m edgeform` runs the edgeform command."""

from edgeform.cli import main

if __name__ == "__main__":
    main()
