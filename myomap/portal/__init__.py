"""Pages the client reaches through a private link, without an account."""
