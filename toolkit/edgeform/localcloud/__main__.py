"""`python -m edgeform.localcloud serve --port N`: the embedded endpoint's server process."""

from edgeform.localcloud.endpoint import main

main()
