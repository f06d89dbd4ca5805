"""The member's side of the protocol in Python: a client that acts as a member through the JSON
API, doing all encryption locally, and the writer of the export archive. It builds on `crypto/`
and never imports the server (`workspace/`); the server never imports it."""
