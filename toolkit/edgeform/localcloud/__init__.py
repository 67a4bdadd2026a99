"""The embedded AWS endpoint: moto's server on a loopback port, patched where it falls short
of AWS (`patches`), started and found by `endpoint`."""
