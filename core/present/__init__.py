"""Presentation without Streamlit: charts, colours, highlighting, evidence and citations, labels."""
