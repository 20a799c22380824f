"""File lists: read as the archive reads them, checked, written in the archive's formats."""
