"""The Streamlit app's pages (one file each, run by `st.navigation` in app.py) and what they share (`common`)."""
