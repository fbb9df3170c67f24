"""The management console (/console): server-rendered pages in the shell of `pages`."""
