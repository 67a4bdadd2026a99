"""The only code that imports boto3: session, site sync, CDN, Lambda versions."""
