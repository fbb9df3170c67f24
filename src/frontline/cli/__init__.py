"""The `frontline` command-line program: the outermost layer, beside the web layer."""
