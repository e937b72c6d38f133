"""Help content: the FAQ files and index, search, votes, guides, login help, the home page."""
