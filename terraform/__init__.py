"""The default Terraform templates, shipped inside edgeform as `edgeform.render.templates`.

They live here, at the repository's top level, where a reader looks for Terraform; the build
maps this folder into the package (pyproject.toml, [tool.setuptools.package-dir]). A project
overrides any of them with a file of the same name in its own `templates` folder.
"""
