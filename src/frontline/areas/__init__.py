"""Areas (行政区划) and grids (网格): the dated tree province → … → community → grid, and the
address → grid table that places residents in grids."""
