"""The dashboard's Streamlit glue: caches, the shared sidebar, the share/download strip.

Pages import from here and from core; nothing in core imports this package.
"""
