"""The API's routers, one module per part: health, sign-in, data quality."""
