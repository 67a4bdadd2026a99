"""edgeform: static sites behind CloudFront with Lambda@Edge, driven by Terraform."""

__version__ = "0.1.0"
