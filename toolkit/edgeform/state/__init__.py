"""Where a stage's state lives: a local file, or a shared S3 bucket with a lock file.

`records` is the stage record kept beside each state (what `stages` lists and `gc` reads);
`lock` reads Terraform's lock information; `store` finds the states and records of a project's
stages on one target, in its folder or in its bucket.
"""
