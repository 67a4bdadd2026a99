"""`edgeform init`: a new project from a template, ready to serve, test and deploy.

A template is a site, its functions in Python and in Node.js, their tests, and the files
every project shares (`files/_common`: Makefile, .gitignore, README, the preview workflow).
Files are written as they are, with `@@PROJECT@@`-style markers replaced; dotfiles are kept
without their dot (`gitignore`, `github/`) so that packaging never drops them.
"""
